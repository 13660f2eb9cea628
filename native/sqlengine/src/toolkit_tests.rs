//! The SQL Knex emits, run on a session end to end: ROWNUM pages,
//! the constraint views increments() reads, and row-level triggers.

use oradb_protocol::value::Value;

use crate::{Database, Outcome, Session, SqlError};

fn session() -> Session {
    let db = Database::open(None).unwrap();
    Session::open(&db, "scott").unwrap()
}

/// The rows of a query as text (numbers as their digits), or the DML row count.
fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Result<Vec<Vec<String>>, SqlError> {
    let p = s.prepare(sql)?;
    Ok(match s.execute(&p, binds)? {
        Outcome::Rows { rows, .. } => rows
            .into_iter()
            .map(|r| r.iter().map(text).collect())
            .collect(),
        Outcome::Dml { row_count, .. } => vec![vec![row_count.to_string()]],
        _ => Vec::new(),
    })
}

fn text(v: &Value) -> String {
    match v {
        Value::Number(n) => n.clone(),
        Value::Varchar(t) => t.clone(),
        Value::Null => "NULL".into(),
        other => format!("{other:?}"),
    }
}

fn ok(s: &mut Session, sql: &str) {
    run(s, sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}

fn items(s: &mut Session) {
    ok(s, "create table item (id number, name varchar2(10))");
    for (id, name) in [(5, "e"), (3, "c"), (9, "i"), (1, "a"), (7, "g"), (2, "b")] {
        ok(s, &format!("insert into item values ({id}, '{name}')"));
    }
}

#[test]
fn knex_pages_through_rownum_numbered_before_the_outer_filter() {
    let mut s = session();
    items(&mut s);
    let page = "select * from (select row_.*, ROWNUM rownum_ from (select name from item \
                order by id) row_ where rownum <= :1) where rownum_ > :2";
    let rows = run(
        &mut s,
        page,
        &[Value::Number("4".into()), Value::Number("2".into())],
    )
    .unwrap();
    assert_eq!(rows, vec![vec!["c", "3"], vec!["e", "4"]]);
}

#[test]
fn rownum_in_where_limits_and_in_the_select_list_numbers() {
    let mut s = session();
    items(&mut s);
    let first = run(
        &mut s,
        "select name from (select name from item order by id) where rownum = 1",
        &[],
    );
    assert_eq!(first.unwrap(), vec![vec!["a"]]);
    let two = run(
        &mut s,
        "select name from (select name from item order by name desc) where rownum < 3",
        &[],
    );
    assert_eq!(two.unwrap(), vec![vec!["i"], vec!["g"]]);
    // Numbered as the rows pass the WHERE (ids above 4: e, i, g in the order read).
    let numbered = run(
        &mut s,
        "select rownum, name from (select * from item order by id) where id > 4",
        &[],
    );
    assert_eq!(
        numbered.unwrap(),
        vec![vec!["1", "e"], vec!["2", "g"], vec!["3", "i"]]
    );
    let e = run(
        &mut s,
        "select name from item where rownum > 1 or id = 3",
        &[],
    )
    .unwrap_err();
    assert!(e.message.contains("00904"), "{e:?}");
}

/// Knex's increments(): its create-table, sequence-and-trigger block, and an insert returning the id.
#[test]
fn knex_increments_creates_a_sequence_and_trigger_that_fill_the_key() {
    let mut s = session();
    ok(
        &mut s,
        "create table \"knex_inc\" (\"id\" integer not null primary key, \"name\" varchar2(10))",
    );
    let block = "DECLARE PK_NAME VARCHAR(200); BEGIN  EXECUTE IMMEDIATE ('CREATE SEQUENCE \"knex_inc_seq\"');  \
        SELECT cols.column_name INTO PK_NAME  FROM all_constraints cons, all_cons_columns cols  \
        WHERE cons.constraint_type = 'P'  AND cons.constraint_name = cols.constraint_name  \
        AND cons.owner = cols.owner  AND cols.table_name = 'knex_inc';  \
        execute immediate ('create or replace trigger \"knex_inc_autoinc_trg\"  BEFORE INSERT on \"knex_inc\"  \
        for each row  declare  checking number := 1;  begin    if (:new.\"' || PK_NAME || '\" is null) then      \
        while checking >= 1 loop        select \"knex_inc_seq\".nextval into :new.\"' || PK_NAME || '\" from dual;        \
        select count(\"' || PK_NAME || '\") into checking from \"knex_inc\"        \
        where \"' || PK_NAME || '\" = :new.\"' || PK_NAME || '\";      end loop;    end if;  end;'); END;";
    ok(&mut s, block);
    let p = s
        .prepare("insert into \"knex_inc\" (\"name\") values (:1) returning \"id\" into :2")
        .unwrap();
    for (name, id) in [("a", "1"), ("b", "2")] {
        let out = s
            .execute(&p, &[Value::Varchar(name.into()), Value::Null])
            .unwrap();
        let Outcome::Dml {
            row_count,
            returning,
        } = out
        else {
            panic!("{out:?}")
        };
        assert_eq!((row_count, text(&returning[0][0])), (1, id.to_string()));
    }
    // A given key is kept, and the sequence skips keys already taken.
    ok(&mut s, "insert into \"knex_inc\" values (3, 'c')");
    ok(
        &mut s,
        "insert into \"knex_inc\" (\"name\") select 'd' from dual union all select 'e' from dual",
    );
    let rows = run(
        &mut s,
        "select \"id\", \"name\" from \"knex_inc\" order by 1",
        &[],
    )
    .unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    let trg = run(&mut s, "select trigger_name, trigger_type, triggering_event, table_name, status from user_triggers", &[]);
    assert_eq!(
        trg.unwrap(),
        vec![vec![
            "knex_inc_autoinc_trg",
            "BEFORE EACH ROW",
            "INSERT",
            "knex_inc",
            "ENABLED"
        ]]
    );
    let cons = run(&mut s, "select c.constraint_type, k.column_name, k.position from user_constraints c \
        join user_cons_columns k on k.constraint_name = c.constraint_name where c.table_name = 'knex_inc'", &[]);
    assert_eq!(cons.unwrap(), vec![vec!["P", "id", "1"]]);
}

#[test]
fn update_and_delete_triggers_see_old_and_new_and_after_triggers_run_per_row() {
    let mut s = session();
    items(&mut s);
    ok(
        &mut s,
        "create table audit (what varchar2(10), old_name varchar2(10), new_name varchar2(10))",
    );
    ok(&mut s, "create trigger item_upd before update of name on item for each row \
        begin :new.name := upper(:new.name); insert into audit values ('U', :old.name, :new.name); end;");
    ok(
        &mut s,
        "create trigger item_del after delete on item for each row when (old.id > 4) \
        begin insert into audit values ('D', :old.name, null); end;",
    );
    assert_eq!(
        run(
            &mut s,
            "update item set name = name || 'x' where id < 3",
            &[]
        )
        .unwrap(),
        vec![vec!["2"]]
    );
    // A column outside UPDATE OF fires nothing.
    ok(&mut s, "update item set id = id + 100 where id = 9");
    assert_eq!(
        run(&mut s, "delete from item where id in (5, 3)", &[]).unwrap(),
        vec![vec!["2"]]
    );
    let names = run(
        &mut s,
        "select name from item where id < 3 order by id",
        &[],
    )
    .unwrap();
    assert_eq!(names, vec![vec!["AX"], vec!["BX"]]);
    let audit = run(
        &mut s,
        "select what, old_name, new_name from audit order by what, old_name",
        &[],
    )
    .unwrap();
    assert_eq!(
        audit,
        vec![
            vec!["D", "e", "NULL"],
            vec!["U", "a", "AX"],
            vec!["U", "b", "BX"]
        ]
    );
    ok(&mut s, "alter trigger item_upd disable");
    ok(&mut s, "update item set name = 'low' where id = 1");
    assert_eq!(
        run(&mut s, "select name from item where id = 1", &[]).unwrap(),
        vec![vec!["low"]]
    );
    ok(&mut s, "drop trigger item_del");
    let e = run(&mut s, "drop trigger item_del", &[]).unwrap_err();
    assert_eq!(e.code, 4080);
}

#[test]
fn a_failing_trigger_fails_its_statement_and_unsupported_kinds_are_refused() {
    let mut s = session();
    items(&mut s);
    ok(
        &mut s,
        "create trigger no_z before insert on item for each row \
        begin if :new.name = 'z' then raise_application_error(-20001, 'no z'); end if; end;",
    );
    let e = run(&mut s, "insert into item values (10, 'z')", &[]).unwrap_err();
    assert_eq!(e.code, 20001, "{e:?}");
    assert!(
        e.message
            .contains("ORA-04088: error during execution of trigger 'SCOTT.NO_Z'"),
        "{}",
        e.message
    );
    assert_eq!(
        run(&mut s, "select count(*) from item", &[]).unwrap(),
        vec![vec!["6"]]
    );
    let e = run(
        &mut s,
        "create trigger st after insert on item begin null; end;",
        &[],
    )
    .unwrap_err();
    assert_eq!(e.code, 3001);
    assert!(e.message.contains("statement-level"), "{}", e.message);
    let e = run(
        &mut s,
        "create trigger bad before insert on item for each row begin :new.nope := 1; end;",
        &[],
    );
    ok(&mut s, "select 1 from dual");
    // Stored as written; the bad column shows when it fires.
    e.unwrap();
    let e = run(&mut s, "insert into item values (11, 'k')", &[]).unwrap_err();
    assert!(
        e.message.contains("PLS-00049") && e.message.contains("ORA-04088"),
        "{}",
        e.message
    );
    // DROP TABLE drops its triggers.
    ok(&mut s, "drop table item");
    assert_eq!(
        run(&mut s, "select count(*) from user_triggers", &[]).unwrap(),
        vec![vec!["0"]]
    );
}

#[test]
fn dml_in_plsql_and_merge_on_a_table_with_triggers_are_refused_not_run_without_them() {
    let mut s = session();
    items(&mut s);
    ok(
        &mut s,
        "create trigger item_ins before insert on item for each row begin :new.id := 1; end;",
    );
    for sql in [
        "begin insert into item (name) values ('x'); end;",
        "merge into item d using (select 1 id from dual) s on (d.id = s.id) \
         when matched then update set d.name = 'm'",
    ] {
        let e = run(&mut s, sql, &[]).unwrap_err();
        assert_eq!(e.code, 3001, "{sql}: {e:?}");
    }
    assert_eq!(
        run(&mut s, "select count(*) from item", &[]).unwrap(),
        vec![vec!["6"]]
    );
    // Other tables are not affected.
    ok(&mut s, "create table other (a number)");
    ok(&mut s, "begin insert into other values (1); end;");
}

/// A FROM-less select (23ai) in a set operation: each branch's last item is
/// a value, not a column alias (`select true union all select false` gave
/// the text 'FALSE').
#[test]
fn from_less_branches_of_a_union_keep_their_values() {
    let db = crate::Database::open(None).unwrap();
    let mut s = crate::Session::open(&db, "scott").unwrap();
    let p = s
        .prepare("select true union all select false union all select true order by 1")
        .unwrap();
    let Ok(crate::Outcome::Rows { rows, .. }) = s.execute(&p, &[]) else {
        panic!("not rows");
    };
    let got: Vec<String> = rows.iter().map(|r| format!("{:?}", r[0])).collect();
    assert_eq!(got, ["Boolean(false)", "Boolean(true)", "Boolean(true)"]);
}
