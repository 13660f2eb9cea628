//! `%ROWTYPE` variables: a record whose fields are a table's (or view's)
//! columns, or an explicit cursor's select list, typed as described.

use oradb_protocol::value::ora_type;

use crate::Session;

use super::ast::{Ty, TypeDef};
use super::frame::Frame;

impl Session {
    /// The record type `stem%ROWTYPE` names: `stem` is a cursor declared
    /// in scope or a `[schema.]table`. `None` when neither describes.
    pub(super) fn rowtype_def(&mut self, stem: &str, frame: &Frame) -> Option<TypeDef> {
        let cursor = frame
            .scope
            .cursors
            .iter()
            .rev()
            .find(|(c, _)| c.name == stem)
            .map(|(c, _)| crate::describe::render(&c.query));
        let sql = cursor.unwrap_or_else(|| format!("select * from {stem}"));
        let p = self.prepare(&sql).ok()?;
        let fields = p
            .columns
            .iter()
            .map(|c| (c.name.clone(), ty_of_column(c.ora_type)))
            .collect();
        Some(TypeDef::Record(fields))
    }
}

fn ty_of_column(t: u8) -> Ty {
    match t {
        ora_type::NUMBER | ora_type::BINARY_FLOAT | ora_type::BINARY_DOUBLE => Ty::Number,
        ora_type::VARCHAR | ora_type::CHAR | ora_type::CLOB | ora_type::LONG => Ty::Varchar,
        ora_type::DATE => Ty::Date,
        ora_type::TIMESTAMP | ora_type::TIMESTAMP_TZ | ora_type::TIMESTAMP_LTZ => Ty::Timestamp,
        ora_type::BOOLEAN => Ty::Boolean,
        _ => Ty::Any,
    }
}
