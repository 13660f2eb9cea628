//! INTERVAL columns and binds in the engine, and the server's refusal to
//! send what is not an interval as one: an ORA error, never a NULL.

mod common;

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::msg;
use oradb_protocol::value::{ora_type, IntervalDS, IntervalYM, Value};
use oradb_testserver::sql::{Database, Outcome, Session};
use oradb_testserver::{Config, TestServer};

fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Outcome {
    let p = s.prepare(sql).unwrap();
    s.execute(&p, binds).unwrap()
}

fn ds(days: i32, hours: i32, minutes: i32, seconds: i32, nanos: i32) -> Value {
    Value::IntervalDS(IntervalDS {
        days,
        hours,
        minutes,
        seconds,
        nanos,
    })
}

#[test]
fn interval_columns_store_describe_and_compare() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    run(
        &mut s,
        "create table iv (id number(9), a interval day to second not null, \
         b interval day(8) to second(9), c interval year(3) to month)",
        &[],
    );
    run(
        &mut s,
        "insert into iv values (1, to_dsinterval('1 02:03:04.5'), :1, :2)",
        &[
            ds(-3, 0, 0, 0, -1),
            Value::IntervalYM(IntervalYM {
                years: 1,
                months: 6,
            }),
        ],
    );
    run(
        &mut s,
        "insert into iv values (2, interval '90' minute, null, null)",
        &[],
    );
    let Outcome::Rows { columns, rows } = run(&mut s, "select * from iv order by id", &[]) else {
        panic!("not rows");
    };
    let shape: Vec<_> = columns
        .iter()
        .map(|c| (c.ora_type, c.precision, c.scale, c.nullable))
        .collect();
    assert_eq!(
        shape[1..],
        [
            (ora_type::INTERVAL_DS, 2, 6, false),
            (ora_type::INTERVAL_DS, 8, 9, true),
            (ora_type::INTERVAL_YM, 3, 0, true),
        ]
    );
    assert_eq!(rows[0][1], ds(1, 2, 3, 4, 500_000_000));
    assert_eq!(rows[0][2], ds(-3, 0, 0, 0, -1));
    assert_eq!(
        rows[0][3],
        Value::IntervalYM(IntervalYM {
            years: 1,
            months: 6
        })
    );
    assert_eq!(rows[1][1..], [ds(0, 1, 30, 0, 0), Value::Null, Value::Null]);
    // A bound interval with mixed signs equals its normalised sum.
    let Outcome::Rows { rows, .. } = run(
        &mut s,
        "select id, a + interval '1' day from iv where a = :1",
        &[ds(0, 2, -30, 0, 0)],
    ) else {
        panic!("not rows");
    };
    assert_eq!(rows, [vec![Value::Number("2".into()), ds(1, 1, 30, 0, 0)]]);
    let Outcome::Rows { rows, .. } = run(
        &mut s,
        "select interval '1' day * 1.5, 2 * interval '3' second, \
         to_yminterval('1-6') / 4 from dual",
        &[],
    ) else {
        panic!("not rows");
    };
    assert_eq!(
        rows[0],
        [
            ds(1, 12, 0, 0, 0),
            ds(0, 0, 0, 6, 0),
            Value::IntervalYM(IntervalYM {
                years: 0,
                months: 4
            })
        ]
    );
    let Outcome::Rows { rows, columns } = run(
        &mut s,
        "select -interval '1' day, cast('1 02:00:00' as interval day(3) to second), \
         cast('-1-2' as interval year to month), to_char(interval '90' second), \
         to_char(to_yminterval('-1-6')) from dual",
        &[],
    ) else {
        panic!("not rows");
    };
    assert_eq!(
        rows[0],
        [
            ds(-1, 0, 0, 0, 0),
            ds(1, 2, 0, 0, 0),
            Value::IntervalYM(IntervalYM {
                years: -1,
                months: -2
            }),
            Value::Varchar("+00 00:01:30.000000".into()),
            Value::Varchar("-01-06".into()),
        ]
    );
    assert_eq!(
        (columns[1].ora_type, columns[1].precision, columns[1].scale),
        (ora_type::INTERVAL_DS, 3, 6)
    );
    // Sums past nine digits of days are Oracle's precision error.
    let p = s
        .prepare("select to_dsinterval('999999999 00:00:00') + interval '1' day from dual")
        .unwrap();
    assert_eq!(s.execute(&p, &[]).unwrap_err().code, 1873);
}

/// `begin <sql> end` with one OUT bind of `ty`.
fn plsql_out(c: &common::Client, sql: &str, ty: u8, size: u32) -> Vec<u8> {
    let meta = ColumnMeta::bind(ty, size);
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = 1;
    let req = ExecuteRequest {
        seq: 1,
        options: options::PARSE | options::EXECUTE | options::PLSQL_BIND | options::BIND,
        sql: Some(sql.into()),
        al8i4,
        binds: vec![meta.clone()],
        iterations: 1,
        rows: vec![vec![None]],
        ..Default::default()
    };
    let mut w = Writer::new();
    req.encode(&mut w, &c.caps(), &[meta], true);
    w.buf
}

#[tokio::test]
async fn text_that_is_no_interval_is_an_error_on_an_interval_out_bind() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    for (ty, size) in [(ora_type::INTERVAL_DS, 11), (ora_type::INTERVAL_YM, 5)] {
        let payload = plsql_out(&c, "begin :o := 'not an interval'; end;", ty, size);
        let (kinds, end) = c.call_raw(&payload).await.unwrap();
        assert!(!kinds.contains(&msg::ROW_DATA), "{kinds:?}");
        assert_eq!(end.error_num, 6502, "{:?}", end.message);
    }
}
