//! ROWID and UROWID columns (python-oracledb's TestRowids): a table with them
//! can be created, a row's ROWID stored in either kind of column finds that
//! row again through `where rowid = :r`, and an empty one fetches as NULL.

use oradb_protocol::value::{ora_type, Value};
use oradb_testserver::sql::{Database, Outcome, Session};

fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Outcome {
    let p = s.prepare(sql).unwrap();
    s.execute(&p, binds).unwrap()
}

fn rows(s: &mut Session, sql: &str, binds: &[Value]) -> Vec<Vec<Value>> {
    match run(s, sql, binds) {
        Outcome::Rows { rows, .. } => rows,
        other => panic!("not rows: {other:?}"),
    }
}

#[test]
fn rowid_and_urowid_columns_hold_rowids_that_find_their_rows() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    for sql in [
        "create table rid_src (id number(9), v varchar2(10))",
        "insert into rid_src values (1, 'one')",
        "insert into rid_src values (2, 'two')",
        "create table rid_cols (IntCol number(9) not null, RowidCol rowid, URowidCol urowid)",
        "insert into rid_cols (IntCol, RowidCol) select id, rowid from rid_src",
    ] {
        run(&mut s, sql, &[]);
    }
    run(
        &mut s,
        "insert into rid_cols (IntCol, URowidCol) select id + 10, rowid from rid_src",
        &[],
    );
    let Outcome::Rows { columns, .. } = run(&mut s, "select * from rid_cols", &[]) else {
        panic!("not rows")
    };
    // Described as the text the ROWID pseudo-column itself yields.
    assert_eq!(
        columns
            .iter()
            .map(|c| (c.name.as_str(), c.ora_type, c.size))
            .collect::<Vec<_>>(),
        [
            ("INTCOL", ora_type::NUMBER, 22),
            ("ROWIDCOL", ora_type::VARCHAR, 18),
            ("UROWIDCOL", ora_type::VARCHAR, 4000)
        ]
    );
    for (col, offset) in [("RowidCol", 0), ("URowidCol", 10)] {
        let stored = rows(
            &mut s,
            &format!("select IntCol, {col} from rid_cols where {col} is not null order by IntCol"),
            &[],
        );
        assert_eq!(stored.len(), 2);
        for row in stored {
            let Value::Number(n) = &row[0] else {
                panic!("{row:?}")
            };
            let id: i64 = n.parse::<i64>().unwrap() - offset;
            assert_eq!(
                rows(
                    &mut s,
                    "select id from rid_src where rowid = :r",
                    &[row[1].clone()]
                ),
                vec![vec![Value::Number(id.to_string())]]
            );
        }
    }
    run(&mut s, "truncate table rid_cols", &[]);
    run(&mut s, "insert into rid_cols (IntCol) values (1)", &[]);
    assert_eq!(
        rows(&mut s, "select * from rid_cols", &[]),
        vec![vec![Value::Number("1".into()), Value::Null, Value::Null]]
    );
}
