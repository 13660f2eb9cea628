//! SQL that real client suites use: the CONNECT BY row generator, INTERVAL
//! literals and functions with datetime arithmetic, and conversion
//! built-ins (TO_CLOB, TO_BINARY_DOUBLE, UNISTR, RAW/hex). Bad input is
//! Oracle's error, never a NULL.

use oradb_protocol::value::{DateTime, Value};
use oradb_testserver::sql::{Database, Outcome, Session};

fn rows(s: &mut Session, sql: &str, binds: &[Value]) -> Vec<Vec<Value>> {
    let p = s.prepare(sql).unwrap();
    match s.execute(&p, binds).unwrap() {
        Outcome::Rows { rows, .. } => rows,
        other => panic!("not rows: {other:?}"),
    }
}

fn error(s: &mut Session, sql: &str) -> u32 {
    let p = s.prepare(sql).unwrap();
    s.execute(&p, &[]).unwrap_err().code
}

fn n(v: &str) -> Value {
    Value::Number(v.into())
}

fn session() -> Session {
    let db = Database::open(None).unwrap();
    Session::open(&db, "scott").unwrap()
}

#[test]
fn connect_by_generates_rows() {
    let mut s = session();
    assert_eq!(
        rows(&mut s, "select level from dual connect by level <= 5", &[]),
        (1..=5).map(|i| vec![n(&i.to_string())]).collect::<Vec<_>>()
    );
    let r = rows(
        &mut s,
        "select rownum as id, :2 from dual connect by rownum <= :1 order by id desc",
        &[Value::Varchar("x".into()), n("3")],
    );
    assert_eq!(r.len(), 3);
    assert_eq!(r[0][0], n("3"));
    // A condition that never ends is Oracle's loop error, not a hang.
    assert_eq!(
        error(&mut s, "select level from dual connect by 1 = 1"),
        1436
    );
}

#[test]
fn intervals_shift_datetimes() {
    let mut s = session();
    let ts = |y, mo, d, h, mi, sec, nanos| {
        Value::Timestamp(DateTime {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: sec,
            nanos,
        })
    };
    let r = rows(
        &mut s,
        "select to_timestamp('20021209', 'YYYYMMDD') + to_dsinterval('1 00:00:2.50'), \
         to_timestamp('20020128', 'YYYYMMDD') + interval '1' month - interval '1 2:03' day to minute, \
         to_timestamp('20020101', 'YYYYMMDD') - numtodsinterval(1.5, 'SECOND') from dual",
        &[],
    );
    assert_eq!(
        r[0],
        vec![
            ts(2002, 12, 10, 0, 0, 2, 500_000_000),
            // Feb 28 - 1 day 2:03. Expression columns are described from
            // their values, and a whole second reads as a DATE.
            Value::Date(DateTime {
                year: 2002,
                month: 2,
                day: 26,
                hour: 21,
                minute: 57,
                second: 0,
                nanos: 0
            }),
            ts(2001, 12, 31, 23, 59, 58, 500_000_000),
        ]
    );
    assert_eq!(
        error(
            &mut s,
            "select to_date('20020131', 'YYYYMMDD') + to_yminterval('0-1') from dual"
        ),
        1839
    );
    assert_eq!(
        rows(
            &mut s,
            "select to_date('20020128', 'YYYYMMDD') + to_yminterval('1-1') from dual",
            &[]
        )[0][0],
        Value::Date(DateTime {
            year: 2003,
            month: 2,
            day: 28,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0
        })
    );
    assert_eq!(
        error(&mut s, "select to_dsinterval('1 25:00:00') from dual"),
        1867
    );
    assert_eq!(
        error(&mut s, "select numtodsinterval(1, 'WEEK') from dual"),
        1760
    );
}

#[test]
fn conversion_builtins() {
    let mut s = session();
    let r = rows(
        &mut s,
        "select to_clob('abc'), to_binary_double('2.5'), unistr('a\\3042\\\\'), \
         rawtohex(utl_raw.cast_to_raw('AB')), hextoraw('0aff'), power(2, 10) from dual",
        &[],
    );
    assert_eq!(r[0][0], Value::Clob("abc".into()));
    assert_eq!(r[0][1], Value::Double(2.5));
    assert_eq!(r[0][2], Value::Varchar("a\u{3042}\\".into()));
    assert_eq!(r[0][3], Value::Varchar("4142".into()));
    assert_eq!(r[0][4], Value::Raw(vec![0x0a, 0xff]));
    assert_eq!(r[0][5], n("1024"));
    assert_eq!(
        rows(
            &mut s,
            "select dump(1), dump('ab', 16), dump(null), dump(to_date('2024-03-05', 'YYYY-MM-DD')) from dual",
            &[]
        )[0],
        vec![
            Value::Varchar("Typ=2 Len=2: 193,2".into()),
            Value::Varchar("Typ=1 Len=2: 61,62".into()),
            Value::Varchar("NULL".into()),
            Value::Varchar("Typ=12 Len=7: 120,124,3,5,1,1,1".into()),
        ]
    );
    assert_eq!(error(&mut s, "select dump(1, 3) from dual"), 1481);
    assert_eq!(
        rows(
            &mut s,
            "select to_blob(hextoraw('0102')), to_blob(null) from dual",
            &[]
        )[0],
        vec![Value::Blob(vec![1, 2]), Value::Null]
    );
    assert_eq!(error(&mut s, "select to_blob('zz') from dual"), 1465);
    assert_eq!(error(&mut s, "select hextoraw('xy') from dual"), 1465);
    assert_eq!(
        error(&mut s, "select to_binary_double('abc') from dual"),
        1722
    );
    assert_eq!(error(&mut s, "select unistr('\\12') from dual"), 30186);
}

#[test]
fn zoned_timestamps_keep_their_zone() {
    let mut s = session();
    let r = rows(
        &mut s,
        "select timestamp '2022-06-04 00:00:02.500000 +02:00', \
         to_timestamp_tz('20091013 17:50:00 -08:00', 'YYYYMMDD HH24:MI:SS TZH:TZM') from dual",
        &[],
    );
    let ts = |text: &str| DateTime::parse_iso(text).unwrap();
    // TIMESTAMP WITH TIME ZONE, as Oracle types them: the wall-clock time
    // and its offset.
    assert_eq!(
        r[0][0],
        Value::TimestampTz(ts("2022-06-04 00:00:02.5"), 120)
    );
    assert_eq!(r[0][1], Value::TimestampTz(ts("2009-10-13 17:50:00"), -480));
    assert_eq!(
        error(
            &mut s,
            "select to_timestamp_tz('2009-13-01 +01:00', 'YYYY-MM-DD TZH:TZM') from dual"
        ),
        1843
    );
}

#[test]
fn casts_are_described_with_their_type() {
    let mut s = session();
    let p = s
        .prepare("select cast('X' as varchar2(1)), cast(:1 as date), cast(:2 as number(5, 2)), to_clob(:3) from dual")
        .unwrap();
    let binds = [
        Value::Varchar("2020-01-02 00:00:00".into()),
        Value::Varchar("12.5".into()),
        Value::Varchar("abc".into()),
    ];
    let Outcome::Rows { columns, rows: got } = s.execute(&p, &binds).unwrap() else {
        panic!("not rows")
    };
    use oradb_protocol::value::ora_type;
    let types: Vec<(u8, u32)> = columns.iter().map(|c| (c.ora_type, c.size)).collect();
    assert_eq!(
        types,
        vec![
            (ora_type::VARCHAR, 1),
            (ora_type::DATE, 7),
            (ora_type::NUMBER, 22),
            (ora_type::CLOB, 4000)
        ]
    );
    assert_eq!((columns[2].precision, columns[2].scale), (5, 2));
    assert_eq!(got[0][2], n("12.5"));
    let p = s.prepare("select cast('abc' as number) from dual").unwrap();
    assert_eq!(s.execute(&p, &[]).unwrap_err().code, 1722);
    // Quoted bind names make a heading with quotes in it.
    let r = rows(
        &mut s,
        "select :\"_a\" + :\"B\", dbms_lob.getlength(to_clob('abcd')) from dual",
        &[n("1"), n("2")],
    );
    assert_eq!(r[0], vec![n("3"), n("4")]);
}

#[test]
fn rowid_pseudo_column() {
    let mut s = session();
    for sql in [
        "create table rid_t (id number(9), v varchar2(10))",
        "insert into rid_t values (1, 'one')",
        "insert into rid_t values (2, 'two')",
    ] {
        let p = s.prepare(sql).unwrap();
        s.execute(&p, &[]).unwrap();
    }
    let r = rows(
        &mut s,
        "select rowid, t.rowid from rid_t t where id = 2",
        &[],
    );
    let Value::Varchar(rid) = &r[0][0] else {
        panic!("rowid is not text: {r:?}")
    };
    assert_eq!(rid.len(), 18);
    assert_eq!(r[0][1], r[0][0]);
    assert_eq!(
        rows(
            &mut s,
            "select v from rid_t where rowid = :r",
            &[Value::Varchar(rid.clone())]
        ),
        vec![vec![Value::Varchar("two".into())]]
    );
    let p = s
        .prepare("update rid_t set v = 'deux' where rowid = :r")
        .unwrap();
    match s.execute(&p, &[Value::Varchar(rid.clone())]).unwrap() {
        Outcome::Dml { row_count, .. } => assert_eq!(row_count, 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn merge_updates_matches_and_inserts_the_rest() {
    let mut s = session();
    let run = |s: &mut Session, sql: &str, binds: &[Value]| -> u64 {
        let p = s.prepare(sql).unwrap();
        match s.execute(&p, binds).unwrap() {
            Outcome::Dml { row_count, .. } => row_count,
            _ => 0,
        }
    };
    run(
        &mut s,
        "create table m_t (id number(9) primary key, v varchar2(10))",
        &[],
    );
    run(&mut s, "insert into m_t values (1, 'old')", &[]);
    let merge = "merge into m_t t using (select :1 id, :2 v from dual) s on (t.id = s.id) \
                 when matched then update set t.v = s.v \
                 when not matched then insert (id, v) values (s.id, s.v)";
    assert_eq!(
        run(&mut s, merge, &[n("1"), Value::Varchar("new".into())]),
        1
    );
    assert_eq!(
        run(&mut s, merge, &[n("2"), Value::Varchar("two".into())]),
        1
    );
    assert_eq!(
        rows(&mut s, "select id, v from m_t order by id", &[]),
        vec![
            vec![n("1"), Value::Varchar("new".into())],
            vec![n("2"), Value::Varchar("two".into())]
        ]
    );
    // Insert-only MERGE, source a table.
    run(
        &mut s,
        "create table m_src (id number(9), v varchar2(10))",
        &[],
    );
    run(&mut s, "insert into m_src values (2, 'x')", &[]);
    run(&mut s, "insert into m_src values (3, 'three')", &[]);
    assert_eq!(
        run(
            &mut s,
            "merge into m_t using m_src on (m_t.id = m_src.id) \
             when not matched then insert values (m_src.id, m_src.v)",
            &[]
        ),
        1
    );
    assert_eq!(rows(&mut s, "select count(*) from m_t", &[])[0][0], n("3"));
    // Not translated (DELETE WHERE): a clear error, nothing changed.
    let p = s
        .prepare("merge into m_t t using m_src s on (t.id = s.id) when matched then update set v = 'y' delete where id = 2")
        .unwrap_err();
    assert_eq!(p.code, 933);
}

#[test]
fn dbms_assert_checks_names_and_literals() {
    let mut s = session();
    let v = |t: &str| Value::Varchar(t.into());
    assert_eq!(
        rows(
            &mut s,
            "select dbms_assert.enquote_name('emp'), sys.dbms_assert.qualified_sql_name('scott.emp'), \
             dbms_assert.simple_sql_name('EMP_1'), dbms_assert.enquote_literal('it''''s') from dual",
            &[]
        ),
        vec![vec![v("\"EMP\""), v("scott.emp"), v("EMP_1"), v("'it''s'")]]
    );
    assert_eq!(
        error(
            &mut s,
            "select dbms_assert.simple_sql_name('a; drop table t') from dual"
        ),
        44003
    );
    assert_eq!(
        error(
            &mut s,
            "select sys.dbms_assert.qualified_sql_name('x y') from dual"
        ),
        44004
    );
    assert_eq!(
        error(
            &mut s,
            "select dbms_assert.enquote_literal('it''s') from dual"
        ),
        6502
    );
}
