//! Statement-level rollback: a failed statement undoes only its own changes
//! and leaves no write lock behind, so other sessions' DML does not wait.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use oradb_protocol::value::Value;
use oradb_testserver::sql::{Database, Outcome, Session, SqlError};

fn run(s: &mut Session, sql: &str) -> Result<Vec<Vec<Value>>, SqlError> {
    let p = s.prepare(sql)?;
    Ok(match s.execute(&p, &[])? {
        Outcome::Rows { rows, .. } => rows,
        _ => Vec::new(),
    })
}

fn ids(s: &mut Session) -> Vec<String> {
    run(s, "select id from t order by id")
        .unwrap()
        .into_iter()
        .map(|r| match &r[0] {
            Value::Number(n) => n.clone(),
            other => panic!("{other:?}"),
        })
        .collect()
}

fn setup() -> (Arc<Database>, Session) {
    let db = Database::open(None).unwrap();
    let mut a = Session::open(&db, "scott").unwrap();
    run(
        &mut a,
        "create table t (id number primary key, v varchar2(3))",
    )
    .unwrap();
    (db, a)
}

/// Session B inserts `id` and commits, on its own thread; fails the test
/// if that takes 2 s (it would wait 30 s for a lock A kept, then ORA-00054).
fn other_session_commits(db: &Arc<Database>, id: u32) {
    let db = db.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut b = Session::open(&db, "scott").unwrap();
        let r = run(&mut b, &format!("insert into t values ({id}, 'b')")).and_then(|_| b.commit());
        let _ = tx.send(r);
    });
    match rx.recv_timeout(Duration::from_secs(2)) {
        Ok(r) => r.expect("session B's insert"),
        Err(_) => panic!("session B's insert of {id} still waits for a lock after 2 s"),
    }
}

#[test]
fn a_failed_first_statement_leaves_no_transaction_and_no_lock() {
    let (db, mut a) = setup();
    let e = run(&mut a, "insert into t values (1, 'toolong')").unwrap_err();
    assert_eq!(e.code, 12899);
    assert!(
        !a.in_transaction(),
        "the failed statement left a transaction"
    );
    other_session_commits(&db, 2);
    run(&mut a, "insert into t values (2, 'dup')").unwrap_err();
    assert!(!a.in_transaction());
    other_session_commits(&db, 3);
    assert_eq!(ids(&mut a), ["2", "3"]);
}

#[test]
fn a_failed_statement_keeps_the_earlier_uncommitted_work() {
    let (db, mut a) = setup();
    run(&mut a, "insert into t values (1, 'a')").unwrap();
    let e = run(&mut a, "insert into t values (1, 'a')").unwrap_err();
    assert_eq!(e.code, 1);
    run(&mut a, "update t set v = 'toolong' where id = 1").unwrap_err();
    assert!(
        a.in_transaction(),
        "the earlier insert is still uncommitted"
    );
    assert_eq!(ids(&mut a), ["1"]);
    a.commit().unwrap();
    assert!(!a.in_transaction());
    other_session_commits(&db, 2);
    let mut c = Session::open(&db, "scott").unwrap();
    assert_eq!(ids(&mut c), ["1", "2"]);
    assert_eq!(
        run(&mut c, "select v from t where id = 1").unwrap()[0][0],
        Value::Varchar("a".into())
    );
}

#[test]
fn an_unhandled_exception_undoes_the_whole_block_only() {
    let (db, mut a) = setup();
    run(&mut a, "insert into t values (1, 'a')").unwrap();
    let e = run(
        &mut a,
        "begin insert into t values (2, 'b'); update t set v = 'z' where id = 1; \
         insert into t values (3, 'toolong'); end;",
    )
    .unwrap_err();
    assert_eq!(e.code, 12899);
    let e = run(
        &mut a,
        "begin insert into t values (4, 'd'); raise_application_error(-20001, 'no'); end;",
    )
    .unwrap_err();
    assert_eq!(e.code, 20001);
    assert!(a.in_transaction());
    assert_eq!(ids(&mut a), ["1"]);
    assert_eq!(
        run(&mut a, "select v from t where id = 1").unwrap()[0][0],
        Value::Varchar("a".into())
    );
    // A handled error undoes only the statement that raised it.
    run(
        &mut a,
        "begin insert into t values (5, 'e'); \
         begin insert into t values (6, 'toolong'); exception when others then null; end; end;",
    )
    .unwrap();
    assert_eq!(ids(&mut a), ["1", "5"]);
    a.rollback().unwrap();
    // A block that fails as a session's first change leaves no lock.
    run(
        &mut a,
        "begin insert into t values (7, 'g'); insert into t values (7, 'g'); end;",
    )
    .unwrap_err();
    assert!(!a.in_transaction());
    other_session_commits(&db, 8);
    assert_eq!(ids(&mut a), ["8"]);
}

#[test]
fn a_statement_failing_on_a_later_row_undoes_its_earlier_rows_only() {
    let (_db, mut a) = setup();
    run(&mut a, "insert into t values (1, 'a')").unwrap();
    run(&mut a, "insert into t values (2, 'abc')").unwrap();
    // Row 1 fits, row 2 is too long: none of the update stays, the inserts do.
    let e = run(&mut a, "update t set v = v || 'x' where id in (1, 2)").unwrap_err();
    assert_eq!(e.code, 12899);
    assert!(a.in_transaction());
    assert_eq!(ids(&mut a), ["1", "2"]);
    assert_eq!(
        run(&mut a, "select v from t where id = 1").unwrap()[0][0],
        Value::Varchar("a".into())
    );
    // DML run by EXECUTE IMMEDIATE belongs to its block, which undoes it.
    let e = run(
        &mut a,
        "begin execute immediate 'insert into t values (3, ''c'')'; \
         raise_application_error(-20001, 'no'); end;",
    )
    .unwrap_err();
    assert_eq!(e.code, 20001);
    assert_eq!(ids(&mut a), ["1", "2"]);
}
