//! Session state, session views, KILL SESSION and user DDL.
//!
//! The engine-level tests below need nothing else. `session_state.py` (real
//! python-oracledb over TCP) runs in the conformance step of
//! `scripts/test.sh`, against a fresh `oradb-testserver`.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use oradb_protocol::value::Value;
use oradb_testserver::registry::Registry;
use oradb_testserver::sql::{Database, Outcome, Session, SqlError};

/// The database with the server's registry behind it, as the server opens it.
struct Server {
    db: Arc<Database>,
    registry: Arc<Registry>,
}

fn open() -> Server {
    let registry = Arc::new(Registry::default());
    let db = Database::open_with(None, registry.clone()).unwrap();
    Server { db, registry }
}

fn run(s: &mut Session, sql: &str) -> Result<Vec<Vec<Value>>, SqlError> {
    let p = s.prepare(sql)?;
    Ok(match s.execute(&p, &[])? {
        Outcome::Rows { rows, .. } => rows,
        _ => Vec::new(),
    })
}

fn text(s: &mut Session, sql: &str) -> String {
    match run(s, sql).unwrap().first().and_then(|r| r.first()) {
        Some(Value::Varchar(t)) => t.clone(),
        Some(Value::Number(n)) => n.clone(),
        other => panic!("{sql}: {other:?}"),
    }
}

/// A session registered as the server does at logon.
fn logon(db: &Server, user: &str, sid: u32) -> Session {
    let s = Session::open(&db.db, user).unwrap();
    let info = s.info();
    info.sid.store(sid, Ordering::Relaxed);
    info.attrs().service = "FREEPDB1".into();
    db.registry.add(info);
    s
}

#[test]
fn alter_session_changes_to_char_and_the_nls_view() {
    let db = open();
    let mut s = logon(&db, "scott", 1);
    let q = "select to_char(to_date('2024-03-05 14:07:09', 'YYYY-MM-DD HH24:MI:SS')) from dual";
    assert_eq!(text(&mut s, q), "05-MAR-24");
    run(
        &mut s,
        "alter session set nls_date_format = 'YYYY/MM/DD HH24:MI'",
    )
    .unwrap();
    assert_eq!(text(&mut s, q), "2024/03/05 14:07");
    assert_eq!(
        text(
            &mut s,
            "select value from nls_session_parameters where parameter = 'NLS_DATE_FORMAT'"
        ),
        "YYYY/MM/DD HH24:MI"
    );
    let e = run(&mut s, "alter session set nls_bogus = 1").unwrap_err();
    assert_eq!((e.code, e.offset), (2248, 18));
    let e = run(&mut s, "alter session set nls_date_format 'x'").unwrap_err();
    assert_eq!(e.code, 922);
    // A failing ALTER SESSION changes nothing, not even its valid parts.
    let e = run(
        &mut s,
        "alter session set nls_date_format = 'YYYY' nls_language = 'NOPE'",
    )
    .unwrap_err();
    assert_eq!(e.code, 12705);
    assert_eq!(text(&mut s, q), "2024/03/05 14:07");
}

#[test]
fn sys_context_and_application_info() {
    let db = open();
    let mut s = logon(&db, "scott", 7);
    assert_eq!(
        text(&mut s, "select sys_context('USERENV', 'SID') from dual"),
        "7"
    );
    assert_eq!(
        text(
            &mut s,
            "select sys_context('USERENV', 'SERVICE_NAME') from dual"
        ),
        "FREEPDB1"
    );
    run(
        &mut s,
        "begin dbms_application_info.set_module(module_name => 'm1', action_name => 'a1'); \
         dbms_session.set_identifier('who'); end;",
    )
    .unwrap();
    assert_eq!(
        text(
            &mut s,
            "select module || '/' || action || '/' || client_identifier from v$session \
             where sid = sys_context('USERENV', 'SID')"
        ),
        "m1/a1/who"
    );
    assert_eq!(
        run(&mut s, "select sys_context('USERENV', 'BOGUS') from dual")
            .unwrap_err()
            .code,
        2003
    );
}

#[test]
fn views_cover_all_sessions_and_kill_ends_the_victim() {
    let db = open();
    let mut a = logon(&db, "scott", 10);
    let mut b = logon(&db, "scott", 11);
    assert_eq!(text(&mut a, "select count(*) from v$session"), "2");
    let commits = "select m.value from v$mystat m join v$statname n \
                   on n.statistic# = m.statistic# where n.name = 'user commits'";
    assert_eq!(text(&mut b, commits), "0");
    b.user_commit().unwrap();
    assert_eq!(text(&mut b, commits), "1");
    assert_eq!(
        text(
            &mut a,
            "select count(*) from v$sesstat where sid = 11 and statistic# in \
             (select statistic# from v$statname where name = 'user commits') and value = 1"
        ),
        "1"
    );
    for (sql, code) in [
        ("alter system kill session '99,1'", 30),
        ("alter system kill session '11'", 26),
        ("alter system kill session '11,x'", 26),
        ("alter system kill session '10,1'", 27),
        ("alter system kill session '11,1' nonsense", 933),
    ] {
        assert_eq!(run(&mut a, sql).unwrap_err().code, code, "{sql}");
    }
    run(&mut a, "alter system kill session '11,1'").unwrap();
    assert_eq!(
        text(&mut a, "select status from v$session where sid = 11"),
        "KILLED"
    );
    assert_eq!(run(&mut b, "select 1 from dual").unwrap_err().code, 28);
    assert_eq!(text(&mut a, "select 1 from dual"), "1");
}

#[test]
fn user_ddl_and_dictionary_views() {
    let db = open();
    db.registry.set_configured_users(vec!["scott".into()]);
    let mut s = logon(&db, "scott", 1);
    run(&mut s, "create user app identified by S3cret").unwrap();
    assert_eq!(
        db.registry.password_override("APP"),
        Some(Some("S3cret".into()))
    );
    assert_eq!(
        run(&mut s, "create user app identified by x")
            .unwrap_err()
            .code,
        1920
    );
    run(&mut s, "alter user app identified by \"New\"").unwrap();
    assert_eq!(
        db.registry.password_override("app"),
        Some(Some("New".into()))
    );
    run(&mut s, "grant connect to app").unwrap();
    assert_eq!(
        text(
            &mut s,
            "select count(*) from all_users where username in ('SCOTT', 'APP')"
        ),
        "2"
    );
    run(
        &mut s,
        "create table t1 (id number(5) primary key, v varchar2(10))",
    )
    .unwrap();
    assert_eq!(
        text(
            &mut s,
            "select data_type || ' ' || data_length || ' ' || data_precision || ' ' || nullable \
             from user_tab_columns where table_name = 'T1' and column_id = 1"
        ),
        "NUMBER 22 5 N"
    );
    assert_eq!(text(&mut s, "select table_name from user_tables"), "T1");
    assert_eq!(
        text(
            &mut s,
            "select value from v$parameter where name = 'compatible'"
        ),
        "23.0.0"
    );
}
