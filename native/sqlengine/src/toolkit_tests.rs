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
