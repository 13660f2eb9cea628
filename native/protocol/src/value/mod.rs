//! Oracle data types and their on-wire value encodings (the bytes inside a
//! length-prefixed TTC value). One file per type family.

pub mod datetime;
pub mod float;
pub mod number;

pub use datetime::DateTime;

/// Oracle type numbers as they appear in describe info and bind metadata.
pub mod ora_type {
    pub const VARCHAR: u8 = 1;
    pub const NUMBER: u8 = 2;
    pub const BINARY_INTEGER: u8 = 3;
    pub const LONG: u8 = 8;
    pub const ROWID: u8 = 11;
    pub const DATE: u8 = 12;
    pub const RAW: u8 = 23;
    pub const LONG_RAW: u8 = 24;
    pub const CHAR: u8 = 96;
    pub const BINARY_FLOAT: u8 = 100;
    pub const BINARY_DOUBLE: u8 = 101;
    pub const CURSOR: u8 = 102;
    pub const CLOB: u8 = 112;
    pub const BLOB: u8 = 113;
    pub const TIMESTAMP: u8 = 180;
    pub const TIMESTAMP_TZ: u8 = 181;
    pub const INTERVAL_YM: u8 = 182;
    pub const INTERVAL_DS: u8 = 183;
    pub const TIMESTAMP_LTZ: u8 = 231;
    pub const BOOLEAN: u8 = 252;
}

/// A decoded value. NUMBER is kept as exact decimal text (see [`number`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Canonical plain decimal text: no exponent, no `+`, no trailing zeros.
    Number(String),
    Varchar(String),
    Raw(Vec<u8>),
    Date(DateTime),
    Timestamp(DateTime),
    Double(f64),
    Float(f32),
    Boolean(bool),
    Clob(String),
    Blob(Vec<u8>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}
