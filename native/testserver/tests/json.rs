//! JSON columns: kept as extended JSON text, described as Oracle's JSON type
//! (119), sent as OSON; JSON binds read from OSON; SQL/JSON functions; text
//! that is not JSON is ORA-40441, never a NULL.

mod common;

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::fetch::FetchRequest;
use oradb_protocol::ttc::msg;
use oradb_protocol::value::{ora_type, oson, Value};
use oradb_testserver::sql::{Database, Outcome, Session};
use oradb_testserver::{Config, TestServer};

/// python-oracledb 4.0.2's `conn.encode_oson({"id": 6903, "value": "string 6903"})`.
const PYO_OBJECT: &[u8] = &[
    0xff, 0x4a, 0x5a, 0x01, 0x21, 0x02, 0x02, 0x00, 0x09, 0x00, 0x1e, 0x00, 0x00, 0xca, 0xe0, 0x00,
    0x03, 0x00, 0x00, 0x02, 0x69, 0x64, 0x05, 0x76, 0x61, 0x6c, 0x75, 0x65, 0xa4, 0x02, 0x02, 0x01,
    0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x11, 0x34, 0x03, 0xc2, 0x46, 0x04, 0x33, 0x0b, 0x73,
    0x74, 0x72, 0x69, 0x6e, 0x67, 0x20, 0x36, 0x39, 0x30, 0x33,
];

fn rows(s: &mut Session, sql: &str, binds: &[Value]) -> (Vec<u8>, Vec<Vec<Value>>) {
    let p = s.prepare(sql).unwrap();
    match s.execute(&p, binds).unwrap() {
        Outcome::Rows { columns, rows } => (columns.iter().map(|c| c.ora_type).collect(), rows),
        other => panic!("not rows: {other:?}"),
    }
}

fn exec(s: &mut Session, sql: &str, binds: &[Value]) {
    let p = s.prepare(sql).unwrap();
    s.execute(&p, binds).unwrap();
}

#[test]
fn json_columns_store_text_and_answer_json_functions() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    exec(&mut s, "create table tj (id number(9), j json)", &[]);
    exec(
        &mut s,
        r#"insert into tj values (1, '{"a": [1, {"b": "x"}], "c": true}')"#,
        &[],
    );
    // A JSON bind arrives as its extended text (value::decode_value).
    let bound = oson::text_from_image(PYO_OBJECT).unwrap();
    exec(
        &mut s,
        "insert into tj values (2, :1)",
        &[Value::Clob(bound)],
    );
    let (types, r) = rows(&mut s, "select id, j from tj order by id", &[]);
    assert_eq!(types, [ora_type::NUMBER, ora_type::JSON]);
    assert_eq!(
        r[1][1],
        Value::Clob(r#"{"id":6903,"value":"string 6903"}"#.into())
    );
    let (types, r) = rows(
        &mut s,
        "select json_query(j, '$.a.b'), json_value(j, '$.value'), json_serialize(j) \
         from tj order by id",
        &[],
    );
    assert_eq!(types[0], ora_type::JSON);
    assert_eq!(r[0][0], Value::Clob("\"x\"".into()));
    assert_eq!(r[1][1], Value::Varchar("string 6903".into()));
    assert_eq!(
        r[0][2],
        Value::Varchar(r#"{"a":[1,{"b":"x"}],"c":true}"#.into())
    );
    let (_, r) = rows(
        &mut s,
        "select count(*) from tj where json_exists(j, '$.c')",
        &[],
    );
    assert_eq!(r, [vec![Value::Number("1".into())]]);
}

#[test]
fn is_json_tests_text_columns_and_backs_a_check_constraint() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    exec(
        &mut s,
        "create table tv (id number(9), v varchar2(100), c clob)",
        &[],
    );
    for (id, v) in [(1, r#"{"a":1}"#), (2, "[1, 2]"), (3, "{nope"), (4, "plain")] {
        let sql = format!("insert into tv values ({id}, '{v}', '{v}')");
        exec(&mut s, &sql, &[]);
    }
    exec(&mut s, "insert into tv values (5, null, null)", &[]);
    let (_, r) = rows(
        &mut s,
        "select id from tv where v is json and c is json strict order by id",
        &[],
    );
    assert_eq!(
        r,
        [
            vec![Value::Number("1".into())],
            vec![Value::Number("2".into())]
        ]
    );
    let (_, r) = rows(&mut s, "select count(*) from tv where v is not json", &[]);
    assert_eq!(r, [vec![Value::Number("2".into())]]);
    exec(
        &mut s,
        "create table tc (v varchar2(100), constraint tc_j check (v is json))",
        &[],
    );
    exec(&mut s, r#"insert into tc values ('{"ok":true}')"#, &[]);
    let p = s.prepare("insert into tc values ('{bad')").unwrap();
    assert_eq!(s.execute(&p, &[]).unwrap_err().code, 2290);
}

fn query(sql: &str, seq: u8) -> ExecuteRequest {
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = 10;
    al8i4[9] = 0x8000;
    ExecuteRequest {
        seq,
        options: options::PARSE | options::EXECUTE | options::FETCH | options::NOT_PLSQL,
        sql: Some(sql.into()),
        al8i4,
        prefetch_rows: 10,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_json_bind_goes_in_as_oson_and_comes_out_as_the_same_image() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let mut w = Writer::new();
    query("create table tj (id number(9), j json)", 2).encode(&mut w, &c.caps(), &[], true);
    assert_eq!(c.call_raw(&w.buf).await.unwrap().1.error_num, 0);

    // As python-oracledb binds a dict with DB_TYPE_JSON: a 32 MB prefetch
    // bind whose value is the quasi locator and the image.
    let meta = ColumnMeta::bind(ora_type::JSON, 32 * 1024 * 1024);
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = 1;
    let insert = ExecuteRequest {
        seq: 3,
        options: options::PARSE | options::EXECUTE | options::BIND | options::NOT_PLSQL,
        sql: Some("insert into tj values (1, :1)".into()),
        al8i4,
        binds: vec![meta.clone()],
        iterations: 1,
        rows: vec![vec![Some(PYO_OBJECT.to_vec())]],
        ..Default::default()
    };
    let mut w = Writer::new();
    insert.encode(&mut w, &c.caps(), &[meta], false);
    let (_, end) = c.call_raw(&w.buf).await.unwrap();
    assert_eq!((end.error_num, end.row_count), (0, 1), "{:?}", end.message);

    // A JSON query's execute answer carries no rows (clients define such
    // columns first, as LOB ones); the fetched row carries python-oracledb's
    // own image, byte for byte.
    let mut w = Writer::new();
    query("select j from tj", 4).encode(&mut w, &c.caps(), &[], true);
    let (kinds, end) = c.call_raw(&w.buf).await.unwrap();
    assert!(!kinds.contains(&msg::ROW_DATA), "{kinds:?}");
    assert_eq!(end.error_num, 0, "{:?}", end.message);
    let mut w = Writer::new();
    let fetch = FetchRequest {
        seq: 5,
        cursor_id: end.cursor_id.into(),
        rows: 10,
    };
    fetch.encode(&mut w, &c.caps());
    let answer = c.call_packet(&w.buf).await.unwrap();
    assert!(answer.contains(&msg::ROW_DATA));
    assert!(
        answer.windows(PYO_OBJECT.len()).any(|x| x == PYO_OBJECT),
        "image not in {answer:02x?}"
    );

    // Text that is not JSON: the fetch is ORA-40441, not a NULL row.
    let mut w = Writer::new();
    query("insert into tj values (2, '{oops')", 5).encode(&mut w, &c.caps(), &[], true);
    assert_eq!(c.call_raw(&w.buf).await.unwrap().1.error_num, 0);
    let mut w = Writer::new();
    query("select j from tj where id = 2", 6).encode(&mut w, &c.caps(), &[], true);
    let (_, end) = c.call_raw(&w.buf).await.unwrap();
    let mut w = Writer::new();
    let fetch = FetchRequest {
        seq: 7,
        cursor_id: end.cursor_id.into(),
        rows: 10,
    };
    fetch.encode(&mut w, &c.caps());
    let (kinds, end) = c.call_raw(&w.buf).await.unwrap();
    assert!(!kinds.contains(&msg::ROW_DATA), "{kinds:?}");
    assert_eq!(end.error_num, 40441, "{:?}", end.message);
}
