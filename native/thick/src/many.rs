//! `executeMany`: one statement over many rows of binds, through ODPI-C's array execute.

use oracle::sql_type::ToSql;
use oracle::Connection;

use crate::binds::{unavailable_out, Spec};
use crate::error::{Error, Result};
use crate::values::{Reader, Value};

/// Options of one `executeMany`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExecManyOpts {
    pub batch_errors: bool,
    pub dml_row_counts: bool,
}

/// What `executeMany` reports: total rows, per-row counts when asked, and the rows that
/// failed (their `offset` is the row index) when batch errors were asked for.
#[derive(Debug, Clone, Default)]
pub struct ExecManyResult {
    pub rows_affected: u64,
    pub dml_row_counts: Option<Vec<u64>>,
    pub batch_errors: Option<Vec<Error>>,
}

pub fn run(
    conn: &Connection,
    sql: &str,
    specs: &[Spec],
    vals: &[u8],
    rows: usize,
    o: ExecManyOpts,
) -> Result<ExecManyResult> {
    if specs.iter().any(|s| s.dir != 1) {
        return Err(unavailable_out());
    }
    let mut b = conn.batch(sql, rows.max(1));
    b.with_row_counts();
    if o.batch_errors {
        b.with_batch_errors();
    }
    let mut batch = b.build()?;
    let mut r = Reader::new(vals);
    for _ in 0..rows {
        let row: Vec<Value> = specs.iter().map(|_| r.value()).collect::<Result<_>>()?;
        match specs.first().and_then(|s| s.name.as_ref()) {
            Some(_) => {
                let named: Vec<(&str, &dyn ToSql)> = specs
                    .iter()
                    .zip(&row)
                    .map(|(s, v)| (s.name.as_deref().unwrap_or(""), v as &dyn ToSql))
                    .collect();
                batch.append_row_named(&named)?;
            }
            None => {
                let pos: Vec<&dyn ToSql> = row.iter().map(|v| v as &dyn ToSql).collect();
                batch.append_row(&pos)?;
            }
        }
    }
    let errors = match batch.execute() {
        Ok(()) => None,
        Err(e) if o.batch_errors && e.batch_errors().is_some() => Some(
            e.batch_errors()
                .into_iter()
                .flatten()
                .map(|d| Error::from_db(d, d.offset()))
                .collect(),
        ),
        Err(e) => return Err(e.into()),
    };
    let counts = batch.row_counts()?;
    Ok(ExecManyResult {
        rows_affected: counts.iter().sum(),
        dml_row_counts: o.dml_row_counts.then_some(counts),
        batch_errors: if o.batch_errors {
            Some(errors.unwrap_or_default())
        } else {
            None
        },
    })
}
