//! Columns constrained `IS JSON`: described with the flags clients read
//! (python-oracledb's is_json / is_oson), and JSON text written to an OSON
//! BLOB kept as OSON.

use oradb_protocol::value::{ora_type, oson, Value};

use crate::{Database, Outcome, Session, UDS_IS_JSON, UDS_IS_OSON};

fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Outcome {
    let p = s.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    s.execute(&p, binds)
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
}

#[test]
fn is_json_columns_carry_their_describe_flags_and_oson_blobs_hold_oson() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    run(
        &mut s,
        "create table jc (id number, o blob, t varchar2(200) check (t is json), \
         constraint jc_o check (o is json format oson))",
        &[],
    );
    run(
        &mut s,
        r#"insert into jc values (1, '{"id": 1, "v": "one"}', '{"a": [1, 2]}')"#,
        &[],
    );
    let image = oson::image_of_value(&Value::Varchar(r#"{"id":2}"#.into())).unwrap();
    run(
        &mut s,
        "insert into jc values (2, :1, null)",
        &[Value::Blob(image.clone())],
    );
    let Outcome::Rows { columns, rows } = run(&mut s, "select id, o, t from jc order by id", &[])
    else {
        panic!("no rows")
    };
    let flags: Vec<(u8, u32)> = columns.iter().map(|c| (c.ora_type, c.uds_flags)).collect();
    assert_eq!(
        flags,
        [
            (ora_type::NUMBER, 0),
            (ora_type::BLOB, UDS_IS_OSON),
            (ora_type::VARCHAR, UDS_IS_JSON)
        ]
    );
    // The text became OSON, which decodes to the same document.
    let Value::Blob(first) = &rows[0][1] else {
        panic!("{:?}", rows[0][1])
    };
    assert!(oson::is_oson(first), "stored as OSON");
    assert_eq!(
        oson::text_from_image(first).unwrap(),
        oson::text_from_image(
            &oson::image_of_value(&Value::Varchar(r#"{"id":1,"v":"one"}"#.into())).unwrap()
        )
        .unwrap()
    );
    assert_eq!(rows[1][1], Value::Blob(image));
    // Neither JSON text nor OSON: the column's check refuses it.
    let p = s
        .prepare("insert into jc values (3, hextoraw('0102'), null)")
        .unwrap();
    assert!(s.execute(&p, &[]).is_err());
}
