//! LOB_OP calls against the test server: temporary LOBs written, read in
//! ranges and trimmed; bound into an INSERT; fetched as locators; returned
//! by a PL/SQL OUT bind; and freed (a freed locator is ORA-22922).

use oradb_client::binds::{BindSpec, BindValue, Binds, Dir};
use oradb_client::exec::ExecOptions;
use oradb_client::options::ConnectOptions;
use oradb_client::pool::{AcquireRequest, GetMode, Pool, PoolLimits, PoolOptions};
use oradb_client::rowbuf::tag;
use oradb_client::Connection;
use oradb_protocol::value::ora_type;
use oradb_testserver::{Config, TestServer};

async fn connect() -> (TestServer, Connection) {
    let s = TestServer::start(Config::default())
        .await
        .expect("server starts");
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

fn binds(specs: &[(Dir, u8)], values: Vec<BindValue>) -> Binds {
    Binds {
        specs: specs
            .iter()
            .map(|&(dir, ora_type)| BindSpec {
                name: None,
                dir,
                ora_type,
                max_size: 0,
            })
            .collect(),
        rows: vec![values],
    }
}

/// The first `tag::LOB` value in a row buffer: type, csfrm, size, chunk,
/// locator.
fn first_locator(data: &[u8]) -> (u8, u8, u64, u32, Vec<u8>) {
    assert_eq!(data[0], tag::LOB, "a LOB locator value");
    let size = f64::from_le_bytes(data[3..11].try_into().unwrap()) as u64;
    let chunk = u32::from_le_bytes(data[11..15].try_into().unwrap());
    let n = u32::from_le_bytes(data[15..19].try_into().unwrap()) as usize;
    (data[1], data[2], size, chunk, data[19..19 + n].to_vec())
}

async fn text(c: &Connection, loc: &[u8], offset: u64, n: u64) -> String {
    let r = c.lob_read(loc, offset, n).await.expect("read");
    String::from_utf8(r.data).unwrap()
}

#[tokio::test]
async fn temporary_clob_write_read_ranges_and_trim() {
    let (_s, c) = connect().await;
    let (loc, chunk) = c.lob_create_temp(ora_type::CLOB, 1).await.unwrap();
    assert_eq!(chunk, 8132);
    assert_eq!(c.lob_length(&loc).await.unwrap(), 0);
    let loc = c
        .lob_write(&loc, 1, "héllo 😀 world".as_bytes())
        .await
        .unwrap();
    // Offsets and lengths count UTF-16 code units (the emoji is two).
    assert_eq!(c.lob_length(&loc).await.unwrap(), 14);
    assert_eq!(text(&c, &loc, 1, 5).await, "héllo");
    assert_eq!(text(&c, &loc, 7, 2).await, "😀");
    // A read ending inside the surrogate pair leaves it for the next read.
    let cut = c.lob_read(&loc, 6, 2).await.unwrap();
    assert_eq!((cut.data, cut.units), (b" ".to_vec(), 1));
    assert_eq!(text(&c, &loc, 10, 100).await, "world");
    assert_eq!(text(&c, &loc, 50, 10).await, "");
    let loc = c.lob_trim(&loc, 5).await.unwrap();
    assert_eq!(c.lob_length(&loc).await.unwrap(), 5);
    // Writing past the end pads with spaces, as Oracle does.
    let loc = c.lob_write(&loc, 8, b"!").await.unwrap();
    assert_eq!(text(&c, &loc, 1, 100).await, "héllo  !");
    let e = c.lob_trim(&loc, 99).await.unwrap_err();
    assert_eq!(e.code(), "ORA-22926");
}

#[tokio::test]
async fn temporary_blob_bound_into_insert_then_fetched_as_a_locator() {
    let (_s, c) = connect().await;
    let none = || Binds::default();
    c.execute(
        "create table docs (id number, b blob)",
        none(),
        ExecOptions::default(),
    )
    .await
    .unwrap();
    let (loc, _) = c.lob_create_temp(ora_type::BLOB, 1).await.unwrap();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let mut loc = loc;
    for (i, part) in data.chunks(32_768).enumerate() {
        loc = c
            .lob_write(&loc, 1 + (i * 32_768) as u64, part)
            .await
            .unwrap();
    }
    let b = binds(
        &[(Dir::In, 0), (Dir::In, ora_type::BLOB)],
        vec![
            BindValue::Number(1.0),
            BindValue::Locator(ora_type::BLOB, loc),
        ],
    );
    let r = c
        .execute(
            "insert into docs values (:1, :2)",
            b,
            ExecOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(r.rows_affected, 1);
    // The fast path: the whole value.
    let r = c
        .execute("select b from docs", none(), ExecOptions::default())
        .await
        .unwrap();
    let rows = r.rows.unwrap().rows;
    assert_eq!(rows.data[0], tag::BLOB);
    assert_eq!(&rows.data[5..], &data[..]);
    // As a locator, read in ranges.
    let opts = ExecOptions {
        fetch_lobs: vec![0],
        ..Default::default()
    };
    let r = c.execute("select b from docs", none(), opts).await.unwrap();
    let (ty, _, size, chunk, loc) = first_locator(&r.rows.unwrap().rows.data);
    assert_eq!((ty, size, chunk), (ora_type::BLOB, 100_000, 8132));
    assert_eq!(c.lob_length(&loc).await.unwrap(), 100_000);
    let part = c.lob_read(&loc, 99_001, 5000).await.unwrap();
    assert_eq!((part.units, &part.data[..]), (1000, &data[99_000..]));
    // Deferred: the describe and an open cursor, no row and no LOB byte yet.
    let opts = ExecOptions {
        defer_lobs: true,
        ..Default::default()
    };
    let r = c.execute("select b from docs", none(), opts).await.unwrap();
    let fetched = r.rows.unwrap();
    assert_eq!((fetched.rows.rows, fetched.done), (0, false));
    assert!(fetched.rows.data.is_empty());
    assert_eq!(r.columns.unwrap()[0].db_type, ora_type::BLOB);
    assert_ne!(r.cursor_id, 0);
    c.close_cursor(r.cursor_id).await.unwrap();
}

#[tokio::test]
async fn plsql_clob_out_bind_returns_a_locator() {
    let (_s, c) = connect().await;
    let b = binds(&[(Dir::Out, ora_type::CLOB)], vec![BindValue::Null]);
    let r = c
        .execute(
            "begin :1 := rpad('x', 40000, 'yz'); end;",
            b,
            ExecOptions::default(),
        )
        .await
        .unwrap();
    let (ty, _, size, _, loc) = first_locator(&r.out_binds.unwrap().data);
    assert_eq!((ty, size), (ora_type::CLOB, 40_000));
    let whole = text(&c, &loc, 1, 40_000).await;
    assert_eq!(whole.len(), 40_000);
    assert!(whole.starts_with("xyzyz"));
}

#[tokio::test]
async fn freed_lobs_are_gone_on_the_server() {
    let (_s, c) = connect().await;
    let (a, _) = c.lob_create_temp(ora_type::CLOB, 1).await.unwrap();
    let (b, _) = c.lob_create_temp(ora_type::BLOB, 1).await.unwrap();
    let (d, _) = c.lob_create_temp(ora_type::BLOB, 1).await.unwrap();
    c.lob_free(&a).await.unwrap();
    // The free rides on the next call: this read is refused.
    assert_eq!(c.lob_length(&a).await.unwrap_err().code(), "ORA-22922");
    assert_eq!(c.lob_length(&b).await.unwrap(), 0);
    // Those never freed go together (as on close or release to a pool).
    c.lob_free_all().await;
    assert_eq!(c.lob_length(&b).await.unwrap_err().code(), "ORA-22922");
    assert_eq!(c.lob_length(&d).await.unwrap_err().code(), "ORA-22922");
    c.ping().await.unwrap();
    // A bad type is a usage error, not a call.
    let e = c.lob_create_temp(ora_type::VARCHAR, 1).await.unwrap_err();
    assert_eq!(e.code(), "ODB-5005");
}

#[tokio::test]
async fn lobs_left_open_are_freed_when_a_pooled_session_is_released() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = one_session_pool(&s).await;
    let a = pool.acquire(&AcquireRequest::default()).await.unwrap();
    let (loc, _) = a.conn.lob_create_temp(ora_type::CLOB, 1).await.unwrap();
    a.conn.lob_write(&loc, 1, b"left open").await.unwrap();
    pool.release(a, None, false).await.unwrap();
    // The same server session (min = max = 1): the first user's LOB is gone.
    let b = pool.acquire(&AcquireRequest::default()).await.unwrap();
    assert_eq!(
        b.conn.lob_length(&loc).await.unwrap_err().code(),
        "ORA-22922"
    );
    pool.release(b, None, false).await.unwrap();
}

#[tokio::test]
async fn lobs_left_open_are_freed_by_the_synchronous_release_too() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let pool = one_session_pool(&s).await;
    let a = pool.acquire(&AcquireRequest::default()).await.unwrap();
    let (loc, _) = a.conn.lob_create_temp(ora_type::BLOB, 1).await.unwrap();
    a.conn.lob_write(&loc, 1, b"left open").await.unwrap();
    // The addon's release path: no I/O, the free goes with the next call.
    assert!(pool.try_release(a, None, false).is_none());
    let b = pool.acquire(&AcquireRequest::default()).await.unwrap();
    assert_eq!(
        b.conn.lob_length(&loc).await.unwrap_err().code(),
        "ORA-22922"
    );
    pool.release(b, None, false).await.unwrap();
}

/// A pool of one session (min = max = 1), so the next acquire gets the same one.
async fn one_session_pool(s: &TestServer) -> Pool {
    Pool::create(PoolOptions {
        connect: ConnectOptions {
            user: "scott".into(),
            password: "tiger".into(),
            connect_string: format!("{}/FREEPDB1", s.addr()),
            ..Default::default()
        },
        homogeneous: true,
        limits: PoolLimits {
            min: 1,
            max: 1,
            increment: 1,
            get_mode: GetMode::Wait,
            wait_timeout: std::time::Duration::from_secs(5),
            queue_max: 0,
            idle_timeout: None,
            max_lifetime: None,
            ping_interval: None,
            max_per_shard: 0,
        },
    })
    .await
    .unwrap()
}
