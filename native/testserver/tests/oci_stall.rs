//! The stall fault on OCI's fetches: OCI 19.3 fetches with an OALL8 that
//! has only the FETCH option (no FETCH call), which the stall must hold as
//! it holds a FETCH.

use std::time::Duration;

use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};
use tokio::io::AsyncWriteExt;

mod oci;

use oci::{capture, Oci};

#[tokio::test]
async fn oci_fetch_only_oall8_waits_while_the_session_is_stalled() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    assert_eq!(c.replay("oall8_query12").await[0], msg::DESCRIBE_INFO);
    // The first session's id.
    server.faults().stall(100);
    c.sock.write_all(&capture("oall8_fetch")).await.unwrap();
    let held = tokio::time::timeout(Duration::from_millis(300), c.next()).await;
    assert!(held.is_err(), "a stalled fetch answered");
    server.faults().unstall(Some(100));
    let rows = c.next().await.data_payload().to_vec();
    assert_eq!(rows[0], msg::ROW_HEADER, "the rows once the stall ends");
}
