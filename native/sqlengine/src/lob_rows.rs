//! Persistent LOB locators: for a query whose LOB columns come straight
//! from one table, where each comes from (schema, table, column) and each
//! row's rowid, so the server can hand out locators that name the row
//! (reads see the stored value, writes update it in the session's
//! transaction) instead of copies of the value.
//!
//! The origin comes from SQLite's column metadata; the rowid from the same
//! query run with `ROWID` appended to its select list. A query where that
//! does not work (a join, DISTINCT, GROUP BY, set operators) keeps copies.

use std::ffi::{c_char, CStr, CString};
use std::sync::Arc;

use oradb_protocol::value::{ora_type, Value};
use rusqlite::ffi;
use rusqlite::types::ValueRef;

use super::errors::{self, err};
use super::lexer::{Tok, Token};
use super::query::{to_sql, to_value};
use super::rewrite::{self, BindMode, Ctx};
use super::{ColumnInfo, Prepared, Session, SqlError};

/// Where a LOB column's values live.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LobSource {
    /// SQLite's database name (`main` or an attached schema's).
    pub schema: String,
    pub table: String,
    pub column: String,
}

/// A query's LOB columns that name rows: the query text with the hidden
/// rowid column last, and the source of each LOB column (by index).
#[derive(Debug)]
pub(crate) struct LobQuery {
    pub(crate) translated: String,
    pub(crate) columns: Vec<(usize, LobSource)>,
}

/// What the last query run with persistent LOB columns returned besides
/// its rows: each LOB column's source, and each row's rowid (None where
/// the row has none, e.g. from a view).
#[derive(Debug, Default, Clone)]
pub struct LobRows {
    pub columns: Vec<(usize, LobSource)>,
    pub rowids: Vec<Option<i64>>,
}

/// The origin of each result column of `sql` (None for expressions), with
/// the column's declared type.
fn origins(conn: &rusqlite::Connection, sql: &str) -> Vec<Option<(LobSource, Option<String>)>> {
    let Ok(csql) = CString::new(sql) else {
        return Vec::new();
    };
    // SAFETY: the statement is prepared on this connection's handle, read
    // while it lives and finalized before returning; the strings SQLite
    // returns are copied out before finalize.
    unsafe {
        let db = conn.handle();
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        let rc = ffi::sqlite3_prepare_v2(db, csql.as_ptr(), -1, &mut stmt, std::ptr::null_mut());
        if rc != ffi::SQLITE_OK || stmt.is_null() {
            ffi::sqlite3_finalize(stmt);
            return Vec::new();
        }
        let text = |p: *const c_char| {
            (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
        };
        let out = (0..ffi::sqlite3_column_count(stmt))
            .map(|i| {
                let src = LobSource {
                    schema: text(ffi::sqlite3_column_database_name(stmt, i))?,
                    table: text(ffi::sqlite3_column_table_name(stmt, i))?,
                    column: text(ffi::sqlite3_column_origin_name(stmt, i))?,
                };
                Some((src, text(ffi::sqlite3_column_decltype(stmt, i))))
            })
            .collect();
        ffi::sqlite3_finalize(stmt);
        out
    }
}

/// The LOB columns a RETURNING reread (`SELECT exprs FROM target WHERE
/// rowid = ?1`, rewrite/returning.rs) returns as they are, by index, with
/// their source and type: these go back as locators of the written row, so
/// writes through them fill it (the `empty_blob() … returning b into :b`
/// idiom). Expressions over a LOB are values, not the row's LOB.
pub(crate) fn returned_lobs(
    conn: &rusqlite::Connection,
    reread: &str,
) -> Vec<(usize, LobSource, u8)> {
    origins(conn, reread)
        .into_iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let (src, decl) = o?;
            let (info, _) = crate::types::from_decl(decl.as_deref()?)?;
            let lob = matches!(info.ora_type, ora_type::CLOB | ora_type::BLOB);
            (lob && !src.schema.eq_ignore_ascii_case("temp")).then_some((i, src, info.ora_type))
        })
        .collect()
}

/// A LOB column's stored value as a LOB of type `ty`: an empty one stays
/// an empty LOB (Oracle's EMPTY_CLOB() is not NULL).
pub(crate) fn lob_value_of(v: ValueRef, ty: u8) -> Value {
    to_value(v, &lob_info(ty))
}

/// `toks` (a SELECT) with `, ROWID` as its last select item, or None when
/// a rowid would change the rows (DISTINCT, GROUP BY) or name no one row.
fn with_rowid(toks: &[Token]) -> Option<Vec<Token>> {
    if !toks.first()?.is_word("SELECT")
        || toks
            .get(1)
            .is_some_and(|t| t.is_word("DISTINCT") || t.is_word("UNIQUE"))
    {
        return None;
    }
    let mut depth = 0i32;
    let mut from = None;
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if depth == 0 {
            let stop = ["GROUP", "UNION", "INTERSECT", "MINUS", "EXCEPT", "CONNECT"];
            if stop.iter().any(|w| t.is_word(w)) {
                return None;
            }
            if from.is_none() && t.is_word("FROM") {
                from = Some(i);
            }
        }
    }
    let from = from?;
    let pos = toks[from].pos;
    let mut out = toks[..from].to_vec();
    out.push(Token {
        tok: Tok::Op(",".into()),
        pos,
    });
    out.push(Token {
        tok: Tok::Word("ROWID".into()),
        pos,
    });
    out.extend_from_slice(&toks[from..]);
    Some(out)
}

/// The SQLite rowid behind the hidden ROWID column's text.
pub(crate) fn lob_rowid(v: Option<ValueRef>) -> Option<i64> {
    match v? {
        ValueRef::Text(t) => crate::oracle::rowid::from_text(std::str::from_utf8(t).ok()?),
        ValueRef::Integer(n) => Some(n),
        _ => None,
    }
}

/// Drops a query's `FOR UPDATE [OF …] [NOWAIT | WAIT n | SKIP LOCKED]`:
/// writers serialise on the database (see the README), so there is no row
/// lock to take, and the rows it selects are the ones a persistent LOB
/// locator then writes.
pub(crate) fn strip_for_update(toks: &mut Vec<Token>) {
    let mut depth = 0i32;
    for i in 0..toks.len() {
        let t = &toks[i];
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if depth == 0
            && t.is_word("FOR")
            && toks.get(i + 1).is_some_and(|u| u.is_word("UPDATE"))
        {
            toks.truncate(i);
            return;
        }
    }
}

fn lob_info(ty: u8) -> ColumnInfo {
    ColumnInfo {
        name: String::new(),
        ora_type: ty,
        size: 4000,
        char_size: 0,
        precision: 0,
        scale: 0,
        nullable: true,
        object_type: None,
        national: false,
        uds_flags: 0,
    }
}

/// EMPTY_CLOB() and EMPTY_BLOB(): a zero-length value, not NULL (Oracle
/// tells an empty LOB from a NULL one).
pub(crate) fn register(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    use rusqlite::types::Value as Sql;
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("empty_clob", 0, det, |_| Ok(Sql::Text(String::new())))?;
    conn.create_scalar_function("empty_blob", 0, det, |_| Ok(Sql::Blob(Vec::new())))
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

impl Session {
    /// The persistent-LOB form of query `p` (tokens `toks`), when its LOB
    /// columns all come from one table and a rowid can be added.
    pub(crate) fn lob_query(&mut self, p: &Prepared, toks: &[Token]) -> Option<Arc<LobQuery>> {
        let lobs: Vec<usize> = p
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c.ora_type, ora_type::CLOB | ora_type::BLOB))
            .map(|(i, _)| i)
            .collect();
        if lobs.is_empty() {
            return None;
        }
        let from = origins(&self.conn, &p.translated);
        let columns: Vec<(usize, LobSource)> = lobs
            .iter()
            .filter_map(|&i| Some((i, from.get(i)?.clone()?.0)))
            // Session views are snapshots in TEMP: not rows to write.
            .filter(|(_, s)| !s.schema.eq_ignore_ascii_case("temp"))
            .collect();
        let first = columns.first()?;
        if columns
            .iter()
            .any(|(_, s)| (&s.schema, &s.table) != (&first.1.schema, &first.1.table))
        {
            return None;
        }
        let toks = with_rowid(toks)?;
        let none = |_: &str| None;
        let user = self.user.clone();
        let mut ctx = Ctx {
            binds: BindMode::Positional,
            next_bind: 0,
            user: &user,
            locals: &none,
        };
        let translated = rewrite::rewrite(&toks, &mut ctx);
        // A join makes the bare rowid ambiguous: no persistent locators.
        let stmt = self.conn.prepare(&translated).ok()?;
        if stmt.column_count() != p.columns.len() + 1 {
            return None;
        }
        drop(stmt);
        Some(Arc::new(LobQuery {
            translated,
            columns,
        }))
    }

    /// Records what run_query found for `p`'s persistent LOB columns.
    pub(crate) fn keep_lob_rows(&mut self, p: &Prepared, rowids: Vec<Option<i64>>) {
        self.lob_rows = p.lob.as_ref().map(|l| LobRows {
            columns: l.columns.clone(),
            rowids,
        });
    }

    /// The LOB sources and rowids of the last query run with persistent
    /// LOB columns (taken: a second call returns None).
    pub fn take_lob_rows(&mut self) -> Option<LobRows> {
        self.lob_rows.take()
    }

    /// The value a persistent locator names now (in this session's view,
    /// uncommitted changes included); ORA-22922 when the row is gone.
    pub fn lob_value(&mut self, src: &LobSource, rowid: i64, ty: u8) -> Result<Value, SqlError> {
        let sql = format!(
            "SELECT {} FROM {}.{} WHERE rowid = ?1",
            quote(&src.column),
            quote(&src.schema),
            quote(&src.table)
        );
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        let mut rows = stmt
            .query([rowid])
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        match rows.next().map_err(|e| errors::map(&e, &[], &self.user))? {
            Some(r) => Ok(r
                .get_ref(0)
                .map(|v| to_value(v, &lob_info(ty)))
                .unwrap_or(Value::Null)),
            None => Err(err(22922, "nonexistent LOB value")),
        }
    }

    /// Stores `v` in the row a persistent locator names, inside the
    /// session's transaction (a rollback undoes it, a commit keeps it).
    pub fn set_lob_value(
        &mut self,
        src: &LobSource,
        rowid: i64,
        v: &Value,
    ) -> Result<(), SqlError> {
        self.begin()?;
        let sql = format!(
            "UPDATE {}.{} SET {} = ?1 WHERE rowid = ?2",
            quote(&src.schema),
            quote(&src.table),
            quote(&src.column)
        );
        let n = self
            .conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute(rusqlite::params![to_sql(v), rowid]))
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        if n == 0 {
            return Err(err(22922, "nonexistent LOB value"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    fn words(toks: &[Token]) -> String {
        toks.iter()
            .map(|t| match &t.tok {
                Tok::Word(w) | Tok::Op(w) | Tok::Number(w) => w.clone(),
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn rowid_goes_last_in_the_outer_select_list() {
        let t = tokenize("select c, (select 1 from dual) from t where id = 1 for update").unwrap();
        assert_eq!(
            words(&with_rowid(&t).unwrap()),
            "select c , ( select 1 from dual ) , ROWID from t where id = 1 for update"
        );
        let mut t = tokenize("select c from t where x in (select 1 from u) for update of c nowait")
            .unwrap();
        strip_for_update(&mut t);
        assert_eq!(words(&t), "select c from t where x in ( select 1 from u )");
        for q in [
            "select distinct c from t",
            "select c from t group by c",
            "select c from t union all select c from u",
        ] {
            assert!(with_rowid(&tokenize(q).unwrap()).is_none(), "{q}");
        }
    }
}
