//! Native network encryption and integrity against the test server: every
//! algorithm pair, Oracle's table of levels (ORA-12660 where they cannot
//! agree), breaks under encryption, and a relay that records the bytes on
//! the wire to show SQL text and row values never cross in clear.

use std::sync::{Arc, Mutex};

use oradb_client::binds::{BindSpec, BindValue, Binds, Dir};
use oradb_client::exec::ExecOptions;
use oradb_client::options::{ConnectOptions, Encryption, Integrity, Level, NetworkPolicy};
use oradb_client::Connection;
use oradb_protocol::ano::server::ServerPolicy;
use oradb_testserver::{Config, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LEVELS: [Level; 4] = [
    Level::Rejected,
    Level::Accepted,
    Level::Requested,
    Level::Required,
];

async fn server(enc: Level, int: Level, e: Vec<Encryption>, i: Vec<Integrity>) -> TestServer {
    let nne = ServerPolicy {
        encryption: enc,
        encryption_types: e,
        integrity: int,
        integrity_types: i,
        ..ServerPolicy::default()
    };
    TestServer::start(Config {
        nne,
        ..Config::default()
    })
    .await
    .expect("server starts")
}

fn opts(addr: std::net::SocketAddr, network: NetworkPolicy) -> ConnectOptions {
    ConnectOptions {
        user: "scott".into(),
        password: "tiger".into(),
        connect_string: format!("{addr}/FREEPDB1"),
        connect_timeout: std::time::Duration::from_secs(10),
        network,
        ..Default::default()
    }
}

fn levels(enc: Level, int: Level) -> NetworkPolicy {
    NetworkPolicy {
        encryption: enc,
        integrity: int,
        ..NetworkPolicy::default()
    }
}

/// A query whose rows cross several packets, then a bind round trip.
async fn exercise(c: &Connection) {
    let q = c
        .execute(
            "select level from dual connect by level <= 3000",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap();
    let mut total = q.rows.as_ref().unwrap().rows.rows;
    let mut done = q.rows.unwrap().done;
    while !done {
        let f = c.fetch(q.cursor_id, 1000).await.unwrap();
        total += f.rows.rows;
        done = f.done;
    }
    assert_eq!(total, 3000);
    c.ping().await.unwrap();
}

#[tokio::test]
async fn every_algorithm_pair_negotiates_and_carries_a_session() {
    for e in Encryption::ALL {
        for i in Integrity::ALL {
            let s = server(Level::Required, Level::Required, vec![e], vec![i]).await;
            let c = Connection::connect(opts(s.addr(), levels(Level::Required, Level::Required)))
                .await
                .unwrap_or_else(|err| panic!("{e:?}/{i:?}: {}", err.message()));
            let n = c.info().network;
            assert_eq!((n.encryption, n.integrity), (Some(e), Some(i)));
            exercise(&c).await;
            c.close().await.unwrap();
        }
    }
}

#[tokio::test]
async fn the_client_offers_only_the_types_it_was_given() {
    let s = server(
        Level::Requested,
        Level::Requested,
        Encryption::ALL.to_vec(),
        Integrity::ALL.to_vec(),
    )
    .await;
    let mut p = levels(Level::Requested, Level::Requested);
    p.encryption_types = vec![Encryption::Aes128];
    p.integrity_types = vec![Integrity::Sha1];
    let c = Connection::connect(opts(s.addr(), p)).await.unwrap();
    let n = c.info().network;
    assert_eq!(
        (n.encryption, n.integrity),
        (Some(Encryption::Aes128), Some(Integrity::Sha1))
    );
    exercise(&c).await;
    // Required on both sides with nothing in common: ORA-12650.
    let s = server(
        Level::Required,
        Level::Accepted,
        vec![Encryption::Aes256],
        Integrity::ALL.to_vec(),
    )
    .await;
    let mut p = levels(Level::Required, Level::Accepted);
    p.encryption_types = vec![Encryption::Aes128];
    let e = Connection::connect(opts(s.addr(), p)).await.err().unwrap();
    assert_eq!(e.code(), "ORA-12650", "{}", e.message());
}

/// Oracle's table: rows are the client's level, columns the server's.
#[tokio::test]
async fn oracle_level_table_for_every_pair_of_levels() {
    #[derive(Debug, PartialEq)]
    enum Want {
        Off,
        On,
        Ora12660,
    }
    use Want::*;
    let table = [
        [Off, Off, Off, Ora12660],
        [Off, Off, On, On],
        [Off, On, On, On],
        [Ora12660, On, On, On],
    ];
    for (si, sl) in LEVELS.iter().enumerate() {
        // The same level for both services; one server per server level.
        let s = server(*sl, *sl, Encryption::ALL.to_vec(), Integrity::ALL.to_vec()).await;
        for (ci, cl) in LEVELS.iter().enumerate() {
            let got = match Connection::connect(opts(s.addr(), levels(*cl, *cl))).await {
                Ok(c) => {
                    let n = c.info().network;
                    let on = n.encryption.is_some();
                    assert_eq!(on, n.integrity.is_some(), "client {cl}, server {sl}");
                    exercise(&c).await;
                    c.close().await.unwrap();
                    if on {
                        On
                    } else {
                        Off
                    }
                }
                Err(e) if e.code() == "ORA-12660" => Ora12660,
                Err(e) => panic!("client {cl}, server {sl}: {}", e.message()),
            };
            assert_eq!(got, table[ci][si], "client {cl}, server {sl}");
        }
    }
}

#[tokio::test]
async fn one_service_on_and_the_other_off() {
    let s = server(
        Level::Required,
        Level::Rejected,
        Encryption::ALL.to_vec(),
        Integrity::ALL.to_vec(),
    )
    .await;
    let c = Connection::connect(opts(s.addr(), levels(Level::Accepted, Level::Accepted)))
        .await
        .unwrap();
    let n = c.info().network;
    assert_eq!(
        (n.encryption, n.integrity),
        (Some(Encryption::Aes256), None)
    );
    exercise(&c).await;
}

#[tokio::test]
async fn a_break_under_encryption_leaves_the_session_usable() {
    let s = server(
        Level::Required,
        Level::Required,
        Encryption::ALL.to_vec(),
        Integrity::ALL.to_vec(),
    )
    .await;
    let c = Connection::connect(opts(s.addr(), NetworkPolicy::default()))
        .await
        .unwrap();
    assert!(c.info().network.is_active());
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
    c.set_call_timeout(std::time::Duration::ZERO);
    exercise(&c).await;
}

#[tokio::test]
async fn tcps_never_layers_native_encryption() {
    let p = levels(Level::Required, Level::Accepted);
    let mut o = opts("127.0.0.1:1".parse().unwrap(), p);
    o.connect_string = "tcps://127.0.0.1:1/FREEPDB1".into();
    let e = Connection::connect(o).await.err().unwrap();
    assert_eq!(e.code(), "ODB-1034");
    assert!(e.message().contains("tcps"));
}

/// Forwards connections to `backend`, recording every byte both ways.
async fn recording_relay(
    backend: std::net::SocketAddr,
) -> (std::net::SocketAddr, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let wire = Arc::new(Mutex::new(Vec::new()));
    let w = wire.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(db) = TcpStream::connect(backend).await else {
                return;
            };
            let (cr, cw) = client.into_split();
            let (dr, dw) = db.into_split();
            tokio::spawn(pump(cr, dw, w.clone()));
            tokio::spawn(pump(dr, cw, w.clone()));
        }
    });
    (addr, wire)
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    wire: Arc<Mutex<Vec<u8>>>,
) {
    let mut buf = vec![0u8; 16384];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0 {
            break;
        }
        wire.lock().unwrap().extend_from_slice(&buf[..n]);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// Runs SQL with a marker in its text and a bound row value, reads it back.
async fn secret_session(addr: std::net::SocketAddr, p: NetworkPolicy) {
    let c = Connection::connect(opts(addr, p)).await.unwrap();
    c.execute(
        "create table wiretap_marker_table (v varchar2(40))",
        Binds::default(),
        ExecOptions::default(),
    )
    .await
    .unwrap();
    let binds = Binds {
        specs: vec![BindSpec {
            name: None,
            dir: Dir::In,
            ora_type: 0,
            max_size: 0,
        }],
        rows: vec![vec![BindValue::Str("row-value-Zq8XK".into())]],
    };
    c.execute(
        "insert into wiretap_marker_table values (:1)",
        binds,
        ExecOptions::default(),
    )
    .await
    .unwrap();
    let q = c
        .execute(
            "select v || '-fetched' from wiretap_marker_table",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap();
    let rows = q.rows.unwrap();
    assert_eq!(rows.rows.rows, 1);
    let data = &rows.rows.data;
    assert!(data.windows(15).any(|w| w == b"row-value-Zq8XK"));
    c.execute(
        "drop table wiretap_marker_table",
        Binds::default(),
        ExecOptions::default(),
    )
    .await
    .unwrap();
    c.close().await.unwrap();
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn with_encryption_on_no_sql_text_or_row_value_crosses_in_clear() {
    let s = server(
        Level::Accepted,
        Level::Accepted,
        Encryption::ALL.to_vec(),
        Integrity::ALL.to_vec(),
    )
    .await;
    let (relay, wire) = recording_relay(s.addr()).await;
    // Control: with native encryption rejected, the markers are on the wire.
    secret_session(relay, levels(Level::Rejected, Level::Rejected)).await;
    let clear = std::mem::take(&mut *wire.lock().unwrap());
    for m in [
        &b"wiretap_marker_table"[..],
        b"row-value-Zq8XK",
        b"-fetched",
    ] {
        assert!(
            contains(&clear, m),
            "control run lacks {:?}",
            String::from_utf8_lossy(m)
        );
    }
    // Required: none of them, in either direction.
    secret_session(relay, levels(Level::Required, Level::Required)).await;
    let sealed = std::mem::take(&mut *wire.lock().unwrap());
    assert!(sealed.len() > 1000);
    for m in [
        &b"wiretap_marker_table"[..],
        b"row-value-Zq8XK",
        b"-fetched",
        b"select",
        b"insert",
    ] {
        assert!(
            !contains(&sealed, m),
            "{:?} in clear",
            String::from_utf8_lossy(m)
        );
    }
    // The descriptor in CONNECT is not protected (it never is in Oracle Net).
    assert!(contains(&sealed, b"FREEPDB1"));
}
