//! python-oracledb's executemany gives its row count in al8i4[1] and 0 in
//! the iterations field. The server took that for one row, so when a packet
//! ended exactly between two bind rows it answered the request there and
//! read the rest as a new request of type 7 (ORA-03115); the conformance
//! script's 10,000-row executemany failed that way most runs. Replays
//! python-oracledb's request (`tests/golden/python_executemany_3_rows.hex`).

mod common;

use std::time::Duration;

use common::{Client, Unmarked};
use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_testserver::TestServer;

const SDU: usize = 1001;
/// Payload bytes in a full packet at SDU 1001 (header 8, data flags 2);
/// python-oracledb's second bind row starts exactly there.
const FIRST_PACKET: usize = SDU - 10;

fn executemany() -> Vec<u8> {
    let line = include_str!("golden/python_executemany_3_rows.hex")
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap();
    (0..line.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&line[i..i + 2], 16).unwrap())
        .collect()
}

fn statement(sql: &str, seq: u8) -> ExecuteRequest {
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = 10;
    ExecuteRequest {
        seq,
        options: options::PARSE | options::EXECUTE | options::FETCH | options::NOT_PLSQL,
        sql: Some(sql.into()),
        al8i4,
        prefetch_rows: 10,
        ..Default::default()
    }
}

#[tokio::test]
async fn executemany_cut_between_bind_rows_at_a_full_packet_waits_for_the_rest() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let how = Unmarked {
        sdu: SDU,
        even: false,
    };
    let mut c = Client::logon_unmarked(server.addr(), "scott", "tiger", how)
        .await
        .unwrap();
    let mut w = Writer::new();
    statement(
        "create table py_em (id number(10) primary key, n number, s varchar2(1000))",
        2,
    )
    .encode(&mut w, &c.caps(), &[], true);
    let (_, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!(end.error_num, 0, "{:?}", end.message);

    let req = executemany();
    // The golden request is what the test relies on: row 2 opens packet 2.
    assert_eq!(req[FIRST_PACKET..FIRST_PACKET + 4], [7, 2, 0xC1, 3]);
    let (first, rest) = req.split_at(FIRST_PACKET);
    let (_, end) = c
        .call_in_packets(&[first, rest], SDU, Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(end.error_num, 0, "{:?}", end.message);
    assert_eq!(end.row_count, 3);

    // All three rows are in, and the session answers the next call.
    let mut w = Writer::new();
    statement(
        "select 1 from dual where (select count(*) from py_em) <> 3",
        9,
    )
    .encode(&mut w, &c.caps(), &[], true);
    let (_, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!(end.error_num, 1403, "{:?}", end.message);
}
