//! Associative-array binds and executemany OUT binds against an in-process
//! oradb-testserver over real TCP.

use oradb_client::binds::{BindSpec, BindValue, Binds, Dir};
use oradb_client::exec::{ExecManyOptions, ExecOptions};
use oradb_client::options::ConnectOptions;
use oradb_client::rowbuf::tag;
use oradb_client::Connection;
use oradb_testserver::{Config, TestServer};

async fn connect() -> (TestServer, Connection) {
    let s = TestServer::start(Config::default()).await.unwrap();
    let c = Connection::connect(ConnectOptions {
        user: "scott".into(),
        password: "tiger".into(),
        connect_string: format!("{}/FREEPDB1", s.addr()),
        ..Default::default()
    })
    .await
    .unwrap();
    (s, c)
}

fn spec(name: &str, dir: Dir) -> BindSpec {
    BindSpec {
        name: Some(name.into()),
        dir,
        ora_type: 2,
        max_size: 0,
    }
}

/// The tagged NUMBER values (tag::ARRAY headers flattened as `Some(-count)`).
fn numbers(data: &[u8]) -> Vec<Option<f64>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            tag::NULL => {
                out.push(None);
                i += 1;
            }
            tag::F64 => {
                out.push(Some(f64::from_le_bytes(
                    data[i + 1..i + 9].try_into().unwrap(),
                )));
                i += 9;
            }
            tag::ARRAY => {
                let n = u32::from_le_bytes(data[i + 1..i + 5].try_into().unwrap());
                out.push(Some(-f64::from(n)));
                i += 5;
            }
            t => panic!("unexpected tag {t}"),
        }
    }
    out
}

async fn package(c: &Connection) {
    for sql in [
        "create or replace package pkg_n as
           type t_nums is table of number index by binary_integer;
           procedure double_all(a in out t_nums);
         end;",
        "create or replace package body pkg_n as
           procedure double_all(a in out t_nums) is
           begin
             for i in 1 .. a.count loop a(i) := a(i) * 2; end loop;
           end;
         end;",
    ] {
        c.execute(sql, Binds::default(), ExecOptions::default())
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_in_out_array_comes_back_changed_with_its_nulls() {
    let (_s, c) = connect().await;
    package(&c).await;
    let binds = Binds {
        specs: vec![spec("A", Dir::InOut)],
        rows: vec![vec![BindValue::Array {
            max: 5,
            elements: vec![
                BindValue::Number(1.5),
                BindValue::Null,
                BindValue::Number(-4.0),
            ],
        }]],
    };
    let r = c
        .execute(
            "begin pkg_n.double_all(:a); end;",
            binds,
            ExecOptions::default(),
        )
        .await
        .unwrap();
    let out = r.out_binds.unwrap();
    assert_eq!(
        numbers(&out.data),
        vec![Some(-3.0), Some(3.0), None, Some(-8.0)]
    );
}

#[tokio::test]
async fn an_array_over_its_max_fails_before_sending_and_the_session_goes_on() {
    let (_s, c) = connect().await;
    package(&c).await;
    let binds = Binds {
        specs: vec![spec("A", Dir::InOut)],
        rows: vec![vec![BindValue::Array {
            max: 1,
            elements: vec![BindValue::Number(1.0), BindValue::Number(2.0)],
        }]],
    };
    let e = c
        .execute(
            "begin pkg_n.double_all(:a); end;",
            binds,
            ExecOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ODB-3002");
    assert!(e.message().contains("\"A\""), "{}", e.message());
    c.ping().await.unwrap();
}

fn times_ten(rows: u32) -> Binds {
    Binds {
        specs: vec![spec("N", Dir::In), spec("D", Dir::Out)],
        rows: (1..=rows)
            .map(|n| vec![BindValue::Number(f64::from(n)), BindValue::Null])
            .collect(),
    }
}

#[tokio::test]
async fn executemany_gives_out_values_per_iteration() {
    let (_s, c) = connect().await;
    // One row goes in one call; more go as the first row, then the rest on its cursor.
    for n in [1, 3] {
        let r = c
            .execute_many(
                "begin :d := :n * 10; end;",
                times_ten(n),
                ExecManyOptions::default(),
            )
            .await
            .unwrap();
        let out = r.out_binds.unwrap();
        assert_eq!(out.rows, n);
        let want: Vec<Option<f64>> = (1..=n)
            .flat_map(|i| [None, Some(f64::from(i * 10))])
            .collect();
        assert_eq!(numbers(&out.data), want);
    }
    c.ping().await.unwrap();
}

#[tokio::test]
async fn executemany_returning_gives_an_array_per_iteration() {
    let (_s, c) = connect().await;
    let none = || Binds::default();
    c.execute(
        "create table t (id number, g number)",
        none(),
        ExecOptions::default(),
    )
    .await
    .unwrap();
    let rows = Binds {
        specs: vec![spec("ID", Dir::In), spec("G", Dir::In)],
        rows: [(1.0, 1.0), (2.0, 0.0), (3.0, 1.0)]
            .iter()
            .map(|(id, g)| vec![BindValue::Number(*id), BindValue::Number(*g)])
            .collect(),
    };
    c.execute_many(
        "insert into t values (:id, :g)",
        rows,
        ExecManyOptions::default(),
    )
    .await
    .unwrap();
    let binds = Binds {
        specs: vec![spec("G", Dir::In), spec("IDS", Dir::Out)],
        rows: [7.0, 0.0, 1.0]
            .iter()
            .map(|g| vec![BindValue::Number(*g), BindValue::Null])
            .collect(),
    };
    let r = c
        .execute_many(
            "update t set g = g where g = :g returning id into :ids",
            binds,
            ExecManyOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 3);
    let out = r.out_binds.unwrap();
    assert_eq!(out.rows, 3);
    let mut v = numbers(&out.data);
    // Iteration 3 (g = 1) matched ids 1 and 3, in either order.
    v[7..9].sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(
        v,
        vec![
            None,
            Some(-0.0),
            None,
            Some(-1.0),
            Some(2.0),
            None,
            Some(-2.0),
            Some(1.0),
            Some(3.0)
        ]
    );
}
