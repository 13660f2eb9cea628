//! One bad client never takes the server down: garbage, absurd lengths,
//! truncated packets and vanishing clients end only their own connection.

use std::time::Duration;

use oradb_protocol::packet::{self, accept::Accept, connect::Connect, kind, PacketDecoder};
use oradb_testserver::{Config, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn closed_by_server(mut s: TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// A well-behaved client still gets an ACCEPT.
async fn accepts(addr: std::net::SocketAddr) -> Accept {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let c = Connect::client("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=FREEPDB1)))", 8192);
    let mut out = Vec::new();
    packet::encode(&mut out, kind::CONNECT, 0, &c.encode_body(), false);
    s.write_all(&out).await.unwrap();
    let mut dec = PacketDecoder::new();
    let mut buf = [0u8; 512];
    loop {
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0, "server closed a good connection");
        dec.feed(&buf[..n]);
        if let Some(p) = dec.next_packet().unwrap() {
            assert_eq!(p.kind, kind::ACCEPT);
            return Accept::decode_body(&p.body).unwrap();
        }
    }
}

#[tokio::test]
async fn bad_clients_are_dropped_and_others_keep_working() {
    let server = TestServer::start(Config {
        io_timeout: Duration::from_millis(500),
        ..Config::default()
    })
    .await
    .unwrap();
    let addr = server.addr();

    // Garbage bytes.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_by_server(s).await);

    // A header declaring a length shorter than the header itself.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(&[0, 3, 0, 0, 1, 0, 0, 0]).await.unwrap();
    assert!(closed_by_server(s).await);

    // After ACCEPT: a 4 GiB DATA packet is refused before anything is buffered.
    let mut s = TcpStream::connect(addr).await.unwrap();
    let c = Connect::client("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=FREEPDB1)))", 8192);
    let mut out = Vec::new();
    packet::encode(&mut out, kind::CONNECT, 0, &c.encode_body(), false);
    s.write_all(&out).await.unwrap();
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).await.unwrap();
    assert_eq!(buf[4], kind::ACCEPT, "{n} bytes");
    s.write_all(&[0xFF, 0xFF, 0xFF, 0xFF, 6, 0, 0, 0, 0, 0])
        .await
        .unwrap();
    assert!(closed_by_server(s).await);

    // A truncated packet, then silence: the server times the half message out.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(&[0, 200, 0, 0, 1, 0]).await.unwrap();
    assert!(closed_by_server(s).await);

    // A client that disconnects mid-message.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(&out[..20]).await.unwrap();
    drop(s);

    // An unknown service is refused with ORA-12514, not dropped silently.
    let mut s = TcpStream::connect(addr).await.unwrap();
    let c = Connect::client("(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=NOPE)))", 8192);
    let mut out = Vec::new();
    packet::encode(&mut out, kind::CONNECT, 0, &c.encode_body(), false);
    s.write_all(&out).await.unwrap();
    let mut dec = PacketDecoder::new();
    let p = loop {
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before the REFUSE arrived");
        dec.feed(&buf[..n]);
        if let Some(p) = dec.next_packet().unwrap() {
            break p;
        }
    };
    assert_eq!(p.kind, kind::REFUSE);
    let r = oradb_protocol::packet::refuse::Refuse::decode_body(&p.body).unwrap();
    assert_eq!(r.error_code(), Some(12514));

    for _ in 0..3 {
        let a = accepts(addr).await;
        assert_eq!(a.version, 318);
    }
}
