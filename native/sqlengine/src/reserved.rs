//! Oracle's reserved words (V$RESERVED_WORDS with RESERVED = 'Y'): none of
//! them may name a bind variable unquoted, `select :ROWID from dual` is
//! ORA-01745.

use crate::errors::err;
use crate::lexer::{Tok, Token};
use crate::SqlError;

const RESERVED: &[&str] = &[
    "ACCESS",
    "ADD",
    "ALL",
    "ALTER",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "AUDIT",
    "BETWEEN",
    "BY",
    "CHAR",
    "CHECK",
    "CLUSTER",
    "COLUMN",
    "COMMENT",
    "COMPRESS",
    "CONNECT",
    "CREATE",
    "CURRENT",
    "DATE",
    "DECIMAL",
    "DEFAULT",
    "DELETE",
    "DESC",
    "DISTINCT",
    "DROP",
    "ELSE",
    "EXCLUSIVE",
    "EXISTS",
    "FILE",
    "FLOAT",
    "FOR",
    "FROM",
    "GRANT",
    "GROUP",
    "HAVING",
    "IDENTIFIED",
    "IMMEDIATE",
    "IN",
    "INCREMENT",
    "INDEX",
    "INITIAL",
    "INSERT",
    "INTEGER",
    "INTERSECT",
    "INTO",
    "IS",
    "LEVEL",
    "LIKE",
    "LOCK",
    "LONG",
    "MAXEXTENTS",
    "MINUS",
    "MLSLABEL",
    "MODE",
    "MODIFY",
    "NOAUDIT",
    "NOCOMPRESS",
    "NOT",
    "NOWAIT",
    "NULL",
    "NUMBER",
    "OF",
    "OFFLINE",
    "ON",
    "ONLINE",
    "OPTION",
    "OR",
    "ORDER",
    "PCTFREE",
    "PRIOR",
    "PUBLIC",
    "RAW",
    "RENAME",
    "RESOURCE",
    "REVOKE",
    "ROW",
    "ROWID",
    "ROWNUM",
    "ROWS",
    "SELECT",
    "SESSION",
    "SET",
    "SHARE",
    "SIZE",
    "SMALLINT",
    "START",
    "SUCCESSFUL",
    "SYNONYM",
    "SYSDATE",
    "TABLE",
    "THEN",
    "TO",
    "TRIGGER",
    "UID",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USER",
    "VALIDATE",
    "VALUES",
    "VARCHAR",
    "VARCHAR2",
    "VIEW",
    "WHENEVER",
    "WHERE",
    "WITH",
];

/// ORA-01745 for the first bind of `toks` (lexed from `sql`) named by an
/// unquoted reserved word; quoted names (`:"ROWID"`) are allowed.
pub fn check_bind_names(sql: &str, toks: &[Token]) -> Result<(), SqlError> {
    for t in toks {
        let Tok::Bind(name) = &t.tok else { continue };
        let quoted = sql.get(t.pos..).is_some_and(|s| s.starts_with(":\""));
        if !quoted && RESERVED.binary_search(&name.as_str()).is_ok() {
            return Err(SqlError {
                offset: t.pos as u32,
                ..err(1745, "invalid host/bind variable name")
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    fn check(sql: &str) -> Result<(), u32> {
        check_bind_names(sql, &tokenize(sql).unwrap()).map_err(|e| e.code)
    }

    #[test]
    fn reserved_words_name_no_bind_unless_quoted() {
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]), "kept sorted");
        assert_eq!(check("select :ROWID from dual"), Err(1745));
        assert_eq!(
            check("insert into t (a) values (:v) returning a into :rowid"),
            Err(1745)
        );
        assert_eq!(check("select :date, :level from dual"), Err(1745));
        assert_eq!(
            check("select :\"ROWID\", :val, :id, :\"date\" from dual"),
            Ok(())
        );
    }
}
