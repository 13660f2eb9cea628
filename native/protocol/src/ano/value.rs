//! The typed values inside an ANO service: each is a 4-byte sub-packet header
//! (length, type; big-endian) and the value. Arrays travel as a RAW value
//! whose bytes carry their own magic, element type and count.

use crate::buf::{malformed, DecodeError, DecodeResult, Reader};

use super::MAGIC;

/// Sub-packet type codes as they appear on the wire.
pub mod kind {
    pub const STRING: u16 = 0;
    pub const RAW: u16 = 1;
    pub const UB1: u16 = 2;
    pub const UB2: u16 = 3;
    pub const UB4: u16 = 4;
    pub const VERSION: u16 = 5;
    pub const STATUS: u16 = 6;
}

/// One typed value of an ANO service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Raw(Vec<u8>),
    Ub1(u8),
    Ub2(u16),
    Ub4(u32),
    /// A release number packed as Oracle packs it: `19.0.0.0.0` is `0x13000000`.
    Version(u32),
    Status(u16),
}

impl Value {
    /// Appends the sub-packet header and the value.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let (ty, body): (u16, Vec<u8>) = match self {
            Value::Str(s) => (kind::STRING, s.as_bytes().to_vec()),
            Value::Raw(b) => (kind::RAW, b.clone()),
            Value::Ub1(v) => (kind::UB1, vec![*v]),
            Value::Ub2(v) => (kind::UB2, v.to_be_bytes().to_vec()),
            Value::Ub4(v) => (kind::UB4, v.to_be_bytes().to_vec()),
            Value::Version(v) => (kind::VERSION, v.to_be_bytes().to_vec()),
            Value::Status(v) => (kind::STATUS, v.to_be_bytes().to_vec()),
        };
        // Lengths are 16-bit on the wire; everything we build is far smaller.
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend_from_slice(&ty.to_be_bytes());
        out.extend_from_slice(&body);
    }

    /// Bytes `encode` writes, header included.
    pub fn encoded_len(&self) -> usize {
        4 + match self {
            Value::Str(s) => s.len(),
            Value::Raw(b) => b.len(),
            Value::Ub1(_) => 1,
            Value::Ub2(_) | Value::Status(_) => 2,
            Value::Ub4(_) | Value::Version(_) => 4,
        }
    }

    /// Reads one sub-packet. Fixed-width types must have exactly their width:
    /// a shorter or longer value is malformed, never silently truncated.
    pub fn decode(r: &mut Reader<'_>) -> DecodeResult<Value> {
        let len = r.u16be()? as usize;
        let ty = r.u16be()?;
        let body = r.take(len)?;
        let want = match ty {
            kind::STRING | kind::RAW => len,
            kind::UB1 => 1,
            kind::UB2 | kind::STATUS => 2,
            kind::UB4 | kind::VERSION => 4,
            _ => return malformed(format!("ANO value of unknown type {ty}")),
        };
        if len != want {
            return malformed(format!("ANO value of type {ty} with length {len}"));
        }
        let be16 = || u16::from_be_bytes([body[0], body[1]]);
        let be32 = || u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
        Ok(match ty {
            kind::STRING => match String::from_utf8(body.to_vec()) {
                Ok(s) => Value::Str(s),
                Err(_) => return malformed("ANO string is not UTF-8"),
            },
            kind::RAW => Value::Raw(body.to_vec()),
            kind::UB1 => Value::Ub1(body[0]),
            kind::UB2 => Value::Ub2(be16()),
            kind::STATUS => Value::Status(be16()),
            kind::UB4 => Value::Ub4(be32()),
            _ => Value::Version(be32()),
        })
    }
}

/// Renders a packed version as Oracle prints it (`19.0.0.0.0`).
pub fn version_string(v: u32) -> String {
    let b = v.to_be_bytes();
    format!("{}.{}.{}.{}.{}", b[0], b[1] >> 4, b[1] & 0x0F, b[2], b[3])
}

/// An array of unsigned integers, carried inside a RAW value as
/// `DEADBEEF`, element type (2), count (4), then the elements big-endian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedArray {
    /// `kind::UB1`, `kind::UB2` or `kind::UB4`.
    pub elem: u16,
    pub items: Vec<u32>,
}

impl TypedArray {
    pub fn ub2(items: &[u16]) -> Self {
        TypedArray {
            elem: kind::UB2,
            items: items.iter().map(|&v| v as u32).collect(),
        }
    }

    fn width(elem: u16) -> Option<usize> {
        match elem {
            kind::UB1 => Some(1),
            kind::UB2 => Some(2),
            kind::UB4 => Some(4),
            _ => None,
        }
    }

    /// The array as the RAW value that carries it.
    pub fn to_value(&self) -> Value {
        let w = Self::width(self.elem).unwrap_or(4);
        let mut b = Vec::with_capacity(10 + w * self.items.len());
        b.extend_from_slice(&MAGIC.to_be_bytes());
        b.extend_from_slice(&self.elem.to_be_bytes());
        b.extend_from_slice(&(self.items.len() as u32).to_be_bytes());
        for v in &self.items {
            b.extend_from_slice(&v.to_be_bytes()[4 - w..]);
        }
        Value::Raw(b)
    }

    /// Parses the bytes of a RAW value; the count must match the bytes exactly.
    pub fn from_raw(bytes: &[u8]) -> DecodeResult<Self> {
        let mut r = Reader::new(bytes);
        let short = |e: DecodeError| match e {
            DecodeError::NeedMore => DecodeError::Malformed("ANO array is cut short".into()),
            other => other,
        };
        if r.u32be().map_err(short)? != MAGIC {
            return malformed("ANO array without its magic");
        }
        let elem = r.u16be().map_err(short)?;
        let Some(w) = Self::width(elem) else {
            return malformed(format!("ANO array of unknown element type {elem}"));
        };
        let count = r.u32be().map_err(short)? as usize;
        if r.remaining() != count.saturating_mul(w) {
            return malformed("ANO array count does not match its length");
        }
        let items = r
            .rest()
            .chunks(w)
            .map(|c| c.iter().fold(0u32, |acc, b| (acc << 8) | *b as u32))
            .collect();
        Ok(TypedArray { elem, items })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(v: Value) {
        let mut out = Vec::new();
        v.encode(&mut out);
        assert_eq!(out.len(), v.encoded_len());
        assert_eq!(Value::decode(&mut Reader::new(&out)).unwrap(), v);
    }

    #[test]
    fn every_type_round_trips() {
        round_trip(Value::Str("NTS".into()));
        round_trip(Value::Raw(vec![0, 0x11, 6]));
        round_trip(Value::Ub1(1));
        round_trip(Value::Ub2(0xE0E1));
        round_trip(Value::Ub4(9));
        round_trip(Value::Version(0x1300_0000));
        round_trip(Value::Status(0xFCFF));
    }

    #[test]
    fn version_from_oci_bytes() {
        let v = Value::decode(&mut Reader::new(&[0, 4, 0, 5, 0x13, 0, 0, 0])).unwrap();
        assert_eq!(v, Value::Version(0x1300_0000));
        assert_eq!(version_string(0x1300_0000), "19.0.0.0.0");
        assert_eq!(version_string(0x0B20_0200), "11.2.0.2.0");
    }

    #[test]
    fn wrong_width_and_unknown_type_are_malformed() {
        let bad_ub2 = [0, 3, 0, 3, 1, 2, 3];
        assert!(matches!(
            Value::decode(&mut Reader::new(&bad_ub2)),
            Err(DecodeError::Malformed(_))
        ));
        let unknown = [0, 1, 0, 9, 1];
        assert!(matches!(
            Value::decode(&mut Reader::new(&unknown)),
            Err(DecodeError::Malformed(_))
        ));
        let short = [0, 8, 0, 1, 1];
        assert_eq!(
            Value::decode(&mut Reader::new(&short)),
            Err(DecodeError::NeedMore)
        );
    }

    #[test]
    fn oci_supervisor_array_decodes() {
        // The service list OCI 19.3 sends (captures.md §10).
        let raw = hex::decode("deadbeef0003000000040004000100010002").unwrap();
        let a = TypedArray::from_raw(&raw).unwrap();
        assert_eq!(
            a,
            TypedArray {
                elem: kind::UB2,
                items: vec![4, 1, 1, 2]
            }
        );
        assert_eq!(a.to_value(), Value::Raw(raw));
    }

    #[test]
    fn array_with_lying_count_is_malformed() {
        let raw = hex::decode("deadbeef0003ffffffff0004").unwrap();
        assert!(TypedArray::from_raw(&raw).is_err());
        assert!(TypedArray::from_raw(&[0xde, 0xad]).is_err());
        let ub1 = TypedArray {
            elem: kind::UB1,
            items: vec![1, 2, 3],
        };
        let Value::Raw(b) = ub1.to_value() else {
            unreachable!()
        };
        assert_eq!(TypedArray::from_raw(&b).unwrap(), ub1);
    }
}
