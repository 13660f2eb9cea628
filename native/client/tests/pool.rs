//! The session pool against an in-process oradb-testserver.

use std::time::Duration;

use oradb_client::binds::Binds;
use oradb_client::exec::ExecOptions;
use oradb_client::options::ConnectOptions;
use oradb_client::pool::{GetMode, Pool, PoolOptions};
use oradb_testserver::{Config, TestServer};

fn options(s: &TestServer, min: u32, max: u32, mode: GetMode) -> PoolOptions {
    PoolOptions {
        connect: ConnectOptions {
            user: "scott".into(),
            password: "tiger".into(),
            connect_string: format!("{}/FREEPDB1", s.addr()),
            ..Default::default()
        },
        min,
        max,
        increment: 1,
        get_mode: mode,
        wait_timeout: Duration::from_millis(200),
        queue_max: 0,
        idle_timeout: None,
        max_lifetime: None,
        ping_interval: None,
    }
}

#[tokio::test]
async fn sessions_are_reused_and_tags_match_as_sets() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = Pool::create(options(&s, 1, 3, GetMode::Wait))
        .await
        .unwrap();
    let a = pool.acquire("", false).await.unwrap();
    assert!(a.tag.is_empty());
    pool.release(a, Some("b=2;a=1"), false).await.unwrap();
    // Same properties in another order: an exact match, not a new session.
    let b = pool.acquire("a=1;b=2", false).await.unwrap();
    assert_eq!((b.tag.as_str(), b.is_new), ("a=1;b=2", false));
    // A different tag without matchAnyTag: a new session is opened.
    let c = pool.acquire("x=9", false).await.unwrap();
    assert!(c.is_new && c.tag.is_empty());
    pool.release(b, None, false).await.unwrap();
    pool.release(c, None, false).await.unwrap();
    // With matchAnyTag a differently tagged session may come back.
    let d = pool.acquire("zzz=1", true).await.unwrap();
    assert!(!d.is_new);
    let st = pool.stats();
    assert_eq!((st.open, st.busy, st.idle), (2, 1, 1));
    assert!(pool.acquire("bad", false).await.err().unwrap().code() == "ODB-2005");
    pool.release(d, None, true).await.unwrap();
    assert_eq!(pool.stats().open, 1);
}

#[tokio::test]
async fn get_modes_nowait_timedwait_and_forceget() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let nowait = Pool::create(options(&s, 0, 1, GetMode::NoWait))
        .await
        .unwrap();
    let held = nowait.acquire("", false).await.unwrap();
    assert_eq!(
        nowait.acquire("", false).await.err().unwrap().code(),
        "ODB-2002"
    );
    nowait.release(held, None, false).await.unwrap();

    let timed = Pool::create(options(&s, 0, 1, GetMode::TimedWait))
        .await
        .unwrap();
    let held = timed.acquire("", false).await.unwrap();
    let start = std::time::Instant::now();
    assert_eq!(
        timed.acquire("", false).await.err().unwrap().code(),
        "ODB-2004"
    );
    assert!(start.elapsed() >= Duration::from_millis(190));
    assert_eq!(timed.stats().timeouts, 1);
    // A waiter is woken by a release.
    let t2 = timed.clone();
    let waiter = tokio::spawn(async move { t2.acquire("", false).await.map(|s| s.is_new) });
    tokio::time::sleep(Duration::from_millis(50)).await;
    timed.release(held, None, false).await.unwrap();
    assert!(
        !waiter.await.unwrap().unwrap(),
        "an idle session, not a new one"
    );

    let force = Pool::create(options(&s, 0, 1, GetMode::ForceGet))
        .await
        .unwrap();
    let a = force.acquire("", false).await.unwrap();
    let b = force.acquire("", false).await.unwrap();
    assert_eq!(force.stats().forced, 1);
    force.release(b, None, false).await.unwrap();
    assert_eq!((force.stats().forced, force.stats().open), (0, 1));
    assert_eq!(force.close(false).await.err().unwrap().code(), "ODB-2006");
    force.release(a, None, false).await.unwrap();
    force.close(false).await.unwrap();
    assert_eq!(
        force.acquire("", false).await.err().unwrap().code(),
        "ODB-2001"
    );
}

#[tokio::test]
async fn uncommitted_work_is_rolled_back_on_release_and_bad_sizes_fail() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = Pool::create(options(&s, 1, 1, GetMode::Wait))
        .await
        .unwrap();
    let a = pool.acquire("", false).await.unwrap();
    a.conn
        .execute(
            "create table p (n number)",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap();
    a.conn
        .execute(
            "insert into p values (1)",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap();
    assert!(a.conn.in_transaction());
    pool.release(a, None, false).await.unwrap();
    let b = pool.acquire("", false).await.unwrap();
    let r = b
        .conn
        .execute(
            "select count(*) from p",
            Binds::default(),
            ExecOptions::default(),
        )
        .await
        .unwrap();
    let data = r.rows.unwrap().rows.data;
    assert_eq!(f64::from_le_bytes(data[1..9].try_into().unwrap()), 0.0);
    pool.release(b, None, false).await.unwrap();
    let bad = Pool::create(options(&s, 3, 2, GetMode::Wait))
        .await
        .err()
        .unwrap();
    assert_eq!(bad.code(), "ODB-2007");
    let creds = PoolOptions {
        connect: ConnectOptions {
            password: "nope".into(),
            ..options(&s, 1, 2, GetMode::Wait).connect
        },
        ..options(&s, 1, 2, GetMode::Wait)
    };
    assert_eq!(Pool::create(creds).await.err().unwrap().code(), "ORA-01017");
}
