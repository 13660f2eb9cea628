//! O5LOGON calls (functions 118 and 115) and the PARAMETER reply carrying
//! key/value pairs. The crypto lives in `crate::o5logon`.

use super::function::FunctionHeader;
use super::{func, msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

/// Auth mode bits.
pub mod mode {
    pub const LOGON: u32 = 0x1;
    pub const CHANGE_PASSWORD: u32 = 0x2;
    pub const WITH_PASSWORD: u32 = 0x100;
}

pub type Pair = (String, Vec<u8>, u32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    /// `func::AUTH_PHASE_ONE` or `func::AUTH_PHASE_TWO`.
    pub function: u8,
    pub seq: u8,
    pub user: String,
    pub mode: u32,
    pub pairs: Vec<Pair>,
    /// The user name came without its length byte (see [`Caps::raw_strings`]).
    pub raw_user: bool,
}

fn text_pair(k: &str, v: &str) -> Pair {
    (k.to_string(), v.as_bytes().to_vec(), 0)
}

impl AuthRequest {
    pub fn phase_one(
        user: &str,
        terminal: &str,
        program: &str,
        machine: &str,
        pid: &str,
        os_user: &str,
    ) -> Self {
        AuthRequest {
            function: func::AUTH_PHASE_ONE,
            seq: 1,
            user: user.to_string(),
            mode: mode::LOGON,
            pairs: vec![
                text_pair("AUTH_TERMINAL", terminal),
                text_pair("AUTH_PROGRAM_NM", program),
                text_pair("AUTH_MACHINE", machine),
                text_pair("AUTH_PID", pid),
                text_pair("AUTH_SID", os_user),
            ],
            raw_user: false,
        }
    }

    pub fn phase_two(user: &str, pairs: Vec<Pair>) -> Self {
        AuthRequest {
            function: func::AUTH_PHASE_TWO,
            seq: 2,
            user: user.to_string(),
            mode: mode::LOGON | mode::WITH_PASSWORD,
            pairs,
            raw_user: false,
        }
    }

    /// A pair's value as text, looked up by key (clients order pairs freely).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _, _)| k == key)
            .and_then(|(_, v, _)| std::str::from_utf8(v).ok())
    }

    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        FunctionHeader::call(self.function, self.seq).encode(w, caps);
        let has_user = !self.user.is_empty();
        w.u8(u8::from(has_user))
            .ub4(self.user.len() as u32)
            .ub4(self.mode)
            .u8(1);
        w.ub4(self.pairs.len() as u32).u8(1).u8(1);
        if has_user {
            w.bytes(self.user.as_bytes());
        }
        for (k, v, f) in &self.pairs {
            w.key_value(k, v, *f);
        }
    }

    /// Decodes the body after the function header (whose code is `function`).
    pub fn decode_body(function: u8, r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let has_user = r.u8()? != 0;
        let user_len = r.ub4()? as usize;
        let mode = r.ub4()?;
        r.u8()?;
        let count = r.ub4()?;
        r.u8()?;
        r.u8()?;
        // Clients that announce raw strings still differ: JDBC sends the
        // name bare, go-ora with its length byte. A name's first byte is
        // never its own (short) length, so that byte tells them apart.
        let raw_user = has_user && caps.raw_strings && r.peek_u8()? as usize != user_len;
        let user = if has_user {
            String::from_utf8_lossy(&r.chr(user_len, raw_user)?).into_owned()
        } else {
            String::new()
        };
        // Each pair is at least 3 bytes: an absurd count runs out of input, not memory.
        let mut pairs = Vec::with_capacity((count as usize).min(r.remaining() / 3));
        for _ in 0..count {
            pairs.push(r.key_value()?);
        }
        Ok(AuthRequest {
            function,
            seq: 0,
            user,
            mode,
            pairs,
            raw_user,
        })
    }

    /// Decodes with the function header (the `03` type byte already read).
    pub fn decode(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let h = FunctionHeader::decode(msg::FUNCTION, r, caps)?;
        let mut a = Self::decode_body(h.code, r, caps)?;
        a.seq = h.seq;
        Ok(a)
    }
}

/// PARAMETER (type 8) in the auth layout: `ub2 count` then key/value pairs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthReply {
    pub pairs: Vec<Pair>,
}

impl AuthReply {
    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::PARAMETER).ub2(self.pairs.len() as u16);
        for (k, v, f) in &self.pairs {
            w.key_value(k, v, *f);
        }
    }

    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let count = r.ub2()?;
        let mut pairs = Vec::with_capacity((count as usize).min(r.remaining() / 3));
        for _ in 0..count {
            pairs.push(r.key_value()?);
        }
        Ok(AuthReply { pairs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buf::DecodeError;

    #[test]
    fn node_oracledb_phase_one_header_decodes() {
        // 03 76 01 | ptr 1, user len 5, mode 0x101, ptr, 5 pairs, ptrs 0/1, "scott"
        let mut b = vec![
            0x76, 0x01, 0x01, 0x01, 0x05, 0x02, 0x01, 0x01, 0x01, 0x01, 0x05, 0x00, 0x01, 0x05,
        ];
        b.extend_from_slice(b"scott");
        let mut w = Writer::new();
        for k in [
            "AUTH_TERMINAL",
            "AUTH_PROGRAM_NM",
            "AUTH_MACHINE",
            "AUTH_PID",
            "AUTH_SID",
        ] {
            w.key_value(k, b"x", 0);
        }
        b.extend_from_slice(&w.buf);
        let a = AuthRequest::decode(&mut Reader::new(&b), &Caps::default()).unwrap();
        assert_eq!(
            (a.function, a.user.as_str(), a.mode, a.pairs.len()),
            (118, "scott", 0x101, 5)
        );
        assert_eq!(a.get("AUTH_PID"), Some("x"));
    }

    #[test]
    fn round_trips_and_truncation() {
        for fv in [8u8, 17, 18, 24] {
            let caps = Caps {
                field_version: fv,
                ..Caps::default()
            };
            let req = AuthRequest::phase_two(
                "scott",
                vec![
                    ("AUTH_SESSKEY".into(), b"ABCD".to_vec(), 1),
                    ("AUTH_PASSWORD".into(), vec![b'9'; 300], 0),
                ],
            );
            let mut w = Writer::new();
            req.encode(&mut w, &caps);
            let back = AuthRequest::decode(&mut Reader::new(&w.buf[1..]), &caps).unwrap();
            assert_eq!(back, req);
            for cut in 1..w.buf.len() {
                assert_eq!(
                    AuthRequest::decode(&mut Reader::new(&w.buf[1..cut]), &caps),
                    Err(DecodeError::NeedMore)
                );
            }
        }
        let reply = AuthReply {
            pairs: vec![("AUTH_VFR_DATA".into(), b"00FF".to_vec(), 18453)],
        };
        let mut w = Writer::new();
        reply.encode(&mut w, &Caps::default());
        assert_eq!(
            AuthReply::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap(),
            reply
        );
    }

    #[test]
    fn jdbc_phase_one_sends_the_user_name_without_a_length_byte() {
        // Captured from ojdbc11 23.26.4 (DTY flags 0x01), first pair only.
        let mut b = vec![
            0x76, 0x01, 0x01, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
        ];
        b.extend(b"SCOTT");
        b.extend([0x01, 0x0d, 0x0d]);
        b.extend(b"AUTH_TERMINAL");
        b.extend([0x01, 0x07, 0x07]);
        b.extend(b"unknown");
        b.push(0x00);
        let caps = Caps {
            raw_strings: true,
            ..Caps::default()
        };
        let mut r = Reader::new(&b);
        let h = FunctionHeader::decode(msg::FUNCTION, &mut r, &caps).unwrap();
        let a = AuthRequest::decode_body(h.code, &mut r, &caps).unwrap();
        assert_eq!((a.user.as_str(), a.raw_user), ("SCOTT", true));
        assert_eq!(a.get("AUTH_TERMINAL"), Some("unknown"));
        // go-ora also announces raw strings but length-prefixes the name.
        let go: Vec<u8> = [
            0x76, 0x01, 0x01, 0x01, 0x05, 0x01, 0x01, 0x01, 0x00, 0x01, 0x01, 0x05,
        ]
        .into_iter()
        .chain(*b"scott")
        .collect();
        let mut r = Reader::new(&go);
        let h = FunctionHeader::decode(msg::FUNCTION, &mut r, &caps).unwrap();
        let a = AuthRequest::decode_body(h.code, &mut r, &caps).unwrap();
        assert_eq!((a.user.as_str(), a.raw_user), ("scott", false));
    }
}
