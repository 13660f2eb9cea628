//! The session pool against an in-process oradb-testserver.

use std::time::Duration;

use oradb_client::binds::Binds;
use oradb_client::exec::ExecOptions;
use oradb_client::options::ConnectOptions;
use oradb_client::pool::{AcquireRequest, GetMode, Pool, PoolLimits, PoolOptions};
use oradb_testserver::{Config, TestServer};

fn limits(min: u32, max: u32, mode: GetMode) -> PoolLimits {
    PoolLimits {
        min,
        max,
        increment: 1,
        get_mode: mode,
        wait_timeout: Duration::from_millis(200),
        queue_max: 0,
        idle_timeout: None,
        max_lifetime: None,
        ping_interval: None,
        max_per_shard: 0,
    }
}

fn options(s: &TestServer, min: u32, max: u32, mode: GetMode) -> PoolOptions {
    PoolOptions {
        connect: ConnectOptions {
            user: "scott".into(),
            password: "tiger".into(),
            connect_string: format!("{}/FREEPDB1", s.addr()),
            ..Default::default()
        },
        homogeneous: true,
        limits: limits(min, max, mode),
    }
}

fn req(tag: &str, match_any_tag: bool) -> AcquireRequest {
    AcquireRequest {
        tag: tag.into(),
        match_any_tag,
        ..Default::default()
    }
}

#[tokio::test]
async fn sessions_are_reused_and_tags_match_as_sets() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = Pool::create(options(&s, 1, 3, GetMode::Wait))
        .await
        .unwrap();
    let a = pool.acquire(&req("", false)).await.unwrap();
    assert!(a.tag.is_empty());
    pool.release(a, Some("b=2;a=1"), false).await.unwrap();
    // Same properties in another order: an exact match, not a new session.
    let b = pool.acquire(&req("a=1;b=2", false)).await.unwrap();
    assert_eq!((b.tag.as_str(), b.is_new), ("a=1;b=2", false));
    // A different tag without matchAnyTag: a new session is opened.
    let c = pool.acquire(&req("x=9", false)).await.unwrap();
    assert!(c.is_new && c.tag.is_empty());
    pool.release(b, None, false).await.unwrap();
    pool.release(c, None, false).await.unwrap();
    // With matchAnyTag a differently tagged session may come back.
    let d = pool.acquire(&req("zzz=1", true)).await.unwrap();
    assert!(!d.is_new);
    let st = pool.stats();
    assert_eq!((st.open, st.busy, st.idle), (2, 1, 1));
    assert!(pool.acquire(&req("bad", false)).await.err().unwrap().code() == "ODB-2005");
    pool.release(d, None, true).await.unwrap();
    assert_eq!(pool.stats().open, 1);
}

#[tokio::test]
async fn get_modes_nowait_timedwait_and_forceget() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let nowait = Pool::create(options(&s, 0, 1, GetMode::NoWait))
        .await
        .unwrap();
    let held = nowait.acquire(&req("", false)).await.unwrap();
    assert_eq!(
        nowait.acquire(&req("", false)).await.err().unwrap().code(),
        "ODB-2002"
    );
    nowait.release(held, None, false).await.unwrap();

    let timed = Pool::create(options(&s, 0, 1, GetMode::TimedWait))
        .await
        .unwrap();
    let held = timed.acquire(&req("", false)).await.unwrap();
    let start = std::time::Instant::now();
    assert_eq!(
        timed.acquire(&req("", false)).await.err().unwrap().code(),
        "ODB-2004"
    );
    assert!(start.elapsed() >= Duration::from_millis(190));
    assert_eq!(timed.stats().timeouts, 1);
    // A waiter is woken by a release.
    let t2 = timed.clone();
    let waiter = tokio::spawn(async move { t2.acquire(&req("", false)).await.map(|s| s.is_new) });
    tokio::time::sleep(Duration::from_millis(50)).await;
    timed.release(held, None, false).await.unwrap();
    assert!(
        !waiter.await.unwrap().unwrap(),
        "an idle session, not a new one"
    );

    let force = Pool::create(options(&s, 0, 1, GetMode::ForceGet))
        .await
        .unwrap();
    let a = force.acquire(&req("", false)).await.unwrap();
    let b = force.acquire(&req("", false)).await.unwrap();
    assert_eq!(force.stats().forced, 1);
    force.release(b, None, false).await.unwrap();
    assert_eq!((force.stats().forced, force.stats().open), (0, 1));
    assert_eq!(
        force.close(false, None).await.err().unwrap().code(),
        "ODB-2006"
    );
    force.release(a, None, false).await.unwrap();
    force.close(false, None).await.unwrap();
    assert_eq!(
        force.acquire(&req("", false)).await.err().unwrap().code(),
        "ODB-2001"
    );
}

#[tokio::test]
async fn uncommitted_work_is_rolled_back_on_release_and_bad_sizes_fail() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = Pool::create(options(&s, 1, 1, GetMode::Wait))
        .await
        .unwrap();
    let a = pool.acquire(&req("", false)).await.unwrap();
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
    let b = pool.acquire(&req("", false)).await.unwrap();
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

fn sleep_sql(secs: u32) -> String {
    format!("begin dbms_session.sleep({secs}); end;")
}

#[tokio::test]
async fn increment_grows_in_steps_and_reconfigure_changes_limits() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let mut o = options(&s, 0, 5, GetMode::NoWait);
    o.limits.increment = 3;
    let pool = Pool::create(o).await.unwrap();
    let a = pool.acquire(&req("", false)).await.unwrap();
    // One miss opened one session for the caller and two more in the background.
    assert_eq!(pool.stats().open, 3);
    for _ in 0..50 {
        if pool.stats().idle == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(pool.stats().idle, 2);
    // The increment never overshoots max.
    let b = pool.acquire(&req("", false)).await.unwrap();
    let c = pool.acquire(&req("", false)).await.unwrap();
    let d = pool.acquire(&req("", false)).await.unwrap();
    assert_eq!(pool.stats().open, 5);
    for _ in 0..50 {
        if pool.stats().idle == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let e = pool.acquire(&req("", false)).await.unwrap();
    assert_eq!(pool.stats().open, 5);
    assert_eq!(
        pool.acquire(&req("", false)).await.err().unwrap().code(),
        "ODB-2002"
    );
    // Shrinking max: busy sessions beyond it close as they come back.
    pool.reconfigure(limits(0, 2, GetMode::NoWait)).unwrap();
    for x in [a, b, c] {
        pool.release(x, None, false).await.unwrap();
    }
    assert_eq!(pool.stats().open, 2);
    pool.release(d, None, false).await.unwrap();
    pool.release(e, None, false).await.unwrap();
    assert_eq!((pool.stats().open, pool.stats().idle), (2, 2));
    assert_eq!(
        pool.reconfigure(limits(3, 2, GetMode::Wait))
            .err()
            .unwrap()
            .code(),
        "ODB-2007"
    );
    // Growing min opens sessions in the background.
    pool.reconfigure(limits(4, 6, GetMode::Wait)).unwrap();
    assert_eq!(pool.stats().open, 4);
    assert_eq!(pool.limits().max, 6);
}

#[tokio::test]
async fn heterogeneous_credentials_purity_new_and_homogeneous_refusal() {
    let s = TestServer::start(Config {
        users: vec![
            ("scott".into(), "tiger".into()),
            ("hr".into(), "hrpw".into()),
        ],
        ..Config::default()
    })
    .await
    .unwrap();
    let homo = Pool::create(options(&s, 0, 2, GetMode::Wait))
        .await
        .unwrap();
    let with_user = AcquireRequest {
        user: Some("hr".into()),
        password: Some("hrpw".into()),
        ..Default::default()
    };
    assert_eq!(
        homo.acquire(&with_user).await.err().unwrap().code(),
        "ODB-2009"
    );
    let mut o = options(&s, 0, 2, GetMode::Wait);
    o.homogeneous = false;
    let pool = Pool::create(o).await.unwrap();
    let hr = pool.acquire(&with_user).await.unwrap();
    let user = |c: &oradb_client::Connection| c.info().user.clone();
    assert_eq!(user(&hr.conn).to_uppercase(), "HR");
    pool.release(hr, None, false).await.unwrap();
    // A request for the pool user never gets HR's idle session.
    let scott = pool.acquire(&req("", false)).await.unwrap();
    assert!(scott.is_new);
    assert_eq!(user(&scott.conn).to_uppercase(), "SCOTT");
    pool.release(scott, None, false).await.unwrap();
    let hr_again = pool.acquire(&with_user).await.unwrap();
    assert!(!hr_again.is_new, "HR's idle session is reused");
    pool.release(hr_again, None, false).await.unwrap();
    // Purity NEW never reuses: at max, an idle session makes room.
    let fresh = AcquireRequest {
        purity: Some(oradb_client::options::Purity::New),
        ..Default::default()
    };
    let n = pool.acquire(&fresh).await.unwrap();
    assert!(n.is_new);
    assert_eq!(pool.stats().open, 2);
    pool.release(n, None, false).await.unwrap();
    let wrong = AcquireRequest {
        user: Some("hr".into()),
        password: Some("bad".into()),
        ..Default::default()
    };
    assert_eq!(
        pool.acquire(&wrong).await.err().unwrap().code(),
        "ORA-01017"
    );
    assert_eq!(pool.stats().busy, 0);
}

#[tokio::test]
async fn drain_then_force_close_breaks_busy_calls() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = Pool::create(options(&s, 0, 2, GetMode::Wait))
        .await
        .unwrap();
    let quick = pool.acquire(&req("", false)).await.unwrap();
    let slow = pool.acquire(&req("", false)).await.unwrap();
    let conn = slow.conn.clone();
    let call = tokio::spawn(async move {
        conn.execute(&sleep_sql(10), Binds::default(), ExecOptions::default())
            .await
            .map(|_| ())
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let p2 = pool.clone();
    let releaser = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        p2.release(quick, None, false).await
    });
    let start = std::time::Instant::now();
    pool.close(false, Some(Duration::from_millis(500)))
        .await
        .unwrap();
    let took = start.elapsed();
    // The drain waited for the quick release and then for its whole time.
    assert!(took >= Duration::from_millis(450), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    releaser.await.unwrap().unwrap();
    let err = call.await.unwrap().err().unwrap();
    assert_eq!(err.code(), "ORA-01013");
    assert!(
        slow.conn.ping().await.is_err(),
        "the broken session is closed"
    );
    assert_eq!(
        pool.acquire(&req("", false)).await.err().unwrap().code(),
        "ODB-2001"
    );
}

#[tokio::test]
async fn waiters_are_served_first_come_first_served_and_never_barged() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = Pool::create(options(&s, 1, 1, GetMode::Wait))
        .await
        .unwrap();
    let held = pool.acquire(&req("", false)).await.unwrap();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = Vec::new();
    for name in ["first", "second", "third"] {
        let (p, done) = (pool.clone(), done_tx.clone());
        tasks.push(tokio::spawn(async move {
            let s = p.acquire(&req("", false)).await.unwrap();
            done.send(name).unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
            p.release(s, None, false).await.unwrap();
        }));
        // Queue them in a known order.
        while pool.stats().waiting < tasks.len() as u32 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    // A waiter that gives up (its future dropped) must not swallow the session.
    let quitter = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.acquire(&req("", false)).await.map(|_| ()) })
    };
    while pool.stats().waiting < 4 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    quitter.abort();
    let _ = quitter.await;
    assert_eq!(pool.stats().waiting, 3);
    // The release hands the session to the first waiter at once: a newcomer
    // on the synchronous fast path gets nothing.
    assert!(pool.try_release(held, None, false).is_none());
    assert!(pool.try_acquire(&req("", false)).unwrap().is_none());
    let mut order = Vec::new();
    for _ in 0..3 {
        order.push(done_rx.recv().await.unwrap());
    }
    assert_eq!(order, ["first", "second", "third"]);
    for t in tasks {
        t.await.unwrap();
    }
    let st = pool.stats();
    assert_eq!((st.open, st.busy, st.idle, st.waiting), (1, 0, 1, 0));
}

#[tokio::test]
async fn parked_waiters_keep_fifo_with_async_ones_and_collect_their_sessions() {
    use oradb_client::pool::{ParkedOutcome, TryAcquire};
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = Pool::create(options(&s, 1, 1, GetMode::Wait))
        .await
        .unwrap();
    let run = async |c: &oradb_client::Connection, sql: &str| {
        c.execute(sql, Binds::default(), ExecOptions::default())
            .await
            .unwrap();
    };
    let held = pool.acquire(&req("", false)).await.unwrap();
    // Parked, then an async waiter, then parked again: one FIFO queue.
    let TryAcquire::Parked(first) = pool.try_acquire_or_park(&req("", false)).unwrap() else {
        panic!("a full pool parks the request");
    };
    let waiter = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.acquire(&req("", false)).await })
    };
    while pool.stats().waiting < 2 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let TryAcquire::Parked(third) = pool.try_acquire_or_park(&req("", false)).unwrap() else {
        panic!("parked");
    };
    // Released on this thread: the first (parked) waiter has it, no signal needed.
    assert!(pool.try_release(held, None, false).is_none());
    let mut got = pool.take_parked();
    assert_eq!(got.len(), 1);
    let (id, ParkedOutcome::Session(s1)) = got.remove(0) else {
        panic!("a session");
    };
    assert_eq!(id, first);
    s1.conn.ping().await.unwrap();
    // Released with I/O (a rollback): the async waiter is next, then the parked one, signalled.
    run(&s1.conn, "create table pk (n number)").await;
    run(&s1.conn, "insert into pk values (1)").await;
    pool.release(s1, None, false).await.unwrap();
    let s2 = waiter.await.unwrap().unwrap();
    assert!(pool.take_parked().is_empty());
    let ready = pool.parked_ready();
    pool.release(s2, None, false).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), ready)
        .await
        .expect("signalled");
    let got = pool.take_parked();
    assert!(matches!(got.as_slice(), [(id, ParkedOutcome::Session(_))] if *id == third));
    // A parked waiter that gives up: timed out, counted, and out of the queue.
    let TryAcquire::Parked(late) = pool.try_acquire_or_park(&req("", false)).unwrap() else {
        panic!("parked");
    };
    let Err(e) = pool.leave_parked(late, true) else {
        panic!("timed out");
    };
    assert_eq!(e.code(), "ODB-2004");
    let st = pool.stats();
    assert_eq!((st.waiting, st.timeouts), (0, 1));
    // One that got its session before giving up keeps it.
    let TryAcquire::Parked(lucky) = pool.try_acquire_or_park(&req("", false)).unwrap() else {
        panic!("parked");
    };
    let [(_, ParkedOutcome::Session(s3))] = <[_; 1]>::try_from(got).ok().unwrap() else {
        panic!("a session");
    };
    assert!(pool.try_release(s3, None, false).is_none());
    let kept = pool
        .leave_parked(lucky, true)
        .unwrap()
        .expect("its session");
    assert_eq!(pool.stats().timeouts, 1);
    // Closing tells parked waiters to retry; retrying, they learn it is closed.
    let TryAcquire::Parked(last) = pool.try_acquire_or_park(&req("", false)).unwrap() else {
        panic!("parked");
    };
    let closing = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.close(true, None).await })
    };
    drop(kept);
    closing.await.unwrap().unwrap();
    let got = pool.take_parked();
    assert!(matches!(got.as_slice(), [(id, ParkedOutcome::Retry)] if *id == last));
    let Err(e) = pool.acquire_queued(&req("", false), last, None).await else {
        panic!("closed");
    };
    assert_eq!(e.code(), "ODB-2001");
}

fn keyed(key: oradb_protocol::value::Value) -> AcquireRequest {
    AcquireRequest {
        sharding_key: Some(vec![key]),
        ..Default::default()
    }
}

#[tokio::test]
async fn max_per_shard_waiters_get_room_of_their_own_shard_only() {
    use oradb_protocol::value::Value;
    let cfg = Config {
        shards: ["low=range:..100", "high=range:100.."]
            .iter()
            .map(|s| oradb_testserver::shard::ShardSpec::parse(s).unwrap())
            .collect(),
        ..Config::default()
    };
    let s = TestServer::start(cfg).await.unwrap();
    let mut o = options(&s, 0, 2, GetMode::Wait);
    o.limits.max_per_shard = 1;
    let pool = Pool::create(o).await.unwrap();
    let low = || keyed(Value::Number("5".into()));
    let a = pool.acquire(&low()).await.unwrap();
    // LOW is at its limit: this one waits although the pool has room.
    let p = pool.clone();
    let low_waiter = tokio::spawn(async move { p.acquire(&low()).await.map(|s| s.is_new) });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(pool.stats().waiting, 1);
    // Now the pool is full (a catalog session), and HIGH waits behind LOW.
    let catalog = pool.acquire(&req("", false)).await.unwrap();
    let p = pool.clone();
    let high_waiter = tokio::spawn(async move {
        let s = p.acquire(&keyed(Value::Number("500".into()))).await?;
        p.release(s, None, false).await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(pool.stats().waiting, 2);
    // The room freed goes past LOW's waiter (it cannot use it) to HIGH's.
    pool.release(catalog, None, true).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), high_waiter)
        .await
        .expect("HIGH's waiter got the freed room")
        .unwrap()
        .unwrap();
    let st = pool.stats();
    assert_eq!((st.open, st.busy, st.idle, st.waiting), (2, 1, 1, 1));
    // LOW's own session coming back is handed to LOW's waiter.
    pool.release(a, None, false).await.unwrap();
    let is_new = tokio::time::timeout(Duration::from_secs(5), low_waiter)
        .await
        .expect("the waiter got LOW's session")
        .unwrap()
        .unwrap();
    assert!(!is_new);
    let st = pool.stats();
    assert_eq!((st.open, st.busy, st.idle, st.waiting), (2, 1, 1, 0));
    assert_eq!((st.hits, st.misses), (1, 3));
}
