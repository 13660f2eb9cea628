//! ACCEPT (server → client): 45 bytes, always with the 2-byte length header.

use crate::buf::{malformed, DecodeResult, Reader};

/// ACCEPT flags2 bits (read by clients only when version >= 318).
pub mod flags2 {
    pub const CHECK_OOB: u32 = 0x0000_0001;
    pub const HAS_END_OF_RESPONSE: u32 = 0x0200_0000;
    pub const FAST_AUTH: u32 = 0x1000_0000;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accept {
    pub version: u16,
    pub service_options: u16,
    pub sdu: u32,
    pub tdu: u32,
    pub na_flags: [u8; 2],
    pub compression: u8,
    pub flags2: u32,
}

impl Accept {
    /// Our server's answer: NA disabled (no ANO), no OOB, no fast auth.
    pub fn server(version: u16, sdu: u32, tdu: u32) -> Self {
        Accept {
            version,
            service_options: 0x0001,
            sdu,
            tdu,
            na_flags: [0x04, 0x08],
            compression: 0,
            flags2: 0,
        }
    }

    pub fn encode_body(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(37);
        b.extend_from_slice(&self.version.to_be_bytes());
        b.extend_from_slice(&self.service_options.to_be_bytes());
        // 16-bit sizes are zero from version 315 on, as live servers send.
        let small = |v: u32| {
            if self.version >= 315 {
                0
            } else {
                v.min(65535) as u16
            }
        };
        b.extend_from_slice(&small(self.sdu).to_be_bytes());
        b.extend_from_slice(&small(self.tdu).to_be_bytes());
        b.extend_from_slice(&[0x01, 0x00, 0x00, 0x00, 0x00, 45]);
        b.extend_from_slice(&self.na_flags);
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&self.sdu.to_be_bytes());
        b.extend_from_slice(&self.tdu.to_be_bytes());
        b.push(self.compression);
        b.extend_from_slice(&self.flags2.to_be_bytes());
        b
    }

    pub fn decode_body(body: &[u8]) -> DecodeResult<Self> {
        let mut r = Reader::new(body);
        let version = r.u16be()?;
        let service_options = r.u16be()?;
        let sdu16 = r.u16be()? as u32;
        let tdu16 = r.u16be()? as u32;
        r.skip_n(6)?;
        let na_flags = [r.u8()?, r.u8()?];
        r.skip_n(8)?;
        let (mut sdu, mut tdu, mut compression, mut flags2) = (sdu16, tdu16, 0, 0);
        if version >= 315 {
            sdu = r.u32be()?;
            tdu = r.u32be()?;
            compression = r.u8().unwrap_or(0);
            if version >= 318 {
                flags2 = r.u32be().unwrap_or(0);
            }
        }
        if sdu == 0 {
            return malformed("ACCEPT with an SDU of 0");
        }
        Ok(Accept {
            version,
            service_options,
            sdu,
            tdu,
            na_flags,
            compression,
            flags2,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_accept_is_45_bytes_with_expected_fields() {
        let a = Accept::server(318, 8192, 65535);
        let body = a.encode_body();
        assert_eq!(body.len() + 8, 45);
        assert_eq!(&body[..2], &[0x01, 0x3E]);
        assert_eq!(body[22 - 8], 0x04);
        assert_eq!(body[23 - 8], 0x08);
        assert_eq!(&body[32 - 8..36 - 8], &8192u32.to_be_bytes());
        assert_eq!(Accept::decode_body(&body).unwrap(), a);
    }

    #[test]
    fn truncated_accept_needs_more() {
        let body = Accept::server(318, 8192, 8192).encode_body();
        assert!(Accept::decode_body(&body[..20]).is_err());
    }
}
