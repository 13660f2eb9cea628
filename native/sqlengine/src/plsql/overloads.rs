//! Overloads chosen by the object types of their arguments: Oracle picks
//! `f(o t_obj)` or `f(a t_list)` by type, and without this the first
//! declared one would run whatever it was given.

use std::sync::Arc;

use crate::lexer::Token;
use crate::objects::ObjType;
use crate::Session;

use super::ast::Unit;
use super::binds::{args_of, closing};
use super::calls::Home;
use super::frame::Frame;

impl Session {
    /// The object or collection type an argument expression has, when it
    /// is a variable of one or a path into one.
    pub(super) fn static_type(&self, expr: &[Token], frame: &Frame) -> Option<ObjType> {
        let mut ty = frame.obj(frame.target(expr.first()?)?)?.clone();
        let mut pos = 1;
        while pos < expr.len() {
            let member = if expr[pos].is_op("(") {
                pos = closing(expr, pos)? + 1;
                ty.member_type(None)?.clone()
            } else if expr[pos].is_op(".") {
                let m = expr.get(pos + 1)?.ident()?;
                pos += 2;
                ty.member_type(Some(&m))?.clone()
            } else {
                return None;
            };
            ty = self.named_type(&member)?;
        }
        Some(ty)
    }

    /// Of overloads with as many parameters, the one whose object-typed
    /// parameters take the object-typed arguments' types (Oracle picks by
    /// type; without this the first declared one would run).
    pub(super) fn refine_overload(
        &self,
        unit: &Arc<Unit>,
        home: &Home,
        args: &[Token],
        frame: &Frame,
    ) -> Arc<Unit> {
        let others: Vec<Arc<Unit>> = match home {
            Home::Package(p) => p.subs(&unit.name).cloned().collect(),
            Home::Local => frame
                .scope
                .subs
                .iter()
                .filter(|u| u.name == unit.name)
                .cloned()
                .collect(),
            Home::Stored => return unit.clone(),
        };
        if others.len() < 2 {
            return unit.clone();
        }
        let args = args_of(args);
        let types: Vec<Option<ObjType>> = args
            .iter()
            .map(|a| self.static_type(a.expr, frame))
            .collect();
        if types.iter().all(Option::is_none) {
            return unit.clone();
        }
        let fits = |u: &Arc<Unit>| {
            u.kind == unit.kind
                && u.params.len() == unit.params.len()
                && args.iter().zip(&types).enumerate().all(|(k, (a, t))| {
                    let p = match &a.name {
                        Some(n) => u.params.iter().find(|p| &p.name == n),
                        None => u.params.get(k),
                    };
                    match (p, t) {
                        (None, _) => false,
                        (Some(_), None) => true,
                        (Some(p), Some(t)) => self
                            .sql_type_of(p.ty_name.as_deref(), frame)
                            .is_some_and(|pt| pt.owner == t.owner && pt.name == t.name),
                    }
                })
        };
        others
            .iter()
            .find(|u| fits(u))
            .cloned()
            .unwrap_or_else(|| unit.clone())
    }
}
