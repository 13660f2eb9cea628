//! DELETE's FROM is optional in Oracle: `delete TestTempTable` (python-
//! oracledb's test_7620) deletes the table's rows as `delete from` does.

use oradb_protocol::value::Value;
use oradb_testserver::sql::{Database, Outcome, Session};

#[test]
fn delete_without_from_deletes_rows() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    let mut run = |sql: &str| {
        let p = s.prepare(sql).unwrap();
        s.execute(&p, &[]).unwrap()
    };
    run("create table del_t (id number(9))");
    run("insert into del_t values (1)");
    run("insert into del_t values (2)");
    let Outcome::Dml { row_count, .. } = run("delete del_t where id = 1") else {
        panic!("not DML")
    };
    assert_eq!(row_count, 1);
    let Outcome::Rows { rows, .. } = run("select id from del_t") else {
        panic!("not rows")
    };
    assert_eq!(rows, vec![vec![Value::Number("2".into())]]);
    let Outcome::Dml { row_count, .. } = run("delete del_t") else {
        panic!("not DML")
    };
    assert_eq!(row_count, 1);
}
