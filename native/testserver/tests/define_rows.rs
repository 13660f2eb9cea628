//! A LOB query's first answer carries no rows (the client must define the
//! LOB columns first); the define call that asks for rows (al8i4[1]) gets
//! them, as python-oracledb's first batch of `fetch_df_batches` expects
//! (test_8054). One that asks for none gets none and the fetch brings them.

mod common;

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::fetch::FetchRequest;
use oradb_protocol::value::ora_type;
use oradb_testserver::TestServer;

fn has(answer: &[u8], text: &[u8]) -> bool {
    answer.windows(text.len()).any(|w| w == text)
}

fn execute(sql: &str, options: u32, cursor_id: u32, rows: u32) -> ExecuteRequest {
    let mut al8i4 = [0u32; 13];
    al8i4[0] = u32::from(cursor_id == 0);
    al8i4[1] = rows;
    al8i4[7] = 1;
    ExecuteRequest {
        seq: 9,
        options,
        cursor_id,
        sql: (cursor_id == 0).then(|| sql.into()),
        al8i4,
        prefetch_rows: rows,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_define_that_asks_for_rows_gets_them() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let caps = c.caps();
    let sql = "select to_clob('lob' || level) from dual connect by level <= 3";
    for (cursor, asked) in [(1u32, 2u32), (2, 0)] {
        let mut w = Writer::new();
        let run = options::PARSE | options::EXECUTE | options::FETCH | options::NOT_PLSQL;
        execute(sql, run, 0, 2).encode(&mut w, &caps, &[], true);
        let answer = c.call_packet(&w.buf).await.unwrap();
        assert!(
            !has(&answer, b"lob1"),
            "rows before the define: {answer:02x?}"
        );

        let mut define = execute(sql, options::DEFINE | options::NOT_PLSQL, cursor, asked);
        define.defines = vec![ColumnMeta::bind(ora_type::LONG, 0x7FFF_FFFF)];
        let mut w = Writer::new();
        define.encode(&mut w, &caps, &[], false);
        let answer = c.call_packet(&w.buf).await.unwrap();
        assert_eq!(has(&answer, b"lob2"), asked == 2, "{answer:02x?}");
        assert!(!has(&answer, b"lob3"), "{answer:02x?}");

        // The fetch goes on from where the define stopped.
        let mut w = Writer::new();
        let fetch = FetchRequest {
            seq: 10,
            cursor_id: cursor,
            rows: 5,
        };
        fetch.encode(&mut w, &caps);
        let answer = c.call_packet(&w.buf).await.unwrap();
        assert!(has(&answer, b"lob3"), "{answer:02x?}");
        assert_eq!(has(&answer, b"lob1"), asked == 0, "{answer:02x?}");
    }
}
