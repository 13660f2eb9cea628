//! SQLite functions with Oracle semantics, registered on every connection.
//! Errors are returned as Oracle message text ("ORA-01476: ..."), which the
//! engine maps back to codes.

use std::sync::Arc;

use oradb_protocol::value::DateTime;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;

use super::num::{self, Num};
use super::oracle::datefmt;
use super::oracle::decimal::OraDecimal;
use super::oracle::interval::{self, Interval};
use super::oracle::OraFnError;
use super::oracle::{rowid, timezone};
use super::SessionShared;

fn ora(msg: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.into().into())
}

type R = rusqlite::Result<Sql>;

fn text(v: ValueRef) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(oracle_number_text(num::f64_text(f))),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(b.iter().map(|x| format!("{x:02X}")).collect()),
    }
}

/// Oracle's TO_CHAR of a number drops the leading zero: 0.5 → ".5".
fn oracle_number_text(s: String) -> String {
    if let Some(r) = s.strip_prefix("0.") {
        format!(".{r}")
    } else if let Some(r) = s.strip_prefix("-0.") {
        format!("-.{r}")
    } else {
        s
    }
}

fn number(v: ValueRef) -> rusqlite::Result<Option<Num>> {
    num::from_ref(v).map_err(ora)
}

/// A DATE/TIMESTAMP stored as text, if `v` is one.
pub fn as_date(v: ValueRef) -> Option<DateTime> {
    match v {
        ValueRef::Text(t) if t.len() >= 10 && t[4] == b'-' && t[7] == b'-' => {
            crate::date_text::parse_local(std::str::from_utf8(t).ok()?)
        }
        _ => None,
    }
}

/// The zone of a TIMESTAMP WITH TIME ZONE's stored text, if `v` is one.
fn zone_of(v: ValueRef) -> Option<i32> {
    match v {
        ValueRef::Text(t) => {
            crate::date_text::parse_stored(std::str::from_utf8(t).ok()?).map(|(_, off)| off)
        }
        _ => None,
    }
}

/// A datetime result keeps its operand's zone: TIMESTAMP WITH TIME ZONE ±
/// an interval or days is one too (its wall-clock time moved, same zone).
fn rezone(r: R, zone: Option<i32>) -> R {
    match (r, zone) {
        (Ok(Sql::Text(t)), Some(off)) => match DateTime::parse_iso(&t) {
            Ok(local) => tz_sql(&local, off),
            Err(_) => Ok(Sql::Text(t)),
        },
        (r, _) => r,
    }
}

/// The stored text of a TIMESTAMP WITH TIME ZONE (`date_text::tz_text`).
fn tz_sql(local: &DateTime, offset: i32) -> R {
    crate::date_text::tz_text(local, offset)
        .map(Sql::Text)
        .ok_or_else(|| ora("ORA-01841: (full) year must be between -4713 and +9999, and not be 0"))
}

/// EXTRACT(field FROM a date or timestamp).
fn extract(field: &str, d: &DateTime) -> Result<Sql, String> {
    Ok(Sql::Integer(match field {
        "YEAR" => i64::from(d.year),
        "MONTH" => i64::from(d.month),
        "DAY" => i64::from(d.day),
        "HOUR" => i64::from(d.hour),
        "MINUTE" => i64::from(d.minute),
        "SECOND" if d.nanos == 0 => i64::from(d.second),
        "SECOND" => return Ok(Sql::Real(f64::from(d.second) + f64::from(d.nanos) / 1e9)),
        _ => return Err("ORA-30076: invalid extract field for extract source".into()),
    }))
}

fn date_sql(d: &DateTime) -> Sql {
    Sql::Text(d.to_string())
}

fn add_days(d: &DateTime, days: f64) -> DateTime {
    let (s, n) = d.to_epoch();
    let total = s as f64 + n as f64 / 1e9 + days * 86400.0;
    let secs = total.floor();
    let nanos = if d.nanos == 0 {
        0
    } else {
        ((total - secs) * 1e9).round() as u32
    };
    DateTime::from_epoch(secs as i64, nanos.min(999_999_999))
}

fn arith(ctx: &Context, op: char) -> R {
    let (a, b) = (ctx.get_raw(0), ctx.get_raw(1));
    if matches!(a, ValueRef::Null) || matches!(b, ValueRef::Null) {
        return Ok(Sql::Null);
    }
    if let Some(da) = as_date(a) {
        if let (Some(iv), '+' | '-') = (interval(b), op) {
            return rezone(add_interval(&da, iv, op == '-'), zone_of(a));
        }
        if let Some(db) = as_date(b).filter(|_| op == '-') {
            let days = (da.to_epoch().0 - db.to_epoch().0) as f64 / 86400.0;
            return Ok(Num::F(days).into_sql());
        }
        let n = number(b)?.map(Num::to_f64).unwrap_or(0.0);
        let r = date_sql(&add_days(&da, if op == '-' { -n } else { n }));
        return rezone(Ok(r), zone_of(a));
    }
    if let (Some(ia), Some(ib), '+' | '-') = (interval(a), interval(b), op) {
        return add_intervals(ia, ib, op == '-');
    }
    match (interval(a), interval(b), op) {
        (Some(iv), None, '*' | '/') => return scale_interval(iv, number(b)?, op == '/'),
        (None, Some(iv), '*') => return scale_interval(iv, number(a)?, false),
        _ => {}
    }
    if let (Some(db), Some(iv), '+') = (as_date(b), interval(a), op) {
        return rezone(add_interval(&db, iv, false), zone_of(b));
    }
    if let (Some(db), '+') = (as_date(b), op) {
        let r = date_sql(&add_days(&db, number(a)?.map(Num::to_f64).unwrap_or(0.0)));
        return rezone(Ok(r), zone_of(b));
    }
    let (Some(x), Some(y)) = (number(a)?, number(b)?) else {
        return Ok(Sql::Null);
    };
    // Integers that stay exact in i128 take the fast path.
    if let (Num::I(xi), Num::I(yi)) = (x, y) {
        let exact = match op {
            '+' => xi.checked_add(yi),
            '-' => xi.checked_sub(yi),
            '*' => xi.checked_mul(yi),
            _ if yi == 0 => return Err(ora("ORA-01476: divisor is equal to zero")),
            _ => (xi % yi == 0).then(|| xi / yi),
        };
        if let Some(v) = exact.filter(|v| v.unsigned_abs() < 10u128.pow(38)) {
            return Ok(Num::I(v).into_sql());
        }
    }
    // Everything else is exact decimal arithmetic, as with Oracle's NUMBER.
    let (Some(dx), Some(dy)) = (decimal(a)?, decimal(b)?) else {
        return Ok(Sql::Null);
    };
    let r = match op {
        '+' => dx.add(&dy),
        '-' => dx.sub(&dy),
        '*' => dx.mul(&dy),
        _ => dx.div(&dy),
    }
    .map_err(|e| ora(e.message))?;
    Ok(num::storage_of_text(&r.to_canonical()))
}

/// An interval stored as its Oracle text (see `oracle::interval`).
fn interval(v: ValueRef) -> Option<Interval> {
    match v {
        ValueRef::Text(t) if t.len() <= 29 => Interval::from_text(std::str::from_utf8(t).ok()?),
        _ => None,
    }
}

/// datetime ± interval. Day-to-second intervals are exact to the
/// nanosecond; year-to-month ones keep the day, which must exist (ORA-01839).
fn add_interval(d: &DateTime, iv: Interval, minus: bool) -> R {
    let out_of_range =
        || ora("ORA-01841: (full) year must be between -4713 and +9999, and not be 0");
    match iv {
        Interval::DaySecond(ns) => {
            let ns = if minus { -ns } else { ns };
            let (s, n) = d.to_epoch();
            let total = i128::from(s) * 1_000_000_000 + i128::from(n) + ns;
            let secs =
                i64::try_from(total.div_euclid(1_000_000_000)).map_err(|_| out_of_range())?;
            let r = DateTime::from_epoch(secs, total.rem_euclid(1_000_000_000) as u32);
            if !(-4712..=9999).contains(&r.year) {
                return Err(out_of_range());
            }
            Ok(date_sql(&r))
        }
        Interval::YearMonth(m) => {
            let m = if minus { -m } else { m };
            let total = i64::from(d.year) * 12 + i64::from(d.month) - 1 + m;
            let year = total.div_euclid(12);
            if !(-4712..=9999).contains(&year) {
                return Err(out_of_range());
            }
            let r = DateTime {
                year: year as _,
                month: (total.rem_euclid(12) + 1) as u8,
                ..*d
            };
            r.validate()
                .map_err(|_| ora("ORA-01839: date not valid for month specified"))?;
            Ok(date_sql(&r))
        }
    }
}

/// interval ± interval of one kind (ORA-30081 for a mix, as Oracle).
fn add_intervals(a: Interval, b: Interval, minus: bool) -> R {
    let sum = match (a, b) {
        (Interval::DaySecond(x), Interval::DaySecond(y)) => {
            Interval::DaySecond(if minus { x - y } else { x + y })
        }
        (Interval::YearMonth(x), Interval::YearMonth(y)) => {
            Interval::YearMonth(if minus { x - y } else { x + y })
        }
        _ => {
            return Err(ora(
                "ORA-30081: invalid data type for datetime/interval arithmetic",
            ))
        }
    };
    if sum.to_value().is_none() {
        return Err(ora(
            "ORA-01873: the leading precision of the interval is too small",
        ));
    }
    Ok(Sql::Text(sum.to_text()))
}

/// interval * number, interval / number. Day-to-second results round to
/// the nanosecond; year-to-month ones keep whole months, as Oracle.
fn scale_interval(iv: Interval, n: Option<Num>, divide: bool) -> R {
    let Some(n) = n.map(Num::to_f64) else {
        return Ok(Sql::Null);
    };
    if divide && n == 0.0 {
        return Err(ora("ORA-01476: divisor is equal to zero"));
    }
    let k = if divide { 1.0 / n } else { n };
    let r = match iv {
        Interval::DaySecond(ns) => Interval::DaySecond((ns as f64 * k).round() as i128),
        Interval::YearMonth(m) => Interval::YearMonth((m as f64 * k).trunc() as i64),
    };
    if !k.is_finite() || r.to_value().is_none() {
        return Err(ora(
            "ORA-01873: the leading precision of the interval is too small",
        ));
    }
    Ok(Sql::Text(r.to_text()))
}

fn interval_sql(r: Result<Interval, OraFnError>) -> R {
    r.map(|i| Sql::Text(i.to_text()))
        .map_err(|e| ora(e.message))
}

/// NUMTODSINTERVAL / NUMTOYMINTERVAL: a number of the named unit.
fn num_to_interval(c: &Context, ym: bool) -> R {
    let (Some(n), Some(unit)) = (number(c.get_raw(0))?, text(c.get_raw(1))) else {
        return Ok(Sql::Null);
    };
    let n = n.to_f64();
    let unit = unit.trim().to_ascii_uppercase();
    let bad = || ora(format!("ORA-01760: illegal argument for function ({unit})"));
    let iv = if ym {
        let months = match unit.as_str() {
            "YEAR" => n * 12.0,
            "MONTH" => n,
            _ => return Err(bad()),
        };
        Interval::YearMonth(months.trunc() as i64)
    } else {
        let secs = match unit.as_str() {
            "DAY" => 86_400.0,
            "HOUR" => 3_600.0,
            "MINUTE" => 60.0,
            "SECOND" => 1.0,
            _ => return Err(bad()),
        };
        let ns = (n * secs * 1e9).round();
        if !ns.is_finite() || ns.abs() > 1e9 * 86_400.0 * 1e9 {
            return Err(ora(
                "ORA-01873: the leading precision of the interval is too small",
            ));
        }
        Interval::DaySecond(ns as i128)
    };
    Ok(Sql::Text(iv.to_text()))
}

/// UNISTR: `\XXXX` (UTF-16 code units, surrogate pairs allowed) and `\\`.
fn unistr(s: &str) -> Result<String, String> {
    let bad = || {
        "ORA-30186: '\\' must be followed by four hexadecimal characters or another '\\'"
            .to_string()
    };
    let mut units: Vec<u16> = Vec::new();
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let flush = |units: &mut Vec<u16>, out: &mut String| -> Result<(), String> {
        if !units.is_empty() {
            out.push_str(&String::from_utf16(units).map_err(|_| bad())?);
            units.clear();
        }
        Ok(())
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut units, &mut out)?;
            out.push(c);
        } else if chars.peek() == Some(&'\\') {
            chars.next();
            flush(&mut units, &mut out)?;
            out.push('\\');
        } else {
            let hex: String = chars.by_ref().take(4).collect();
            if hex.len() != 4 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                return Err(bad());
            }
            units.push(u16::from_str_radix(&hex, 16).map_err(|_| bad())?);
        }
    }
    flush(&mut units, &mut out)?;
    Ok(out)
}

fn hex_to_raw(s: &str) -> Result<Vec<u8>, String> {
    let bad = || "ORA-01465: invalid hex number".to_string();
    let s = if s.len() % 2 == 1 {
        format!("0{s}")
    } else {
        s.to_string()
    };
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(bad)
        })
        .collect()
}

/// TO_BINARY_DOUBLE / TO_BINARY_FLOAT of a number or its text.
fn to_binary(c: &Context, single: bool) -> R {
    let v = c.get_raw(0);
    let f = match v {
        ValueRef::Null => return Ok(Sql::Null),
        ValueRef::Integer(i) => i as f64,
        ValueRef::Real(f) => f,
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            let s = s.trim();
            match s.to_ascii_uppercase().as_str() {
                "INF" | "INFINITY" => f64::INFINITY,
                "-INF" | "-INFINITY" => f64::NEG_INFINITY,
                "NAN" => f64::NAN,
                _ => s
                    .parse::<f64>()
                    .map_err(|_| ora("ORA-01722: invalid number"))?,
            }
        }
        ValueRef::Blob(_) => {
            return Err(ora(
                "ORA-00932: inconsistent datatypes: expected NUMBER got BINARY",
            ))
        }
    };
    Ok(Sql::Real(if single { f as f32 as f64 } else { f }))
}

/// DUMP: the value's Oracle type and bytes, from how it is stored
/// (numbers, datetimes as DATE or TIMESTAMP, RAW, else VARCHAR2).
fn dump(c: &Context) -> R {
    use oradb_protocol::value::{datetime as dt, number as onum};
    let v = c.get_raw(0);
    let fmt = if c.len() > 1 {
        number(c.get_raw(1))?
            .map(|n| n.to_f64() as i64)
            .unwrap_or(10)
    } else {
        10
    };
    let bad_number = |e: onum::NumberError| ora(format!("ORA-01426: numeric overflow ({e:?})"));
    let (typ, bytes) = match v {
        ValueRef::Null => return Ok(Sql::Text("NULL".into())),
        ValueRef::Integer(i) => (2, onum::encode_i64(i)),
        ValueRef::Real(f) => (2, onum::encode_f64(f).map_err(bad_number)?),
        ValueRef::Blob(b) => (23, b.to_vec()),
        ValueRef::Text(_) => match as_date(v) {
            Some(d) if d.nanos == 0 && v.as_bytes().is_ok_and(|t| t.len() <= 19) => {
                (12, dt::encode_date(&d))
            }
            Some(d) => (180, dt::encode_timestamp(&d)),
            None => (1, v.as_bytes().unwrap_or_default().to_vec()),
        },
    };
    datefmt_dump(typ, &bytes, fmt)
}

fn datefmt_dump(typ: u16, bytes: &[u8], fmt: i64) -> R {
    super::oracle::dump::format(typ, bytes, fmt)
        .map(Sql::Text)
        .map_err(|e| ora(e.message))
}

/// The exact decimal value of a stored number.
fn decimal(v: ValueRef) -> rusqlite::Result<Option<OraDecimal>> {
    let d = match v {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(i) => Ok(OraDecimal::from_i64(i)),
        ValueRef::Real(f) => OraDecimal::parse(&num::f64_text(f)),
        ValueRef::Text(t) => OraDecimal::parse(&String::from_utf8_lossy(t)),
        ValueRef::Blob(_) => {
            return Err(ora(
                "ORA-00932: inconsistent datatypes: expected NUMBER got BINARY",
            ))
        }
    }
    .map_err(|e| ora(e.message))?;
    Ok(Some(d))
}

fn concat(ctx: &Context) -> R {
    let mut s = String::new();
    for i in 0..ctx.len() {
        if let Some(t) = text(ctx.get_raw(i)) {
            s.push_str(&t);
        }
    }
    Ok(if s.is_empty() {
        Sql::Null
    } else {
        Sql::Text(s)
    })
}

fn decode(ctx: &Context) -> R {
    let n = ctx.len();
    if n < 3 {
        return Err(ora("ORA-00938: not enough arguments for function"));
    }
    let expr = ctx.get_raw(0);
    let mut i = 1;
    while i + 1 < n {
        let cand = ctx.get_raw(i);
        let same = match (expr, cand) {
            (ValueRef::Null, ValueRef::Null) => true,
            (ValueRef::Null, _) | (_, ValueRef::Null) => false,
            (a, b) => match (num::from_ref(a), num::from_ref(b)) {
                (Ok(Some(x)), Ok(Some(y))) => x.to_f64() == y.to_f64(),
                _ => text(a) == text(b),
            },
        };
        if same {
            return Ok(ctx.get_raw(i + 1).into());
        }
        i += 2;
    }
    Ok(if i < n {
        ctx.get_raw(i).into()
    } else {
        Sql::Null
    })
}

fn to_char(ctx: &Context, shared: &SessionShared) -> R {
    let v = ctx.get_raw(0);
    let fmt = if ctx.len() > 1 {
        text(ctx.get_raw(1))
    } else {
        None
    };
    if matches!(v, ValueRef::Null) {
        return Ok(Sql::Null);
    }
    if let Some(d) = as_date(v) {
        if let Some(zone) = zone_of(v) {
            // NLS_TIMESTAMP_TZ_FORMAT's default: the timestamp's, then TZR.
            let f = fmt.unwrap_or_else(|| shared.timestamp_format() + " TZR");
            return datefmt::to_char_zoned(&d, &f, zone)
                .map(Sql::Text)
                .map_err(|e| ora(e.message));
        }
        // Storage does not say DATE or TIMESTAMP; text with fractions is a timestamp.
        let f = fmt.unwrap_or_else(|| match v {
            ValueRef::Text(t) if t.len() > 19 => shared.timestamp_format(),
            _ => shared.date_format(),
        });
        return datefmt::to_char_date(&d, &f, true)
            .map(Sql::Text)
            .map_err(|e| ora(e.message));
    }
    if let Some(iv) = interval(v) {
        return Ok(Sql::Text(interval::display(iv)));
    }
    match (v, fmt) {
        (ValueRef::Integer(_) | ValueRef::Real(_), Some(f)) => {
            let n = number(v)?.map(Num::to_f64).unwrap_or(0.0);
            Ok(Sql::Text(format_number(n, &f)))
        }
        (ValueRef::Integer(_) | ValueRef::Real(_), None) => {
            Ok(text(v).map(Sql::Text).unwrap_or(Sql::Null))
        }
        _ => Ok(v.into()),
    }
}

/// A subset of number format models: 9 0 . , D G S MI FM and $.
fn format_number(n: f64, fmt: &str) -> String {
    let up = fmt.to_ascii_uppercase();
    let fm = up.contains("FM");
    let body: String = up
        .chars()
        .filter(|c| matches!(c, '9' | '0' | '.' | ',' | 'D' | 'G'))
        .collect();
    let (int_part, frac_part) = body.split_once(['.', 'D']).unwrap_or((&body, ""));
    let decimals = frac_part.len();
    let digits_allowed = int_part.chars().filter(|c| *c == '9' || *c == '0').count();
    let abs = format!("{:.*}", decimals, n.abs());
    let (ip, fp) = abs.split_once('.').unwrap_or((&abs, ""));
    if ip.trim_start_matches('0').len() > digits_allowed {
        return "#".repeat(fmt.len() + 1);
    }
    let mut int_digits: Vec<char> = ip.chars().collect();
    if ip == "0" && !int_part.contains('0') && decimals > 0 {
        int_digits.clear();
    }
    let mut out = String::new();
    let mut di = int_digits.len() as i64 - 1;
    for c in int_part.chars().rev() {
        match c {
            ',' | 'G' => {
                if di >= 0 {
                    out.insert(0, ',');
                }
            }
            '0' => {
                out.insert(
                    0,
                    if di >= 0 {
                        int_digits[di as usize]
                    } else {
                        '0'
                    },
                );
                di -= 1;
            }
            _ => {
                if di >= 0 {
                    out.insert(0, int_digits[di as usize]);
                } else if !fm {
                    out.insert(0, ' ');
                }
                di -= 1;
            }
        }
    }
    if decimals > 0 {
        out.push('.');
        out.push_str(fp);
    }
    let sign = if n < 0.0 {
        "-"
    } else if fm {
        ""
    } else {
        " "
    };
    let trimmed = out.trim_start().to_string();
    let pad = out.len() - trimmed.len();
    format!("{}{sign}{trimmed}", " ".repeat(if fm { 0 } else { pad }))
}

fn to_date(ctx: &Context, shared: &SessionShared) -> R {
    let v = ctx.get_raw(0);
    if let Some(d) = as_date(v) {
        return Ok(date_sql(&d));
    }
    let Some(s) = text(v) else {
        return Ok(Sql::Null);
    };
    let fmt = if ctx.len() > 1 {
        text(ctx.get_raw(1))
    } else {
        None
    };
    let d = match fmt {
        Some(f) if f == "YYYY-MM-DD HH24:MI:SS.FF" => DateTime::parse_iso(&s)
            .map_err(|_| "ORA-01861: literal does not match format string".to_string()),
        Some(f) => datefmt::to_date_at(&s, &f, &shared.now()).map_err(|e| e.message),
        None => datefmt::to_date_at(&s, &shared.date_format(), &shared.now())
            .map_err(|e| e.message)
            .or_else(|e| DateTime::parse_iso(&s).map_err(|_| e)),
    }
    .map_err(ora)?;
    Ok(date_sql(&d))
}

/// TO_TIMESTAMP_TZ and zoned TIMESTAMP literals: parsed without the zone,
/// then normalised to UTC (see `oracle::timezone`).
fn to_timestamp_tz(ctx: &Context, shared: &SessionShared) -> R {
    let Some(s) = text(ctx.get_raw(0)) else {
        return Ok(Sql::Null);
    };
    let fmt = if ctx.len() > 1 {
        text(ctx.get_raw(1))
    } else {
        None
    };
    // TZH takes an unsigned hour too ('… 00:00' with TZH:TZM): east of UTC.
    let s = match (&fmt, s.rsplit_once(' ')) {
        (Some(f), Some((rest, z)))
            if f.to_ascii_uppercase().contains("TZH")
                && z.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            format!("{rest} +{z}")
        }
        _ => s,
    };
    let (local, zone) = timezone::split_zone(&s).unwrap_or((&s, timezone::Zone::Offset(0)));
    let d = match &fmt {
        Some(f) => datefmt::to_date_at(local, timezone::strip_zone_elements(f), &shared.now())
            .map_err(|e| e.message),
        None => DateTime::parse_iso(local)
            .map_err(|_| "ORA-01861: literal does not match format string".to_string()),
    }
    .map_err(ora)?;
    let offset = zone.offset_at(&d).ok_or_else(|| {
        ora("ORA-01841: (full) year must be between -4713 and +9999, and not be 0")
    })?;
    timezone::to_utc(&d, offset).map_err(|e| ora(e.message))?;
    tz_sql(&d, offset)
}

fn to_number(ctx: &Context) -> R {
    let v = ctx.get_raw(0);
    let Some(s) = text(v) else {
        return Ok(Sql::Null);
    };
    let cleaned: String = if ctx.len() > 1 {
        s.chars()
            .filter(|c| !matches!(c, ',' | '$' | ' '))
            .collect()
    } else {
        s.trim().to_string()
    };
    let n = num::parse(&cleaned).ok_or_else(|| ora("ORA-01722: invalid number"))?;
    Ok(match n {
        Num::I(_) => n.into_sql(),
        Num::F(_) => num::storage_of_text(&cleaned),
    })
}

fn substr(ctx: &Context) -> R {
    let Some(s) = text(ctx.get_raw(0)) else {
        return Ok(Sql::Null);
    };
    let chars: Vec<char> = s.chars().collect();
    let pos = number(ctx.get_raw(1))?
        .map(|n| n.to_f64() as i64)
        .unwrap_or(1);
    let start = if pos > 0 {
        pos - 1
    } else if pos == 0 {
        0
    } else {
        chars.len() as i64 + pos
    };
    if start < 0 || start as usize >= chars.len() {
        return Ok(Sql::Null);
    }
    let len = if ctx.len() > 2 {
        number(ctx.get_raw(2))?
            .map(|n| n.to_f64() as i64)
            .unwrap_or(0)
    } else {
        i64::MAX
    };
    if len < 1 {
        return Ok(Sql::Null);
    }
    let out: String = chars[start as usize..]
        .iter()
        .take(len.min(chars.len() as i64) as usize)
        .collect();
    Ok(Sql::Text(out))
}

fn pad(ctx: &Context, left: bool) -> R {
    let Some(s) = text(ctx.get_raw(0)) else {
        return Ok(Sql::Null);
    };
    let n = number(ctx.get_raw(1))?
        .map(|n| n.to_f64() as usize)
        .unwrap_or(0);
    let p = if ctx.len() > 2 {
        text(ctx.get_raw(2)).unwrap_or_default()
    } else {
        " ".into()
    };
    let chars: Vec<char> = s.chars().collect();
    if chars.len() >= n || p.is_empty() {
        return Ok(Sql::Text(chars[..n.min(chars.len())].iter().collect()));
    }
    let fill: String = p.chars().cycle().take(n - chars.len()).collect();
    Ok(Sql::Text(if left { fill + &s } else { s + &fill }))
}

fn round_trunc(ctx: &Context, round: bool) -> R {
    let v = ctx.get_raw(0);
    if let Some(d) = as_date(v) {
        let fmt = if ctx.len() > 1 {
            text(ctx.get_raw(1))
                .unwrap_or_default()
                .to_ascii_uppercase()
        } else {
            "DD".into()
        };
        let mut t = DateTime { nanos: 0, ..d };
        match fmt.as_str() {
            "YYYY" | "YEAR" | "YY" => {
                t = DateTime {
                    month: 1,
                    day: 1,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    ..t
                }
            }
            "MM" | "MONTH" | "MON" => {
                t = DateTime {
                    day: 1,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    ..t
                }
            }
            "HH" | "HH24" => {
                t = DateTime {
                    minute: 0,
                    second: 0,
                    ..t
                }
            }
            "MI" => t = DateTime { second: 0, ..t },
            _ => {
                t = DateTime {
                    hour: 0,
                    minute: 0,
                    second: 0,
                    ..t
                }
            }
        }
        return Ok(date_sql(&t));
    }
    let Some(n) = number(v)? else {
        return Ok(Sql::Null);
    };
    let places = if ctx.len() > 1 {
        number(ctx.get_raw(1))?
            .map(|p| p.to_f64() as i32)
            .unwrap_or(0)
    } else {
        0
    };
    if let (Num::I(_), true) = (n, places >= 0) {
        return Ok(n.into_sql());
    }
    let f = n.to_f64();
    let scale = 10f64.powi(places);
    let x = f * scale;
    let r = if round {
        x.abs().round().copysign(x)
    } else {
        x.trunc()
    } / scale;
    Ok(num::storage_of_text(&num::f64_text(r)))
}

fn unary_num(ctx: &Context, f: fn(f64) -> f64) -> R {
    match number(ctx.get_raw(0))? {
        None => Ok(Sql::Null),
        Some(Num::I(i)) if f(1.5) != 1.5 && f(2.0) == 2.0 && (f(1.5) == 1.0 || f(1.5) == 2.0) => {
            Ok(Num::I(i).into_sql())
        }
        Some(n) => Ok(Num::F(f(n.to_f64())).into_sql()),
    }
}

fn add_months(ctx: &Context) -> R {
    let Some(d) = as_date(ctx.get_raw(0)) else {
        return Ok(Sql::Null);
    };
    let n = number(ctx.get_raw(1))?
        .map(|n| n.to_f64() as i32)
        .unwrap_or(0);
    let total = d.year * 12 + d.month as i32 - 1 + n;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) as u8 + 1);
    let mut day = d.day;
    while (DateTime {
        year,
        month,
        day,
        ..d
    })
    .validate()
    .is_err()
        && day > 28
    {
        day -= 1;
    }
    Ok(date_sql(&DateTime {
        year,
        month,
        day,
        ..d
    }))
}

pub fn register(conn: &Connection, shared: Arc<SessionShared>) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let vol = FunctionFlags::SQLITE_UTF8;
    super::json_fns::register(conn)?;
    super::bfile::register(conn)?;
    super::json_ctor::register(conn)?;
    for (name, op) in [
        ("ora_add", '+'),
        ("ora_sub", '-'),
        ("ora_mul", '*'),
        ("ora_div", '/'),
    ] {
        conn.create_scalar_function(name, 2, det, move |c| arith(c, op))?;
    }
    conn.create_scalar_function("ora_neg", 1, det, |c| {
        // An interval's text would read as its leading digits: negate it whole.
        if let Some(iv) = interval(c.get_raw(0)) {
            let neg = match iv {
                Interval::DaySecond(ns) => Interval::DaySecond(-ns),
                Interval::YearMonth(m) => Interval::YearMonth(-m),
            };
            return Ok(Sql::Text(neg.to_text()));
        }
        match number(c.get_raw(0))? {
            None => Ok(Sql::Null),
            Some(n) => Ok(num::sub(Num::I(0), n).into_sql()),
        }
    })?;
    conn.create_scalar_function("ora_concat", -1, det, concat)?;
    conn.create_scalar_function("ora_nvl", 2, det, |c| {
        Ok::<Sql, rusqlite::Error>(if matches!(c.get_raw(0), ValueRef::Null) {
            c.get_raw(1).into()
        } else {
            c.get_raw(0).into()
        })
    })?;
    conn.create_scalar_function("ora_nvl2", 3, det, |c| {
        Ok::<Sql, rusqlite::Error>(if matches!(c.get_raw(0), ValueRef::Null) {
            c.get_raw(2).into()
        } else {
            c.get_raw(1).into()
        })
    })?;
    conn.create_scalar_function("ora_decode", -1, det, decode)?;
    let s = shared.clone();
    conn.create_scalar_function("ora_to_char", -1, det, move |c| to_char(c, &s))?;
    let s = shared.clone();
    conn.create_scalar_function("ora_to_date", -1, det, move |c| to_date(c, &s))?;
    let s = shared.clone();
    conn.create_scalar_function("ora_to_timestamp", -1, det, move |c| to_date(c, &s))?;
    let s = shared.clone();
    conn.create_scalar_function("ora_to_timestamp_tz", -1, det, move |c| {
        to_timestamp_tz(c, &s)
    })?;
    conn.create_scalar_function("ora_to_number", -1, det, to_number)?;
    conn.create_scalar_function("ora_substr", -1, det, substr)?;
    conn.create_scalar_function("ora_instr", -1, det, |c| {
        let (Some(s), Some(sub)) = (text(c.get_raw(0)), text(c.get_raw(1))) else {
            return Ok(Sql::Null);
        };
        Ok(Sql::Integer(
            s.find(&sub)
                .map(|b| s[..b].chars().count() as i64 + 1)
                .unwrap_or(0),
        ))
    })?;
    // DBMS_LOB.GETLENGTH: characters of a CLOB, bytes of a BLOB.
    conn.create_scalar_function("ora_lob_length", 1, det, |c| {
        Ok(match c.get_raw(0) {
            ValueRef::Blob(b) => Sql::Integer(b.len() as i64),
            v => text(v)
                .map(|s| Sql::Integer(s.chars().count() as i64))
                .unwrap_or(Sql::Null),
        })
    })?;
    conn.create_scalar_function("ora_length", 1, det, |c| {
        Ok(text(c.get_raw(0))
            .map(|s| Sql::Integer(s.chars().count() as i64))
            .unwrap_or(Sql::Null))
    })?;
    conn.create_scalar_function("ora_ascii", 1, det, |c| {
        Ok(text(c.get_raw(0))
            .and_then(|s| super::oracle::charcode::ascii(&s))
            .map_or(Sql::Null, Sql::Integer))
    })?;
    conn.create_scalar_function("ora_chr", 1, det, |c| match number(c.get_raw(0))? {
        None => Ok(Sql::Null),
        Some(n) => super::oracle::charcode::chr(n.to_f64().trunc() as i64)
            .map(Sql::Text)
            .map_err(ora),
    })?;
    conn.create_scalar_function("ora_extract", 2, det, |c| {
        let field = text(c.get_raw(0)).unwrap_or_default();
        match c.get_raw(1) {
            ValueRef::Null => Ok(Sql::Null),
            v => match as_date(v) {
                Some(d) => extract(&field, &d).map_err(ora),
                None => Err(ora("ORA-30076: invalid extract field for extract source")),
            },
        }
    })?;
    conn.create_scalar_function("ora_lpad", -1, det, |c| pad(c, true))?;
    conn.create_scalar_function("ora_rpad", -1, det, |c| pad(c, false))?;
    conn.create_scalar_function("ora_mod", 2, det, |c| {
        let (Some(a), Some(b)) = (number(c.get_raw(0))?, number(c.get_raw(1))?) else {
            return Ok(Sql::Null);
        };
        Ok(match (a, b) {
            (_, b) if b.is_zero() => a.into_sql(),
            (Num::I(x), Num::I(y)) => Num::I(x % y).into_sql(),
            _ => Num::F(a.to_f64() % b.to_f64()).into_sql(),
        })
    })?;
    conn.create_scalar_function("ora_round", -1, det, |c| round_trunc(c, true))?;
    conn.create_scalar_function("ora_trunc", -1, det, |c| round_trunc(c, false))?;
    conn.create_scalar_function("ora_floor", 1, det, |c| unary_num(c, f64::floor))?;
    conn.create_scalar_function("ora_ceil", 1, det, |c| unary_num(c, f64::ceil))?;
    conn.create_scalar_function("ora_sqrt", 1, det, |c| unary_num(c, f64::sqrt))?;
    conn.create_scalar_function("ora_sign", 1, det, |c| {
        Ok(number(c.get_raw(0))?
            .map(|n| Sql::Integer(n.to_f64().signum() as i64 * i64::from(!n.is_zero())))
            .unwrap_or(Sql::Null))
    })?;
    conn.create_scalar_function("ora_power", 2, det, |c| {
        let (Some(a), Some(b)) = (number(c.get_raw(0))?, number(c.get_raw(1))?) else {
            return Ok(Sql::Null);
        };
        Ok(match (a, b) {
            (Num::I(x), Num::I(y)) if (0..=64).contains(&y) => x
                .checked_pow(y as u32)
                .map(Num::I)
                .unwrap_or(Num::F((x as f64).powi(y as i32)))
                .into_sql(),
            _ => Num::F(a.to_f64().powf(b.to_f64())).into_sql(),
        })
    })?;
    conn.create_scalar_function("ora_add_months", 2, det, add_months)?;
    conn.create_scalar_function("ora_last_day", 1, det, |c| {
        let Some(d) = as_date(c.get_raw(0)) else {
            return Ok(Sql::Null);
        };
        let mut day = 31;
        while (DateTime { day, ..d }).validate().is_err() {
            day -= 1;
        }
        Ok(date_sql(&DateTime { day, ..d }))
    })?;
    let s = shared.clone();
    conn.create_scalar_function("ora_sysdate", 0, vol, move |_| {
        Ok(date_sql(&DateTime {
            nanos: 0,
            ..s.now()
        }))
    })?;
    let s = shared.clone();
    // SYSTIMESTAMP is in the database's zone (UTC), CURRENT_TIMESTAMP in
    // the session's; LOCALTIMESTAMP is the session's wall-clock time.
    conn.create_scalar_function("ora_systimestamp", 0, vol, move |_| tz_sql(&s.now(), 0))?;
    let s = shared.clone();
    conn.create_scalar_function("ora_current_timestamp", 0, vol, move |_| {
        let (now, off) = (s.now(), s.tz_offset());
        tz_sql(&crate::date_text::shift(&now, off).unwrap_or(now), off)
    })?;
    let s = shared.clone();
    conn.create_scalar_function("ora_localtimestamp", 0, vol, move |_| {
        let now = s.now();
        Ok(date_sql(
            &crate::date_text::shift(&now, s.tz_offset()).unwrap_or(now),
        ))
    })?;
    let s = shared.clone();
    conn.create_scalar_function("ora_nextval", 1, vol, move |c| {
        let name = text(c.get_raw(0)).unwrap_or_default();
        s.nextval(&name).map(|v| Num::I(v).into_sql()).map_err(ora)
    })?;
    let s = shared.clone();
    conn.create_scalar_function("ora_currval", 1, vol, move |c| {
        let name = text(c.get_raw(0)).unwrap_or_default();
        s.currval(&name).map(|v| Num::I(v).into_sql()).map_err(ora)
    })?;
    conn.create_scalar_function("ora_sys_guid", 0, vol, |_| {
        Ok(Sql::Blob((0..16).map(|_| rand::random::<u8>()).collect()))
    })?;
    conn.create_scalar_function("ora_level_guard", 2, det, |c| {
        let (Some(n), Some(max)) = (number(c.get_raw(0))?, number(c.get_raw(1))?) else {
            return Ok(Sql::Null);
        };
        if n.to_f64() > max.to_f64() {
            return Err(ora("ORA-01436: CONNECT BY loop in user data"));
        }
        Ok(n.into_sql())
    })?;
    conn.create_scalar_function("ora_to_dsinterval", 1, det, |c| match text(c.get_raw(0)) {
        None => Ok(Sql::Null),
        Some(t) => interval_sql(interval::parse_ds(&t).map(Interval::DaySecond)),
    })?;
    conn.create_scalar_function("ora_to_yminterval", 1, det, |c| match text(c.get_raw(0)) {
        None => Ok(Sql::Null),
        Some(t) => interval_sql(interval::parse_ym(&t).map(Interval::YearMonth)),
    })?;
    conn.create_scalar_function("ora_interval", 2, det, |c| {
        match (text(c.get_raw(0)), text(c.get_raw(1))) {
            (Some(t), Some(q)) => interval_sql(interval::literal(&t, &q)),
            _ => Ok(Sql::Null),
        }
    })?;
    conn.create_scalar_function("ora_numtodsinterval", 2, det, |c| num_to_interval(c, false))?;
    conn.create_scalar_function("ora_numtoyminterval", 2, det, |c| num_to_interval(c, true))?;
    conn.create_scalar_function("ora_to_clob", 1, det, |c| match c.get_raw(0) {
        ValueRef::Blob(_) => Err(ora(
            "ORA-00932: inconsistent datatypes: expected CHAR got BINARY",
        )),
        v => Ok(text(v).map(Sql::Text).unwrap_or(Sql::Null)),
    })?;
    conn.create_scalar_function("ora_to_binary_double", 1, det, |c| to_binary(c, false))?;
    conn.create_scalar_function("ora_to_binary_float", 1, det, |c| to_binary(c, true))?;
    conn.create_scalar_function("ora_unistr", 1, det, |c| match text(c.get_raw(0)) {
        None => Ok(Sql::Null),
        Some(t) => unistr(&t).map(Sql::Text).map_err(ora),
    })?;
    conn.create_scalar_function("ora_cast_to_raw", 1, det, |c| {
        Ok(match text(c.get_raw(0)) {
            Some(t) if !t.is_empty() => Sql::Blob(t.into_bytes()),
            _ => Sql::Null,
        })
    })?;
    conn.create_scalar_function("ora_rawtohex", 1, det, |c| {
        Ok(match c.get_raw(0) {
            ValueRef::Null => Sql::Null,
            ValueRef::Blob(b) => Sql::Text(b.iter().map(|x| format!("{x:02X}")).collect()),
            // A character argument is converted to RAW first, i.e. read as hex.
            v => {
                let t = text(v).unwrap_or_default();
                hex_to_raw(&t).map_err(ora)?;
                Sql::Text(t.to_ascii_uppercase())
            }
        })
    })?;
    // TO_BLOB of RAW; a character argument is read as RAW, i.e. as hex.
    conn.create_scalar_function("ora_to_blob", 1, det, |c| {
        Ok(match c.get_raw(0) {
            ValueRef::Null => Sql::Null,
            ValueRef::Blob(b) => Sql::Blob(b.to_vec()),
            v => match text(v) {
                Some(t) if !t.is_empty() => Sql::Blob(hex_to_raw(&t).map_err(ora)?),
                _ => Sql::Null,
            },
        })
    })?;
    conn.create_scalar_function("ora_hextoraw", 1, det, |c| {
        Ok(match c.get_raw(0) {
            ValueRef::Null => Sql::Null,
            ValueRef::Blob(b) => Sql::Blob(b.to_vec()),
            v => match text(v) {
                Some(t) if !t.is_empty() => Sql::Blob(hex_to_raw(&t).map_err(ora)?),
                _ => Sql::Null,
            },
        })
    })?;
    conn.create_scalar_function("ora_dump", -1, det, dump)?;
    conn.create_scalar_function("ora_rowid", 1, det, |c| {
        Ok(match c.get_raw(0) {
            ValueRef::Integer(n) => Sql::Text(rowid::to_text(n)),
            _ => Sql::Null,
        })
    })?;
    // NUMBER's range: magnitudes of 1e126 and above (and infinities) are
    // ORA-01426; tiny ones are fine (they read back as 0, as Oracle stores).
    conn.create_scalar_function("ora_number_fits", 1, det, |c| match c.get_raw(0) {
        ValueRef::Real(f) if f.abs() >= 1e126 => Err(ora("ORA-01426: numeric overflow")),
        _ => Ok(Sql::Integer(1)),
    })?;
    conn.create_scalar_function("ora_check_len", 4, det, |c| {
        let blob = matches!(c.get_raw(0), ValueRef::Blob(_));
        check_len(c, |s| if blob { s.len() / 2 } else { s.len() })
    })?;
    // NVARCHAR2/NCHAR lengths count AL16UTF16 characters, as Oracle's do.
    conn.create_scalar_function("ora_check_nlen", 4, det, |c| {
        check_len(c, |s| s.encode_utf16().count())
    })?;
    Ok(())
}

/// ORA-12899 when the value (argument 0), measured by `measure`, is longer
/// than the column's maximum (argument 1); arguments 2 and 3 name the
/// table and column for the message.
fn check_len(c: &Context<'_>, measure: impl Fn(&str) -> usize) -> rusqlite::Result<Sql> {
    let Some(s) = text(c.get_raw(0)) else {
        return Ok(Sql::Integer(1));
    };
    let max = number(c.get_raw(1))?
        .map(|n| n.to_f64() as usize)
        .unwrap_or(usize::MAX);
    let actual = measure(&s);
    if actual > max {
        let col = text(c.get_raw(3)).unwrap_or_default();
        let table = text(c.get_raw(2)).unwrap_or_default();
        return Err(ora(format!("ORA-12899: value too large for column {table}.\"{col}\" (actual: {actual}, maximum: {max})")));
    }
    Ok(Sql::Integer(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(format_number(1234.5, "9,999.99"), " 1,234.50");
        assert_eq!(format_number(-5.0, "999"), "  -5");
        assert_eq!(format_number(5.0, "FM999"), "5");
        assert_eq!(format_number(12345.0, "999"), "####");
        assert_eq!(oracle_number_text("0.5".into()), ".5");
    }
}
