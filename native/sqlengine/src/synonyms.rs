//! Synonyms: CREATE [OR REPLACE] [PUBLIC] SYNONYM s FOR [schema.]object and
//! DROP [PUBLIC] SYNONYM, kept in SYS's ORA$SYNONYMS. A statement's
//! unqualified table name (after FROM, JOIN, INTO, UPDATE) that is a
//! synonym of the current schema, or a public one the schema has no object
//! of the same name for, is replaced by the object's qualified name, with
//! the synonym as its alias so `s.column` still reads.

use super::errors::err;
use super::lexer::{Tok, Token};
use super::schemas::qualified_name;
use super::{Session, SqlError};

pub(crate) const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS SYS.\"ORA$SYNONYMS\" (\
     OWNER TEXT NOT NULL, NAME TEXT NOT NULL, TABLE_OWNER TEXT NOT NULL, \
     TABLE_NAME TEXT NOT NULL, PRIMARY KEY (OWNER, NAME));";

/// Words that end a table reference where an alias could stand.
const NOT_ALIAS: &[&str] = &[
    "WHERE",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "NATURAL",
    "ON",
    "USING",
    "GROUP",
    "ORDER",
    "UNION",
    "MINUS",
    "INTERSECT",
    "EXCEPT",
    "SET",
    "VALUES",
    "CONNECT",
    "START",
    "HAVING",
    "FETCH",
    "FOR",
    "RETURNING",
    "RETURN",
    "SELECT",
    "WITH",
    "OFFSET",
    "LIMIT",
    "PARTITION",
    "OUTER",
    "WINDOW",
    "PIVOT",
    "UNPIVOT",
    "LOG",
    "SAMPLE",
    "DEFAULT",
];

impl Session {
    /// CREATE [OR REPLACE] [PUBLIC] SYNONYM and DROP [PUBLIC] SYNONYM.
    pub(super) fn synonym_ddl(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let create = toks[0].is_word("CREATE");
        let mut i = 1;
        let replace = toks.get(i).is_some_and(|t| t.is_word("OR"));
        if replace {
            i += 2;
        }
        let public = toks.get(i).is_some_and(|t| t.is_word("PUBLIC"));
        if public {
            i += 1;
        }
        i += 1; // SYNONYM
        let (owner, name, next) = qualified_name(toks, i)?;
        let owner = if public {
            "PUBLIC".to_string()
        } else {
            owner.unwrap_or_else(|| self.schema())
        };
        self.commit()?;
        if !create {
            let n = self
                .conn
                .execute(
                    "DELETE FROM SYS.\"ORA$SYNONYMS\" WHERE OWNER = ?1 AND NAME = ?2",
                    [&owner, &name],
                )
                .map_err(|e| super::errors::map(&e, toks, &self.user))?;
            if n == 0 {
                return Err(if public {
                    err(1432, "public synonym to be dropped does not exist")
                } else {
                    err(1434, "private synonym to be dropped does not exist")
                });
            }
            return Ok(());
        }
        if !toks.get(next).is_some_and(|t| t.is_word("FOR")) {
            return Err(SqlError {
                offset: toks.get(next).map_or(0, |t| t.pos as u32),
                ..err(905, "missing keyword")
            });
        }
        let (target_owner, target, _) = qualified_name(toks, next + 1)?;
        let target_owner = target_owner.unwrap_or_else(|| self.schema());
        let verb = if replace {
            "INSERT OR REPLACE"
        } else {
            "INSERT"
        };
        self.conn
            .execute(
                &format!(
                    "{verb} INTO SYS.\"ORA$SYNONYMS\" (OWNER, NAME, TABLE_OWNER, TABLE_NAME) \
                     VALUES (?1, ?2, ?3, ?4)"
                ),
                [&owner, &name, &target_owner, &target],
            )
            .map_err(|e| {
                if e.to_string().contains("UNIQUE") {
                    err(955, "name is already used by an existing object")
                } else {
                    super::errors::map(&e, toks, &self.user)
                }
            })?;
        Ok(())
    }

    /// The statement with synonyms replaced by their objects.
    pub(crate) fn resolve_synonyms(&mut self, toks: Vec<Token>) -> Vec<Token> {
        let schema = self.schema();
        let syns: Vec<(String, String, String, String)> = match self.conn.prepare_cached(
            "SELECT OWNER, NAME, TABLE_OWNER, TABLE_NAME FROM SYS.\"ORA$SYNONYMS\" \
             WHERE OWNER IN (?1, 'PUBLIC') ORDER BY OWNER = 'PUBLIC'",
        ) {
            Ok(mut stmt) => stmt
                .query_map([&schema], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .map(|it| it.filter_map(Result::ok).collect())
                .unwrap_or_default(),
            Err(_) => return toks,
        };
        if syns.is_empty() {
            return toks;
        }
        let mut out = Vec::with_capacity(toks.len());
        for (i, t) in toks.iter().enumerate() {
            let at_table = i > 0
                && ["FROM", "JOIN", "INTO", "UPDATE"]
                    .iter()
                    .any(|w| toks[i - 1].is_word(w))
                && !toks
                    .get(i + 1)
                    .is_some_and(|n| n.is_op(".") || n.is_op("("));
            let hit = t.ident().filter(|_| at_table).and_then(|name| {
                syns.iter().find(|(owner, n, _, _)| {
                    *n == name && (owner != "PUBLIC" || !self.has_object(&schema, &name))
                })
            });
            let Some((_, name, towner, tname)) = hit else {
                out.push(t.clone());
                continue;
            };
            let tok = |tok: Tok| Token { tok, pos: t.pos };
            out.push(tok(Tok::Quoted(towner.clone())));
            out.push(tok(Tok::Op(".".into())));
            out.push(tok(Tok::Quoted(tname.clone())));
            let aliased = toks.get(i + 1).is_some_and(|n| match &n.tok {
                Tok::Quoted(_) => true,
                Tok::Word(w) => !NOT_ALIAS.iter().any(|k| w.eq_ignore_ascii_case(k)),
                _ => false,
            });
            if !aliased {
                out.push(tok(Tok::Word("AS".into())));
                out.push(tok(Tok::Quoted(name.clone())));
            }
        }
        out
    }
}
