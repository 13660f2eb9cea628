//! Oracle's column types on write, through the engine: conversion, rounding,
//! precision, dates and lengths, on every DML path.

use oradb_protocol::value::{ora_type, Value};

use crate::{Database, Outcome, Session, SqlError};

fn session() -> Session {
    let db = Database::open(None).unwrap();
    Session::open(&db, "scott").unwrap()
}

fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Result<Outcome, SqlError> {
    let p = s.prepare(sql)?;
    s.execute(&p, binds)
}

fn date(s: &str) -> oradb_protocol::value::DateTime {
    oradb_protocol::value::DateTime::parse_iso(s).unwrap()
}

fn num(s: &str) -> Value {
    Value::Number(s.into())
}

/// The cost of the checks on the server's executemany path (one execute per
/// row of one prepared INSERT into the bench's b10 table), against the same
/// table without them (the engine before the checks), alternating; best
/// on-CPU time of 4 rounds each:
/// `cargo test --release -p oradb-sqlengine executemany_timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn executemany_timing() {
    let mut s = session();
    run(
        &mut s,
        "create table b10 (id number, n1 number, n2 number(10,2), n3 number, s1 varchar2(40), \
         s2 varchar2(40), s3 varchar2(40), d1 date, d2 date, d3 timestamp)",
        &[],
    )
    .unwrap();
    let d = oradb_protocol::value::DateTime::parse_iso("2024-01-01 00:00:00").unwrap();
    // COLCHK_WHENS: extra trigger conditions to compare (";;"-separated).
    let extra = std::env::var("COLCHK_WHENS").unwrap_or_default();
    let mut variants = vec!["none".to_string(), "checks".to_string()];
    variants.extend(
        extra
            .split(";;")
            .filter(|w| !w.is_empty())
            .map(str::to_string),
    );
    let mut best = vec![f64::MAX; variants.len()];
    // On-CPU time of this thread: the machine is shared, wall time is noisy.
    let cpu_ms = || {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split(' ').next()?.parse::<f64>().ok())
            .map_or(0.0, |ns| ns / 1e6)
    };
    for round in 0..4 * variants.len() {
        let k = round % variants.len();
        s.sync_column_checks("SCOTT", "B10", k == 1).unwrap();
        if k > 1 {
            let sql = format!(
                "CREATE TRIGGER SCOTT.\"ORA$COLCHK_X\" AFTER INSERT ON B10 FOR EACH ROW WHEN {} \
                 BEGIN UPDATE B10 SET ID = 1 WHERE rowid = NEW.rowid; END",
                variants[k]
            );
            s.conn.execute_batch(&sql).unwrap();
        }
        run(&mut s, "truncate table b10", &[]).unwrap();
        let p = s
            .prepare("insert into b10 values (:1,:2,:3,:4,:5,:6,:7,:8,:9,:10)")
            .unwrap();
        let t = cpu_ms();
        for i in 0..100_000i64 {
            let row = [
                num(&i.to_string()),
                num(&(i * 3).to_string()),
                num(&(i as f64 / 4.0).to_string()),
                num(&(-i).to_string()),
                Value::Varchar(format!("name {i}")),
                Value::Varchar(format!("second {}", i % 97)),
                Value::Varchar("x".repeat(20)),
                Value::Date(d),
                Value::Date(d),
                Value::Timestamp(d),
            ];
            s.execute(&p, &row).unwrap();
        }
        run(&mut s, "commit", &[]).unwrap();
        best[k] = best[k].min(cpu_ms() - t);
    }
    for (v, ms) in variants.iter().zip(&best) {
        eprintln!("{ms:>7.0} ms CPU  ratio {:.3}  {v}", ms / best[0]);
    }
}

fn rows(s: &mut Session, sql: &str) -> Vec<Vec<Value>> {
    match run(s, sql, &[]).unwrap() {
        Outcome::Rows { rows, .. } => rows,
        other => panic!("{other:?}"),
    }
}

fn code(r: Result<Outcome, SqlError>) -> u32 {
    r.expect_err("an Oracle error").code
}

#[test]
fn numbers_are_converted_and_rounded_to_the_column_scale() {
    let mut s = session();
    run(
        &mut s,
        "create table t (a number(5,2), b number(3), c number(5,-2), d number, e integer)",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "insert into t values (1.234, 2.5, 12345, ' 42 ', 7.5)",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "insert into t values (:1, :2, :3, :4, :5)",
        &[
            num("-1.235"),
            Value::Varchar("9.4".into()),
            num("149"),
            num("1e3"),
            num("-0.5"),
        ],
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "select a, b, c, d, e from t order by a"),
        vec![
            vec![num("-1.24"), num("9"), num("100"), num("1000"), num("-1")],
            vec![num("1.23"), num("3"), num("12300"), num("42"), num("8")],
        ]
    );
    // The stored value is the rounded one: comparisons see it too.
    assert_eq!(
        rows(&mut s, "select count(*) from t where a = 1.23"),
        vec![vec![num("1")]]
    );
    run(&mut s, "update t set a = a + 0.004 where b = 3", &[]).unwrap();
    assert_eq!(
        rows(&mut s, "select a from t where b = 3"),
        vec![vec![num("1.23")]]
    );
}

#[test]
fn bound_doubles_are_checked_against_the_scale_exactly() {
    let mut s = session();
    run(&mut s, "create table t (a number(4,2), f number(2,2))", &[]).unwrap();
    let p = s.prepare("insert into t (a, f) values (:1, :2)").unwrap();
    for (a, f) in [(0.29, 0.5), (0.125, -0.994), (-12.5, 0.0)] {
        s.execute(&p, &[Value::Double(a), Value::Double(f)])
            .unwrap();
    }
    assert_eq!(
        rows(&mut s, "select a, f from t order by a"),
        vec![
            vec![num("-12.5"), num("0")],
            vec![num("0.13"), num("-0.99")],
            vec![num("0.29"), num("0.5")],
        ]
    );
    let e = |s: &mut Session, a: f64, f: f64| {
        code(s.execute(&p, &[Value::Double(a), Value::Double(f)]))
    };
    assert_eq!(e(&mut s, 99.999, 0.0), 1438);
    assert_eq!(e(&mut s, 100.0, 0.0), 1438);
    assert_eq!(e(&mut s, 1.0, 0.995), 1438);
    assert_eq!(e(&mut s, 1.0, 1.0), 1438);
}

#[test]
fn values_the_column_cannot_hold_are_refused_and_nothing_is_stored() {
    let mut s = session();
    run(
        &mut s,
        "create table t (a number(5,2), b number(3), d date, v varchar2(3))",
        &[],
    )
    .unwrap();
    let ins = |s: &mut Session, sql: &str| code(run(s, sql, &[]));
    assert_eq!(ins(&mut s, "insert into t (a) values ('zz')"), 1722);
    assert_eq!(ins(&mut s, "insert into t (b) values (12345)"), 1438);
    assert_eq!(ins(&mut s, "insert into t (b) values (999.5)"), 1438);
    assert_eq!(ins(&mut s, "insert into t (a) values (999.995)"), 1438);
    assert_eq!(ins(&mut s, "insert into t (d) values ('not a date')"), 1858);
    let e = run(&mut s, "insert into t (v) values ('abcd')", &[]).unwrap_err();
    assert_eq!(
        e.message,
        "ORA-12899: value too large for column \"SCOTT\".\"T\".\"V\" (actual: 4, maximum: 3)"
    );
    assert_eq!(rows(&mut s, "select count(*) from t"), vec![vec![num("0")]]);
    run(&mut s, "insert into t (a, b) values (1, 999.4)", &[]).unwrap();
    assert_eq!(code(run(&mut s, "update t set b = 'x1'", &[])), 1722);
    assert_eq!(code(run(&mut s, "update t set a = 1000", &[])), 1438);
    assert_eq!(
        rows(&mut s, "select a, b from t"),
        vec![vec![num("1"), num("999")]]
    );
    // NOT NULL is SQLite's own constraint, mapped to ORA-01400.
    run(&mut s, "create table nn (a number(2) not null)", &[]).unwrap();
    assert_eq!(code(run(&mut s, "insert into nn values (null)", &[])), 1400);
}

#[test]
fn date_text_is_read_with_the_session_format() {
    let mut s = session();
    run(&mut s, "create table t (d date, ts timestamp)", &[]).unwrap();
    run(&mut s, "insert into t values ('15-MAR-2021', null)", &[]).unwrap();
    run(
        &mut s,
        "alter session set nls_date_format = 'YYYY/MM/DD HH24:MI'",
        &[],
    )
    .unwrap();
    run(&mut s, "insert into t (d) values ('2022/01/02 03:04')", &[]).unwrap();
    assert_eq!(
        rows(&mut s, "select d from t order by d"),
        vec![
            vec![Value::Date(date("2021-03-15 00:00:00"))],
            vec![Value::Date(date("2022-01-02 03:04:00"))],
        ]
    );
    assert_eq!(
        code(run(&mut s, "insert into t (d) values ('15-MAR-2021')", &[])),
        1858
    );
    assert_eq!(code(run(&mut s, "update t set ts = 'soon'", &[])), 1858);
}

#[test]
fn every_dml_path_is_checked() {
    let mut s = session();
    run(&mut s, "create table src (x varchar2(10))", &[]).unwrap();
    run(&mut s, "create table t (id number, a number(4,1))", &[]).unwrap();
    run(&mut s, "insert into src values ('1.26')", &[]).unwrap();
    run(&mut s, "insert into t (id, a) select 1, x from src", &[]).unwrap();
    run(
        &mut s,
        "merge into t using (select 2 id, '3.04' x from dual) s on (t.id = s.id) \
         when matched then update set t.a = s.x when not matched then insert (id, a) values (s.id, s.x)",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "begin insert into t values (3, 5.55); update t set a = a + 0.01 where id = 1; end;",
        &[],
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "select id, a from t order by id"),
        vec![
            vec![num("1"), num("1.3")],
            vec![num("2"), num("3")],
            vec![num("3"), num("5.6")],
        ]
    );
    run(&mut s, "insert into src values ('bad')", &[]).unwrap();
    assert_eq!(
        code(run(
            &mut s,
            "insert into t (id, a) select 9, x from src",
            &[]
        )),
        1722
    );
    assert_eq!(
        code(run(
            &mut s,
            "begin insert into t values (4, 12345); end;",
            &[]
        )),
        1438
    );
    // Columns added later are checked too; dropping a column keeps the checks.
    run(&mut s, "alter table t add (b number(2))", &[]).unwrap();
    assert_eq!(code(run(&mut s, "update t set b = 100", &[])), 1438);
    run(&mut s, "alter table t drop column b", &[]).unwrap();
    assert_eq!(code(run(&mut s, "update t set a = 'q'", &[])), 1722);
}

#[test]
fn array_dml_fails_at_the_row_that_does_not_fit() {
    let mut s = session();
    run(&mut s, "create table t (a number(3))", &[]).unwrap();
    let p = s.prepare("insert into t values (:1)").unwrap();
    let results: Vec<Option<u32>> = ["1", "22", "4444", "5"]
        .iter()
        .map(|v| s.execute(&p, &[num(v)]).err().map(|e| e.code))
        .collect();
    assert_eq!(results, [None, None, Some(1438), None]);
    assert_eq!(rows(&mut s, "select count(*) from t"), vec![vec![num("3")]]);
}

fn returned(r: Result<Outcome, SqlError>) -> Vec<Vec<Value>> {
    match r.unwrap() {
        Outcome::Dml { returning, .. } => returning,
        other => panic!("{other:?}"),
    }
}

#[test]
fn returning_gives_the_stored_value() {
    let mut s = session();
    run(
        &mut s,
        "create table t (id number, n number(5,2), m number, d date)",
        &[],
    )
    .unwrap();
    let out = Value::Null;
    let ins = "insert into t (id, n, m) values (:1, :2, :3) returning n, m, n * 2 into :4, :5, :6";
    assert_eq!(
        returned(run(
            &mut s,
            ins,
            &[
                num("1"),
                num("1.234"),
                Value::Varchar("12".into()),
                out.clone(),
                out.clone(),
                out.clone()
            ]
        )),
        vec![vec![num("1.23")], vec![num("12")], vec![num("2.46")]]
    );
    run(&mut s, "insert into t (id, n) values (2, 3.001)", &[]).unwrap();
    // Multi-row UPDATE, with an alias: one value per row, rounded.
    assert_eq!(
        returned(run(
            &mut s,
            "update t x set n = x.n + 0.005 where x.id < 3 returning x.n into :1",
            &[Value::Null]
        )),
        vec![vec![num("1.24"), num("3.01")]]
    );
    // DELETE returns the row as it was.
    assert_eq!(
        returned(run(
            &mut s,
            "delete from t where id = 2 returning n into :1",
            &[Value::Null]
        )),
        vec![vec![num("3.01")]]
    );
    // PL/SQL RETURNING INTO, SQL and bind targets.
    let p = s
        .prepare(
            "declare v number; begin insert into t (id, n) values (5, '7.777') returning n into v; \
             :1 := v; update t set m = '0042' where id = 5 returning m into :2; end;",
        )
        .unwrap();
    match s.execute(&p, &[out.clone(), out.clone()]).unwrap() {
        Outcome::PlSql { out, .. } => assert_eq!(out, vec![num("7.78"), num("42")]),
        other => panic!("{other:?}"),
    }
}
#[test]
fn numbers_are_not_dates() {
    let mut s = session();
    run(&mut s, "create table t (d date, ts timestamp)", &[]).unwrap();
    let e = run(&mut s, "insert into t (d) values (20210315)", &[]).unwrap_err();
    assert_eq!(
        e.message,
        "ORA-00932: inconsistent datatypes: expected DATE got NUMBER"
    );
    let e = run(
        &mut s,
        "insert into t (ts) values (:1)",
        &[Value::Double(5.0)],
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "ORA-00932: inconsistent datatypes: expected TIMESTAMP got NUMBER"
    );
    assert_eq!(
        code(run(&mut s, "insert into t (d) values (:1)", &[num("5")])),
        932
    );
    assert_eq!(
        code(run(
            &mut s,
            "insert into t (d) values (:1)",
            &[Value::Raw(vec![1])]
        )),
        932
    );
    // Text goes through NLS_DATE_FORMAT (DD-MON-RR here).
    assert_eq!(
        code(run(&mut s, "insert into t (d) values ('20210315')", &[])),
        1843
    );
    run(
        &mut s,
        "insert into t (d, ts) values (:1, date '2020-01-01' + 1.5)",
        &[Value::Varchar("15-MAR-2021".into())],
    )
    .unwrap();
    assert_eq!(code(run(&mut s, "update t set d = 7", &[])), 932);
    assert_eq!(
        rows(&mut s, "select d, ts from t"),
        vec![vec![
            Value::Date(date("2021-03-15 00:00:00")),
            Value::Timestamp(date("2020-01-02 12:00:00")),
        ]]
    );
}

#[test]
fn tables_made_by_create_table_as_select_keep_types_and_checks() {
    let mut s = session();
    run(
        &mut s,
        "create table src (n number(5,2) not null, d date, v varchar2(3), x number)",
        &[],
    )
    .unwrap();
    run(&mut s, "insert into src values (1.5, null, 'abc', 7)", &[]).unwrap();
    run(
        &mut s,
        "create table copy as select n, d, v, x + 1 y from src",
        &[],
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "select n, v, y from copy"),
        vec![vec![num("1.5"), Value::Varchar("abc".into()), num("8")]]
    );
    run(
        &mut s,
        "insert into copy (n, d) values ('2.345', '15-MAR-2021')",
        &[],
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "select n, d from copy where v is null"),
        vec![vec![num("2.35"), Value::Date(date("2021-03-15 00:00:00"))]]
    );
    assert_eq!(
        code(run(&mut s, "insert into copy (n) values (1000)", &[])),
        1438
    );
    assert_eq!(
        code(run(&mut s, "insert into copy (n) values (null)", &[])),
        1400
    );
    assert_eq!(
        code(run(&mut s, "insert into copy (n, d) values (1, 5)", &[])),
        932
    );
    assert_eq!(
        code(run(
            &mut s,
            "insert into copy (n, v) values (1, 'abcd')",
            &[]
        )),
        12899
    );
    // Described with the source's types.
    assert_eq!(
        rows(
            &mut s,
            "select column_name, data_type, data_precision, data_scale from user_tab_columns \
             where table_name = 'COPY' and column_name = 'N'"
        ),
        vec![vec![
            Value::Varchar("N".into()),
            Value::Varchar("NUMBER".into()),
            num("5"),
            num("2"),
        ]]
    );
}

#[test]
fn tables_of_a_data_directory_written_without_checks_get_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(Some(dir.path())).unwrap();
    {
        // As an older server wrote it: the table, no check triggers.
        let c = rusqlite::Connection::open(db.schema_file("SCOTT")).unwrap();
        c.execute_batch(
            "CREATE TABLE \"OLD\" (\"N\" BLOB_NUM_5_2, \"D\" TEXT_DT, \"V\" TEXT_VC_10_10); \
             INSERT INTO \"OLD\" VALUES (1, NULL, 'x');",
        )
        .unwrap();
    }
    let mut s = Session::open(&db, "scott").unwrap();
    run(
        &mut s,
        "insert into old (n, d) values (1.234, '15-MAR-2021')",
        &[],
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "select n, d from old order by n"),
        vec![
            vec![num("1"), Value::Null],
            vec![num("1.23"), Value::Date(date("2021-03-15 00:00:00"))],
        ]
    );
    assert_eq!(code(run(&mut s, "update old set n = 'zz'", &[])), 1722);
    assert_eq!(code(run(&mut s, "update old set d = 'soon'", &[])), 1858);
}
#[test]
fn dates_keep_no_fraction_and_timestamps_round_to_their_precision() {
    let mut s = session();
    run(
        &mut s,
        "create table t (d date, ts timestamp(3), t9 timestamp(9))",
        &[],
    )
    .unwrap();
    let mut v = date("2021-03-15 10:11:12");
    v.nanos = 987_654_321;
    let ts = Value::Timestamp(v);
    run(
        &mut s,
        "insert into t values (:1, :2, :3)",
        &[ts.clone(), ts.clone(), ts],
    )
    .unwrap();
    // Rounding carries into the next second, minute, day and year.
    run(
        &mut s,
        "insert into t (d, ts) values (date '2021-12-31', '31-DEC-21 11.59.59.9999 PM')",
        &[],
    )
    .unwrap();
    let at = |s: &str, nanos: u32| {
        let mut d = date(s);
        d.nanos = nanos;
        d
    };
    assert_eq!(
        rows(&mut s, "select d, ts, t9 from t order by d"),
        vec![
            vec![
                Value::Date(date("2021-03-15 10:11:12")),
                Value::Timestamp(at("2021-03-15 10:11:12", 988_000_000)),
                Value::Timestamp(at("2021-03-15 10:11:12", 987_654_321)),
            ],
            vec![
                Value::Date(date("2021-12-31 00:00:00")),
                Value::Timestamp(date("2022-01-01 00:00:00")),
                Value::Null,
            ],
        ]
    );
    // The stored DATE compares equal to the same second.
    assert_eq!(
        rows(
            &mut s,
            "select count(*) from t where d = to_date('2021-03-15 10:11:12', 'YYYY-MM-DD HH24:MI:SS')"
        ),
        vec![vec![num("1")]]
    );
}

#[test]
fn rowid_columns_take_rowids_only_and_are_named_rowid() {
    let mut s = session();
    run(&mut s, "create table src (n number)", &[]).unwrap();
    run(&mut s, "insert into src values (7)", &[]).unwrap();
    run(
        &mut s,
        "create table r (id number, rid rowid, u urowid)",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "insert into r (id, rid) select n, rowid from src",
        &[],
    )
    .unwrap();
    let rid = match run(&mut s, "select rid from r", &[]).unwrap() {
        Outcome::Rows { columns, rows } => {
            // Described as its text, as before (see types.rs).
            let c = &columns[0];
            assert_eq!((c.ora_type, c.size), (ora_type::VARCHAR, 18));
            rows[0][0].clone()
        }
        other => panic!("{other:?}"),
    };
    let p = s.prepare("select n from src where rowid = :1").unwrap();
    match s.execute(&p, std::slice::from_ref(&rid)).unwrap() {
        Outcome::Rows { rows, .. } => assert_eq!(rows, vec![vec![num("7")]]),
        other => panic!("{other:?}"),
    }
    let ins = "insert into r (id, rid) values (2, :1)";
    let err = |s: &mut Session, sql: &str, v: Value| run(s, sql, &[v]).unwrap_err().message;
    assert_eq!(
        err(&mut s, ins, num("12345")),
        "ORA-00932: inconsistent datatypes: expected ROWID got NUMBER"
    );
    assert_eq!(
        err(&mut s, ins, Value::Raw(vec![1, 2])),
        "ORA-00932: inconsistent datatypes: expected ROWID got BINARY"
    );
    assert_eq!(
        err(&mut s, ins, Value::Varchar("523lkhlf".into())),
        "ORA-01410: invalid ROWID"
    );
    assert_eq!(code(run(&mut s, "update r set rid = 'x'", &[])), 1410);
    assert_eq!(code(run(&mut s, "update r set rid = 5", &[])), 932);
    // NULL and any well-formed ROWID pass; a UROWID column is not checked.
    run(&mut s, ins, &[Value::Null]).unwrap();
    run(
        &mut s,
        "insert into r (id, rid) values (4, :1)",
        &[Value::Varchar("AAAR3sAAEAAAACXAAA".into())],
    )
    .unwrap();
    run(&mut s, "insert into r (id, u) values (3, '523lkhlf')", &[]).unwrap();
    assert_eq!(
        rows(&mut s, "select id, rid, u from r order by id"),
        vec![
            vec![num("2"), Value::Null, Value::Null],
            vec![num("3"), Value::Null, Value::Varchar("523lkhlf".into())],
            vec![
                num("4"),
                Value::Varchar("AAAR3sAAEAAAACXAAA".into()),
                Value::Null
            ],
            vec![num("7"), rid, Value::Null],
        ]
    );
    assert_eq!(
        rows(
            &mut s,
            "select column_name, data_type, data_length, char_length from user_tab_columns \
             where table_name = 'R' order by column_id"
        ),
        vec![
            vec![
                Value::Varchar("ID".into()),
                Value::Varchar("NUMBER".into()),
                num("22"),
                num("0")
            ],
            vec![
                Value::Varchar("RID".into()),
                Value::Varchar("ROWID".into()),
                num("10"),
                num("0")
            ],
            vec![
                Value::Varchar("U".into()),
                Value::Varchar("VARCHAR2".into()),
                num("4000"),
                num("4000")
            ],
        ]
    );
    // '' is NULL, as in Oracle.
    run(&mut s, "update r set rid = '' where id = 4", &[]).unwrap();
    assert_eq!(
        rows(&mut s, "select count(*) from r where rid is null"),
        vec![vec![num("3")]]
    );
    // A copy (CREATE TABLE … AS) and an added column are ROWIDs too.
    run(&mut s, "create table r2 as select * from r", &[]).unwrap();
    run(&mut s, "alter table r2 add (rid2 rowid)", &[]).unwrap();
    assert_eq!(code(run(&mut s, "update r2 set rid = 'x'", &[])), 1410);
    assert_eq!(code(run(&mut s, "update r2 set rid2 = 5", &[])), 932);
    assert_eq!(
        rows(
            &mut s,
            "select count(*) from user_tab_columns where table_name = 'R2' \
             and data_type = 'ROWID'"
        ),
        vec![vec![num("2")]]
    );
}
