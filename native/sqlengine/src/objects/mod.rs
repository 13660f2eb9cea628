//! Object types and collections (CREATE TYPE … AS OBJECT / VARRAY / TABLE).
//!
//! A type is parsed from its CREATE statement into an [`ObjType`] and kept
//! in SYS's `ORA$TYPES` table by owner and name, with a type OID derived
//! from both (stable across restarts, as clients cache types by OID). The
//! dictionary views and `DBMS_PICKLER.GET_TYPE_SHAPE`, which thin clients
//! call to learn a type's shape, are answered from it.

mod catalog;
mod construct;
mod ctor_calls;
mod packaged;
mod parse;
mod rowtype;
mod tds;
mod values;
mod views;

#[cfg(test)]
mod tests;

pub(crate) use construct::{constructor_column, register};
pub(crate) use parse::parse_create;
pub(crate) use tds::tds;
pub(crate) use views::{is_type_view, TYPE_VIEWS};

/// The scalar or object type of an attribute or collection element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrType {
    /// NUMBER(p, s); `precision` 0 and `scale` -127 when unconstrained.
    Number {
        precision: u8,
        scale: i8,
    },
    Integer,
    SmallInt,
    Real,
    DoublePrecision,
    /// FLOAT(binary precision).
    Float(u8),
    /// Lengths in characters for the N types, in bytes otherwise.
    Varchar(u16),
    NVarchar(u16),
    Char(u16),
    NChar(u16),
    Raw(u16),
    BinaryFloat,
    BinaryDouble,
    Date,
    /// Fractional seconds precision.
    Timestamp(u8),
    TimestampTz(u8),
    TimestampLtz(u8),
    Clob,
    NClob,
    Blob,
    Boolean,
    /// PL/SQL's PLS_INTEGER (`true`) or BINARY_INTEGER, attributes of
    /// package records only: a 4-byte integer in images.
    PlsInteger(bool),
    /// Another object or collection type.
    Named {
        owner: String,
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjKind {
    Object(Vec<(String, AttrType)>),
    Varray {
        limit: u32,
        elem: AttrType,
    },
    Table {
        elem: AttrType,
    },
    /// A package's `TABLE OF t INDEX BY …` (python-oracledb's PL/SQL index
    /// table); never stored in the catalog.
    IndexBy {
        elem: AttrType,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjType {
    pub owner: String,
    pub name: String,
    pub kind: ObjKind,
}

impl ObjType {
    /// The type's OID: 16 bytes derived from owner and name, so it is the
    /// same in every session and after a restart.
    pub fn oid(&self) -> Vec<u8> {
        type_oid(&self.owner, &self.name)
    }

    /// TYPECODE of ALL_TYPES.
    pub fn typecode(&self) -> &'static str {
        match self.kind {
            ObjKind::Object(_) => "OBJECT",
            _ => "COLLECTION",
        }
    }
}

/// FNV-1a over owner and name, widened to 16 bytes (two seeds): no
/// randomness, so the OID is a pure function of the qualified name.
pub fn type_oid(owner: &str, name: &str) -> Vec<u8> {
    let hash = |seed: u64| {
        let mut h = seed;
        for b in owner.bytes().chain([b'.']).chain(name.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    };
    let mut out = hash(0xcbf2_9ce4_8422_2325).to_be_bytes().to_vec();
    out.extend_from_slice(&hash(0x8422_2325_cbf2_9ce4).to_be_bytes());
    out
}

impl AttrType {
    /// The name ALL_TYPE_ATTRS and GET_TYPE_SHAPE give the type (owner
    /// apart for a named type).
    pub fn type_name(&self) -> String {
        match self {
            AttrType::Number { .. } => "NUMBER".into(),
            AttrType::Integer => "INTEGER".into(),
            AttrType::SmallInt => "SMALLINT".into(),
            AttrType::Real => "REAL".into(),
            AttrType::DoublePrecision => "DOUBLE PRECISION".into(),
            AttrType::Float(_) => "FLOAT".into(),
            AttrType::Varchar(_) => "VARCHAR2".into(),
            AttrType::NVarchar(_) => "NVARCHAR2".into(),
            AttrType::Char(_) => "CHAR".into(),
            AttrType::NChar(_) => "NCHAR".into(),
            AttrType::Raw(_) => "RAW".into(),
            AttrType::BinaryFloat => "BINARY_FLOAT".into(),
            AttrType::BinaryDouble => "BINARY_DOUBLE".into(),
            AttrType::Date => "DATE".into(),
            AttrType::Timestamp(_) => "TIMESTAMP".into(),
            AttrType::TimestampTz(_) => "TIMESTAMP WITH TZ".into(),
            AttrType::TimestampLtz(_) => "TIMESTAMP WITH LOCAL TIME ZONE".into(),
            AttrType::Clob => "CLOB".into(),
            AttrType::NClob => "NCLOB".into(),
            AttrType::Blob => "BLOB".into(),
            AttrType::Boolean => "BOOLEAN".into(),
            AttrType::PlsInteger(true) => "PL/SQL PLS INTEGER".into(),
            AttrType::PlsInteger(false) => "PL/SQL BINARY INTEGER".into(),
            AttrType::Named { name, .. } => name.clone(),
        }
    }

    pub fn owner(&self) -> Option<&str> {
        match self {
            AttrType::Named { owner, .. } => Some(owner),
            _ => None,
        }
    }

    /// LENGTH, PRECISION and SCALE of ALL_TYPE_ATTRS (None for NULL).
    pub fn length_precision_scale(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        match *self {
            AttrType::Number { precision: 0, .. } => (None, None, None),
            AttrType::Number { precision, scale } => {
                (None, Some(precision.into()), Some(scale.into()))
            }
            AttrType::Integer | AttrType::SmallInt => (None, None, Some(0)),
            AttrType::Real => (None, Some(63), None),
            AttrType::DoublePrecision => (None, Some(126), None),
            AttrType::Float(p) => (None, Some(p.into()), None),
            AttrType::Varchar(n)
            | AttrType::NVarchar(n)
            | AttrType::Char(n)
            | AttrType::NChar(n)
            | AttrType::Raw(n) => (Some(n.into()), None, None),
            AttrType::Timestamp(s) | AttrType::TimestampTz(s) | AttrType::TimestampLtz(s) => {
                (None, None, Some(s.into()))
            }
            _ => (None, None, None),
        }
    }
}

/// The named type of an OBJECT column, as column descriptions carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeRef {
    pub owner: String,
    pub name: String,
}

impl TypeRef {
    pub fn oid(&self) -> Vec<u8> {
        type_oid(&self.owner, &self.name)
    }

    /// `OWNER.NAME` in hex: a part of a SQLite declared type, which is
    /// split at `_` (names may hold any character).
    pub(crate) fn decl_part(&self) -> String {
        format!("{}.{}", self.owner, self.name)
            .bytes()
            .map(|b| format!("{b:02X}"))
            .collect()
    }

    pub(crate) fn from_decl_part(hex: &str) -> Option<TypeRef> {
        if !hex.len().is_multiple_of(2) {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
            .collect();
        let text = String::from_utf8(bytes?).ok()?;
        let (owner, name) = text.split_once('.')?;
        Some(TypeRef {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }
}
