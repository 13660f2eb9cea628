//! Collections (index-by tables, VARRAYs, nested tables) and records as
//! PL/SQL values: element and field access, the collection methods, and
//! the client's array binds they are filled from and copied back to.

use std::collections::BTreeMap;

use oradb_protocol::value::Value;
use rusqlite::types::Value as Sql;

use crate::errors::err;
use crate::lexer::Token;
use crate::query::to_sql;
use crate::{Session, SqlError};

use super::ast::{Ty, TypeDef};
use super::binds::closing;
use super::frame::{coerce, out_value, value_error, Frame};
use super::interp::as_i64;

/// An element's index: integer, or text for `INDEX BY VARCHAR2`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Int(i64),
    Text(String),
}

impl Key {
    fn sql(&self) -> Sql {
        match self {
            Key::Int(i) => Sql::Integer(*i),
            Key::Text(t) => Sql::Text(t.clone()),
        }
    }
}

/// A collection (elements by key) or a record (`fields` named, values in
/// `map` by field name).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coll {
    pub elem: Ty,
    pub by_text: bool,
    pub fields: Vec<(String, Ty)>,
    pub map: BTreeMap<Key, Sql>,
}

pub(super) fn not_scalar(name: &str) -> SqlError {
    err(
        6550,
        &format!("PLS-00382: expression '{name}' is of wrong type (a collection or record)"),
    )
}

impl Coll {
    /// An empty value of a declared type; `None` for scalar types.
    pub fn of_type(def: &TypeDef) -> Option<Coll> {
        match def {
            TypeDef::Table { elem, by_text } => Some(Coll {
                elem: *elem,
                by_text: *by_text,
                ..Coll::default()
            }),
            TypeDef::Record(fields) => Some(Coll {
                fields: fields.clone(),
                map: fields
                    .iter()
                    .map(|(n, _)| (Key::Text(n.clone()), Sql::Null))
                    .collect(),
                ..Coll::default()
            }),
            TypeDef::Scalar(_) => None,
        }
    }

    /// A row of a cursor as a record.
    pub fn record(names: &[String], row: Vec<Sql>) -> Coll {
        Coll {
            fields: names.iter().map(|n| (n.clone(), Ty::Any)).collect(),
            map: names.iter().cloned().map(Key::Text).zip(row).collect(),
            ..Coll::default()
        }
    }

    pub fn is_record(&self) -> bool {
        !self.fields.is_empty()
    }

    /// A client's array bind: elements at 1..n, typed by their values.
    pub fn from_values(values: &[Value]) -> Coll {
        let elem = values
            .iter()
            .find_map(|v| match v {
                Value::Null => None,
                Value::Boolean(_) => Some(Ty::Boolean),
                Value::Date(_) => Some(Ty::Date),
                Value::Timestamp(_) | Value::TimestampTz(..) => Some(Ty::Timestamp),
                Value::Varchar(_) | Value::Clob(_) => Some(Ty::Varchar),
                Value::Number(_) | Value::Double(_) | Value::Float(_) => Some(Ty::Number),
                _ => Some(Ty::Any),
            })
            .unwrap_or(Ty::Any);
        Coll {
            elem,
            map: (1..).map(Key::Int).zip(values.iter().map(to_sql)).collect(),
            ..Coll::default()
        }
    }

    /// The elements in index order, as sent back for an OUT array bind.
    pub fn to_values(&self) -> Vec<Value> {
        self.map.values().map(|v| out_value(v, self.elem)).collect()
    }

    fn key(&self, v: Sql) -> Result<Key, SqlError> {
        match v {
            Sql::Null => Err(value_error("NULL index table key value")),
            Sql::Text(t) if self.by_text => Ok(Key::Text(t)),
            v if self.by_text => Ok(Key::Text(super::interp::as_text(&v).unwrap_or_default())),
            v => as_i64(&v)
                .map(Key::Int)
                .ok_or_else(|| value_error("character to number conversion error")),
        }
    }

    pub fn get(&self, k: Sql) -> Result<Sql, SqlError> {
        let k = self.key(k)?;
        self.map
            .get(&k)
            .cloned()
            .ok_or_else(|| err(1403, "no data found"))
    }

    pub fn set(&mut self, k: Sql, v: Sql) -> Result<(), SqlError> {
        let k = self.key(k)?;
        let v = coerce(v, self.elem)?;
        self.map.insert(k, v);
        Ok(())
    }

    fn field_ty(&self, name: &str) -> Option<Ty> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }

    pub fn field(&self, name: &str) -> Result<(Sql, Ty), SqlError> {
        let ty = self.field_ty(name).ok_or_else(|| no_component(name))?;
        let v = self.map.get(&Key::Text(name.into())).cloned();
        Ok((v.unwrap_or(Sql::Null), ty))
    }

    pub fn set_field(&mut self, name: &str, v: Sql) -> Result<(), SqlError> {
        let ty = self.field_ty(name).ok_or_else(|| no_component(name))?;
        self.map.insert(Key::Text(name.into()), coerce(v, ty)?);
        Ok(())
    }

    /// COUNT, FIRST, LAST, NEXT(k), PRIOR(k), EXISTS(k), LIMIT.
    pub fn method(&self, name: &str, arg: Option<Sql>) -> Result<Option<(Sql, Ty)>, SqlError> {
        let key = |k: &Key| {
            (
                k.sql(),
                if self.by_text {
                    Ty::Varchar
                } else {
                    Ty::Number
                },
            )
        };
        let none = || (Sql::Null, Ty::Any);
        Ok(Some(match (name, arg) {
            ("COUNT", None) => (Sql::Integer(self.map.len() as i64), Ty::Number),
            ("LIMIT", None) => none(),
            ("FIRST", None) => self.map.keys().next().map_or_else(none, key),
            ("LAST", None) => self.map.keys().next_back().map_or_else(none, key),
            ("EXISTS", Some(k)) => {
                let found = match k {
                    Sql::Null => false,
                    k => self.map.contains_key(&self.key(k)?),
                };
                (Sql::Integer(i64::from(found)), Ty::Boolean)
            }
            ("NEXT", Some(k)) | ("PRIOR", Some(k)) => {
                if k == Sql::Null {
                    none()
                } else {
                    let k = self.key(k)?;
                    let found = if name == "NEXT" {
                        use std::ops::Bound::{Excluded, Unbounded};
                        self.map
                            .range((Excluded(k), Unbounded))
                            .map(|(k, _)| k)
                            .next()
                    } else {
                        self.map.range(..k).map(|(k, _)| k).next_back()
                    };
                    found.map_or_else(none, key)
                }
            }
            _ => return Ok(None),
        }))
    }
}

fn no_component(name: &str) -> SqlError {
    err(
        6550,
        &format!("PLS-00302: component '{name}' must be declared"),
    )
}

impl Session {
    /// `c(key)`, `c.method[(arg)]` or `r.field` at `toks[i]`, where
    /// `toks[i]` names a collection or record variable: its value and type
    /// and the index after it.
    pub(super) fn coll_ref(
        &mut self,
        toks: &[Token],
        i: usize,
        slot: usize,
        frame: &mut Frame,
    ) -> Result<Option<(Sql, Ty, usize)>, SqlError> {
        let next = toks.get(i + 1);
        if next.is_some_and(|t| t.is_op("(")) {
            let c = closing(toks, i + 1).ok_or_else(|| value_error("missing )"))?;
            let k = self.eval(&toks[i + 2..c], frame)?.0;
            let Some(coll) = frame.coll(slot) else {
                return Ok(None);
            };
            let v = coll.get(k)?;
            return Ok(Some((v, coll.elem, c + 1)));
        }
        if !next.is_some_and(|t| t.is_op(".")) {
            return Ok(None);
        }
        let Some(member) = toks.get(i + 2).and_then(Token::ident) else {
            return Ok(None);
        };
        if frame.coll(slot).is_some_and(Coll::is_record) {
            let (v, ty) = frame
                .coll(slot)
                .map_or(Ok((Sql::Null, Ty::Any)), |c| c.field(&member))?;
            return Ok(Some((v, ty, i + 3)));
        }
        let (arg, after) = match toks.get(i + 3) {
            Some(t) if t.is_op("(") => {
                let c = closing(toks, i + 3).ok_or_else(|| value_error("missing )"))?;
                (Some(self.eval(&toks[i + 4..c], frame)?.0), c + 1)
            }
            _ => (None, i + 3),
        };
        let Some(coll) = frame.coll(slot) else {
            return Ok(None);
        };
        match coll.method(&member, arg)? {
            Some((v, ty)) => Ok(Some((v, ty, after))),
            None => Err(no_component(&member)),
        }
    }

    /// Assigns to `var`, `c(key)` or `r.field`.
    pub(super) fn assign(
        &mut self,
        target: &[Token],
        expr: &[Token],
        frame: &mut Frame,
    ) -> Result<(), SqlError> {
        let name = || target[0].ident().unwrap_or_else(|| "?".into());
        let slot = frame
            .target(&target[0])
            .ok_or_else(|| super::interp::not_declared(&target[0], &name()))?;
        if frame.obj(slot).is_some() {
            let v = self.eval(expr, frame)?.0;
            if self.obj_assign(target, v, frame)? {
                return Ok(());
            }
        }
        if let [_] = target {
            if frame.coll(slot).is_some() {
                // A whole collection or record: from another variable.
                let src = match expr {
                    [one] => frame.target(one).and_then(|s| frame.coll(s)).cloned(),
                    _ => None,
                };
                let src = src.ok_or_else(|| not_scalar(&name()))?;
                frame.colls[slot] = Some(src);
                return Ok(());
            }
            let (v, ty) = match self.pickler_call(expr, frame)? {
                Some(r) => r,
                None => self.eval(expr, frame)?,
            };
            return frame.set(slot, v, ty);
        }
        let v = self.eval(expr, frame)?.0;
        if target.get(1).is_some_and(|t| t.is_op("("))
            && closing(target, 1) == Some(target.len() - 1)
        {
            let k = self.eval(&target[2..target.len() - 1], frame)?.0;
            let coll = frame
                .coll_mut(slot)
                .ok_or_else(|| not_collection(&name()))?;
            return coll.set(k, v);
        }
        if let [_, dot, field] = target {
            if dot.is_op(".") {
                let f = field.ident().unwrap_or_default();
                let coll = frame
                    .coll_mut(slot)
                    .ok_or_else(|| not_collection(&name()))?;
                return coll.set_field(&f, v);
            }
        }
        Err(SqlError {
            offset: target[0].pos as u32,
            ..err(
                6550,
                "PLS-00363: expression cannot be used as an assignment target",
            )
        })
    }

    /// `c.DELETE[(k)]`, `c.EXTEND[(n)]`, `c.TRIM[(n)]` as statements.
    pub(super) fn coll_statement(
        &mut self,
        s: &[Token],
        frame: &mut Frame,
    ) -> Result<bool, SqlError> {
        let Some(slot) = frame.target(&s[0]) else {
            return Ok(false);
        };
        if frame.coll(slot).is_none() || !s.get(1).is_some_and(|t| t.is_op(".")) {
            return Ok(false);
        }
        let member = s.get(2).and_then(Token::ident).unwrap_or_default();
        let arg = match s.get(3) {
            Some(t) if t.is_op("(") && closing(s, 3) == Some(s.len() - 1) => {
                Some(self.eval(&s[4..s.len() - 1], frame)?.0)
            }
            None => None,
            Some(_) => return Ok(false),
        };
        let Some(coll) = frame.coll_mut(slot) else {
            return Ok(false);
        };
        match (member.as_str(), arg) {
            ("DELETE", None) => coll.map.clear(),
            ("DELETE", Some(k)) => {
                let k = coll.key(k)?;
                coll.map.remove(&k);
            }
            ("EXTEND", n) => {
                let n = n.as_ref().and_then(as_i64).unwrap_or(1).max(0);
                let last = match coll.map.keys().next_back() {
                    Some(Key::Int(i)) => *i,
                    _ => 0,
                };
                for k in 1..=n {
                    coll.map.insert(Key::Int(last + k), Sql::Null);
                }
            }
            ("TRIM", n) => {
                for _ in 0..n.as_ref().and_then(as_i64).unwrap_or(1).max(0) {
                    coll.map.pop_last();
                }
            }
            _ => return Err(no_component(&member)),
        }
        Ok(true)
    }
}

fn not_collection(name: &str) -> SqlError {
    err(
        6550,
        &format!("PLS-00222: no function with name '{name}' exists in this scope"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_by_tables_keep_key_order_and_methods() {
        let mut c = Coll::of_type(&TypeDef::Table {
            elem: Ty::Varchar,
            by_text: false,
        })
        .unwrap();
        for k in [284, -1_048_576, 8_388_608, -576] {
            c.set(Sql::Integer(k), Sql::Integer(k)).unwrap();
        }
        assert_eq!(c.get(Sql::Integer(-576)).unwrap(), Sql::Text("-576".into()));
        assert_eq!(c.get(Sql::Integer(1)).unwrap_err().code, 1403);
        assert_eq!(c.set(Sql::Null, Sql::Null).unwrap_err().code, 6502);
        let m = |c: &Coll, n: &str, a: Option<Sql>| c.method(n, a).unwrap().unwrap().0;
        assert_eq!(m(&c, "COUNT", None), Sql::Integer(4));
        assert_eq!(m(&c, "FIRST", None), Sql::Integer(-1_048_576));
        assert_eq!(m(&c, "LAST", None), Sql::Integer(8_388_608));
        assert_eq!(m(&c, "NEXT", Some(Sql::Integer(-576))), Sql::Integer(284));
        assert_eq!(
            m(&c, "PRIOR", Some(Sql::Integer(-576))),
            Sql::Integer(-1_048_576)
        );
        assert_eq!(m(&c, "NEXT", Some(Sql::Integer(8_388_608))), Sql::Null);
        assert_eq!(m(&c, "EXISTS", Some(Sql::Integer(284))), Sql::Integer(1));
        let vals = c.to_values();
        assert_eq!(vals[0], Value::Varchar("-1048576".into()));
        assert_eq!(vals.len(), 4);
    }

    #[test]
    fn records_have_declared_fields_only() {
        let mut r = Coll::of_type(&TypeDef::Record(vec![
            ("N".into(), Ty::Number),
            ("B".into(), Ty::Boolean),
        ]))
        .unwrap();
        r.set_field("N", Sql::Text("25".into())).unwrap();
        assert_eq!(r.field("N").unwrap().0, Sql::Integer(25));
        assert_eq!(r.field("B").unwrap().0, Sql::Null);
        assert_eq!(r.set_field("X", Sql::Null).unwrap_err().code, 6550);
    }
}
