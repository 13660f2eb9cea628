//! LOB_OP against the server: temporary LOBs created, written, read,
//! trimmed and freed through their locators.
//!
//! Regression: a LOB write of 32 KiB or more spans several unmarked DATA
//! packets (python-oracledb at an odd SDU, each one byte short); the server
//! took the first packet for the whole request, answered it, then read the
//! rest as new requests, and every later call on the connection failed.

mod common;

use oradb_protocol::buf::{Reader, Writer};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::lob::{op, LobOpReply, LobOpRequest, ReplyShape};
use oradb_protocol::ttc::{msg, Caps};
use oradb_testserver::{Config, TestServer};

/// Sends `req` and decodes the reply: the LOB_OP fields, or the error.
async fn lob_op(c: &mut common::Client, req: &LobOpRequest) -> Result<LobOpReply, ErrorMessage> {
    let caps: Caps = c.caps();
    let mut w = Writer::new();
    req.encode(&mut w, &caps);
    let answer = c.call_packet(&w.buf).await.expect("an answer");
    let mut r = Reader::new(&answer);
    if answer.first() == Some(&msg::ERROR) {
        r.u8().unwrap();
        return Err(ErrorMessage::decode(&mut r, &caps).unwrap());
    }
    let reply = LobOpReply::decode(&mut r, &ReplyShape::of(req)).unwrap();
    assert_eq!(r.u8().unwrap(), msg::STATUS, "STATUS closes the reply");
    Ok(reply)
}

fn on(operation: u32, seq: u8, locator: &[u8]) -> LobOpRequest {
    LobOpRequest {
        seq,
        operation,
        source: Some(locator.to_vec()),
        ..Default::default()
    }
}

async fn create_temp_clob(c: &mut common::Client) -> Vec<u8> {
    let req = LobOpRequest {
        seq: 2,
        operation: op::CREATE_TEMP,
        source: Some(vec![0; 40]),
        dest_length: 10,
        source_offset: 1,
        dest_offset: 112,
        charset: Some(873),
        null_lob: true,
        ..Default::default()
    };
    let reply = lob_op(c, &req).await.unwrap();
    assert_eq!(reply.locator.len(), 40);
    reply.locator
}

async fn select_one_works(c: &mut common::Client, seq: u8) {
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = 10;
    let q = ExecuteRequest {
        seq,
        options: options::PARSE | options::EXECUTE | options::FETCH | options::NOT_PLSQL,
        sql: Some("select 1 from dual where 1 = 0".into()),
        al8i4,
        prefetch_rows: 10,
        ..Default::default()
    };
    let mut w = Writer::new();
    q.encode(&mut w, &c.caps(), &[], false);
    let (_, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!(end.error_num, 1403, "{:?}", end.message);
}

#[tokio::test]
async fn a_lob_write_over_several_packets_is_one_request_and_the_session_goes_on() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let how = common::Unmarked {
        sdu: 8191,
        even: true,
    };
    let mut c = common::Client::logon_unmarked(server.addr(), "scott", "tiger", how)
        .await
        .unwrap();
    let loc = create_temp_clob(&mut c).await;
    // 40 KiB of characters, UTF-16BE on the wire: 80 KiB, ten packets.
    let text: Vec<u8> = (0..40 * 1024)
        .flat_map(|i| (u16::from(b'a') + (i % 26) as u16).to_be_bytes())
        .collect();
    let write = LobOpRequest {
        source_offset: 1,
        data: Some(text.clone()),
        ..on(op::WRITE, 3, &loc)
    };
    lob_op(&mut c, &write).await.unwrap();
    let len = LobOpRequest {
        amount: Some(0),
        ..on(op::GET_LENGTH, 4, &loc)
    };
    assert_eq!(lob_op(&mut c, &len).await.unwrap().amount, Some(40 * 1024));
    let read = LobOpRequest {
        source_offset: 27,
        amount: Some(3),
        ..on(op::READ, 5, &loc)
    };
    let got = lob_op(&mut c, &read).await.unwrap();
    assert_eq!(got.data.as_deref(), Some(&[0, b'a', 0, b'b', 0, b'c'][..]));
    assert_eq!(got.amount, Some(3));
    select_one_works(&mut c, 6).await;
}

#[tokio::test]
async fn freed_temporary_lobs_are_gone_and_errors_keep_the_session() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let a = create_temp_clob(&mut c).await;
    let b = create_temp_clob(&mut c).await;
    assert_ne!(a, b);
    let trim = LobOpRequest {
        amount: Some(5),
        ..on(op::TRIM, 3, &a)
    };
    let e = lob_op(&mut c, &trim).await.unwrap_err();
    assert_eq!(e.error_num, 22926);
    lob_op(&mut c, &on(op::FREE_TEMP, 4, &a)).await.unwrap();
    let len = |l: &[u8], seq| LobOpRequest {
        amount: Some(0),
        ..on(op::GET_LENGTH, seq, l)
    };
    let e = lob_op(&mut c, &len(&a, 5)).await.unwrap_err();
    assert_eq!(e.error_num, 22922, "a freed LOB is gone");
    assert_eq!(lob_op(&mut c, &len(&b, 6)).await.unwrap().amount, Some(0));
    // The bulk free rides on the next call as a piggyback.
    let mut w = Writer::new();
    let caps = c.caps();
    oradb_protocol::ttc::function::FunctionHeader::piggyback(96, 7).encode(&mut w, &caps);
    LobOpRequest {
        operation: op::FREE_TEMP | op::ARRAY,
        source: Some(b.clone()),
        ..Default::default()
    }
    .encode_body(&mut w);
    len(&b, 8).encode(&mut w, &caps);
    let answer = c.call_packet(&w.buf).await.unwrap();
    assert_eq!(answer[0], msg::ERROR);
    let e = ErrorMessage::decode(&mut Reader::new(&answer[1..]), &caps).unwrap();
    assert_eq!(e.error_num, 22922, "freed by the piggyback");
    select_one_works(&mut c, 9).await;
}

mod persistent {
    //! The engine side of persistent locators: a query's LOB columns name
    //! their table and each row's rowid; reads and writes through them see
    //! and change the row inside the session's transaction.

    use oradb_protocol::value::{ora_type, Value};
    use oradb_testserver::sql::{Database, Outcome, Session};

    fn run(s: &mut Session, sql: &str) -> Outcome {
        let p = s.prepare(sql).unwrap();
        s.execute(&p, &[]).unwrap()
    }

    fn rows(s: &mut Session, sql: &str) -> Vec<Vec<Value>> {
        match run(s, sql) {
            Outcome::Rows { rows, .. } => rows,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_fetched_lob_names_its_row_and_writes_roll_back() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        run(&mut s, "create table p (id number, c clob, b blob)");
        run(&mut s, "insert into p values (1, 'one', hextoraw('01'))");
        run(&mut s, "insert into p values (2, 'two', null)");
        run(&mut s, "commit");
        let got = rows(
            &mut s,
            "select id, c as x, b from p order by id for update nowait",
        );
        assert_eq!(got.len(), 2);
        let lr = s.take_lob_rows().expect("LOB columns that name rows");
        assert!(s.take_lob_rows().is_none(), "taken once");
        let cols: Vec<(usize, &str)> = lr
            .columns
            .iter()
            .map(|(i, src)| (*i, src.column.as_str()))
            .collect();
        assert_eq!(
            cols,
            [(1, "C"), (2, "B")],
            "the origin column, not the alias"
        );
        assert_eq!(lr.columns[0].1.table, "P");
        let rowid = lr.rowids[0].expect("a rowid");
        assert_ne!(lr.rowids[0], lr.rowids[1]);
        let src = &lr.columns[0].1;
        assert_eq!(
            s.lob_value(src, rowid, ora_type::CLOB).unwrap(),
            Value::Clob("one".into())
        );
        s.set_lob_value(src, rowid, &Value::Clob("ONE!".into()))
            .unwrap();
        assert!(s.in_transaction(), "a LOB write begins the transaction");
        assert_eq!(
            rows(&mut s, "select c from p where id = 1")[0][0],
            Value::Clob("ONE!".into())
        );
        run(&mut s, "rollback");
        assert_eq!(
            s.lob_value(src, rowid, ora_type::CLOB).unwrap(),
            Value::Clob("one".into())
        );
        assert_eq!(
            s.lob_value(src, 999, ora_type::CLOB).unwrap_err().code,
            22922
        );
    }

    #[test]
    fn joins_and_distinct_keep_value_copies() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        run(&mut s, "create table j1 (id number, c clob)");
        run(&mut s, "create table j2 (id number)");
        run(&mut s, "insert into j1 values (1, 'x')");
        run(&mut s, "insert into j2 values (1)");
        let got = rows(&mut s, "select j1.c from j1 join j2 on j1.id = j2.id");
        assert_eq!(got, [[Value::Clob("x".into())]]);
        assert!(s.take_lob_rows().is_none());
        rows(&mut s, "select to_clob('y') from dual");
        assert!(s.take_lob_rows().is_none(), "an expression has no row");
    }

    #[test]
    fn empty_lobs_are_not_null() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        run(
            &mut s,
            "create table e (id number, c clob not null, b blob not null)",
        );
        run(
            &mut s,
            "insert into e values (1, empty_clob(), empty_blob())",
        );
        let p = s.prepare("insert into e values (2, :1, :2)").unwrap();
        s.execute(&p, &[Value::Clob(String::new()), Value::Blob(Vec::new())])
            .unwrap();
        let got = rows(
            &mut s,
            "select c, b from e where c is not null and b is not null order by id",
        );
        let empty = vec![Value::Clob(String::new()), Value::Blob(Vec::new())];
        assert_eq!(got, [empty.clone(), empty]);
        // A NULL CLOB still is one: the NOT NULL column refuses it.
        let p = s
            .prepare("insert into e values (3, :1, empty_blob())")
            .unwrap();
        assert_eq!(s.execute(&p, &[Value::Null]).unwrap_err().code, 1400);
    }
}
