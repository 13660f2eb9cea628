//! TIMESTAMP WITH TIME ZONE end to end on a session: values keep their
//! instant and zone, zone-less values are read in the session's time zone,
//! and comparisons go by instant, as Oracle does.

use oradb_protocol::value::{ora_type, DateTime, Value};

use crate::{ColumnInfo, Database, Outcome, Session};

pub(crate) fn session() -> Session {
    let db = Database::open(None).unwrap();
    Session::open(&db, "scott").unwrap()
}

pub(crate) fn query(
    s: &mut Session,
    sql: &str,
    binds: &[Value],
) -> (Vec<ColumnInfo>, Vec<Vec<Value>>) {
    let p = s.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    match s
        .execute(&p, binds)
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
    {
        Outcome::Rows { columns, rows } => (columns, rows),
        _ => panic!("{sql}: no rows"),
    }
}

pub(crate) fn ok(s: &mut Session, sql: &str, binds: &[Value]) {
    let p = s.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    s.execute(&p, binds)
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}

pub(crate) fn at(text: &str) -> DateTime {
    DateTime::parse_iso(text).unwrap()
}

pub(crate) fn ids(s: &mut Session, sql: &str, binds: &[Value]) -> Vec<String> {
    query(s, sql, binds)
        .1
        .into_iter()
        .map(|r| match &r[0] {
            Value::Number(n) => n.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn zoned_values_keep_their_zone_and_zone_less_ones_take_the_sessions() {
    let mut s = session();
    ok(&mut s, "alter session set time_zone = '+01:00'", &[]);
    ok(
        &mut s,
        "create table tz (id number, t timestamp(3) with time zone, w timestamp)",
        &[],
    );
    ok(&mut s, "insert into tz values (1, timestamp '2024-06-01 12:00:00 +05:30', timestamp '2024-06-01 12:00:00 +05:30')", &[]);
    // A bound TIMESTAMP is a wall-clock time: in a TSTZ column it is the
    // session's (+01:00), in a TIMESTAMP column it stays as it is.
    let noon = Value::Timestamp(at("2024-06-01 12:00:00"));
    ok(
        &mut s,
        "insert into tz values (2, :1, :2)",
        &[noon.clone(), noon.clone()],
    );
    // A bound TSTZ keeps its zone; as a TIMESTAMP it keeps its wall-clock time.
    let zoned = Value::TimestampTz(at("2024-06-01 08:30:00.1234"), 120);
    ok(
        &mut s,
        "insert into tz values (3, :1, :2)",
        &[zoned.clone(), zoned],
    );
    let (cols, rows) = query(&mut s, "select t, w from tz order by id", &[]);
    assert_eq!(cols[0].ora_type, ora_type::TIMESTAMP_TZ);
    assert_eq!(cols[1].ora_type, ora_type::TIMESTAMP);
    let want = [
        (
            Value::TimestampTz(at("2024-06-01 12:00:00"), 330),
            at("2024-06-01 12:00:00"),
        ),
        (
            Value::TimestampTz(at("2024-06-01 12:00:00"), 60),
            at("2024-06-01 12:00:00"),
        ),
        // TIMESTAMP(3): the fraction is rounded, the zone kept.
        (
            Value::TimestampTz(at("2024-06-01 08:30:00.123"), 120),
            at("2024-06-01 08:30:00.1234"),
        ),
    ];
    for (row, (t, w)) in rows.iter().zip(want) {
        assert_eq!(row[0], t);
        assert_eq!(row[1], Value::Timestamp(w));
    }
}

#[test]
fn comparisons_and_order_go_by_instant_whatever_the_zones() {
    let mut s = session();
    ok(
        &mut s,
        "create table tz (id number, t timestamp with time zone)",
        &[],
    );
    // 06:30, 11:00 and 06:30 UTC.
    ok(
        &mut s,
        "insert into tz values (1, timestamp '2024-06-01 12:00:00 +05:30')",
        &[],
    );
    ok(
        &mut s,
        "insert into tz values (2, timestamp '2024-06-01 12:00:00 +01:00')",
        &[],
    );
    ok(
        &mut s,
        "insert into tz values (3, timestamp '2024-06-01 08:30:00 +02:00')",
        &[],
    );
    assert_eq!(
        ids(
            &mut s,
            "select id from tz where t = timestamp '2024-06-01 06:30:00 UTC' order by id",
            &[]
        ),
        ["1", "3"]
    );
    assert_eq!(
        ids(&mut s, "select id from tz order by t desc, id", &[]),
        ["2", "1", "3"]
    );
    // A zone-less bind compares as a time in the session's zone.
    let eleven = Value::Timestamp(at("2024-06-01 11:00:00"));
    assert_eq!(
        ids(
            &mut s,
            "select id from tz where t = :1",
            std::slice::from_ref(&eleven)
        ),
        ["2"]
    );
    ok(&mut s, "alter session set time_zone = '-04:00'", &[]);
    assert!(ids(&mut s, "select id from tz where t = :1", &[eleven]).is_empty());
    let bound = Value::TimestampTz(at("2024-06-01 02:30:00"), -240);
    assert_eq!(
        ids(
            &mut s,
            "select id from tz where t = :1 order by id",
            &[bound]
        ),
        ["1", "3"]
    );
}

#[test]
fn current_times_are_typed_as_oracle_types_them() {
    let mut s = session();
    ok(&mut s, "alter session set time_zone = '-08:00'", &[]);
    let (cols, rows) = query(
        &mut s,
        "select systimestamp, current_timestamp, localtimestamp, systimestamp + interval '1' hour from dual",
        &[],
    );
    let types: Vec<u8> = cols.iter().map(|c| c.ora_type).collect();
    assert_eq!(
        types,
        [
            ora_type::TIMESTAMP_TZ,
            ora_type::TIMESTAMP_TZ,
            ora_type::TIMESTAMP,
            ora_type::TIMESTAMP_TZ
        ]
    );
    let instant = |v: &Value| match v {
        Value::TimestampTz(d, off) => d.to_epoch().0 - i64::from(*off) * 60,
        Value::Timestamp(d) => d.to_epoch().0,
        other => panic!("{other:?}"),
    };
    let r = &rows[0];
    assert!(matches!(r[0], Value::TimestampTz(_, 0)), "{:?}", r[0]);
    assert!(matches!(r[1], Value::TimestampTz(_, -480)), "{:?}", r[1]);
    assert!((instant(&r[0]) - instant(&r[1])).abs() <= 1);
    // LOCALTIMESTAMP is the session's wall clock: 8 hours behind UTC.
    assert!((instant(&r[0]) - 8 * 3600 - instant(&r[2])).abs() <= 1);
    assert!((instant(&r[3]) - instant(&r[0]) - 3600).abs() <= 1);
}

#[test]
fn a_tstz_column_refuses_what_oracle_refuses() {
    let mut s = session();
    ok(&mut s, "create table tz (t timestamp with time zone)", &[]);
    let p = s.prepare("insert into tz values (42)").unwrap();
    let e = s.execute(&p, &[]).unwrap_err();
    assert!(e.message.contains("ORA-00932"), "{e:?}");
    let p = s.prepare("insert into tz values ('not a date')").unwrap();
    assert!(s.execute(&p, &[]).is_err());
}

#[test]
fn a_tstz_bind_in_the_sessions_zone_compares_with_zone_less_values() {
    let mut s = session();
    ok(&mut s, "alter session set time_zone = '+05:30'", &[]);
    ok(
        &mut s,
        "create table tz (id number, t timestamp with time zone)",
        &[],
    );
    ok(
        &mut s,
        "insert into tz values (1, timestamp '2022-06-08 00:00:10.25 +05:30')",
        &[],
    );
    ok(
        &mut s,
        "insert into tz values (2, timestamp '2022-06-08 00:00:10.25 +00:00')",
        &[],
    );
    // TRUNC of a TSTZ is a DATE of its wall-clock day; Oracle compares it
    // with the bind in the session's zone (python-oracledb's test_4910).
    let day = Value::TimestampTz(at("2022-06-08 00:00:00"), 330);
    assert_eq!(
        ids(
            &mut s,
            "select id from tz where trunc(t) = :1 order by id",
            &[day]
        ),
        ["1", "2"]
    );
    // Selected back, a bound TSTZ keeps its zone, in the session's or not.
    for off in [330, -120] {
        let v = Value::TimestampTz(at("2022-06-08 01:02:03"), off);
        let (cols, rows) = query(&mut s, "select :1 from dual", std::slice::from_ref(&v));
        assert_eq!(cols[0].ora_type, ora_type::TIMESTAMP_TZ);
        assert_eq!(rows[0][0], v);
    }
}

#[test]
fn local_time_zone_values_are_instants_shown_in_the_sessions_zone() {
    let mut s = session();
    ok(&mut s, "alter session set time_zone = '+02:00'", &[]);
    ok(
        &mut s,
        "create table ltz (id number, t timestamp with local time zone)",
        &[],
    );
    ok(
        &mut s,
        "insert into ltz values (1, :1)",
        &[Value::Timestamp(at("2024-06-01 12:00:00"))],
    );
    ok(
        &mut s,
        "insert into ltz values (2, timestamp '2024-06-01 12:00:00 +05:30')",
        &[],
    );
    let (cols, rows) = query(&mut s, "select t from ltz order by id", &[]);
    assert_eq!(cols[0].ora_type, ora_type::TIMESTAMP_LTZ);
    assert_eq!(rows[0][0], Value::Timestamp(at("2024-06-01 12:00:00")));
    assert_eq!(rows[1][0], Value::Timestamp(at("2024-06-01 08:30:00")));
    ok(&mut s, "alter session set time_zone = '-03:00'", &[]);
    let (_, rows) = query(&mut s, "select t from ltz order by id", &[]);
    assert_eq!(rows[0][0], Value::Timestamp(at("2024-06-01 07:00:00")));
    assert_eq!(rows[1][0], Value::Timestamp(at("2024-06-01 03:30:00")));
}

#[test]
fn to_char_shows_a_tstz_in_its_own_zone() {
    let mut s = session();
    ok(
        &mut s,
        "create table tz (t timestamp with time zone, w timestamp)",
        &[],
    );
    ok(&mut s, "insert into tz values (timestamp '2024-06-01 12:00:00 -03:30', timestamp '2024-06-01 12:00:00')", &[]);
    let (cols, rows) = query(
        &mut s,
        "select to_char(t, 'YYYY-MM-DD HH24:MI TZH:TZM'), to_char(t, 'HH24 TZR'), \
         to_char(t + interval '1' day, 'DD TZR') from tz",
        &[],
    );
    assert_eq!(cols[0].ora_type, ora_type::VARCHAR);
    let texts: Vec<&Value> = rows[0].iter().collect();
    assert_eq!(
        texts,
        [
            &Value::Varchar("2024-06-01 12:00 -03:30".into()),
            &Value::Varchar("12 -03:30".into()),
            &Value::Varchar("02 -03:30".into()),
        ]
    );
    // A TIMESTAMP has no zone to show (ORA-01821), as in Oracle.
    let p = s.prepare("select to_char(w, 'TZH') from tz").unwrap();
    let e = s.execute(&p, &[]).unwrap_err();
    assert!(e.message.contains("01821"), "{e:?}");
}
