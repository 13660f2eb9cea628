//! CONNECT (client → server). The descriptor rides inline when it is at most
//! 230 bytes; otherwise it follows in its own DATA packet.

use crate::buf::{malformed, DecodeResult, Reader};

/// Descriptors longer than this are sent in a separate DATA packet.
pub const MAX_INLINE_DESCRIPTOR: usize = 230;
const DESCRIPTOR_OFFSET: u16 = 74;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub version: u16,
    pub min_version: u16,
    pub service_options: u16,
    pub sdu: u32,
    pub tdu: u32,
    pub protocol_characteristics: u16,
    pub na_flags: [u8; 2],
    pub flags1: u32,
    pub flags2: u32,
    pub descriptor_len: usize,
    /// `None` when the descriptor follows in a DATA packet.
    pub descriptor: Option<String>,
}

impl Connect {
    /// What our client sends: TNS 319..300, NA disabled (no ANO).
    pub fn client(descriptor: &str, sdu: u32) -> Self {
        let inline = descriptor.len() <= MAX_INLINE_DESCRIPTOR;
        Connect {
            version: 319,
            min_version: 300,
            service_options: 0x0001,
            sdu,
            tdu: 2 * 1024 * 1024,
            protocol_characteristics: 0x4F98,
            na_flags: [0x84, 0x84],
            flags1: 0,
            flags2: 0,
            descriptor_len: descriptor.len(),
            descriptor: inline.then(|| descriptor.to_string()),
        }
    }

    /// The packet body (everything after the 8-byte header).
    pub fn encode_body(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(66 + self.descriptor_len);
        b.extend_from_slice(&self.version.to_be_bytes());
        b.extend_from_slice(&self.min_version.to_be_bytes());
        b.extend_from_slice(&self.service_options.to_be_bytes());
        b.extend_from_slice(&(self.sdu.min(65535) as u16).to_be_bytes());
        b.extend_from_slice(&(self.tdu.min(65535) as u16).to_be_bytes());
        b.extend_from_slice(&self.protocol_characteristics.to_be_bytes());
        b.extend_from_slice(&[0, 0, 0, 1]);
        b.extend_from_slice(&(self.descriptor_len as u16).to_be_bytes());
        b.extend_from_slice(&DESCRIPTOR_OFFSET.to_be_bytes());
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(&self.na_flags);
        b.extend_from_slice(&[0; 24]);
        b.extend_from_slice(&self.sdu.to_be_bytes());
        b.extend_from_slice(&self.tdu.to_be_bytes());
        b.extend_from_slice(&self.flags1.to_be_bytes());
        b.extend_from_slice(&self.flags2.to_be_bytes());
        if let Some(d) = &self.descriptor {
            b.extend_from_slice(d.as_bytes());
        }
        b
    }

    pub fn decode_body(body: &[u8]) -> DecodeResult<Self> {
        let mut r = Reader::new(body);
        let version = r.u16be()?;
        let min_version = r.u16be()?;
        let service_options = r.u16be()?;
        let sdu16 = r.u16be()? as u32;
        let tdu16 = r.u16be()? as u32;
        let protocol_characteristics = r.u16be()?;
        r.skip_n(4)?;
        let descriptor_len = r.u16be()? as usize;
        let offset = r.u16be()? as usize;
        r.skip_n(4)?;
        let na_flags = [r.u8()?, r.u8()?];
        // Old clients stop here; the 32-bit sizes and flags are optional.
        let (sdu, tdu, flags1, flags2) = if body.len() >= 66 {
            r.skip_n(24)?;
            (r.u32be()?, r.u32be()?, r.u32be()?, r.u32be()?)
        } else {
            (sdu16, tdu16, 0, 0)
        };
        let descriptor = if descriptor_len > 0 && descriptor_len <= MAX_INLINE_DESCRIPTOR {
            let start = offset.checked_sub(8).filter(|s| *s <= body.len());
            match start.and_then(|s| body.get(s..s + descriptor_len)) {
                Some(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
                None => return malformed("connect descriptor outside the packet"),
            }
        } else {
            None
        };
        Ok(Connect {
            version,
            min_version,
            service_options,
            sdu: if sdu == 0 { sdu16 } else { sdu },
            tdu: if tdu == 0 { tdu16 } else { tdu },
            protocol_characteristics,
            na_flags,
            flags1,
            flags2,
            descriptor_len,
            descriptor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_oracledb_connect_header_decodes() {
        // Appendix A of the protocol notes: NJ 7.0.1's CONNECT, descriptor in a DATA packet.
        let mut body = vec![
            0x01, 0x3F, 0x01, 0x2C, 0x00, 0x01, 0x20, 0x00, 0xFF, 0xFF, 0x13, 0x0E, 0x00, 0x00,
            0x00, 0x01, 0x01, 0x21, 0x00, 0x4A, 0, 0, 0, 0, 0x08, 0x08,
        ];
        body.extend_from_slice(&[0; 24]);
        body.extend_from_slice(&[0x00, 0x00, 0x20, 0x00, 0x00, 0x20, 0x00, 0x00]);
        body.extend_from_slice(&[0; 8]);
        let c = Connect::decode_body(&body).unwrap();
        assert_eq!(
            (c.version, c.min_version, c.sdu, c.tdu),
            (319, 300, 8192, 2 * 1024 * 1024)
        );
        assert_eq!(c.descriptor_len, 289);
        assert_eq!(c.descriptor, None);
        assert_eq!(c.na_flags, [8, 8]);
    }

    #[test]
    fn round_trip_inline_descriptor() {
        let c = Connect::client("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=X)))", 8192);
        let body = c.encode_body();
        assert_eq!(body.len() + 8, 74 + c.descriptor_len);
        assert_eq!(Connect::decode_body(&body).unwrap(), c);
    }

    #[test]
    fn long_descriptor_is_not_inline() {
        let d = format!(
            "(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME={})))",
            "x".repeat(300)
        );
        let c = Connect::client(&d, 8192);
        assert_eq!(c.descriptor, None);
        assert_eq!(Connect::decode_body(&c.encode_body()).unwrap(), c);
    }

    #[test]
    fn truncated_connect_is_an_error_not_a_panic() {
        let body = Connect::client("(A=B)", 8192).encode_body();
        for cut in 0..body.len() {
            let _ = Connect::decode_body(&body[..cut]);
        }
        assert!(Connect::decode_body(&body[..10]).is_err());
    }
}
