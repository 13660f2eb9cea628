//! Execution of the statement tree: control flow, exceptions, SQL and
//! EXECUTE IMMEDIATE with the variables as binds, stored calls.

use oradb_protocol::value::Value;
use rusqlite::types::Value as Sql;

use crate::errors::err;
use crate::lexer::Token;
use crate::query::to_sql;
use crate::{BindDir, Outcome, Prepared, Session, SqlError};

use super::ast::*;
use super::frame::*;
use super::parser::parse_anonymous;

/// How a statement list ended.
pub(super) enum Flow {
    Next,
    Exit,
    Continue,
    Return(Option<(Sql, Ty)>),
}

/// The Oracle error code a predefined exception name stands for.
pub(super) fn exception_code(name: &str) -> Option<u32> {
    Some(match name {
        "NO_DATA_FOUND" => 1403,
        "TOO_MANY_ROWS" => 1422,
        "ZERO_DIVIDE" => 1476,
        "DUP_VAL_ON_INDEX" => 1,
        "VALUE_ERROR" => 6502,
        "INVALID_NUMBER" => 1722,
        "CASE_NOT_FOUND" => 6592,
        "PROGRAM_ERROR" => 6501,
        _ => return None,
    })
}

pub(super) fn is_true(v: &Sql) -> bool {
    match v {
        Sql::Integer(i) => *i != 0,
        Sql::Real(f) => *f != 0.0,
        Sql::Text(t) => t.eq_ignore_ascii_case("TRUE") || t == "1",
        _ => false,
    }
}

pub(super) fn as_i64(v: &Sql) -> Option<i64> {
    match v {
        Sql::Integer(i) => Some(*i),
        Sql::Real(f) => Some(f.round() as i64),
        Sql::Text(t) => crate::num::parse(t).map(|n| n.to_f64().round() as i64),
        _ => None,
    }
}

pub(super) fn as_text(v: &Sql) -> Option<String> {
    match v {
        Sql::Integer(i) => Some(i.to_string()),
        Sql::Real(f) => Some(crate::num::f64_text(*f)),
        Sql::Text(t) => Some(t.clone()),
        _ => None,
    }
}

pub(super) fn not_declared(t: &Token, name: &str) -> SqlError {
    SqlError {
        offset: t.pos as u32,
        ..err(
            6550,
            &format!("PLS-00201: identifier '{name}' must be declared"),
        )
    }
}

impl Session {
    pub(crate) fn run_plsql(&mut self, p: &Prepared, binds: &[Value]) -> Result<Outcome, SqlError> {
        let block = parse_anonymous(&p.toks, &p.sql)?;
        let mut frame = Frame::new(p.bind_names.clone(), binds.iter().map(to_sql).collect());
        frame.slots.resize(frame.names.len(), Sql::Null);
        frame.limits = std::mem::take(&mut self.plsql.limits);
        for (k, oid) in std::mem::take(&mut self.plsql.bind_oids).iter().enumerate() {
            let t = oid
                .as_deref()
                .and_then(|o| self.object_type_by_oid(o))
                .and_then(|r| self.object_type(&r.owner, &r.name));
            if let Some(o) = frame.objs.get_mut(k) {
                *o = t;
            }
        }
        // Typed IN values keep their type when copied to other binds.
        for (t, v) in frame.types.iter_mut().zip(binds) {
            *t = match v {
                Value::Boolean(_) => Ty::Boolean,
                Value::Date(_) => Ty::Date,
                Value::Timestamp(_) | Value::TimestampTz(..) => Ty::Timestamp,
                _ => Ty::Any,
            };
        }
        // Array binds are index-by tables in the block.
        let arrays = std::mem::take(&mut self.plsql.arrays);
        for (k, a) in arrays.iter().enumerate() {
            if let (Some(a), Some(slot)) = (a, frame.colls.get_mut(k)) {
                *slot = Some(super::colls::Coll::from_values(&a.values));
                frame.types[k] = Ty::Coll;
            }
        }
        self.plsql.arrays = arrays;
        self.plsql.depth = 0;
        self.plsql.ref_cursors.clear();
        self.plsql.ref_outs.clear();
        self.plsql.implicit.clear();
        let flow = self.exec_block(&block, &mut frame);
        // The types were this block's binds'; the next block sets its own.
        self.plsql.bind_types.clear();
        self.ref_cursor_outs(&frame);
        let flow = flow?;
        self.array_binds_out(&frame)?;
        self.object_colls_out(&mut frame)?;
        match flow {
            Flow::Return(Some(_)) => {
                return Err(err(
                    6550,
                    "PLS-00372: In a procedure, RETURN statement cannot contain an expression",
                ))
            }
            Flow::Next | Flow::Return(None) => {}
            Flow::Exit | Flow::Continue => {
                return Err(err(
                    6550,
                    "PLS-00376: illegal EXIT/CONTINUE statement; it must appear inside a loop",
                ))
            }
        }
        let out = frame.slots[..frame.names.len()]
            .iter()
            .zip(&frame.types)
            .zip(&p.plsql_dirs)
            .map(|((v, ty), d)| {
                if *d == BindDir::In {
                    Value::Null
                } else {
                    out_value(v, *ty)
                }
            })
            .collect();
        Ok(Outcome::PlSql { out })
    }

    /// Gives binds of collection object types that the block left as
    /// collection variables (an OUT argument of a call) their images.
    fn object_colls_out(&self, frame: &mut Frame) -> Result<(), SqlError> {
        for k in 0..frame.names.len() {
            let (Some(Some(t)), Some(Some(c))) = (frame.objs.get(k), frame.colls.get(k)) else {
                continue;
            };
            if t.is_collection() || c.is_record() {
                frame.slots[k] = self.coll_image(t, c)?;
            }
        }
        Ok(())
    }

    /// Copies the index-by tables of array binds back for the client.
    fn array_binds_out(&mut self, frame: &Frame) -> Result<(), SqlError> {
        for (k, a) in self.plsql.arrays.iter_mut().enumerate() {
            let (Some(a), Some(c)) = (a.as_mut(), frame.coll(k)) else {
                continue;
            };
            let values = c.to_values();
            if values.len() > a.max {
                return Err(err(
                    6513,
                    "PL/SQL: index for PL/SQL table out of range for host language array",
                ));
            }
            a.values = values;
        }
        Ok(())
    }

    pub(super) fn exec_block(&mut self, b: &Block, frame: &mut Frame) -> Result<Flow, SqlError> {
        let mark = frame.locals.len();
        let scope = frame.mark();
        let r = self.exec_block_inner(b, frame);
        frame.truncate(mark);
        frame.restore(scope);
        r
    }

    /// Makes a block's declarations visible: subprograms, types, cursors,
    /// exception codes, then its variables in order.
    pub(super) fn declare(&mut self, b: &Block, frame: &mut Frame) -> Result<(), SqlError> {
        let sc = &mut frame.scope;
        sc.subs.extend(b.subs.iter().cloned());
        sc.types.extend(b.types.iter().cloned());
        sc.cursors
            .extend(b.cursors.iter().map(|c| (c.clone(), None)));
        sc.exceptions.extend(b.pragmas.iter().cloned());
        for d in &b.decls {
            self.declare_var(d, frame)?;
        }
        Ok(())
    }

    pub(super) fn declare_var(&mut self, d: &Decl, frame: &mut Frame) -> Result<(), SqlError> {
        let def = d
            .ty_name
            .as_deref()
            .and_then(|n| self.resolve_type(n, frame));
        let ty = match &def {
            Some(TypeDef::Scalar(t)) => *t,
            _ => d.ty,
        };
        if let Some(c) = def.as_ref().and_then(super::colls::Coll::of_type) {
            frame.push_coll(d.name.clone(), c);
            if let Some(e) = &d.init {
                let target = [Token {
                    tok: crate::lexer::Tok::Word(d.name.clone()),
                    pos: 0,
                }];
                self.assign(&target, e, frame)?;
            }
            return Ok(());
        }
        let v = match &d.init {
            Some(e) => coerce(self.eval(e, frame)?.0, ty)?,
            None => Sql::Null,
        };
        frame.push(d.name.clone(), ty, v);
        let t = self.sql_type_of(d.ty_name.as_deref(), frame);
        if let Some(last) = frame.objs.last_mut() {
            *last = t;
        }
        Ok(())
    }

    pub(super) fn exec_block_inner(
        &mut self,
        b: &Block,
        frame: &mut Frame,
    ) -> Result<Flow, SqlError> {
        let mark = frame.locals.len();
        let run = |s: &mut Session, frame: &mut Frame| -> Result<Flow, SqlError> {
            s.declare(b, frame)?;
            s.exec_stmts(&b.body, frame)
        };
        let e = match run(self, frame) {
            Ok(f) => return Ok(f),
            Err(e) => e,
        };
        // A cancel is never caught; it ends the call.
        if e.code == 1013 || b.handlers.is_empty() {
            return Err(e);
        }
        let user = frame.raised.take();
        let handler = b.handlers.iter().find(|h| {
            h.names.iter().any(|n| {
                n == "OTHERS"
                    || exception_code(n) == Some(e.code)
                    || frame.exception_code(n) == Some(e.code)
                    || (e.code == 6510 && user.as_deref() == Some(n.as_str()))
            })
        });
        let Some(h) = handler else {
            frame.raised = user;
            return Err(e);
        };
        // The handler sees the block's declarations but no longer its
        // nested state; SQLCODE/SQLERRM read the error being handled.
        frame.truncate(mark + b.decls.len().min(frame.locals.len() - mark));
        let code = match e.code {
            1403 => 100,
            c if e.message.starts_with("ORA-") => -(c as i64),
            c => c as i64,
        };
        let hmark = frame.locals.len();
        frame.push("SQLCODE".into(), Ty::Number, Sql::Integer(code));
        frame.push("SQLERRM".into(), Ty::Varchar, Sql::Text(e.message.clone()));
        frame.handling.push(e);
        let r = self.exec_stmts(&h.body, frame);
        frame.handling.pop();
        frame.truncate(hmark);
        r
    }

    pub(super) fn exec_stmts(
        &mut self,
        stmts: &[Stmt],
        frame: &mut Frame,
    ) -> Result<Flow, SqlError> {
        for s in stmts {
            self.check_interrupt()?;
            match self.exec_stmt(s, frame)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    pub(super) fn cond(&mut self, c: &[Token], frame: &mut Frame) -> Result<bool, SqlError> {
        Ok(is_true(&self.eval(c, frame)?.0))
    }

    /// Runs a loop body once; `Some` ends the loop with that flow.
    pub(super) fn iteration(
        &mut self,
        body: &[Stmt],
        frame: &mut Frame,
    ) -> Result<Option<Flow>, SqlError> {
        self.check_interrupt()?;
        Ok(match self.exec_stmts(body, frame)? {
            Flow::Exit => Some(Flow::Next),
            Flow::Return(v) => Some(Flow::Return(v)),
            Flow::Next | Flow::Continue => None,
        })
    }

    pub(super) fn exec_stmt(&mut self, s: &Stmt, frame: &mut Frame) -> Result<Flow, SqlError> {
        match s {
            Stmt::Null => Ok(Flow::Next),
            Stmt::Assign(target, expr) => {
                self.assign(target, expr, frame)?;
                Ok(Flow::Next)
            }
            Stmt::ForCursor { var, source, body } => self.for_cursor(var, source, body, frame),
            Stmt::If(arms, otherwise) => {
                for (c, body) in arms {
                    if self.cond(c, frame)? {
                        return self.exec_stmts(body, frame);
                    }
                }
                self.exec_stmts(otherwise, frame)
            }
            Stmt::Loop(body) => loop {
                if let Some(f) = self.iteration(body, frame)? {
                    return Ok(f);
                }
            },
            Stmt::While(c, body) => {
                while self.cond(c, frame)? {
                    if let Some(f) = self.iteration(body, frame)? {
                        return Ok(f);
                    }
                }
                Ok(Flow::Next)
            }
            Stmt::For {
                var,
                reverse,
                lo,
                hi,
                body,
            } => {
                let bound = |v: Sql| {
                    as_i64(&v).ok_or_else(|| value_error("FOR loop bound is NULL or not a number"))
                };
                let lo = bound(self.eval(lo, frame)?.0)?;
                let hi = bound(self.eval(hi, frame)?.0)?;
                let mark = frame.locals.len();
                frame.push(var.clone(), Ty::Number, Sql::Null);
                let slot = frame.slots.len() - 1;
                let mut flow = Flow::Next;
                let mut k = if *reverse { hi } else { lo };
                while lo <= hi && (lo..=hi).contains(&k) {
                    frame.slots[slot] = Sql::Integer(k);
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
                    k = if *reverse { k - 1 } else { k + 1 };
                }
                frame.truncate(mark);
                Ok(flow)
            }
            Stmt::Exit(c) => match c {
                Some(c) if !self.cond(c, frame)? => Ok(Flow::Next),
                _ => Ok(Flow::Exit),
            },
            Stmt::Continue(c) => match c {
                Some(c) if !self.cond(c, frame)? => Ok(Flow::Next),
                _ => Ok(Flow::Continue),
            },
            Stmt::Return(e) => match e {
                Some(e) => Ok(Flow::Return(Some(self.eval(e, frame)?))),
                None => Ok(Flow::Return(None)),
            },
            Stmt::Raise(name) => Err(match name {
                None => frame.handling.last().cloned().ok_or_else(|| {
                    err(
                        6550,
                        "PLS-00367: a RAISE statement with no exception name must be inside an exception handler",
                    )
                })?,
                Some(n) => match exception_code(n) {
                    Some(1403) => err(1403, "no data found"),
                    Some(1422) => err(1422, "exact fetch returns more than requested number of rows"),
                    Some(1476) => err(1476, "divisor is equal to zero"),
                    Some(1) => err(1, "unique constraint violated"),
                    Some(1722) => err(1722, "invalid number"),
                    Some(6502) => err(6502, "PL/SQL: numeric or value error"),
                    Some(c) => err(c, "PL/SQL error"),
                    None if frame.exception_code(n).is_some() => {
                        err(frame.exception_code(n).unwrap_or_default(), "")
                    }
                    None => {
                        frame.raised = Some(n.clone());
                        err(6510, "PL/SQL: unhandled user-defined exception")
                    }
                },
            }),
            Stmt::Block(b) => self.exec_block(b, frame),
            Stmt::Simple(s) => {
                self.statement(s, frame)?;
                Ok(Flow::Next)
            }
        }
    }
}
