//! A PL/SQL CLOB OUT bind as OCI 19.3 sends it (`begin :c := 'abc'; end;`,
//! python-oracledb Thick with `cursor.var(DB_TYPE_CLOB)`): OCI's bind asks
//! for no LOB prefetch, so the value is the locator alone (ub4 length, the
//! bytes), without the size and chunk size thin clients get; with them OCI
//! fails with ORA-03120 (measured, tests/oci19/README.md round 13).

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{only_error, Oci};

#[tokio::test]
async fn oci_clob_out_bind_is_its_locator_alone() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let answer = c.replay("oall8_plsql_out_clob").await;
    // The IO_VECTOR OCI reads (round 10): PL/SQL flag, one iteration, OUT.
    let iov = [msg::IO_VECTOR, 0x04, 1, 1, 0, 1, 1, 0, 0, 0, 0x10];
    assert_eq!(answer[..iov.len()], iov, "{answer:02x?}");
    let mut r = Reader::new(&answer[iov.len()..]);
    assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
    let len = r.ub4().unwrap();
    let locator = r.bytes().unwrap().unwrap();
    assert_eq!(len as usize, locator.len(), "the length, then the locator");
    assert_eq!(locator.len(), 40);
    // A temporary CLOB of the session (flag byte 4: temporary; bytes 22..24:
    // OCI_DURATION_SESSION, which OCI checks when it frees it).
    assert_eq!(locator[4] & 0x02, 0x02, "a CLOB: {locator:02x?}");
    assert_eq!(locator[7] & 0x01, 0x01, "temporary: {locator:02x?}");
    assert_eq!(locator[22..24], [0, 10]);
    assert_eq!(r.sb4().unwrap(), 0, "the indicator");
    let done = only_error(r.rest());
    assert_eq!((done.error_num, done.cursor_id), (0, 1));
}
