//! The implicit results of a PL/SQL call (`DBMS_SQL.RETURN_RESULT`): message
//! 27, sent with the call's answer. Each result is a cursor the client
//! fetches from, introduced like a REF CURSOR OUT bind: its describe, then
//! its cursor id.

use super::describe::DescribeInfo;
use super::{msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

/// One implicit result: the cursor's columns and its id.
#[derive(Debug, Clone, PartialEq)]
pub struct ImplicitResult {
    pub describe: DescribeInfo,
    pub cursor_id: u16,
}

/// Every implicit result of one call, in the order the call returned them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImplicitResults {
    pub results: Vec<ImplicitResult>,
}

impl ImplicitResults {
    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        w.u8(msg::IMPLICIT_RESULTSET);
        w.ub4(self.results.len() as u32);
        for r in &self.results {
            // A length-prefixed field clients skip (no bytes).
            w.u8(0);
            r.describe.encode_body(w, caps);
            w.ub2(r.cursor_id);
        }
    }

    /// Decodes the message after its type byte.
    pub fn decode(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let n = r.ub4()? as usize;
        let mut results = Vec::with_capacity(n.min(r.remaining()));
        for _ in 0..n {
            let skip = r.u8()? as usize;
            r.take(skip)?;
            let describe = DescribeInfo::decode_body(r, caps)?;
            let cursor_id = r.ub2()?;
            results.push(ImplicitResult {
                describe,
                cursor_id,
            });
        }
        Ok(ImplicitResults { results })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ttc::describe::DescribeColumn;
    use crate::value::ora_type;

    #[test]
    fn round_trip_and_skipped_field() {
        let caps = Caps::default();
        let m = ImplicitResults {
            results: vec![
                ImplicitResult {
                    describe: DescribeInfo::new(vec![DescribeColumn::new(
                        "N",
                        ora_type::NUMBER,
                        22,
                        0,
                        -127,
                        true,
                    )]),
                    cursor_id: 3,
                },
                ImplicitResult {
                    describe: DescribeInfo::new(vec![DescribeColumn::new(
                        "S",
                        ora_type::VARCHAR,
                        10,
                        0,
                        0,
                        true,
                    )]),
                    cursor_id: 4,
                },
            ],
        };
        let mut w = Writer::new();
        m.encode(&mut w, &caps);
        assert_eq!(w.buf[0], msg::IMPLICIT_RESULTSET);
        let mut r = Reader::new(&w.buf[1..]);
        let back = ImplicitResults::decode(&mut r, &caps).unwrap();
        assert!(r.is_empty());
        assert_eq!(back.results.len(), 2);
        assert_eq!(back.results[1].cursor_id, 4);
        assert_eq!(back.results[1].describe.columns[0].name, "S");
        // A server may fill the skipped field; its bytes are not a describe.
        let mut w = Writer::new();
        w.ub4(1).u8(2).raw(&[9, 9]);
        m.results[0].describe.encode_body(&mut w, &caps);
        w.ub2(7);
        let mut r = Reader::new(&w.buf);
        let one = ImplicitResults::decode(&mut r, &caps).unwrap();
        assert_eq!(one.results[0].cursor_id, 7);
        // Cut short: an error, not a panic.
        let mut r = Reader::new(&w.buf[..w.buf.len() - 1]);
        assert!(ImplicitResults::decode(&mut r, &caps).is_err());
    }
}
