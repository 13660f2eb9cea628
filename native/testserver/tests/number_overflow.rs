//! A value NUMBER cannot hold is ORA-01426 where Oracle raises it: a binary
//! double of 1e300 bound into a NUMBER column fails at the INSERT (it was
//! stored, then every fetch of the row failed), and a PL/SQL value of 1e126
//! or more assigned to a NUMBER OUT bind fails the call. Replays python-oracledb's requests
//! (`tests/golden/python_number_overflow.hex`).

mod common;

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_testserver::TestServer;

fn requests() -> Vec<Vec<u8>> {
    common::hex_lines(include_str!("golden/python_number_overflow.hex"))
}

fn query(sql: &str) -> ExecuteRequest {
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = 10;
    ExecuteRequest {
        seq: 9,
        options: options::PARSE | options::EXECUTE | options::FETCH | options::NOT_PLSQL,
        sql: Some(sql.into()),
        al8i4,
        prefetch_rows: 10,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_binary_double_too_big_for_number_is_ora_01426_at_insert() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let req = requests();
    assert_eq!(req.len(), 5);
    let (_, end) = c.call_raw(&req[0]).await.unwrap();
    assert_eq!(end.error_num, 0, "{:?}", end.message);

    let (_, end) = c.call_raw(&req[1]).await.unwrap();
    assert_eq!(end.error_num, 1426);
    assert_eq!(end.message.as_deref(), Some("ORA-01426: numeric overflow"));
    assert_eq!(end.row_count, 0);

    // Nothing was stored: the table reads back empty, without an error.
    let mut w = Writer::new();
    query("select n from t_bdc").encode(&mut w, &c.caps(), &[], true);
    let (_, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!(end.error_num, 1403, "{:?}", end.message);

    // PL/SQL: `:1 := 1e125 * 10` into a NUMBER OUT bind.
    let (_, end) = c.call_raw(&req[2]).await.unwrap();
    assert_eq!(end.error_num, 1426, "{:?}", end.message);

    // `:1 := 1e126` into a NUMBER OUT bind fails where it is assigned (it
    // was ORA-06502 from the wire encoder); a BINARY_DOUBLE one holds it.
    let (_, end) = c.call_raw(&req[3]).await.unwrap();
    assert_eq!(end.error_num, 1426, "{:?}", end.message);
    assert_eq!(end.message.as_deref(), Some("ORA-01426: numeric overflow"));
    let answer = c.call_packet(&req[4]).await.unwrap();
    let value = oradb_protocol::value::float::encode_f64(1e126);
    assert!(
        answer.windows(9).any(|w| w[0] == 8 && w[1..] == value),
        "{answer:02x?}"
    );
    assert!(!answer.windows(9).any(|w| w == b"ORA-01426"));
}
