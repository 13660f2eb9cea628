//! One large value through a round trip: `select :v as v from dual` echoes a
//! string bind of many MiB. Receiving it must cost time linear in its size
//! (finding D3: it was quadratic, and at 40 MiB the server gave up writing).

use std::time::{Duration, Instant};

use oradb_client::binds::{BindSpec, BindValue, Binds, Dir};
use oradb_client::exec::ExecOptions;
use oradb_client::options::ConnectOptions;
use oradb_client::rowbuf::tag;
use oradb_client::Connection;
use oradb_testserver::{Config, TestServer};

const MIB: usize = 1024 * 1024;

async fn connect() -> (TestServer, Connection) {
    connect_to(Config::default()).await
}

async fn connect_to(config: Config) -> (TestServer, Connection) {
    let s = TestServer::start(config).await.expect("server starts");
    let c = Connection::connect(ConnectOptions {
        user: "scott".into(),
        password: "tiger".into(),
        connect_string: format!("{}/FREEPDB1", s.addr()),
        ..Default::default()
    })
    .await
    .expect("connects");
    (s, c)
}

/// `n` bytes of ASCII that do not repeat with any chunk or packet size, so a
/// chunk dropped, doubled or reordered shows.
fn text(n: usize) -> String {
    (0..n).map(|i| (b'a' + (i % 23) as u8) as char).collect()
}

fn bind(v: &str) -> Binds {
    Binds {
        specs: vec![BindSpec {
            name: None,
            dir: Dir::In,
            ora_type: 0,
            max_size: 0,
        }],
        rows: vec![vec![BindValue::Str(v.to_owned())]],
    }
}

/// Echoes `v` and returns how long the round trip took.
async fn echo(c: &Connection, v: &str) -> Duration {
    let t = Instant::now();
    let r = c
        .execute("select :v as v from dual", bind(v), ExecOptions::default())
        .await
        .expect("echo succeeds");
    let took = t.elapsed();
    let rows = r.rows.expect("a query result").rows;
    assert_eq!(rows.rows, 1);
    let d = &rows.data;
    assert_eq!(d[0], tag::STRING);
    let len = u32::from_le_bytes(d[1..5].try_into().unwrap()) as usize;
    assert_eq!(len, v.len(), "echoed length");
    assert!(d[5..5 + len] == *v.as_bytes(), "echoed bytes differ");
    took
}

#[tokio::test]
async fn a_40_mib_string_is_echoed_within_seconds() {
    let (_s, c) = connect().await;
    let v = text(40 * MIB);
    let took = echo(&c, &v).await;
    eprintln!("40 MiB echo: {took:?}");
    // 0.6-1.0 s in a debug build with the other tests running (0.5 s in a
    // release build); the quadratic decoder lost the connection after over
    // 40 s, when the server's 30 s write timeout gave up on it.
    assert!(took < Duration::from_secs(10), "40 MiB echo took {took:?}");
    // The session is still usable afterwards.
    echo(&c, "x").await;
}

#[tokio::test]
async fn echo_time_grows_linearly_with_the_value_size() {
    let (_s, c) = connect().await;
    echo(&c, &text(MIB)).await;
    // The best of two runs per size, to keep a busy machine's noise out.
    let best = |n: usize| {
        let v = text(n * MIB);
        let c = &c;
        async move {
            let a = echo(c, &v).await;
            let b = echo(c, &v).await;
            a.min(b)
        }
    };
    let small = best(8).await;
    let large = best(32).await;
    eprintln!("8 MiB: {small:?}, 32 MiB: {large:?}");
    // Four times the bytes: about 4x when linear (2.5-5.5x measured in a
    // debug build), 16x when quadratic (27x measured).
    assert!(
        large < small * 8,
        "8 MiB took {small:?} but 32 MiB took {large:?}"
    );
}

#[tokio::test]
async fn a_request_over_the_server_limit_is_an_error_and_the_session_goes_on() {
    let (_s, c) = connect_to(Config {
        max_request: MIB,
        ..Config::default()
    })
    .await;
    let t = Instant::now();
    let e = c
        .execute(
            "select :v as v from dual",
            bind(&text(2 * MIB)),
            ExecOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ORA-03146");
    assert!(e.message().contains("limit of 1048576 bytes"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(!e.is_session_dead());
    echo(&c, &text(MIB / 2)).await;
}
