//! DTY: data-type negotiation (message type 2). Thin clients ask for the
//! universal representation; our server answers with an empty table, which
//! both python-oracledb and node-oracledb accept.

use super::{msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataTypesRequest {
    pub charset: u16,
    pub ncharset: u16,
    pub flags: u8,
    pub compile_caps: Vec<u8>,
    pub runtime_caps: Vec<u8>,
    /// (type, conversion type, representation)
    pub types: Vec<(u16, u16, u16)>,
}

/// Representation "universal" (compressed ub* integers).
const REP_UNIVERSAL: u16 = 1;
/// Representation "Oracle" (native Oracle encodings of data types).
const REP_ORACLE: u16 = 10;

/// The data types our client uses, each converted to itself.
const CLIENT_TYPES: &[u16] = &[
    1, 2, 8, 12, 23, 24, 96, 100, 101, 102, 104, 112, 113, 180, 181, 182, 183, 208, 231, 252,
];
/// Primitive wire types (ub1/ub2/ub4/sb*, pointers) in universal form.
const UNIVERSAL_TYPES: &[u16] = &[
    3, 4, 6, 9, 10, 15, 21, 22, 25, 26, 27, 28, 29, 30, 31, 32, 33,
];

impl DataTypesRequest {
    pub fn thin_client(compile_caps: Vec<u8>, runtime_caps: Vec<u8>) -> Self {
        let mut types: Vec<(u16, u16, u16)> =
            CLIENT_TYPES.iter().map(|t| (*t, *t, REP_ORACLE)).collect();
        types.extend(UNIVERSAL_TYPES.iter().map(|t| (*t, *t, REP_UNIVERSAL)));
        DataTypesRequest {
            charset: 873,
            ncharset: 873,
            flags: 0x03,
            compile_caps,
            runtime_caps,
            types,
        }
    }

    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::DATA_TYPES)
            .u16le(self.charset)
            .u16le(self.ncharset)
            .u8(self.flags);
        w.bytes(&self.compile_caps).bytes(&self.runtime_caps);
        for (t, c, r) in &self.types {
            w.u16be(*t).u16be(*c).u16be(*r).u16be(0);
        }
        w.u16be(0);
    }

    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let charset = r.u16le()?;
        let ncharset = r.u16le()?;
        let flags = r.u8()?;
        let compile_caps = r.bytes()?.unwrap_or_default();
        let runtime_caps = r.bytes()?.unwrap_or_default();
        // Clients with a time-zone block in DTY (runtime caps [1] & 1) are
        // only those whose server asked for it; ours never does.
        let mut types = Vec::new();
        loop {
            let t = r.u16be()?;
            if t == 0 {
                break;
            }
            let c = r.u16be()?;
            let rep = r.u16be()?;
            r.u16be()?;
            types.push((t, c, rep));
        }
        Ok(DataTypesRequest {
            charset,
            ncharset,
            flags,
            compile_caps,
            runtime_caps,
            types,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataTypesReply {
    /// (type, conversion type, representation); representation only when conversion != 0.
    pub entries: Vec<(u16, u16, u16)>,
}

impl DataTypesReply {
    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::DATA_TYPES);
        for (t, c, rep) in &self.entries {
            w.u16be(*t).u16be(*c);
            if *c != 0 {
                w.u16be(*rep).u16be(0);
            }
        }
        w.u16be(0);
    }

    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let mut entries = Vec::new();
        loop {
            let t = r.u16be()?;
            if t == 0 {
                break;
            }
            let c = r.u16be()?;
            let rep = if c != 0 {
                let rep = r.u16be()?;
                r.u16be()?;
                rep
            } else {
                0
            };
            entries.push((t, c, rep));
        }
        Ok(DataTypesReply { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ttc::capabilities;

    #[test]
    fn request_round_trip_and_header_bytes() {
        let req = DataTypesRequest::thin_client(
            capabilities::client_compile_caps(),
            capabilities::client_runtime_caps(),
        );
        let mut w = Writer::new();
        req.encode(&mut w, &Caps::default());
        assert_eq!(&w.buf[..7], &[0x02, 0x69, 0x03, 0x69, 0x03, 0x03, 55]);
        assert_eq!(
            DataTypesRequest::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap(),
            req
        );
    }

    #[test]
    fn empty_reply_is_02_00_00() {
        let mut w = Writer::new();
        DataTypesReply::default().encode(&mut w, &Caps::default());
        assert_eq!(w.buf, [2, 0, 0]);
        let long = DataTypesReply {
            entries: vec![(1, 1, 10), (2, 0, 0)],
        };
        let mut w = Writer::new();
        long.encode(&mut w, &Caps::default());
        assert_eq!(
            DataTypesReply::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap(),
            long
        );
    }
}
