//! Packages, local subprograms, collections, cursors and EXCEPTION_INIT,
//! run on a session end to end.

use oradb_protocol::value::Value;

use crate::{ArrayBind, Database, Outcome, Session, SqlError};

fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Result<Vec<Value>, SqlError> {
    let p = s.prepare(sql)?;
    Ok(match s.execute(&p, binds)? {
        Outcome::PlSql { out } => out,
        Outcome::Rows { rows, .. } => rows.into_iter().flatten().collect(),
        _ => Vec::new(),
    })
}

fn num(v: &Value) -> String {
    match v {
        Value::Number(n) => n.clone(),
        other => format!("{other:?}"),
    }
}

fn session() -> Session {
    let db = Database::open(None).unwrap();
    Session::open(&db, "scott").unwrap()
}

const SPEC: &str = "create or replace package pythontest.pkg_T as
    type udt_NumberList is table of number index by binary_integer;
    c_Base constant number := 100;
    g_Calls number := 0;
    function TestInArrays(a_Start number, a_Array udt_NumberList) return number;
    procedure TestOutArrays(a_NumElems number, a_Array out nocopy udt_NumberList);
    procedure TestInOutArrays(a_NumElems number, a_Array in out nocopy udt_NumberList);
    procedure Bump(a_By number default 1);
    function Twice(a number) return number;
end;";

const BODY: &str = "create or replace package body pythontest.pkg_T as
    function Helper(a number) return number is begin return a * 2; end;
    function TestInArrays(a_Start number, a_Array udt_NumberList) return number is
        t number;
    begin
        t := a_Start;
        for i in 1..a_Array.count loop t := t + a_Array(i); end loop;
        return t;
    end;
    procedure TestOutArrays(a_NumElems number, a_Array out udt_NumberList) is
    begin
        for i in 1..a_NumElems loop a_Array(i) := i * c_Base; end loop;
    end;
    procedure TestInOutArrays(a_NumElems number, a_Array in out udt_NumberList) is
    begin
        for i in 1..a_NumElems loop a_Array(i) := a_Array(i) * 10; end loop;
    end;
    procedure Bump(a_By number default 1) is begin g_Calls := g_Calls + a_By; end;
    function Twice(a number) return number is begin return Helper(a); end;
end pkg_T;";

fn array(max: usize, values: Vec<Value>) -> Option<ArrayBind> {
    Some(ArrayBind { max, values })
}

#[test]
fn package_calls_state_and_array_binds() {
    let mut s = session();
    run(&mut s, SPEC, &[]).unwrap();
    run(&mut s, BODY, &[]).unwrap();
    assert!(!s.take_compile_warning());
    // Package variables live across calls in the session.
    run(&mut s, "begin pkg_t.bump; pkg_T.Bump(5); end;", &[]).unwrap();
    let out = run(
        &mut s,
        "begin :r := pkg_t.g_calls + pkg_t.twice(4); end;",
        &[Value::Null],
    )
    .unwrap();
    assert_eq!(num(&out[0]), "14");
    let rows = run(&mut s, "select pkg_t.twice(21) from dual", &[]).unwrap();
    assert_eq!(num(&rows[0]), "42");
    let out = run(
        &mut s,
        "begin :r := scott.pkg_t.Twice(1); end;",
        &[Value::Null],
    )
    .unwrap();
    assert_eq!(num(&out[0]), "2");
    // A private function is not callable from outside.
    let e = run(&mut s, "begin :r := pkg_t.helper(1); end;", &[Value::Null]).unwrap_err();
    assert_eq!(e.code, 6550);

    // IN array (callfunc with a list).
    let p = s
        .prepare("begin :1 := pkg_T.TestInArrays(:2, :3); end;")
        .unwrap();
    let nums = |v: &[i64]| {
        v.iter()
            .map(|n| Value::Number(n.to_string()))
            .collect::<Vec<_>>()
    };
    s.set_array_binds(&p, vec![None, None, array(10, nums(&[1, 2, 3]))])
        .unwrap();
    let Outcome::PlSql { out } = s
        .execute(&p, &[Value::Null, Value::Number("5".into()), Value::Null])
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(num(&out[0]), "11");
    // OUT array.
    let p = s
        .prepare("begin pkg_T.TestOutArrays(:1, :2); end;")
        .unwrap();
    assert_eq!(p.plsql_dirs[1], crate::BindDir::Out);
    s.set_array_binds(&p, vec![None, array(10, Vec::new())])
        .unwrap();
    s.execute(&p, &[Value::Number("3".into()), Value::Null])
        .unwrap();
    let a = s.take_array_binds();
    assert_eq!(a[1].as_ref().unwrap().values, nums(&[100, 200, 300]));
    // IN OUT array; more elements than the client's array holds is ORA-06513.
    let p = s
        .prepare("begin pkg_T.TestInOutArrays(:1, :2); end;")
        .unwrap();
    s.set_array_binds(&p, vec![None, array(5, nums(&[1, 2, 3]))])
        .unwrap();
    s.execute(&p, &[Value::Number("2".into()), Value::Null])
        .unwrap();
    assert_eq!(
        s.take_array_binds()[1].as_ref().unwrap().values,
        nums(&[10, 20, 3])
    );
    let p = s
        .prepare("begin pkg_T.TestOutArrays(:1, :2); end;")
        .unwrap();
    s.set_array_binds(&p, vec![None, array(2, Vec::new())])
        .unwrap();
    let e = s
        .execute(&p, &[Value::Number("3".into()), Value::Null])
        .unwrap_err();
    assert_eq!(e.code, 6513);
    // An array bind that is not a whole argument.
    let p = s.prepare("begin :1 := :2 + 1; end;").unwrap();
    let e = s
        .set_array_binds(&p, vec![None, array(2, Vec::new())])
        .unwrap_err();
    assert_eq!(e.code, 6550);

    // DROP PACKAGE BODY leaves the spec; DROP PACKAGE drops both.
    run(&mut s, "drop package body pkg_t", &[]).unwrap();
    let e = run(&mut s, "begin pkg_t.bump; end;", &[]).unwrap_err();
    assert!(e.message.contains("PLS-00328"), "{}", e.message);
    run(&mut s, "drop package pythontest.pkg_t", &[]).unwrap();
    assert_eq!(
        run(&mut s, "drop package pkg_t", &[]).unwrap_err().code,
        4043
    );
    assert_eq!(
        run(&mut s, "begin pkg_t.bump; end;", &[]).unwrap_err().code,
        6550
    );
}

#[test]
fn local_subprograms_cursors_and_exception_init() {
    let mut s = session();
    run(&mut s, "create table t (id number, name varchar2(20))", &[]).unwrap();
    run(&mut s, "insert into t values (1, 'a')", &[]).unwrap();
    run(&mut s, "insert into t values (2, 'bb')", &[]).unwrap();
    let out = run(
        &mut s,
        "declare
           total number := 0;
           names varchar2(100);
           function Hex(a number) return varchar2 is
           begin
             if a < 10 then return to_char(a); end if;
             return substr('0123456789ABCDEF', a + 1, 1);
           end;
           procedure Add(n in number) is begin total := total + n; end;
           cursor c(p_min number) is select id, name from t where id >= p_min order by id;
           r_id number; r_name varchar2(20);
         begin
           for r in (select id, name from t order by id) loop
             Add(r.id);
             names := names || r.name;
           end loop;
           for r in c(2) loop names := names || '/' || r.name; end loop;
           open c(1);
           loop
             fetch c into r_id, r_name;
             exit when c%notfound;
             names := names || r_id;
           end loop;
           :n := c%rowcount;
           close c;
           update t set name = name where id > 0;
           :u := sql%rowcount;
           :r := total || Hex(11) || names;
         end;",
        &[Value::Null, Value::Null, Value::Null],
    )
    .unwrap();
    assert_eq!(num(&out[0]), "2");
    assert_eq!(num(&out[1]), "2");
    assert_eq!(out[2], Value::Varchar("3Babb/bb12".into()));
    // EXCEPTION_INIT binds a name to an error code, both ways.
    let out = run(
        &mut s,
        "declare
           e_missing exception;
           pragma exception_init(e_missing, -942);
           e_mine exception;
           pragma exception_init(e_mine, -20001);
         begin
           begin
             execute immediate 'drop table nope';
           exception when e_missing then :a := 'caught ' || sqlcode;
           end;
           raise e_mine;
         exception when others then :b := sqlcode;
         end;",
        &[Value::Null, Value::Null],
    )
    .unwrap();
    assert_eq!(out[0], Value::Varchar("caught -942".into()));
    assert_eq!(num(&out[1]), "-20001");
    let e = run(
        &mut s,
        "declare e exception; pragma exception_init(e, 'x'); begin null; end;",
        &[],
    )
    .unwrap_err();
    assert!(e.message.contains("PLS-00702"), "{}", e.message);
    // Collections indexed by strings, and records.
    let out = run(
        &mut s,
        "declare
           type t_Props is table of varchar2(64) index by varchar2(64);
           type t_Rec is record (n number, s varchar2(10));
           p t_Props; r t_Rec;
         begin
           p('UTC') := 'UTC'; p('MST') := '-07:00';
           r.n := 25; r.s := 'x';
           if not p.exists('XYZ') and p.exists('MST') then :a := p.first || p.count || r.n || r.s; end if;
           p.delete('UTC');
           :b := p.count;
           :c := p('nope');
         exception when no_data_found then :c := 'none';
         end;",
        &[Value::Null, Value::Null, Value::Null],
    )
    .unwrap();
    assert_eq!(out[0], Value::Varchar("MST225x".into()));
    assert_eq!(num(&out[1]), "1");
    assert_eq!(out[2], Value::Varchar("none".into()));
}

#[test]
fn create_type_is_stored_and_dropped() {
    let mut s = session();
    run(
        &mut s,
        "create type scott.udt_SubObject as object (SubNumberValue number, SubStringValue varchar2(60))",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "create or replace type udt_Array as varray(10) of number;",
        &[],
    )
    .unwrap();
    let e = run(&mut s, "create type udt_Array as table of number", &[]).unwrap_err();
    assert_eq!(e.code, 955);
    run(&mut s, "drop type udt_Array", &[]).unwrap();
    assert_eq!(
        run(&mut s, "drop type udt_Array", &[]).unwrap_err().code,
        4043
    );
    // A package spec with a body in it does not compile: stored INVALID.
    run(
        &mut s,
        "create package bad as procedure p is begin null; end; end;",
        &[],
    )
    .unwrap();
    assert!(s.take_compile_warning());
    let e = run(&mut s, "begin bad.p; end;", &[]).unwrap_err();
    assert!(e.message.contains("PLS-00905"), "{}", e.message);
}

/// Runs `sql` with array binds (by position) and plain values.
fn run_arrays(
    s: &mut Session,
    sql: &str,
    arrays: Vec<Option<ArrayBind>>,
    binds: &[Value],
) -> Result<(Vec<Value>, Vec<Option<ArrayBind>>), SqlError> {
    let p = s.prepare(sql)?;
    s.set_array_binds(&p, arrays)?;
    let r = s.execute(&p, binds);
    let arrays = s.take_array_binds();
    match r? {
        Outcome::PlSql { out } => Ok((out, arrays)),
        _ => Ok((Vec::new(), arrays)),
    }
}

/// Regression: after GET_LINES had filled array binds, an array bind
/// passed to PUT_LINE was read as an empty scalar (no PLS-00306) and
/// buffered an empty line, which the next GET_LINE returned as NULL.
#[test]
fn array_bind_as_scalar_argument_is_pls_00306_after_get_lines() {
    let mut s = session();
    let vc = |t: &str| Value::Varchar(t.into());
    run(
        &mut s,
        "begin dbms_output.enable; for i in 1..3 loop dbms_output.put_line('row ' || i); end loop; end;",
        &[],
    )
    .unwrap();
    let get_lines = "begin dbms_output.get_lines(:1, :2); end;";
    let (out, arrays) = run_arrays(
        &mut s,
        get_lines,
        vec![array(10, Vec::new()), None],
        &[Value::Null, Value::Number("2".into())],
    )
    .unwrap();
    assert_eq!(num(&out[1]), "2");
    assert_eq!(
        arrays[0].as_ref().unwrap().values,
        vec![vc("row 1"), vc("row 2")]
    );
    // A scalar LINES is not a collection.
    let e = run_arrays(
        &mut s,
        get_lines,
        vec![None, None],
        &[Value::Null, Value::Number("5".into())],
    )
    .unwrap_err();
    assert!(e.message.contains("PLS-00306"), "{}", e.message);
    // Nor is an array a VARCHAR2: PUT_LINE refuses it and buffers nothing.
    let e = run_arrays(
        &mut s,
        "begin dbms_output.put_line(:1); end;",
        vec![array(2, vec![vc("a"), vc("b")])],
        &[Value::Null],
    )
    .unwrap_err();
    assert_eq!(e.code, 6550);
    assert!(e.message.contains("PLS-00306"), "{}", e.message);
    // Nor any scalar expression.
    let e = run_arrays(
        &mut s,
        "declare x varchar2(10); begin x := upper(:1); end;",
        vec![array(2, vec![vc("a")])],
        &[Value::Null],
    )
    .unwrap_err();
    assert!(e.message.contains("PLS-00382"), "{}", e.message);
    let (out, arrays) = run_arrays(
        &mut s,
        get_lines,
        vec![array(10, Vec::new()), None],
        &[Value::Null, Value::Number("10".into())],
    )
    .unwrap();
    assert_eq!(num(&out[1]), "1");
    assert_eq!(arrays[0].as_ref().unwrap().values, vec![vc("row 3")]);
}

/// Regression: a stored procedure's DBMS_OUTPUT after a refused array
/// PUT_LINE comes back first from GET_LINE (no stray empty line).
#[test]
fn stored_procedure_output_follows_a_refused_array_put_line() {
    let mut s = session();
    run(
        &mut s,
        "create or replace procedure sc_say(n number) is begin for i in 1..n loop dbms_output.put_line('say ' || i); end loop; end;",
        &[],
    )
    .unwrap();
    run(&mut s, "begin dbms_output.enable; end;", &[]).unwrap();
    let refused = run_arrays(
        &mut s,
        "begin dbms_output.put_line(:1); end;",
        vec![array(2, vec![Value::Varchar("a".into())])],
        &[Value::Null],
    );
    assert!(refused.is_err());
    run(&mut s, "begin dbms_output.enable(null); end;", &[]).unwrap();
    run(
        &mut s,
        "begin sc_say(:1); end;",
        &[Value::Number("2".into())],
    )
    .unwrap();
    let out = run(
        &mut s,
        "begin dbms_output.get_line(:1, :2); end;",
        &[Value::Null, Value::Null],
    )
    .unwrap();
    assert_eq!(
        (out[0].clone(), num(&out[1])),
        (Value::Varchar("say 1".into()), "0".into())
    );
}

#[test]
fn open_for_hands_out_ref_cursors_by_bind() {
    let mut s = session();
    run(
        &mut s,
        "create table rct (n number(9), s varchar2(20))",
        &[],
    )
    .unwrap();
    for i in 1..=4 {
        run(
            &mut s,
            "insert into rct values (:1, :2)",
            &[
                Value::Number(i.to_string()),
                Value::Varchar(format!("s{i}")),
            ],
        )
        .unwrap();
    }
    // OPEN :bind FOR: the bind is OUT, the block's other binds are the
    // query's binds.
    let p = s
        .prepare(
            "begin open :c for select n, s from rct where n between :a and :b order by n; end;",
        )
        .unwrap();
    assert_eq!(p.plsql_dirs[0], crate::BindDir::Out);
    let out = s
        .execute(
            &p,
            &[
                Value::Null,
                Value::Number("2".into()),
                Value::Number("3".into()),
            ],
        )
        .unwrap();
    let Outcome::PlSql { out } = out else {
        panic!()
    };
    assert_eq!(out[0], Value::Null);
    let refs = s.take_ref_cursors();
    let rc = refs[0].as_ref().expect("a REF CURSOR in bind 1");
    let names: Vec<&str> = rc
        .prepared
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["N", "S"]);
    assert_eq!(rc.rows.len(), 2);
    assert_eq!(num(&rc.rows[0][0]), "2");
    assert_eq!(rc.rows[1][1], Value::Varchar("s3".into()));
    assert!(refs[1].is_none());
}

/// A literal of an opened cursor is described as nullable (it is NOT NULL in
/// a client's own query); a NOT NULL column keeps its constraint.
#[test]
fn open_for_describes_literals_as_nullable() {
    let mut s = session();
    run(&mut s, "create table rcn (n number(9) not null)", &[]).unwrap();
    let p = s
        .prepare("begin open :c for select 'X' sv, n from rcn; end;")
        .unwrap();
    s.execute(&p, &[Value::Null]).unwrap();
    let refs = s.take_ref_cursors();
    let cols = &refs[0].as_ref().expect("a REF CURSOR").prepared.columns;
    assert_eq!((cols[0].name.as_str(), cols[0].nullable), ("SV", true));
    assert_eq!((cols[1].name.as_str(), cols[1].nullable), ("N", false));
    let q = s.prepare("select 'X' sv from dual").unwrap();
    assert!(!q.columns[0].nullable);
}

/// DBMS_SQL.RETURN_RESULT hands the rows a cursor has left to the client,
/// in call order, from a procedure too; anything else is PLS-00306.
#[test]
fn return_result_collects_implicit_results() {
    let mut s = session();
    run(&mut s, "create table ir (n number)", &[]).unwrap();
    for n in 1..=4 {
        run(&mut s, &format!("insert into ir values ({n})"), &[]).unwrap();
    }
    run(
        &mut s,
        "create or replace procedure give_ir is c sys_refcursor; begin \
         open c for select n * 10 as t from ir where n <= 2 order by n; \
         dbms_sql.return_result(c); end;",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "declare c sys_refcursor; x number; begin \
         open c for select n from ir order by n; fetch c into x; \
         dbms_sql.return_result(c, true); give_ir; end;",
        &[],
    )
    .unwrap();
    let got = s.take_implicit_results();
    assert_eq!(got.len(), 2);
    // The first cursor had one row fetched by the block: three remain.
    let first: Vec<String> = got[0].rows.iter().map(|r| num(&r[0])).collect();
    assert_eq!(first, ["2", "3", "4"]);
    assert_eq!(got[1].prepared.columns[0].name, "T");
    assert_eq!(got[1].rows.len(), 2);
    assert!(s.take_implicit_results().is_empty());
    let e = run(&mut s, "begin dbms_sql.return_result(42); end;", &[]).unwrap_err();
    assert!(e.message.contains("PLS-00306"), "{}", e.message);
}

#[test]
fn dml_returning_into_binds_and_variables() {
    let mut s = session();
    run(&mut s, "create table t (id number, name varchar2(20))", &[]).unwrap();
    // Into a bind (python-oracledb's executemany with an OUT bind) and
    // into a local variable.
    let out = run(
        &mut s,
        "declare
           n varchar2(20);
         begin
           insert into t (id, name) values (7, 'seven') returning id, name into :a, n;
           :b := n || '!';
         end;",
        &[Value::Null, Value::Null],
    )
    .unwrap();
    assert_eq!(num(&out[0]), "7");
    assert_eq!(out[1], Value::Varchar("seven!".into()));
    // No row changed: the targets become NULL, as in Oracle.
    let out = run(
        &mut s,
        "begin update t set id = 1 where name = 'none' returning id into :a; end;",
        &[Value::Number("5".into())],
    )
    .unwrap();
    assert_eq!(out[0], Value::Null);
    // More than one row: ORA-01422.
    run(&mut s, "insert into t values (8, 'eight')", &[]).unwrap();
    let e = run(
        &mut s,
        "begin update t set id = id + 1 returning id into :a; end;",
        &[Value::Null],
    )
    .unwrap_err();
    assert_eq!(e.code, 1422);
}

#[test]
fn a_prepared_query_sees_its_table_and_view_change_shape() {
    let mut s = session();
    run(&mut s, "create table t (col1 varchar2(10))", &[]).unwrap();
    run(&mut s, "insert into t values ('a')", &[]).unwrap();
    run(
        &mut s,
        "create view v as select 1 a, 2 b, 3 c from dual",
        &[],
    )
    .unwrap();
    let names = |o: Outcome| match o {
        Outcome::Rows { columns, rows } => (
            columns
                .into_iter()
                .map(|c| c.name.to_ascii_uppercase())
                .collect::<Vec<_>>(),
            rows[0].len(),
        ),
        other => panic!("{other:?}"),
    };
    let q = s.prepare("select * from t").unwrap();
    let qv = s.prepare("select * from v").unwrap();
    assert_eq!(names(s.execute(&q, &[]).unwrap()), (vec!["COL1".into()], 1));
    run(&mut s, "alter table t add col2 varchar2(10)", &[]).unwrap();
    run(
        &mut s,
        "create or replace view v as select 1 a, 3 c from dual",
        &[],
    )
    .unwrap();
    // Run again as prepared before the DDL: described anew, as Oracle
    // re-parses an invalidated cursor.
    assert_eq!(
        names(s.execute(&q, &[]).unwrap()),
        (vec!["COL1".into(), "COL2".into()], 2)
    );
    assert_eq!(
        names(s.execute(&qv, &[]).unwrap()),
        (vec!["A".into(), "C".into()], 2)
    );
}

#[test]
fn view_columns_named_by_unquoted_aliases_are_upper_case() {
    let mut s = session();
    run(&mut s, "create table vt (a number)", &[]).unwrap();
    run(
        &mut s,
        "create view va as select a, a + 1 as c, a \"low\", count(*) over () n from vt",
        &[],
    )
    .unwrap();
    let q = s.prepare("select * from va").unwrap();
    let names: Vec<_> = q.columns.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names, ["A", "C", "low", "N"]);
}

#[test]
fn a_value_its_column_type_cannot_carry_is_an_error_never_null() {
    let mut s = session();
    run(&mut s, "create table nt (a number, d date)", &[]).unwrap();
    // DML refuses text a NUMBER column cannot hold (column_check.rs); a value
    // stored past the checks (their triggers dropped) is still an error on read, never NULL.
    let e = run(&mut s, "insert into nt (a) values ('zz')", &[]).unwrap_err();
    assert_eq!(e.code, 1722, "{}", e.message);
    s.sync_column_checks("SCOTT", "NT", false).unwrap();
    run(&mut s, "insert into nt (a) values ('zz')", &[]).unwrap();
    let e = run(&mut s, "select a from nt", &[]).unwrap_err();
    assert_eq!(e.code, 1722, "{}", e.message);
    assert!(e.message.contains("column A"), "{}", e.message);
    // Numbers and text in one expression column: described as text, every value kept.
    let v = run(
        &mut s,
        "select decode(level, 1, 2, 'abc') from dual connect by level <= 2",
        &[],
    )
    .unwrap();
    assert_eq!(
        v,
        [Value::Varchar("2".into()), Value::Varchar("abc".into())]
    );
}

/// A parameter named twice, or by name after its position, is PLS-00703
/// (python-oracledb's callproc with both a positional and a keyword value).
#[test]
fn a_parameter_given_twice_is_pls_00703() {
    let mut s = session();
    run(
        &mut s,
        "create or replace procedure p2 (a varchar2, b out number) as begin b := length(a); end;",
        &[],
    )
    .unwrap();
    for sql in [
        "begin p2(:1, :2, a => :3); end;",
        "begin p2(b => :2, a => :1, b => :3); end;",
    ] {
        let binds = [Value::Varchar("hi".into()), Value::Null, Value::Null];
        let e = run(&mut s, sql, &binds).unwrap_err();
        assert_eq!(e.code, 6550, "{sql}");
        assert!(e.message.contains("PLS-00703"), "{}", e.message);
    }
    let out = run(
        &mut s,
        "begin p2(:1, b => :2); end;",
        &[Value::Varchar("hey".into()), Value::Null],
    )
    .unwrap();
    assert_eq!(num(&out[1]), "3");
}

/// A BOOLEAN bind passed for a parameter of another type, or a text bind
/// for a BOOLEAN OUT parameter, is PLS-00306, as Oracle checks a call's
/// argument types (python-oracledb's setinputsizes in the wrong order).
#[test]
fn a_boolean_bind_for_another_type_is_pls_00306() {
    use oradb_protocol::value::ora_type;
    let mut s = session();
    run(
        &mut s,
        "create or replace procedure pb (n in out number, b out boolean) as \
         begin n := n * 2; b := n > 0; end;",
        &[],
    )
    .unwrap();
    let sql = "begin pb(:1, :2); end;";
    let binds = [Value::Number("3".into()), Value::Null];
    for types in [
        vec![ora_type::BOOLEAN, ora_type::BOOLEAN],
        vec![ora_type::NUMBER, ora_type::VARCHAR],
    ] {
        s.set_bind_types(types.clone());
        let e = run(&mut s, sql, &binds).unwrap_err();
        assert!(e.message.contains("PLS-00306"), "{types:?}: {}", e.message);
    }
    s.set_bind_types(vec![ora_type::NUMBER, ora_type::BOOLEAN]);
    let out = run(&mut s, sql, &binds).unwrap();
    assert_eq!(
        (num(&out[0]), &out[1]),
        ("6".to_string(), &Value::Boolean(true))
    );
    // Types are the block's own: the next block without them is not checked.
    let out = run(&mut s, sql, &binds).unwrap();
    assert_eq!(num(&out[0]), "6");
}

/// `t%ROWTYPE` and `c%ROWTYPE` variables are records of the table's or the
/// cursor's columns; SELECT … INTO a record fills its fields in order, and
/// a select list of another length is ORA-00913/00947.
#[test]
fn rowtype_variables_are_records_of_the_columns() {
    let mut s = session();
    run(&mut s, "create table rwt (id number, s varchar2(10))", &[]).unwrap();
    run(&mut s, "insert into rwt values (1, 'one')", &[]).unwrap();
    let block = |s: &mut Session, body: &str| {
        let p = s.prepare(&format!("declare {body} end;")).unwrap();
        s.execute(&p, &[Value::Null]).map(|o| match o {
            Outcome::PlSql { out } => out[0].clone(),
            other => panic!("{other:?}"),
        })
    };
    let got = block(
        &mut s,
        "r rwt%rowtype; begin select * into r from rwt where id = 1; :v := r.s || r.id;",
    );
    assert_eq!(got.unwrap(), Value::Varchar("one1".into()));
    let got = block(
        &mut s,
        "cursor c is select s, id from rwt; r c%rowtype; \
         begin open c; fetch c into r; close c; :v := r.id || r.s;",
    );
    assert_eq!(got.unwrap(), Value::Varchar("1one".into()));
    let e = block(
        &mut s,
        "r rwt%rowtype; begin select id into r from rwt; :v := 1;",
    )
    .unwrap_err();
    assert_eq!(e.code, 947, "{}", e.message);
    let e = block(
        &mut s,
        "r rwt%rowtype; begin select id, s, s into r from rwt; :v := 1;",
    )
    .unwrap_err();
    assert_eq!(e.code, 913, "{}", e.message);
}
