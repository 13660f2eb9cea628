//! Calls after logon as OCI 19.3 makes them, replayed from its captured
//! packets (`tests/oci19/*.hex`; the client is `oci/mod.rs`): OCI's OALL8
//! of `begin null; end;` and its re-execute of that cursor (function 4,
//! what a pooled session's statement cache sends), queries, fetches, LOB
//! locators and temporary LOBs.

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{only_error, Oci, OCI};

#[tokio::test]
async fn oci_re_execute_of_a_cached_statement_gets_an_answer_oci_reads() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;

    // OALL8 parse + execute of a new cursor: the ERROR names the cursor.
    let first = only_error(&c.replay("oall8_plsql").await);
    assert_eq!((first.error_num, first.cursor_id), (0, 1));

    // Re-execute of cursor 1. A PARAMETER message before the ERROR made
    // OCI 19.3 send a BREAK and fail its next call with ORA-03108.
    let again = only_error(&c.replay("reexecute").await);
    assert_eq!((again.error_num, again.cursor_id), (0, 1));
    assert_eq!(again.call_number, 7, "the re-execute's sequence number");
}

/// `select 1 from dual` as OCI 19.3 sends it (python-oracledb thick): the
/// describe carries 1 after the column count, the pointer to the column
/// array without which OCI stops after the first column's type OID length.
#[tokio::test]
async fn oci_query_describe_points_at_its_columns() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let answer = c.replay("oall8_query").await;
    assert_eq!(answer[0], msg::DESCRIBE_INFO);
    let mut r = Reader::new(&answer[1..]);
    r.skip_bytes().unwrap();
    r.ub4().unwrap();
    assert_eq!(r.ub4().unwrap(), 1, "one column");
    assert_eq!(r.u8().unwrap(), 1, "column array pointer");
    assert_eq!(r.u8().unwrap(), 2, "NUMBER");
    // flags, precision, then the scale -127 as a universal SB1 (the DTY
    // reply gave SB1 the universal representation).
    r.u8().unwrap();
    r.u8().unwrap();
    assert_eq!(r.sb2().unwrap(), -127);
}

/// Reads an OCI row batch: the row header's request count (2 for OCI,
/// whatever the rows: see `oci_row_header`), the one-column NUMBER rows (as
/// their Oracle NUMBER bytes) and the closing ERROR.
fn oci_rows(answer: &[u8]) -> (u16, Vec<Vec<u8>>, ErrorMessage) {
    let mut r = Reader::new(answer);
    assert_eq!(r.u8().unwrap(), msg::ROW_HEADER, "answer {answer:02x?}");
    r.u8().unwrap();
    let requests = r.ub2().unwrap();
    r.ub4().unwrap();
    assert_eq!(
        r.ub4().unwrap(),
        u32::from(requests),
        "iterations this time"
    );
    r.ub2().unwrap();
    r.ub4().unwrap();
    r.ub4().unwrap();
    let mut rows = Vec::new();
    while r.peek_u8().unwrap() == msg::ROW_DATA {
        r.u8().unwrap();
        rows.push(r.bytes().unwrap().unwrap());
    }
    assert_eq!(r.u8().unwrap(), msg::ERROR);
    (requests, rows, ErrorMessage::decode(&mut r, &OCI).unwrap())
}

/// OCI 19.3's fetch beyond its prefetch rows (python-oracledb thick,
/// arraysize 7, a 12-row query): the execute brings the 2 prefetch rows,
/// then OCI sends an OALL8 with only the FETCH option and the cursor, its
/// prefetch field 0 and the rows it wants (7 less the 2 it holds) in
/// al8i4[1]. The server answers 5 rows, then the last 5 and ORA-01403.
/// (What OCI makes of these answers: tests/oci19/README.md, round 4.)
#[tokio::test]
async fn oci_fetch_only_oall8_gets_the_rows_in_al8i4() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let answer = c.replay("oall8_query12").await;
    assert_eq!(answer[0], msg::DESCRIBE_INFO);
    // After the describe: a row header counting the 2 rows (flags 0,
    // requests `01 02`, the cursor not at its end).
    let start = answer
        .windows(4)
        .position(|w| w == [msg::ROW_HEADER, 0, 1, 2])
        .expect("a row header for two rows after the describe");
    let (_, prefetched, more) = oci_rows(&answer[start..]);
    assert_eq!(more.error_num, 0);
    assert_eq!(prefetched, [vec![0xc1, 2], vec![0xc1, 3]]);

    let (requests, rows, end) = oci_rows(&c.replay("oall8_fetch").await);
    // 2, not the 5 rows sent: with 5 OCI 19.3 fails on the second row
    // (ORA-03116), with 2 it reads all five.
    assert_eq!(requests, 2, "OCI's row header count");
    let want: Vec<Vec<u8>> = (3..=7).map(|n| vec![0xc1, n + 1]).collect();
    assert_eq!(rows, want);
    assert_eq!((end.error_num, end.cursor_id), (0, 1));

    // The same request again: the last five rows and ORA-01403, the header
    // still counting 2.
    let (requests, rows, end) = oci_rows(&c.replay("oall8_fetch").await);
    assert_eq!(requests, 2);
    let want: Vec<Vec<u8>> = (8..=12).map(|n| vec![0xc1, n + 1]).collect();
    assert_eq!(rows, want);
    assert_eq!(end.error_num, 1403);
}

/// A last batch shorter than the rows OCI asked for (python-oracledb thick,
/// arraysize 7, `select level from dual connect by level <= 10`): 2 rows in
/// the execute answer, 5 on the first fetch-only OALL8 (the same bytes as
/// `oall8_fetch`), then 3 and ORA-01403 on a fetch asking for 7
/// (`oall8_fetch7`). Its header counts 2 like every other: with the rows
/// plus one (4) OCI 19.3 failed with ORA-03106, and a short batch of 490
/// rows counted 491 was dropped without an error.
#[tokio::test]
async fn oci_short_last_batch_counts_two() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let answer = c.replay("oall8_query10").await;
    assert_eq!(answer[0], msg::DESCRIBE_INFO);
    let start = answer
        .windows(4)
        .position(|w| w == [msg::ROW_HEADER, 0, 1, 2])
        .expect("a row header counting 2 after the describe");
    let (_, prefetched, more) = oci_rows(&answer[start..]);
    assert_eq!((prefetched.len(), more.error_num), (2, 0));

    let (_, rows, more) = oci_rows(&c.replay("oall8_fetch").await);
    assert_eq!((rows.len(), more.error_num), (5, 0));

    let (requests, rows, end) = oci_rows(&c.replay("oall8_fetch7").await);
    assert_eq!(requests, 2, "not the 3 rows sent, nor 4, nor the 7 asked");
    let want: Vec<Vec<u8>> = (8..=10).map(|n| vec![0xc1, n + 1]).collect();
    assert_eq!(rows, want);
    assert_eq!((end.error_num, end.row_count), (1403, 10));
}

/// Rows that repeat a value of the row before go after a BIT_VECTOR. OCI
/// 19.3 applies the last BIT_VECTOR of a response to the rows after it, so
/// a row that repeats nothing after one that did carries a BIT_VECTOR with
/// every column set (python-oracledb thick, prefetch 10: rows (1, 'a'),
/// (2, 'a'), (3, 'b')). Without it OCI misread the row and ended the
/// session with ORA-03115.
#[tokio::test]
async fn oci_full_row_after_a_short_one_has_every_bit_set() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let answer = c.replay("oall8_query_repeats").await;
    let has = |want: &[u8]| answer.windows(want.len()).any(|w| w == want);
    assert!(has(&[msg::ROW_DATA, 2, 0xc1, 2, 1, b'a', msg::BIT_VECTOR]));
    // Row 2: one column sent (bit 0), the 'a' repeated.
    assert!(has(&[
        msg::BIT_VECTOR,
        1,
        1,
        1,
        msg::ROW_DATA,
        2,
        0xc1,
        3,
        0x15
    ]));
    // Row 3: both columns, and still a BIT_VECTOR saying so.
    let row3 = [msg::BIT_VECTOR, 1, 2, 3, msg::ROW_DATA, 2, 0xc1, 4, 1, b'b'];
    assert!(has(&row3), "answer {answer:02x?}");
}

/// A cached query released with rows left (python-oracledb thick: fetchone
/// and close, then the same SQL again): OCI cancels the cursor with
/// piggyback 120 (OCANA) on its re-execute-and-fetch (78) of that cursor.
/// The cursor stays; the re-execute starts from the first row. Before,
/// the unknown piggyback was ORA-03115 and OCI dropped the session.
#[tokio::test]
async fn oci_cancel_of_a_cursor_rides_on_its_re_execute() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    c.replay("oall8_query12").await;
    let (_, rows, _) = oci_rows(&c.replay("oall8_fetch").await);
    assert_eq!(rows.len(), 5);

    let (_, rows, more) = oci_rows(&c.replay("cancel_reexecute").await);
    assert_eq!(rows, [vec![0xc1, 2], vec![0xc1, 3]], "rows 1 and 2 again");
    assert_eq!((more.error_num, more.cursor_id), (0, 1));
    let (_, rows, _) = oci_rows(&c.replay("oall8_fetch").await);
    let want: Vec<Vec<u8>> = (3..=7).map(|n| vec![0xc1, n + 1]).collect();
    assert_eq!(rows, want, "then rows 3 to 7, as after the first execute");
}

/// PL/SQL binds as OCI 19.3 sends them. IN binds only: no IO_VECTOR (OCI
/// takes the ERROR alone). OUT binds: the IO_VECTOR OCI reads (PL/SQL flag,
/// one iteration, the directions), then the values, each with its indicator
/// and, for a string bind (bind flags 7), one more field.
#[tokio::test]
async fn oci_plsql_out_binds_come_after_an_io_vector_oci_reads() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    // `declare x number := :1; begin null; end;` with 5
    let done = only_error(&c.replay("oall8_plsql_in").await);
    assert_eq!((done.error_num, done.cursor_id), (0, 1));

    // `begin :n := 42; end;` and `begin :s := 'out'; end;`, each on a new
    // connection (the captures' cursor and sequence numbers are a new
    // session's)
    for (name, value) in [
        ("oall8_plsql_out", &[0xc1, 43][..]),
        ("oall8_plsql_out_str", b"out"),
    ] {
        let mut c = Oci::logon(server.addr()).await;
        let answer = c.replay(name).await;
        let iov = [msg::IO_VECTOR, 0x04, 1, 1, 0, 1, 1, 0, 0, 0, 0x10];
        assert_eq!(answer[..iov.len()], iov, "{name}: {answer:02x?}");
        let mut r = Reader::new(&answer[iov.len()..]);
        assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
        assert_eq!(r.bytes().unwrap().unwrap(), value, "{name}");
        assert_eq!(r.sb4().unwrap(), 0, "{name}: the indicator");
        if name.ends_with("_str") {
            assert_eq!(r.ub2().unwrap(), 0, "the string bind's extra field");
        }
        let done = only_error(r.rest());
        assert_eq!((done.error_num, done.cursor_id), (0, 1), "{name}");
    }
}

/// A two-row query as OCI 19.3 sends it (prefetch 2): both rows come in the
/// execute answer, which ends the cursor. The row header counts 2 (with 3
/// OCI 19.3 fails with ORA-03106).
#[tokio::test]
async fn oci_query_of_exactly_its_prefetch_rows() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    // select 'a', 1 from dual union all select 'b', 2 from dual
    let answer = c.replay("oall8_query2").await;
    assert_eq!(answer[0], msg::DESCRIBE_INFO);
    let start = answer
        .windows(4)
        .position(|w| w == [msg::ROW_HEADER, 0, 1, 2])
        .expect("a row header counting 2 after the describe");
    let mut r = Reader::new(&answer[start + 10..]);
    for (text, n) in [(b"a", 2u8), (b"b", 3)] {
        assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
        assert_eq!(r.bytes().unwrap().unwrap(), text);
        assert_eq!(r.bytes().unwrap().unwrap(), [0xc1, n]);
    }
    assert_eq!(r.u8().unwrap(), msg::ERROR);
    assert_eq!(ErrorMessage::decode(&mut r, &OCI).unwrap().error_num, 1403);
}

/// A CLOB column read back by OCI 19.3 (python-oracledb thick: a table
/// with a CLOB, a 5,000-character string bound in the insert, the select,
/// OCI's define-and-fetch of it, then `read(1, 100)`: a LOB_OP whose
/// locator is the one this server sent). OCI refused the locator without a
/// call (ORA-24801 on read, ORA-24813 on every other LOB call) while it
/// carried the value-based locator version 4 and no type bit; Oracle's
/// persistent locators carry version 1 and the type in flag byte 1.
#[tokio::test]
async fn oci_reads_a_clob_column_through_its_locator() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    for step in ["oall8_create_clob", "oall8_insert_clob"] {
        let done = only_error(&c.replay(step).await);
        assert_eq!(done.error_num, 0, "{step}: {done:?}");
    }
    assert_eq!(c.replay("oall8_select_clob").await[0], msg::DESCRIBE_INFO);
    let rows = c.replay("oall8_define_clob").await;
    // ub4 locator length 40 (`01 28`), size 5,000 (`02 13 88`), chunk size
    // 8,132 (`02 1f c4`), then the locator: length 38, version 1, CLOB,
    // initialised, variable-width character set, not temporary.
    let head = [0x01, 0x28, 0x02, 0x13, 0x88, 0x02, 0x1f, 0xc4, 0x28];
    let at = rows
        .windows(head.len())
        .position(|w| w == head)
        .expect("a CLOB locator value in the row");
    let locator = &rows[at + head.len()..at + head.len() + 40];
    assert_eq!(
        locator[..8],
        [0x00, 0x26, 0x00, 0x01, 0x02, 0x08, 0x80, 0x00]
    );

    let answer = c.replay("lob_read").await;
    assert_eq!(answer[0], 0x0e, "LOB_DATA first: {answer:02x?}");
    let mut r = Reader::new(&answer[1..]);
    let data = r.bytes().unwrap().unwrap();
    assert_eq!(
        data,
        "x".repeat(100)
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<_>>()
    );
}

/// A temporary CLOB as OCI 19.3 makes it (python-oracledb thick
/// `createlob` then `write("hello")`). CREATE_TEMP carries a 108-byte
/// scratch locator and the duration (10) as an amount: OCI waited for the
/// amount after the trailing flags (a hang) until it came back. Its WRITE
/// puts the amount before the data (the server refused it as "LOB write
/// without data", ORA-03115) and reads the amount written back.
#[tokio::test]
async fn oci_creates_and_writes_a_temporary_clob() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let created = c.replay("lob_create_temp").await;
    assert_eq!(created[0], msg::PARAMETER);
    let mut r = Reader::new(&created[1..]);
    let locator = r.take(108).unwrap().to_vec();
    assert_eq!(locator[..4], [0x00, 0x26, 0x00, 0x01]);
    assert_eq!(r.ub2().unwrap(), 873, "the character set");
    assert_eq!(r.u8().unwrap(), 0, "the flags");
    assert_eq!(r.sb8().unwrap(), 10, "the duration back as the amount");
    assert_eq!(r.u8().unwrap(), msg::STATUS);

    // The capture's locator is the one this server's first LOB gets, but
    // for the duration (bytes 22..24) the server has put there since.
    let written = c.replay("lob_write").await;
    assert_eq!(written[0], msg::PARAMETER, "{written:02x?}");
    let mut r = Reader::new(&written[1..]);
    let echoed = r.take(40).unwrap();
    assert_eq!(echoed[..22], locator[..22]);
    assert_eq!(echoed[24..], locator[24..40]);
    assert_eq!(locator[22..24], [0, 10], "OCI_DURATION_SESSION");
    assert_eq!(r.sb8().unwrap(), 5, "five characters written");
    assert_eq!(r.u8().unwrap(), msg::STATUS);
}
