//! VECTOR columns in the engine: images python-oracledb bound (captured
//! from its binds while running its suite) are stored, converted to the
//! column's format, checked against its dimensions, and read back; the
//! VECTOR functions work on them.

use oradb_protocol::value::vector::{self, format, Values, Vector};
use oradb_protocol::value::{ora_type, Value};
use oradb_testserver::sql::{Database, Outcome, Session};

/// array.array('d', [6423.5, 6423.625]) as python-oracledb 4.0 binds it.
const PY_F64: [u8; 33] = [
    219, 0, 0, 18, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 192, 185, 23, 128, 0, 0, 0, 0, 192, 185,
    23, 160, 0, 0, 0, 0,
];
/// array.array('f', [1, 1.5, 2, 2.5]).
const PY_F32: [u8; 33] = [
    219, 0, 0, 18, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 191, 128, 0, 0, 191, 192, 0, 0, 192, 0,
    0, 0, 192, 32, 0, 0,
];
/// array.array('b', [1, 2, 3, 4]).
const PY_I8: [u8; 21] = [
    219, 0, 0, 18, 4, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4,
];

fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Result<Outcome, String> {
    let p = s.prepare(sql).map_err(|e| e.message)?;
    s.execute(&p, binds).map_err(|e| e.message)
}

fn rows(s: &mut Session, sql: &str, binds: &[Value]) -> Vec<Vec<Value>> {
    match run(s, sql, binds).unwrap() {
        Outcome::Rows { rows, .. } => rows,
        _ => panic!("not rows"),
    }
}

fn vec_of(v: &Value) -> Vector {
    match v {
        Value::Vector(b) => vector::decode(b).unwrap(),
        other => panic!("not a vector: {other:?}"),
    }
}

#[test]
fn python_images_store_convert_and_describe() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    run(
        &mut s,
        "create table tv (id number(9), flex vector, f32 vector(*, float32), \
         i8 vector(4, int8), sp vector(4, float64, sparse))",
        &[],
    )
    .unwrap();
    let (f64v, f32v, i8v) = (
        Value::Vector(PY_F64.to_vec()),
        Value::Vector(PY_F32.to_vec()),
        Value::Vector(PY_I8.to_vec()),
    );
    run(
        &mut s,
        "insert into tv values (1, :1, :2, :3, :4)",
        &[f64v.clone(), f64v.clone(), f32v.clone(), i8v.clone()],
    )
    .unwrap();
    let Outcome::Rows { columns, rows } = run(&mut s, "select * from tv", &[]).unwrap() else {
        panic!("not rows");
    };
    let shape: Vec<_> = columns[1..]
        .iter()
        .map(|c| (c.ora_type, c.size, c.precision as u8, c.scale as u8))
        .collect();
    assert_eq!(
        shape,
        [
            (ora_type::VECTOR, 0, format::FLEX, 1),
            (ora_type::VECTOR, 0, format::FLOAT32, 1),
            (ora_type::VECTOR, 4, format::INT8, 0),
            (ora_type::VECTOR, 4, format::FLOAT64, 2),
        ]
    );
    let r = &rows[0];
    assert_eq!(r[1], f64v);
    assert_eq!(
        vec_of(&r[2]).values,
        Values::Float32(vec![6423.5, 6423.625])
    );
    assert_eq!(vec_of(&r[3]).values, Values::Int8(vec![1, 2, 2, 2]));
    let sp = vec_of(&r[4]);
    assert_eq!(sp.indices, Some(vec![0, 1, 2, 3]));
    assert_eq!(sp.values, Values::Float64(vec![1.0, 2.0, 3.0, 4.0]));
}

#[test]
fn wrong_dimensions_ranges_and_images_are_oracle_errors() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    run(
        &mut s,
        "create table te (v vector(16, float64), i vector(*, int8))",
        &[],
    )
    .unwrap();
    let e = run(
        &mut s,
        "insert into te (v) values (:1)",
        &[Value::Vector(PY_F64.to_vec())],
    )
    .unwrap_err();
    assert!(e.starts_with("ORA-51803"), "{e}");
    let big = vector::encode(&Vector::dense(Values::Float64(vec![300.0]))).unwrap();
    let e = run(
        &mut s,
        "insert into te (i) values (:1)",
        &[Value::Vector(big)],
    )
    .unwrap_err();
    assert!(e.starts_with("ORA-51806"), "{e}");
    let e = run(
        &mut s,
        "insert into te (i) values (:1)",
        &[Value::Vector(vec![0xDB, 0])],
    )
    .unwrap_err();
    assert!(e.starts_with("ORA-51805"), "{e}");
    let e = run(&mut s, "insert into te (i) values ('[1, x]')", &[]).unwrap_err();
    assert!(e.starts_with("ORA-51801"), "{e}");
    assert_eq!(
        rows(&mut s, "select count(*) from te", &[])[0][0],
        Value::Number("0".into())
    );
}

#[test]
fn vector_functions_follow_oracle() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    let r = rows(
        &mut s,
        "select to_vector('[1, 2, 3]', 3, float64), vector_distance(to_vector('[1, 2, 3]'), \
         to_vector('[4, 6, 3]'), euclidean), vector_dimension_count(:1), \
         vector_dimension_format(:1), from_vector(to_vector('[8, [0, 7], [1.5, 2]]', 8, \
         float64, sparse) returning clob format dense) from dual",
        // SQL binds are by position: :1 twice is two binds.
        &[Value::Vector(PY_I8.to_vec()), Value::Vector(PY_I8.to_vec())],
    );
    assert_eq!(
        vec_of(&r[0][0]),
        Vector::dense(Values::Float64(vec![1.0, 2.0, 3.0]))
    );
    assert_eq!(r[0][1], Value::Double(5.0));
    assert_eq!(r[0][2], Value::Number("4".into()));
    assert_eq!(r[0][3], Value::Varchar("INT8".into()));
    assert_eq!(
        r[0][4],
        Value::Clob(
            "[1.5E+000,0.0E+000,0.0E+000,0.0E+000,0.0E+000,0.0E+000,0.0E+000,2.0E+000]".into()
        )
    );
    let e = run(
        &mut s,
        "select vector_distance(to_vector('[1, 2]'), to_vector('[1]')) from dual",
        &[],
    )
    .unwrap_err();
    assert!(e.starts_with("ORA-51808"), "{e}");
}

/// A compound query's VECTOR item is described by what its branches agree
/// on: INT8 with FLOAT32 is of any format (python-oracledb's test_8032
/// expects that), equal ones keep theirs, other dimensions are any.
#[test]
fn union_branches_decide_a_vector_columns_description() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    let spec = |s: &mut Session, sql: &str| {
        let p = s.prepare(sql).unwrap();
        let c = &p.columns[0];
        assert_eq!(c.ora_type, ora_type::VECTOR, "{sql}");
        (c.size, c.precision as u8)
    };
    let mixed = "select to_vector('[44, 55, 89]', 3, INT8) as v \
                 union all select to_vector('[34.6, 77.8, 55.9]', 3, FLOAT32) as v";
    assert_eq!(spec(&mut s, mixed), (3, format::FLEX));
    let same = "select to_vector('[1, 2]', 2, FLOAT32) v from dual \
                union all select to_vector('[3, 4]', 2, FLOAT32) from dual";
    assert_eq!(spec(&mut s, same), (2, format::FLOAT32));
    let dims = "select to_vector('[1, 2]', 2, FLOAT64) v from dual \
                union select to_vector('[3, 4, 5]', 3, FLOAT64) from dual";
    assert_eq!(spec(&mut s, dims), (0, format::FLOAT64));
}
