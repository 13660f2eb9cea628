//! `INSERT INTO t (a, b) VALUES (DEFAULT, x)`: SQLite has no DEFAULT keyword in
//! VALUES, so the columns given DEFAULT are left out (their default or identity
//! then applies); when every one is, it becomes `INSERT INTO t DEFAULT VALUES`.
//! Query builders (Kysely's `defaultValues()`) send this for a row of defaults.

use super::super::lexer::{split_commas, Tok, Token};

/// The statement without its DEFAULT values, or `None` when it has none (or is
/// not a single-row `INSERT … (columns) VALUES (…)`).
pub fn strip_default_values(toks: &[Token]) -> Option<Vec<Token>> {
    if !(toks.first()?.is_word("INSERT") && toks.get(1)?.is_word("INTO")) {
        return None;
    }
    let open_cols = toks.iter().position(|t| t.is_op("("))?;
    let close_cols = closing(toks, open_cols)?;
    if !toks.get(close_cols + 1)?.is_word("VALUES") || !toks.get(close_cols + 2)?.is_op("(") {
        return None;
    }
    let open_vals = close_cols + 2;
    let close_vals = closing(toks, open_vals)?;
    let cols = split_commas(&toks[open_cols + 1..close_cols]);
    let vals = split_commas(&toks[open_vals + 1..close_vals]);
    let is_default = |v: &&[Token]| v.len() == 1 && v[0].is_word("DEFAULT");
    if cols.len() != vals.len() || !vals.iter().any(is_default) {
        return None;
    }
    let kept: Vec<usize> = (0..vals.len()).filter(|&i| !is_default(&vals[i])).collect();
    let word = |w: &str, pos: usize| Token {
        tok: Tok::Word(w.into()),
        pos,
    };
    let op = |o: &str, pos: usize| Token {
        tok: Tok::Op(o.into()),
        pos,
    };
    let mut out: Vec<Token> = toks[..open_cols].to_vec();
    let pos = toks[open_cols].pos;
    if kept.is_empty() {
        out.push(word("DEFAULT", pos));
        out.push(word("VALUES", pos));
    } else {
        for (group, open) in [(&cols, open_cols), (&vals, open_vals)] {
            out.push(op("(", toks[open].pos));
            for (n, &i) in kept.iter().enumerate() {
                if n > 0 {
                    out.push(op(",", pos));
                }
                out.extend_from_slice(group[i]);
            }
            out.push(op(")", pos));
            if open == open_cols {
                out.push(toks[close_cols + 1].clone());
            }
        }
    }
    out.extend_from_slice(&toks[close_vals + 1..]);
    Some(out)
}

/// Index of the `)` matching the `(` at `open`.
fn closing(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::super::lexer::tokenize;
    use super::*;

    fn text(toks: &[Token]) -> String {
        toks.iter()
            .map(|t| match &t.tok {
                Tok::Word(w) | Tok::Op(w) | Tok::Number(w) => w.clone(),
                Tok::Quoted(q) => format!("\"{q}\""),
                Tok::Bind(b) => format!(":{b}"),
                Tok::Str(s) => format!("'{s}'"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn strip(sql: &str) -> Option<String> {
        strip_default_values(&tokenize(sql).unwrap()).map(|t| text(&t))
    }

    #[test]
    fn default_columns_are_left_out() {
        assert_eq!(
            strip("insert into t (a, b, c) values (default, :1, default)").as_deref(),
            Some("insert into t ( b ) values ( :1 )")
        );
    }

    #[test]
    fn all_defaults_become_default_values_and_keep_returning() {
        assert_eq!(
            strip(r#"insert into "t" ("id") values (default) returning "id" into :1"#).as_deref(),
            Some(r#"insert into "t" DEFAULT VALUES returning "id" into :1"#)
        );
    }

    #[test]
    fn statements_without_default_are_untouched() {
        assert_eq!(strip("insert into t (a) values (1)"), None);
        assert_eq!(strip("insert into t (a) select 1 from dual"), None);
        assert_eq!(strip("update t set a = default"), None);
        // DEFAULT inside an expression is not the keyword value.
        assert_eq!(strip("insert into t (a) values (nvl(default, 1))"), None);
    }
}
