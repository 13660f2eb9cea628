//! The test server's fault controls, observed by the thin client over TCP:
//! each fault must reach the client as the error a real outage would give.

use std::time::{Duration, Instant};

use oradb_client::binds::Binds;
use oradb_client::exec::ExecOptions;
use oradb_client::options::ConnectOptions;
use oradb_client::Connection;
use oradb_testserver::{Config, TestServer};

async fn server(data_dir: Option<std::path::PathBuf>) -> TestServer {
    TestServer::start(Config {
        data_dir,
        ..Config::default()
    })
    .await
    .expect("server starts")
}

fn opts(s: &TestServer) -> ConnectOptions {
    ConnectOptions {
        user: "scott".into(),
        password: "tiger".into(),
        connect_string: format!("{}/FREEPDB1", s.addr()),
        connect_timeout: Duration::from_secs(5),
        ..Default::default()
    }
}

async fn run(c: &Connection, sql: &str) -> oradb_client::Result<u64> {
    c.execute(sql, Binds::default(), ExecOptions::default())
        .await
        .map(|r| r.rows_affected)
}

/// The single NUMBER of a one-row query.
async fn count(c: &Connection, sql: &str) -> f64 {
    let r = c
        .execute(sql, Binds::default(), ExecOptions::default())
        .await
        .unwrap();
    let rows = r.rows.unwrap().rows;
    assert_eq!(rows.rows, 1);
    f64::from_le_bytes(rows.data[1..9].try_into().unwrap())
}

async fn connect_err(s: &TestServer) -> oradb_client::Error {
    match Connection::connect(opts(s)).await {
        Ok(_) => panic!("connected"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn drop_all_closes_every_session_and_keeps_committed_data() {
    let s = server(None).await;
    let a = Connection::connect(opts(&s)).await.unwrap();
    let b = Connection::connect(opts(&s)).await.unwrap();
    run(&a, "create table t (n number)").await.unwrap();
    run(&a, "insert into t values (1)").await.unwrap();
    a.commit().await.unwrap();
    run(&a, "insert into t values (2)").await.unwrap();
    assert_eq!(s.drop_all().await, 2);
    for c in [&a, &b] {
        let e = c.ping().await.unwrap_err();
        assert!(e.is_session_dead(), "{e}");
        // Later calls say it was lost (not "closed"); closing it succeeds.
        let e = c.ping().await.unwrap_err();
        assert_eq!((e.code(), e.is_recoverable()), ("ODB-1010", true), "{e}");
    }
    a.close().await.unwrap();
    assert_eq!(a.ping().await.unwrap_err().code(), "ODB-5000");
    let c = Connection::connect(opts(&s)).await.unwrap();
    assert_eq!(count(&c, "select count(*) from t").await, 1.0);
    // Dropped sessions leave V$SESSION.
    assert_eq!(count(&c, "select count(*) from v$session").await, 1.0);
}

#[tokio::test]
async fn refused_connections_get_the_listener_error_and_recover() {
    let s = server(None).await;
    for code in [12516, 12519] {
        s.faults().refuse(Some(code)).unwrap();
        let e = connect_err(&s).await;
        assert_eq!(e.code(), format!("ORA-{code}"), "{e}");
        assert!(e.is_recoverable(), "{e}");
    }
    s.faults().refuse(None).unwrap();
    Connection::connect(opts(&s))
        .await
        .unwrap()
        .ping()
        .await
        .unwrap();
}

#[tokio::test]
async fn session_cap_gives_ora_00018_until_one_leaves() {
    let s = server(None).await;
    s.faults().set_max_sessions(Some(2));
    let a = Connection::connect(opts(&s)).await.unwrap();
    let _b = Connection::connect(opts(&s)).await.unwrap();
    let e = connect_err(&s).await;
    assert_eq!(e.code(), "ORA-00018", "{e}");
    a.close().await.unwrap();
    let c = Connection::connect(opts(&s)).await.unwrap();
    c.ping().await.unwrap();
}

#[tokio::test]
async fn delay_slows_every_answer_and_call_timeout_cancels() {
    let s = server(None).await;
    let c = Connection::connect(opts(&s)).await.unwrap();
    s.faults().set_delay(150);
    let t = Instant::now();
    c.ping().await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
    c.set_call_timeout(Duration::from_millis(40));
    let e = c.ping().await.unwrap_err();
    assert!(
        !e.is_session_dead(),
        "a timed-out call leaves the session: {e}"
    );
    s.faults().set_delay(0);
    c.set_call_timeout(Duration::ZERO);
    let t = Instant::now();
    c.ping().await.unwrap();
    assert!(
        t.elapsed() < Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn a_stalled_fetch_waits_for_unstall_or_a_break() {
    let s = server(None).await;
    let c = Connection::connect(opts(&s)).await.unwrap();
    let sid = c.info().sid;
    run(&c, "create table s (n number)").await.unwrap();
    for i in 0..100 {
        run(&c, &format!("insert into s values ({i})"))
            .await
            .unwrap();
    }
    c.commit().await.unwrap();
    let sql = "select n from s order by n";
    let opts = ExecOptions {
        prefetch_rows: 10,
        ..Default::default()
    };
    let q = c
        .execute(sql, Binds::default(), opts.clone())
        .await
        .unwrap();
    assert!(!q.rows.unwrap().done);
    s.faults().stall(sid);
    // Without a timeout the fetch waits until the session is let go.
    let fetch = c.fetch(q.cursor_id, 10);
    tokio::pin!(fetch);
    assert!(
        tokio::time::timeout(Duration::from_millis(200), &mut fetch)
            .await
            .is_err(),
        "a stalled fetch answered"
    );
    s.faults().unstall(Some(sid));
    let f = fetch.await.unwrap();
    assert_eq!(f.rows.rows, 10);
    // With a call timeout the client's break ends the stall: ORA-01013, and
    // the session keeps working.
    s.faults().stall(sid);
    c.set_call_timeout(Duration::from_millis(100));
    let e = c.fetch(q.cursor_id, 10).await.unwrap_err();
    assert!(!e.is_session_dead(), "{e}");
    s.faults().reset();
    c.set_call_timeout(Duration::ZERO);
    assert_eq!(count(&c, "select count(*) from dual").await, 1.0);
    // Other sessions never stall.
    s.faults().stall(sid);
    let other = Connection::connect(self::opts(&s)).await.unwrap();
    let q = other.execute(sql, Binds::default(), opts).await.unwrap();
    assert_eq!(other.fetch(q.cursor_id, 200).await.unwrap().rows.rows, 90);
}

#[tokio::test]
async fn restart_drops_sessions_refuses_while_down_and_keeps_committed_data() {
    let dir = tempfile::tempdir().unwrap();
    let s = server(Some(dir.path().to_path_buf())).await;
    let c = Connection::connect(opts(&s)).await.unwrap();
    run(&c, "create table r (n number)").await.unwrap();
    run(&c, "insert into r values (1)").await.unwrap();
    c.commit().await.unwrap();
    run(&c, "insert into r values (2)").await.unwrap();
    let restart = s.restart(Duration::from_millis(400));
    let probe = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Connection::connect(opts(&s)).await
    };
    let (restarted, while_down) = tokio::join!(restart, probe);
    restarted.unwrap();
    let Err(e) = while_down else {
        panic!("connected while the server was down")
    };
    assert!(e.is_recoverable(), "connecting while down: {e}");
    assert!(c.ping().await.unwrap_err().is_session_dead());
    let c = Connection::connect(opts(&s)).await.unwrap();
    assert_eq!(count(&c, "select count(*) from r").await, 1.0);
}

#[tokio::test]
async fn call_timeout_covers_a_stalled_read_ahead() {
    let s = server(None).await;
    let c = Connection::connect(opts(&s)).await.unwrap();
    run(&c, "create table ra (n number)").await.unwrap();
    for i in 0..50 {
        run(&c, &format!("insert into ra values ({i})"))
            .await
            .unwrap();
    }
    c.commit().await.unwrap();
    // The execute's first batch comes back; the read-ahead FETCH it starts
    // (with no call timeout yet) stalls on the server.
    s.faults().stall(c.info().sid);
    let q = c
        .execute(
            "select n from ra order by n",
            Binds::default(),
            ExecOptions {
                prefetch_rows: 10,
                array_size: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // Let the read-ahead take the session and send its fetch.
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.set_call_timeout(Duration::from_millis(100));
    let t = Instant::now();
    let e = tokio::time::timeout(Duration::from_secs(10), c.fetch(q.cursor_id, 10))
        .await
        .expect("the fetch must not hang behind the read-ahead")
        .unwrap_err();
    assert_eq!(e.code(), "ODB-5011", "{e}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    s.faults().reset();
    c.set_call_timeout(Duration::ZERO);
    // The session goes on, and no stray break hits the next call.
    c.ping().await.unwrap();
    assert_eq!(count(&c, "select count(*) from ra").await, 50.0);
}

#[tokio::test]
async fn restart_ends_the_drcp_sessions_kept_for_reuse() {
    let s = server(None).await;
    let pooled = ConnectOptions {
        connect_string: format!("{}/FREEPDB1:pooled", s.addr()),
        connection_class: Some("KEEP".into()),
        purity: oradb_client::options::Purity::SelfPurity,
        ..opts(&s)
    };
    let sid_of = async |c: &Connection| {
        count(
            c,
            "select to_number(sys_context('USERENV', 'SID')) from dual",
        )
        .await
    };
    // The SID alone cannot tell: a restarted server may give the same SID again.
    let marked = async |c: &Connection| {
        count(
            c,
            "select count(*) from dual \
             where sys_context('USERENV', 'NLS_DATE_FORMAT') = 'YYYY-MM'",
        )
        .await
    };
    let c = Connection::connect(pooled.clone()).await.unwrap();
    let first = sid_of(&c).await;
    run(&c, "alter session set nls_date_format = 'YYYY-MM'")
        .await
        .unwrap();
    c.close().await.unwrap();
    let c = Connection::connect(pooled.clone()).await.unwrap();
    assert_eq!(sid_of(&c).await, first, "SELF reuses the kept session");
    assert_eq!(marked(&c).await, 1.0, "with its state");
    c.close().await.unwrap();
    s.restart(Duration::from_millis(50)).await.unwrap();
    let c = Connection::connect(pooled).await.unwrap();
    assert_eq!(marked(&c).await, 0.0, "after a restart the session is new");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_session_is_seen_dead_even_before_its_runtime_polls_the_socket() {
    let s = server(None).await;
    let o = opts(&s);
    // The connection lives on a runtime whose thread then sleeps: its I/O
    // driver cannot learn of the server's FIN (as when the addon's I/O
    // thread has not woken yet).
    let (tx, rx) = std::sync::mpsc::channel();
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let c = rt.block_on(async {
            let c = Connection::connect(o).await.unwrap();
            c.ping().await.unwrap();
            c
        });
        tx.send(c.clone()).unwrap();
        go_rx.recv().unwrap();
        drop(rt);
    });
    let c = tokio::task::block_in_place(|| rx.recv()).unwrap();
    assert!(c.probe_alive());
    s.drop_all().await;
    assert!(
        !c.probe_alive(),
        "the FIN is in the socket: the session is dead"
    );
    assert!(c.is_dead());
    go_tx.send(()).unwrap();
    t.join().unwrap();
}
