//! JSON constructors end to end on a session: Oracle's entry forms and
//! clauses, their result types, nesting, aggregates and embedded vectors.

use oradb_protocol::value::oson::{text, Json};
use oradb_protocol::value::{ora_type, Value};

use crate::tstz_tests::{ok, query, session};

/// The one value of a one-row query, with its described type.
fn one(sql: &str) -> (u8, Value) {
    let mut s = session();
    let (cols, rows) = query(&mut s, sql, &[]);
    (cols[0].ora_type, rows[0][0].clone())
}

fn text_of(v: &Value) -> &str {
    match v {
        Value::Varchar(s) | Value::Clob(s) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn entry_forms_and_null_clauses_build_oracles_text() {
    let (ty, v) = one(
        "select json_object(key 'a' value 1, 'b' value 'x', 'c' : null, \
         'd' : json_array(1, null, 'two')) from dual",
    );
    assert_eq!(ty, ora_type::VARCHAR);
    assert_eq!(text_of(&v), r#"{"a":1,"b":"x","c":null,"d":[1,"two"]}"#);
    let (_, v) = one("select json_array('2024-01-02 00:00:00', date '2024-01-02') from dual");
    assert_eq!(
        text_of(&v),
        r#"["2024-01-02 00:00:00","2024-01-02T00:00:00"]"#
    );
    let (_, v) = one("select json_object('a' : null, 'b' : 2 absent on null), \
         json_array(null, 1 null on null) from dual");
    assert_eq!(text_of(&v), r#"{"b":2}"#);
    let (_, v) =
        one(r#"select json_object('j' : '{"n":[1]}' format json, 's' : '{"n":[1]}') from dual"#);
    assert_eq!(text_of(&v), r#"{"j":{"n":[1]},"s":"{\"n\":[1]}"}"#);
}

#[test]
fn returning_sets_the_result_type() {
    let (ty, v) = one("select json_object('a' : 1 returning json) from dual");
    assert_eq!(ty, ora_type::JSON);
    assert_eq!(
        text::parse(text_of(&v), true).unwrap(),
        Json::Object(vec![("a".into(), Json::Number("1".into()))])
    );
    assert_eq!(
        one("select json_array(1 returning clob) from dual").0,
        ora_type::CLOB
    );
    let (ty, v) = one("select json_array(1, 2 returning blob) from dual");
    assert_eq!((ty, v), (ora_type::BLOB, Value::Blob(b"[1,2]".to_vec())));
    let mut s = session();
    let (cols, _) = query(
        &mut s,
        "select json_object('a' : 1 returning varchar2(100)) from dual",
        &[],
    );
    assert_eq!((cols[0].ora_type, cols[0].size), (ora_type::VARCHAR, 100));
}

#[test]
fn columns_binds_and_aggregates_in_row_order() {
    let mut s = session();
    ok(
        &mut s,
        "create table e (id number, name varchar2(20), d date)",
        &[],
    );
    ok(
        &mut s,
        "insert into e values (2, 'b', date '2024-01-02')",
        &[],
    );
    ok(&mut s, "insert into e values (1, 'a', null)", &[]);
    let (_, rows) = query(
        &mut s,
        "select json_objectagg(key name value id), \
         json_arrayagg(json_object('id' : id, 'name':name, 'p' : :1) order by id desc) from e",
        &[Value::Varchar("q".into())],
    );
    assert_eq!(text_of(&rows[0][0]), r#"{"b":2,"a":1}"#);
    assert_eq!(
        text_of(&rows[0][1]),
        r#"[{"id":2,"name":"b","p":"q"},{"id":1,"name":"a","p":"q"}]"#
    );
    // A date keeps its type in JSON type, and shows as ISO text otherwise.
    let (_, rows) = query(
        &mut s,
        "select json_object('d' : d returning json), json_object('d' : d) from e where id = 2",
        &[],
    );
    assert_eq!(
        text_of(&rows[0][0]),
        r#"{"d":{"$oracleDate":"2024-01-02T00:00:00"}}"#
    );
    assert_eq!(text_of(&rows[0][1]), r#"{"d":"2024-01-02T00:00:00"}"#);
    let (_, rows) = query(&mut s, "select json_arrayagg(id) from e where id > 5", &[]);
    assert_eq!(rows[0][0], Value::Null);
}

#[test]
fn a_vector_embeds_as_a_vector_in_json_type() {
    let (ty, v) = one(
        "select json_object('id' : 6432, 'vector' : to_vector('[1, 2, 3]') returning json) from dual",
    );
    assert_eq!(ty, ora_type::JSON);
    let Json::Object(fields) = text::parse(text_of(&v), true).unwrap() else {
        panic!("{v:?}")
    };
    let Json::Vector(image) = &fields[1].1 else {
        panic!("{fields:?}")
    };
    let vector = oradb_protocol::value::vector::decode(image).unwrap();
    assert_eq!(vector.to_dense_f64(), [1.0, 2.0, 3.0]);
    // As text, its numbers.
    let (_, v) = one("select json_object('v' : to_vector('[1.5]')) from dual");
    assert!(text_of(&v).starts_with(r#"{"v":[1.5"#), "{v:?}");
}

#[test]
fn bad_constructor_input_is_an_ora_error() {
    let mut s = session();
    for (sql, code) in [
        ("select json_object(null : 1) from dual", "40458"),
        ("select json_array('{x' format json) from dual", "40441"),
    ] {
        let p = s.prepare(sql).unwrap();
        let e = s.execute(&p, &[]).unwrap_err();
        assert!(e.message.contains(code), "{sql}: {e:?}");
    }
}

#[test]
fn dot_notation_reads_fields_and_array_steps_of_a_json_column() {
    let mut s = session();
    ok(
        &mut s,
        "create table tj (id number, j json, t varchar2(200))",
        &[],
    );
    ok(
        &mut s,
        r#"insert into tj values (1, json('{"a":{"b":[10,{"c":"x"}]},"n":1}'), '{"a":2}')"#,
        &[],
    );
    ok(
        &mut s,
        r#"insert into tj values (2, json('{"n":2}'), null)"#,
        &[],
    );
    let (cols, rows) = query(
        &mut s,
        "select t.j.a, t.j.a.b[1].c, t.j.a.b[0], t.t.a from tj t where t.j.a is not null",
        &[],
    );
    assert_eq!(cols[0].ora_type, ora_type::JSON);
    assert_eq!(cols[3].ora_type, ora_type::VARCHAR);
    let texts: Vec<&str> = rows[0].iter().map(text_of).collect();
    assert_eq!(texts, [r#"{"b":[10,{"c":"x"}]}"#, r#""x""#, "10", "2"]);
    // Item methods: the scalar as NUMBER or text.
    let (cols, rows) = query(
        &mut s,
        "select t.j.n.number(), t.j.a.b[1].c.string(), t.j.n.number() + 1 from tj t order by t.id",
        &[],
    );
    assert_eq!(cols[0].ora_type, ora_type::NUMBER);
    assert_eq!(
        rows[0],
        [
            Value::Number("1".into()),
            Value::Varchar("x".into()),
            Value::Number("2".into())
        ]
    );
    // Without a table alias it is no dot notation (ORA-00904, as Oracle).
    let p = s.prepare("select tj.j.a from tj");
    let e = p.and_then(|p| s.execute(&p, &[])).unwrap_err();
    assert!(e.message.contains("00904"), "{e:?}");
}

#[test]
fn a_json_column_embeds_as_json_and_a_text_column_as_a_string() {
    let mut s = session();
    ok(
        &mut s,
        "create table jt (id number, j json, t varchar2(100))",
        &[],
    );
    ok(
        &mut s,
        r#"insert into jt values (1, json('{"a":[1,2]}'), '{"a":[1,2]}')"#,
        &[],
    );
    let (_, rows) = query(
        &mut s,
        "select json_object('j' : j, 't' : x.t, 'k' : x.j returning json) from jt x",
        &[],
    );
    assert_eq!(
        text_of(&rows[0][0]),
        r#"{"j":{"a":[1,2]},"t":"{\"a\":[1,2]}","k":{"a":[1,2]}}"#
    );
}
