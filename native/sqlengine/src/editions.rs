//! Editions: ORA$BASE always exists; `CREATE EDITION name [AS CHILD OF
//! parent]` and `DROP EDITION name [CASCADE]` keep the others in SYS's
//! schema (ORA$EDITIONS), so they outlive a restart. A session's edition is
//! the logon's (the client's AUTH_ORA_EDITION) or what `ALTER SESSION SET
//! EDITION` names; USERENV's CURRENT_EDITION_NAME reports it. Stored code
//! is not versioned by edition.

use crate::errors::err;
use crate::lexer::{Tok, Token};
use crate::{Session, SqlError};

/// The edition every database has.
pub const BASE: &str = "ORA$BASE";

const TABLE: &str = "\"SYS\".\"ORA$EDITIONS\"";

/// ORA-38802 for an edition that does not exist.
pub(crate) fn no_such(name: &str) -> SqlError {
    err(38802, &format!("edition \"{name}\" does not exist"))
}

/// An edition name as written: quoted kept, else upper case.
pub(crate) fn name_of(t: &Token) -> Option<String> {
    match &t.tok {
        Tok::Quoted(q) => Some(q.clone()),
        _ => t.ident(),
    }
}

impl Session {
    fn editions_table(&self) -> Result<(), SqlError> {
        self.conn
            .execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {TABLE} (NAME TEXT PRIMARY KEY)"
            ))
            .map_err(|e| {
                err(
                    604,
                    &format!("error occurred at recursive SQL level 1: {e}"),
                )
            })
    }

    /// Whether edition `name` exists.
    pub(crate) fn edition_exists(&self, name: &str) -> bool {
        name == BASE
            || self
                .conn
                .query_row(
                    &format!("SELECT 1 FROM {TABLE} WHERE NAME = ?1"),
                    [name],
                    |_| Ok(()),
                )
                .is_ok()
    }

    /// Makes `name` the session's edition (ORA-38802 if it does not exist).
    pub fn set_edition(&mut self, name: &str) -> Result<(), SqlError> {
        if !self.edition_exists(name) {
            return Err(no_such(name));
        }
        self.info.attrs().edition = name.to_string();
        Ok(())
    }

    /// `CREATE EDITION name [AS CHILD OF parent]` / `DROP EDITION name
    /// [CASCADE]`, `toks[0]` being CREATE or DROP.
    pub(crate) fn edition_ddl(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let name = toks
            .get(2)
            .and_then(name_of)
            .ok_or_else(|| err(903, "invalid table name"))?;
        self.editions_table()?;
        if toks[0].is_word("DROP") {
            if name == BASE {
                return Err(err(38805, "edition is in use"));
            }
            if !self.edition_exists(&name) {
                return Err(no_such(&name));
            }
            if self.info.attrs().edition == name {
                return Err(err(38805, "edition is in use"));
            }
            self.conn
                .execute(&format!("DELETE FROM {TABLE} WHERE NAME = ?1"), [&name])
                .map(|_| ())
                .map_err(|e| err(604, &e.to_string()))
        } else {
            if self.edition_exists(&name) {
                return Err(err(955, "name is already used by an existing object"));
            }
            if let Some(parent) = toks.get(6).and_then(name_of) {
                if !self.edition_exists(&parent) {
                    return Err(no_such(&parent));
                }
            }
            self.conn
                .execute(&format!("INSERT INTO {TABLE} VALUES (?1)"), [&name])
                .map(|_| ())
                .map_err(|e| err(604, &e.to_string()))
        }
    }
}
