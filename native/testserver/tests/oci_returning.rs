//! DML RETURNING INTO as OCI 19.3 sends it (options 0x40429, bind flags 5,
//! `FD 01` as each RETURNING bind's value; captures `tests/oci19/*returning*`
//! from python-oracledb Thick through the logging proxy) and the answer it
//! reads (tests/oci19/README.md, round 13a): an IO_VECTOR with every bind's
//! direction, then per RETURNING bind a row count and per row the value, its
//! indicator and a return code.

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{only_error, Oci};

/// One returned value: the bytes, the indicator and the return code.
fn value(r: &mut Reader) -> (Option<Vec<u8>>, i32, u32) {
    let v = r.bytes().unwrap();
    (v, r.sb4().unwrap(), r.ub4().unwrap())
}

/// A LOB or UROWID value: a ub4 length before the bytes, then the
/// indicator and return code.
fn sized(r: &mut Reader) -> (Option<Vec<u8>>, i32, u32) {
    let n = r.ub4().unwrap();
    let v = if n > 0 { r.bytes().unwrap() } else { None };
    assert_eq!(v.as_ref().map_or(0, Vec::len), n as usize);
    (v, r.sb4().unwrap(), r.ub4().unwrap())
}

/// Oracle's NUMBER for 100..9999: exponent byte, base-100 digits + 1, no
/// trailing zero digit.
fn hundreds(n: u16) -> Vec<u8> {
    let mut v = vec![0xc2, (n / 100 + 1) as u8];
    if !n.is_multiple_of(100) {
        v.push((n % 100 + 1) as u8);
    }
    v
}

/// The IO_VECTOR OCI reads: PL/SQL flag, `dirs.len()` binds, one
/// iteration, no bit vector or rowid, then the directions.
fn io_vector(dirs: &[u8]) -> Vec<u8> {
    let mut v = vec![msg::IO_VECTOR, 0x04, 1, dirs.len() as u8, 0, 1, 1, 0, 0, 0];
    v.extend_from_slice(dirs);
    v
}

async fn with_two_rows(server: &TestServer) -> Oci {
    let mut c = Oci::logon(server.addr()).await;
    // create table t (id number, s varchar2(20), c clob), then rows
    // (1, 'a', 'x') and (2, null, 'y')
    for step in ["returning_create", "returning_insert1", "returning_insert2"] {
        let done = only_error(&c.replay(step).await);
        assert_eq!(done.error_num, 0, "{step}");
    }
    c
}

#[tokio::test]
async fn oci_update_returning_several_rows_and_binds_comes_after_an_io_vector() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = with_two_rows(&server).await;
    // update t set id = id + :1 returning id, s, rowid into :2, :3, :4
    // with 10: one IN bind, three RETURNING binds (the ROWID as UROWID)
    let answer = c.replay("oall8_update_returning").await;
    let iov = io_vector(&[0x20, 0x10, 0x10, 0x10]);
    assert_eq!(answer[..iov.len()], iov, "{answer:02x?}");
    let mut r = Reader::new(&answer[iov.len()..]);
    assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
    assert_eq!(r.ub4().unwrap(), 2, "ids");
    assert_eq!(value(&mut r), (Some(vec![0xc1, 12]), 0, 0));
    assert_eq!(value(&mut r), (Some(vec![0xc1, 13]), 0, 0));
    assert_eq!(r.ub4().unwrap(), 2, "strings");
    assert_eq!(value(&mut r), (Some(b"a".to_vec()), 0, 0));
    assert_eq!(value(&mut r), (None, -1, 0), "NULL: indicator -1");
    assert_eq!(r.ub4().unwrap(), 2, "rowids");
    for _ in 0..2 {
        let (v, ind, rc) = sized(&mut r);
        let v = v.expect("a rowid");
        // A physical ROWID's binary form: kind 1, object, file, block, slot.
        assert_eq!((v.len(), v[0], ind, rc), (13, 1, 0, 0), "{v:02x?}");
    }
    let done = only_error(r.rest());
    assert_eq!((done.error_num, done.row_count), (0, 2));
}

#[tokio::test]
async fn oci_returning_no_rows_and_a_clob_locator() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = with_two_rows(&server).await;
    c.replay("oall8_update_returning").await;
    // delete from t where id > 100 returning id into :1: no row
    let answer = c.replay("oall8_delete_returning0").await;
    let iov = io_vector(&[0x10]);
    assert_eq!(answer[..iov.len()], iov, "{answer:02x?}");
    let mut r = Reader::new(&answer[iov.len()..]);
    assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
    assert_eq!(r.ub4().unwrap(), 0);
    let done = only_error(r.rest());
    assert_eq!((done.error_num, done.row_count), (0, 0));

    // insert into t values (3, 'c', 'lob text') returning c into :1: the
    // locator alone (OCI takes no size or chunk size here)
    let answer = c.replay("oall8_insert_returning_clob").await;
    assert_eq!(answer[..iov.len()], iov, "{answer:02x?}");
    let mut r = Reader::new(&answer[iov.len()..]);
    assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
    assert_eq!(r.ub4().unwrap(), 1);
    let (loc, ind, rc) = sized(&mut r);
    let loc = loc.expect("a locator");
    // A persistent CLOB locator (round 8): version 1, the CLOB bit.
    assert!(loc.len() > 8 && loc[4] & 0x02 != 0, "{loc:02x?}");
    assert_eq!((ind, rc), (0, 0));
    let done = only_error(r.rest());
    assert_eq!((done.error_num, done.row_count), (0, 1));
}

/// executemany: one IO_VECTOR counting the executions, then one ROW_DATA
/// per execution. OCI sends `FD 01` for the RETURNING bind in each row when
/// it parses, and no value for it when it executes the cursor again.
#[tokio::test]
async fn oci_returning_per_execution_and_on_a_cursor_executed_again() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    // create table t (id number, s varchar2(20))
    assert_eq!(
        only_error(&c.replay("returning_create2").await).error_num,
        0
    );
    // insert into t (id) values (:1) returning id into :2, rows 100..102
    let answer = c.replay("oall8_insert_returning_many").await;
    let mut iov = io_vector(&[0x20, 0x10]);
    iov[6] = 3; // iterations
    assert_eq!(answer[..iov.len()], iov, "{answer:02x?}");
    let mut r = Reader::new(&answer[iov.len()..]);
    for id in [100u8, 101, 102] {
        assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
        assert_eq!(r.ub4().unwrap(), 1);
        assert_eq!(value(&mut r), (Some(hundreds(u16::from(id))), 0, 0));
    }
    let done = only_error(r.rest());
    assert_eq!((done.error_num, done.row_count), (0, 3));

    // insert into t (id, s) values (:1, :2) returning id into :3 with 500,
    // then the same cursor with 501 (no SQL, no value for :3)
    for (name, id) in [
        ("oall8_insert_returning_parse", 500u16),
        ("oall8_insert_returning_reexec", 501),
    ] {
        let answer = c.replay(name).await;
        let iov = io_vector(&[0x20, 0x20, 0x10]);
        assert_eq!(answer[..iov.len()], iov, "{name}: {answer:02x?}");
        let mut r = Reader::new(&answer[iov.len()..]);
        assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
        assert_eq!(r.ub4().unwrap(), 1);
        assert_eq!(value(&mut r), (Some(hundreds(id)), 0, 0), "{name}");
        let done = only_error(r.rest());
        assert_eq!((done.error_num, done.row_count), (0, 1), "{name}");
    }
}
