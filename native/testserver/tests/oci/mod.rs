//! OCI 19.3 as a test client: its captured packets (`tests/oci19/*.hex`,
//! from an Oracle Net client trace or the logging proxy of python-oracledb
//! thick), replayed over TCP, with a logon whose second O5LOGON phase is
//! built with the codec (its keys depend on the challenge).

#![allow(dead_code)]

use std::time::Duration;

use oradb_protocol::buf::{Reader, Writer};
use oradb_protocol::o5logon;
use oradb_protocol::packet::{self, kind, PacketDecoder};
use oradb_protocol::ttc::auth::{AuthReply, AuthRequest};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::{msg, Caps};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub fn capture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/oci19/{name}.hex", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

pub const OCI: Caps = Caps {
    field_version: 12,
    max_string_size: 32767,
    raw_strings: false,
    universal_scale: false,
    oci: true,
};

pub struct Oci {
    pub sock: TcpStream,
    pub dec: PacketDecoder,
}

impl Oci {
    pub async fn next(&mut self) -> packet::Packet {
        let mut buf = [0u8; 16384];
        loop {
            if let Some(p) = self.dec.next_packet().unwrap() {
                return p;
            }
            let n = tokio::time::timeout(Duration::from_secs(5), self.sock.read(&mut buf))
                .await
                .expect("an answer in time")
                .unwrap();
            assert!(n > 0, "the server closed the connection");
            self.dec.feed(&buf[..n]);
        }
    }

    /// Sends a captured packet and returns the payload of the DATA answer.
    pub async fn replay(&mut self, name: &str) -> Vec<u8> {
        self.sock.write_all(&capture(name)).await.unwrap();
        self.next().await.data_payload().to_vec()
    }

    pub async fn call(&mut self, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        packet::encode_data(&mut out, payload, 8192, true, 0, 0);
        self.sock.write_all(&out).await.unwrap();
        self.next().await.data_payload().to_vec()
    }

    /// Logs on as scott/tiger the way OCI 19.3 does.
    pub async fn logon(addr: std::net::SocketAddr) -> Oci {
        Oci::logon_with(addr, "connect", Vec::new()).await
    }

    /// The same logon with another CONNECT capture and more pairs in the
    /// second O5LOGON phase (DRCP's `AUTH_KPPL_*`).
    pub async fn logon_with(
        addr: std::net::SocketAddr,
        connect: &str,
        extra: Vec<(String, Vec<u8>, u32)>,
    ) -> Oci {
        let mut c = Oci {
            sock: TcpStream::connect(addr).await.unwrap(),
            dec: PacketDecoder::new(),
        };
        c.sock.write_all(&capture(connect)).await.unwrap();
        assert_eq!(c.next().await.kind, kind::ACCEPT);
        c.dec.set_large_lengths(true);
        for step in ["ano_request", "pro_request", "dty_request"] {
            c.replay(step).await;
        }
        let challenge = c.replay("osesskey").await;
        assert_eq!(challenge[0], msg::PARAMETER);
        let pairs = AuthReply::decode(&mut Reader::new(&challenge[1..]), &OCI)
            .unwrap()
            .pairs;
        let get = |k: &str| {
            let v = &pairs.iter().find(|p| p.0 == k).unwrap().1;
            String::from_utf8_lossy(v).into_owned()
        };
        let resp = o5logon::client_response(
            "tiger",
            &get("AUTH_SESSKEY"),
            &get("AUTH_VFR_DATA"),
            &get("AUTH_PBKDF2_CSK_SALT"),
            get("AUTH_PBKDF2_VGEN_COUNT").parse().unwrap(),
            get("AUTH_PBKDF2_SDER_COUNT").parse().unwrap(),
            &mut rand::thread_rng(),
        )
        .unwrap();
        let mut pairs = vec![
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
        ];
        pairs.extend(extra);
        let two = AuthRequest::phase_two("scott", pairs);
        let mut w = Writer::new();
        two.encode(&mut w, &OCI);
        let done = c.call(&w.buf).await;
        assert_eq!(done[0], msg::PARAMETER, "logged on");
        c
    }
}

/// The closing ERROR of an answer that has nothing else.
pub fn only_error(answer: &[u8]) -> ErrorMessage {
    assert_eq!(answer[0], msg::ERROR, "answer {answer:02x?}");
    let mut r = Reader::new(&answer[1..]);
    let e = ErrorMessage::decode(&mut r, &OCI).unwrap();
    assert!(r.is_empty(), "bytes after the ERROR: {:02x?}", r.rest());
    e
}
