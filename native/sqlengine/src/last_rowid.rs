//! The last row a DML statement touched, which clients show as `lastrowid` (python-oracledb)
//! or `lastRowid` (node-oracledb, oradb): Oracle sends its ROWID at the end of the call.
//! INSERT: SQLite's last inserted row id, when the statement changed it (an INSERT into a
//! view, whose trigger SQLite hides, gives none). UPDATE and DELETE: the last row of the
//! target table SQLite reports changing, watched only while the statement runs.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use rusqlite::hooks::Action;

use crate::lexer::Token;
use crate::{Outcome, Prepared, SqlError};

/// What `watch` saw before the statement ran.
pub(crate) enum Watch {
    Insert { before: i64 },
    Changed(Arc<AtomicI64>),
    Nothing,
}

/// No row seen yet (SQLite's row ids are never this small in practice).
const NONE: i64 = i64::MIN;

/// The table an UPDATE or DELETE changes: `UPDATE t`, `DELETE [FROM] t`, `s.t`.
fn target(toks: &[Token]) -> Option<String> {
    let verb = toks.first()?.ident()?;
    let mut at = match verb.as_str() {
        "UPDATE" => 1,
        "DELETE" if toks.get(1).is_some_and(|t| t.is_word("FROM")) => 2,
        "DELETE" => 1,
        _ => return None,
    };
    if toks.get(at + 1).is_some_and(|t| t.is_op(".")) {
        at += 2;
    }
    toks.get(at)?.ident()
}

impl crate::Session {
    /// Starts watching the rows `p` touches.
    pub(crate) fn watch(&self, p: &Prepared) -> Watch {
        if p.toks.first().is_some_and(|t| t.is_word("INSERT")) {
            return Watch::Insert {
                before: self.conn.last_insert_rowid(),
            };
        }
        let Some(table) = target(&p.toks) else {
            return Watch::Nothing;
        };
        let last = Arc::new(AtomicI64::new(NONE));
        let seen = last.clone();
        self.conn.update_hook(Some(
            move |_: Action, _: &str, changed: &str, rowid: i64| {
                if changed.eq_ignore_ascii_case(&table) {
                    seen.store(rowid, Ordering::Relaxed);
                }
            },
        ));
        Watch::Changed(last)
    }

    /// The SQLite row id of the last row the statement touched, if it touched one.
    pub(crate) fn touched(&self, w: Watch, out: &Result<Outcome, SqlError>) -> Option<i64> {
        if matches!(w, Watch::Changed(_)) {
            self.conn.update_hook(None::<fn(Action, &str, &str, i64)>);
        }
        let Ok(Outcome::Dml { row_count, .. }) = out else {
            return None;
        };
        if *row_count == 0 {
            return None;
        }
        match w {
            Watch::Insert { before } => {
                let now = self.conn.last_insert_rowid();
                (now != before).then_some(now)
            }
            Watch::Changed(last) => {
                let v = last.load(Ordering::Relaxed);
                (v != NONE).then_some(v)
            }
            Watch::Nothing => None,
        }
    }
}
