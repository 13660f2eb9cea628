//! A PL/SQL IN OUT CLOB bind as OCI 19.3 sends it (python-oracledb Thick:
//! a temporary CLOB made and written, then `begin :x := :x || ' more'; end;`
//! with it bound). OCI reads the answer into the locator it sent and, when
//! that names another LOB, frees its temporary LOB in the middle of reading
//! and fails (a BREAK, then OCI-21500); so the value goes back in the LOB it
//! sent, under that locator (measured, tests/oci19/README.md round 14 b).

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{capture, only_error, Oci};

#[tokio::test]
async fn oci_in_out_clob_comes_back_in_the_lob_it_sent() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let created = c.replay("lob_create_temp").await;
    assert_eq!(created[0], msg::PARAMETER);
    let locator = created[1..41].to_vec();
    // "hello" into it; the block's IN locator is this one.
    assert_eq!(c.replay("lob_write").await[0], msg::PARAMETER);

    let answer = c.replay("oall8_plsql_inout_clob").await;
    // The IO_VECTOR of round 10: PL/SQL flag, one iteration, IN OUT.
    let iov = [msg::IO_VECTOR, 0x04, 1, 1, 0, 1, 1, 0, 0, 0, 0x30];
    assert_eq!(answer[..iov.len()], iov, "{answer:02x?}");
    let mut r = Reader::new(&answer[iov.len()..]);
    assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
    assert_eq!(r.ub4().unwrap(), 40, "the locator alone, as for an OUT LOB");
    let back = r.bytes().unwrap().unwrap();
    assert_eq!(back, locator, "the LOB OCI sent, not a copy");
    assert_eq!(r.sb4().unwrap(), 0, "the indicator");
    let done = only_error(r.rest());
    assert_eq!((done.error_num, done.cursor_id), (0, 1));

    // OCI's read(1, 100), aimed at that LOB: the block's value is in it.
    let mut read = capture("lob_read")[10..].to_vec();
    let at = read
        .windows(4)
        .position(|w| w == [0x00, 0x26, 0x00, 0x01])
        .unwrap();
    read[at..at + 40].copy_from_slice(&locator);
    let data = c.call(&read).await;
    assert_eq!(data[0], 0x0e, "LOB_DATA first: {data:02x?}");
    let mut r = Reader::new(&data[1..]);
    let text: Vec<u8> = "hello more"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    assert_eq!(r.bytes().unwrap().unwrap(), text);
}
