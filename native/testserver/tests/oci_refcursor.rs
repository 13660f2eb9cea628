//! REF CURSOR OUT binds and implicit results as OCI 19.3 asks for them
//! (python-oracledb thick and oradb's thick mode, captured by the logging
//! proxy; tests/oci19/README.md, round 13). OCI reads thin's forms: the OUT
//! value after the IO_VECTOR is the cursor's describe and id, the implicit
//! results are message 27, and OCI then fetches the new cursor with its
//! fetch-only OALL8. A value LOB in its rows carries its duration.

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::implicit::ImplicitResults;
use oradb_protocol::ttc::{msg, rows, Caps};
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{only_error, Oci, OCI};

/// OCI's answers as the server writes them: OCI's SB1 is universal, so a
/// describe's scale goes as a universal integer.
const OCI_DESCRIBE: Caps = Caps {
    universal_scale: true,
    ..OCI
};

/// The rows of a fetch answer to OCI (row header, one NUMBER column), and
/// its closing error number.
fn fetched(answer: &[u8]) -> (Vec<Vec<u8>>, u32) {
    let mut r = Reader::new(answer);
    assert_eq!(r.u8().unwrap(), msg::ROW_HEADER, "answer {answer:02x?}");
    r.u8().unwrap();
    r.ub2().unwrap();
    r.ub4().unwrap();
    r.ub4().unwrap();
    r.ub2().unwrap();
    r.ub4().unwrap();
    r.ub4().unwrap();
    let mut rows = Vec::new();
    while r.peek_u8().unwrap() == msg::ROW_DATA {
        r.u8().unwrap();
        rows.push(r.bytes().unwrap().unwrap());
    }
    assert_eq!(r.u8().unwrap(), msg::ERROR);
    (rows, ErrorMessage::decode(&mut r, &OCI).unwrap().error_num)
}

/// NUMBER images of 1..=n.
fn numbers(n: u8) -> Vec<Vec<u8>> {
    (1..=n).map(|i| vec![0xc1, i + 1]).collect()
}

/// `begin open :c for select level n from dual connect by level <= 5;
/// end;`: python-oracledb thick binds the cursor as `01 00` (a cursor with
/// no id yet), oradb's thick mode as `FD 01` (NULL: ODPI-C's fresh
/// variable). Both get the IO_VECTOR, the cursor's describe and id 2, then
/// its rows through OCI's fetch of cursor 2.
#[tokio::test]
async fn oci_ref_cursor_out_bind_is_a_cursor_oci_fetches() {
    let server = TestServer::start(Config::default()).await.unwrap();
    for capture in ["oall8_plsql_refcursor", "oall8_plsql_refcursor_null"] {
        let mut c = Oci::logon(server.addr()).await;
        let answer = c.replay(capture).await;
        let iov = [msg::IO_VECTOR, 0x04, 1, 1, 0, 1, 1, 0, 0, 0, 0x10];
        assert_eq!(answer[..iov.len()], iov, "{capture}: {answer:02x?}");
        let mut r = Reader::new(&answer[iov.len()..]);
        assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
        let (info, id) = rows::read_out_cursor(&mut r, &OCI_DESCRIBE).unwrap();
        let names: Vec<&str> = info.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!((names, id), (vec!["N"], 2), "{capture}");
        let done = only_error(r.rest());
        assert_eq!((done.error_num, done.cursor_id), (0, 1), "{capture}");

        let (rows, end) = fetched(&c.replay("oall8_fetch_refcursor").await);
        assert_eq!((rows, end), (numbers(5), 1403), "{capture}");
    }
}

/// A block that returns a cursor with DBMS_SQL.RETURN_RESULT, as
/// python-oracledb thick sends it (no binds): message 27 with the cursor's
/// describe and id 2 comes before the closing ERROR, then OCI fetches it.
#[tokio::test]
async fn oci_implicit_result_is_a_cursor_oci_fetches() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let answer = c.replay("oall8_implicit").await;
    let mut r = Reader::new(&answer);
    assert_eq!(r.u8().unwrap(), msg::IMPLICIT_RESULTSET, "{answer:02x?}");
    let m = ImplicitResults::decode(&mut r, &OCI_DESCRIBE).unwrap();
    assert_eq!(m.results.len(), 1);
    assert_eq!(m.results[0].cursor_id, 2);
    assert_eq!(m.results[0].describe.columns[0].name, "LEVEL");
    let done = only_error(r.rest());
    assert_eq!((done.error_num, done.cursor_id), (0, 1));

    // The same fetch-only OALL8 of cursor 2 (sequence 7) as for the OUT bind.
    let (rows, end) = fetched(&c.replay("oall8_fetch_refcursor").await);
    assert_eq!((rows, end), (numbers(3), 1403));
}

/// A REF CURSOR's CLOB column (python-oracledb thick, `begin open :c for
/// select to_clob('abc') from dual; end;`, then its fetch with a LOB define
/// and a read): a value LOB's locator, abstract, carries its duration (10,
/// the session's, at bytes 22..24), without which OCI raised OCI-21500
/// `[kolrcrfc-Wrong duration]` on the fetch (printed, then read on). The
/// read gets "abc".
#[tokio::test]
async fn oci_ref_cursor_clob_locator_carries_its_duration() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let answer = c.replay("oall8_plsql_refcursor_clob").await;
    assert_eq!(answer[0], msg::IO_VECTOR, "{answer:02x?}");
    let rows = c.replay("oall8_define_refcursor_clob").await;
    // ub4 locator length 40, size 3, chunk size 8,132, then the locator:
    // length 38, version 1, CLOB, value-based and abstract (0x62).
    let head = [0x01, 0x28, 0x01, 0x03, 0x02, 0x1f, 0xc4, 0x28];
    let at = rows
        .windows(head.len())
        .position(|w| w == head)
        .expect("a CLOB locator value in the row");
    let locator = &rows[at + head.len()..at + head.len() + 40];
    assert_eq!(
        locator[..8],
        [0x00, 0x26, 0x00, 0x01, 0x62, 0x08, 0x80, 0x00]
    );
    assert_eq!(
        locator[22..24],
        [0x00, 0x0a],
        "the duration: {locator:02x?}"
    );

    let answer = c.replay("lob_read_refcursor").await;
    assert_eq!(answer[0], 0x0e, "LOB_DATA first: {answer:02x?}");
    let data = Reader::new(&answer[1..]).bytes().unwrap().unwrap();
    assert_eq!(data, [0, b'a', 0, b'b', 0, b'c']);
}
