//! Expressions: run as `SELECT expr` on SQLite with the variables as
//! binds, after calls of stored functions in them were evaluated.

use rusqlite::types::Value as Sql;

use crate::errors::{self, err};
use crate::lexer::{Tok, Token};
use crate::rewrite::{self, BindMode, Ctx};
use crate::{Session, SqlError};

use super::ast::*;
use super::binds::*;
use super::frame::*;

impl Session {
    pub(super) fn rewrite_with(&self, toks: &[Token], frame: &Frame) -> String {
        let bind = |n: &str| frame.slot_of_bind(n);
        let local = |n: &str| frame.slot_of_local(n);
        let mut ctx = Ctx {
            binds: BindMode::Named(&bind),
            next_bind: 0,
            user: &self.user,
            locals: &local,
        };
        rewrite::rewrite(toks, &mut ctx)
    }

    /// Evaluates an expression; the type is known when it is a variable or
    /// a call of a stored function.
    pub(super) fn eval(
        &mut self,
        expr: &[Token],
        frame: &mut Frame,
    ) -> Result<(Sql, Ty), SqlError> {
        let mark = frame.locals.len();
        let r = self.eval_inner(expr, frame);
        frame.truncate(mark);
        r
    }

    pub(super) fn eval_inner(
        &mut self,
        expr: &[Token],
        frame: &mut Frame,
    ) -> Result<(Sql, Ty), SqlError> {
        let expr = self.substitute_calls(expr, frame, true)?;
        if let [one] = expr.as_slice() {
            if let Some(slot) = frame.target(one) {
                return Ok((frame.slots[slot].clone(), frame.types[slot]));
            }
        }
        let sql = format!("SELECT {}", self.rewrite_with(&expr, frame));
        let rows = self.query_slots(&sql, &expr, frame).map_err(|e| {
            // In a PL/SQL expression an unknown name is an undeclared
            // identifier, not a column.
            match (e.code, e.message.split('"').nth(1)) {
                (904, Some(name)) => SqlError {
                    offset: e.offset,
                    ..err(
                        6550,
                        &format!("PLS-00201: identifier '{name}' must be declared"),
                    )
                },
                _ => e,
            }
        })?;
        Ok((
            rows.into_iter()
                .next()
                .and_then(|r| r.into_iter().next())
                .unwrap_or(Sql::Null),
            Ty::Any,
        ))
    }

    /// Replaces calls of stored functions by temporary variables holding
    /// their results. In SQL statements (`plsql` false) a call whose
    /// arguments cannot be evaluated here (columns) is left to SQLite.
    pub(super) fn substitute_calls(
        &mut self,
        toks: &[Token],
        frame: &mut Frame,
        plsql: bool,
    ) -> Result<Vec<Token>, SqlError> {
        let mut out: Vec<Token> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            let callable = matches!(t.tok, Tok::Word(_) | Tok::Quoted(_))
                && !out.last().is_some_and(|p| p.is_op("."))
                && !toks.get(i + 1).is_some_and(|n| n.is_op("."))
                && frame.target(t).is_none();
            let paren = toks.get(i + 1).is_some_and(|n| n.is_op("("));
            // A bare name is a call only in PL/SQL expressions (in SQL it
            // is a column).
            if callable && (paren || plsql) {
                if let Some(unit) = t.ident().and_then(|n| self.stored_function(&n)) {
                    let (args, next) = if paren {
                        match closing(toks, i + 1) {
                            Some(c) => (&toks[i + 2..c], c + 1),
                            None => (&toks[i + 1..i + 1], i + 1),
                        }
                    } else {
                        (&toks[i + 1..i + 1], i + 1)
                    };
                    let r = self.call_unit(&unit, args, frame, t);
                    let (v, ty) = match r {
                        Ok(Some(v)) => v,
                        Ok(None) => (Sql::Null, Ty::Any),
                        Err(e) if !plsql && e.code == 904 => {
                            out.push(t.clone());
                            i += 1;
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    frame.temps += 1;
                    let name = format!("ORA$T{}", frame.temps);
                    frame.push(name.clone(), ty, v);
                    out.push(Token {
                        tok: Tok::Word(name),
                        pos: t.pos,
                    });
                    i = next;
                    continue;
                }
            }
            out.push(t.clone());
            i += 1;
        }
        Ok(out)
    }

    pub(super) fn query_slots(
        &mut self,
        sql: &str,
        toks: &[Token],
        frame: &Frame,
    ) -> Result<Vec<Vec<Sql>>, SqlError> {
        self.materialize_views(toks)?;
        let map = |e: rusqlite::Error| errors::map(&e, toks, &self.user);
        let mut stmt = self.conn.prepare(sql).map_err(map)?;
        let n = stmt.parameter_count();
        let params: Vec<&Sql> = frame.slots.iter().take(n).collect();
        let cols = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(|e| errors::map(&e, toks, &self.user))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| errors::map(&e, toks, &self.user))? {
            out.push(
                (0..cols)
                    .map(|i| r.get_ref(i).map(Sql::from).unwrap_or(Sql::Null))
                    .collect(),
            );
        }
        Ok(out)
    }
}
