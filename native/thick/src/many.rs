//! `executeMany`: one statement over many rows of binds, through ODPI-C's array execute.

use oracle::sql_type::ToSql;
use oracle::Connection;

use crate::binds::{bind_row, out_binds, unavailable_out, Spec};
use crate::calls::Calls;
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
    /// With OUT binds: per row, one tagged value per bind (IN binds as NULL), as thin mode.
    pub out_binds: Option<Vec<u8>>,
}

pub fn run(
    conn: &Connection,
    calls: &mut Calls,
    sql: &str,
    specs: &[Spec],
    vals: &[u8],
    rows: usize,
    o: ExecManyOpts,
) -> Result<ExecManyResult> {
    if o.batch_errors || o.dml_row_counts {
        let stmt = conn.statement(sql).build()?;
        if !stmt.is_dml() {
            return Err(Error::odb(
                crate::error::codes::INVALID_OPTION,
                crate::error::codes::DML_ONLY_MANY_OPTIONS,
            ));
        }
    }
    if specs.iter().any(|s| s.dir != 1) {
        return plsql_outs(conn, calls, sql, specs, vals, rows);
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
        out_binds: None,
    })
}

/// A PL/SQL block with OUT binds, run once per row, as Oracle runs a block per row of an array
/// execute: ODPI-C's array execute gives no row's OUT values back, so each row is its own
/// execute of the one prepared statement. A row's error stops the rest and is the call's, batch
/// errors or not: Oracle lists batch errors for DML only (thin mode does the same).
fn plsql_outs(
    conn: &Connection,
    calls: &mut Calls,
    sql: &str,
    specs: &[Spec],
    vals: &[u8],
    rows: usize,
) -> Result<ExecManyResult> {
    let mut stmt = conn.statement(sql).build()?;
    if !stmt.is_plsql() {
        return Err(unavailable_out());
    }
    let mut r = Reader::new(vals);
    let mut outs = Vec::new();
    for _ in 0..rows {
        bind_row(&mut stmt, specs, &mut r, &calls.lobs)?;
        stmt.execute(&[])?;
        let vals = calls.collect(|| out_binds(&stmt, specs)).0?;
        outs.extend_from_slice(&vals.unwrap_or_default());
    }
    // No rows affected by a block, as thin mode counts it.
    Ok(ExecManyResult {
        rows_affected: 0,
        dml_row_counts: None,
        batch_errors: None,
        out_binds: Some(outs),
    })
}
