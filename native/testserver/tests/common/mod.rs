//! A minimal Oracle Net client for tests that need a real logon and call
//! over TCP, built from the codec alone (the test server never imports the
//! oradb client): CONNECT, negotiation, O5LOGON, and one PL/SQL call.

#![allow(dead_code)]

use oradb_protocol::buf::{DecodeError, Reader, Writer};
use oradb_protocol::o5logon;
use oradb_protocol::packet::{self, connect::Connect, data_flags, kind, PacketDecoder};
use oradb_protocol::ttc::auth::{AuthReply, AuthRequest};
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::data_types::{DataTypesReply, DataTypesRequest};
use oradb_protocol::ttc::describe::DescribeInfo;
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::protocol_msg::{ProtocolReply, ProtocolRequest};
use oradb_protocol::ttc::rows::{self, IoVector};
use oradb_protocol::ttc::{capabilities, msg, Caps};
use oradb_protocol::value::ora_type;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Client {
    sock: TcpStream,
    dec: PacketDecoder,
    caps: Caps,
    /// DATA payloads received and not yet parsed.
    pending: Vec<u8>,
    /// Send like python-oracledb without END_OF_REQUEST: unmarked packets of
    /// this SDU (see [`Client::logon_unmarked`]).
    unmarked: Option<Unmarked>,
    /// The logon's client keys, which seal a later change of password.
    logon: Option<o5logon::ClientResponse>,
    /// The logon's answer (AUTH_SESSION_ID, AUTH_DBNAME…).
    pub session_data: Pairs,
}

/// How [`Client::logon_unmarked`] packs requests.
#[derive(Debug, Clone, Copy)]
pub struct Unmarked {
    pub sdu: usize,
    /// Round each packet's payload down to an even size, as python-oracledb
    /// does (it never splits a 2-byte field) at odd SDUs.
    pub even: bool,
}

type Pairs = Vec<(String, Vec<u8>, u32)>;

impl Client {
    /// Connects and logs on; `Err` is the server's error text (ORA-01017…).
    pub async fn logon(
        addr: std::net::SocketAddr,
        user: &str,
        password: &str,
    ) -> Result<Client, String> {
        Self::logon_with(addr, user, password, None, Vec::new()).await
    }

    /// Logs on with `connect(appcontext=[...])`'s entries: each (namespace,
    /// attribute, value) as python-oracledb sends them in phase two.
    pub async fn logon_with_app_context(
        addr: std::net::SocketAddr,
        user: &str,
        password: &str,
        entries: &[(&str, &str, &str)],
    ) -> Result<Client, String> {
        let mut extra: Pairs = Vec::new();
        for (ns, attr, value) in entries {
            for (k, v) in [("NSPACE", ns), ("ATTR", attr), ("VALUE", value)] {
                extra.push((format!("AUTH_APPCTX_{k}\0"), v.as_bytes().to_vec(), 0));
            }
        }
        Self::logon_with(addr, user, password, None, extra).await
    }

    /// Logs on at `how.sdu`, every request sent in DATA packets that do not
    /// mark the request's end, so the server must find it by itself.
    pub async fn logon_unmarked(
        addr: std::net::SocketAddr,
        user: &str,
        password: &str,
        how: Unmarked,
    ) -> Result<Client, String> {
        Self::logon_with(addr, user, password, Some(how), Vec::new()).await
    }

    async fn logon_with(
        addr: std::net::SocketAddr,
        user: &str,
        password: &str,
        unmarked: Option<Unmarked>,
        extra: Pairs,
    ) -> Result<Client, String> {
        let mut sock = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let sdu = unmarked.map_or(8192, |u| u.sdu as u32);
        let c = Connect::client("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=FREEPDB1)))", sdu);
        let mut out = Vec::new();
        packet::encode(&mut out, kind::CONNECT, 0, &c.encode_body(), false);
        sock.write_all(&out).await.map_err(|e| e.to_string())?;
        let mut t = Client {
            sock,
            dec: PacketDecoder::new(),
            caps: Caps::default(),
            pending: Vec::new(),
            unmarked,
            logon: None,
            session_data: Vec::new(),
        };
        let p = t.packet().await?;
        if p.kind != kind::ACCEPT {
            return Err(format!("packet {} instead of ACCEPT", p.kind));
        }
        t.dec.set_large_lengths(true);
        t.negotiate().await?;
        t.authenticate(user, password, extra).await?;
        Ok(t)
    }

    async fn packet(&mut self) -> Result<packet::Packet, String> {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(p) = self.dec.next_packet().map_err(|e| e.to_string())? {
                return Ok(p);
            }
            let n = self.sock.read(&mut buf).await.map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
            self.dec.feed(&buf[..n]);
        }
    }

    async fn send(&mut self, payload: &[u8]) -> Result<(), String> {
        let mut out = Vec::new();
        if let Some(u) = self.unmarked {
            let mut room = u.sdu - packet::HEADER_LEN - 2;
            if u.even {
                room &= !1;
            }
            for chunk in payload.chunks(room) {
                packet::encode_data(&mut out, chunk, u.sdu, true, 0, 0);
            }
            return self.sock.write_all(&out).await.map_err(|e| e.to_string());
        }
        let flags = data_flags::END_OF_REQUEST;
        packet::encode_data(&mut out, payload, 8192, true, 0, flags);
        self.sock.write_all(&out).await.map_err(|e| e.to_string())
    }

    /// Parses messages with `f` (at a message boundary, given its type)
    /// until it returns a value, reading more DATA when a message is cut.
    async fn read_until<T>(
        &mut self,
        mut f: impl FnMut(u8, &mut Reader) -> Result<Option<T>, DecodeError>,
    ) -> Result<T, String> {
        loop {
            let mut used = 0;
            let mut r = Reader::new(&self.pending);
            while r.remaining() > 0 {
                let at = r.pos();
                let k = r.u8().map_err(|e| e.to_string())?;
                match f(k, &mut r) {
                    Ok(Some(v)) => {
                        self.pending.drain(..r.pos());
                        return Ok(v);
                    }
                    Ok(None) => used = r.pos(),
                    Err(DecodeError::NeedMore) => {
                        used = at;
                        break;
                    }
                    Err(e) => return Err(e.to_string()),
                }
            }
            self.pending.drain(..used);
            let p = self.packet().await?;
            if p.kind != kind::DATA {
                return Err(format!("packet {} instead of DATA", p.kind));
            }
            self.pending.extend_from_slice(p.data_payload());
        }
    }

    async fn negotiate(&mut self) -> Result<(), String> {
        let mut w = Writer::new();
        let req = ProtocolRequest {
            driver_name: "oradb-testserver tests".into(),
        };
        req.encode(&mut w, &Caps::default());
        self.send(&w.buf).await?;
        let pro = self
            .read_until(|_, r| ProtocolReply::decode(r, &Caps::default()).map(Some))
            .await?;
        let compile = capabilities::client_compile_caps();
        let runtime = capabilities::client_runtime_caps();
        self.caps =
            capabilities::negotiate_with_runtime(&compile, &pro.compile_caps, &pro.runtime_caps);
        let mut w = Writer::new();
        DataTypesRequest::thin_client(compile, runtime).encode(&mut w, &self.caps);
        self.send(&w.buf).await?;
        let caps = self.caps;
        self.read_until(|_, r| DataTypesReply::decode(r, &caps).map(Some))
            .await?;
        Ok(())
    }

    async fn auth_call(&mut self, req: &AuthRequest) -> Result<Pairs, String> {
        let mut w = Writer::new();
        req.encode(&mut w, &self.caps);
        self.send(&w.buf).await?;
        let caps = self.caps;
        let mut pairs = Vec::new();
        let end = self
            .read_until(|k, r| match k {
                msg::PARAMETER => {
                    pairs = AuthReply::decode(r, &caps)?.pairs;
                    Ok(None)
                }
                msg::ERROR => ErrorMessage::decode(r, &caps).map(Some),
                other => Err(DecodeError::Malformed(format!("message {other} in logon"))),
            })
            .await?;
        match end.error_num {
            0 => Ok(pairs),
            _ => Err(end.message.unwrap_or_default()),
        }
    }

    async fn authenticate(
        &mut self,
        user: &str,
        password: &str,
        extra: Pairs,
    ) -> Result<(), String> {
        let one = AuthRequest::phase_one(user, "unknown", "tests", "localhost", "1", "tests");
        let challenge = self.auth_call(&one).await?;
        let get = |k: &str| {
            challenge
                .iter()
                .find(|p| p.0 == k)
                .map(|p| String::from_utf8_lossy(&p.1).into_owned())
                .unwrap_or_default()
        };
        let num = |k: &str, d: u32| get(k).parse().unwrap_or(d);
        let resp = o5logon::client_response(
            password,
            &get("AUTH_SESSKEY"),
            &get("AUTH_VFR_DATA"),
            &get("AUTH_PBKDF2_CSK_SALT"),
            num("AUTH_PBKDF2_VGEN_COUNT", 4096),
            num("AUTH_PBKDF2_SDER_COUNT", 3),
            &mut rand::thread_rng(),
        )
        .map_err(|e| format!("{e:?}"))?;
        let pairs = vec![
            (
                "AUTH_SESSKEY".into(),
                resp.sesskey_hex.clone().into_bytes(),
                1,
            ),
            (
                "AUTH_PBKDF2_SPEEDY_KEY".into(),
                resp.speedy_key_hex.clone().into_bytes(),
                0,
            ),
            (
                "AUTH_PASSWORD".into(),
                resp.password_hex.clone().into_bytes(),
                0,
            ),
            ("SESSION_CLIENT_CHARSET".into(), b"873".to_vec(), 0),
            (
                "SESSION_CLIENT_DRIVER_NAME".into(),
                b"oradb tests".to_vec(),
                0,
            ),
        ];
        let mut pairs = pairs;
        pairs.extend(extra);
        self.session_data = self.auth_call(&AuthRequest::phase_two(user, pairs)).await?;
        self.logon = Some(resp);
        Ok(())
    }

    /// `changepassword(old, new)` as python-oracledb sends it: a phase-two
    /// call with both passwords sealed by this logon's keys.
    pub async fn change_password(
        &mut self,
        user: &str,
        old: &str,
        new: &str,
    ) -> Result<(), String> {
        let keys = self.logon.as_ref().ok_or("not logged on")?;
        let mut rng = rand::thread_rng();
        let pairs = vec![
            (
                "AUTH_PASSWORD".into(),
                keys.encrypt_new_password(old, &mut rng).into_bytes(),
                0,
            ),
            (
                "AUTH_NEWPASSWORD".into(),
                keys.encrypt_new_password(new, &mut rng).into_bytes(),
                0,
            ),
        ];
        self.auth_call(&AuthRequest::phase_two(user, pairs))
            .await
            .map(|_| ())
    }

    /// The request [`Client::plsql_out_text`] sends.
    pub fn plsql_out_payload(&self, sql: &str, max_chars: u32) -> Vec<u8> {
        let mut meta = ColumnMeta::bind(ora_type::VARCHAR, max_chars * 4);
        meta.max_chars = max_chars;
        let mut al8i4 = [0u32; 13];
        al8i4[0] = 1;
        al8i4[1] = 1;
        let req = ExecuteRequest {
            seq: 1,
            options: options::PARSE | options::EXECUTE | options::PLSQL_BIND | options::BIND,
            sql: Some(sql.into()),
            al8i4,
            binds: vec![meta.clone()],
            iterations: 1,
            rows: vec![vec![None]],
            ..Default::default()
        };
        let mut w = Writer::new();
        req.encode(&mut w, &self.caps, &[meta], true);
        w.buf
    }

    /// Runs a PL/SQL block with one OUT VARCHAR2 bind whose buffer holds
    /// `max_chars` characters; `Ok` is its value, `Err` the error text.
    pub async fn plsql_out_text(
        &mut self,
        sql: &str,
        max_chars: u32,
    ) -> Result<Option<String>, String> {
        let payload = self.plsql_out_payload(sql, max_chars);
        self.send(&payload).await?;
        let caps = self.caps;
        let mut value = None;
        let end = self
            .read_until(|k, r| match k {
                msg::IO_VECTOR => IoVector::decode(r, &caps).map(|_| None),
                msg::ROW_DATA => {
                    value = rows::read_out_bind(r)?;
                    Ok(None)
                }
                msg::PARAMETER => rows::DmlRowCounts::decode(r, &caps, false).map(|_| None),
                msg::ERROR => ErrorMessage::decode(r, &caps).map(Some),
                other => Err(DecodeError::Malformed(format!("message {other} in a call"))),
            })
            .await?;
        match end.error_num {
            0 => Ok(value.map(|v| String::from_utf8_lossy(&v).into_owned())),
            _ => Err(end.message.unwrap_or_default()),
        }
    }

    /// Sends `payload` as one request and reads the answer up to its
    /// closing ERROR, returning the types of the messages before it and the
    /// ERROR itself. Only answers without row data (describe, return
    /// parameters, row header) can be read this way.
    pub async fn call_raw(&mut self, payload: &[u8]) -> Result<(Vec<u8>, ErrorMessage), String> {
        self.send(payload).await?;
        self.answer().await
    }

    /// Sends one request in the given pieces, each its own DATA packet that
    /// does not mark the request's end, with `pause` between them (so the
    /// server sees each before the next), then reads the answer as
    /// [`Client::call_raw`] does.
    pub async fn call_in_packets(
        &mut self,
        pieces: &[&[u8]],
        sdu: usize,
        pause: std::time::Duration,
    ) -> Result<(Vec<u8>, ErrorMessage), String> {
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                tokio::time::sleep(pause).await;
            }
            let mut out = Vec::new();
            packet::encode_data(&mut out, piece, sdu, true, 0, 0);
            self.sock.write_all(&out).await.map_err(|e| e.to_string())?;
        }
        self.answer().await
    }

    async fn answer(&mut self) -> Result<(Vec<u8>, ErrorMessage), String> {
        let caps = self.caps;
        let mut kinds = Vec::new();
        let end = self
            .read_until(|k, r| {
                match k {
                    msg::DESCRIBE_INFO => DescribeInfo::decode(r, &caps).map(|_| ())?,
                    msg::PARAMETER => rows::DmlRowCounts::decode(r, &caps, false).map(|_| ())?,
                    msg::ROW_HEADER => rows::RowHeader::decode(r, &caps).map(|_| ())?,
                    msg::ERROR => return ErrorMessage::decode(r, &caps).map(Some),
                    other => return Err(DecodeError::Malformed(format!("message {other}"))),
                }
                kinds.push(k);
                Ok(None)
            })
            .await?;
        Ok((kinds, end))
    }

    /// Sends `payload` as one request and returns the first DATA packet of
    /// the answer as it came (for answers that fit one packet).
    pub async fn call_packet(&mut self, payload: &[u8]) -> Result<Vec<u8>, String> {
        self.send(payload).await?;
        let p = self.packet().await?;
        if p.kind != kind::DATA {
            return Err(format!("packet {} instead of DATA", p.kind));
        }
        Ok(p.data_payload().to_vec())
    }

    /// Sends `payload` as one request without reading the answer.
    pub async fn send_only(&mut self, payload: &[u8]) -> Result<(), String> {
        self.send(payload).await
    }

    /// Sends a MARKER packet of `kind` (`packet::marker::*`).
    pub async fn send_marker(&mut self, marker_kind: u8) -> Result<(), String> {
        let mut out = Vec::new();
        packet::encode(
            &mut out,
            kind::MARKER,
            0,
            &packet::marker::encode_body(marker_kind),
            true,
        );
        self.sock.write_all(&out).await.map_err(|e| e.to_string())
    }

    /// The next packet as it came.
    pub async fn next_packet(&mut self) -> Result<packet::Packet, String> {
        self.packet().await
    }

    /// The negotiated capabilities (to encode requests for `call_raw`).
    pub fn caps(&self) -> Caps {
        self.caps
    }
}

/// Captured packets or requests: one hex string a line; `#` comments and blank lines skipped.
pub fn hex_lines(text: &str) -> Vec<Vec<u8>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            (0..l.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&l[i..i + 2], 16).unwrap())
                .collect()
        })
        .collect()
}

/// The server configuration for tests that replay captured client bytes: the captures were
/// taken at TTC field version 17 (what the server offered then), whose message layouts they
/// hold, so the server offers that version.
pub fn captured_config() -> oradb_testserver::Config {
    oradb_testserver::Config {
        field_version: 17,
        ..oradb_testserver::Config::default()
    }
}
