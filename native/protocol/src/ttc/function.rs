//! The header every function call starts with: `03 <code> <seq> [ub8 token]`
//! (also used by piggybacks, type 17, and one-way calls, type 26).

use super::{msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionHeader {
    /// `msg::FUNCTION`, `msg::PIGGYBACK` or `msg::ONEWAY_FN`.
    pub kind: u8,
    pub code: u8,
    pub seq: u8,
    /// Pipelining token; only on the wire from field version 18.
    pub token: u64,
}

impl FunctionHeader {
    pub fn call(code: u8, seq: u8) -> Self {
        FunctionHeader {
            kind: msg::FUNCTION,
            code,
            seq,
            token: 0,
        }
    }
    pub fn piggyback(code: u8, seq: u8) -> Self {
        FunctionHeader {
            kind: msg::PIGGYBACK,
            code,
            seq,
            token: 0,
        }
    }

    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        w.u8(self.kind).u8(self.code).u8(self.seq);
        if caps.field_version >= Caps::FV_23_1_EXT1 {
            w.ub8(self.token);
        }
    }

    /// Decodes a header whose message-type byte (`kind`) was already read.
    pub fn decode(kind: u8, r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let code = r.u8()?;
        let seq = r.u8()?;
        let token = if caps.field_version >= Caps::FV_23_1_EXT1 {
            r.ub8()?
        } else {
            0
        };
        Ok(FunctionHeader {
            kind,
            code,
            seq,
            token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_with_and_without_token() {
        for fv in [17u8, 18] {
            let caps = Caps {
                field_version: fv,
                ..Caps::default()
            };
            let h = FunctionHeader {
                kind: msg::FUNCTION,
                code: 94,
                seq: 7,
                token: 0,
            };
            let mut w = Writer::new();
            h.encode(&mut w, &caps);
            let expect: &[u8] = if fv >= 18 {
                &[3, 94, 7, 0]
            } else {
                &[3, 94, 7]
            };
            assert_eq!(w.buf, expect);
            let mut r = Reader::new(&w.buf[1..]);
            assert_eq!(FunctionHeader::decode(3, &mut r, &caps).unwrap(), h);
        }
    }
}
