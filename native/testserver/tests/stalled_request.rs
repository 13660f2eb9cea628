//! A client that stops in the middle of a request, after a full packet: the
//! request's content says more is coming, so the server waits, but only
//! for its I/O timeout. Then it ends that session (its request can never
//! be answered: what came so far is cut inside a bind row), and other
//! sessions are served all along.

mod common;

use std::time::{Duration, Instant};

use common::{Client, Unmarked};
use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::execute::{options, BindValue, ExecuteRequest};
use oradb_protocol::value::ora_type;
use oradb_testserver::{Config, TestServer};

const SDU: usize = 8192;
/// The payload of a full DATA packet (header 8, data flags 2).
const FULL: usize = SDU - 10;

/// An executemany of 2,000 rows as python-oracledb sends it (the row count
/// in al8i4[1]): several packets long.
fn executemany(c: &Client) -> Vec<u8> {
    let binds = vec![
        ColumnMeta::bind(ora_type::NUMBER, 22),
        ColumnMeta::bind(ora_type::VARCHAR, 20),
    ];
    let rows: Vec<Vec<BindValue>> = (0..2000)
        .map(|i| vec![Some(vec![0xC1, 2]), Some(format!("row {i}").into_bytes())])
        .collect();
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = rows.len() as u32;
    let req = ExecuteRequest {
        seq: 3,
        options: options::PARSE | options::BIND | options::EXECUTE | options::NOT_PLSQL,
        sql: Some("insert into stalled values (:1, :2)".into()),
        al8i4,
        binds: binds.clone(),
        rows,
        ..Default::default()
    };
    let mut w = Writer::new();
    req.encode(&mut w, &c.caps(), &binds, false);
    w.buf
}

#[tokio::test]
async fn a_client_silent_after_a_full_packet_mid_request_is_let_go_after_the_io_timeout() {
    let timeout = Duration::from_millis(800);
    let server = TestServer::start(Config {
        io_timeout: timeout,
        ..Config::default()
    })
    .await
    .unwrap();
    let how = Unmarked {
        sdu: SDU,
        even: false,
    };
    let mut stalled = Client::logon_unmarked(server.addr(), "scott", "tiger", how)
        .await
        .unwrap();
    let req = executemany(&stalled);
    assert!(req.len() > 3 * FULL, "{} bytes", req.len());
    // One full packet of it, then nothing.
    let started = Instant::now();
    stalled.send_only(&req[..FULL]).await.unwrap();

    // Meanwhile another session is answered at once.
    let mut other = Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let mut w = Writer::new();
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    ExecuteRequest {
        seq: 2,
        options: options::PARSE | options::EXECUTE | options::NOT_PLSQL,
        sql: Some("create table stalled (n number, s varchar2(20))".into()),
        al8i4,
        ..Default::default()
    }
    .encode(&mut w, &other.caps(), &[], false);
    let (_, end) = other.call_raw(&w.buf).await.unwrap();
    assert_eq!(end.error_num, 0, "{:?}", end.message);

    // The stalled session gets no answer before the timeout (the request
    // is not taken for whole), and is closed soon after it.
    let got = tokio::time::timeout(timeout * 6, stalled.next_packet())
        .await
        .expect("the server let the stalled session go");
    let waited = started.elapsed();
    assert!(got.is_err(), "an answer to a cut request: {got:?}");
    assert!(waited >= timeout, "closed after {waited:?}");

    // The server goes on: the whole request from a new session is answered.
    let mut again = Client::logon_unmarked(server.addr(), "scott", "tiger", how)
        .await
        .unwrap();
    let req = executemany(&again);
    let (_, end) = again.call_raw(&req).await.unwrap();
    assert_eq!(end.error_num, 0, "{:?}", end.message);
    assert_eq!(end.row_count, 2000);
}
