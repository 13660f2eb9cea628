//! Select-list items SQLite cannot describe are described as Oracle does:
//! binds by their value's type, arithmetic as NUMBER (exact), string literals
//! as CHAR; NaN and infinities survive BINARY_DOUBLE storage.

use oradb_protocol::value::{ora_type, DateTime, Value};
use oradb_testserver::sql::{ColumnInfo, Database, Outcome, Session};

fn query(s: &mut Session, sql: &str, binds: &[Value]) -> (Vec<ColumnInfo>, Vec<Vec<Value>>) {
    let p = s.prepare(sql).unwrap();
    match s.execute(&p, binds).unwrap() {
        Outcome::Rows { columns, rows } => (columns, rows),
        other => panic!("not rows: {other:?}"),
    }
}

fn run(s: &mut Session, sql: &str, binds: &[Value]) {
    let p = s.prepare(sql).unwrap();
    s.execute(&p, binds).unwrap();
}

fn session() -> Session {
    let db = Database::open(None).unwrap();
    Session::open(&db, "scott").unwrap()
}

fn n(v: &str) -> Value {
    Value::Number(v.to_string())
}

#[test]
fn number_binds_are_numbers_with_every_digit() {
    let mut s = session();
    let (cols, rows) = query(
        &mut s,
        "select :big, :dec from dual",
        &[n("9007199254740993"), n("12345678901234567890.123456789")],
    );
    assert_eq!(cols[0].ora_type, ora_type::NUMBER);
    assert_eq!(cols[1].ora_type, ora_type::NUMBER);
    assert_eq!(
        rows[0],
        vec![n("9007199254740993"), n("12345678901234567890.123456789")]
    );
}

#[test]
fn binds_are_described_by_their_value() {
    let mut s = session();
    let d = DateTime::parse_iso("2021-03-04 05:06:07").unwrap();
    let (cols, rows) = query(
        &mut s,
        "select :1, (:2), :3, :4 as r from dual",
        &[
            Value::Varchar("abc".into()),
            Value::Date(d),
            Value::Timestamp(d),
            Value::Raw(vec![1, 2]),
        ],
    );
    let types: Vec<u8> = cols.iter().map(|c| c.ora_type).collect();
    assert_eq!(
        types,
        vec![
            ora_type::VARCHAR,
            ora_type::DATE,
            ora_type::TIMESTAMP,
            ora_type::RAW
        ]
    );
    assert_eq!(cols[3].name, "R");
    assert_eq!(rows[0][1], Value::Date(d));
    assert_eq!(rows[0][3], Value::Raw(vec![1, 2]));
}

#[test]
fn arithmetic_items_are_exact_numbers() {
    let mut s = session();
    run(
        &mut s,
        "create table nums (IntCol number(9), NumberCol number)",
        &[],
    );
    run(&mut s, "insert into nums values (1, 0.1)", &[]);
    let (cols, rows) = query(
        &mut s,
        "select IntCol / 7, NumberCol * 1.5 as x, -IntCol from nums",
        &[],
    );
    assert!(
        cols.iter().all(|c| c.ora_type == ora_type::NUMBER),
        "{cols:?}"
    );
    assert_eq!(
        rows[0],
        vec![
            // Oracle's 40 significant digits, last one rounded.
            n("0.1428571428571428571428571428571428571429"),
            n("0.15"),
            n("-1")
        ]
    );
}

#[test]
fn string_literals_are_char() {
    let mut s = session();
    let (cols, rows) = query(&mut s, "select 'abc', 'X' StringValue from dual", &[]);
    assert_eq!(
        cols.iter()
            .map(|c| (c.name.as_str(), c.ora_type, c.char_size))
            .collect::<Vec<_>>(),
        vec![
            ("'ABC'", ora_type::CHAR, 3),
            ("STRINGVALUE", ora_type::CHAR, 1)
        ]
    );
    assert_eq!(
        rows[0],
        vec![Value::Varchar("abc".into()), Value::Varchar("X".into())]
    );
    // A set operation's branches differ in length: described by the values.
    let (cols, _) = query(
        &mut s,
        "select 'a' from dual union all select 'abc' from dual",
        &[],
    );
    assert_eq!(cols[0].ora_type, ora_type::VARCHAR);
}

#[test]
fn nan_and_infinities_are_kept() {
    let mut s = session();
    run(&mut s, "create table dbl (id number, v binary_double)", &[]);
    for (i, v) in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5]
        .iter()
        .enumerate()
    {
        run(
            &mut s,
            "insert into dbl values (:1, :2)",
            &[n(&i.to_string()), Value::Double(*v)],
        );
    }
    let (_, rows) = query(&mut s, "select v from dbl order by id", &[]);
    let got: Vec<f64> = rows
        .iter()
        .map(|r| match r[0] {
            Value::Double(f) => f,
            ref other => panic!("not a double: {other:?}"),
        })
        .collect();
    assert!(got[0].is_nan());
    assert_eq!(&got[1..], &[f64::INFINITY, f64::NEG_INFINITY, 1.5]);
    let (cols, rows) = query(&mut s, "select :1 from dual", &[Value::Double(f64::NAN)]);
    assert_eq!(cols[0].ora_type, ora_type::BINARY_DOUBLE);
    assert!(matches!(rows[0][0], Value::Double(f) if f.is_nan()));
}

#[test]
fn replaced_views_describe_their_new_expression_types() {
    let mut s = session();
    run(
        &mut s,
        "create or replace view tv as select cast('s' as varchar2(15)) as value from dual",
        &[],
    );
    let (cols, rows) = query(&mut s, "select * from tv", &[]);
    assert_eq!((cols[0].ora_type, cols[0].size), (ora_type::VARCHAR, 15));
    assert_eq!(rows[0][0], Value::Varchar("s".into()));
    run(
        &mut s,
        "create or replace view tv as select to_clob('c') as value from dual",
        &[],
    );
    let (cols, rows) = query(&mut s, "select * from tv", &[]);
    assert_eq!(cols[0].ora_type, ora_type::CLOB);
    assert_eq!(rows[0][0], Value::Clob("c".into()));
    run(
        &mut s,
        "create or replace view tv as select 7 / 2 value from dual",
        &[],
    );
    let (cols, rows) = query(&mut s, "select value from tv", &[]);
    assert_eq!(cols[0].ora_type, ora_type::NUMBER);
    assert_eq!(rows[0][0], n("3.5"));
}
