//! Object and collection types (CREATE TYPE) as PL/SQL variables,
//! parameters and binds, run on a session end to end.

use oradb_protocol::value::Value;

use crate::{Database, Outcome, Session, SqlError};

fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Result<Vec<Value>, SqlError> {
    let p = s.prepare(sql)?;
    Ok(match s.execute(&p, binds)? {
        Outcome::PlSql { out } => out,
        Outcome::Rows { rows, .. } => rows.into_iter().flatten().collect(),
        _ => Vec::new(),
    })
}

fn text(v: &Value) -> String {
    match v {
        Value::Varchar(t) | Value::Number(t) => t.clone(),
        other => format!("{other:?}"),
    }
}

fn session() -> Session {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    for sql in [
        "create type t_sub as object (n number, s varchar2(20))",
        "create type t_subs as varray(5) of t_sub",
        "create type t_obj as object (id number, d date, sub t_sub, subs t_subs)",
        "create type t_nums as table of number",
        "create package p as
           function rep(o t_sub) return varchar2;
           function rep(a t_subs) return varchar2;
           function rep(o t_obj) return varchar2;
           procedure make(id number, o out t_obj);
           procedure grow(a in out t_nums, n number);
         end;",
        "create package body p as
           function rep(o t_sub) return varchar2 is
           begin
             if o is null then return 'null'; end if;
             return 'sub(' || nvl(to_char(o.n), 'null') || ',' || nvl(o.s, 'null') || ')';
           end;
           function rep(a t_subs) return varchar2 is
             r varchar2(400) := 'subs(';
           begin
             if a is null then return 'null'; end if;
             for i in 1..a.count loop
               if i > 1 then r := r || ','; end if;
               r := r || rep(a(i));
             end loop;
             return r || ')';
           end;
           function rep(o t_obj) return varchar2 is
           begin
             return 'obj(' || o.id || ',' || to_char(o.d, 'YYYY-MM-DD') || ','
               || rep(o.sub) || ',' || rep(o.subs) || ')';
           end;
           procedure make(id number, o out t_obj) is
           begin
             o := t_obj(id, null, t_sub(id * 2, 'made'), t_subs());
             o.subs.extend(2);
             o.subs(2) := t_sub(7, 'seven');
             o.sub.s := o.sub.s || '!';
           end;
           procedure grow(a in out t_nums, n number) is
           begin
             a.extend;
             a(a.count) := n;
           end;
         end;",
    ] {
        run(&mut s, sql, &[]).unwrap();
    }
    s
}

/// The image of a value built by SQL (as a client's bind carries one).
fn image(s: &mut Session, expr: &str) -> Value {
    match run(s, &format!("select {expr} from dual"), &[])
        .unwrap()
        .remove(0)
    {
        Value::Raw(b) | Value::Blob(b) => Value::Raw(b),
        other => panic!("{other:?}"),
    }
}

#[test]
fn object_parameters_choose_their_overload_and_read_attributes() {
    let mut s = session();
    let o = image(
        &mut s,
        "t_obj(3, date '2016-02-10', t_sub(18.25, 'x'), t_subs(t_sub(1, 'a'), null))",
    );
    // The server passes the binds' type OIDs along, as clients send them.
    let oid = crate::objects::type_oid("SCOTT", "T_OBJ");
    s.set_bind_object_oids(vec![None, Some(oid)]);
    let out = run(&mut s, "begin :r := p.rep(:o); end;", &[Value::Null, o]).unwrap();
    assert_eq!(
        text(&out[0]),
        "obj(3,2016-02-10,sub(18.25,x),subs(sub(1,a),null))"
    );
}

#[test]
fn out_and_in_out_objects_come_back_as_images() {
    let mut s = session();
    let out = run(
        &mut s,
        "declare o t_obj; begin p.make(5, o); :r := p.rep(o); :o := o; end;",
        &[Value::Null, Value::Null],
    )
    .unwrap();
    assert_eq!(
        text(&out[0]),
        "obj(5,,sub(10,made!),subs(null,sub(7,seven)))"
    );
    // The OUT image, bound back in, is the same value.
    let Value::Raw(_) = &out[1] else {
        panic!("{:?}", out[1])
    };
    s.set_bind_object_oids(vec![None, Some(crate::objects::type_oid("SCOTT", "T_OBJ"))]);
    let again = run(
        &mut s,
        "begin :r := p.rep(:o); end;",
        &[Value::Null, out[1].clone()],
    )
    .unwrap();
    assert_eq!(again[0], out[0]);

    let nums = image(&mut s, "t_nums(1, 2)");
    let out = run(
        &mut s,
        "declare a t_nums := :a; begin p.grow(a, 9); :n := a.count; :a := a; end;",
        &[nums, Value::Null],
    )
    .unwrap();
    assert_eq!(text(&out[1]), "3");
    assert_eq!(out[0], image(&mut s, "t_nums(1, 2, 9)"));
}

#[test]
fn bad_use_of_objects_is_a_typed_error() {
    let mut s = session();
    let code = |s: &mut Session, sql: &str| run(s, sql, &[]).unwrap_err().code;
    // Element of a NULL collection, past the end, attribute of NULL object.
    assert_eq!(
        code(&mut s, "declare a t_nums; n number; begin n := a(1); end;"),
        6531
    );
    assert_eq!(
        code(
            &mut s,
            "declare a t_nums := t_nums(1); n number; begin n := a(2); end;"
        ),
        6533
    );
    assert_eq!(code(&mut s, "declare o t_sub; begin o.n := 1; end;"), 6530);
    // A VARRAY does not grow past its limit; unknown attributes are PLS-00302.
    assert_eq!(
        code(
            &mut s,
            "declare a t_subs := t_subs(); begin a.extend(6); end;"
        ),
        6532
    );
    let e = run(
        &mut s,
        "declare o t_sub := t_sub(1, 'a'); n number; begin n := o.nope; end;",
        &[],
    )
    .unwrap_err();
    assert!(e.message.contains("PLS-00302"), "{}", e.message);
    // Reading an attribute of a NULL object is NULL, as in Oracle.
    let out = run(
        &mut s,
        "declare o t_sub; begin :r := nvl(to_char(o.n), 'null'); end;",
        &[Value::Null],
    )
    .unwrap();
    assert_eq!(text(&out[0]), "null");
}

#[test]
fn a_package_collection_bound_as_an_object_is_the_parameter_collection() {
    let mut s = session();
    run(
        &mut s,
        "create package pk as
           type t_list is table of number index by binary_integer;
           function total(a t_list) return number;
         end;",
        &[],
    )
    .unwrap();
    run(
        &mut s,
        "create package body pk as
           function total(a t_list) return number is
             t number := 0;
           begin
             for i in 1..a.count loop t := t + a(i); end loop;
             return t * 10 + a.last;
           end;
         end;",
        &[],
    )
    .unwrap();
    // As python-oracledb binds gettype("PK.T_LIST").newobject([…]).
    let t = s.object_type_named("PK.T_LIST").unwrap();
    let elems: Vec<rusqlite::types::Value> = (1..=4).map(rusqlite::types::Value::Integer).collect();
    let image = s.obj_image(&t, &elems).unwrap();
    s.set_bind_object_oids(vec![None, Some(t.oid())]);
    let out = run(
        &mut s,
        "begin :r := pk.total(:a); end;",
        &[Value::Null, Value::Raw(image)],
    )
    .unwrap();
    assert_eq!(text(&out[0]), "104");
}
