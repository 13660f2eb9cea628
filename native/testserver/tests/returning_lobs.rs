//! DML RETURNING into a LOB bind sends the value as a LOB locator (a
//! temporary LOB holding it), as a PL/SQL LOB OUT bind is sent. The server
//! used to send the value's bytes there, and python-oracledb, reading a
//! locator, failed with "DPY-5002: read integer of length 19" (test_1600's
//! 1618 and 1625). Replays python-oracledb's own requests
//! (`tests/golden/python_returning_clob.hex`).

mod common;

use oradb_protocol::buf::{Reader, Writer};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::lob::{op, read_locator_value, LobOpReply, LobOpRequest, ReplyShape};
use oradb_protocol::ttc::msg;
use oradb_testserver::TestServer;

#[tokio::test]
async fn returning_into_a_clob_bind_sends_a_locator_of_the_value() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let req = common::hex_lines(include_str!("golden/python_returning_clob.hex"));
    assert_eq!(req.len(), 2);
    let (_, end) = c.call_raw(&req[0]).await.unwrap();
    assert_eq!(end.error_num, 0, "{end:?}");

    let a = c.call_packet(&req[1]).await.unwrap();
    assert_eq!(a[0], msg::ROW_DATA, "{a:02x?}");
    let mut r = Reader::new(&a[1..]);
    assert_eq!(r.ub4().unwrap(), 1, "one row for the one bind");
    let (locator, size, _chunk) = read_locator_value(&mut r)
        .unwrap()
        .expect("a locator, not NULL");
    assert!(!locator.is_empty());
    assert_eq!(size, "A short CLOB - 1618".len() as u64);
    assert_eq!(r.sb4().unwrap(), 0, "indicator: not NULL");
}

/// Sends LOB_OP `req` and decodes its reply, or the error.
async fn lob_op(c: &mut common::Client, req: &LobOpRequest) -> Result<LobOpReply, ErrorMessage> {
    let caps = c.caps();
    let mut w = Writer::new();
    req.encode(&mut w, &caps);
    let answer = c.call_packet(&w.buf).await.expect("an answer");
    let mut r = Reader::new(&answer);
    if answer.first() == Some(&msg::ERROR) {
        r.u8().unwrap();
        return Err(ErrorMessage::decode(&mut r, &caps).unwrap());
    }
    Ok(LobOpReply::decode(&mut r, &ReplyShape::of(req)).unwrap())
}

/// The `empty_blob() … returning b into :b` idiom (Knex's BLOB inserts, via
/// node-oracledb; python-oracledb's suite): the locator names the new row,
/// so a write through it fills the row. The server used to answer a
/// temporary copy, and the row kept its empty LOB after the commit.
#[tokio::test]
async fn returning_a_blob_column_gives_the_rows_locator_and_writes_fill_the_row() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let req = common::hex_lines(include_str!("golden/python_returning_empty_blob.hex"));
    assert_eq!(req.len(), 2);
    let (_, end) = c.call_raw(&req[0]).await.unwrap();
    assert_eq!(end.error_num, 0, "{end:?}");

    let a = c.call_packet(&req[1]).await.unwrap();
    assert_eq!(a[0], msg::ROW_DATA, "{a:02x?}");
    let mut r = Reader::new(&a[1..]);
    assert_eq!(r.ub4().unwrap(), 1, "one row for the one bind");
    let (locator, size, _) = read_locator_value(&mut r)
        .unwrap()
        .expect("EMPTY_BLOB() is an empty LOB, not NULL");
    assert_eq!(size, 0);
    assert_eq!(r.sb4().unwrap(), 0, "indicator: not NULL");

    let data: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 256) as u8).collect();
    let write = LobOpRequest {
        seq: 3,
        operation: op::WRITE,
        source: Some(locator.clone()),
        source_offset: 1,
        data: Some(data.clone()),
        ..Default::default()
    };
    lob_op(&mut c, &write).await.unwrap();
    let v = c
        .plsql_out_text("begin commit; :x := 'committed'; end;", 20)
        .await
        .unwrap();
    assert_eq!(v.as_deref(), Some("committed"));

    let mut other = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let got = other
        .plsql_out_text(
            "begin select to_char(dbms_lob.getlength(BlobCol)) || ':' || \
             substr(rawtohex(BlobCol), 3, 8) into :x from RetLobs where IntCol = 1; end;",
            40,
        )
        .await
        .unwrap();
    assert_eq!(
        got.as_deref(),
        Some("3000:070E151C"),
        "another session sees the write"
    );
}

mod engine {
    //! What the engine hands the server for RETURNING: the written rows of
    //! plain LOB columns (for persistent locators), and nothing for
    //! expressions or DELETE (temporary copies).

    use oradb_protocol::value::{ora_type, Value};
    use oradb_testserver::sql::{Database, Outcome, Session};

    fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Outcome {
        let p = s.prepare(sql).unwrap();
        s.execute(&p, binds).unwrap()
    }

    fn returned(s: &mut Session, sql: &str, binds: &[Value]) -> Vec<Vec<Value>> {
        match run(s, sql, binds) {
            Outcome::Dml { returning, .. } => returning,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_lob_columns_name_their_rows_and_expressions_do_not() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        run(&mut s, "create table t (id number, c clob, b blob)", &[]);
        let got = returned(
            &mut s,
            "insert into t (id, c, b) values (1, empty_clob(), empty_blob()) \
             returning c, b, id into :1, :2, :3",
            &[Value::Null, Value::Null, Value::Null],
        );
        assert_eq!(
            got,
            [
                vec![Value::Clob(String::new())],
                vec![Value::Blob(Vec::new())],
                vec![Value::Number("1".into())]
            ],
            "empty LOBs are empty, not NULL"
        );
        let rows = s.take_lob_rows().expect("the written row's LOBs");
        let cols: Vec<(usize, &str)> = rows
            .columns
            .iter()
            .map(|(i, src)| (*i, src.column.as_str()))
            .collect();
        assert_eq!(cols, [(0, "C"), (1, "B")]);
        let rowid = rows.rowids[0].expect("a rowid");
        s.set_lob_value(&rows.columns[0].1, rowid, &Value::Clob("filled".into()))
            .unwrap();
        run(&mut s, "commit", &[]);

        // UPDATE: the row's LOB; a write through it rolls back with the rest.
        returned(
            &mut s,
            "update t set id = 2 where id = 1 returning c into :1",
            &[Value::Null],
        );
        let rows = s.take_lob_rows().expect("the updated row's LOB");
        let src = &rows.columns[0].1;
        let rowid = rows.rowids[0].unwrap();
        assert_eq!(
            s.lob_value(src, rowid, ora_type::CLOB).unwrap(),
            Value::Clob("filled".into())
        );
        s.set_lob_value(src, rowid, &Value::Clob("lost".into()))
            .unwrap();
        run(&mut s, "rollback", &[]);
        assert_eq!(
            s.lob_value(src, rowid, ora_type::CLOB).unwrap(),
            Value::Clob("filled".into())
        );

        // An expression over the LOB is a value; DELETE's row is gone.
        let got = returned(
            &mut s,
            "update t set id = 3 returning c || '!' into :1",
            &[Value::Null],
        );
        assert_eq!(got[0].len(), 1);
        assert!(s.take_lob_rows().is_none(), "no row for an expression");
        returned(&mut s, "delete from t returning c into :1", &[Value::Null]);
        assert!(s.take_lob_rows().is_none(), "no row for DELETE");
    }
}
