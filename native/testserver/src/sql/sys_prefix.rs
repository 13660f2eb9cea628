//! `SYS.NLS_SESSION_PARAMETERS` and `SYS.DUAL` as their unqualified names.
//! go-ora reads its NLS settings from `sys.nls_session_parameters` at every
//! connect. A stopgap for that one query: the SQL work on SYS-qualified
//! dictionary names in general replaces this file.

use super::lexer::Token;

/// The SYS objects this pass unqualifies.
const NAMES: &[&str] = &["DUAL", "NLS_SESSION_PARAMETERS"];

/// `toks` without `SYS .` before one of [`NAMES`].
pub fn unqualify(toks: Vec<Token>) -> Vec<Token> {
    let sys_before = |i: usize| {
        toks[i].ident().as_deref() == Some("SYS")
            && toks.get(i + 1).is_some_and(|t| t.is_op("."))
            && !(i > 0 && toks[i - 1].is_op("."))
            && toks
                .get(i + 2)
                .and_then(Token::ident)
                .is_some_and(|n| NAMES.contains(&n.as_str()))
    };
    let drop: Vec<usize> = (0..toks.len()).filter(|&i| sys_before(i)).collect();
    if drop.is_empty() {
        return toks;
    }
    toks.into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.iter().any(|d| *i == *d || *i == d + 1))
        .map(|(_, t)| t)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::lexer::{tokenize, Tok};

    fn words(sql: &str) -> Vec<String> {
        unqualify(tokenize(sql).unwrap())
            .iter()
            .map(|t| match &t.tok {
                Tok::Number(n) | Tok::Op(n) => n.clone(),
                _ => t.ident().unwrap_or_default(),
            })
            .collect()
    }

    #[test]
    fn go_oras_nls_query_names_the_view_unqualified() {
        assert_eq!(
            words("select value from sys.nls_session_parameters"),
            ["SELECT", "VALUE", "FROM", "NLS_SESSION_PARAMETERS"]
        );
        assert_eq!(
            words("select 1 from SYS.DUAL"),
            ["SELECT", "1", "FROM", "DUAL"]
        );
        // Other SYS objects, and a column named SYS, are left alone.
        assert_eq!(
            words("select t.sys.dual, sys.x from t"),
            ["SELECT", "T", ".", "SYS", ".", "DUAL", ",", "SYS", ".", "X", "FROM", "T"]
        );
    }
}
