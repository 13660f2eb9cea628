//! A value the server cannot send in its column's type is an ORA error,
//! never a silent NULL (`select 1e126 from dual` came back as NULL).

mod common;

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

fn query(sql: &str, seq: u8) -> ExecuteRequest {
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = 10;
    al8i4[9] = 0x8000;
    ExecuteRequest {
        seq,
        options: options::PARSE | options::EXECUTE | options::FETCH | options::NOT_PLSQL,
        sql: Some(sql.into()),
        al8i4,
        prefetch_rows: 10,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_number_of_1e126_or_more_is_ora_01426() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let mut w = Writer::new();
    query("select 1e126 from dual", 2).encode(&mut w, &c.caps(), &[], true);
    let (kinds, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!(kinds, [msg::DESCRIBE_INFO, msg::PARAMETER, msg::ROW_HEADER]);
    assert_eq!(end.error_num, 1426);
    assert_eq!(end.message.as_deref(), Some("ORA-01426: numeric overflow"));
    assert_eq!(end.row_count, 0);

    // The session goes on.
    let mut w = Writer::new();
    query("select 1 from dual where 1 = 0", 3).encode(&mut w, &c.caps(), &[], true);
    let (_, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!(end.error_num, 1403);
}
