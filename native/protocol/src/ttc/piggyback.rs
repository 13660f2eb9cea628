//! Piggybacks (message type 17) that ride in front of a call, and the
//! one-way DRCP session release (type 26). They have no length prefix, so
//! each layout must be known exactly or the rest of the request is lost.

use super::function::FunctionHeader;
use super::{func, msg, Caps};
use crate::buf::{malformed, DecodeResult, Reader, Writer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseCursors {
    pub ids: Vec<u32>,
}

/// End-to-end attributes (module, action, client identifier, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndToEndAttrs {
    pub client_id: Option<String>,
    pub module: Option<String>,
    pub action: Option<String>,
    pub client_info: Option<String>,
    pub dbop: Option<String>,
}

const E2E_CLIENT_ID: u32 = 0x1;
const E2E_MODULE: u32 = 0x8;
const E2E_ACTION: u32 = 0x10;
const E2E_CLIENT_INFO: u32 = 0x100;
const E2E_DBOP: u32 = 0x200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piggyback {
    CloseCursors(CloseCursors),
    EndToEnd(EndToEndAttrs),
    SetSchema(String),
    AppContext {
        namespace: String,
        pairs: Vec<(String, String)>,
    },
    SessionState(u64),
    /// O80SES (107), which OCI puts before its first call after logon:
    /// the session id and serial number from the logon result, and a ub4
    /// read as flags.
    Session80 {
        sid: u32,
        serial: u32,
        flags: u32,
    },
}

impl CloseCursors {
    pub fn encode(&self, w: &mut Writer, caps: &Caps, seq: u8) {
        FunctionHeader::piggyback(func::CLOSE_CURSORS, seq).encode(w, caps);
        w.u8(1).ub4(self.ids.len() as u32);
        for id in &self.ids {
            w.ub4(*id);
        }
    }
}

impl EndToEndAttrs {
    fn fields(&self) -> [(u32, &Option<String>); 5] {
        [
            (E2E_CLIENT_ID, &self.client_id),
            (E2E_MODULE, &self.module),
            (E2E_ACTION, &self.action),
            (E2E_CLIENT_INFO, &self.client_info),
            (E2E_DBOP, &self.dbop),
        ]
    }

    pub fn encode(&self, w: &mut Writer, caps: &Caps, seq: u8) {
        FunctionHeader::piggyback(func::SET_END_TO_END_ATTR, seq).encode(w, caps);
        let flags = self
            .fields()
            .iter()
            .filter(|(_, v)| v.is_some())
            .fold(0, |f, (bit, _)| f | bit);
        let slot = |w: &mut Writer, v: &Option<String>| {
            let len = v.as_deref().map_or(0, str::len);
            w.u8(u8::from(len > 0)).ub4(len as u32);
        };
        w.u8(0).u8(0).ub4(flags);
        slot(w, &self.client_id);
        slot(w, &self.module);
        slot(w, &self.action);
        w.u8(0).ub4(0).u8(0).ub4(0);
        slot(w, &self.client_info);
        w.u8(0).ub4(0).u8(0).ub4(0);
        slot(w, &self.dbop);
        for v in [
            &self.client_id,
            &self.module,
            &self.action,
            &self.client_info,
            &self.dbop,
        ] {
            if let Some(s) = v.as_deref().filter(|s| !s.is_empty()) {
                w.bytes(s.as_bytes());
            }
        }
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        r.u8()?;
        r.u8()?;
        let flags = r.ub4()?;
        let mut lens = [0u32; 5];
        for (i, len) in lens.iter_mut().enumerate() {
            if i == 3 || i == 4 {
                r.u8()?;
                r.ub4()?;
                r.u8()?;
                r.ub4()?;
            }
            r.u8()?;
            *len = r.ub4()?;
        }
        let mut vals: [Option<String>; 5] = Default::default();
        for (i, len) in lens.iter().enumerate() {
            if *len > 0 {
                vals[i] = r.bytes()?.map(|b| String::from_utf8_lossy(&b).into_owned());
            } else if flags
                & [
                    E2E_CLIENT_ID,
                    E2E_MODULE,
                    E2E_ACTION,
                    E2E_CLIENT_INFO,
                    E2E_DBOP,
                ][i]
                != 0
            {
                // Flag set with an empty value: the attribute is being cleared.
                vals[i] = Some(String::new());
            }
        }
        let [client_id, module, action, client_info, dbop] = vals;
        Ok(EndToEndAttrs {
            client_id,
            module,
            action,
            client_info,
            dbop,
        })
    }
}

impl Piggyback {
    /// Decodes the body of piggyback `code` (after its header).
    pub fn decode(code: u8, r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        match code {
            func::CLOSE_CURSORS => {
                r.u8()?;
                let n = r.ub4()?;
                let mut ids = Vec::with_capacity((n as usize).min(r.remaining()));
                for _ in 0..n {
                    ids.push(r.ub4()?);
                }
                Ok(Piggyback::CloseCursors(CloseCursors { ids }))
            }
            func::SET_END_TO_END_ATTR => Ok(Piggyback::EndToEnd(EndToEndAttrs::decode(r)?)),
            func::SET_SCHEMA => {
                r.u8()?;
                Ok(Piggyback::SetSchema(
                    r.str_with_length()?.unwrap_or_default(),
                ))
            }
            func::APP_CONTEXT => {
                r.u8()?;
                r.ub4()?;
                r.u8()?;
                let n = r.ub4()?;
                r.ub2()?;
                r.u8()?;
                let namespace =
                    String::from_utf8_lossy(&r.bytes()?.unwrap_or_default()).into_owned();
                let mut pairs = Vec::new();
                for _ in 0..n {
                    let k = r.str_with_length()?.unwrap_or_default();
                    let v = r.str_with_length()?.unwrap_or_default();
                    r.ub4()?;
                    pairs.push((k, v));
                }
                Ok(Piggyback::AppContext { namespace, pairs })
            }
            func::SESSION_STATE => Ok(Piggyback::SessionState(r.ub8()?)),
            func::SESSION_80 => Ok(Piggyback::Session80 {
                sid: r.ub4()?,
                serial: r.ub4()?,
                flags: r.ub4()?,
            }),
            other => malformed(format!("unsupported piggyback {other}")),
        }
    }
}

/// DRCP release (one-way, type 26): the server must not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRelease {
    pub mode: u32,
}

impl SessionRelease {
    pub fn encode(&self, w: &mut Writer, caps: &Caps, seq: u8) {
        FunctionHeader {
            kind: msg::ONEWAY_FN,
            code: func::SESSION_RELEASE,
            seq,
            token: 0,
        }
        .encode(w, caps);
        w.u8(0).u8(0).ub4(self.mode);
    }
    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        r.u8()?;
        r.u8()?;
        Ok(SessionRelease { mode: r.ub4()? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OCI 19.3's first request after logon: O80SES (sid 100, serial 1),
    /// then OVERSION.
    #[test]
    fn oci_session_80_piggyback_decodes_and_leaves_the_call() {
        let b = [
            0x6b, 0x04, 0x01, 0x64, 0x01, 0x01, 0x01, 0x01, 0x03, 0x3b, 0x05, 0x01, 0x02, 0x02,
            0x00, 0x01, 0x01, 0x01, 0x01,
        ];
        let mut r = Reader::new(&b);
        let h = FunctionHeader::decode(msg::PIGGYBACK, &mut r, &Caps::default()).unwrap();
        let p = Piggyback::decode(h.code, &mut r, &Caps::default()).unwrap();
        assert_eq!(
            p,
            Piggyback::Session80 {
                sid: 100,
                serial: 1,
                flags: 1
            }
        );
        assert_eq!(r.rest()[..2], [msg::FUNCTION, func::VERSION]);
    }

    fn decode_pb(bytes: &[u8], caps: &Caps) -> Piggyback {
        let mut r = Reader::new(&bytes[1..]);
        let h = FunctionHeader::decode(msg::PIGGYBACK, &mut r, caps).unwrap();
        let p = Piggyback::decode(h.code, &mut r, caps).unwrap();
        assert!(r.is_empty());
        p
    }

    #[test]
    fn close_cursors_bytes() {
        let caps = Caps::default();
        let mut w = Writer::new();
        CloseCursors { ids: vec![7] }.encode(&mut w, &caps, 3);
        assert_eq!(w.buf, [0x11, 0x69, 3, 1, 1, 1, 1, 7]);
        assert_eq!(
            decode_pb(&w.buf, &caps),
            Piggyback::CloseCursors(CloseCursors { ids: vec![7] })
        );
    }

    #[test]
    fn end_to_end_round_trip() {
        let caps = Caps {
            field_version: 18,
            ..Caps::default()
        };
        let attrs = EndToEndAttrs {
            module: Some("billing".into()),
            action: Some("run".into()),
            client_id: Some("me".into()),
            ..Default::default()
        };
        let mut w = Writer::new();
        attrs.encode(&mut w, &caps, 1);
        assert_eq!(decode_pb(&w.buf, &caps), Piggyback::EndToEnd(attrs));
    }

    #[test]
    fn release_and_unknown() {
        let caps = Caps::default();
        let mut w = Writer::new();
        SessionRelease { mode: 2 }.encode(&mut w, &caps, 9);
        assert_eq!(w.buf, [26, 163, 9, 0, 0, 1, 2]);
        assert_eq!(
            SessionRelease::decode(&mut Reader::new(&w.buf[3..]), &caps)
                .unwrap()
                .mode,
            2
        );
        assert!(Piggyback::decode(205, &mut Reader::new(&[0]), &caps).is_err());
    }
}
