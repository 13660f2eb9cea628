//! Oracle finds the end of a result only by fetching past it: a batch that
//! fills the rows asked ends in success, and the next fetch gets ORA-01403
//! with no rows (python-oracledb's test_4322 counts that round trip: a
//! one-row query with prefetch 1 takes two). A short batch ends with
//! ORA-01403 at once.

mod common;

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::fetch::FetchRequest;
use oradb_testserver::TestServer;

fn query(sql: &str, rows: u32) -> ExecuteRequest {
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = rows;
    ExecuteRequest {
        seq: 9,
        options: options::PARSE | options::EXECUTE | options::FETCH | options::NOT_PLSQL,
        sql: Some(sql.into()),
        al8i4,
        prefetch_rows: rows,
        ..Default::default()
    }
}

fn ends(answer: &[u8]) -> bool {
    answer.windows(9).any(|w| w == b"ORA-01403")
}

#[tokio::test]
async fn a_full_batch_is_not_the_end_a_short_one_is() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let caps = c.caps();
    let sql = "select 'ab' || level from dual connect by level <= 2";

    // Two rows asked, two there: both rows, and not the end.
    let mut w = Writer::new();
    query(sql, 2).encode(&mut w, &caps, &[], true);
    let answer = c.call_packet(&w.buf).await.unwrap();
    assert!(answer.windows(3).any(|w| w == b"ab2"), "{answer:02x?}");
    assert!(!ends(&answer), "{answer:02x?}");
    // The fetch after it finds the end, with no rows. The cursor is the
    // first one the session opened.
    let mut w = Writer::new();
    let fetch = FetchRequest {
        seq: 10,
        cursor_id: 1,
        rows: 2,
    };
    fetch.encode(&mut w, &caps);
    let answer = c.call_packet(&w.buf).await.unwrap();
    assert!(ends(&answer), "{answer:02x?}");
    assert!(!answer.windows(2).any(|w| w == b"ab"), "{answer:02x?}");

    // Three asked, two there: the end comes with the rows.
    let mut w = Writer::new();
    query(sql, 3).encode(&mut w, &caps, &[], true);
    let answer = c.call_packet(&w.buf).await.unwrap();
    assert!(answer.windows(3).any(|w| w == b"ab2"), "{answer:02x?}");
    assert!(ends(&answer), "{answer:02x?}");
}
