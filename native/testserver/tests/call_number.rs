//! The ERROR that ends a call carries the call's sequence number. JDBC Thin
//! compares the two: on a mismatch it takes the ERROR as out of sequence and
//! throws even the ORA-01403 that ends a fetch, so every query failed.

mod common;

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

#[tokio::test]
async fn a_fetch_ends_with_the_fetch_calls_sequence_number() {
    // The OFETCH below was captured at field version 17: the server offers that here.
    let server = TestServer::start(Config {
        field_version: 17,
        ..Config::default()
    })
    .await
    .unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    // JDBC's describe step: parse and execute, no rows (al8i4[1] = 0), seq 3.
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[7] = 1;
    al8i4[9] = 0x8000;
    let req = ExecuteRequest {
        seq: 3,
        options: options::PARSE | options::EXECUTE | options::NOT_PLSQL,
        sql: Some("select 1 from dual where 1 = 0".into()),
        al8i4,
        ..Default::default()
    };
    let mut w = Writer::new();
    req.encode(&mut w, &c.caps(), &[], true);
    let (kinds, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!(kinds, [msg::DESCRIBE_INFO, msg::PARAMETER]);
    assert_eq!((end.error_num, end.cursor_id, end.call_number), (0, 1, 3));

    // ojdbc11 23.26.4's OFETCH of cursor 1, 10 rows, sequence number 4
    // (captured at field version 17).
    let fetch = [0x03, 0x05, 0x04, 0x01, 0x01, 0x01, 0x0a];
    let (kinds, end) = c.call_raw(&fetch).await.unwrap();
    assert_eq!(kinds, [msg::ROW_HEADER]);
    assert_eq!((end.error_num, end.call_number), (1403, 4));

    // An error answer says which call it ends, too.
    let bad = [0x03, 0x05, 0x07, 0x01, 0x09, 0x01, 0x0a];
    let (_, end) = c.call_raw(&bad).await.unwrap();
    assert_eq!((end.error_num, end.call_number), (1001, 7));
}

/// A broken call ends with ORA-01013 carrying the broken call's number, as any call's last
/// ERROR does. OCI 19.3 took the ORA-01013 with number 0 as belonging to no call and sent
/// the interrupted statement again, so `cancel()` in python-oracledb Thick (and oradb's thick
/// mode) waited for the whole statement to run twice over.
#[tokio::test]
async fn the_ora_01013_of_a_break_carries_the_broken_calls_sequence_number() {
    use oradb_protocol::packet::{kind, marker};
    use oradb_protocol::ttc::error::ErrorMessage;

    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    let req = ExecuteRequest {
        seq: 9,
        options: options::PARSE | options::EXECUTE,
        sql: Some("begin dbms_session.sleep(10); end;".into()),
        al8i4,
        ..Default::default()
    };
    let mut w = Writer::new();
    req.encode(&mut w, &c.caps(), &[], true);
    c.send_only(&w.buf).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    c.send_marker(marker::INTERRUPT).await.unwrap();
    let brk = c.next_packet().await.unwrap();
    assert_eq!(
        (brk.kind, brk.body.last().copied()),
        (kind::MARKER, Some(marker::BREAK))
    );
    c.send_marker(marker::RESET).await.unwrap();
    let reset = c.next_packet().await.unwrap();
    assert_eq!(
        (reset.kind, reset.body.last().copied()),
        (kind::MARKER, Some(marker::RESET))
    );
    let data = c.next_packet().await.unwrap();
    assert_eq!(data.kind, kind::DATA);
    let payload = data.data_payload();
    assert_eq!(payload[0], msg::ERROR);
    let caps = c.caps();
    let e =
        ErrorMessage::decode(&mut oradb_protocol::buf::Reader::new(&payload[1..]), &caps).unwrap();
    assert_eq!((e.error_num, e.call_number), (1013, 9));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
