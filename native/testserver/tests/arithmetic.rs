//! NUMBER arithmetic follows Oracle: exact decimal, not binary floating point.

use oradb_protocol::value::Value;
use oradb_testserver::sql::{Database, Outcome, Session};

fn row(s: &mut Session, sql: &str) -> Vec<Value> {
    let p = s.prepare(sql).unwrap();
    match s.execute(&p, &[]).unwrap() {
        Outcome::Rows { rows, .. } => rows.into_iter().next().unwrap(),
        other => panic!("not rows: {other:?}"),
    }
}

#[test]
fn decimal_arithmetic_is_exact() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    let n = |v: &str| Value::Number(v.to_string());
    assert_eq!(
        row(
            &mut s,
            "select 0.1 + 0.2, 7 / 2, 1 / 3, 12345678901234567.5 + 1, 10 - 0.001 from dual"
        ),
        vec![
            n("0.3"),
            n("3.5"),
            n(&format!("0.{}", "3".repeat(40))),
            n("12345678901234568.5"),
            n("9.999")
        ]
    );
    let p = s.prepare("select 1/0 from dual").unwrap();
    assert_eq!(s.execute(&p, &[]).unwrap_err().code, 1476);
}
