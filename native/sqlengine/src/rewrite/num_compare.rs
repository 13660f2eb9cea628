//! Oracle compares a NUMBER with a character value as numbers: `id = '56'`, or `id = :1`
//! with the bind sent as text, finds the row (and `'abc'` raises ORA-01722). SQLite keeps
//! NUMBER columns without affinity (exact text of large numbers must survive), so there a
//! text operand never equals a number and such a query silently found nothing. The text
//! side of a comparison with a NUMBER column gets TO_NUMBER: a number passes through it, a
//! string becomes one. Only a plain column reference against a lone bind or string literal
//! is touched; anything else keeps its meaning.

use crate::lexer::{Tok, Token};

/// Comparison operators whose operands Oracle converts.
const OPS: [&str; 8] = ["=", "<>", "!=", "^=", "<", ">", "<=", ">="];

/// Words and punctuation that can stand before a comparison's first operand.
fn opens(t: Option<&Token>) -> bool {
    t.is_none_or(|t| {
        t.is_op("(")
            || ["WHERE", "AND", "OR", "NOT", "ON", "WHEN", "HAVING"]
                .iter()
                .any(|w| t.is_word(w))
    })
}

/// Words and punctuation that can follow a comparison's last operand.
fn closes(t: Option<&Token>) -> bool {
    t.is_none_or(|t| {
        t.is_op(")")
            || t.is_op(";")
            || [
                "AND",
                "OR",
                "THEN",
                "ORDER",
                "GROUP",
                "UNION",
                "INTERSECT",
                "MINUS",
                "EXCEPT",
                "FETCH",
                "OFFSET",
                "FOR",
                "RETURNING",
                "RETURN",
                "CONNECT",
                "START",
                "HAVING",
                "WHEN",
                "ELSE",
                "END",
            ]
            .iter()
            .any(|w| t.is_word(w))
    })
}

fn is_text_operand(t: &Token) -> bool {
    matches!(t.tok, Tok::Bind(_) | Tok::Str(_))
}

/// A plain column reference ending at `end` (exclusive): `col` or `alias.col`. Its start
/// and column name.
fn column_before(toks: &[Token], end: usize) -> Option<(usize, String)> {
    let name = toks.get(end.checked_sub(1)?)?.ident()?;
    let start = end - 1;
    if start >= 2 && toks[start - 1].is_op(".") && toks[start - 2].ident().is_some() {
        return Some((start - 2, name));
    }
    Some((start, name))
}

/// A plain column reference starting at `start`: its end (exclusive) and column name.
fn column_after(toks: &[Token], start: usize) -> Option<(usize, String)> {
    let first = toks.get(start)?.ident()?;
    if toks.get(start + 1).is_some_and(|t| t.is_op(".")) {
        let name = toks.get(start + 2)?.ident()?;
        return Some((start + 3, name));
    }
    Some((start + 1, first))
}

/// The indexes of the text operands to wrap, with `is_number` saying whether a column name
/// is a NUMBER column of the statement's tables.
pub fn text_operands(toks: &[Token], is_number: &mut dyn FnMut(&str) -> bool) -> Vec<usize> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let t = &toks[i];
        if OPS.iter().any(|o| t.is_op(o)) {
            // col OP text
            if let (Some((s, col)), Some(r)) = (column_before(toks, i), toks.get(i + 1)) {
                if is_text_operand(r)
                    && opens(s.checked_sub(1).map(|k| &toks[k]))
                    && closes(toks.get(i + 2))
                    && is_number(&col)
                {
                    out.push(i + 1);
                    continue;
                }
            }
            // text OP col
            if i >= 1 && is_text_operand(&toks[i - 1]) && opens(i.checked_sub(2).map(|k| &toks[k]))
            {
                if let Some((e, col)) = column_after(toks, i + 1) {
                    if closes(toks.get(e)) && is_number(&col) {
                        out.push(i - 1);
                    }
                }
            }
        } else if t.is_word("IN") || t.is_word("BETWEEN") {
            let at = if i >= 1 && toks[i - 1].is_word("NOT") {
                i - 1
            } else {
                i
            };
            let Some((s, col)) = column_before(toks, at) else {
                continue;
            };
            if !opens(s.checked_sub(1).map(|k| &toks[k])) {
                continue;
            }
            let items = if t.is_word("IN") {
                in_list(toks, i)
            } else {
                between(toks, i)
            };
            let texts: Vec<usize> = items
                .into_iter()
                .filter(|&k| is_text_operand(&toks[k]))
                .collect();
            if !texts.is_empty() && is_number(&col) {
                out.extend(texts);
            }
        }
    }
    out
}

/// `IN ( a , b , … )` of single tokens after `i`: their indexes (none for anything else).
fn in_list(toks: &[Token], i: usize) -> Vec<usize> {
    if !toks.get(i + 1).is_some_and(|t| t.is_op("(")) {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut k = i + 2;
    loop {
        match (toks.get(k), toks.get(k + 1)) {
            (Some(v), Some(sep))
                if matches!(v.tok, Tok::Bind(_) | Tok::Str(_) | Tok::Number(_)) =>
            {
                items.push(k);
                if sep.is_op(")") {
                    return if closes(toks.get(k + 2)) {
                        items
                    } else {
                        Vec::new()
                    };
                }
                if !sep.is_op(",") {
                    return Vec::new();
                }
                k += 2;
            }
            _ => return Vec::new(),
        }
    }
}

/// `BETWEEN a AND b` of single tokens after `i`: their indexes (none for anything else).
fn between(toks: &[Token], i: usize) -> Vec<usize> {
    let single = |k: usize| {
        toks.get(k)
            .is_some_and(|t| matches!(t.tok, Tok::Bind(_) | Tok::Str(_) | Tok::Number(_)))
    };
    let and = toks.get(i + 2).is_some_and(|t| t.is_word("AND"));
    if single(i + 1) && and && single(i + 3) && closes(toks.get(i + 4)) {
        vec![i + 1, i + 3]
    } else {
        Vec::new()
    }
}

/// `toks` with TO_NUMBER( ) around the tokens at `at`.
pub fn wrap(toks: &[Token], at: &[usize]) -> Vec<Token> {
    let mut out = Vec::with_capacity(toks.len() + 3 * at.len());
    for (i, t) in toks.iter().enumerate() {
        if at.contains(&i) {
            let made = |tok| Token { tok, pos: t.pos };
            out.push(made(Tok::Word("TO_NUMBER".into())));
            out.push(made(Tok::Op("(".into())));
            out.push(t.clone());
            out.push(made(Tok::Op(")".into())));
        } else {
            out.push(t.clone());
        }
    }
    out
}

/// Whether the statement could have such a comparison at all (no table look-up otherwise).
pub fn may_have(toks: &[Token]) -> bool {
    toks.iter().any(is_text_operand)
}

/// The table names of `toks` (after FROM, JOIN, UPDATE, INTO or a comma), as written.
pub fn tables(toks: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, w) in toks.windows(2).enumerate() {
        let after = ["FROM", "JOIN", "UPDATE", "INTO"]
            .iter()
            .any(|k| w[0].is_word(k))
            || w[0].is_op(",");
        let Some(first) = w[1].ident().filter(|_| after) else {
            continue;
        };
        let dotted = toks.get(i + 2).is_some_and(|t| t.is_op("."));
        match toks.get(i + 3).and_then(Token::ident).filter(|_| dotted) {
            Some(table) => out.push(format!("{first}.{table}")),
            None => out.push(first),
        }
    }
    out
}

impl crate::Session {
    /// `toks` with the text operands compared with NUMBER columns made numbers (None when
    /// there are none). The columns' types come from the statement's tables; a name that
    /// is a NUMBER in one table and something else in another is left alone.
    pub(crate) fn number_comparisons(&self, toks: &[Token]) -> Option<Vec<Token>> {
        if !may_have(toks) {
            return None;
        }
        let mut decls: Option<Vec<(String, String)>> = None;
        let mut is_number = |col: &str| {
            let decls = decls.get_or_insert_with(|| self.column_decls(&tables(toks)));
            let mut types = decls.iter().filter(|(n, _)| n == col).map(|(_, t)| t);
            let first = types.next();
            first.is_some_and(|t| t.starts_with("BLOB_NUM"))
                && types.all(|t| t.starts_with("BLOB_NUM"))
        };
        let at = text_operands(toks, &mut is_number);
        (!at.is_empty()).then(|| wrap(toks, &at))
    }

    /// Column names (upper case) and declared types of `tables` (a name without its schema
    /// is in the current one; unknown names give nothing).
    fn column_decls(&self, tables: &[String]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for t in tables {
            let (schema, table) = match t.split_once('.') {
                Some((s, t)) => (s.to_string(), t.to_string()),
                None => (self.schema(), t.clone()),
            };
            let sql = "SELECT upper(name), type FROM pragma_table_info(?1, ?2)";
            let Ok(mut st) = self.conn.prepare_cached(sql) else {
                continue;
            };
            let rows = st.query_map([&table, &schema], |r| Ok((r.get(0)?, r.get(1)?)));
            let before = out.len();
            if let Ok(rows) = rows {
                out.extend(rows.flatten());
            }
            if out.len() == before {
                // Not a table of that schema: maybe one SQLite finds by name (a view, TEMP).
                if let Ok(mut st) = self
                    .conn
                    .prepare_cached("SELECT upper(name), type FROM pragma_table_info(?1)")
                {
                    if let Ok(rows) = st.query_map([&table], |r| Ok((r.get(0)?, r.get(1)?))) {
                        out.extend(rows.flatten());
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str, numbers: &[&str]) -> String {
        let toks = crate::lexer::tokenize(sql).unwrap();
        let mut is_number = |c: &str| numbers.contains(&c);
        let at = text_operands(&toks, &mut is_number);
        wrap(&toks, &at)
            .iter()
            .map(crate::json_dot::token_text)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn text_compared_with_a_number_column_becomes_a_number() {
        let n = &["ID", "N"];
        assert_eq!(
            run("select a from t where id = :1", n),
            "SELECT A FROM T WHERE ID = TO_NUMBER ( :1 )"
        );
        assert!(run("select a from t where t.id > '5' and x = 1", n).contains("TO_NUMBER ( '5' )"));
        assert!(run("select a from t where :b <= id", n).contains("TO_NUMBER ( :B ) <= ID"));
        assert!(run("select a from t where id in (:1, '2', 3)", n)
            .contains("( TO_NUMBER ( :1 ) , TO_NUMBER ( '2' ) , 3 )"));
        assert!(run("delete from t where n not between :a and :b", n)
            .contains("BETWEEN TO_NUMBER ( :A ) AND TO_NUMBER ( :B )"));
    }

    #[test]
    fn anything_but_a_plain_comparison_keeps_its_meaning() {
        let n = &["ID"];
        for sql in [
            "select a from t where name = :1",
            "select a from t where name || id = :1",
            "select a from t where id = :1 || :2",
            "select a from t where to_char(id) = '5'",
            "update t set id = :1",
            "select a from t where id in (select x from u)",
        ] {
            assert!(!run(sql, n).contains("TO_NUMBER"), "{sql}");
        }
    }

    #[test]
    fn tables_are_found_after_their_keywords() {
        let toks = crate::lexer::tokenize(
            "select * from a, s.b join c on 1=1 where x in (select y from d)",
        )
        .unwrap();
        assert_eq!(tables(&toks), ["A", "S.B", "C", "D"]);
    }
}
