//! The rows of a query, read to the end. A query's answer holds all its rows, so the
//! client waits for every one of them before it gets the first: for a big result that wait
//! was most of a 100,000-row fetch, half of it spent turning SQLite's values into protocol
//! `Value`s. Past the first rows, this thread steps SQLite and copies the values, and a
//! second thread converts them: the two halves of the work run side by side.

use std::sync::mpsc;

use oradb_protocol::value::{ora_type, Value};
use rusqlite::types::ValueRef;

use super::date_text;
use super::errors::err;
use super::{ColumnInfo, SqlError};

/// Rows converted on the reading thread before a second one starts: most results end
/// sooner, and for them a thread would cost more than it saves.
const INLINE_ROWS: usize = 1024;
/// Rows handed over at a time, and chunks in flight (bounds the copies held at once).
const CHUNK_ROWS: usize = 256;
const CHUNKS_IN_FLIGHT: usize = 8;

/// `ORADB_TESTSERVER_ROWS_ONE_THREAD=1` converts every row on the reading thread (for A/B
/// measurements).
fn one_thread() -> bool {
    static ONE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ONE.get_or_init(|| {
        std::env::var_os("ORADB_TESTSERVER_ROWS_ONE_THREAD").is_some_and(|v| v == "1")
    })
}

/// A value copied out of SQLite's row, for the converting thread.
enum Raw {
    Null,
    Int(i64),
    Real(f64),
    Text(Box<[u8]>),
    Blob(Box<[u8]>),
}

impl Raw {
    fn of(v: ValueRef) -> Raw {
        match v {
            ValueRef::Null => Raw::Null,
            ValueRef::Integer(i) => Raw::Int(i),
            ValueRef::Real(f) => Raw::Real(f),
            ValueRef::Text(t) => Raw::Text(t.into()),
            ValueRef::Blob(b) => Raw::Blob(b.into()),
        }
    }

    fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Raw::Null => ValueRef::Null,
            Raw::Int(i) => ValueRef::Integer(*i),
            Raw::Real(f) => ValueRef::Real(*f),
            Raw::Text(t) => ValueRef::Text(t),
            Raw::Blob(b) => ValueRef::Blob(b),
        }
    }
}

/// How a value of a column becomes a row's `Value` (`query::row_value`).
pub(crate) type Convert = fn(ValueRef, &ColumnInfo) -> Result<Value, SqlError>;

/// Reads `rows` to the end: the first `n` values of each converted with `convert`, each
/// row shown to `on_row` first (in order, on this thread). The first error in row order
/// wins, as when every row is converted here.
pub(crate) fn read_all(
    rows: &mut rusqlite::Rows<'_>,
    columns: &[ColumnInfo],
    convert: Convert,
    on_row: &mut dyn FnMut(&rusqlite::Row),
    map_err: &dyn Fn(&rusqlite::Error) -> SqlError,
) -> Result<Vec<Vec<Value>>, SqlError> {
    let n = columns.len();
    let mut out = Vec::new();
    // (A row without columns has nothing to convert: never worth a thread.)
    let limit = if n == 0 || one_thread() {
        usize::MAX
    } else {
        INLINE_ROWS
    };
    if convert_here(rows, columns, convert, on_row, map_err, &mut out, limit)? {
        return Ok(out);
    }
    // The converting thread reads zone-less timestamps in the session's time zone too.
    let zone = date_text::session_zone();
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel::<Vec<Raw>>(CHUNKS_IN_FLIGHT);
        let worker = std::thread::Builder::new()
            .name("oradb-rows".into())
            .spawn_scoped(s, move || {
                date_text::set_session_zone(zone);
                let mut got = Vec::new();
                for chunk in rx {
                    let mut values = chunk.into_iter();
                    while values.len() >= n {
                        // Sized up front: a collect through `Result` grows the vector step
                        // by step.
                        let mut row = Vec::with_capacity(n);
                        for (c, v) in columns.iter().zip(values.by_ref()) {
                            row.push(convert_owned(v, c, convert)?);
                        }
                        got.push(row);
                    }
                }
                Ok::<_, SqlError>(got)
            });
        let Ok(worker) = worker else {
            // No thread to be had (a process at its limit): the rest on this one.
            convert_here(
                rows,
                columns,
                convert,
                on_row,
                map_err,
                &mut out,
                usize::MAX,
            )?;
            return Ok(out);
        };
        let read = copy_rows(rows, n, &tx, on_row, map_err);
        drop(tx);
        let converted = worker.join().unwrap_or_else(|_| {
            Err(err(
                600,
                "internal error code: the row conversion thread failed",
            ))
        })?;
        read?;
        out.extend(converted);
        Ok(out)
    })
}

/// Converts rows on this thread into `out` until it holds `limit`: true when `rows` ended.
fn convert_here(
    rows: &mut rusqlite::Rows<'_>,
    columns: &[ColumnInfo],
    convert: Convert,
    on_row: &mut dyn FnMut(&rusqlite::Row),
    map_err: &dyn Fn(&rusqlite::Error) -> SqlError,
    out: &mut Vec<Vec<Value>>,
    limit: usize,
) -> Result<bool, SqlError> {
    while out.len() < limit {
        let Some(r) = rows.next().map_err(|e| map_err(&e))? else {
            return Ok(true);
        };
        on_row(r);
        let mut row = Vec::with_capacity(columns.len());
        for (i, c) in columns.iter().enumerate() {
            row.push(convert(r.get_ref(i).map_err(|e| map_err(&e))?, c)?);
        }
        out.push(row);
    }
    Ok(false)
}

/// `convert`, but text for a VARCHAR2 column becomes its string without a second copy
/// (what `query::to_value` gives it: the text, invalid UTF-8 replaced).
fn convert_owned(v: Raw, c: &ColumnInfo, convert: Convert) -> Result<Value, SqlError> {
    match v {
        Raw::Text(t) if c.ora_type == ora_type::VARCHAR => {
            Ok(Value::Varchar(match String::from_utf8(t.into_vec()) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }))
        }
        v => convert(v.as_ref(), c),
    }
}

/// Steps through the rest of `rows`, sending their values in chunks (`n` a row, one
/// vector for all the chunk's rows); stops early when the converting thread has quit (on an
/// error, which it reports).
fn copy_rows(
    rows: &mut rusqlite::Rows<'_>,
    n: usize,
    tx: &mpsc::SyncSender<Vec<Raw>>,
    on_row: &mut dyn FnMut(&rusqlite::Row),
    map_err: &dyn Fn(&rusqlite::Error) -> SqlError,
) -> Result<(), SqlError> {
    let size = CHUNK_ROWS * n.max(1);
    let mut chunk = Vec::with_capacity(size);
    while let Some(r) = rows.next().map_err(|e| map_err(&e))? {
        on_row(r);
        for i in 0..n {
            chunk.push(Raw::of(r.get_ref(i).map_err(|e| map_err(&e))?));
        }
        if chunk.len() >= size {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(size));
            if tx.send(full).is_err() {
                return Ok(());
            }
        }
    }
    if !chunk.is_empty() {
        let _ = tx.send(chunk);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tstz_tests::{at, ok, query, session};

    fn column() -> ColumnInfo {
        ColumnInfo {
            name: "N".into(),
            ora_type: ora_type::NUMBER,
            size: 22,
            char_size: 22,
            precision: 0,
            scale: -127,
            nullable: true,
            object_type: None,
            national: false,
            uds_flags: 0,
        }
    }

    /// Integers as NUMBER text; 2000 and 7 refused (ORA-01722 and ORA-01861).
    fn picky(v: ValueRef, _: &ColumnInfo) -> Result<Value, SqlError> {
        match v {
            ValueRef::Integer(2000) => Err(err(1722, "invalid number")),
            ValueRef::Integer(7) => Err(err(1861, "not a date")),
            ValueRef::Integer(i) => Ok(Value::Number(i.to_string())),
            _ => Ok(Value::Null),
        }
    }

    fn read(sql: &str) -> (Result<Vec<Vec<Value>>, SqlError>, usize) {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut stmt = conn.prepare(sql).unwrap();
        let mut rows = stmt.query([]).unwrap();
        let mut seen = 0;
        let got = read_all(&mut rows, &[column()], picky, &mut |_| seen += 1, &|e| {
            err(600, &e.to_string())
        });
        (got, seen)
    }

    const UP_TO: &str = "with recursive c(n) as (select 8 union all select n + 1 from c where n < ";

    #[test]
    fn a_big_result_keeps_every_row_in_order() {
        let (got, seen) = read(&format!("{UP_TO}1999) select n from c"));
        let got = got.unwrap();
        assert_eq!((got.len(), seen), (1992, 1992));
        for (i, row) in got.iter().enumerate() {
            assert_eq!(row, &vec![Value::Number((i + 8).to_string())]);
        }
    }

    #[test]
    fn a_value_refused_after_the_first_rows_fails_the_query() {
        let (got, _) = read(&format!("{UP_TO}5000) select n from c"));
        assert_eq!(got.unwrap_err().code, 1722);
        // Refused in the rows converted on the reading thread: that error, none later.
        let (got, _) = read(&format!("{UP_TO}5000) select n - 1 from c"));
        assert_eq!(got.unwrap_err().code, 1861);
    }

    #[test]
    fn rows_past_the_first_keep_their_text_and_the_sessions_time_zone() {
        let mut s = session();
        ok(&mut s, "alter session set time_zone = '+02:00'", &[]);
        ok(
            &mut s,
            "create table big_rows (id number, t timestamp with local time zone, txt varchar2(10))",
            &[],
        );
        let ins = s
            .prepare("insert into big_rows values (:1, :2, :3)")
            .unwrap();
        for i in 0..3000 {
            let v = [
                Value::Number(i.to_string()),
                Value::Timestamp(at("2024-06-01 12:00:00")),
                Value::Varchar(format!("é{i}")),
            ];
            s.execute(&ins, &v).unwrap();
        }
        ok(&mut s, "alter session set time_zone = '-03:00'", &[]);
        let (_, rows) = query(&mut s, "select t, txt from big_rows order by id", &[]);
        assert_eq!(rows.len(), 3000);
        let want = Value::Timestamp(at("2024-06-01 07:00:00"));
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(r, &vec![want.clone(), Value::Varchar(format!("é{i}"))]);
        }
    }
}
