//! One bad client never takes the server down: garbage, absurd lengths,
//! truncated packets and vanishing clients end only their own connection.

mod common;

use std::time::Duration;

use common::{Client, Unmarked};
use oradb_protocol::buf::Writer;
use oradb_protocol::packet::{self, accept::Accept, connect::Connect, kind, PacketDecoder};
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::msg;
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

/// python-oracledb's parse-execute-fetch of `select :1 from dual` with an int
/// bind (see `golden/python_rebind_select.hex`).
fn python_execute() -> Vec<u8> {
    let line = include_str!("golden/python_rebind_select.hex")
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap();
    (0..line.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&line[i..i + 2], 16).unwrap())
        .collect()
}

/// The session still answers: a query with no rows ends in ORA-01403.
async fn still_usable(c: &mut Client) {
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = 10;
    let q = ExecuteRequest {
        seq: 9,
        options: options::PARSE | options::EXECUTE | options::FETCH | options::NOT_PLSQL,
        sql: Some("select 1 from dual where 1 = 0".into()),
        al8i4,
        prefetch_rows: 10,
        ..Default::default()
    };
    let mut w = Writer::new();
    q.encode(&mut w, &c.caps(), &[], true);
    let (_, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!(end.error_num, 1403);
}

/// A request the server cannot parse is answered with ORA-03115 within a
/// few seconds (never silence or a hang-up) and the session goes on.
async fn refused_with_ora_03115(c: &mut Client, request: &[u8]) {
    let (kinds, end) = tokio::time::timeout(Duration::from_secs(5), c.call_raw(request))
        .await
        .expect("an answer, not silence")
        .expect("an answer, not a hang-up");
    assert!(kinds.is_empty(), "{kinds:?}");
    assert_eq!(end.error_num, 3115);
    let text = end.message.unwrap_or_default();
    assert!(
        text.starts_with("ORA-03115: unsupported network datatype or representation"),
        "{text}"
    );
    still_usable(c).await;
}

#[tokio::test]
async fn requests_the_server_cannot_parse_are_ora_03115_and_the_session_goes_on() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    // A function code no Oracle release has.
    refused_with_ora_03115(&mut c, &[msg::FUNCTION, 0xEE, 4, 1, 2, 3]).await;
    // A message type that is not a call at all.
    refused_with_ora_03115(&mut c, &[0x42, 1, 2, 3]).await;
    // An unknown piggyback before a ping.
    refused_with_ora_03115(
        &mut c,
        &[msg::PIGGYBACK, 0xCD, 5, 0, msg::FUNCTION, 0x93, 6],
    )
    .await;
    // python-oracledb's execute cut in the middle of its SQL text, in a
    // packet that says the request ends there.
    let exec = python_execute();
    refused_with_ora_03115(&mut c, &exec[..60]).await;
    // Cut inside a bind value.
    refused_with_ora_03115(&mut c, &exec[..exec.len() - 1]).await;
    // A function header alone.
    refused_with_ora_03115(&mut c, &[msg::FUNCTION]).await;

    // Another session was never disturbed.
    let mut other = Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    still_usable(&mut other).await;
}

#[tokio::test]
async fn a_cut_request_in_an_unmarked_short_packet_is_answered_not_waited_on() {
    // Without END_OF_REQUEST the server reads a request's end from its
    // content; a request cut short in a packet well under the SDU is the
    // client's last word, answered with an error instead of waited on.
    let server = TestServer::start(Config::default()).await.unwrap();
    let how = Unmarked {
        sdu: 8192,
        even: false,
    };
    let mut c = Client::logon_unmarked(server.addr(), "scott", "tiger", how)
        .await
        .unwrap();
    let exec = python_execute();
    refused_with_ora_03115(&mut c, &exec[..60]).await;
}
