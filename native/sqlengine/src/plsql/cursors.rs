//! Explicit cursors (`CURSOR c IS …; OPEN/FETCH/CLOSE`, `c%FOUND` …) and
//! cursor FOR loops. A cursor's rows are read when it is opened: the
//! connection stays free for the statements the loop body runs.

use std::collections::VecDeque;

use rusqlite::types::Value as Sql;

use crate::errors::{self, err};
use crate::lexer::Token;
use crate::{Session, SqlError};

use super::ast::{Stmt, Ty};
use super::binds::{args_of, closing};
use super::colls::Coll;
use super::frame::{coerce, Frame};
use super::interp::{not_declared, Flow};

#[derive(Debug, Clone, Default)]
pub struct OpenCursor {
    names: Vec<String>,
    rows: VecDeque<Vec<Sql>>,
    rowcount: i64,
    found: Option<bool>,
}

impl Session {
    /// Runs a query with the frame's variables as binds: column names (as
    /// PL/SQL sees them, upper case) and rows.
    pub(super) fn query_named(
        &mut self,
        q: &[Token],
        frame: &mut Frame,
    ) -> Result<(Vec<String>, Vec<Vec<Sql>>), SqlError> {
        let mark = frame.locals.len();
        let r = (|| {
            let q = self.substitute_calls(q, frame, false)?;
            self.register_stored_functions(&q);
            let sql = self.rewrite_with(&q, frame);
            self.materialize_views(&q)?;
            let map = |e: rusqlite::Error| errors::map(&e, &q, &self.user);
            let mut stmt = self.conn.prepare(&sql).map_err(map)?;
            let names: Vec<String> = stmt
                .column_names()
                .iter()
                .map(|n| n.trim_matches('"').to_ascii_uppercase())
                .collect();
            let n = stmt.parameter_count();
            let params: Vec<&Sql> = frame.slots.iter().take(n).collect();
            let mut rows = stmt
                .query(rusqlite::params_from_iter(params))
                .map_err(map)?;
            let mut out = Vec::new();
            while let Some(r) = rows.next().map_err(map)? {
                out.push(
                    (0..names.len())
                        .map(|i| r.get_ref(i).map(Sql::from).unwrap_or(Sql::Null))
                        .collect(),
                );
            }
            Ok((names, out))
        })();
        frame.truncate(mark);
        r
    }

    fn cursor_slot(frame: &Frame, name: &str) -> Option<usize> {
        frame
            .scope
            .cursors
            .iter()
            .rposition(|(d, _)| d.name == name)
    }

    /// Opens the declared cursor `name` with the argument tokens given.
    fn open_declared(
        &mut self,
        at: &Token,
        args: &[Token],
        frame: &mut Frame,
    ) -> Result<(usize, OpenCursor), SqlError> {
        let name = at.ident().unwrap_or_default();
        let k = Self::cursor_slot(frame, &name).ok_or_else(|| not_declared(at, &name))?;
        let decl = frame.scope.cursors[k].0.clone();
        let args = args_of(args);
        let mut values = Vec::new();
        for (j, p) in decl.params.iter().enumerate() {
            let v = match (args.get(j), &p.default) {
                (Some(a), _) => self.eval(a.expr, frame)?.0,
                (None, Some(d)) => self.eval(d, frame)?.0,
                (None, None) => {
                    return Err(err(
                        6550,
                        &format!(
                            "PLS-00306: wrong number or types of arguments in call to '{name}'"
                        ),
                    ))
                }
            };
            values.push((p.name.clone(), p.ty, coerce(v, p.ty)?));
        }
        let mark = frame.locals.len();
        for (n, ty, v) in values {
            frame.push(n, ty, v);
        }
        let r = self.query_named(&decl.query, frame);
        frame.truncate(mark);
        let (names, rows) = r?;
        Ok((
            k,
            OpenCursor {
                names,
                rows: rows.into(),
                rowcount: 0,
                found: None,
            },
        ))
    }

    /// OPEN, FETCH … INTO, CLOSE; `false` when `s` is none of them.
    pub(super) fn cursor_statement(
        &mut self,
        s: &[Token],
        frame: &mut Frame,
    ) -> Result<bool, SqlError> {
        let Some(at) = s.get(1) else { return Ok(false) };
        let name = at.ident().unwrap_or_default();
        if s[0].is_word("OPEN") {
            if s.get(2).is_some_and(|t| t.is_word("FOR")) {
                self.open_for(at, &s[3..], frame)?;
                return Ok(true);
            }
            let args = match s.get(2) {
                Some(t) if t.is_op("(") => &s[3..s.len() - 1],
                _ => &s[2..2],
            };
            let k = Self::cursor_slot(frame, &name).ok_or_else(|| not_declared(at, &name))?;
            if frame.scope.cursors[k].1.is_some() {
                return Err(err(6511, "PL/SQL: cursor already open"));
            }
            let (k, open) = self.open_declared(at, args, frame)?;
            frame.scope.cursors[k].1 = Some(open);
            return Ok(true);
        }
        let ref_slot = frame.target(at).filter(|&k| {
            Self::cursor_slot(frame, &name).is_none() && frame.types[k] == Ty::RefCursor
        });
        if s[0].is_word("CLOSE") {
            if let Some(k) = ref_slot {
                frame.slots[k] = Sql::Null;
                return Ok(true);
            }
            let k = Self::cursor_slot(frame, &name).ok_or_else(|| not_declared(at, &name))?;
            if frame.scope.cursors[k].1.take().is_none() {
                return Err(err(1001, "invalid cursor"));
            }
            return Ok(true);
        }
        if !s[0].is_word("FETCH") {
            return Ok(false);
        }
        if !s.get(2).is_some_and(|t| t.is_word("INTO")) {
            return Err(SqlError {
                offset: s[0].pos as u32,
                ..err(
                    6550,
                    "PLS-00999: only FETCH … INTO is supported by the test server",
                )
            });
        }
        let targets: Vec<&Token> = s[3..].iter().filter(|t| !t.is_op(",")).collect();
        let (names, row) = match ref_slot {
            Some(k) => match self.ref_fetch(k, frame)? {
                Some(r) => r,
                None => return Ok(true),
            },
            None => {
                let k = Self::cursor_slot(frame, &name).ok_or_else(|| not_declared(at, &name))?;
                let open = frame.scope.cursors[k]
                    .1
                    .as_mut()
                    .ok_or_else(|| err(1001, "invalid cursor"))?;
                let Some(row) = open.rows.pop_front() else {
                    open.found = Some(false);
                    return Ok(true);
                };
                open.found = Some(true);
                open.rowcount += 1;
                (open.names.clone(), row)
            }
        };
        Self::fetch_into(&targets, &names, row, frame)?;
        Ok(true)
    }

    /// Assigns a fetched row to a record or to one variable per column.
    fn fetch_into(
        targets: &[&Token],
        names: &[String],
        row: Vec<Sql>,
        frame: &mut Frame,
    ) -> Result<(), SqlError> {
        if let [one] = targets {
            let slot = frame
                .target(one)
                .ok_or_else(|| not_declared(one, &one.ident().unwrap_or_default()))?;
            if frame.coll(slot).is_some_and(Coll::is_record) {
                frame.colls[slot] = Some(Coll::record(names, row));
                return Ok(());
            }
        }
        if targets.len() != row.len() {
            return Err(err(
                6550,
                "PLS-00394: wrong number of values in the INTO list of a FETCH statement",
            ));
        }
        for (t, v) in targets.iter().zip(row) {
            let slot = frame
                .target(t)
                .ok_or_else(|| not_declared(t, &t.ident().unwrap_or_default()))?;
            frame.set(slot, v, Ty::Any)?;
        }
        Ok(())
    }

    /// `c%FOUND|NOTFOUND|ROWCOUNT|ISOPEN` and `SQL%ROWCOUNT|FOUND|NOTFOUND`.
    pub(super) fn cursor_attr(
        &self,
        name: &str,
        attr: &str,
        frame: &Frame,
    ) -> Result<Option<(Sql, Ty)>, SqlError> {
        let b = |v: Option<bool>| {
            (
                v.map_or(Sql::Null, |v| Sql::Integer(i64::from(v))),
                Ty::Boolean,
            )
        };
        if name == "SQL" {
            let n = frame.sql_rowcount;
            return Ok(Some(match attr {
                "ROWCOUNT" => (n.map_or(Sql::Null, Sql::Integer), Ty::Number),
                "FOUND" => b(n.map(|n| n > 0)),
                "NOTFOUND" => b(n.map(|n| n == 0)),
                "ISOPEN" => b(Some(false)),
                _ => return Ok(None),
            }));
        }
        let Some(k) = Self::cursor_slot(frame, name) else {
            return Ok(None);
        };
        let open = frame.scope.cursors[k].1.as_ref();
        let closed = || err(1001, "invalid cursor");
        Ok(Some(match attr {
            "ISOPEN" => b(Some(open.is_some())),
            "FOUND" => b(open.ok_or_else(closed)?.found),
            "NOTFOUND" => b(open.ok_or_else(closed)?.found.map(|f| !f)),
            "ROWCOUNT" => (Sql::Integer(open.ok_or_else(closed)?.rowcount), Ty::Number),
            _ => return Ok(None),
        }))
    }

    /// `FOR r IN (query) LOOP …` / `FOR r IN c[(args)] LOOP …`.
    pub(super) fn for_cursor(
        &mut self,
        var: &str,
        source: &[Token],
        body: &[Stmt],
        frame: &mut Frame,
    ) -> Result<Flow, SqlError> {
        let (names, rows) = if source[0].is_op("(") && closing(source, 0) == Some(source.len() - 1)
        {
            self.query_named(&source[1..source.len() - 1], frame)?
        } else {
            let args = match source.get(1) {
                Some(t) if t.is_op("(") && closing(source, 1) == Some(source.len() - 1) => {
                    &source[2..source.len() - 1]
                }
                None => &source[1..1],
                Some(_) => {
                    return Err(SqlError {
                        offset: source[0].pos as u32,
                        ..err(6550, "PLS-00103: Encountered a symbol when expecting loop")
                    })
                }
            };
            let (_, open) = self.open_declared(&source[0], args, frame)?;
            (open.names, open.rows.into())
        };
        let mark = frame.locals.len();
        frame.push_coll(var.to_string(), Coll::record(&names, Vec::new()));
        let slot = frame.slots.len() - 1;
        let mut flow = Flow::Next;
        for row in rows {
            frame.colls[slot] = Some(Coll::record(&names, row));
            match self.iteration(body, frame) {
                Ok(None) => {}
                Ok(Some(f)) => {
                    flow = f;
                    break;
                }
                Err(e) => {
                    frame.truncate(mark);
                    return Err(e);
                }
            }
        }
        frame.truncate(mark);
        Ok(flow)
    }
}
