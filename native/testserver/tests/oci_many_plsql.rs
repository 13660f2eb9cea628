//! executemany of a PL/SQL block with an OUT bind as OCI 19.3 sends it
//! (python-oracledb Thick, `begin :o := :i * 2; end;` over i = 1, 2, 3):
//! the first row with the SQL text and an absent value (`FD 01`) for the
//! OUT bind, the next rows as OALL8s that name the cursor alone and carry
//! no value at all for it. The server read one there (ORA-03115 "need more
//! bytes", measured, tests/oci19/README.md round 13).

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{only_error, Oci};

/// The OUT value of one run of the block, after the IO_VECTOR OCI reads.
fn out_value(answer: &[u8]) -> Vec<u8> {
    let iov = [msg::IO_VECTOR, 0x04, 1, 2, 0, 1, 1, 0, 0, 0, 0x10, 0x20];
    assert_eq!(answer[..iov.len()], iov, "{answer:02x?}");
    let mut r = Reader::new(&answer[iov.len()..]);
    assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
    let v = r.bytes().unwrap().unwrap();
    assert_eq!(r.sb4().unwrap(), 0, "the indicator");
    let done = only_error(r.rest());
    assert_eq!(done.error_num, 0, "{:?}", done.message);
    v
}

#[tokio::test]
async fn oci_runs_a_block_again_without_values_for_its_out_binds() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    // i = 1: o = 2 (NUMBER c1 03)
    assert_eq!(
        out_value(&c.replay("oall8_many_plsql_first").await),
        [0xc1, 3]
    );
    // i = 2 on the same cursor: o = 4
    assert_eq!(
        out_value(&c.replay("oall8_many_plsql_next").await),
        [0xc1, 5]
    );
}
