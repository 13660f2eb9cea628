//! DML RETURNING into a LOB bind sends the value as a LOB locator (a
//! temporary LOB holding it), as a PL/SQL LOB OUT bind is sent. The server
//! used to send the value's bytes there, and python-oracledb, reading a
//! locator, failed with "DPY-5002: read integer of length 19" (test_1600's
//! 1618 and 1625). Replays python-oracledb's own requests
//! (`tests/golden/python_returning_clob.hex`).

mod common;

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::lob::read_locator_value;
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

#[tokio::test]
async fn returning_into_a_clob_bind_sends_a_locator_of_the_value() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let req = common::hex_lines(include_str!("golden/python_returning_clob.hex"));
    assert_eq!(req.len(), 2);
    let (_, end) = c.call_raw(&req[0]).await.unwrap();
    assert_eq!(end.error_num, 0, "{end:?}");

    let a = c.call_packet(&req[1]).await.unwrap();
    assert_eq!(a[0], msg::ROW_DATA, "{a:02x?}");
    let mut r = Reader::new(&a[1..]);
    assert_eq!(r.ub4().unwrap(), 1, "one row for the one bind");
    let (locator, size, _chunk) = read_locator_value(&mut r)
        .unwrap()
        .expect("a locator, not NULL");
    assert!(!locator.is_empty());
    assert_eq!(size, "A short CLOB - 1618".len() as u64);
    assert_eq!(r.sb4().unwrap(), 0, "indicator: not NULL");
}
