//! Variables of a running block and the conversions of their values.

use oradb_protocol::value::{DateTime, Value};
use rusqlite::types::{Value as Sql, ValueRef};

use crate::errors::err;
use crate::lexer::{Tok, Token};
use crate::query::to_value;
use crate::SqlError;

use super::ast::{CursorDecl, Package, Ty, TypeDef, Unit};
use super::colls::Coll;
use super::cursors::OpenCursor;
use std::sync::Arc;

/// What a block declared besides variables, visible while it runs.
#[derive(Default)]
pub struct Scope {
    pub(super) subs: Vec<Arc<Unit>>,
    pub(super) types: Vec<(String, TypeDef)>,
    pub(super) cursors: Vec<(CursorDecl, Option<OpenCursor>)>,
    pub(super) exceptions: Vec<(String, u32)>,
}

/// Lengths of a scope's parts, to drop what a block declared at its end.
#[derive(Clone, Copy)]
pub struct ScopeMark(usize, usize, usize, usize);

/// Variables: the block's binds first, then locals (innermost last).
pub struct Frame {
    pub(super) names: Vec<String>,
    pub(super) locals: Vec<String>,
    pub(super) slots: Vec<Sql>,
    /// Declared types (locals) or the type of the last value assigned (binds).
    pub(super) types: Vec<Ty>,
    /// The error a handler is running for (RAISE; re-raises it).
    pub(super) handling: Vec<SqlError>,
    /// The user-defined exception last raised.
    pub(super) raised: Option<String>,
    pub(super) temps: usize,
    /// The client's buffer sizes of the binds (anonymous block only).
    pub(super) limits: Vec<Option<crate::BindLimit>>,
    /// Collection and record values, by slot (parallel to `slots`).
    pub(super) colls: Vec<Option<Coll>>,
    /// The object or collection type of a slot holding such a value (as
    /// its pickled image), by slot (parallel to `slots`).
    pub(super) objs: Vec<Option<crate::objects::ObjType>>,
    pub(super) scope: Scope,
    /// The package whose subprogram runs in this frame.
    pub(super) pkg: Option<Arc<Package>>,
    /// SQL%ROWCOUNT: rows the last DML statement changed.
    pub(super) sql_rowcount: Option<i64>,
}

impl Frame {
    pub(super) fn new(names: Vec<String>, slots: Vec<Sql>) -> Frame {
        let n = names.len();
        Frame {
            names,
            locals: Vec::new(),
            slots,
            types: vec![Ty::Any; n],
            handling: Vec::new(),
            raised: None,
            temps: 0,
            limits: Vec::new(),
            colls: vec![None; n],
            objs: vec![None; n],
            scope: Scope::default(),
            pkg: None,
            sql_rowcount: None,
        }
    }
    pub(super) fn mark(&self) -> ScopeMark {
        let s = &self.scope;
        ScopeMark(
            s.subs.len(),
            s.types.len(),
            s.cursors.len(),
            s.exceptions.len(),
        )
    }
    pub(super) fn restore(&mut self, m: ScopeMark) {
        let s = &mut self.scope;
        s.subs.truncate(m.0);
        s.types.truncate(m.1);
        s.cursors.truncate(m.2);
        s.exceptions.truncate(m.3);
    }
    /// A declared TYPE in scope (the running package's too).
    pub(super) fn typedef(&self, name: &str) -> Option<TypeDef> {
        self.scope
            .types
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .or_else(|| self.pkg.as_ref()?.typedef(name).cloned())
    }
    /// The Oracle error code a user exception name was bound to.
    pub(super) fn exception_code(&self, name: &str) -> Option<u32> {
        self.scope
            .exceptions
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c)
    }
    pub(super) fn coll(&self, slot: usize) -> Option<&Coll> {
        self.colls.get(slot)?.as_ref()
    }
    pub(super) fn coll_mut(&mut self, slot: usize) -> Option<&mut Coll> {
        self.colls.get_mut(slot)?.as_mut()
    }
    pub(super) fn slot_of_bind(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
    pub(super) fn slot_of_local(&self, name: &str) -> Option<usize> {
        self.locals
            .iter()
            .rposition(|n| n == name)
            .map(|i| i + self.names.len())
    }
    /// A slot's name as the block spells it (`:name` for a bind).
    pub(super) fn display_name(&self, slot: usize) -> String {
        match self.names.get(slot) {
            Some(b) => format!(":{b}"),
            None => self.locals[slot - self.names.len()].clone(),
        }
    }
    pub(super) fn target(&self, t: &Token) -> Option<usize> {
        match &t.tok {
            Tok::Bind(b) => self.slot_of_bind(b),
            Tok::Word(_) | Tok::Quoted(_) => self.slot_of_local(&t.ident()?),
            _ => None,
        }
    }
    pub(super) fn push(&mut self, name: String, ty: Ty, v: Sql) {
        self.locals.push(name);
        self.slots.push(v);
        self.types.push(ty);
        self.colls.push(None);
        self.objs.push(None);
    }
    pub(super) fn push_coll(&mut self, name: String, c: Coll) {
        self.push(name, Ty::Coll, Sql::Null);
        if let Some(last) = self.colls.last_mut() {
            *last = Some(c);
        }
    }
    pub(super) fn truncate(&mut self, locals: usize) {
        self.locals.truncate(locals);
        self.slots.truncate(self.names.len() + locals);
        self.types.truncate(self.names.len() + locals);
        self.colls.truncate(self.names.len() + locals);
        self.objs.truncate(self.names.len() + locals);
    }
    pub(super) fn obj(&self, slot: usize) -> Option<&crate::objects::ObjType> {
        self.objs.get(slot)?.as_ref()
    }
    /// Assigns, converting to a local's declared type; a bind takes the
    /// value's type along so its OUT value is sent as that type.
    pub(super) fn set(&mut self, slot: usize, v: Sql, ty: Ty) -> Result<(), SqlError> {
        if slot < self.names.len() {
            if let Some(limit) = self.limits.get(slot).copied().flatten() {
                limit.check(&v)?;
            }
            self.slots[slot] = v;
            self.types[slot] = ty;
        } else if self.types[slot] == Ty::Coll {
            return Err(super::colls::not_scalar(
                &self.locals[slot - self.names.len()],
            ));
        } else {
            self.slots[slot] = coerce(v, self.types[slot])?;
        }
        Ok(())
    }
}

pub(super) fn value_error(what: &str) -> SqlError {
    err(6502, &format!("PL/SQL: numeric or value error: {what}"))
}

/// A value converted to a declared PL/SQL type (Oracle's implicit conversion).
pub fn coerce(v: Sql, ty: Ty) -> Result<Sql, SqlError> {
    Ok(match (ty, v) {
        (_, Sql::Null) => Sql::Null,
        (Ty::Number, Sql::Text(t)) => match crate::num::parse(&t) {
            Some(n) => n.into_sql(),
            None => return Err(value_error("character to number conversion error")),
        },
        (Ty::Varchar, Sql::Integer(i)) => Sql::Text(i.to_string()),
        (Ty::Varchar, Sql::Real(f)) => Sql::Text(crate::num::f64_text(f)),
        (Ty::Boolean, Sql::Text(t)) => match crate::boolean::of_text(&t) {
            Some(b) => Sql::Integer(i64::from(b)),
            None => return Err(value_error("character to boolean conversion error")),
        },
        (Ty::Boolean, Sql::Real(f)) => Sql::Integer(i64::from(f != 0.0)),
        (Ty::Date | Ty::Timestamp, Sql::Text(t)) if crate::date_text::parse_zoned(&t).is_none() => {
            return Err(err(1861, "literal does not match format string"))
        }
        (_, v) => v,
    })
}

/// A slot's value as sent back for an OUT bind.
pub(super) fn out_value(v: &Sql, ty: Ty) -> Value {
    let parsed = |v: &Sql| match v {
        Sql::Text(t) => crate::date_text::parse_zoned(t),
        _ => None,
    };
    match ty {
        // The handle stays here: the server sends the cursor itself.
        Ty::RefCursor => Value::Null,
        Ty::Boolean => match v {
            Sql::Integer(i) => Value::Boolean(*i != 0),
            Sql::Real(f) => Value::Boolean(*f != 0.0),
            _ => sql_value(ValueRef::from(v)),
        },
        Ty::Date => match parsed(v) {
            Some((d, _)) => Value::Date(DateTime { nanos: 0, ..d }),
            None => sql_value(ValueRef::from(v)),
        },
        // A zoned value stays an instant (its text is UTC, suffixed).
        Ty::Timestamp => match parsed(v) {
            Some((d, None)) => Value::Timestamp(d),
            Some((d, Some(off))) => Value::TimestampTz(d, off),
            None => sql_value(ValueRef::from(v)),
        },
        Ty::Varchar => match v {
            Sql::Integer(i) => Value::Varchar(i.to_string()),
            Sql::Real(f) => Value::Varchar(crate::num::f64_text(*f)),
            _ => sql_value(ValueRef::from(v)),
        },
        _ => sql_value(ValueRef::from(v)),
    }
}

pub(super) fn sql_value(v: ValueRef) -> Value {
    let c = crate::ColumnInfo {
        name: String::new(),
        ora_type: 0,
        size: 0,
        char_size: 0,
        precision: 0,
        scale: 0,
        nullable: true,
        object_type: None,
        national: false,
        uds_flags: 0,
    };
    match v {
        ValueRef::Integer(_) | ValueRef::Real(_) => to_value(
            v,
            &crate::ColumnInfo {
                ora_type: oradb_protocol::value::ora_type::NUMBER,
                ..c
            },
        ),
        ValueRef::Blob(_) => to_value(
            v,
            &crate::ColumnInfo {
                ora_type: oradb_protocol::value::ora_type::RAW,
                ..c
            },
        ),
        _ => to_value(
            v,
            &crate::ColumnInfo {
                ora_type: oradb_protocol::value::ora_type::VARCHAR,
                ..c
            },
        ),
    }
}
