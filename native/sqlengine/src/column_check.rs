//! Oracle's column types on write. SQLite stores whatever it is given, so
//! each table gets two AFTER triggers (INSERT; UPDATE OF the checked columns)
//! that cover every DML path at once: binds and literals, INSERT … SELECT,
//! MERGE, array DML (one execute per row, so errors stay per row) and PL/SQL.
//! Their WHEN clause calls a check that raises ORA-01722 / ORA-01438 /
//! ORA-01861 … for a value Oracle refuses, and says whether the stored form
//! must change (text → number, rounding to the scale, NLS text → date); only
//! then does the body rewrite the row. Values already in the column's form
//! (the usual bound NUMBER or DATE) cost one function call per row.
//! Lengths (ORA-12899) and NUMBER's range stay CHECK constraints (ddl.rs).
//! Cost: mostly, it seems, the statement journal SQLite keeps once a trigger
//! body writes; with one call a row, the bench's
//! 100,000-row executemany took about 12 % more server CPU (see the timing
//! test in column_check_tests.rs).
//! SQLite computes RETURNING before AFTER triggers run, so INSERT and UPDATE
//! read their returned values back from the written rows
//! (rewrite/returning.rs).

use std::sync::Arc;

use oradb_protocol::value::{ora_type, DateTime};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;

use super::date_text;
use super::errors;
use super::num;
use super::oracle::decimal::OraDecimal;
use super::oracle::{datefmt, timezone};
use super::schemas::{is_internal, quote};
use super::types::from_decl;
use super::{Session, SessionShared, SqlError};

/// Prefix of the engine's trigger names (never an Oracle object).
const PREFIX: &str = "ORA$COLCHK_";

fn ora(msg: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.into().into())
}

/// How a NUMBER column constrains its values: `None` for NUMBER and FLOAT
/// (no rounding; only text is converted), else (precision, scale).
fn limits(precision: i64, scale: i64) -> Option<(u8, i8)> {
    if scale == -127 {
        return None;
    }
    let p = if precision <= 0 { 38 } else { precision };
    Some((p.min(38) as u8, scale.clamp(-84, 127) as i8))
}

/// The value a NUMBER column stores for `v`, or the error Oracle raises.
fn number_for(v: ValueRef, lim: Option<(u8, i8)>) -> rusqlite::Result<Sql> {
    let d = match v {
        ValueRef::Null => return Ok(Sql::Null),
        ValueRef::Integer(i) => OraDecimal::from_i64(i),
        ValueRef::Real(f) => {
            OraDecimal::parse(&num::f64_text(f)).map_err(|_| ora("ORA-01722: invalid number"))?
        }
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            // '' is NULL in Oracle; blanks around a number are allowed.
            if s.trim().is_empty() {
                return Ok(Sql::Null);
            }
            OraDecimal::parse(s.trim()).map_err(|_| ora("ORA-01722: invalid number"))?
        }
        ValueRef::Blob(_) => {
            return Err(ora(
                "ORA-00932: inconsistent datatypes: expected NUMBER got BINARY",
            ))
        }
    };
    let d = match lim {
        Some((p, s)) => d
            .fit_precision_scale(Some(p), Some(s))
            .map_err(|e| ora(e.message))?,
        None => d,
    };
    Ok(num::storage_of_text(&d.to_canonical()))
}

/// Whether `v` must be rewritten to be what the column stores (errors as
/// `number_for`). Integers that already fit skip the decimal arithmetic.
fn number_needs_fix(v: ValueRef, lim: Option<(u8, i8)>) -> rusqlite::Result<bool> {
    match (v, lim) {
        (ValueRef::Null, _) | (ValueRef::Integer(_) | ValueRef::Real(_), None) => Ok(false),
        (ValueRef::Integer(i), Some((p, s))) if s >= 0 => {
            // An i64 has at most 19 digits: p - s >= 19 holds any of them.
            let digits = (i32::from(p) - i32::from(s)).max(0) as u32;
            if digits >= 19 || i.unsigned_abs() < 10u64.pow(digits) {
                Ok(false)
            } else {
                Err(ora(
                    "ORA-01438: value larger than specified precision allowed for this column",
                ))
            }
        }
        // A double already on the scale's grid and under the limit stays as
        // it is; the check is exact (scaling by 10^s with an integral result
        // below 2^53), anything else takes the decimal path.
        (ValueRef::Real(f), Some((p, s)))
            if (0..=15).contains(&s)
                && f.abs() < 10f64.powi(i32::from(p) - i32::from(s))
                && (f * 10f64.powi(i32::from(s))).fract() == 0.0
                && (f * 10f64.powi(i32::from(s))).abs() < 9.0e15 =>
        {
            Ok(false)
        }
        _ => {
            let fixed = number_for(v, lim)?;
            Ok(match (v, &fixed) {
                (ValueRef::Integer(a), Sql::Integer(b)) => a != *b,
                (ValueRef::Real(a), Sql::Real(b)) => a.to_bits() != b.to_bits(),
                (ValueRef::Text(a), Sql::Text(b)) => a != b.as_bytes(),
                _ => true,
            })
        }
    }
}

fn inconsistent(timestamp: bool, got: &str) -> rusqlite::Error {
    let expected = if timestamp { "TIMESTAMP" } else { "DATE" };
    ora(format!(
        "ORA-00932: inconsistent datatypes: expected {expected} got {got}"
    ))
}

/// What a DATE or TIMESTAMP column keeps of a second's fraction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Fraction {
    /// DATE: none; a timestamp's fraction is dropped.
    Date,
    /// TIMESTAMP(p): rounded to p digits (9 for checks written before the
    /// precision was part of them).
    Timestamp(u8),
}

impl Fraction {
    /// The third argument of `ora_col_dt_set` and the spec word's digits:
    /// 0 DATE, 1 a TIMESTAMP of an older trigger (no rounding), 10 + p.
    fn code(self) -> i64 {
        match self {
            Fraction::Date => 0,
            Fraction::Timestamp(p) => 10 + i64::from(p),
        }
    }

    fn from_code(code: i64) -> Self {
        match code {
            0 => Fraction::Date,
            10..=19 => Fraction::Timestamp((code - 10) as u8),
            _ => Fraction::Timestamp(9),
        }
    }

    fn is_timestamp(self) -> bool {
        self != Fraction::Date
    }

    /// `d` as the column stores it, or `None` when it already is.
    fn fit(self, d: &DateTime) -> Option<DateTime> {
        let unit = match self {
            Fraction::Date => 1_000_000_000,
            Fraction::Timestamp(p) => 10u32.pow(9 - u32::from(p.min(9))),
        };
        if d.nanos.is_multiple_of(unit) {
            return None;
        }
        let mut out = *d;
        if self == Fraction::Date {
            out.nanos = 0;
            return Some(out);
        }
        let (secs, nanos) = d.to_epoch();
        let rounded = (nanos + unit / 2) / unit * unit;
        Some(if rounded >= 1_000_000_000 {
            DateTime::from_epoch(secs + 1, rounded - 1_000_000_000)
        } else {
            out.nanos = rounded;
            out
        })
    }
}

/// The value a DATE/TIMESTAMP column stores for `v`: stored dates are ISO
/// text; other text is read with the session's NLS format, as Oracle's
/// implicit conversion does (the lenient ISO form is kept as it is); the
/// fraction of a second is cut to what the column keeps.
fn date_for(v: ValueRef, frac: Fraction, shared: &SessionShared) -> rusqlite::Result<Sql> {
    let timestamp = frac.is_timestamp();
    let s = match v {
        ValueRef::Null => return Ok(Sql::Null),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        // Oracle converts no number to a date, implicitly or not.
        ValueRef::Integer(_) | ValueRef::Real(_) => return Err(inconsistent(timestamp, "NUMBER")),
        ValueRef::Blob(_) => return Err(inconsistent(timestamp, "BINARY")),
    };
    if s.trim().is_empty() {
        return Ok(Sql::Null);
    }
    if let Ok(d) = DateTime::parse_iso(&s) {
        return Ok(Sql::Text(match frac.fit(&d) {
            Some(d) => d.to_string(),
            None => s,
        }));
    }
    // A TIMESTAMP WITH TIME ZONE keeps its wall-clock time in a DATE or
    // TIMESTAMP column (its zone is dropped), as Oracle converts it.
    if let Some(d) = date_text::parse_local(&s) {
        return Ok(Sql::Text(frac.fit(&d).unwrap_or(d).to_string()));
    }
    let now = shared.now();
    let d = if timestamp {
        datefmt::to_date_at(&s, &shared.timestamp_format(), &now)
            .or_else(|e| datefmt::to_date_at(&s, &shared.date_format(), &now).map_err(|_| e))
    } else {
        datefmt::to_date_at(&s, &shared.date_format(), &now)
    }
    .map_err(|e| ora(e.message))?;
    Ok(Sql::Text(frac.fit(&d).unwrap_or(d).to_string()))
}

/// Whether `v` must be rewritten (errors as `date_for`); ISO text, what
/// bound dates become, is checked without a copy.
fn date_needs_fix(v: ValueRef, frac: Fraction, shared: &SessionShared) -> rusqlite::Result<bool> {
    match v {
        ValueRef::Null => Ok(false),
        ValueRef::Text(t) => match std::str::from_utf8(t).map(DateTime::parse_iso) {
            Ok(Ok(d)) => Ok(frac.fit(&d).is_some()),
            // Blank text becomes NULL; anything else is converted or refused.
            _ => date_for(v, frac, shared).map(|_| true),
        },
        _ => date_for(v, frac, shared).map(|_| true),
    }
}

/// The value a TIMESTAMP WITH TIME ZONE column (fraction `frac`) stores for
/// `v` (`date_text::tz_text`). Zoned text keeps its instant and zone;
/// zone-less text (a bound TIMESTAMP or DATE, NLS text) is a time in
/// the session's time zone, as Oracle reads it.
fn zoned_for(v: ValueRef, frac: Fraction, shared: &SessionShared) -> rusqlite::Result<Sql> {
    zoned_in(v, frac, shared, false)
}

/// [`zoned_for`]; with `utc`, the instant in UTC: what TIMESTAMP WITH
/// LOCAL TIME ZONE keeps (the database's zone), shown in the session's.
fn zoned_in(
    v: ValueRef,
    frac: Fraction,
    shared: &SessionShared,
    utc: bool,
) -> rusqlite::Result<Sql> {
    let s = match v {
        ValueRef::Null => return Ok(Sql::Null),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Integer(_) | ValueRef::Real(_) => {
            return Err(inconsistent_tz("NUMBER"));
        }
        ValueRef::Blob(_) => return Err(inconsistent_tz("BINARY")),
    };
    if s.trim().is_empty() {
        return Ok(Sql::Null);
    }
    let (local, offset) = match date_text::parse_zoned(&s) {
        Some((d, Some(off))) => (d, off),
        Some((d, None)) => (d, shared.tz_offset_at(&d)),
        None => {
            let (text, zone) = timezone::split_zone(&s).unwrap_or((&s, shared.zone()));
            let now = shared.now();
            let fmt = shared.timestamp_format();
            let local = datefmt::to_date_at(text, timezone::strip_zone_elements(&fmt), &now)
                .or_else(|e| datefmt::to_date_at(text, &shared.date_format(), &now).map_err(|_| e))
                .map_err(|e| ora(e.message))?;
            let offset = zone.offset_at(&local).ok_or_else(|| {
                ora("ORA-01841: (full) year must be between -4713 and +9999, and not be 0")
            })?;
            (local, offset)
        }
    };
    let local = frac.fit(&local).unwrap_or(local);
    let (local, offset) = match utc {
        true => (date_text::shift(&local, -offset).unwrap_or(local), 0),
        false => (local, offset),
    };
    date_text::tz_text(&local, offset)
        .map(Sql::Text)
        .ok_or_else(|| ora("ORA-01841: (full) year must be between -4713 and +9999, and not be 0"))
}

/// Whether `v` must be rewritten for a TIMESTAMP WITH TIME ZONE column:
/// anything but stored TSTZ text already at the column's fraction.
/// With `utc` (WITH LOCAL TIME ZONE), only text in UTC is kept as it is.
fn zoned_needs_fix(
    v: ValueRef,
    frac: Fraction,
    shared: &SessionShared,
    utc: bool,
) -> rusqlite::Result<bool> {
    if let ValueRef::Null = v {
        return Ok(false);
    }
    if let ValueRef::Text(t) = v {
        let stored = std::str::from_utf8(t)
            .ok()
            .and_then(date_text::parse_stored)
            .filter(|(_, off)| !utc || *off == 0);
        if let Some((d, _)) = stored {
            return Ok(frac.fit(&d).is_some());
        }
    }
    zoned_in(v, frac, shared, utc).map(|_| true)
}

/// What an `IS JSON FORMAT OSON` BLOB keeps of `v`: JSON text as its OSON
/// image, as Oracle converts it; anything else as it is.
fn oson_for(v: ValueRef) -> rusqlite::Result<Sql> {
    match v {
        ValueRef::Text(t) => {
            let text = String::from_utf8_lossy(t).into_owned();
            oradb_protocol::value::oson::image_of_value(&oradb_protocol::value::Value::Varchar(
                text,
            ))
            .map(Sql::Blob)
            .map_err(|e| ora(e.message))
        }
        other => Ok(other.into()),
    }
}

fn inconsistent_tz(got: &str) -> rusqlite::Error {
    ora(format!(
        "ORA-00932: inconsistent datatypes: expected TIMESTAMP WITH TIME ZONE got {got}"
    ))
}

fn int_arg(c: &Context, i: usize) -> i64 {
    match c.get_raw(i) {
        ValueRef::Integer(n) => n,
        _ => 0,
    }
}

/// `ora_col_check(spec, values…)` (see `check_row`), and the stored forms:
/// `ora_col_num_set(v, p, s)`, `ora_col_dt_set(v, ts)` (ts 1 for TIMESTAMP).
pub fn register(conn: &Connection, shared: Arc<SessionShared>) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    // The date ones read the session's NLS formats: not deterministic.
    let vol = FunctionFlags::SQLITE_UTF8;
    conn.create_scalar_function("ora_col_num_set", 3, det, |c| {
        number_for(c.get_raw(0), limits(int_arg(c, 1), int_arg(c, 2)))
    })?;
    let s = shared.clone();
    conn.create_scalar_function("ora_col_check", -1, vol, move |c| check_row(c, &s))?;
    let s = shared.clone();
    conn.create_scalar_function("ora_col_dt_set", 2, vol, move |c| {
        date_for(c.get_raw(0), Fraction::from_code(int_arg(c, 1)), &s)
    })?;
    let s = shared.clone();
    conn.create_scalar_function("ora_col_tz_set", 2, vol, move |c| {
        zoned_for(c.get_raw(0), Fraction::from_code(int_arg(c, 1)), &s)
    })?;
    conn.create_scalar_function("ora_col_oson_set", 1, det, |c| oson_for(c.get_raw(0)))?;
    conn.create_scalar_function("ora_col_bool_set", 1, det, |c| {
        super::boolean::stored(c.get_raw(0)).map_err(ora)
    })?;
    conn.create_scalar_function("ora_col_ltz_set", 2, vol, move |c| {
        zoned_in(
            c.get_raw(0),
            Fraction::from_code(int_arg(c, 1)),
            &shared,
            true,
        )
    })?;
    Ok(())
}

/// One column's part of a row check: its type as the check function reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Number(Option<(u8, i8)>),
    Date(Fraction),
    /// TIMESTAMP WITH TIME ZONE: kept as stored TSTZ text (date_text).
    Zoned(Fraction),
    /// TIMESTAMP WITH LOCAL TIME ZONE: the same, always in UTC.
    Local(Fraction),
    /// A BLOB constrained `IS JSON FORMAT OSON`: JSON text becomes OSON.
    Oson,
    /// VECTOR: dimensions (0: any), format, metadata flags.
    Vector(u32, u8, u8),
    /// BOOLEAN: numbers and Oracle's words become 0 or 1.
    Boolean,
    /// ROWID: ROWID text only ('' becomes NULL).
    Rowid,
}

/// What a column's declared type asks of its values, if anything.
fn kind_of(decl: &str) -> Option<(Kind, i64, i64)> {
    if super::types::is_rowid_decl(decl) {
        return Some((Kind::Rowid, 0, 0));
    }
    let (info, _) = from_decl(decl)?;
    match info.ora_type {
        ora_type::NUMBER => {
            let (p, s) = (i64::from(info.precision), i64::from(info.scale));
            Some((Kind::Number(limits(p, s)), p, s))
        }
        ora_type::DATE => Some((Kind::Date(Fraction::Date), 0, 0)),
        ora_type::BOOLEAN => Some((Kind::Boolean, 0, 0)),
        ora_type::VECTOR => {
            let (d, f, fl) = crate::vector::spec(&info);
            Some((Kind::Vector(d, f, fl), i64::from(d), i64::from(f)))
        }
        ora_type::TIMESTAMP => {
            let f = Fraction::Timestamp(info.scale.clamp(0, 9) as u8);
            Some((Kind::Date(f), f.code(), 0))
        }
        ora_type::TIMESTAMP_TZ => {
            let f = Fraction::Timestamp(info.scale.clamp(0, 9) as u8);
            Some((Kind::Zoned(f), f.code(), 0))
        }
        ora_type::TIMESTAMP_LTZ => {
            let f = Fraction::Timestamp(info.scale.clamp(0, 9) as u8);
            Some((Kind::Local(f), f.code(), 0))
        }
        ora_type::BLOB if info.uds_flags & crate::UDS_IS_OSON != 0 => Some((Kind::Oson, 0, 0)),
        _ => None,
    }
}

/// Reads one word of the spec of `ora_col_check`: `N<p>,<s>`, `D`, `T<p>`
/// (`T` alone in triggers written before the precision was part of them).
fn spec_kind(w: &str) -> Kind {
    match w.as_bytes().first() {
        Some(b'D') => Kind::Date(Fraction::Date),
        Some(b'V') => {
            let n: Vec<u32> = w[1..].split(',').map(|x| x.parse().unwrap_or(0)).collect();
            let n = |i: usize| n.get(i).copied().unwrap_or(0);
            Kind::Vector(n(0), n(1) as u8, n(2) as u8)
        }
        Some(b'Z') => Kind::Zoned(Fraction::Timestamp(
            w[1..].parse::<u8>().map_or(9, |p| p.min(9)),
        )),
        Some(b'O') => Kind::Oson,
        Some(b'B') => Kind::Boolean,
        Some(b'R') => Kind::Rowid,
        Some(b'L') => Kind::Local(Fraction::Timestamp(
            w[1..].parse::<u8>().map_or(9, |p| p.min(9)),
        )),
        Some(b'T') => Kind::Date(Fraction::Timestamp(
            w[1..].parse::<u8>().map_or(9, |p| p.min(9)),
        )),
        _ => {
            let (p, s) = w
                .get(1..)
                .and_then(|r| r.split_once(','))
                .unwrap_or(("0", "-127"));
            Kind::Number(limits(p.parse().unwrap_or(0), s.parse().unwrap_or(-127)))
        }
    }
}

/// `ora_col_check(spec, v1, v2, …)`: 1 when any value must be rewritten,
/// an error for one the column refuses. One call a row, whatever the number
/// of columns: a trigger's per-column SQL cost more than the checks.
fn check_row(c: &Context, shared: &SessionShared) -> rusqlite::Result<Sql> {
    let spec = match c.get_raw(0) {
        ValueRef::Text(t) => std::str::from_utf8(t).unwrap_or(""),
        _ => "",
    };
    let mut fix = false;
    for (i, word) in spec.split(' ').enumerate() {
        // A spec longer than the values (only if called by hand) ends the check.
        if i + 1 >= c.len() {
            break;
        }
        let v = c.get_raw(i + 1);
        fix |= match spec_kind(word) {
            Kind::Number(lim) => number_needs_fix(v, lim)?,
            Kind::Date(frac) => date_needs_fix(v, frac, shared)?,
            Kind::Zoned(frac) => zoned_needs_fix(v, frac, shared, false)?,
            Kind::Local(frac) => zoned_needs_fix(v, frac, shared, true)?,
            // Text is converted (bad JSON fails the column's IS JSON check first).
            Kind::Oson => matches!(v, ValueRef::Text(_)),
            Kind::Vector(d, f, fl) => crate::vector::needs_fix(v, d, f, fl & 2 != 0)?,
            Kind::Boolean => super::boolean::needs_fix(v).map_err(ora)?,
            Kind::Rowid => super::oracle::rowid::column_needs_fix(v).map_err(ora)?,
        };
    }
    Ok(Sql::Integer(i64::from(fix)))
}

/// The CREATE TRIGGER statements for a table of `columns` (name, declared type).
pub(crate) fn trigger_sql(schema: &str, table: &str, columns: &[(String, String)]) -> Vec<String> {
    let checked: Vec<(String, Kind, i64, i64)> = columns
        .iter()
        .filter_map(|(n, d)| kind_of(d).map(|(k, p, s)| (quote(n), k, p, s)))
        .collect();
    if checked.is_empty() {
        return Vec::new();
    }
    let spec = checked
        .iter()
        .map(|(_, k, p, s)| match k {
            Kind::Number(_) => format!("N{p},{s}"),
            Kind::Date(Fraction::Date) => "D".into(),
            Kind::Date(Fraction::Timestamp(p)) => format!("T{p}"),
            Kind::Zoned(Fraction::Timestamp(p)) => format!("Z{p}"),
            Kind::Local(Fraction::Timestamp(p)) => format!("L{p}"),
            Kind::Zoned(Fraction::Date) | Kind::Local(Fraction::Date) => "Z9".into(),
            Kind::Oson => "O".into(),
            Kind::Vector(d, f, fl) => format!("V{d},{f},{fl}"),
            Kind::Boolean => "B".into(),
            Kind::Rowid => "R".into(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    let args: String = checked.iter().map(|(c, ..)| format!(",NEW.{c}")).collect();
    let set = checked
        .iter()
        .map(|(c, k, p, s)| match k {
            Kind::Number(_) => format!("{c}=ora_col_num_set({c},{p},{s})"),
            Kind::Date(_) => format!("{c}=ora_col_dt_set({c},{p})"),
            Kind::Zoned(_) => format!("{c}=ora_col_tz_set({c},{p})"),
            Kind::Local(_) => format!("{c}=ora_col_ltz_set({c},{p})"),
            Kind::Oson => format!("{c}=ora_col_oson_set({c})"),
            Kind::Vector(d, f, fl) => format!("{c}=ora_col_vec_set({c},{d},{f},{fl})"),
            Kind::Boolean => format!("{c}=ora_col_bool_set({c})"),
            Kind::Rowid => format!("{c}=NULLIF({c},'')"),
        })
        .collect::<Vec<_>>()
        .join(",");
    let of = checked
        .iter()
        .map(|(c, ..)| c.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let t = quote(table);
    let body = format!(
        "FOR EACH ROW WHEN ora_col_check('{spec}'{args}) \
         BEGIN UPDATE {t} SET {set} WHERE rowid=NEW.rowid; END"
    );
    let name = |k: &str| {
        format!(
            "{}.{}",
            quote(schema),
            quote(&format!("{PREFIX}{k}_{table}"))
        )
    };
    vec![
        format!("CREATE TRIGGER {} AFTER INSERT ON {t} {body}", name("I")),
        format!(
            "CREATE TRIGGER {} AFTER UPDATE OF {of} ON {t} {body}",
            name("U")
        ),
    ]
}

/// Gives every table of a schema file that lacks them its checks: data
/// directories written before the checks existed. `conn` has the file as
/// `main`; run once per process when the file is first opened.
pub(crate) fn install_missing(conn: &Connection) -> rusqlite::Result<()> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master t WHERE type='table' AND NOT EXISTS \
             (SELECT 1 FROM sqlite_master g WHERE g.type='trigger' AND g.tbl_name=t.name \
             AND substr(g.name,1,?1)=?2)",
        )?
        .query_map((PREFIX.len(), PREFIX), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in tables.iter().filter(|t| !is_internal(t)) {
        let columns: Vec<(String, String)> = conn
            .prepare("SELECT name, type FROM pragma_table_info(?1)")?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let sql = trigger_sql("main", table, &columns);
        if !sql.is_empty() {
            conn.execute_batch(&(sql.join(";\n") + ";"))?;
        }
    }
    Ok(())
}

impl Session {
    /// Drops the type-check triggers of `schema.table` and, with `recreate`,
    /// creates them again from its columns as they are now: after CREATE
    /// TABLE and ALTER TABLE ADD; without, before DROP COLUMN (which SQLite
    /// refuses for a column a trigger names).
    pub(crate) fn sync_column_checks(
        &mut self,
        schema: &str,
        table: &str,
        recreate: bool,
    ) -> Result<(), SqlError> {
        let map = |e: rusqlite::Error| errors::map(&e, &[], &self.user);
        let s = quote(schema);
        let (old, columns) = {
            let mut q = self
                .conn
                .prepare(&format!(
                    "SELECT name FROM {s}.sqlite_master WHERE type='trigger' AND tbl_name=?1 \
                     AND substr(name,1,{})=?2",
                    PREFIX.len()
                ))
                .map_err(map)?;
            let old: Vec<String> = q
                .query_map((table, PREFIX), |r| r.get(0))
                .and_then(|r| r.collect())
                .map_err(map)?;
            let mut q = self
                .conn
                .prepare("SELECT name, type FROM pragma_table_info(?1, ?2)")
                .map_err(map)?;
            let columns: Vec<(String, String)> = q
                .query_map((table, schema), |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|r| r.collect())
                .map_err(map)?;
            (old, columns)
        };
        let mut sql: Vec<String> = old
            .iter()
            .map(|n| format!("DROP TRIGGER {s}.{}", quote(n)))
            .collect();
        if recreate {
            sql.extend(trigger_sql(schema, table, &columns));
        }
        if sql.is_empty() {
            return Ok(());
        }
        self.conn
            .execute_batch(&(sql.join(";\n") + ";"))
            .map_err(|e| errors::map(&e, &[], &self.user))
    }
}
