//! PRO: protocol negotiation (message type 1), the first request and reply.

use super::{capabilities, msg, Caps};
use crate::buf::{malformed, DecodeResult, Reader, Writer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolRequest {
    pub driver_name: String,
}

impl ProtocolRequest {
    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::PROTOCOL)
            .u8(6)
            .u8(0)
            .raw(self.driver_name.as_bytes())
            .u8(0);
    }

    /// Thin clients send `06 00 name 00`; OCI sends a version list first.
    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        while r.u8()? != 0 {}
        let mut name = Vec::new();
        loop {
            match r.u8()? {
                0 => break,
                b => name.push(b),
            }
        }
        Ok(ProtocolRequest {
            driver_name: String::from_utf8_lossy(&name).into_owned(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolReply {
    pub server_version: u8,
    pub banner: String,
    pub charset: u16,
    pub flags: u8,
    pub ncharset: u16,
    pub fdo: Vec<u8>,
    pub compile_caps: Vec<u8>,
    pub runtime_caps: Vec<u8>,
}

/// Smallest FDO every thin client accepts: db charset 873, national 2000.
const MIN_FDO: [u8; 12] = [0, 0, 0, 7, 1, 0, 0, 0x03, 0x69, 0x07, 0xD0, 0x03];

impl ProtocolReply {
    pub fn server_default(field_version: u8) -> Self {
        ProtocolReply {
            server_version: 6,
            banner: "x86_64/Linux 2.4.xx".into(),
            charset: 873,
            flags: 1,
            ncharset: 2000,
            fdo: MIN_FDO.to_vec(),
            compile_caps: capabilities::server_compile_caps(field_version),
            runtime_caps: capabilities::server_runtime_caps(),
        }
    }

    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::PROTOCOL).u8(self.server_version).u8(0);
        w.raw(self.banner.as_bytes()).u8(0);
        w.u16le(self.charset).u8(self.flags).u16le(0);
        w.u16be(self.fdo.len() as u16).raw(&self.fdo);
        w.bytes(&self.compile_caps).bytes(&self.runtime_caps);
    }

    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let server_version = r.u8()?;
        r.u8()?;
        let mut banner = Vec::new();
        loop {
            match r.u8()? {
                0 => break,
                b => banner.push(b),
            }
        }
        let charset = r.u16le()?;
        let flags = r.u8()?;
        let elements = r.u16le()? as usize;
        r.skip_n(elements * 5)?;
        let fdo_len = r.u16be()? as usize;
        let fdo = r.take(fdo_len)?.to_vec();
        let ix = 6 + *fdo.get(5).unwrap_or(&0) as usize + *fdo.get(6).unwrap_or(&0) as usize;
        let ncharset = match (fdo.get(ix + 3), fdo.get(ix + 4)) {
            (Some(a), Some(b)) => u16::from_be_bytes([*a, *b]),
            _ => return malformed("FDO too short for the national character set"),
        };
        let compile_caps = r.bytes()?.unwrap_or_default();
        let runtime_caps = r.bytes()?.unwrap_or_default();
        Ok(ProtocolReply {
            server_version,
            banner: String::from_utf8_lossy(&banner).into_owned(),
            charset,
            flags,
            ncharset,
            fdo,
            compile_caps,
            runtime_caps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bytes_match_node_oracledb() {
        let mut w = Writer::new();
        ProtocolRequest {
            driver_name: "node-oracledb".into(),
        }
        .encode(&mut w, &Caps::default());
        let mut expect = vec![1, 6, 0];
        expect.extend_from_slice(b"node-oracledb\0");
        assert_eq!(w.buf, expect);
        let got = ProtocolRequest::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap();
        assert_eq!(got.driver_name, "node-oracledb");
        let oci = b"\x06\x05\x04\x03\x02\x01\x00Linux\x00";
        assert_eq!(
            ProtocolRequest::decode(&mut Reader::new(oci), &Caps::default())
                .unwrap()
                .driver_name,
            "Linux"
        );
    }

    #[test]
    fn reply_round_trip_and_ncharset_from_fdo() {
        let reply = ProtocolReply::server_default(17);
        let mut w = Writer::new();
        reply.encode(&mut w, &Caps::default());
        let back = ProtocolReply::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap();
        assert_eq!(back, reply);
        assert_eq!(back.ncharset, 2000);
        for cut in 1..w.buf.len() {
            assert!(
                ProtocolReply::decode(&mut Reader::new(&w.buf[1..cut]), &Caps::default()).is_err()
            );
        }
    }
}
