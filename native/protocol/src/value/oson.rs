//! OSON: Oracle's binary JSON image, as 21c+ sends JSON columns and binds.
//!
//! Layout: magic `FF 4A 5A`, version (1, or 3 when field names may exceed
//! 255 bytes), u16be flags. A scalar image then holds the tree size and one
//! node. Otherwise: the field-name dictionary (counts, segment sizes, one
//! hash byte per name, offsets, then the length-prefixed names), the tree
//! size, a count of "tiny" nodes, the names, and the tree: objects and arrays
//! hold child offsets into the tree, objects also 1-based field ids.
//!
//! Scalars keep Oracle's own images (NUMBER, dates, intervals) decoded
//! through the sibling modules, so text JSON and JS values are built by
//! callers. Every read is bounds-checked: a bad image is an [`OsonError`].

use super::datetime::{self, DateTime};
use super::interval::{IntervalDS, IntervalYM};
use super::{float, number};

mod decode;
mod encode;
pub mod text;

pub use decode::decode;
pub use encode::{encode, EncodeOptions};

/// Extended JSON text (as [`text::to_text`] writes it) to an OSON image.
pub fn image_from_text(s: &str, opts: EncodeOptions) -> Result<Vec<u8>, OsonError> {
    encode(&text::parse(s, true)?, opts)
}

/// The OSON image of a value sent as JSON: text is extended JSON text (how
/// JSON columns are kept), a BLOB or RAW holding OSON is passed on, other
/// scalars become JSON scalars. Bad text is ORA-40441, never a NULL.
pub fn image_of_value(v: &super::Value) -> Result<Vec<u8>, super::ValueError> {
    use super::Value as V;
    let json = match v {
        V::Varchar(s) | V::Clob(s) => text::parse(s, true).map_err(|e| {
            super::ValueError::new(40441, format!("ORA-40441: JSON syntax error: {e}"))
        })?,
        V::Raw(b) | V::Blob(b) if is_oson(b) => {
            decode(b).map_err(|e| {
                super::ValueError::new(40441, format!("ORA-40441: JSON syntax error: {e}"))
            })?;
            return Ok(b.clone());
        }
        V::Raw(b) | V::Blob(b) => Json::Raw(b.clone()),
        V::Null => Json::Null,
        V::Number(n) => Json::Number(n.clone()),
        V::Double(d) => Json::Double(*d),
        V::Float(f) => Json::Float(*f),
        V::Boolean(b) => Json::Bool(*b),
        V::Date(d) => Json::Date(*d),
        V::Timestamp(d) => Json::Timestamp(*d),
        V::TimestampTz(d, off) => Json::TimestampTz(*d, *off),
        V::IntervalDS(i) => Json::IntervalDs(*i),
        V::IntervalYM(i) => Json::IntervalYm(*i),
        V::Vector(_) => {
            return Err(super::ValueError::new(
                932,
                "ORA-00932: inconsistent datatypes: expected JSON got VECTOR",
            ))
        }
    };
    // 23ai peers take long field names; one over 65535 bytes is an error.
    encode(
        &json,
        EncodeOptions {
            long_field_names: true,
        },
    )
    .map_err(|e| super::ValueError::new(40441, format!("ORA-40441: JSON syntax error: {e}")))
}

/// An OSON image to extended JSON text.
pub fn text_from_image(img: &[u8]) -> Result<String, OsonError> {
    Ok(text::to_text(&decode(img)?, true))
}

/// A JSON value with Oracle's scalar types.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// Oracle NUMBER as canonical decimal text (see [`number`]).
    Number(String),
    Double(f64),
    Float(f32),
    String(String),
    Raw(Vec<u8>),
    /// An OSON document id (`$oid`-like), raw bytes.
    Id(Vec<u8>),
    Date(DateTime),
    Timestamp(DateTime),
    /// Local time and its offset east of UTC in minutes.
    TimestampTz(DateTime, i32),
    IntervalDs(IntervalDS),
    IntervalYm(IntervalYM),
    Array(Vec<Json>),
    /// Fields in document order; names unique.
    Object(Vec<(String, Json)>),
    /// A VECTOR (23ai) as its image (`value::vector`): OSON's extended
    /// type 1, what `JSON_OBJECT('v' : TO_VECTOR(...) RETURNING JSON)` holds.
    Vector(Vec<u8>),
}

/// Why an image could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsonError(pub String);

impl std::fmt::Display for OsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OsonError {}

fn err(msg: impl Into<String>) -> OsonError {
    OsonError(msg.into())
}

const MAGIC: [u8; 3] = [0xff, 0x4a, 0x5a];
const VERSION_SHORT_NAMES: u8 = 1;
const VERSION_LONG_NAMES: u8 = 3;

mod flag {
    pub const REL_OFFSETS: u16 = 0x0001;
    pub const INLINE_LEAF: u16 = 0x0002;
    pub const NUM_FNAMES_U32: u16 = 0x0008;
    pub const IS_SCALAR: u16 = 0x0010;
    pub const HASH_ID_U8: u16 = 0x0100;
    pub const NUM_FNAMES_U16: u16 = 0x0400;
    pub const FNAMES_SEG_U32: u16 = 0x0800;
    pub const TREE_SEG_U32: u16 = 0x1000;
    pub const TINY_NODES_STAT: u16 = 0x2000;
    /// Secondary flags: long-name offsets are u16.
    pub const SEC_FNAMES_SEG_U16: u16 = 0x0100;
}

mod node {
    pub const NULL: u8 = 0x30;
    pub const TRUE: u8 = 0x31;
    pub const FALSE: u8 = 0x32;
    pub const STRING_U8: u8 = 0x33;
    pub const NUMBER_U8: u8 = 0x34;
    pub const DOUBLE: u8 = 0x36;
    pub const STRING_U16: u8 = 0x37;
    pub const STRING_U32: u8 = 0x38;
    pub const TIMESTAMP: u8 = 0x39;
    pub const BINARY_U16: u8 = 0x3a;
    pub const BINARY_U32: u8 = 0x3b;
    pub const DATE: u8 = 0x3c;
    pub const INTERVAL_YM: u8 = 0x3d;
    pub const INTERVAL_DS: u8 = 0x3e;
    pub const EXTENDED: u8 = 0x7b;
    /// After EXTENDED: a VECTOR image with a u32 length.
    pub const EXT_VECTOR: u8 = 0x01;
    pub const TIMESTAMP_TZ: u8 = 0x7c;
    pub const TIMESTAMP7: u8 = 0x7d;
    pub const ID: u8 = 0x7e;
    pub const FLOAT: u8 = 0x7f;
    pub const OBJECT: u8 = 0x84;
    pub const ARRAY: u8 = 0xc0;
}

/// The field-name hash OSON sorts its dictionary by (32-bit FNV-1a).
fn name_hash(name: &[u8]) -> u32 {
    name.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(16_777_619)
    })
}

/// True when `data` starts with OSON's magic bytes (a BLOB holding OSON).
pub fn is_oson(data: &[u8]) -> bool {
    data.len() >= 6 && data[..3] == MAGIC
}

fn scalar_from_bytes(kind: u8, b: &[u8]) -> Result<Json, OsonError> {
    let bad = |e: &dyn std::fmt::Display| err(format!("bad OSON scalar 0x{kind:02x}: {e}"));
    Ok(match kind {
        node::DATE => Json::Date(datetime::decode(b).map_err(|e| bad(&e))?),
        node::TIMESTAMP | node::TIMESTAMP7 => {
            Json::Timestamp(datetime::decode(b).map_err(|e| bad(&e))?)
        }
        node::TIMESTAMP_TZ => {
            let (t, off) = datetime::decode_timestamp_tz(b).map_err(|e| bad(&e))?;
            Json::TimestampTz(t, off)
        }
        node::DOUBLE => Json::Double(float::decode_f64(b).map_err(|e| bad(&e))?),
        node::FLOAT => Json::Float(float::decode_f32(b).map_err(|e| bad(&e))?),
        node::INTERVAL_DS => Json::IntervalDs(IntervalDS::decode(b).map_err(|e| bad(&e))?),
        node::INTERVAL_YM => Json::IntervalYm(IntervalYM::decode(b).map_err(|e| bad(&e))?),
        _ => Json::Number(number::decode_str(b).map_err(|e| bad(&e))?),
    })
}

#[cfg(test)]
mod tests;
