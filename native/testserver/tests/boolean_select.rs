//! 23ai boolean select items: the literals TRUE and FALSE and NOT of a bind
//! or a parenthesized condition are BOOLEAN columns, fetched as booleans
//! (python-oracledb's test_3109 `select not :1 from dual`).

use oradb_protocol::value::{ora_type, Value};
use oradb_testserver::sql::{Database, Outcome, Session};

#[test]
fn boolean_literals_and_negations_are_boolean_columns() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    let p = s
        .prepare("select true, false, not :1, not (1 = 2) from dual")
        .unwrap();
    let Outcome::Rows { columns, rows } = s.execute(&p, &[Value::Boolean(true)]).unwrap() else {
        panic!("not rows")
    };
    assert!(
        columns.iter().all(|c| c.ora_type == ora_type::BOOLEAN),
        "{columns:?}"
    );
    assert_eq!(
        rows,
        vec![vec![
            Value::Boolean(true),
            Value::Boolean(false),
            Value::Boolean(false),
            Value::Boolean(true)
        ]]
    );
}
