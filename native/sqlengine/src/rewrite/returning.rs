//! `INSERT/UPDATE … RETURNING exprs INTO …`: Oracle returns the values as
//! stored, after conversion and rounding to the column's type. SQLite
//! computes RETURNING before the AFTER triggers that do that
//! (column_check.rs), so the statement returns the rowids it wrote and the
//! expressions are read back from those rows (`SELECT exprs FROM target`,
//! with `WHERE rowid = …` added by the caller). DELETE keeps SQLite's
//! RETURNING: a deleted row is returned as it was.

use super::super::lexer::{Tok, Token};

/// Words that end an INSERT's or UPDATE's target (table and alias).
const AFTER_TARGET: &[&str] = &["VALUES", "SELECT", "WITH", "DEFAULT", "SET"];

fn word(w: &str, pos: usize) -> Token {
    Token {
        tok: Tok::Word(w.into()),
        pos,
    }
}

/// `SELECT exprs FROM target [alias]` for the INSERT or UPDATE `toks`, whose
/// `RETURNING` is at `ret` and `INTO` at `into`; `None` for other statements,
/// and when the expressions hold binds (their numbering belongs to the
/// statement) or the target cannot be read.
pub fn reread_select(toks: &[Token], ret: usize, into: usize) -> Option<Vec<Token>> {
    let first = toks.first()?;
    let start = if first.is_word("UPDATE") {
        1
    } else if first.is_word("INSERT") && toks.get(1)?.is_word("INTO") {
        2
    } else {
        return None;
    };
    let exprs = toks.get(ret + 1..into)?;
    if exprs.is_empty() || exprs.iter().any(|t| matches!(t.tok, Tok::Bind(_))) {
        return None;
    }
    let mut end = start;
    while let Some(t) = toks.get(end) {
        if end >= ret || t.is_op("(") || AFTER_TARGET.iter().any(|w| t.is_word(w)) {
            break;
        }
        // Only a name, dots, an alias and `AS`: anything else (a subquery,
        // PARTITION, a database link) keeps SQLite's RETURNING.
        if !(t.ident().is_some() || t.is_op(".")) {
            return None;
        }
        end += 1;
    }
    if end == start || end - start > 5 {
        return None;
    }
    let pos = toks[ret].pos;
    let mut out = vec![word("SELECT", pos)];
    out.extend_from_slice(exprs);
    out.push(word("FROM", pos));
    out.extend_from_slice(&toks[start..end]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::super::lexer::tokenize;
    use super::super::super::query::split_returning;
    use super::*;

    fn reread(sql: &str) -> Option<String> {
        let toks = tokenize(sql).unwrap();
        let (ret, into) = split_returning(&toks)?;
        reread_select(&toks, ret, into).map(|t| {
            t.iter()
                .map(|t| t.ident().unwrap_or_else(|| format!("{:?}", t.tok)))
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    #[test]
    fn inserts_and_updates_read_their_returned_values_back() {
        assert_eq!(
            reread("insert into t (n) values (1.234) returning n into :x").as_deref(),
            Some("SELECT N FROM T")
        );
        assert_eq!(
            reread("insert into scott.t values (1) returning n, d into :x, :y").as_deref(),
            Some("SELECT N Op(\",\") D FROM SCOTT Op(\".\") T")
        );
        assert_eq!(
            reread("update t x set x.n = 2 where x.id = 1 returning x.n into :x").as_deref(),
            Some("SELECT X Op(\".\") N FROM T X")
        );
        // DELETE returns the row as it was; binds in the expressions and
        // unusual targets keep SQLite's own RETURNING.
        assert_eq!(reread("delete from t returning n into :x"), None);
        assert_eq!(reread("update t set n = 1 returning n + :a into :x"), None);
        assert_eq!(
            reread("insert into (select n from t) values (1) returning n into :x"),
            None
        );
    }
}
