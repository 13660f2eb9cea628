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

    /// OCI (Instant Client, sqlplus) names its platform, as in
    /// `x86_64/Linux 2.4.xx`; thin drivers name themselves.
    pub fn names_a_platform(&self) -> bool {
        self.driver_name.contains('/')
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolReply {
    pub server_version: u8,
    pub banner: String,
    pub charset: u16,
    pub flags: u8,
    pub ncharset: u16,
    /// Character set conversion elements, 5 bytes each, as sent.
    pub elements: Vec<u8>,
    pub fdo: Vec<u8>,
    pub compile_caps: Vec<u8>,
    pub runtime_caps: Vec<u8>,
}

/// Smallest FDO every thin client accepts: db charset 873, national 2000.
const MIN_FDO: [u8; 12] = [0, 0, 0, 7, 1, 0, 0, 0x03, 0x69, 0x07, 0xD0, 0x03];

/// Banner OCI gets: a platform other than its own, so that it takes the
/// server for a foreign ("heterogeneous") one and marshals every call in the
/// universal form thin clients use. Told its own platform, OCI switches to
/// native marshalling (8-byte pointers, little-endian ub4), which our
/// decoders do not read.
pub const FOREIGN_BANNER: &str = "IBMPC/WIN_NT64-9.1.0";

/// Ten charset conversion elements and a 100-byte FDO as a real server
/// (Oracle XE 11.2, AL32UTF8/AL16UTF16) sent them, from the capture in
/// `shared/docs/findings/oci-thick/captures.md` §11. OCI 19.3 rejects the
/// short FDO thin clients accept with a BREAK (ORA-03106).
const REAL_ELEMENTS: &str = "6603400301400366030166034803014803660301660352030152036603016603610301610366030166031f03081f03660301";
const REAL_FDO: &str = "0000006001240f050b0c030c0c0504050d0609070805050505050f05050505050a050505050504050607080823472347081123081141b0470083036907d00300000000000000000000000000000000000000000000000000000000000000000000000000";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
        .collect()
}

impl ProtocolReply {
    pub fn server_default(field_version: u8) -> Self {
        ProtocolReply {
            server_version: 6,
            banner: "x86_64/Linux 2.4.xx".into(),
            charset: 873,
            flags: 1,
            ncharset: 2000,
            elements: Vec::new(),
            fdo: MIN_FDO.to_vec(),
            compile_caps: capabilities::server_compile_caps(field_version),
            runtime_caps: capabilities::server_runtime_caps(),
        }
    }

    /// The reply OCI accepts: a real server's elements and FDO, and a
    /// foreign platform banner (see [`FOREIGN_BANNER`]).
    pub fn server_for_oci(field_version: u8) -> Self {
        ProtocolReply {
            banner: FOREIGN_BANNER.into(),
            elements: unhex(REAL_ELEMENTS),
            fdo: unhex(REAL_FDO),
            ..Self::server_default(field_version)
        }
    }

    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::PROTOCOL).u8(self.server_version).u8(0);
        w.raw(self.banner.as_bytes()).u8(0);
        w.u16le(self.charset).u8(self.flags);
        w.u16le((self.elements.len() / 5) as u16)
            .raw(&self.elements);
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
        let count = r.u16le()? as usize;
        let elements = r.take(count * 5)?.to_vec();
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
            elements,
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

    /// OCI 19.3's PRO request (findings `captures.md` §3), TTC type byte
    /// removed: a version list, then its platform.
    #[test]
    fn oci_request_names_its_platform() {
        let oci = b"\x06\x05\x00x86_64/Linux 2.4.xx\x00";
        let req = ProtocolRequest::decode(&mut Reader::new(oci), &Caps::default()).unwrap();
        assert_eq!(req.driver_name, "x86_64/Linux 2.4.xx");
        assert!(req.names_a_platform());
        let thin = b"\x06\x00python-oracledb\x00";
        let req = ProtocolRequest::decode(&mut Reader::new(thin), &Caps::default()).unwrap();
        assert!(!req.names_a_platform());
    }

    #[test]
    fn oci_reply_carries_elements_full_fdo_and_a_foreign_banner() {
        let reply = ProtocolReply::server_for_oci(17);
        let mut w = Writer::new();
        reply.encode(&mut w, &Caps::default());
        // 01 06 00, banner, 00, charset 873 LE, flags 1, 10 elements.
        let head = [
            &[1u8, 6, 0][..],
            FOREIGN_BANNER.as_bytes(),
            &[0, 0x69, 3, 1, 10, 0],
        ]
        .concat();
        assert_eq!(&w.buf[..head.len()], &head[..]);
        let back = ProtocolReply::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap();
        assert_eq!(back, reply);
        assert_eq!((back.elements.len(), back.fdo.len()), (50, 100));
        assert_eq!((back.charset, back.ncharset), (873, 2000));
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
