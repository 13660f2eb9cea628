//! OUT values matched to binds by name, and server cursors released by
//! failed calls, against an in-process oradb-testserver over real TCP.

use oradb_client::binds::{BindSpec, BindValue, Binds, Dir};
use oradb_client::exec::ExecOptions;
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

fn named(specs: &[(&str, Dir)]) -> Binds {
    Binds {
        specs: specs
            .iter()
            .map(|(n, d)| BindSpec {
                name: Some((*n).into()),
                dir: *d,
                ora_type: 2,
                max_size: 0,
            })
            .collect(),
        rows: vec![vec![BindValue::Null; specs.len()]],
    }
}

/// The NUMBER values of a tagged buffer, NULL as None.
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
            t => panic!("unexpected tag {t}"),
        }
    }
    out
}

async fn open_cursors(c: &Connection) -> f64 {
    let r = c
        .execute(
            "select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic# \
             where n.name = 'opened cursors current'",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap();
    numbers(&r.rows.unwrap().rows.data)[0].unwrap()
}

#[tokio::test]
async fn out_values_follow_the_order_of_the_binds_not_of_the_placeholders() {
    let (_s, c) = connect().await;
    let r = c
        .execute(
            "begin :a := 1; :b := 2; end;",
            named(&[("B", Dir::Out), ("A", Dir::Out)]),
            ExecOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(numbers(&r.out_binds.unwrap().data), [Some(2.0), Some(1.0)]);
    // An IN bind given first, read by the OUT placeholder that comes first.
    let mut b = named(&[("I", Dir::In), ("O", Dir::Out)]);
    b.rows[0][0] = BindValue::Number(5.0);
    let r = c
        .execute("begin :o := :i; end;", b, ExecOptions::default())
        .await
        .unwrap();
    assert_eq!(numbers(&r.out_binds.unwrap().data), [None, Some(5.0)]);
}

#[tokio::test]
async fn a_named_bind_the_statement_does_not_use_is_an_error() {
    let (_s, c) = connect().await;
    let mut b = named(&[("V", Dir::In), ("EXTRA", Dir::In)]);
    b.rows[0] = vec![BindValue::Number(1.0), BindValue::Number(2.0)];
    let e = c
        .execute("select :v from dual", b, ExecOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ODB-3007");
    assert!(e.message().contains("\"EXTRA\""), "{}", e.message());
}

#[tokio::test]
async fn failed_and_broken_executes_release_their_cursors() {
    let (_s, c) = connect().await;
    let none = ExecOptions::default;
    c.execute(
        "create table u (id number primary key)",
        Binds::default(),
        none(),
    )
    .await
    .unwrap();
    // Another text than the failing one: this statement stays cached throughout.
    c.execute("insert into u (id) values (1)", Binds::default(), none())
        .await
        .unwrap();
    open_cursors(&c).await;
    let before = open_cursors(&c).await;
    for _ in 0..350 {
        let e = c
            .execute("insert into u values (1)", Binds::default(), none())
            .await
            .unwrap_err();
        assert_eq!(e.code(), "ORA-00001");
    }
    for _ in 0..5 {
        let c2 = c.clone();
        let call = tokio::spawn(async move {
            c2.execute(
                "begin dbms_session.sleep(5); end;",
                Binds::default(),
                none(),
            )
            .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        c.break_execution();
        assert_eq!(call.await.unwrap().unwrap_err().code(), "ORA-01013");
    }
    // The closes ride on this query, so it already sees them.
    assert_eq!(open_cursors(&c).await, before);
}
