//! Variables, parameters and binds of SQL object and collection types
//! (CREATE TYPE): the value is the pickled image, as OBJECT columns keep
//! it; attributes (`o.attr`), elements (`c(i)`) and collection methods
//! (`c.COUNT`, `c.EXTEND`, …) take it apart and build it again.

use rusqlite::types::Value as Sql;

use crate::errors::err;
use crate::lexer::Token;
use crate::objects::{AttrType, ObjType};
use crate::{Session, SqlError};

use super::ast::Ty;
use super::binds::closing;
use super::colls::{Coll, Key};
use super::frame::{coerce, value_error, Frame};
use super::interp::as_i64;

fn uninitialized_collection() -> SqlError {
    err(6531, "Reference to uninitialized collection")
}

fn uninitialized_composite() -> SqlError {
    err(6530, "Reference to uninitialized composite")
}

fn no_component(name: &str) -> SqlError {
    err(
        6550,
        &format!("PLS-00302: component '{name}' must be declared"),
    )
}

/// The PL/SQL type a scalar member reads as.
fn ty_of(a: &AttrType) -> Ty {
    match a {
        AttrType::Varchar(_)
        | AttrType::NVarchar(_)
        | AttrType::Char(_)
        | AttrType::NChar(_)
        | AttrType::Clob
        | AttrType::NClob => Ty::Varchar,
        AttrType::Date => Ty::Date,
        AttrType::Timestamp(_) | AttrType::TimestampTz(_) | AttrType::TimestampLtz(_) => {
            Ty::Timestamp
        }
        AttrType::Boolean => Ty::Boolean,
        AttrType::Raw(_) | AttrType::Blob | AttrType::Named { .. } => Ty::Any,
        _ => Ty::Number,
    }
}

/// The 1-based position `k` of a collection of `n` elements, as an index.
fn position(k: &Sql, n: usize) -> Result<usize, SqlError> {
    let k = match k {
        Sql::Null => return Err(value_error("NULL index table key value")),
        k => as_i64(k).ok_or_else(|| value_error("character to number conversion error"))?,
    };
    if k < 1 {
        return Err(err(6532, "Subscript outside of limit"));
    }
    if k as usize > n {
        return Err(err(6533, "Subscript beyond count"));
    }
    Ok(k as usize - 1)
}

/// One step of a path into a value: `.name` or `(index)`.
enum Step {
    Attr(String),
    Index(Sql),
}

impl Session {
    /// The SQL type a declared type name names, unless a PL/SQL TYPE of
    /// that name is in scope.
    pub(super) fn sql_type_of(&self, name: Option<&str>, frame: &Frame) -> Option<ObjType> {
        let n = name?;
        if frame.typedef(n).is_some() {
            return None;
        }
        self.object_type_named(n)
    }

    /// A client's object bound to a parameter of a package's collection
    /// type (`pkg.t_list`, which clients describe as `PKG.T_LIST`): its
    /// elements as that collection, at 1..n. None when `p` is not of such
    /// a type or `v` no image.
    pub(super) fn coll_from_image(
        &self,
        p: &super::ast::Param,
        v: &Sql,
        frame: &Frame,
    ) -> Result<Option<Coll>, SqlError> {
        let Some(name) = p.ty_name.as_deref() else {
            return Ok(None);
        };
        // An OUT collection starts empty (an index-by table is never NULL).
        let image = match v {
            Sql::Blob(image) => Some(image),
            Sql::Null if p.mode != crate::BindDir::In => None,
            _ => return Ok(None),
        };
        let Some(mut c) = frame.typedef(name).as_ref().and_then(Coll::of_type) else {
            return Ok(None);
        };
        let qualified = match (&frame.pkg, name.contains('.')) {
            (Some(pkg), false) => format!("{}.{name}", pkg.name),
            _ => name.to_string(),
        };
        let Some(t) = self.object_type_named(&qualified) else {
            return Ok(None);
        };
        if c.is_record() {
            // A package record, which clients bind as an object of its
            // fields (an OUT one starts with every field NULL).
            let crate::objects::ObjKind::Object(attrs) = &t.kind else {
                return Ok(None);
            };
            if let Some(image) = image {
                let members = self.obj_members(&t, image)?;
                for ((n, _), v) in attrs.iter().zip(members) {
                    c.set_field(n, v)?;
                }
            }
            return Ok(Some(c));
        }
        if !t.is_collection() {
            return Ok(None);
        }
        let Some(image) = image else {
            return Ok(Some(c));
        };
        let elems = self.obj_members(&t, image)?;
        let keys = self.obj_keys(&t, image)?;
        c.map = keys
            .into_iter()
            .map(|k| Key::Int(i64::from(k)))
            .zip(
                elems
                    .into_iter()
                    .map(|e| coerce(e.clone(), c.elem).unwrap_or(e)),
            )
            .collect();
        Ok(Some(c))
    }

    /// The image of collection `c` as a value of type `t` (a bind's), an
    /// index-by table's keys kept.
    pub(super) fn coll_image(&self, t: &ObjType, c: &Coll) -> Result<Sql, SqlError> {
        if let crate::objects::ObjKind::Object(attrs) = &t.kind {
            // A record: its fields in the type's attribute order.
            let vals = attrs
                .iter()
                .map(|(n, _)| c.field(n).map(|(v, _)| v))
                .collect::<Result<Vec<Sql>, SqlError>>()?;
            return Ok(Sql::Blob(self.obj_image(t, &vals)?));
        }
        let keys = c
            .map
            .keys()
            .map(|k| match k {
                Key::Int(i) => i32::try_from(*i).map_err(|_| value_error("index out of range")),
                Key::Text(_) => Err(value_error(
                    "a table indexed by VARCHAR2 cannot be sent as an object",
                )),
            })
            .collect::<Result<Vec<i32>, SqlError>>()?;
        let vals: Vec<Sql> = c.map.values().cloned().collect();
        Ok(Sql::Blob(self.obj_image_keyed(t, &vals, Some(&keys))?))
    }

    /// The attributes or elements of a value (an error for a NULL one).
    fn members_of(&self, t: &ObjType, v: &Sql) -> Result<Vec<Sql>, SqlError> {
        match v {
            Sql::Blob(b) => self.obj_members(t, b),
            Sql::Null if t.is_collection() => Err(uninitialized_collection()),
            Sql::Null => Err(uninitialized_composite()),
            _ => Err(super::colls::not_scalar(&t.name)),
        }
    }

    /// The step at `toks[pos]` (`.name` or `(expr)`) and the index after it.
    fn step(
        &mut self,
        toks: &[Token],
        pos: usize,
        frame: &mut Frame,
    ) -> Result<Option<(Step, usize)>, SqlError> {
        match toks.get(pos) {
            Some(t) if t.is_op("(") => {
                let c = closing(toks, pos).ok_or_else(|| value_error("missing )"))?;
                let k = self.eval(&toks[pos + 1..c], frame)?.0;
                Ok(Some((Step::Index(k), c + 1)))
            }
            Some(t) if t.is_op(".") => Ok(toks
                .get(pos + 1)
                .and_then(Token::ident)
                .map(|m| (Step::Attr(m), pos + 2))),
            _ => Ok(None),
        }
    }

    /// `o.attr…`, `c(i)…` or `c.METHOD[(arg)]` at `toks[i]`, where `toks[i]`
    /// is a variable of an object or collection type: its value and type
    /// and the index after it.
    pub(super) fn obj_ref(
        &mut self,
        toks: &[Token],
        i: usize,
        slot: usize,
        frame: &mut Frame,
    ) -> Result<Option<(Sql, Ty, usize)>, SqlError> {
        let Some(mut ty) = frame.obj(slot).cloned() else {
            return Ok(None);
        };
        let mut v = frame.slots[slot].clone();
        let mut pos = i + 1;
        while let Some((step, next)) = self.step(toks, pos, frame)? {
            let member = match (&step, ty.is_collection()) {
                (Step::Attr(m), true) => {
                    let (arg, after) = match self.step(toks, next, frame)? {
                        Some((Step::Index(k), after)) => (Some(k), after),
                        _ => (None, next),
                    };
                    let (r, rty) = self.coll_method(&ty, &v, m, arg)?;
                    return Ok(Some((r, rty, after)));
                }
                (Step::Index(k), true) => {
                    let elems = self.members_of(&ty, &v)?;
                    v = elems[position(k, elems.len())?].clone();
                    ty.member_type(None).cloned()
                }
                (Step::Attr(m), false) => {
                    let idx = ty.attr_index(m).ok_or_else(|| no_component(m))?;
                    // An attribute of a NULL object reads as NULL.
                    v = match v {
                        Sql::Null => Sql::Null,
                        v => self
                            .members_of(&ty, &v)?
                            .get(idx)
                            .cloned()
                            .unwrap_or(Sql::Null),
                    };
                    ty.member_type(Some(m)).cloned()
                }
                (Step::Index(_), false) => return Ok(None),
            };
            pos = next;
            let Some(member) = member else { break };
            match self.named_type(&member) {
                Some(t) => ty = t,
                None => return Ok(Some((v, ty_of(&member), pos))),
            }
        }
        Ok((pos > i + 1).then_some((v, Ty::Any, pos)))
    }

    /// COUNT, FIRST, LAST, NEXT, PRIOR, EXISTS, LIMIT of a collection value.
    fn coll_method(
        &mut self,
        t: &ObjType,
        v: &Sql,
        name: &str,
        arg: Option<Sql>,
    ) -> Result<(Sql, Ty), SqlError> {
        if name == "LIMIT" {
            let l = t.limit();
            return Ok((
                if l == 0 {
                    Sql::Null
                } else {
                    Sql::Integer(l.into())
                },
                Ty::Number,
            ));
        }
        if name == "EXISTS" && *v == Sql::Null {
            return Ok((Sql::Integer(0), Ty::Boolean));
        }
        let elems = self.members_of(t, v)?;
        let c = Coll {
            map: (1..).map(Key::Int).zip(elems).collect(),
            ..Coll::default()
        };
        c.method(name, arg)?.ok_or_else(|| no_component(name))
    }

    /// `v := x`, `o.attr… := x` or `c(i)… := x` to an object or collection
    /// variable; false when `target` is not one.
    pub(super) fn obj_assign(
        &mut self,
        target: &[Token],
        value: Sql,
        frame: &mut Frame,
    ) -> Result<bool, SqlError> {
        let Some(slot) = frame.target(&target[0]) else {
            return Ok(false);
        };
        let Some(ty) = frame.obj(slot).cloned() else {
            return Ok(false);
        };
        let cur = frame.slots[slot].clone();
        let v = self.set_path(&ty, cur, target, 1, value, frame)?;
        frame.slots[slot] = v;
        Ok(true)
    }

    fn set_path(
        &mut self,
        ty: &ObjType,
        cur: Sql,
        path: &[Token],
        pos: usize,
        value: Sql,
        frame: &mut Frame,
    ) -> Result<Sql, SqlError> {
        let Some((step, next)) = self.step(path, pos, frame)? else {
            if pos < path.len() {
                return Err(err(
                    6550,
                    "PLS-00363: expression cannot be used as an assignment target",
                ));
            }
            return match value {
                Sql::Null | Sql::Blob(_) => Ok(value),
                _ => Err(super::colls::not_scalar(&ty.name)),
            };
        };
        let mut members = self.members_of(ty, &cur)?;
        let (idx, member) = match (&step, ty.is_collection()) {
            (Step::Index(k), true) => (position(k, members.len())?, ty.member_type(None)),
            (Step::Attr(m), false) => (
                ty.attr_index(m).ok_or_else(|| no_component(m))?,
                ty.member_type(Some(m)),
            ),
            (Step::Attr(m), true) => return Err(no_component(m)),
            (Step::Index(_), false) => return Err(no_component(&ty.name)),
        };
        let inner = member.and_then(|m| self.named_type(m));
        if idx >= members.len() {
            return Err(err(
                22_800,
                "invalid user-defined type (attributes missing)",
            ));
        }
        members[idx] = match inner {
            Some(t) => self.set_path(&t, members[idx].clone(), path, next, value, frame)?,
            None if next < path.len() => return Err(no_component(&ty.name)),
            None => value,
        };
        Ok(Sql::Blob(self.obj_image(ty, &members)?))
    }

    /// `c.EXTEND[(n)]`, `c.TRIM[(n)]`, `c.DELETE[(k)]` where `c` is a
    /// collection variable or a path into an object variable (`o.list`).
    pub(super) fn obj_statement(
        &mut self,
        s: &[Token],
        frame: &mut Frame,
    ) -> Result<bool, SqlError> {
        let Some(slot) = frame.target(&s[0]) else {
            return Ok(false);
        };
        if frame.obj(slot).is_none() {
            return Ok(false);
        }
        // The method: `.NAME` at the end, or `.NAME(arg)` closing the statement.
        let found = (1..s.len().saturating_sub(1)).find(|&k| {
            s[k].is_op(".")
                && s[k + 1]
                    .ident()
                    .is_some_and(|m| matches!(m.as_str(), "EXTEND" | "TRIM" | "DELETE"))
                && (k + 2 == s.len()
                    || (s[k + 2].is_op("(") && closing(s, k + 2) == Some(s.len() - 1)))
        });
        let Some(k) = found else {
            return Ok(false);
        };
        let prefix = &s[..k];
        let Some(ty) = self
            .static_type(prefix, frame)
            .filter(ObjType::is_collection)
        else {
            return Ok(false);
        };
        let m = s[k + 1].ident().unwrap_or_default();
        let n = match k + 2 < s.len() {
            true => Some(self.eval(&s[k + 3..s.len() - 1], frame)?.0),
            false => None,
        };
        let cur = match prefix {
            [_] => frame.slots[slot].clone(),
            _ => self.eval(prefix, frame)?.0,
        };
        let mut elems = self.members_of(&ty, &cur)?;
        let count = n.as_ref().and_then(as_i64).unwrap_or(1).max(0) as usize;
        match m.as_str() {
            "EXTEND" => {
                let limit = ty.limit() as usize;
                if limit > 0 && elems.len() + count > limit {
                    return Err(err(6532, "Subscript outside of limit"));
                }
                elems.extend(std::iter::repeat_n(Sql::Null, count));
            }
            "TRIM" if count > elems.len() => return Err(err(6533, "Subscript beyond count")),
            "TRIM" => elems.truncate(elems.len() - count),
            _ => match n {
                None => elems.clear(),
                Some(k) => {
                    let k = position(&k, elems.len())?;
                    elems.remove(k);
                }
            },
        }
        let v = Sql::Blob(self.obj_image(&ty, &elems)?);
        self.obj_assign(prefix, v, frame)
    }
}
