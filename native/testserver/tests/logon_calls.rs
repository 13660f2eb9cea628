//! What python-oracledb's connection tests need of the logon: the database
//! name in its answer (`Connection.db_name`, test_1138), the driver it names
//! in V$SESSION_CONNECT_INFO.CLIENT_DRIVER (test_1150), its application
//! context entries for SYS_CONTEXT (test_1101), and changing a
//! password on a logged-on connection (python-oracledb's
//! `Connection.changepassword()`, test_1100's 1107/1108/1109/1137): the new
//! password holds for later logons and the old one no longer does; a wrong
//! old password or an invalid new one is Oracle's error and changes nothing.

mod common;

use oradb_testserver::{Config, TestServer};

#[tokio::test]
async fn changepassword_replaces_the_password_for_later_logons() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let addr = server.addr();
    let mut c = common::Client::logon(addr, "scott", "tiger").await.unwrap();

    let err = c
        .change_password("scott", "wrong", "Other1")
        .await
        .unwrap_err();
    assert!(err.starts_with("ORA-28008"), "{err}");
    let err = c
        .change_password("scott", "tiger", &"1".repeat(1500))
        .await
        .unwrap_err();
    assert!(err.starts_with("ORA-00988"), "{err}");
    let err = c
        .change_password("scott", "tiger", &"a".repeat(1025))
        .await
        .unwrap_err();
    assert!(err.starts_with("ORA-28218"), "{err}");
    // Nothing changed so far.
    common::Client::logon(addr, "scott", "tiger").await.unwrap();

    let new = "Ab/cd@ef".to_string() + &"x".repeat(1016);
    c.change_password("scott", "tiger", &new).await.unwrap();
    let err = common::Client::logon(addr, "scott", "tiger")
        .await
        .err()
        .unwrap();
    assert!(err.contains("ORA-01017"), "{err}");
    let mut again = common::Client::logon(addr, "scott", &new).await.unwrap();
    // The same connection goes on working after the change.
    assert_eq!(
        c.plsql_out_text("begin :1 := 'still here'; end;", 20)
            .await
            .unwrap(),
        Some("still here".to_string())
    );
    again.change_password("scott", &new, "tiger").await.unwrap();
    common::Client::logon(addr, "scott", "tiger").await.unwrap();
}

#[tokio::test]
async fn the_logon_names_the_database_as_v_database_does() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let name = c
        .session_data
        .iter()
        .find(|p| p.0 == "AUTH_SC_DBUNIQUE_NAME")
        .map(|p| String::from_utf8_lossy(&p.1).into_owned());
    assert_eq!(name.as_deref(), Some("FREEPDB1"));
}

#[tokio::test]
async fn v_session_connect_info_shows_the_driver_the_client_named() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let driver = c
        .plsql_out_text(
            "begin
                 select distinct client_driver into :1 from v$session_connect_info
                 where sid = sys_context('userenv', 'sid');
             end;",
            64,
        )
        .await
        .unwrap();
    assert_eq!(driver.as_deref(), Some("oradb tests"));
}

#[tokio::test]
async fn the_logon_s_application_context_is_what_sys_context_reads() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let entries = [
        ("ClientContext", "attr1", "Value 1"),
        ("CLIENTCONTEXT", "ATTR2", "VALUE2"),
    ];
    let mut c = common::Client::logon_with_app_context(server.addr(), "scott", "tiger", &entries)
        .await
        .unwrap();
    let read = |attr: &str| format!("begin :1 := sys_context('clientcontext', '{attr}'); end;");
    assert_eq!(
        c.plsql_out_text(&read("ATTR1"), 20)
            .await
            .unwrap()
            .as_deref(),
        Some("Value 1")
    );
    assert_eq!(
        c.plsql_out_text(&read("attr2"), 20)
            .await
            .unwrap()
            .as_deref(),
        Some("VALUE2")
    );
    assert_eq!(c.plsql_out_text(&read("ATTR3"), 20).await.unwrap(), None);
}
