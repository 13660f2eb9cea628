//! A logon the server cannot authenticate is refused with ORA-01017, not a
//! dropped connection. Instant Client 19.3 with external credentials
//! (python-oracledb thick, `externalauth=True`) asks for the version
//! (OVERSION) and then sends AUTH phase two straight away, with neither user
//! nor password; replayed from its captured packets
//! (`tests/oci19/external_auth.hex`).

use std::time::Duration;

use oradb_protocol::buf::Reader;
use oradb_protocol::packet::{self, kind, PacketDecoder};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::version::VersionReply;
use oradb_protocol::ttc::{msg, Caps};
use oradb_testserver::{Config, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn packets() -> Vec<Vec<u8>> {
    let path = format!(
        "{}/tests/oci19/external_auth.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            (0..l.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&l[i..i + 2], 16).unwrap())
                .collect()
        })
        .collect()
}

/// The next packet, or `None` once the server has closed the connection.
async fn next(sock: &mut TcpStream, dec: &mut PacketDecoder) -> Option<packet::Packet> {
    let mut buf = [0u8; 16384];
    loop {
        if let Some(p) = dec.next_packet().unwrap() {
            return Some(p);
        }
        let n = tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf))
            .await
            .expect("an answer in time")
            .unwrap_or(0);
        if n == 0 {
            return None;
        }
        dec.feed(&buf[..n]);
    }
}

#[tokio::test]
async fn oci_external_authentication_is_ora_01017() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let pk = packets();
    assert_eq!(pk.len(), 7);
    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    let mut dec = PacketDecoder::new();
    sock.write_all(&pk[0]).await.unwrap();
    assert_eq!(next(&mut sock, &mut dec).await.unwrap().kind, kind::ACCEPT);
    dec.set_large_lengths(true);
    // ANO, PRO and DTY each get one answer.
    for p in &pk[1..4] {
        sock.write_all(p).await.unwrap();
        assert_eq!(next(&mut sock, &mut dec).await.unwrap().kind, kind::DATA);
    }
    let caps = Caps {
        field_version: 12,
        oci: true,
        ..Caps::default()
    };
    // OVERSION before any credentials: the banner, as after a logon.
    sock.write_all(&pk[4]).await.unwrap();
    let p = next(&mut sock, &mut dec).await.unwrap();
    let payload = p.data_payload();
    assert_eq!(payload[0], msg::PARAMETER);
    let v = VersionReply::decode(&mut Reader::new(&payload[1..]), &caps).unwrap();
    assert!(v.banner.starts_with("Oracle Database"), "{}", v.banner);
    // AUTH phase two without phase one: nothing to check it against.
    sock.write_all(&pk[5]).await.unwrap();
    let p = next(&mut sock, &mut dec).await.unwrap();
    let payload = p.data_payload();
    assert_eq!(payload[0], msg::ERROR);
    let e = ErrorMessage::decode(&mut Reader::new(&payload[1..]), &caps).unwrap();
    assert_eq!(e.error_num, 1017);
    assert_eq!(
        e.message.as_deref(),
        Some("ORA-01017: invalid credential or not authorized; logon denied")
    );
    // Then the connection ends, as after a wrong password.
    let _ = sock.write_all(&pk[6]).await;
    assert!(next(&mut sock, &mut dec).await.is_none());

    // Others still log on.
    let pk = packets();
    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    let mut dec = PacketDecoder::new();
    sock.write_all(&pk[0]).await.unwrap();
    assert_eq!(next(&mut sock, &mut dec).await.unwrap().kind, kind::ACCEPT);
}
