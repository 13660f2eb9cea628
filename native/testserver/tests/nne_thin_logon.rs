//! A client that negotiates native network encryption but speaks TTC like
//! the thin drivers (go-ora: its PRO request names no OCI platform) logs on
//! and keeps calling with the keys it negotiated. go-ora never folds its
//! keys after logon; when the server re-keyed after the logon result, every
//! call after it failed with ORA-12599 (checksum mismatch).

use std::time::Duration;

use oradb_protocol::ano::client::{self, ClientPolicy};
use oradb_protocol::ano::server::ServerPolicy;
use oradb_protocol::ano::{Level, PacketCrypto};
use oradb_protocol::buf::{Reader, Writer};
use oradb_protocol::o5logon;
use oradb_protocol::packet::{self, connect::Connect, kind, PacketDecoder};
use oradb_protocol::ttc::auth::{AuthReply, AuthRequest};
use oradb_protocol::ttc::data_types::DataTypesRequest;
use oradb_protocol::ttc::protocol_msg::ProtocolRequest;
use oradb_protocol::ttc::{capabilities, msg, Caps};
use oradb_testserver::{Config, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Conn {
    sock: TcpStream,
    dec: PacketDecoder,
    crypto: PacketCrypto,
}

impl Conn {
    async fn packet(sock: &mut TcpStream, dec: &mut PacketDecoder) -> packet::Packet {
        let mut buf = [0u8; 8192];
        loop {
            if let Some(p) = dec.next_packet().unwrap() {
                return p;
            }
            let n = tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf))
                .await
                .expect("an answer in time")
                .unwrap();
            assert!(n > 0, "the server closed the connection");
            dec.feed(&buf[..n]);
        }
    }

    async fn send_raw(sock: &mut TcpStream, payload: &[u8]) {
        let mut out = Vec::new();
        packet::encode_data(&mut out, payload, 8192, true, 0, 0);
        sock.write_all(&out).await.unwrap();
    }

    /// CONNECT asking for native services, then the negotiation.
    async fn open(addr: std::net::SocketAddr) -> Conn {
        let mut sock = TcpStream::connect(addr).await.unwrap();
        let mut c = Connect::client("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=FREEPDB1)))", 8192);
        c.na_flags = [0x41, 0x41];
        let mut out = Vec::new();
        packet::encode(&mut out, kind::CONNECT, 0, &c.encode_body(), false);
        sock.write_all(&out).await.unwrap();
        let mut dec = PacketDecoder::new();
        assert_eq!(Self::packet(&mut sock, &mut dec).await.kind, kind::ACCEPT);
        dec.set_large_lengths(true);
        let policy = ClientPolicy {
            encryption: Level::Required,
            integrity: Level::Required,
            ..ClientPolicy::default()
        };
        let mut rng = rand::thread_rng();
        Self::send_raw(&mut sock, &client::request(&policy, &mut rng).encode()).await;
        let answer = Self::packet(&mut sock, &mut dec).await;
        let done = client::finish(&policy, answer.data_payload(), &mut rng).unwrap();
        Self::send_raw(&mut sock, done.key_exchange.as_deref().unwrap()).await;
        Conn {
            sock,
            dec,
            crypto: done.crypto.expect("keys"),
        }
    }

    /// One protected request and its protected answer, in clear.
    async fn call(&mut self, payload: &[u8]) -> Vec<u8> {
        let sealed = self.crypto.encrypt_and_sign(payload);
        Self::send_raw(&mut self.sock, &sealed).await;
        let p = Self::packet(&mut self.sock, &mut self.dec).await;
        assert_eq!(p.kind, kind::DATA, "answer packet {}", p.kind);
        self.crypto
            .decrypt_and_verify(p.data_payload())
            .expect("an answer under the negotiated keys")
    }
}

#[tokio::test]
async fn a_thin_client_with_nne_keeps_its_keys_after_logon() {
    let server = TestServer::start(Config {
        nne: ServerPolicy {
            encryption: Level::Required,
            integrity: Level::Required,
            ..ServerPolicy::default()
        },
        // Its captured bytes were taken at field version 17.
        field_version: 17,
        ..Config::default()
    })
    .await
    .unwrap();
    let mut c = Conn::open(server.addr()).await;
    let caps = Caps::default();

    let mut w = Writer::new();
    ProtocolRequest {
        driver_name: "go-ora-like".into(),
    }
    .encode(&mut w, &caps);
    assert_eq!(c.call(&w.buf).await[0], msg::PROTOCOL);

    let mut w = Writer::new();
    let (compile, runtime) = (
        capabilities::client_compile_caps(),
        capabilities::client_runtime_caps(),
    );
    DataTypesRequest::thin_client(compile, runtime).encode(&mut w, &caps);
    assert_eq!(c.call(&w.buf).await[0], msg::DATA_TYPES);

    let mut w = Writer::new();
    AuthRequest::phase_one("scott", "unknown", "tests", "localhost", "1", "tests")
        .encode(&mut w, &caps);
    let challenge = c.call(&w.buf).await;
    assert_eq!(challenge[0], msg::PARAMETER);
    let pairs = AuthReply::decode(&mut Reader::new(&challenge[1..]), &caps)
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
    let two = AuthRequest::phase_two(
        "scott",
        vec![
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
        ],
    );
    let mut w = Writer::new();
    two.encode(&mut w, &caps);
    assert_eq!(c.call(&w.buf).await[0], msg::PARAMETER, "logged on");

    // The next call, under the same keys: a ping answered with a STATUS.
    let ping = [msg::FUNCTION, oradb_protocol::ttc::func::PING, 2];
    assert_eq!(c.call(&ping).await[0], msg::STATUS);
}
