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
    /// Execution context id (OCI_ATTR_ECONTEXT_ID, JDBC's `cideci`).
    pub ecid: Option<String>,
    pub client_info: Option<String>,
    pub dbop: Option<String>,
}

const E2E_CLIENT_ID: u32 = 0x1;
const E2E_MODULE: u32 = 0x8;
const E2E_ACTION: u32 = 0x10;
const E2E_ECID: u32 = 0x20;
const E2E_CLIENT_INFO: u32 = 0x100;
const E2E_DBOP: u32 = 0x200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piggyback {
    CloseCursors(CloseCursors),
    /// OCANA (120): the cursors stay open and parsed, their pending rows
    /// are dropped (same layout as the close).
    CancelCursors(CloseCursors),
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
        self.encode_as(func::CLOSE_CURSORS, w, caps, seq);
    }

    /// The same list under piggyback `code` (close or cancel).
    pub fn encode_as(&self, code: u8, w: &mut Writer, caps: &Caps, seq: u8) {
        FunctionHeader::piggyback(code, seq).encode(w, caps);
        w.u8(1).ub4(self.ids.len() as u32);
        for id in &self.ids {
            w.ub4(*id);
        }
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        r.u8()?;
        let n = r.ub4()?;
        let mut ids = Vec::with_capacity((n as usize).min(r.remaining()));
        for _ in 0..n {
            ids.push(r.ub4()?);
        }
        Ok(CloseCursors { ids })
    }
}

impl EndToEndAttrs {
    /// In wire order: the header slots and then the strings follow it.
    fn fields(&self) -> [(u32, &Option<String>); 6] {
        [
            (E2E_CLIENT_ID, &self.client_id),
            (E2E_MODULE, &self.module),
            (E2E_ACTION, &self.action),
            (E2E_ECID, &self.ecid),
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
        slot(w, &self.ecid);
        // The ECID's sequence number (cidcct, cidecs): not sent.
        w.u8(0).ub4(0);
        slot(w, &self.client_info);
        w.u8(0).ub4(0).u8(0).ub4(0);
        slot(w, &self.dbop);
        for (_, v) in self.fields() {
            if let Some(s) = v.as_deref().filter(|s| !s.is_empty()) {
                w.bytes(s.as_bytes());
            }
        }
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        r.u8()?;
        r.u8()?;
        let flags = r.ub4()?;
        let mut lens = [0u32; 6];
        for (i, len) in lens.iter_mut().enumerate() {
            // Before client info: the ECID sequence (cidcct, cidecs); before
            // DBOP: two unused pointer/length pairs (cidkstk, cidktgt).
            let skip = match i {
                4 => 1,
                5 => 2,
                _ => 0,
            };
            for _ in 0..skip {
                r.u8()?;
                r.ub4()?;
            }
            r.u8()?;
            *len = r.ub4()?;
        }
        // python-oracledb and node-oracledb prefix each string with its
        // length; JDBC writes the bytes alone (the header has the lengths).
        // Prefixed it is when every string reads back at its header length.
        let prefixed = {
            let mut probe = r.clone();
            lens.iter().filter(|l| **l > 0).all(|&l| {
                probe
                    .bytes()
                    .ok()
                    .flatten()
                    .is_some_and(|b| b.len() == l as usize)
            })
        };
        let mut vals: [Option<String>; 6] = Default::default();
        for (i, len) in lens.iter().enumerate() {
            if *len > 0 {
                let b = if prefixed {
                    r.bytes()?.unwrap_or_default()
                } else {
                    r.take(*len as usize)?.to_vec()
                };
                vals[i] = Some(String::from_utf8_lossy(&b).into_owned());
            } else if flags
                & [
                    E2E_CLIENT_ID,
                    E2E_MODULE,
                    E2E_ACTION,
                    E2E_ECID,
                    E2E_CLIENT_INFO,
                    E2E_DBOP,
                ][i]
                != 0
            {
                // Flag set with an empty value: the attribute is being cleared.
                vals[i] = Some(String::new());
            }
        }
        let [client_id, module, action, ecid, client_info, dbop] = vals;
        Ok(EndToEndAttrs {
            client_id,
            module,
            action,
            ecid,
            client_info,
            dbop,
        })
    }
}

impl Piggyback {
    /// Decodes the body of piggyback `code` (after its header).
    pub fn decode(code: u8, r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        match code {
            func::CLOSE_CURSORS => Ok(Piggyback::CloseCursors(CloseCursors::decode(r)?)),
            func::CANCEL_CURSORS => Ok(Piggyback::CancelCursors(CloseCursors::decode(r)?)),
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

    /// OCI 19.3 releasing a cached query with rows left: OCANA (120) for
    /// cursor 2, riding on the re-execute (78) of that statement.
    #[test]
    fn oci_cancel_cursors_piggyback_decodes_and_leaves_the_call() {
        let b = [
            0x11, 0x78, 0x0e, 0x01, 0x01, 0x01, 0x01, 0x02, 0x03, 0x4e, 0x0f, 0x01, 0x02,
        ];
        let mut r = Reader::new(&b[1..]);
        let h = FunctionHeader::decode(msg::PIGGYBACK, &mut r, &Caps::default()).unwrap();
        let p = Piggyback::decode(h.code, &mut r, &Caps::default()).unwrap();
        let ids = CloseCursors { ids: vec![2] };
        assert_eq!(p, Piggyback::CancelCursors(ids.clone()));
        assert_eq!(r.rest()[..2], [msg::FUNCTION, func::REEXECUTE_AND_FETCH]);
        let mut w = Writer::new();
        ids.encode_as(func::CANCEL_CURSORS, &mut w, &Caps::default(), 0x0e);
        assert_eq!(w.buf, b[..8]);
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

    /// The ECID takes the pointer/length slot after ACTION (JDBC's
    /// `cideci`, flag 0x20), and its string comes after ACTION's.
    #[test]
    fn ecid_rides_in_the_slot_after_action() {
        let caps = Caps::default();
        let attrs = EndToEndAttrs {
            action: Some("a".into()),
            ecid: Some("e-1".into()),
            ..Default::default()
        };
        let mut w = Writer::new();
        attrs.encode(&mut w, &caps, 1);
        #[rustfmt::skip]
        let want = [
            0x11, 135, 1, // piggyback header
            0, 0, 1, 0x30, // cidnam, cidser, flags ACTION | ECID
            0, 0, 0, 0, 1, 1, 1, // client id, module, action (1 byte)
            1, 1, 3, 0, 0, // ECID (3 bytes), its sequence
            0, 0, 0, 0, 0, 0, 0, 0, // client info, cidkstk, cidktgt, DBOP
            1, b'a', 3, b'e', b'-', b'1',
        ];
        assert_eq!(w.buf, want);
        assert_eq!(decode_pb(&w.buf, &caps), Piggyback::EndToEnd(attrs));
    }

    /// Captured from JDBC Thin 23.26 (ojdbc11), `setClientInfo` OCSID.MODULE,
    /// ECID, ACTION and CLIENTID: flags include 0x40 (ECID sequence), and the
    /// strings follow the header without length bytes. Then its OALL8 begins.
    #[test]
    fn jdbc_end_to_end_with_ecid_and_unprefixed_strings() {
        #[rustfmt::skip]
        let b = [
            0x11, 0x87, 0x03, 0x00, 0x00, 0x01, 0x79, 0x01, 0x01, 0x03, 0x01, 0x01, 0x02, 0x01,
            0x01, 0x02, 0x01, 0x01, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x6a, 0x69, 0x64, 0x6a, 0x6d, 0x6a, 0x61, 0x6a, 0x64, 0x62, 0x63, 0x2d, 0x65,
            0x63, 0x69, 0x64, 0x2d, 0x31, 0x03, 0x5e,
        ];
        let caps = Caps::default();
        let mut r = Reader::new(&b[1..]);
        let h = FunctionHeader::decode(msg::PIGGYBACK, &mut r, &caps).unwrap();
        let p = Piggyback::decode(h.code, &mut r, &caps).unwrap();
        assert_eq!(
            p,
            Piggyback::EndToEnd(EndToEndAttrs {
                client_id: Some("jid".into()),
                module: Some("jm".into()),
                action: Some("ja".into()),
                ecid: Some("jdbc-ecid-1".into()),
                ..Default::default()
            })
        );
        assert_eq!(r.rest(), [0x03, 0x5e]);
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
