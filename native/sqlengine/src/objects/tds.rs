//! Type descriptor segments (TDS): the bytes DBMS_PICKLER.GET_TYPE_SHAPE
//! returns, which thin clients read for attribute sizes and for what a
//! collection holds.
//!
//! Layout: a header (u32 total length, version, attribute count, start of
//! the ADT) and then one descriptor per attribute in order; a collection
//! has a single COLL descriptor (offset of the element descriptor, limit,
//! kind) followed by the element's descriptor.

use super::{AttrType, ObjKind, ObjType};

/// Descriptor codes.
mod code {
    pub const CHAR: u8 = 1;
    pub const DATE: u8 = 2;
    pub const FLOAT: u8 = 5;
    pub const NUMBER: u8 = 6;
    pub const VARCHAR: u8 = 7;
    pub const BOOLEAN: u8 = 8;
    pub const RAW: u8 = 19;
    pub const TIMESTAMP: u8 = 21;
    pub const TIMESTAMP_TZ: u8 = 23;
    pub const OBJ: u8 = 27;
    pub const COLL: u8 = 28;
    pub const CLOB: u8 = 29;
    pub const BLOB: u8 = 30;
    pub const TIMESTAMP_LTZ: u8 = 33;
    pub const BINARY_FLOAT: u8 = 37;
    pub const START_ADT: u8 = 38;
    pub const BINARY_DOUBLE: u8 = 45;
}

/// Collection kinds in a COLL descriptor.
pub const INDEX_TABLE: u8 = 1;
pub const NESTED_TABLE: u8 = 2;
pub const VARRAY: u8 = 3;

/// Character set ids in CHAR/VARCHAR descriptors: AL32UTF8, AL16UTF16.
const CS_IMPLICIT: (u8, u16) = (1, 873);
const CS_NCHAR: (u8, u16) = (2, 2000);

/// Bytes of the fixed header before the first descriptor.
const HEADER: usize = 18;

pub fn tds(t: &ObjType) -> Vec<u8> {
    let mut out = vec![0u8; HEADER];
    let count = match &t.kind {
        ObjKind::Object(attrs) => {
            for (_, a) in attrs {
                attr(&mut out, a);
            }
            attrs.len()
        }
        ObjKind::Varray { limit, elem } => {
            coll(&mut out, *limit, VARRAY, elem);
            1
        }
        ObjKind::Table { elem } => {
            coll(&mut out, 0, NESTED_TABLE, elem);
            1
        }
        ObjKind::IndexBy { elem } => {
            coll(&mut out, 0, INDEX_TABLE, elem);
            1
        }
    };
    let len = out.len() as u32;
    out[0..4].copy_from_slice(&len.to_be_bytes());
    out[4] = 1; // version op code
    out[5] = 1; // version
    out[8..10].copy_from_slice(&(count as u16).to_be_bytes());
    out[11] = code::START_ADT;
    // 12..14: ADT number 0; 14..18: offset of the (empty) index table.
    out[14..18].copy_from_slice(&len.to_be_bytes());
    out
}

fn coll(out: &mut Vec<u8>, limit: u32, kind: u8, elem: &AttrType) {
    out.push(code::COLL);
    let elem_at = (out.len() + 4 + 4 + 1) as u32;
    out.extend_from_slice(&elem_at.to_be_bytes());
    out.extend_from_slice(&limit.to_be_bytes());
    out.push(kind);
    attr(out, elem);
}

fn chars(out: &mut Vec<u8>, c: u8, max_bytes: u32, (form, set): (u8, u16)) {
    out.push(c);
    out.extend_from_slice(&(max_bytes.min(u16::MAX as u32) as u16).to_be_bytes());
    out.push(form);
    out.extend_from_slice(&set.to_be_bytes());
}

fn attr(out: &mut Vec<u8>, a: &AttrType) {
    match *a {
        AttrType::Number { precision, scale } => {
            out.extend_from_slice(&[code::NUMBER, precision, scale as u8])
        }
        AttrType::Integer | AttrType::SmallInt => out.extend_from_slice(&[code::NUMBER, 38, 0]),
        AttrType::Real => out.extend_from_slice(&[code::FLOAT, 63]),
        AttrType::DoublePrecision => out.extend_from_slice(&[code::FLOAT, 126]),
        AttrType::Float(p) => out.extend_from_slice(&[code::FLOAT, p]),
        AttrType::Varchar(n) => chars(out, code::VARCHAR, n.into(), CS_IMPLICIT),
        AttrType::Char(n) => chars(out, code::CHAR, n.into(), CS_IMPLICIT),
        // National characters: two bytes each (AL16UTF16).
        AttrType::NVarchar(n) => chars(out, code::VARCHAR, u32::from(n) * 2, CS_NCHAR),
        AttrType::NChar(n) => chars(out, code::CHAR, u32::from(n) * 2, CS_NCHAR),
        AttrType::Raw(n) => {
            out.push(code::RAW);
            out.extend_from_slice(&n.to_be_bytes());
        }
        AttrType::BinaryFloat => out.push(code::BINARY_FLOAT),
        AttrType::BinaryDouble => out.push(code::BINARY_DOUBLE),
        AttrType::Date => out.push(code::DATE),
        AttrType::Timestamp(s) => out.extend_from_slice(&[code::TIMESTAMP, s]),
        AttrType::TimestampTz(s) => out.extend_from_slice(&[code::TIMESTAMP_TZ, s]),
        AttrType::TimestampLtz(s) => out.extend_from_slice(&[code::TIMESTAMP_LTZ, s]),
        AttrType::Clob | AttrType::NClob => out.push(code::CLOB),
        AttrType::Blob => out.push(code::BLOB),
        AttrType::Boolean => out.push(code::BOOLEAN),
        // No precision or scale: clients take the type from its name.
        AttrType::PlsInteger(_) => out.extend_from_slice(&[code::NUMBER, 0, 0]),
        // The type itself is found by name (ALL_TYPE_ATTRS, ALL_COLL_TYPES):
        // offset and code are zero.
        AttrType::Named { .. } => out.extend_from_slice(&[code::OBJ, 0, 0, 0, 0, 0]),
    }
}
