//! SYNC, the server-side piggyback (message 23, opcode 5) that tells the
//! client what a call changed in its session as keyword/value pairs: the
//! current schema after `ALTER SESSION SET CURRENT_SCHEMA`, the edition
//! after `ALTER SESSION SET EDITION` (python-oracledb's and node-oracledb's
//! `currentSchema` / `edition` come from it).

use super::{msg, Caps};
use crate::buf::{malformed, DecodeResult, Reader, Writer};

/// The piggyback's opcode within message 23.
pub const OPCODE: u8 = 5;
/// Keyword numbers of the pairs.
pub const CURRENT_SCHEMA: u16 = 168;
pub const EDITION: u16 = 172;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSync {
    /// (keyword number, text value).
    pub pairs: Vec<(u16, String)>,
}

impl SessionSync {
    /// No data types, the pairs (text length, text, no binary value,
    /// keyword), then the overall flags.
    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::SERVER_SIDE_PIGGYBACK).u8(OPCODE);
        w.ub2(0).ub1(0);
        w.ub2(self.pairs.len() as u16)
            .ub1(u8::from(!self.pairs.is_empty()));
        for (keyword, text) in &self.pairs {
            w.ub2(text.len() as u16);
            if !text.is_empty() {
                w.bytes(text.as_bytes());
            }
            w.ub2(0).ub2(*keyword);
        }
        w.ub4(0);
    }

    /// Decodes the body after the message type and opcode.
    pub fn decode_body(r: &mut Reader) -> DecodeResult<Self> {
        let dtys = r.ub2()?;
        r.ub1()?;
        for _ in 0..dtys {
            r.u8()?;
        }
        let n = r.ub2()?;
        r.ub1()?;
        let mut pairs = Vec::with_capacity(usize::from(n).min(64));
        for _ in 0..n {
            let text = match r.ub2()? {
                0 => String::new(),
                _ => String::from_utf8_lossy(&r.bytes()?.unwrap_or_default()).into_owned(),
            };
            if r.ub2()? > 0 {
                r.skip_bytes()?;
            }
            pairs.push((r.ub2()?, text));
        }
        r.ub4()?;
        Ok(SessionSync { pairs })
    }

    /// Decodes the body after the message type.
    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        match r.u8()? {
            OPCODE => Self::decode_body(r),
            other => malformed(format!("server piggyback opcode {other}, not SYNC")),
        }
    }

    /// The value of `keyword`, if the piggyback carries it.
    pub fn get(&self, keyword: u16) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| *k == keyword)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_as_python_oracledb_does() {
        let m = SessionSync {
            pairs: vec![(CURRENT_SCHEMA, "HR".into()), (EDITION, String::new())],
        };
        let mut w = Writer::new();
        m.encode(&mut w, &Caps::default());
        let bytes = w.into_inner();
        // python-oracledb: ub2 DTYs, ub1, ub2 count, ub1, then per pair ub2
        // text length, the text, ub2 binary length, ub2 keyword; ub4 flags.
        assert_eq!(
            bytes,
            [23, 5, 0, 0, 1, 2, 1, 1, 2, 2, b'H', b'R', 0, 1, 168, 0, 0, 1, 172, 0]
        );
        let mut r = Reader::new(&bytes[1..]);
        let back = SessionSync::decode(&mut r, &Caps::default()).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.get(CURRENT_SCHEMA), Some("HR"));
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn another_opcode_or_a_cut_is_an_error() {
        assert!(SessionSync::decode(&mut Reader::new(&[4, 0]), &Caps::default()).is_err());
        assert!(SessionSync::decode(&mut Reader::new(&[5, 0, 0, 1, 1]), &Caps::default()).is_err());
    }
}
