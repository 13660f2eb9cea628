//! Where a request ends when the client does not mark its last packet
//! (python-oracledb without END_OF_REQUEST, JDBC, go-ora, OCI): the server
//! reads it from the request's content, not from packet sizes.

mod common;

use std::time::Duration;

use common::{Client, Unmarked};
use oradb_protocol::packet::{self, kind, PacketDecoder};
use oradb_testserver::{Config, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// python-oracledb's own packets (see the file's header).
fn golden_logon() -> Vec<Vec<u8>> {
    common::hex_lines(include_str!("golden/python_logon_sdu1001.hex"))
}

async fn next_packet(sock: &mut TcpStream, dec: &mut PacketDecoder) -> packet::Packet {
    let mut buf = [0u8; 4096];
    loop {
        if let Some(p) = dec.next_packet().unwrap() {
            return p;
        }
        let n = tokio::time::timeout(Duration::from_secs(10), sock.read(&mut buf))
            .await
            .expect("the server answers within 10 s")
            .unwrap();
        assert!(n > 0, "the server closed the connection");
        dec.feed(&buf[..n]);
    }
}

#[tokio::test]
async fn python_oracledb_logon_at_sdu_1001_replayed_gets_each_answer() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let pk = golden_logon();
    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    let mut dec = PacketDecoder::new();
    sock.write_all(&pk[0]).await.unwrap();
    assert_eq!(next_packet(&mut sock, &mut dec).await.kind, kind::ACCEPT);
    dec.set_large_lengths(true);
    // Protocol request, then the data-type request in three packets (two of
    // them a byte under the SDU, which once read as "the request ends
    // here"), then AUTH phase one: each gets its answer, in order.
    sock.write_all(&pk[1]).await.unwrap();
    let p = next_packet(&mut sock, &mut dec).await;
    assert_eq!((p.kind, p.data_payload()[0]), (kind::DATA, 1));
    for d in &pk[2..5] {
        sock.write_all(d).await.unwrap();
    }
    let p = next_packet(&mut sock, &mut dec).await;
    assert_eq!(
        (p.kind, p.data_payload()[0]),
        (kind::DATA, 2),
        "data types answer"
    );
    sock.write_all(&pk[5]).await.unwrap();
    let p = next_packet(&mut sock, &mut dec).await;
    // PARAMETER (8): the O5LOGON challenge.
    assert_eq!((p.kind, p.data_payload()[0]), (kind::DATA, 8), "challenge");
}

/// A bounded version of the python-oracledb sweep (every 7th SDU from 512
/// to 8192 there): logon and a call at SDUs across the range that failed.
#[tokio::test]
async fn logon_and_a_call_work_at_odd_and_even_sdus() {
    let server = TestServer::start(Config::default()).await.unwrap();
    for sdu in (512..=2700)
        .step_by(71)
        .chain([513, 1001, 2651, 2652, 8191])
    {
        let how = Unmarked { sdu, even: true };
        let mut c = Client::logon_unmarked(server.addr(), "scott", "tiger", how)
            .await
            .unwrap_or_else(|e| panic!("logon at SDU {sdu}: {e}"));
        let got = tokio::time::timeout(
            Duration::from_secs(10),
            c.plsql_out_text("begin :o := 'ok'; end;", 2),
        )
        .await
        .unwrap_or_else(|_| panic!("call at SDU {sdu} hung"));
        assert_eq!(got.unwrap().as_deref(), Some("ok"), "SDU {sdu}");
    }
}

/// Pads a PL/SQL block until its request is exactly `len` bytes.
fn block_of_size(c: &Client, len: usize) -> String {
    let base = c.plsql_out_payload("begin :o := 'ok'; end; --", 2).len();
    // Long SQL text goes in chunks, whose length bytes shift the size a little.
    let near = len.saturating_sub(base);
    for pad in near.saturating_sub(200)..near + 50 {
        let sql = format!("begin :o := 'ok'; end; --{}", "x".repeat(pad));
        if c.plsql_out_payload(&sql, 2).len() == len {
            return sql;
        }
    }
    panic!("no padding gives {len} bytes");
}

#[tokio::test]
async fn a_request_ending_exactly_on_a_full_packet_is_answered() {
    let server = TestServer::start(Config::default()).await.unwrap();
    for sdu in [512, 1001, 8192] {
        let how = Unmarked { sdu, even: false };
        let mut c = Client::logon_unmarked(server.addr(), "scott", "tiger", how)
            .await
            .unwrap();
        let room = sdu - packet::HEADER_LEN - 2;
        for packets in [1, 2, 3] {
            let sql = block_of_size(&c, room * packets);
            let got = tokio::time::timeout(Duration::from_secs(10), c.plsql_out_text(&sql, 2))
                .await
                .unwrap_or_else(|_| panic!("{packets} full packets at SDU {sdu}: no answer"));
            assert_eq!(got.unwrap().as_deref(), Some("ok"));
        }
    }
}
