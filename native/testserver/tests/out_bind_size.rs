//! OUT binds hold what the client's buffer holds: a longer value assigned
//! to one raises ORA-06502 (catchable in the block), as in Oracle.

mod common;

use oradb_testserver::{Config, TestServer};

#[tokio::test]
async fn a_too_small_out_bind_raises_ora_06502() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let hello = "begin :o := 'hello'; end;";
    let e = c.plsql_out_text(hello, 1).await.unwrap_err();
    assert_eq!(
        e.lines().next().unwrap_or(""),
        "ORA-06502: PL/SQL: numeric or value error: character string buffer too small"
    );
    assert_eq!(
        c.plsql_out_text(hello, 5).await.unwrap().as_deref(),
        Some("hello")
    );
    // Characters, not bytes: five 2-byte characters fit a 5-character buffer.
    let accents = "begin :o := 'ééééé'; end;";
    assert_eq!(
        c.plsql_out_text(accents, 5).await.unwrap().as_deref(),
        Some("ééééé")
    );
    // A handler catches it, and a later assignment that fits goes through.
    let caught = "begin :o := 'hello'; exception when value_error then :o := 'h'; end;";
    assert_eq!(
        c.plsql_out_text(caught, 1).await.unwrap().as_deref(),
        Some("h")
    );
    // The session is still usable after the error.
    assert_eq!(
        c.plsql_out_text(hello, 9).await.unwrap().as_deref(),
        Some("hello")
    );
}
