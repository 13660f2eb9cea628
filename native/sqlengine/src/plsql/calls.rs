//! Calls of procedures and functions: stored, local to a block, or in a
//! package (whose variables live in the session between calls).

use std::sync::Arc;

use rusqlite::types::Value as Sql;

use crate::errors::err;
use crate::lexer::{Tok, Token};
use crate::{BindDir, Session, SqlError};

use super::ast::*;
use super::binds::*;
use super::colls::Coll;
use super::frame::*;
use super::interp::*;
use super::MAX_CALL_DEPTH;

/// Where a called subprogram was declared, which decides what it sees.
#[derive(Clone)]
pub(super) enum Home {
    /// A stored procedure/function: its parameters only.
    Stored,
    /// Declared in a block: runs in the caller's frame (it sees the
    /// block's variables).
    Local,
    /// In a package: its parameters and the package's state.
    Package(Arc<Package>),
}

/// A package's variables kept in the session between calls.
#[derive(Debug)]
pub struct PkgVars {
    pkg: Arc<Package>,
    names: Vec<String>,
    types: Vec<Ty>,
    slots: Vec<Sql>,
    colls: Vec<Option<Coll>>,
}

/// The overload that takes `n` arguments (the first one otherwise).
fn overload<'a>(mut units: impl Iterator<Item = &'a Arc<Unit>>, n: usize) -> Option<Arc<Unit>> {
    let first = units.next()?;
    let fits =
        |u: &Arc<Unit>| n <= u.params.len() && u.params[n..].iter().all(|p| p.default.is_some());
    if fits(first) {
        return Some(first.clone());
    }
    units.find(|u| fits(u)).or(Some(first)).cloned()
}

/// An argument value passed in: scalar or collection.
struct ArgIn {
    v: Sql,
    coll: Option<Coll>,
}

impl Session {
    /// The subprogram a (dotted) name calls with `nargs` arguments.
    pub(super) fn resolve_call(
        &mut self,
        parts: &[String],
        nargs: usize,
        frame: &Frame,
    ) -> Result<Option<(Arc<Unit>, Home)>, SqlError> {
        match parts {
            [name] => {
                let local = frame.scope.subs.iter().rev().filter(|u| u.name == *name);
                if let Some(u) = overload(local, nargs) {
                    return Ok(Some((u, Home::Local)));
                }
                if let Some(p) = &frame.pkg {
                    if let Some(u) = overload(p.subs(name), nargs) {
                        return Ok(Some((u, Home::Package(p.clone()))));
                    }
                }
                Ok(self.stored_unit(name)?.map(|u| (u, Home::Stored)))
            }
            [a, b] => {
                if let Some(p) = self.stored_package(a)? {
                    // From outside, only what the spec declares.
                    let inside = frame.pkg.as_ref().is_some_and(|f| f.name == p.name);
                    if !inside && !p.spec.subs.iter().any(|u| u.name == *b) {
                        return Ok(None);
                    }
                    return Ok(overload(p.subs(b), nargs).map(|u| (u, Home::Package(p))));
                }
                // SCHEMA.PROC: the name is what counts.
                Ok(self.stored_unit(b)?.map(|u| (u, Home::Stored)))
            }
            [_, a, b] => match self.stored_package(a)? {
                Some(p) if p.spec.subs.iter().any(|u| u.name == *b) => {
                    Ok(overload(p.subs(b), nargs).map(|u| (u, Home::Package(p))))
                }
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// A TYPE by name: in scope, in the running package, or `PKG.TYPE`.
    pub(super) fn resolve_type(&mut self, name: &str, frame: &Frame) -> Option<TypeDef> {
        if let Some(stem) = name.strip_suffix("%ROWTYPE") {
            return self.rowtype_def(stem, frame);
        }
        match name.rsplit_once('.') {
            None => frame.typedef(name),
            Some((pkg, ty)) => {
                let pkg = pkg.rsplit('.').next().unwrap_or(pkg);
                self.stored_package(pkg).ok()??.typedef(ty).cloned()
            }
        }
    }

    /// Calls a procedure or function with the caller's argument tokens;
    /// OUT and IN OUT arguments are copied back on success.
    pub(super) fn call_unit(
        &mut self,
        unit: &Arc<Unit>,
        home: &Home,
        args: &[Token],
        frame: &mut Frame,
        at: &Token,
    ) -> Result<Option<(Sql, Ty)>, SqlError> {
        let unit = &self.refine_overload(unit, home, args, frame);
        let body = unit.body.as_ref().map_err(|e| match home {
            Home::Stored => SqlError {
                offset: at.pos as u32,
                ..err(
                    6550,
                    &format!(
                        "line 1, column {}:\nPLS-00905: object {}.{} is invalid",
                        at.pos + 1,
                        self.user,
                        unit.name
                    ),
                )
            },
            _ => e.clone(),
        })?;
        if self.plsql.depth >= MAX_CALL_DEPTH {
            return Err(err(
                36,
                &format!("maximum number of recursive SQL levels ({MAX_CALL_DEPTH}) exceeded"),
            ));
        }
        let (ins, copy_back) = self.bind_args(unit, args, frame, at)?;
        self.plsql.depth += 1;
        let r = match home {
            Home::Local => {
                let mark = frame.locals.len();
                let r = self.run_in(unit, body, ins, frame);
                let outs = collect_outs(frame, mark, &copy_back);
                frame.truncate(mark);
                r.map(|f| (f, outs))
            }
            Home::Stored => {
                let mut callee = Frame::new(Vec::new(), Vec::new());
                let r = self.run_in(unit, body, ins, &mut callee);
                r.map(|f| (f, collect_outs(&callee, 0, &copy_back)))
            }
            Home::Package(pkg) => {
                let mut callee = Frame::new(Vec::new(), Vec::new());
                callee.pkg = Some(pkg.clone());
                self.load_package(pkg, &mut callee).and_then(|n| {
                    let r = self.run_in(unit, body, ins, &mut callee);
                    self.save_package(pkg, &callee, n);
                    r.map(|f| (f, collect_outs(&callee, n, &copy_back)))
                })
            }
        };
        self.plsql.depth -= 1;
        let (flow, outs) = r?;
        let ret = match (unit.kind, flow) {
            (Kind::Function, Flow::Return(Some((v, _)))) => {
                let ty = unit.ret.unwrap_or(Ty::Any);
                Some((coerce(v, ty)?, ty))
            }
            (Kind::Function, _) => {
                return Err(err(6503, "PL/SQL: Function returned without value"))
            }
            (Kind::Procedure, _) => None,
        };
        for ((slot, ty), (v, coll)) in copy_back.iter().map(|c| (c.0, c.2)).zip(outs) {
            match coll {
                Some(c) => frame.colls[slot] = Some(c),
                None => frame.set(slot, v, ty)?,
            }
        }
        Ok(ret)
    }

    /// Evaluates the arguments in the caller's frame: the values passed in
    /// (by parameter) and (caller slot, parameter index, type) of OUT ones.
    #[allow(clippy::type_complexity)]
    fn bind_args(
        &mut self,
        unit: &Unit,
        args: &[Token],
        frame: &mut Frame,
        at: &Token,
    ) -> Result<(Vec<ArgIn>, Vec<(usize, usize, Ty)>), SqlError> {
        let args = args_of(args);
        let wrong = || SqlError {
            offset: at.pos as u32,
            ..err(
                6550,
                &format!(
                    "PLS-00306: wrong number or types of arguments in call to '{}'",
                    unit.name
                ),
            )
        };
        let positional = args.iter().take_while(|a| a.name.is_none()).count();
        // A parameter named twice, or named after it was passed by position.
        let named = args[positional..].iter().filter_map(|a| a.name.as_ref());
        let mut seen: Vec<&String> = unit.params[..positional.min(unit.params.len())]
            .iter()
            .map(|p| &p.name)
            .collect();
        for n in named {
            if seen.contains(&n) {
                return Err(SqlError {
                    offset: at.pos as u32,
                    ..err(
                        6550,
                        "PLS-00703: multiple instances of named argument in list",
                    )
                });
            }
            seen.push(n);
        }
        if positional > unit.params.len()
            || args[positional..].iter().any(|a| {
                a.name.is_none() || !unit.params.iter().any(|p| Some(&p.name) == a.name.as_ref())
            })
        {
            return Err(wrong());
        }
        let mut ins = Vec::new();
        let mut copy_back = Vec::new();
        for (k, p) in unit.params.iter().enumerate() {
            let arg = if k < positional {
                Some(args[k].expr)
            } else {
                args.iter()
                    .find(|a| a.name.as_ref() == Some(&p.name))
                    .map(|a| a.expr)
            };
            let whole = match arg {
                Some([one]) => frame.target(one),
                _ => None,
            };
            if let (Some([one]), Some(slot)) = (arg, whole) {
                if self.bind_type_mismatch(one, slot, p) {
                    return Err(wrong());
                }
            }
            let coll_in = whole.and_then(|s| frame.coll(s)).cloned();
            let declared = p
                .ty_name
                .as_deref()
                .and_then(|n| self.resolve_type(n, frame))
                .and_then(|d| Coll::of_type(&d));
            let (v, coll) = match (p.mode, arg) {
                (BindDir::In, Some(_)) if coll_in.is_some() => (Sql::Null, coll_in),
                (BindDir::In, Some(a)) => (self.eval(a, frame)?.0, None),
                (BindDir::In, None) => match &p.default {
                    Some(d) => (self.eval(d, frame)?.0, None),
                    None => return Err(wrong()),
                },
                (_, Some(a)) => {
                    let slot = whole.ok_or_else(|| SqlError {
                        offset: a.first().map_or(at.pos, |t| t.pos) as u32,
                        ..err(
                            6550,
                            &format!(
                                "PLS-00363: expression '{}' cannot be used as an assignment target",
                                a.first().and_then(Token::ident).unwrap_or_default()
                            ),
                        )
                    })?;
                    copy_back.push((slot, k, p.ty));
                    match (p.mode, coll_in) {
                        (BindDir::InOut, Some(c)) => (Sql::Null, Some(keep_elem(c, &declared))),
                        (BindDir::InOut, None) => (frame.slots[slot].clone(), None),
                        (_, Some(c)) => (
                            Sql::Null,
                            Some(declared.clone().unwrap_or(Coll {
                                map: Default::default(),
                                ..c
                            })),
                        ),
                        _ => (Sql::Null, declared.clone()),
                    }
                }
                (_, None) => return Err(wrong()),
            };
            let coll = coll.map(|c| keep_elem(c, &declared));
            // A record passed as an object's image (a client's bind) becomes
            // the record in the callee's frame (`run_in`).
            let image_of_record =
                declared.as_ref().is_some_and(Coll::is_record) && matches!(v, Sql::Blob(_));
            if coll.is_none()
                && declared.is_some()
                && p.mode == BindDir::In
                && arg.is_some()
                && !image_of_record
            {
                return Err(wrong());
            }
            ins.push(ArgIn {
                v: if coll.is_some() { v } else { coerce(v, p.ty)? },
                coll,
            });
        }
        Ok((ins, copy_back))
    }

    /// Whether bind `t` (at `slot`) has a wire type parameter `p` cannot
    /// take, as Oracle checks a call's arguments: a BOOLEAN for any other
    /// declared type, or text for a BOOLEAN OUT parameter.
    fn bind_type_mismatch(&self, t: &Token, slot: usize, p: &super::ast::Param) -> bool {
        use oradb_protocol::value::ora_type;
        if !matches!(t.tok, crate::lexer::Tok::Bind(_)) {
            return false;
        }
        let Some(&bt) = self.plsql.bind_types.get(slot) else {
            return false;
        };
        match (bt, p.ty) {
            (_, Ty::Any | Ty::Coll | Ty::RefCursor | Ty::Exception) => false,
            (ora_type::BOOLEAN, ty) => ty != Ty::Boolean,
            (ora_type::VARCHAR | ora_type::CHAR, Ty::Boolean) => p.mode != BindDir::In,
            _ => false,
        }
    }

    /// Pushes the parameters and runs the body in `frame`.
    fn run_in(
        &mut self,
        unit: &Unit,
        body: &Block,
        ins: Vec<ArgIn>,
        frame: &mut Frame,
    ) -> Result<Flow, SqlError> {
        for (p, a) in unit.params.iter().zip(ins) {
            match a.coll {
                Some(c) => frame.push_coll(p.name.clone(), c),
                None => {
                    if let Some(c) = self.coll_from_image(p, &a.v, frame)? {
                        frame.push_coll(p.name.clone(), c);
                        continue;
                    }
                    frame.push(p.name.clone(), p.ty, a.v);
                    let t = self.sql_type_of(p.ty_name.as_deref(), frame);
                    if let Some(last) = frame.objs.last_mut() {
                        *last = t;
                    }
                }
            }
        }
        self.exec_block(body, frame)
    }

    /// Pushes the package's variables as the frame's first locals
    /// (initializing the package on its first use in the session); their
    /// number.
    pub(super) fn load_package_vars(
        &mut self,
        pkg: &Arc<Package>,
        frame: &mut Frame,
    ) -> Result<usize, SqlError> {
        self.load_package(pkg, frame)
    }

    fn load_package(&mut self, pkg: &Arc<Package>, frame: &mut Frame) -> Result<usize, SqlError> {
        for b in std::iter::once(&pkg.spec).chain(pkg.body.as_ref()) {
            frame.scope.exceptions.extend(b.pragmas.iter().cloned());
        }
        if let Some(v) = self.plsql.packages.get(&pkg.name) {
            if Arc::ptr_eq(&v.pkg, pkg) {
                for (k, n) in v.names.iter().enumerate() {
                    frame.push(n.clone(), v.types[k], v.slots[k].clone());
                    frame.colls[k] = v.colls[k].clone();
                }
                return Ok(v.names.len());
            }
        }
        for b in std::iter::once(&pkg.spec).chain(pkg.body.as_ref()) {
            for d in &b.decls {
                self.declare_var(d, frame)?;
            }
        }
        let n = frame.locals.len();
        if let Some(b) = &pkg.body {
            if !b.body.is_empty() {
                self.exec_stmts(&b.body, frame)?;
            }
        }
        self.save_package(pkg, frame, n);
        Ok(n)
    }

    fn save_package(&mut self, pkg: &Arc<Package>, frame: &Frame, n: usize) {
        let vars = PkgVars {
            pkg: pkg.clone(),
            names: frame.locals[..n].to_vec(),
            types: frame.types[..n].to_vec(),
            slots: frame.slots[..n].to_vec(),
            colls: frame.colls[..n].to_vec(),
        };
        self.plsql.packages.insert(pkg.name.clone(), vars);
    }

    /// Calls a stored function with values (a call from SQL); `name` may
    /// be `PKG.FUNC`.
    pub(crate) fn call_function_values(
        &mut self,
        name: &str,
        args: Vec<Sql>,
    ) -> Result<Sql, SqlError> {
        let parts: Vec<String> = name.split('.').map(str::to_string).collect();
        let names: Vec<String> = (1..=args.len()).map(|i| i.to_string()).collect();
        let mut frame = Frame::new(names.clone(), args);
        let (unit, home) = self
            .resolve_call(&parts, names.len(), &frame)?
            .filter(|(u, _)| u.kind == Kind::Function)
            .ok_or_else(|| err(904, &format!("\"{name}\": invalid identifier")))?;
        let mut toks = Vec::new();
        for (k, n) in names.iter().enumerate() {
            if k > 0 {
                toks.push(Token {
                    tok: Tok::Op(",".into()),
                    pos: 0,
                });
            }
            toks.push(Token {
                tok: Tok::Bind(n.clone()),
                pos: 0,
            });
        }
        let at = Token {
            tok: Tok::Word(name.into()),
            pos: 0,
        };
        self.plsql.depth = 0;
        Ok(self
            .call_unit(&unit, &home, &toks, &mut frame, &at)?
            .map(|v| v.0)
            .unwrap_or(Sql::Null))
    }
}

/// A collection passed to a parameter takes the parameter's element type
/// (an array bind's elements are typed by their values only).
fn keep_elem(mut c: Coll, declared: &Option<Coll>) -> Coll {
    if let Some(d) = declared {
        if !d.is_record() && !c.is_record() {
            c.elem = d.elem;
            c.by_text = d.by_text;
            c.map = std::mem::take(&mut c.map)
                .into_iter()
                .map(|(k, v)| (k, coerce(v.clone(), d.elem).unwrap_or(v)))
                .collect();
        }
    }
    c
}

/// The values of OUT parameters after a call (parameters start at `base`).
fn collect_outs(
    frame: &Frame,
    base: usize,
    copy_back: &[(usize, usize, Ty)],
) -> Vec<(Sql, Option<Coll>)> {
    copy_back
        .iter()
        .map(|(_, k, _)| {
            let idx = frame.names.len() + base + k;
            (
                frame.slots.get(idx).cloned().unwrap_or(Sql::Null),
                frame.colls.get(idx).cloned().flatten(),
            )
        })
        .collect()
}
