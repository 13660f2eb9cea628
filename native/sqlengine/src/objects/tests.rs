use oradb_protocol::value::Value;

use super::*;
use crate::{Database, Outcome, Session, SqlError};

fn session() -> Session {
    let db = Database::open(None).unwrap();
    Session::open(&db, "scott").unwrap()
}

fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Result<Vec<Vec<Value>>, SqlError> {
    let p = s.prepare(sql)?;
    Ok(match s.execute(&p, binds)? {
        Outcome::PlSql { out } => vec![out],
        Outcome::Rows { rows, .. } => rows,
        _ => Vec::new(),
    })
}

fn text(v: &Value) -> String {
    match v {
        Value::Varchar(s) => s.clone(),
        Value::Number(n) => n.clone(),
        Value::Null => "NULL".into(),
        other => format!("{other:?}"),
    }
}

fn rows(s: &mut Session, sql: &str) -> Vec<String> {
    run(s, sql, &[])
        .unwrap()
        .iter()
        .map(|r| r.iter().map(text).collect::<Vec<_>>().join(","))
        .collect()
}

const SUB: &str = "create type udt_Sub as object (n number, s varchar2(60))";
const OBJ: &str = "create or replace type scott.udt_Obj as object (
    num number(9,2), str varchar2(30 char), nstr nvarchar2(10), fixed char(4), bin raw(16),
    i integer, r real, f float, d date, ts timestamp(3), tz timestamp with time zone,
    ltz timestamp with local time zone, c clob, nc nclob, b blob, sub udt_Sub)";

fn setup(s: &mut Session) {
    run(s, SUB, &[]).unwrap();
    run(s, OBJ, &[]).unwrap();
    run(
        s,
        "create type udt_Subs as varray(10) of scott.udt_Sub",
        &[],
    )
    .unwrap();
    run(s, "create type udt_Names as table of varchar2(20);", &[]).unwrap();
}

#[test]
fn types_show_in_the_dictionary_views() {
    let mut s = session();
    setup(&mut s);
    assert_eq!(
        rows(
            &mut s,
            "select owner, type_name, typecode, attributes from all_types order by type_name"
        ),
        [
            "SCOTT,UDT_NAMES,COLLECTION,0",
            "SCOTT,UDT_OBJ,OBJECT,16",
            "SCOTT,UDT_SUB,OBJECT,2",
            "SCOTT,UDT_SUBS,COLLECTION,0"
        ]
    );
    assert_eq!(
        rows(
            &mut s,
            "select attr_no, attr_name, attr_type_owner, attr_type_name, length, precision, scale \
             from user_type_attrs where type_name = 'UDT_OBJ' and attr_no in (1, 2, 3, 6, 7, 10, 11, 16) \
             order by attr_no"
        ),
        [
            "1,NUM,NULL,NUMBER,NULL,9,2",
            "2,STR,NULL,VARCHAR2,30,NULL,NULL",
            "3,NSTR,NULL,NVARCHAR2,10,NULL,NULL",
            "6,I,NULL,INTEGER,NULL,NULL,0",
            "7,R,NULL,REAL,NULL,63,NULL",
            "10,TS,NULL,TIMESTAMP,NULL,NULL,3",
            "11,TZ,NULL,TIMESTAMP WITH TZ,NULL,NULL,6",
            "16,SUB,SCOTT,UDT_SUB,NULL,NULL,NULL",
        ]
    );
    assert_eq!(
        rows(
            &mut s,
            "select type_name, coll_type, upper_bound, elem_type_owner, elem_type_name, length \
             from all_coll_types where owner = 'SCOTT' order by type_name"
        ),
        [
            "UDT_NAMES,TABLE,NULL,NULL,VARCHAR2,20",
            "UDT_SUBS,VARYING ARRAY,10,SCOTT,UDT_SUB,NULL"
        ]
    );
    // The OID is the same in every session: a pure function of the name.
    let oid = run(
        &mut s,
        "select type_oid from user_types where type_name = 'UDT_SUB'",
        &[],
    )
    .unwrap();
    assert_eq!(oid[0][0], Value::Raw(type_oid("SCOTT", "UDT_SUB")));
    assert_eq!(type_oid("SCOTT", "UDT_SUB").len(), 16);
    assert_ne!(type_oid("SCOTT", "UDT_SUB"), type_oid("SCOTT", "UDT_SUBS"));
}

#[test]
fn type_ddl_errors_are_oracle_errors() {
    let mut s = session();
    setup(&mut s);
    let code = |s: &mut Session, sql: &str| run(s, sql, &[]).unwrap_err().code;
    assert_eq!(code(&mut s, SUB), 955);
    // A type others use cannot be dropped or changed (without FORCE).
    assert_eq!(code(&mut s, "drop type udt_Sub"), 2303);
    assert_eq!(
        code(
            &mut s,
            "create or replace type udt_Sub as object (n number)"
        ),
        2303
    );
    let e = run(&mut s, "create type t_bad as object (x no_such_type)", &[]).unwrap_err();
    assert!(e.message.contains("PLS-00201"), "{}", e.message);
    assert_eq!(
        code(&mut s, "create type t_bad as varray(0) of number"),
        22_914
    );
    assert_eq!(code(&mut s, "create type t_bad as object (x long)"), 902);
    assert_eq!(
        code(&mut s, "create type t_bad as object (x number(39))"),
        1727
    );
    assert_eq!(
        code(&mut s, "create type t_bad as object (x number, x date)"),
        6550
    );
    assert_eq!(code(&mut s, "create type t_bad as object ()"), 6550);
    assert_eq!(code(&mut s, "create type t_bad as"), 6550);
    assert_eq!(code(&mut s, "drop type no_such_type"), 4043);
    run(&mut s, "drop type udt_Subs", &[]).unwrap();
    run(&mut s, "drop type udt_Obj", &[]).unwrap();
    run(&mut s, "drop type udt_Sub", &[]).unwrap();
    assert!(rows(
        &mut s,
        "select type_name from user_types where type_name like 'UDT_SUB%'"
    )
    .is_empty());
}

#[test]
fn tds_describes_attributes_and_collections() {
    let sub = ObjType {
        owner: "S".into(),
        name: "T".into(),
        kind: ObjKind::Object(vec![
            (
                "N".into(),
                AttrType::Number {
                    precision: 0,
                    scale: -127,
                },
            ),
            ("V".into(), AttrType::NVarchar(60)),
        ]),
    };
    let b = tds(&sub);
    assert_eq!(b.len(), 18 + 3 + 6);
    assert_eq!(&b[0..4], &27u32.to_be_bytes());
    assert_eq!(&b[8..10], &[0, 2]); // two attributes
    assert_eq!(&b[18..21], &[6, 0, 0x81]); // NUMBER, unconstrained
    assert_eq!(&b[21..], &[7, 0, 120, 2, 0x07, 0xd0]); // NVARCHAR2(60): 120 bytes, NCHAR form
    let arr = ObjType {
        owner: "S".into(),
        name: "A".into(),
        kind: ObjKind::Varray {
            limit: 10,
            elem: AttrType::Named {
                owner: "S".into(),
                name: "T".into(),
            },
        },
    };
    let b = tds(&arr);
    assert_eq!(&b[8..10], &[0, 1]);
    assert_eq!(b[18], 28); // COLL
    let elem_at = u32::from_be_bytes(b[19..23].try_into().unwrap()) as usize;
    assert_eq!(&b[23..27], &10u32.to_be_bytes());
    assert_eq!(b[27], 3); // VARRAY
    assert_eq!(elem_at, 28);
    assert_eq!(&b[elem_at..], &[27, 0, 0, 0, 0, 0]);
}

/// The block python-oracledb's thin mode runs for `conn.gettype(name)`.
const GET_TYPE: &str = "declare
    t_Instantiable varchar2(3); t_SuperTypeOwner varchar2(128); t_SuperTypeName varchar2(128);
    t_SubTypeRefCursor sys_refcursor; t_Pos pls_integer;
begin
    :ret_val := dbms_pickler.get_type_shape(:full_name, :oid, :version, :tds, t_Instantiable,
        t_SuperTypeOwner, t_SuperTypeName, :attrs_rc, t_SubTypeRefCursor);
    :package_name := null;
    if substr(:full_name, length(:full_name) - 7) = '%ROWTYPE' then
        t_Pos := instr(:full_name, '.');
        :schema := substr(:full_name, 1, t_Pos - 1);
        :name := substr(:full_name, t_Pos + 1);
    else
        begin
            select owner, type_name into :schema, :name from all_types where type_oid = :oid;
        exception when no_data_found then
            begin
                select owner, package_name, type_name into :schema, :package_name, :name
                from all_plsql_types where type_oid = :oid;
            exception when no_data_found then null;
            end;
        end;
    end if;
end;";

#[test]
fn get_type_shape_answers_the_thin_client_block() {
    let mut s = session();
    setup(&mut s);
    let p = s.prepare(GET_TYPE).unwrap();
    let names: Vec<&str> = p.bind_names.iter().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "RET_VAL",
            "FULL_NAME",
            "OID",
            "VERSION",
            "TDS",
            "ATTRS_RC",
            "PACKAGE_NAME",
            "SCHEMA",
            "NAME"
        ]
    );
    let call = |s: &mut Session, name: &str| {
        let mut b = vec![Value::Null; 9];
        b[1] = Value::Varchar(name.into());
        let Outcome::PlSql { out } = s.execute(&p, &b).unwrap() else {
            panic!("not PL/SQL")
        };
        (out, s.take_ref_cursors())
    };
    let (out, cursors) = call(&mut s, "\"SCOTT\".\"UDT_SUB\"");
    assert_eq!(text(&out[0]), "0");
    assert_eq!(out[2], Value::Raw(type_oid("SCOTT", "UDT_SUB")));
    assert_eq!(text(&out[3]), "1");
    let ty = s.object_type("SCOTT", "UDT_SUB").unwrap();
    assert_eq!(out[4], Value::Raw(tds(&ty)));
    assert_eq!(
        (text(&out[7]), text(&out[8])),
        ("SCOTT".into(), "UDT_SUB".into())
    );
    let rc = cursors[5].as_ref().expect("attributes cursor");
    let attrs: Vec<String> = rc
        .rows
        .iter()
        .map(|r| r[1..5].iter().map(text).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(attrs, ["N,1,NUMBER,NULL", "S,2,VARCHAR2,NULL"]);
    assert_eq!(rc.prepared.columns.len(), 10);

    // Unqualified: the current schema's; an attribute of object type has its OID.
    let (out, cursors) = call(&mut s, "udt_obj");
    assert_eq!(text(&out[0]), "0");
    let rc = cursors[5].as_ref().unwrap();
    let sub = rc.rows.last().unwrap();
    assert_eq!(sub[6], Value::Raw(type_oid("SCOTT", "UDT_SUB")));

    let (out, _) = call(&mut s, "SCOTT.NO_SUCH_TYPE");
    assert_eq!(text(&out[0]), "1");
    assert_eq!(out[8], Value::Null);
}

#[test]
fn object_columns_keep_constructed_images() {
    use oradb_protocol::value::pickle::{decode_image, Datum};
    let mut s = session();
    run(
        &mut s,
        "create type udt_Sub as object (n number, s char(4))",
        &[],
    )
    .unwrap();
    run(&mut s, "create type udt_Subs as varray(2) of udt_Sub", &[]).unwrap();
    run(
        &mut s,
        "create type udt_Obj as object (n number, sub udt_Sub, subs udt_Subs, c clob)",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "create table t_obj (id number(9) not null, o scott.udt_Obj, a udt_Subs)",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "insert into t_obj values (1, scott.udt_Obj(12.5, udt_Sub(1, 'ab'), \
         udt_Subs(udt_Sub(2, null), null), 'text'), udt_Subs())",
        &[],
    )
    .unwrap();
    run(&mut s, "insert into t_obj values (2, null, null)", &[]).unwrap();
    let p = s.prepare("select o, a from t_obj order by id").unwrap();
    assert_eq!(p.columns[0].ora_type, 109);
    let t = p.columns[0].object_type.clone().unwrap();
    assert_eq!((t.owner.as_str(), t.name.as_str()), ("SCOTT", "UDT_OBJ"));
    let Outcome::Rows { rows, .. } = s.execute(&p, &[]).unwrap() else {
        panic!("rows")
    };
    let Value::Raw(img) = &rows[0][0] else {
        panic!("{:?}", rows[0][0])
    };
    let shape = s.object_shape(&t).unwrap();
    let num = |n: &str| Datum::Bytes(oradb_protocol::value::number::encode_str(n).unwrap());
    assert_eq!(
        decode_image(&shape, img).unwrap(),
        Datum::Object(Some(vec![
            num("12.5"),
            Datum::Object(Some(vec![num("1"), Datum::Bytes(b"ab  ".to_vec())])),
            Datum::Collection(Some(vec![
                Datum::Object(Some(vec![num("2"), Datum::Null])),
                Datum::Object(None),
            ])),
            Datum::Bytes(b"text".to_vec()),
        ]))
    );
    let Value::Raw(empty) = &rows[0][1] else {
        panic!("{:?}", rows[0][1])
    };
    let arr = p.columns[1].object_type.clone().unwrap();
    assert_eq!(
        decode_image(&s.object_shape(&arr).unwrap(), empty).unwrap(),
        Datum::Collection(Some(Vec::new()))
    );
    assert_eq!(rows[1], [Value::Null, Value::Null]);
    // Too many elements, a wrong argument count: Oracle's errors.
    let e = run(
        &mut s,
        "insert into t_obj values (3, null, udt_Subs(null, null, null))",
        &[],
    );
    assert_eq!(e.unwrap_err().code, 22_909);
    let e = run(
        &mut s,
        "insert into t_obj values (3, udt_Obj(1), null)",
        &[],
    );
    assert_eq!(e.unwrap_err().code, 2315);
    // A table's column type cannot go while the table is there.
    assert_eq!(
        run(&mut s, "drop type udt_Obj", &[]).unwrap_err().code,
        2303
    );
    run(&mut s, "drop table t_obj", &[]).unwrap();
    run(&mut s, "drop type udt_Obj", &[]).unwrap();
}

#[test]
fn constructors_in_the_select_list_describe_as_their_type() {
    let mut s = session();
    run(&mut s, "create type udt_Nums as varray(5) of number", &[]).unwrap();
    let p = s.prepare("select udt_Nums(5, 10, 15) from dual").unwrap();
    assert_eq!(p.columns[0].ora_type, 109);
    let t = p.columns[0].object_type.clone().unwrap();
    assert_eq!((t.owner.as_str(), t.name.as_str()), ("SCOTT", "UDT_NUMS"));
    let Outcome::Rows { rows, columns } = s.execute(&p, &[]).unwrap() else {
        panic!("rows")
    };
    assert_eq!(columns[0].ora_type, 109);
    let Value::Raw(img) = &rows[0][0] else {
        panic!("{:?}", rows[0][0])
    };
    let d = oradb_protocol::value::pickle::decode_image(&s.object_shape(&t).unwrap(), img);
    let n = |v: &str| {
        oradb_protocol::value::pickle::Datum::Bytes(
            oradb_protocol::value::number::encode_str(v).unwrap(),
        )
    };
    assert_eq!(
        d.unwrap(),
        oradb_protocol::value::pickle::Datum::Collection(Some(vec![n("5"), n("10"), n("15")]))
    );
}

#[test]
fn another_users_types_are_not_found_by_get_type_shape() {
    let db = Database::open(None).unwrap();
    let mut scott = Session::open(&db, "scott").unwrap();
    run(&mut scott, SUB, &[]).unwrap();
    let mut other = Session::open(&db, "system").unwrap();
    let mut blake = Session::open(&db, "blake").unwrap();
    let p = "declare i varchar2(3); so varchar2(128); sn varchar2(128); sub sys_refcursor; \
             begin :r := dbms_pickler.get_type_shape('SCOTT.UDT_SUB', :oid, :v, :tds, i, so, sn, :rc, sub); end;";
    let shape = |s: &mut Session| text(&run(s, p, &vec![Value::Null; 5]).unwrap()[0][0]);
    assert_eq!(shape(&mut scott), "0");
    assert_eq!(shape(&mut other), "0");
    assert_eq!(shape(&mut blake), "1");
}

/// A type cannot come to contain itself (replace, or DROP FORCE and a new
/// type pointing back): PLS-00318, the old definition kept. Before, the
/// layout recursed without end and any use of the type hung the session.
#[test]
fn a_type_that_contains_itself_is_refused() {
    let mut s = session();
    run(&mut s, "create type cyc_a as object (n number)", &[]).unwrap();
    let e = run(
        &mut s,
        "create or replace type cyc_a as object (x cyc_a, y cyc_a, z cyc_a)",
        &[],
    )
    .unwrap_err();
    assert!(e.message.contains("PLS-00318"), "{}", e.message);
    // Still the first definition, usable.
    run(&mut s, "select cyc_a(1) from dual", &[]).unwrap();
    // Through another type: b holds a, then a is replaced to hold b.
    run(&mut s, "create type cyc_b as object (a cyc_a)", &[]).unwrap();
    run(&mut s, "drop type cyc_a force", &[]).unwrap();
    let e = run(&mut s, "create type cyc_a as object (b cyc_b)", &[]).unwrap_err();
    assert!(e.message.contains("PLS-00318"), "{}", e.message);
    // And a fresh type needing itself never gets stored.
    let e = run(&mut s, "create type cyc_c as object (c cyc_c)", &[]).unwrap_err();
    assert!(e.code != 0, "{}", e.message);
}

#[test]
fn package_collection_types_are_described_like_python_oracledb_asks() {
    let mut s = session();
    run(
        &mut s,
        "create package pkg_arr as
           type t_strs is table of varchar2(100) index by binary_integer;
           type t_nums is varray(3) of number(5);
           type t_rec is record (n number);
           procedure p(a t_strs);
         end;",
        &[],
    )
    .unwrap();
    let p = s.prepare(GET_TYPE).unwrap();
    let mut b = vec![Value::Null; 9];
    b[1] = Value::Varchar("PKG_ARR.T_STRS".into());
    let Outcome::PlSql { out } = s.execute(&p, &b).unwrap() else {
        panic!("not PL/SQL")
    };
    assert_eq!(text(&out[0]), "0");
    let oid = type_oid("SCOTT", "PKG_ARR.T_STRS");
    assert_eq!(out[2], Value::Raw(oid.clone()));
    // Not a schema-level type: found in ALL_PLSQL_TYPES with its package.
    assert_eq!(
        (text(&out[6]), text(&out[7]), text(&out[8])),
        ("PKG_ARR".into(), "SCOTT".into(), "T_STRS".into())
    );
    let ty = s.object_type_named("scott.pkg_arr.t_strs").unwrap();
    assert_eq!(
        ty.kind,
        ObjKind::IndexBy {
            elem: AttrType::Varchar(100)
        }
    );
    // The TDS says "PL/SQL index table" (kind 1) and the element's size.
    assert_eq!(out[4], Value::Raw(tds(&ty)));
    let Value::Raw(t) = &out[4] else { panic!() };
    assert_eq!(&t[18..28], &[28, 0, 0, 0, 28, 0, 0, 0, 0, 1]);
    assert_eq!(
        rows(
            &mut s,
            "select type_name, coll_type, upper_bound, elem_type_name, length \
             from all_plsql_coll_types where package_name = 'PKG_ARR' order by 1"
        ),
        [
            "T_NUMS,VARYING ARRAY,3,NUMBER,NULL",
            "T_STRS,PL/SQL INDEX TABLE,NULL,VARCHAR2,100"
        ]
    );
    // A bound value of the type is found by its OID; a record is an object
    // of its fields.
    assert_eq!(s.object_type_by_oid(&oid).unwrap().name, "PKG_ARR.T_STRS");
    assert_eq!(
        s.object_type_named("PKG_ARR.T_REC").unwrap().kind,
        ObjKind::Object(vec![(
            "N".into(),
            AttrType::Number {
                precision: 0,
                scale: -127
            }
        )])
    );
    assert!(s.object_type_named("PKG_ARR.NOPE").is_none());
}

/// A package record is an object type of its fields (PLS_INTEGER ones are
/// PL/SQL's, which a SQL type refuses); a field or element may name another
/// of the package's types or a table's %ROWTYPE, itself an object type of
/// the table's columns.
#[test]
fn records_and_rowtypes_are_described_as_object_types() {
    let mut s = session();
    run(
        &mut s,
        "create table trt (id number(9) not null, s nvarchar2(10), t timestamp(3) with time zone)",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "create package pkg_rec as
           type t_rec is record (n number, k pls_integer, b binary_integer, f boolean);
           type t_recs is table of t_rec index by binary_integer;
           type t_rows is table of trt%rowtype index by binary_integer;
         end;",
        &[],
    )
    .unwrap();
    let rec = s.object_type_named("PKG_REC.T_REC").unwrap();
    let ObjKind::Object(fields) = &rec.kind else {
        panic!("{rec:?}")
    };
    let names: Vec<String> = fields.iter().map(|(_, a)| a.type_name()).collect();
    assert_eq!(
        names,
        [
            "NUMBER",
            "PL/SQL PLS INTEGER",
            "PL/SQL BINARY INTEGER",
            "BOOLEAN"
        ]
    );
    let elem = |n: &str| match s.object_type_named(n).unwrap().kind {
        ObjKind::IndexBy { elem } => elem,
        k => panic!("{k:?}"),
    };
    assert_eq!(
        elem("PKG_REC.T_RECS"),
        AttrType::Named {
            owner: "SCOTT".into(),
            name: "PKG_REC.T_REC".into()
        }
    );
    assert_eq!(
        elem("PKG_REC.T_ROWS"),
        AttrType::Named {
            owner: "SCOTT".into(),
            name: "TRT%ROWTYPE".into()
        }
    );
    let row = s.object_type_named("scott.trt%rowtype").unwrap();
    assert_eq!(
        row.kind,
        ObjKind::Object(vec![
            (
                "ID".into(),
                AttrType::Number {
                    precision: 9,
                    scale: 0
                }
            ),
            ("S".into(), AttrType::NVarchar(10)),
            ("T".into(), AttrType::TimestampTz(3)),
        ])
    );
    assert!(s.object_type_named("NOPE%ROWTYPE").is_none());
    // ALL_PLSQL_COLL_TYPES names the element's package.
    assert_eq!(
        rows(
            &mut s,
            "select type_name, elem_type_package, elem_type_name from all_plsql_coll_types \
             where package_name = 'PKG_REC' order by 1"
        ),
        ["T_RECS,PKG_REC,T_REC", "T_ROWS,NULL,TRT%ROWTYPE"]
    );
    let e = run(&mut s, "create type t_bad as object (k pls_integer)", &[]).unwrap_err();
    assert!(e.message.contains("PLS-00530"), "{}", e.message);
}

/// *_TAB_COLS (python-oracledb reads ALL_TAB_COLS for a %ROWTYPE) and
/// ALL_TAB_COLUMNS name each column's type as Oracle does: national,
/// zoned and interval types, and an object column's type with its owner.
#[test]
fn tab_cols_name_every_column_type() {
    let mut s = session();
    run(&mut s, "create type t_pt as object (x number)", &[]).unwrap();
    run(
        &mut s,
        "create table ttc (a nvarchar2(5), b nchar(2), c nclob, d timestamp(6) with time zone, \
         e interval day(2) to second(6), p t_pt)",
        &[],
    )
    .unwrap();
    assert_eq!(
        rows(
            &mut s,
            "select column_name, data_type, data_type_owner, hidden_column from user_tab_cols \
             where table_name = 'TTC' order by column_id"
        ),
        [
            "A,NVARCHAR2,NULL,NO",
            "B,NCHAR,NULL,NO",
            "C,NCLOB,NULL,NO",
            "D,TIMESTAMP(6) WITH TIME ZONE,NULL,NO",
            "E,INTERVAL DAY(2) TO SECOND(6),NULL,NO",
            "P,T_PT,SCOTT,NO"
        ]
    );
}
