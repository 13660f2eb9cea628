//! What clients and test suites ask at connect and in setup, answered as an
//! on-premises database answers: node-oracledb 26 reads DBTIMEZONE at every
//! connect, python-oracledb's suite probes SYS_CONTEXT('USERENV',
//! 'CLOUD_SERVICE') and NLS_DATABASE_PARAMETERS before its first test and
//! checks DBA_ERRORS after its schema scripts, and the logon's ALTER SESSION
//! carries the client's time zone in whatever shape the client writes it.

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

fn rows(s: &mut Session, sql: &str) -> Result<Vec<Vec<Value>>, SqlError> {
    let p = s.prepare(sql)?;
    Ok(match s.execute(&p, &[])? {
        Outcome::Rows { rows, .. } => rows,
        _ => Vec::new(),
    })
}

fn one(s: &mut Session, sql: &str) -> Value {
    let r = rows(s, sql).unwrap_or_else(|e| panic!("{sql}: {}", e.message));
    r.into_iter()
        .next()
        .and_then(|r| r.into_iter().next())
        .unwrap_or(Value::Null)
}

fn vc(s: &str) -> Value {
    Value::Varchar(s.into())
}

fn logon(db: &Server, user: &str) -> Session {
    let s = Session::open(&db.db, user).unwrap();
    let info = s.info();
    info.sid.store(7, Ordering::Relaxed);
    info.attrs().service = "FREEPDB1".into();
    db.registry.add(info);
    s
}

#[test]
fn dbtimezone_is_utc_and_sessiontimezone_follows_alter_session() {
    let db = open();
    let mut s = logon(&db, "scott");
    assert_eq!(one(&mut s, "SELECT DBTIMEZONE FROM DUAL"), vc("+00:00"));
    assert_eq!(
        one(&mut s, "select sessiontimezone from dual"),
        vc("+00:00")
    );
    // As node-oracledb 26 sends it from a UTC machine, and without a sign.
    for (given, shown) in [
        ("-00:0", "+00:00"),
        ("00:00", "+00:00"),
        ("+5:30", "+05:30"),
    ] {
        rows(&mut s, &format!("ALTER SESSION SET TIME_ZONE ='{given}'")).unwrap();
        assert_eq!(one(&mut s, "select sessiontimezone from dual"), vc(shown));
    }
    rows(&mut s, "alter session set time_zone = 'Europe/Paris'").unwrap();
    assert_eq!(
        one(&mut s, "select sessiontimezone from dual"),
        vc("Europe/Paris")
    );
    // The database's zone does not move with the session's.
    assert_eq!(one(&mut s, "select dbtimezone from dual"), vc("+00:00"));
    let e = rows(&mut s, "alter session set time_zone = '+15:00'").unwrap_err();
    assert_eq!(e.code, 1857);
}

#[test]
fn userenv_answers_every_documented_name_and_rejects_others() {
    let db = open();
    let mut s = logon(&db, "scott");
    let ctx = |s: &mut Session, name: &str| {
        one(
            s,
            &format!("select sys_context('userenv', '{name}') from dual"),
        )
    };
    for null in [
        "cloud_service",
        "db_domain",
        "bg_job_id",
        "proxy_user",
        "cdb_name",
    ] {
        assert_eq!(ctx(&mut s, null), Value::Null, "{null}");
    }
    assert_eq!(ctx(&mut s, "current_edition_name"), vc("ORA$BASE"));
    assert_eq!(ctx(&mut s, "session_user"), vc("SCOTT"));
    assert_eq!(ctx(&mut s, "sid"), vc("7"));
    assert_eq!(ctx(&mut s, "service_name"), vc("FREEPDB1"));
    assert_eq!(ctx(&mut s, "identification_type"), vc("LOCAL"));
    assert_eq!(ctx(&mut s, "drain_status"), vc("NONE"));
    let e = rows(
        &mut s,
        "select sys_context('userenv', 'no_such_thing') from dual",
    )
    .unwrap_err();
    assert_eq!(e.code, 2003);
}

#[test]
fn nls_database_and_instance_parameters() {
    let db = open();
    let mut s = logon(&db, "scott");
    let q = "select value from nls_database_parameters where parameter = 'NLS_CHARACTERSET'";
    assert_eq!(one(&mut s, q), vc("AL32UTF8"));
    let q = "select value from nls_database_parameters where parameter = 'NLS_NCHAR_CHARACTERSET'";
    assert_eq!(one(&mut s, q), vc("AL16UTF16"));
    // A session's ALTER SESSION changes neither view.
    rows(&mut s, "alter session set nls_date_format = 'YYYY-MM-DD'").unwrap();
    let q = "select value from nls_database_parameters where parameter = 'NLS_DATE_FORMAT'";
    assert_eq!(one(&mut s, q), vc("DD-MON-RR"));
    let inst = rows(
        &mut s,
        "select parameter, value from nls_instance_parameters",
    )
    .unwrap();
    assert_eq!(inst[0], vec![vc("NLS_LANGUAGE"), vc("AMERICAN")]);
    assert!(inst.contains(&vec![vc("NLS_DATE_FORMAT"), Value::Null]));
    let q = "select value from v$nls_parameters where parameter = 'NLS_DATE_FORMAT'";
    assert_eq!(one(&mut s, q), vc("YYYY-MM-DD"));
}

#[test]
fn sys_qualified_dictionary_names() {
    let db = open();
    let mut s = logon(&db, "scott");
    rows(&mut s, "create table t (n number)").unwrap();
    assert_eq!(one(&mut s, "select dummy from sys.dual"), vc("X"));
    assert_eq!(
        one(&mut s, "select table_name from SYS.USER_TABLES"),
        vc("T")
    );
    assert_eq!(
        one(&mut s, "select count(*) from sys.v_$session where sid = 7"),
        Value::Number("1".into())
    );
    assert_eq!(
        one(
            &mut s,
            "select value from sys.nls_database_parameters where parameter = 'NLS_CHARACTERSET'"
        ),
        vc("AL32UTF8")
    );
    // python-oracledb's suite checks for compile errors after its scripts.
    let q = "select name, type, line, position, text from dba_errors \
             where owner = upper(:owner) order by name, type, line, position";
    let p = s.prepare(q).unwrap();
    match s.execute(&p, &[vc("scott")]).unwrap() {
        Outcome::Rows { rows, columns } => {
            assert!(rows.is_empty());
            assert_eq!(columns.len(), 5);
        }
        other => panic!("{other:?}"),
    }
    // Only SYS's objects lose the owner; an unknown one is still missing.
    assert_eq!(
        rows(&mut s, "select * from sys.no_such_view")
            .unwrap_err()
            .code,
        942
    );
}

#[test]
fn dbms_debug_jdwp_names_this_session() {
    let db = open();
    let mut s = logon(&db, "scott");
    let r = rows(
        &mut s,
        "select dbms_debug_jdwp.current_session_id, dbms_debug_jdwp.current_session_serial from dual",
    )
    .unwrap();
    let serial = one(&mut s, "select serial# from v$session where sid = 7");
    assert_eq!(r, vec![vec![Value::Number("7".into()), serial]]);
}

#[test]
fn application_context_set_at_logon_reads_back() {
    let db = open();
    let mut s = logon(&db, "scott");
    s.set_app_context("myctx", "attr1", "Value1");
    let r = rows(
        &mut s,
        "select sys_context('MYCTX', 'ATTR1'), sys_context('myctx', 'attr2') from dual",
    )
    .unwrap();
    assert_eq!(r, vec![vec![vc("Value1"), Value::Null]]);
}
