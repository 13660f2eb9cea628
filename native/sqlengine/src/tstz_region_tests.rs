//! TIMESTAMP WITH TIME ZONE in a session whose zone is a region
//! (`Europe/Paris`): each value takes the region's offset at its own date,
//! not the offset of the day the statement runs.

use oradb_protocol::value::Value;

use crate::tstz_tests::{at, ids, ok, query, session};

#[test]
fn region_names_take_the_offset_of_their_date() {
    let mut s = session();
    ok(&mut s, "alter session set time_zone = 'Europe/Paris'", &[]);
    ok(
        &mut s,
        "create table tz (id number, t timestamp with time zone)",
        &[],
    );
    // Zone-less values in a region session: summer and winter offsets.
    ok(
        &mut s,
        "insert into tz values (1, :1)",
        &[Value::Timestamp(at("2024-07-01 12:00:00"))],
    );
    ok(
        &mut s,
        "insert into tz values (2, :1)",
        &[Value::Timestamp(at("2024-01-15 12:00:00"))],
    );
    ok(
        &mut s,
        "insert into tz values (3, timestamp '2024-07-04 09:00:00 America/New_York')",
        &[],
    );
    ok(
        &mut s,
        "insert into tz values (4, to_timestamp_tz('2024-07-04 09:00 Asia/Kolkata', 'YYYY-MM-DD HH24:MI TZR'))",
        &[],
    );
    let (_, rows) = query(&mut s, "select t from tz order by id", &[]);
    let got: Vec<Value> = rows.into_iter().map(|mut r| r.remove(0)).collect();
    assert_eq!(
        got,
        [
            Value::TimestampTz(at("2024-07-01 12:00:00"), 120),
            Value::TimestampTz(at("2024-01-15 12:00:00"), 60),
            Value::TimestampTz(at("2024-07-04 09:00:00"), -240),
            Value::TimestampTz(at("2024-07-04 09:00:00"), 330),
        ]
    );
    let p = s
        .prepare("alter session set time_zone = 'Nowhere/Atlantis'")
        .unwrap();
    let e = s.execute(&p, &[]).unwrap_err();
    assert!(e.message.contains("01882"), "{e:?}");
}

#[test]
fn a_region_session_reads_each_value_at_its_own_dates_offset() {
    let mut s = session();
    ok(&mut s, "alter session set time_zone = 'Europe/Paris'", &[]);
    ok(
        &mut s,
        "create table tz (id number, t timestamp with time zone)",
        &[],
    );
    // Zone-less literals: Paris in summer (+02:00) and in winter (+01:00),
    // whatever the date the test runs on.
    ok(
        &mut s,
        "insert into tz values (1, timestamp '2026-07-01 12:00:00')",
        &[],
    );
    ok(
        &mut s,
        "insert into tz values (2, timestamp '2026-12-15 12:00:00')",
        &[],
    );
    // A bound TSTZ keeps its offset even when it is not Paris's at its date.
    for (id, off) in [(3, 60), (4, 120)] {
        ok(
            &mut s,
            &format!("insert into tz values ({id}, :1)"),
            &[Value::TimestampTz(at("2026-07-01 12:00:00"), off)],
        );
    }
    let (_, rows) = query(&mut s, "select t from tz order by id", &[]);
    let got: Vec<Value> = rows.into_iter().map(|mut r| r.remove(0)).collect();
    assert_eq!(
        got,
        [
            Value::TimestampTz(at("2026-07-01 12:00:00"), 120),
            Value::TimestampTz(at("2026-12-15 12:00:00"), 60),
            Value::TimestampTz(at("2026-07-01 12:00:00"), 60),
            Value::TimestampTz(at("2026-07-01 12:00:00"), 120),
        ]
    );
    // A zone-less expression typed TSTZ, and bound TSTZs selected back.
    let (_, rows) = query(
        &mut s,
        "select cast(timestamp '2026-07-01 12:00:00' as timestamp with time zone), \
         cast(timestamp '2026-01-10 08:00:00' as timestamp with time zone) from dual",
        &[],
    );
    assert_eq!(
        rows[0],
        [
            Value::TimestampTz(at("2026-07-01 12:00:00"), 120),
            Value::TimestampTz(at("2026-01-10 08:00:00"), 60),
        ]
    );
    for off in [60, 120] {
        let v = Value::TimestampTz(at("2026-07-01 12:00:00"), off);
        let (_, rows) = query(&mut s, "select :1 from dual", std::slice::from_ref(&v));
        assert_eq!(rows[0][0], v);
    }
    // By instant: 12:00+01:00 is 13:00+02:00, 11:00 UTC.
    assert_eq!(
        ids(
            &mut s,
            "select id from tz where t = timestamp '2026-07-01 11:00:00 UTC' order by id",
            &[]
        ),
        ["3"]
    );
}

#[test]
fn local_time_zone_values_show_a_regions_offset_at_their_instant() {
    let mut s = session();
    ok(&mut s, "alter session set time_zone = 'Europe/Paris'", &[]);
    ok(
        &mut s,
        "create table ltz (id number, t timestamp with local time zone)",
        &[],
    );
    ok(
        &mut s,
        "insert into ltz values (1, timestamp '2026-07-01 10:00:00 UTC')",
        &[],
    );
    ok(
        &mut s,
        "insert into ltz values (2, timestamp '2026-12-15 10:00:00 UTC')",
        &[],
    );
    let (_, rows) = query(&mut s, "select t from ltz order by id", &[]);
    assert_eq!(rows[0][0], Value::Timestamp(at("2026-07-01 12:00:00")));
    assert_eq!(rows[1][0], Value::Timestamp(at("2026-12-15 11:00:00")));
}
