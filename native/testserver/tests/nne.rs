//! Native network encryption and integrity on the server, driven by the
//! codec's own ANO client: what a REQUIRED server negotiates, that every
//! packet after it is protected, ORA-12660 for a client that rejects it, and
//! bad clients (breaking off, bad checksums, undecryptable packets) that end
//! only their own connection, with a log line and no key in any log.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oradb_protocol::ano::client::{self, ClientPolicy};
use oradb_protocol::ano::server::ServerPolicy;
use oradb_protocol::ano::{AnoError, Encryption, Integrity, Level, PacketCrypto};
use oradb_protocol::buf::Writer;
use oradb_protocol::packet::{self, accept::Accept, connect::Connect, kind, PacketDecoder};
use oradb_protocol::ttc::protocol_msg::ProtocolRequest;
use oradb_protocol::ttc::Caps;
use oradb_testserver::{Config, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Log lines the server wrote during the tests (to look for keys).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> Logs {
    let logs = Logs::default();
    let sink = logs.clone();
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .try_init();
    logs
}

async fn required_server() -> TestServer {
    TestServer::start(Config {
        io_timeout: Duration::from_millis(500),
        nne: ServerPolicy {
            encryption: Level::Required,
            integrity: Level::Required,
            ..ServerPolicy::default()
        },
        ..Config::default()
    })
    .await
    .unwrap()
}

struct Conn {
    sock: TcpStream,
    dec: PacketDecoder,
}

impl Conn {
    /// CONNECT with OCI's NSI flags (`41 41`: native services wanted).
    async fn connect(addr: std::net::SocketAddr) -> (Conn, Accept) {
        let mut sock = TcpStream::connect(addr).await.unwrap();
        let mut c = Connect::client("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=FREEPDB1)))", 8192);
        c.na_flags = [0x41, 0x41];
        let mut out = Vec::new();
        packet::encode(&mut out, kind::CONNECT, 0, &c.encode_body(), false);
        sock.write_all(&out).await.unwrap();
        let mut conn = Conn {
            sock,
            dec: PacketDecoder::new(),
        };
        let p = conn.packet().await.expect("an ACCEPT");
        assert_eq!(p.kind, kind::ACCEPT);
        conn.dec.set_large_lengths(true);
        (conn, Accept::decode_body(&p.body).unwrap())
    }

    async fn packet(&mut self) -> Option<packet::Packet> {
        let mut buf = [0u8; 8192];
        loop {
            if let Some(p) = self.dec.next_packet().unwrap() {
                return Some(p);
            }
            let read = tokio::time::timeout(Duration::from_secs(5), self.sock.read(&mut buf));
            match read.await {
                Ok(Ok(n)) if n > 0 => self.dec.feed(&buf[..n]),
                _ => return None,
            }
        }
    }

    async fn data(&mut self, payload: &[u8]) {
        let mut out = Vec::new();
        packet::encode_data(&mut out, payload, 8192, true, 0, 0);
        self.sock.write_all(&out).await.unwrap();
    }

    /// Runs the client side of the negotiation.
    async fn negotiate(&mut self, policy: &ClientPolicy) -> Result<Option<PacketCrypto>, AnoError> {
        let mut rng = rand::thread_rng();
        self.data(&client::request(policy, &mut rng).encode()).await;
        let answer = self.packet().await.expect("an answer");
        let done = client::finish(policy, answer.data_payload(), &mut rng)?;
        if let Some(kx) = &done.key_exchange {
            self.data(kx).await;
        }
        Ok(done.crypto)
    }

    /// True once the server has closed the connection.
    async fn closed(&mut self) -> bool {
        let mut buf = [0u8; 1024];
        loop {
            match tokio::time::timeout(Duration::from_secs(5), self.sock.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
                Err(_) => return false,
            }
        }
    }
}

fn required() -> ClientPolicy {
    ClientPolicy {
        encryption: Level::Required,
        integrity: Level::Required,
        ..ClientPolicy::default()
    }
}

fn pro_request() -> Vec<u8> {
    let mut w = Writer::new();
    ProtocolRequest {
        driver_name: "nne-test".into(),
    }
    .encode(&mut w, &Caps::default());
    w.buf
}

#[tokio::test]
async fn a_required_server_agrees_on_aes256_and_sha512_and_protects_every_packet() {
    let server = required_server().await;
    let (mut c, accept) = Conn::connect(server.addr()).await;
    assert_eq!(accept.na_flags, [0x41, 0x41]);
    let mut crypto = c.negotiate(&required()).await.unwrap().expect("keys");
    let n = crypto.negotiated();
    assert_eq!(
        (n.encryption, n.integrity),
        (Some(Encryption::Aes256), Some(Integrity::Sha512))
    );
    let pro = pro_request();
    let sealed = crypto.encrypt_and_sign(&pro);
    assert!(!sealed.windows(8).any(|w| w == b"nne-test"));
    c.data(&sealed).await;
    let reply = c.packet().await.expect("a protected PRO reply");
    let payload = reply.data_payload();
    assert_ne!(payload[0], 1, "the reply went out in clear");
    let plain = crypto.decrypt_and_verify(payload).unwrap();
    assert_eq!(plain[0], 1, "a PRO reply");
}

#[tokio::test]
async fn a_client_that_rejects_gets_ora_12660_and_thin_clients_are_refused() {
    let server = required_server().await;
    let (mut c, _) = Conn::connect(server.addr()).await;
    let rejecting = ClientPolicy {
        encryption: Level::Rejected,
        integrity: Level::Rejected,
        ..ClientPolicy::default()
    };
    assert_eq!(
        c.negotiate(&rejecting).await.unwrap_err(),
        AnoError::Refused(12660)
    );
    assert!(c.closed().await);
    // A thin client (native services off) cannot meet REQUIRED either.
    let err = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .err()
        .expect("refused");
    assert_eq!(err, "packet 4 instead of ACCEPT");
}

#[tokio::test]
async fn bad_clients_end_their_own_connection_with_a_log_line_and_no_key_in_logs() {
    let logs = capture_logs();
    let server = required_server().await;
    let addr = server.addr();

    // Breaks off: CONNECT, then silence and close before the request.
    let (c, _) = Conn::connect(addr).await;
    drop(c);
    // Breaks off after its request, before the key exchange.
    let (mut c, _) = Conn::connect(addr).await;
    c.data(&client::request(&required(), &mut rand::thread_rng()).encode())
        .await;
    assert!(c.packet().await.is_some(), "an answer");
    drop(c);

    // A bad checksum: one flipped byte in the protected payload.
    let (mut c, _) = Conn::connect(addr).await;
    let mut crypto = c.negotiate(&required()).await.unwrap().unwrap();
    let mut sealed = crypto.encrypt_and_sign(&pro_request());
    sealed[3] ^= 0x10;
    c.data(&sealed).await;
    assert!(c.closed().await, "a bad checksum ends the connection");

    // Undecryptable: not a whole number of cipher blocks.
    let (mut c, _) = Conn::connect(addr).await;
    c.negotiate(&required()).await.unwrap().unwrap();
    c.data(&[0xAB; 21]).await;
    assert!(
        c.closed().await,
        "an undecryptable packet ends the connection"
    );

    // The server keeps serving: a good client still negotiates and talks.
    let (mut c, _) = Conn::connect(addr).await;
    let mut crypto = c.negotiate(&required()).await.unwrap().unwrap();
    c.data(&crypto.encrypt_and_sign(&pro_request())).await;
    let reply = c.packet().await.expect("served");
    assert_eq!(
        crypto.decrypt_and_verify(reply.data_payload()).unwrap()[0],
        1
    );

    tokio::time::sleep(Duration::from_millis(100)).await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("native network encryption: cryptographic checksum mismatch")
            || text.contains("native network encryption: ORA-12599"),
        "{text}"
    );
    assert!(text.contains("native network encryption"), "{text}");
    // No key material: no run of 32 or more hex digits anywhere.
    let mut run = 0;
    for ch in text.chars() {
        run = if ch.is_ascii_hexdigit() { run + 1 } else { 0 };
        assert!(run < 32, "a long hex run in the logs:\n{text}");
    }
}
