//! OVERSION (function 59): the database banner and version number.
//! go-ora asks for it inside every connect, JDBC for
//! `DatabaseMetaData.getDatabaseProductVersion()`.

use super::function::FunctionHeader;
use super::{func, msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

/// The call: `ptr, ub2 buffer length, ptr, ptr` and, from field version
/// 11 (18.1 ext 1), a `ub4 1` asking for the new version-number layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRequest {
    pub seq: u8,
    pub buffer_len: u16,
}

impl VersionRequest {
    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        FunctionHeader::call(func::VERSION, self.seq).encode(w, caps);
        w.u8(1).ub2(self.buffer_len).u8(1).u8(1);
        if caps.field_version >= Caps::FV_18_1_EXT1 {
            w.ub4(1);
        }
    }

    /// Decodes the body after the function header.
    pub fn decode_body(seq: u8, r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        r.u8()?;
        let buffer_len = r.ub2()?;
        r.u8()?;
        r.u8()?;
        if caps.field_version >= Caps::FV_18_1_EXT1 && !r.is_empty() {
            r.ub4()?;
        }
        Ok(VersionRequest { seq, buffer_len })
    }
}

/// The answer, a PARAMETER message: `ub2 length`, the banner, and the
/// `ub4` packed version number. The banner is a CHR field: length-prefixed
/// (go-ora hangs without the inner length byte), or bare when the client
/// sends its own strings bare ([`Caps::raw_strings`], JDBC Thin, which
/// otherwise reads the length byte as text and the banner's last byte as
/// the version number's length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionReply {
    pub banner: String,
    pub number: u32,
}

impl VersionReply {
    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        let b = self.banner.as_bytes();
        w.u8(msg::PARAMETER).ub2(b.len() as u16);
        if caps.raw_strings {
            w.raw(b);
        } else {
            w.bytes(b);
        }
        w.ub4(self.number);
    }

    pub fn decode(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let len = r.ub2()? as usize;
        let banner = r.chr(len, caps.raw_strings)?;
        Ok(VersionReply {
            banner: String::from_utf8_lossy(&banner).into_owned(),
            number: r.ub4()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(fv: u8) -> Caps {
        Caps {
            field_version: fv,
            ..Caps::default()
        }
    }

    #[test]
    fn go_ora_request_decodes() {
        // Captured from go-ora v2.8.24 (field version 11) at connect.
        let wire = [
            0x03, 0x3b, 0x00, 0x01, 0x02, 0x01, 0x00, 0x01, 0x01, 0x01, 0x01,
        ];
        let mut r = Reader::new(&wire[1..]);
        let h = FunctionHeader::decode(msg::FUNCTION, &mut r, &caps(11)).unwrap();
        assert_eq!(h.code, func::VERSION);
        let q = VersionRequest::decode_body(h.seq, &mut r, &caps(11)).unwrap();
        assert_eq!(q.buffer_len, 256);
        assert!(r.is_empty());
        let mut w = Writer::new();
        q.encode(&mut w, &caps(11));
        assert_eq!(w.buf, wire);
    }

    #[test]
    fn reply_carries_a_length_prefixed_banner() {
        let reply = VersionReply {
            banner: "Oracle".into(),
            number: 0x1740_0000,
        };
        let mut w = Writer::new();
        reply.encode(&mut w, &caps(11));
        assert_eq!(
            w.buf,
            [
                0x08, 0x01, 0x06, 0x06, b'O', b'r', b'a', b'c', b'l', b'e', 0x04, 0x17, 0x40, 0x00,
                0x00
            ]
        );
        let back = VersionReply::decode(&mut Reader::new(&w.buf[1..]), &caps(11)).unwrap();
        assert_eq!(back, reply);
    }

    #[test]
    fn jdbc_gets_the_banner_without_a_length_byte() {
        // ojdbc11 23.26.4's OVERSION for getDatabaseProductVersion(), after
        // a close-cursors piggyback (captured; field version 17, raw strings).
        let wire = [
            0x03, 0x3b, 0x06, 0x01, 0x02, 0x01, 0x00, 0x01, 0x01, 0x01, 0x01,
        ];
        let jdbc = Caps {
            raw_strings: true,
            ..caps(17)
        };
        let mut r = Reader::new(&wire[1..]);
        let h = FunctionHeader::decode(msg::FUNCTION, &mut r, &jdbc).unwrap();
        let q = VersionRequest::decode_body(h.seq, &mut r, &jdbc).unwrap();
        assert_eq!((q.seq, q.buffer_len), (6, 256));
        let reply = VersionReply {
            banner: "Oracle".into(),
            number: 0x1740_0000,
        };
        let mut w = Writer::new();
        reply.encode(&mut w, &jdbc);
        assert_eq!(
            w.buf,
            [0x08, 0x01, 0x06, b'O', b'r', b'a', b'c', b'l', b'e', 0x04, 0x17, 0x40, 0x00, 0x00]
        );
        let back = VersionReply::decode(&mut Reader::new(&w.buf[1..]), &jdbc).unwrap();
        assert_eq!(back, reply);
    }
}
