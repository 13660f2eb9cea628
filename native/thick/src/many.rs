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
        return per_row(conn, calls, sql, specs, vals, rows, o);
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

/// Statements with OUT binds (a PL/SQL block's, or DML RETURNING INTO), run once per row of
/// the one prepared statement: ODPI-C's array execute hands no row's OUT values back. As an
/// array execute does: a block's error stops the rest and is the call's (Oracle lists batch
/// errors for DML only); a DML row's error is listed with its row when batch errors were asked
/// for (its OUT values empty) and the next row runs, else it stops the rest.
fn per_row(
    conn: &Connection,
    calls: &mut Calls,
    sql: &str,
    specs: &[Spec],
    vals: &[u8],
    rows: usize,
    o: ExecManyOpts,
) -> Result<ExecManyResult> {
    let mut stmt = conn.statement(sql).build()?;
    let dml = stmt.is_dml();
    if !dml && !stmt.is_plsql() {
        return Err(unavailable_out());
    }
    let mut r = Reader::new(vals);
    let (mut outs, mut counts, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for row in 0..rows {
        bind_row(&mut stmt, specs, &mut r, &calls.lobs)?;
        match stmt.execute(&[]) {
            Ok(()) => {
                let vals = calls.collect(|| out_binds(&stmt, specs)).0?;
                outs.extend_from_slice(&vals.unwrap_or_default());
                counts.push(if dml { stmt.row_count()? } else { 0 });
            }
            Err(e) if dml && o.batch_errors => {
                // Its offset is its row, as ODPI-C's batch errors give it.
                let mut e = Error::from(e);
                e.offset = row as u32;
                errors.push(e);
                counts.push(0);
                // No values: an empty array per RETURNING bind, NULL for the others.
                for s in specs {
                    match s.dir {
                        1 => outs.push(0),
                        _ => {
                            outs.push(10);
                            outs.extend_from_slice(&0u32.to_le_bytes());
                        }
                    }
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(ExecManyResult {
        // A block affects no rows, as thin mode counts it.
        rows_affected: counts.iter().sum(),
        dml_row_counts: o.dml_row_counts.then_some(counts),
        batch_errors: o.batch_errors.then_some(errors),
        out_binds: Some(outs),
    })
}
