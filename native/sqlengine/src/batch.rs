//! executeMany: one DML statement over many bind rows. Each row is its own
//! execution (its own row count, error and rollback), as Oracle runs array
//! DML; what does not depend on the row is done once per call.

use std::sync::atomic::Ordering;

use oradb_protocol::value::Value;

use crate::{LobRows, Outcome, Prepared, Session, SqlError, StmtKind};

/// What [`Session::execute_many`] reports for one bind row.
pub struct RowOutcome {
    pub index: usize,
    pub result: Result<Outcome, SqlError>,
    pub lob_rows: Option<LobRows>,
    /// The last row it touched ([`Session::last_rowid`]).
    pub last_rowid: Option<oradb_protocol::ttc::rowid::Rowid>,
}

impl Session {
    /// Runs `p` once per row of `rows`, handing each outcome to `each`,
    /// which returns whether to go on. The schemas and views a DML
    /// statement names are attached once, by the first row, instead of
    /// once per row (a tenth of an executeMany's server time): no row
    /// can change them unless DDL runs, and then the next row attaches
    /// them again. A statement that reads a dictionary view (V$SESSION…)
    /// still refills it for every row, as each row may see it change.
    pub fn execute_many(
        &mut self,
        p: &Prepared,
        rows: &[Vec<Value>],
        mut each: impl FnMut(RowOutcome) -> bool,
    ) {
        let reusable = p.kind == StmtKind::Dml && crate::views::names_no_view(&p.toks);
        let mut attached_at = None;
        for (index, row) in rows.iter().enumerate() {
            let generation = self.db.ddl_generation.load(Ordering::Acquire);
            let reuse = reusable && attached_at == Some(generation);
            let syncs = self.schema_syncs;
            self.views_attached = reuse;
            let result = self.execute(p, row);
            self.views_attached = false;
            // The next row may reuse what this one left only if this row set it up for this
            // statement and nothing else did after it (a trigger's statements attach their
            // own); a failed row may have stopped before attaching.
            let own_syncs = if reuse { 0 } else { 1 };
            attached_at =
                (result.is_ok() && self.schema_syncs - syncs == own_syncs).then_some(generation);
            let lob_rows = self.take_lob_rows();
            if !each(RowOutcome {
                index,
                result,
                lob_rows,
                last_rowid: self.last_rowid(),
            }) {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use oradb_protocol::value::Value;

    use crate::{Database, Outcome, Session};

    fn ok(s: &mut Session, sql: &str) {
        let p = s.prepare(sql).unwrap();
        s.execute(&p, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    }

    fn count(s: &mut Session, sql: &str) -> String {
        let p = s.prepare(sql).unwrap();
        match s.execute(&p, &[]).unwrap() {
            Outcome::Rows { rows, .. } => match &rows[0][0] {
                Value::Number(n) => n.clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    /// Each row's error or row count, as the server reports them.
    fn many(s: &mut Session, sql: &str, rows: &[Vec<Value>]) -> Vec<Result<u64, u32>> {
        let p = s.prepare(sql).unwrap();
        let mut out = Vec::new();
        s.execute_many(&p, rows, |r| {
            out.push(match r.result {
                Ok(Outcome::Dml { row_count, .. }) => Ok(row_count),
                Ok(other) => panic!("{other:?}"),
                Err(e) => Err(e.code),
            });
            true
        });
        out
    }

    fn num(i: i64) -> Value {
        Value::Number(i.to_string())
    }

    #[test]
    fn a_failed_row_does_not_stop_the_rows_after_it() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        ok(
            &mut s,
            "create table t (id number primary key, n varchar2(3))",
        );
        let rows = [1, 2, 1, 3]
            .map(|i| vec![num(i), Value::Varchar(format!("r{i}"))])
            .to_vec();
        let got = many(&mut s, "insert into t values (:1, :2)", &rows);
        assert_eq!(got, [Ok(1), Ok(1), Err(1), Ok(1)]);
        // A value too long for its column fails its row only.
        let long = vec![
            vec![num(4), Value::Varchar("long".into())],
            vec![num(5), Value::Null],
        ];
        let got = many(&mut s, "insert into t values (:1, :2)", &long);
        assert_eq!(got, [Err(12899), Ok(1)]);
        assert_eq!(count(&mut s, "select count(*) from t"), "4");
    }

    #[test]
    fn rows_after_a_trigger_still_see_the_statement_schemas() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        ok(&mut s, "create table t (id number)");
        ok(&mut s, "create table audit_t (id number, n number)");
        ok(
            &mut s,
            "create or replace trigger t_audit after insert on t for each row \
             begin insert into audit_t values (:new.id, (select count(*) from t)); end;",
        );
        let rows: Vec<Vec<Value>> = (0..5).map(|i| vec![num(i)]).collect();
        let got = many(&mut s, "insert into scott.t values (:1)", &rows);
        assert_eq!(got, vec![Ok(1); 5]);
        assert_eq!(count(&mut s, "select count(*) from audit_t"), "5");
        assert_eq!(count(&mut s, "select max(n) from audit_t"), "5");
    }

    #[test]
    fn an_insert_from_a_dictionary_view_runs_for_every_row() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        ok(&mut s, "create table t (n number)");
        let rows: Vec<Vec<Value>> = (0..3).map(|_| Vec::new()).collect();
        // The view is filled for each row (not attached once): every row reads T.
        let got = many(
            &mut s,
            "insert into t select count(*) from user_tables",
            &rows,
        );
        assert_eq!(got, vec![Ok(1); 3]);
        assert_eq!(count(&mut s, "select count(*) from t where n = 1"), "3");
    }
}
