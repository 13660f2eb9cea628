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
        let expr = self.rewrite_constructors(expr)?;
        // Elements, fields and methods were substituted: a collection
        // (an array bind too) left here is used whole, as a scalar.
        for (k, t) in expr.iter().enumerate() {
            let after_dot = k > 0 && expr[k - 1].is_op(".");
            if let Some(slot) = frame.target(t).filter(|_| !after_dot) {
                if frame.coll(slot).is_some() {
                    return Err(super::colls::not_scalar(&frame.display_name(slot)));
                }
            }
        }
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
            let word = matches!(t.tok, Tok::Word(_) | Tok::Quoted(_))
                && !out.last().is_some_and(|p| p.is_op("."));
            if !word {
                out.push(t.clone());
                i += 1;
                continue;
            }
            if let Some((v, ty, next)) = self.reference(toks, i, frame, plsql)? {
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
            out.push(t.clone());
            i += 1;
        }
        Ok(out)
    }

    /// What the name at `toks[i]` stands for when PL/SQL must evaluate it:
    /// an element, method or field of a collection/record, a cursor
    /// attribute, a call of a function (stored, local or `pkg.f`); its
    /// value and type and the index after it. In SQL statements (`plsql`
    /// false) a call whose arguments cannot be evaluated here (columns) is
    /// left to SQLite.
    fn reference(
        &mut self,
        toks: &[Token],
        i: usize,
        frame: &mut Frame,
        plsql: bool,
    ) -> Result<Option<(Sql, Ty, usize)>, SqlError> {
        let t = &toks[i];
        if let Some(slot) = frame.target(t) {
            if frame.coll(slot).is_some() {
                return self.coll_ref(toks, i, slot, frame);
            }
            return self.obj_ref(toks, i, slot, frame);
        }
        if toks.get(i + 1).is_some_and(|n| n.is_op("%")) {
            let attr = toks.get(i + 2).and_then(Token::ident).unwrap_or_default();
            let name = t.ident().unwrap_or_default();
            return Ok(self
                .cursor_attr(&name, &attr, frame)?
                .map(|(v, ty)| (v, ty, i + 3)));
        }
        // NAME, PKG.NAME or SCHEMA.PKG.NAME, then maybe `(args)`.
        let mut parts = vec![t.ident().unwrap_or_default()];
        let mut j = i;
        while toks.get(j + 1).is_some_and(|n| n.is_op("."))
            && toks
                .get(j + 2)
                .is_some_and(|n| matches!(n.tok, Tok::Word(_) | Tok::Quoted(_)))
            && parts.len() < 3
        {
            parts.push(toks[j + 2].ident().unwrap_or_default());
            j += 2;
        }
        if toks.get(j + 1).is_some_and(|n| n.is_op(".")) {
            return Ok(None);
        }
        let paren = toks.get(j + 1).is_some_and(|n| n.is_op("("));
        // A bare name is a call only in PL/SQL expressions (in SQL it
        // is a column); `a.b` in SQL is a column unless it is `pkg.f(`.
        if !(paren || (plsql && parts.len() == 1)) {
            if parts.len() == 2 && plsql {
                return self.package_var(&parts[0], &parts[1], j + 1);
            }
            return Ok(None);
        }
        let (args, next) = if paren {
            match closing(toks, j + 1) {
                Some(c) => (&toks[j + 2..c], c + 1),
                None => (&toks[j + 1..j + 1], j + 1),
            }
        } else {
            (&toks[j + 1..j + 1], j + 1)
        };
        let nargs = if args.is_empty() {
            0
        } else {
            crate::lexer::split_commas(args).len()
        };
        let Some((unit, home)) = self.resolve_call(&parts, nargs, frame)? else {
            return Ok(None);
        };
        if unit.kind != Kind::Function {
            return Ok(None);
        }
        match self.call_unit(&unit, &home, args, frame, t) {
            Ok(Some((v, ty))) => Ok(Some((v, ty, next))),
            Ok(None) => Ok(Some((Sql::Null, Ty::Any, next))),
            Err(e) if !plsql && e.code == 904 => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PKG.VAR` read from outside the package.
    fn package_var(
        &mut self,
        pkg: &str,
        var: &str,
        next: usize,
    ) -> Result<Option<(Sql, Ty, usize)>, SqlError> {
        let Some(p) = self.stored_package(pkg)? else {
            return Ok(None);
        };
        if !p.spec.decls.iter().any(|d| d.name == var) {
            return Ok(None);
        }
        let mut f = Frame::new(Vec::new(), Vec::new());
        f.pkg = Some(p.clone());
        let n = self.load_package_vars(&p, &mut f)?;
        Ok(f.locals[..n]
            .iter()
            .position(|l| l == var)
            .map(|k| (f.slots[k].clone(), f.types[k], next)))
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
