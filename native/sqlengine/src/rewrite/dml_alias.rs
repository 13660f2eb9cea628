//! `UPDATE t p SET …` / `DELETE FROM t p WHERE …`: Oracle writes a table alias
//! bare, SQLite wants `AS` before it in UPDATE and DELETE (query builders such
//! as Kysely alias the target: `updateTable("person as p")`).

use super::super::lexer::{Tok, Token};

/// Words that may follow the target and are not an alias.
const NOT_ALIAS: &[&str] = &[
    "SET",
    "WHERE",
    "RETURNING",
    "RETURN",
    "LOG",
    "PARTITION",
    "AS",
];

/// The statement with `AS` before its target's alias, or `None` when there is none.
pub fn as_before_target_alias(toks: &[Token]) -> Option<Vec<Token>> {
    let first = toks.first()?;
    let mut i = if first.is_word("UPDATE") {
        1
    } else if first.is_word("DELETE") {
        if toks.get(1)?.is_word("FROM") {
            2
        } else {
            1
        }
    } else {
        return None;
    };
    // The target: name, or schema.name.
    toks.get(i)?.ident()?;
    i += 1;
    while toks.get(i).is_some_and(|t| t.is_op(".")) {
        toks.get(i + 1)?.ident()?;
        i += 2;
    }
    let alias = toks.get(i)?;
    let is_alias = match &alias.tok {
        Tok::Quoted(_) => true,
        Tok::Word(w) => !NOT_ALIAS.iter().any(|k| w.eq_ignore_ascii_case(k)),
        _ => false,
    };
    if !is_alias {
        return None;
    }
    let mut out = toks[..i].to_vec();
    out.push(Token {
        tok: Tok::Word("AS".into()),
        pos: alias.pos,
    });
    out.extend_from_slice(&toks[i..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::super::lexer::tokenize;
    use super::*;

    fn words(sql: &str) -> Option<Vec<String>> {
        as_before_target_alias(&tokenize(sql).unwrap()).map(|t| {
            t.iter()
                .map(|t| t.ident().unwrap_or_else(|| format!("{:?}", t.tok)))
                .collect()
        })
    }

    #[test]
    fn aliases_of_update_and_delete_targets_get_as() {
        let w = words(r#"update "t" "p" set "n" = 1"#).unwrap();
        assert_eq!(&w[..4], ["UPDATE", "t", "AS", "p"]);
        let w = words("delete from scott.t p where p.id = 1").unwrap();
        assert_eq!(
            &w[..7],
            ["DELETE", "FROM", "SCOTT", "Op(\".\")", "T", "AS", "P"]
        );
        let w = words("delete t x").unwrap();
        assert_eq!(w, ["DELETE", "T", "AS", "X"]);
    }

    #[test]
    fn targets_without_alias_are_untouched() {
        assert_eq!(words("update t set a = 1"), None);
        assert_eq!(words("delete from t where a = 1"), None);
        assert_eq!(words("delete from t"), None);
        assert_eq!(words("update t as p set a = 1"), None);
        assert_eq!(words("insert into t values (1)"), None);
    }
}
