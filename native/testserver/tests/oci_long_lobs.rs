//! LONG columns and LOBs fetched as text by OCI 19.3, replayed from its
//! captured packets (`tests/oci19/*_long*.hex`, `*_lobstr*.hex`, from the
//! logging proxy of python-oracledb thick).

use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{only_error, Oci};

/// A LONG column fetched by OCI 19.3 (python-oracledb thick: `create table
/// tlong (c long)`, a 3,000-character value, the select, then an update to
/// 5,000 characters and the cursor's re-execute). As Oracle documents for
/// OCI's prefetch, a query with a LONG column answers its execute without
/// rows: OCI then fetches (fetch-only OALL8). Rows in the execute answer
/// crashed OCI 19.3 over 4,096 bytes; fetched, it reads any length. The
/// column is described with a buffer of 32,760 (1, what thin clients are
/// told, failed with ORA-03120; 0 crashed OCI).
#[tokio::test]
async fn oci_fetches_a_long_column_after_the_execute() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    for step in ["oall8_create_long", "oall8_insert_long"] {
        let done = only_error(&c.replay(step).await);
        assert_eq!(done.error_num, 0, "{step}: {done:?}");
    }
    let answer = c.replay("oall8_select_long").await;
    assert_eq!(answer[0], msg::DESCRIBE_INFO);
    // One column, its array pointer, then LONG (8), flags, precision,
    // scale and the buffer size 32,760.
    let col = [0x01, 0x01, 0x01, 0x08, 0, 0, 0, 0x02, 0x7f, 0xf8];
    assert!(
        answer.windows(col.len()).any(|w| w == col),
        "{:02x?}",
        &answer[..40]
    );
    assert!(!answer.contains(&b'y'), "no row before OCI's fetch");
    let rows = c.replay("oall8_fetch_long").await;
    let value = rows.windows(3000).any(|w| w.iter().all(|&b| b == b'y'));
    assert!(value, "the 3,000-character value in the fetch answer");

    assert_eq!(
        only_error(&c.replay("oall8_update_long").await).error_num,
        0
    );
    let again = c.replay("reexecute_long").await;
    assert_eq!(only_error(&again).error_num, 0, "{again:02x?}");
    let rows = c.replay("oall8_fetch_long2").await;
    let value = rows.windows(5000).any(|w| w.iter().all(|&b| b == b'z'));
    assert!(value, "the 5,000-character value in the fetch answer");
}

/// Creates `t_cs (id number, c clob)`, runs the captured inserts and
/// commit, then OCI's select and its define of `c` as VARCHAR with a
/// 2^31 - 1 buffer (`oall8_define_lobstr`, python-oracledb thick with
/// `fetch_lobs = False`): the rows answer.
async fn clob_defined_as_varchar(inserts: [&str; 2]) -> (Vec<u8>, Oci, TestServer) {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    for step in ["oall8_create_lobstr", inserts[0], inserts[1]] {
        let done = only_error(&c.replay(step).await);
        assert_eq!(done.error_num, 0, "{step}: {done:?}");
    }
    // A commit ends with STATUS for OCI.
    assert_eq!(c.replay("commit_lobstr").await[0], msg::STATUS);
    assert_eq!(c.replay("oall8_select_lobstr").await[0], msg::DESCRIBE_INFO);
    let rows = c.replay("oall8_define_lobstr").await;
    let end = rows.windows(4).any(|w| w == b"1403");
    assert!(end, "ends with ORA-01403: {rows:02x?}");
    (rows, c, server)
}

fn contains(rows: &[u8], value: &[u8]) {
    let found = rows.windows(value.len()).any(|w| w == value);
    assert!(found, "{value:02x?} in {rows:02x?}");
}

/// OCI reads each value in the LONG form, the bytes then indicator and
/// return code (`00 00`); the short form made it break (ORA-03106).
#[tokio::test]
async fn oci_fetches_a_clob_defined_as_varchar_in_the_long_form() {
    let (rows, ..) = clob_defined_as_varchar(["oall8_insert_lobstr", "oall8_insert_lobstr2"]).await;
    contains(&rows, b"\x05hello\x00\x00");
    contains(&rows, b"\x03xxx\x00\x00");
}

/// A NULL in the LONG form carries indicator -1 (`81 01`) for OCI: with 0,
/// OCI 19.3 reported ORA-01406 for a NULL first in a fetch-only answer.
#[tokio::test]
async fn oci_gets_a_null_long_form_value_with_indicator_minus_one() {
    let (rows, ..) = clob_defined_as_varchar(["oall8_insert_null", "oall8_insert_two"]).await;
    // Row 1: NUMBER 1 (`02 c1 02`), then the NULL CLOB.
    contains(&rows, b"\x02\xc1\x02\x00\x81\x01\x00");
    contains(&rows, b"\x03two\x00\x00");
}

/// OCI re-executes the cached query (function 78, prefetch 2) but takes no
/// prefetched rows for a cursor with LOB columns: the answer is the end of
/// call alone (rows there were ORA-24813 or ORA-03106), and OCI's
/// fetch-only OALL8 gets them.
#[tokio::test]
async fn oci_reexecute_of_a_lob_query_sends_no_rows_until_the_fetch() {
    let (_, mut c, _server) =
        clob_defined_as_varchar(["oall8_insert_lobstr", "oall8_insert_lobstr2"]).await;
    let again = c.replay("reexecute_lobstr").await;
    assert_eq!(only_error(&again).error_num, 0, "{again:02x?}");
    let rows = c.replay("oall8_fetch_lobstr").await;
    contains(&rows, b"\x05hello\x00\x00");
    contains(&rows, b"\x03xxx\x00\x00");
}
