//! REF CURSORs. `OPEN c FOR query` runs the query as a client query would
//! (the block's variables become its binds) and keeps its description and
//! rows in the session; a REF CURSOR variable holds a handle to them. An
//! OUT bind holding one goes to the server, which turns it into a cursor
//! id the client fetches from.

use oradb_protocol::value::Value;
use rusqlite::types::Value as Sql;

use crate::errors::err;
use crate::lexer::{Tok, Token};
use crate::{Outcome, Prepared, Session, SqlError};

use super::ast::Ty;
use super::frame::{out_value, Frame};
use super::interp::not_declared;

/// A fetched row with its column names.
type NamedRow = (Vec<String>, Vec<Sql>);

/// An opened REF CURSOR: its query (columns as described) and its rows.
#[derive(Debug, Clone)]
pub struct RefCursor {
    pub prepared: Prepared,
    pub rows: Vec<Vec<Value>>,
    /// Rows PL/SQL fetched from it already.
    pos: usize,
}

impl RefCursor {
    /// A cursor over rows already fetched, at its first row.
    pub(super) fn new(prepared: Prepared, rows: Vec<Vec<Value>>) -> RefCursor {
        Self::opened(prepared, rows)
    }

    /// A cursor over a query's rows, at its first row (a nested CURSOR(…)
    /// of a select list, see `nested.rs`).
    pub(crate) fn opened(prepared: Prepared, rows: Vec<Vec<Value>>) -> RefCursor {
        RefCursor {
            prepared,
            rows,
            pos: 0,
        }
    }
}

impl Session {
    /// `OPEN target FOR query`.
    pub(super) fn open_for(
        &mut self,
        target: &Token,
        query: &[Token],
        frame: &mut Frame,
    ) -> Result<(), SqlError> {
        let name = target.ident().unwrap_or_default();
        let slot = frame
            .target(target)
            .ok_or_else(|| not_declared(target, &name))?;
        if query.first().is_some_and(|t| matches!(t.tok, Tok::Str(_))) {
            return Err(SqlError {
                offset: query[0].pos as u32,
                ..err(
                    6550,
                    "PLS-00999: OPEN … FOR a dynamic SQL string is not supported by the test server",
                )
            });
        }
        let (sql, binds) = query_text(query, frame);
        let mut p = self.prepare(&sql)?;
        if p.kind != crate::StmtKind::Query {
            return Err(err(6550, "PLS-00103: OPEN … FOR needs a SELECT statement"));
        }
        self.register_stored_functions(query);
        let Outcome::Rows { columns, rows } = self.execute(&p, &binds)? else {
            return Err(err(6550, "PLS-00103: OPEN … FOR needs a SELECT statement"));
        };
        p.columns = columns;
        // Oracle describes a literal of a PL/SQL cursor's select list as
        // nullable (a table's NOT NULL column stays NOT NULL).
        for (c, h) in p.columns.iter_mut().zip(&p.hints) {
            if matches!(h, crate::describe::Hint::Char { .. }) {
                c.nullable = true;
            }
        }
        let handle = self.plsql.ref_cursors.len() as i64;
        self.plsql.ref_cursors.push(RefCursor {
            prepared: p,
            rows,
            pos: 0,
        });
        if slot < frame.names.len() {
            frame.slots[slot] = Sql::Integer(handle);
            frame.types[slot] = Ty::RefCursor;
            Ok(())
        } else if frame.types[slot] == Ty::RefCursor {
            frame.slots[slot] = Sql::Integer(handle);
            Ok(())
        } else {
            Err(err(
                6550,
                &format!(
                    "PLS-00221: '{name}' is not a procedure or is undefined (not a REF CURSOR)"
                ),
            ))
        }
    }

    /// The next row of the REF CURSOR in `slot` (`None` at its end).
    /// Its column names come along, for a record target.
    pub(super) fn ref_fetch(
        &mut self,
        slot: usize,
        frame: &Frame,
    ) -> Result<Option<NamedRow>, SqlError> {
        let rc = match (&frame.slots[slot], frame.types[slot]) {
            (Sql::Integer(h), Ty::RefCursor) => self.plsql.ref_cursors.get_mut(*h as usize),
            _ => None,
        }
        .ok_or_else(|| err(1001, "invalid cursor"))?;
        let row: Option<Vec<Sql>> = rc
            .rows
            .get(rc.pos)
            .map(|r| r.iter().map(crate::query::to_sql).collect());
        rc.pos += usize::from(row.is_some());
        let names = rc.prepared.columns.iter().map(|c| c.name.clone()).collect();
        Ok(row.map(|r| (names, r)))
    }

    /// The REF CURSORs the block's binds hold when it ends, by bind position.
    pub(super) fn ref_cursor_outs(&mut self, frame: &Frame) {
        let n = frame.names.len();
        self.plsql.ref_outs = (0..n)
            .map(|k| match (&frame.slots[k], frame.types[k]) {
                (Sql::Integer(h), Ty::RefCursor) => {
                    self.plsql.ref_cursors.get(*h as usize).cloned()
                }
                _ => None,
            })
            .collect();
        self.plsql.ref_cursors.clear();
    }

    /// `DBMS_SQL.RETURN_RESULT(c [, to_client])`: the rows `c` has left go
    /// to the client as an implicit result of the call; `c` is closed.
    pub(super) fn return_result(
        &mut self,
        args: &[Token],
        frame: &mut Frame,
    ) -> Result<(), SqlError> {
        let first = args
            .first()
            .filter(|_| args.len() == 1 || args.get(1).is_some_and(|t| t.is_op(",")));
        let slot = first
            .and_then(|t| frame.target(t))
            .filter(|&k| frame.types[k] == Ty::RefCursor);
        let Some(slot) = slot else {
            return Err(SqlError {
                offset: args.first().map_or(0, |t| t.pos as u32),
                ..err(
                    6550,
                    "PLS-00306: wrong number or types of arguments in call to 'RETURN_RESULT'",
                )
            });
        };
        let rc = match &frame.slots[slot] {
            Sql::Integer(h) => self.plsql.ref_cursors.get(*h as usize),
            _ => None,
        }
        .ok_or_else(|| err(1001, "invalid cursor"))?;
        self.plsql.implicit.push(RefCursor {
            prepared: rc.prepared.clone(),
            rows: rc.rows[rc.pos.min(rc.rows.len())..].to_vec(),
            pos: 0,
        });
        // Returned cursors are the client's now: the block cannot fetch them.
        frame.slots[slot] = Sql::Null;
        Ok(())
    }

    /// The implicit results of the last PL/SQL call, in the order returned.
    pub fn take_implicit_results(&mut self) -> Vec<RefCursor> {
        std::mem::take(&mut self.plsql.implicit)
    }

    /// REF CURSORs the last PL/SQL call left in its binds, by bind position:
    /// the server hands each to the client as a cursor to fetch from.
    pub fn take_ref_cursors(&mut self) -> Vec<Option<RefCursor>> {
        std::mem::take(&mut self.plsql.ref_outs)
    }
}

/// The query as SQL text with the block's variables replaced by binds
/// (`:B1`, …), and their values.
fn query_text(query: &[Token], frame: &Frame) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    for (k, t) in query.iter().enumerate() {
        let dotted =
            (k > 0 && query[k - 1].is_op(".")) || query.get(k + 1).is_some_and(|n| n.is_op("."));
        let piece = match (&t.tok, frame.target(t).filter(|_| !dotted)) {
            (_, Some(slot)) => {
                binds.push(out_value(&frame.slots[slot], frame.types[slot]));
                format!(":B{}", binds.len())
            }
            (Tok::Word(w) | Tok::Number(w) | Tok::Op(w), None) => w.clone(),
            (Tok::Quoted(q), None) => format!("\"{q}\""),
            (Tok::Str(s), None) => format!("'{}'", s.replace('\'', "''")),
            (Tok::Bind(b), None) => format!(":{b}"),
        };
        if !sql.is_empty()
            && !matches!(piece.as_str(), "." | "," | ")")
            && !sql.ends_with(['.', '('])
        {
            sql.push(' ');
        }
        sql.push_str(&piece);
    }
    (sql, binds)
}
