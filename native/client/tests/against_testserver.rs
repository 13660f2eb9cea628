//! The thin client against an in-process oradb-testserver over real TCP.

use oradb_client::binds::{BindSpec, BindValue, Binds, Dir};
use oradb_client::exec::{ExecManyOptions, ExecOptions};
use oradb_client::options::ConnectOptions;
use oradb_client::rowbuf::tag;
use oradb_client::Connection;
use oradb_testserver::{Config, TestServer};

async fn server() -> TestServer {
    TestServer::start(Config::default())
        .await
        .expect("server starts")
}

fn opts(s: &TestServer) -> ConnectOptions {
    ConnectOptions {
        user: "scott".into(),
        password: "tiger".into(),
        connect_string: format!("{}/FREEPDB1", s.addr()),
        ..Default::default()
    }
}

fn positional(values: Vec<BindValue>) -> Binds {
    Binds {
        specs: values
            .iter()
            .map(|_| BindSpec {
                name: None,
                dir: Dir::In,
                ora_type: 0,
                max_size: 0,
            })
            .collect(),
        rows: vec![values],
    }
}

#[tokio::test]
async fn connect_execute_fetch_and_close() {
    let s = server().await;
    let c = Connection::connect(opts(&s)).await.expect("connects");
    c.execute(
        "create table t (id number, name varchar2(20))",
        Binds::default(),
        ExecOptions::default(),
    )
    .await
    .unwrap();
    let many = Binds {
        specs: vec![
            BindSpec {
                name: None,
                dir: Dir::In,
                ora_type: 0,
                max_size: 0
            };
            2
        ],
        rows: (0..250)
            .map(|i| vec![BindValue::Number(i as f64), BindValue::Str(format!("n{i}"))])
            .collect(),
    };
    let r = c
        .execute_many(
            "insert into t values (:1, :2)",
            many,
            ExecManyOptions {
                dml_row_counts: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 250);
    assert_eq!(r.dml_row_counts.as_deref().map(|v| v.len()), Some(250));
    c.commit().await.unwrap();
    let q = c
        .execute(
            "select id, name from t where id >= :1 order by id",
            positional(vec![BindValue::Number(10.0)]),
            ExecOptions {
                prefetch_rows: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let first = q.rows.unwrap();
    assert_eq!(first.rows.rows, 100);
    assert!(!first.done);
    assert_eq!(first.rows.data[0], tag::F64);
    assert_eq!(
        f64::from_le_bytes(first.rows.data[1..9].try_into().unwrap()),
        10.0
    );
    assert_eq!(
        q.columns
            .unwrap()
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        vec!["ID", "NAME"]
    );
    let mut total = first.rows.rows;
    loop {
        let f = c.fetch(q.cursor_id, 64).await.unwrap();
        total += f.rows.rows;
        if f.done {
            break;
        }
    }
    assert_eq!(total, 240);
    let e = c
        .execute(
            "select * from nope",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.offset()), ("ORA-00942", 14));
    c.close().await.unwrap();
    assert_eq!(c.ping().await.unwrap_err().code(), "ODB-5000");
}

#[tokio::test]
async fn wrong_password_and_unknown_service() {
    let s = server().await;
    let e = Connection::connect(ConnectOptions {
        password: "nope".into(),
        ..opts(&s)
    })
    .await
    .err()
    .unwrap();
    assert_eq!(e.code(), "ORA-01017");
    let e = Connection::connect(ConnectOptions {
        connect_string: format!("{}/NOPE", s.addr()),
        ..opts(&s)
    })
    .await
    .err()
    .unwrap();
    assert_eq!(e.code(), "ORA-12514");
    let e = Connection::connect(ConnectOptions {
        connect_string: "127.0.0.1:abc/x".into(),
        ..opts(&s)
    })
    .await
    .err()
    .unwrap();
    assert_eq!(e.code(), "ODB-1004");
}

#[tokio::test]
async fn break_interrupts_a_sleep_and_the_session_survives() {
    let s = server().await;
    let c = Connection::connect(opts(&s)).await.unwrap();
    let c2 = c.clone();
    let started = std::time::Instant::now();
    let h = tokio::spawn(async move {
        c2.execute(
            "begin dbms_session.sleep(10); end;",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    c.break_execution();
    let e = h.await.unwrap().unwrap_err();
    assert_eq!(e.code(), "ORA-01013");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let r = c
        .execute(
            "select 7 from dual",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(r.rows.unwrap().rows.rows, 1);
    c.set_call_timeout(std::time::Duration::from_millis(300));
    let e = c
        .execute(
            "begin dbms_session.sleep(5); end;",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ODB-5011");
    c.ping().await.unwrap();
}

#[tokio::test]
async fn plsql_out_binds_and_returning() {
    let s = server().await;
    let c = Connection::connect(opts(&s)).await.unwrap();
    let b = Binds {
        specs: vec![
            BindSpec {
                name: Some("A".into()),
                dir: Dir::Out,
                ora_type: 2,
                max_size: 0,
            },
            BindSpec {
                name: Some("B".into()),
                dir: Dir::Out,
                ora_type: 1,
                max_size: 20,
            },
        ],
        rows: vec![vec![BindValue::Null, BindValue::Null]],
    };
    let r = c
        .execute(
            "begin :a := 6 * 7; :b := 'out' || 'put'; end;",
            b,
            ExecOptions::default(),
        )
        .await
        .unwrap();
    let out = r.out_binds.unwrap().data;
    assert_eq!(out[0], tag::F64);
    assert_eq!(f64::from_le_bytes(out[1..9].try_into().unwrap()), 42.0);
    assert_eq!(&out[9..14], &[tag::STRING, 6, 0, 0, 0]);
    assert_eq!(&out[14..20], b"output");
    c.execute(
        "create table ident (id number generated always as identity, v varchar2(5))",
        Binds::default(),
        ExecOptions::default(),
    )
    .await
    .unwrap();
    let b = Binds {
        specs: vec![
            BindSpec {
                name: Some("v".into()),
                dir: Dir::In,
                ora_type: 0,
                max_size: 0,
            },
            BindSpec {
                name: Some("o".into()),
                dir: Dir::Out,
                ora_type: 2,
                max_size: 0,
            },
        ],
        rows: vec![vec![BindValue::Str("x".into()), BindValue::Null]],
    };
    let r = c
        .execute(
            "insert into ident (v) values (:v) returning id into :o",
            b,
            ExecOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 1);
    let out = r.out_binds.unwrap().data;
    assert_eq!(out[0], tag::NULL);
    assert_eq!(&out[1..6], &[tag::ARRAY, 1, 0, 0, 0]);
    assert_eq!(out[6], tag::F64);
    assert_eq!(f64::from_le_bytes(out[7..15].try_into().unwrap()), 1.0);
}

#[tokio::test]
async fn tcps_never_falls_back_to_clear_tcp() {
    let s = server().await;
    let e = Connection::connect(ConnectOptions {
        connect_string: format!("tcps://{}/FREEPDB1", s.addr()),
        ..opts(&s)
    })
    .await
    .err()
    .unwrap();
    // The listener speaks plain TNS: the TLS handshake fails (or, on a machine
    // without trusted roots, it never starts); no TNS packet goes out in clear.
    assert!(["ODB-1031", "ODB-1032"].contains(&e.code()), "{e:?}");
}
