//! INTERVAL DAY TO SECOND and YEAR TO MONTH values: parsing Oracle's
//! literal and TO_DSINTERVAL/TO_YMINTERVAL text, and the text the engine
//! keeps them as (Oracle's own display form, full precision), so that
//! datetime ± interval can recognise them.

use oradb_protocol::value::{IntervalDS, IntervalYM, Value};

use super::OraFnError;

const NS_PER_SEC: i128 = 1_000_000_000;
const NS_PER_DAY: i128 = 86_400 * NS_PER_SEC;

/// A stored interval: days-to-seconds in nanoseconds, or months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    DaySecond(i128),
    YearMonth(i64),
}

fn bad() -> OraFnError {
    OraFnError::new(1867, "the interval is invalid")
}

fn digits(s: &str) -> Result<i128, OraFnError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 18 {
        return Err(bad());
    }
    s.parse().map_err(|_| bad())
}

/// Seconds with an optional fraction ("2", "2.5", ".25") in nanoseconds.
fn seconds(s: &str) -> Result<i128, OraFnError> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let whole = if whole.is_empty() { 0 } else { digits(whole)? };
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let frac_ns = if frac.is_empty() {
        0
    } else {
        digits(frac)? * 10i128.pow(9 - frac.len() as u32)
    };
    Ok(whole * NS_PER_SEC + frac_ns)
}

fn sign(s: &str) -> (i128, &str) {
    let s = s.trim();
    match s.as_bytes().first() {
        Some(b'-') => (-1, s[1..].trim_start()),
        Some(b'+') => (1, s[1..].trim_start()),
        _ => (1, s),
    }
}

/// TO_DSINTERVAL text: `[+-]D HH:MI:SS[.F]` (SQL format) or ISO 8601
/// `[-]P[nD][T[nH][nM][n[.f]S]]`.
pub fn parse_ds(text: &str) -> Result<i128, OraFnError> {
    let (sg, s) = sign(text);
    if let Some(iso) = s.strip_prefix(['P', 'p']) {
        return Ok(sg * parse_iso_ds(iso)?);
    }
    let (days, time) = s.split_once(' ').ok_or_else(bad)?;
    let days = digits(days)?;
    let parts: Vec<&str> = time.trim().split(':').collect();
    let [h, m, sec] = parts[..] else {
        return Err(bad());
    };
    let (h, m) = (digits(h)?, digits(m)?);
    let sec = seconds(sec)?;
    if h > 23 || m > 59 || sec >= 60 * NS_PER_SEC {
        return Err(bad());
    }
    Ok(sg * (days * NS_PER_DAY + (h * 3600 + m * 60) * NS_PER_SEC + sec))
}

fn parse_iso_ds(s: &str) -> Result<i128, OraFnError> {
    let (date, time) = s.split_once(['T', 't']).unwrap_or((s, ""));
    let mut total = 0;
    if !date.is_empty() {
        let d = date.strip_suffix(['D', 'd']).ok_or_else(bad)?;
        total += digits(d)? * NS_PER_DAY;
    }
    let mut rest = time;
    for (unit, ns) in [('H', 3600 * NS_PER_SEC), ('M', 60 * NS_PER_SEC)] {
        if let Some((n, r)) = rest.split_once([unit, unit.to_ascii_lowercase()]) {
            total += digits(n)? * ns;
            rest = r;
        }
    }
    if !rest.is_empty() {
        total += seconds(rest.strip_suffix(['S', 's']).ok_or_else(bad)?)?;
    }
    if date.is_empty() && time.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

/// TO_YMINTERVAL text: `[+-]Y-M` or ISO `[-]P[nY][nM]`.
pub fn parse_ym(text: &str) -> Result<i64, OraFnError> {
    let (sg, s) = sign(text);
    let months = if let Some(iso) = s.strip_prefix(['P', 'p']) {
        let (y, rest) = match iso.split_once(['Y', 'y']) {
            Some((y, r)) => (digits(y)?, r),
            None => (0, iso),
        };
        let m = match rest.strip_suffix(['M', 'm']) {
            Some(m) => digits(m)?,
            None if rest.is_empty() => 0,
            None => return Err(bad()),
        };
        y * 12 + m
    } else {
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let m = digits(m.trim())?;
        if m > 11 {
            return Err(bad());
        }
        digits(y.trim())? * 12 + m
    };
    i64::try_from(sg * months).map_err(|_| bad())
}

/// An INTERVAL literal: its text and qualifier (`DAY TO SECOND`, `HOUR`,
/// `YEAR TO MONTH`, ...; precisions already removed).
pub fn literal(text: &str, qualifier: &str) -> Result<Interval, OraFnError> {
    let q: Vec<String> = qualifier
        .split_whitespace()
        .map(str::to_ascii_uppercase)
        .collect();
    let q: Vec<&str> = q.iter().map(String::as_str).collect();
    let single = |unit: i128| -> Result<Interval, OraFnError> {
        let (sg, s) = sign(text);
        Ok(Interval::DaySecond(sg * digits(s)? * unit))
    };
    match q.as_slice() {
        ["YEAR", "TO", "MONTH"] => parse_ym(text).map(Interval::YearMonth),
        ["YEAR"] => {
            let (sg, s) = sign(text);
            Ok(Interval::YearMonth((sg * digits(s)? * 12) as i64))
        }
        ["MONTH"] => {
            let (sg, s) = sign(text);
            Ok(Interval::YearMonth((sg * digits(s)?) as i64))
        }
        ["DAY", "TO", "SECOND"] => parse_ds(text).map(Interval::DaySecond),
        ["DAY"] => single(NS_PER_DAY),
        ["HOUR"] => single(3600 * NS_PER_SEC),
        ["MINUTE"] => single(60 * NS_PER_SEC),
        ["SECOND"] => {
            let (sg, s) = sign(text);
            Ok(Interval::DaySecond(sg * seconds(s)?))
        }
        [first, "TO", last] => {
            // DAY TO HOUR/MINUTE, HOUR TO MINUTE/SECOND, MINUTE TO SECOND:
            // fill the missing fields and read it as DAY TO SECOND.
            let (sg, s) = sign(text);
            let (days, time) = match *first {
                "DAY" => s.split_once(' ').ok_or_else(bad)?,
                _ => ("0", s),
            };
            let mut fields: Vec<&str> = time.split(':').collect();
            let order = ["HOUR", "MINUTE", "SECOND"];
            let from = order.iter().position(|u| u == first).unwrap_or(0);
            let to = order.iter().position(|u| u == last).ok_or_else(bad)?;
            // `SECOND TO HOUR` (to before from) is no interval.
            if to < from || fields.len() != to + 1 - from {
                return Err(bad());
            }
            let mut full = vec!["0"; from];
            full.append(&mut fields);
            full.resize(3, "0");
            let sql = format!("{days} {}:{}:{}", full[0], full[1], full[2]);
            Ok(Interval::DaySecond(sg * parse_ds(&sql)?))
        }
        _ => Err(OraFnError::new(
            905,
            &format!("missing keyword (INTERVAL ... {qualifier})"),
        )),
    }
}

impl Interval {
    /// Oracle's display form at full precision: `+000000001 02:03:04.500000000`,
    /// `-000000001-02`. This is how the engine stores intervals.
    pub fn to_text(self) -> String {
        match self {
            Interval::DaySecond(ns) => {
                let (sg, d, s, f) = day_parts(ns);
                format!(
                    "{sg}{d:09} {:02}:{:02}:{:02}.{f:09}",
                    s / 3600,
                    s / 60 % 60,
                    s % 60
                )
            }
            Interval::YearMonth(m) => {
                let sg = if m < 0 { '-' } else { '+' };
                let a = m.unsigned_abs();
                format!("{sg}{:09}-{:02}", a / 12, a % 12)
            }
        }
    }

    /// Reads back [`Interval::to_text`]; None for any other text.
    pub fn from_text(s: &str) -> Option<Interval> {
        let b = s.as_bytes();
        if b.len() < 13 || !matches!(b[0], b'+' | b'-') || !b[1..10].iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        match (b.len(), b[10]) {
            (13, b'-') => parse_ym(s).ok().map(Interval::YearMonth),
            (29, b' ') => parse_ds(s).ok().map(Interval::DaySecond),
            _ => None,
        }
    }
}

impl Interval {
    /// The protocol value of a stored interval; None past Oracle's range.
    pub fn to_value(self) -> Option<Value> {
        match self {
            Interval::DaySecond(ns) => IntervalDS::from_nanos(ns).ok().map(Value::IntervalDS),
            Interval::YearMonth(m) => IntervalYM::from_months(m).ok().map(Value::IntervalYM),
        }
    }

    /// A protocol interval as the engine keeps it; None for other values.
    pub fn of_value(v: &Value) -> Option<Interval> {
        match v {
            Value::IntervalDS(i) => Some(Interval::DaySecond(i.total_nanos())),
            Value::IntervalYM(i) => Some(Interval::YearMonth(i.total_months())),
            _ => None,
        }
    }
}

/// The ORA_INTERVAL collation of interval columns: their text compares by
/// the interval's value (the stored `+000000001 …` form, or another text
/// Oracle reads as an interval), so ORDER BY, MIN/MAX and `<` see negative
/// intervals before positive ones. Texts that are no interval compare as
/// bytes, after those that are.
pub fn collate(a: &str, b: &str) -> std::cmp::Ordering {
    fn read(s: &str) -> Option<Interval> {
        Interval::from_text(s)
            .or_else(|| parse_ds(s).ok().map(Interval::DaySecond))
            .or_else(|| parse_ym(s).ok().map(Interval::YearMonth))
    }
    match (read(a), read(b)) {
        (Some(Interval::DaySecond(x)), Some(Interval::DaySecond(y))) => x.cmp(&y),
        (Some(Interval::YearMonth(x)), Some(Interval::YearMonth(y))) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        _ => a.cmp(b),
    }
}

/// A day-to-second interval's sign, days, seconds of the day and nanoseconds.
fn day_parts(ns: i128) -> (char, u128, u128, u128) {
    let sg = if ns < 0 { '-' } else { '+' };
    let a = ns.unsigned_abs();
    let (ps, pd) = (NS_PER_SEC as u128, NS_PER_DAY as u128);
    let (d, r) = (a / pd, a % pd);
    (sg, d, r / ps, r % ps)
}

/// TO_CHAR's text of an interval: Oracle's default precisions (2-digit
/// leading field, 6-digit fraction), `+01 02:03:04.500000`, `-01-06`.
pub fn display(iv: Interval) -> String {
    match iv {
        Interval::DaySecond(ns) => {
            let (sg, d, s, f) = day_parts(ns);
            format!(
                "{sg}{d:02} {:02}:{:02}:{:02}.{:06}",
                s / 3600,
                s / 60 % 60,
                s % 60,
                f / 1000
            )
        }
        Interval::YearMonth(m) => {
            let sg = if m < 0 { '-' } else { '+' };
            let a = m.unsigned_abs();
            format!("{sg}{:02}-{:02}", a / 12, a % 12)
        }
    }
}

/// The value of a column or bind of interval type `ym` (else DS) from text:
/// the stored form, or any text Oracle converts implicitly (`'1 02:03:04'`,
/// `'1-6'`, ISO 8601). None when it is no such interval.
pub fn value_of_text(s: &str, ym: bool) -> Option<Value> {
    let iv = match Interval::from_text(s) {
        Some(i) => i,
        None if ym => Interval::YearMonth(parse_ym(s).ok()?),
        None => Interval::DaySecond(parse_ds(s).ok()?),
    };
    match (iv, ym) {
        (Interval::YearMonth(_), true) | (Interval::DaySecond(_), false) => iv.to_value(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_second_texts() {
        assert_eq!(
            parse_ds("1 00:00:2.50").unwrap(),
            NS_PER_DAY + 2 * NS_PER_SEC + NS_PER_SEC / 2
        );
        assert_eq!(parse_ds("-0 01:00:00").unwrap(), -3600 * NS_PER_SEC);
        assert_eq!(
            parse_ds("P1DT2H3M4.5S").unwrap(),
            parse_ds("1 2:3:4.5").unwrap()
        );
        assert_eq!(parse_ds("PT90S").unwrap(), 90 * NS_PER_SEC);
        for bad in ["", "1", "1 25:00:00", "x 1:2:3", "1 1:2:3.1234567890", "P"] {
            assert_eq!(parse_ds(bad).unwrap_err().code, 1867, "{bad}");
        }
        let i = Interval::DaySecond(parse_ds("-3 4:05:06.007").unwrap());
        assert_eq!(i.to_text(), "-000000003 04:05:06.007000000");
        assert_eq!(Interval::from_text(&i.to_text()), Some(i));
    }

    #[test]
    fn year_month_texts_and_literals() {
        assert_eq!(parse_ym("8-04").unwrap(), 100);
        assert_eq!(parse_ym("-1-11").unwrap(), -23);
        assert_eq!(parse_ym("P2Y3M").unwrap(), 27);
        assert_eq!(parse_ym("1-12").unwrap_err().code, 1867);
        assert_eq!(Interval::YearMonth(-23).to_text(), "-000000001-11");
        assert_eq!(
            Interval::from_text("+000000008-04"),
            Some(Interval::YearMonth(100))
        );
        assert_eq!(Interval::from_text("2024-01-01"), None);
        assert_eq!(
            literal("5", "DAY").unwrap(),
            Interval::DaySecond(5 * NS_PER_DAY)
        );
        assert_eq!(
            literal("1:30", "HOUR TO MINUTE").unwrap(),
            Interval::DaySecond(90 * 60 * NS_PER_SEC)
        );
        assert_eq!(
            literal("2 3", "DAY TO HOUR").unwrap(),
            Interval::DaySecond(2 * NS_PER_DAY + 3 * 3600 * NS_PER_SEC)
        );
        assert_eq!(
            literal("1-6", "YEAR TO MONTH").unwrap(),
            Interval::YearMonth(18)
        );
        assert_eq!(literal("1", "WEEK").unwrap_err().code, 905);
    }

    #[test]
    fn protocol_values_from_stored_and_implicit_text() {
        let v = value_of_text("+000000005 05:10:15.000000000", false).unwrap();
        assert_eq!(
            v,
            Value::IntervalDS(IntervalDS {
                days: 5,
                hours: 5,
                minutes: 10,
                seconds: 15,
                nanos: 0
            })
        );
        let back = Interval::of_value(&v).unwrap();
        assert_eq!(back.to_text(), "+000000005 05:10:15.000000000");
        assert_eq!(
            value_of_text("2 01:00:00", false),
            Interval::DaySecond(2 * NS_PER_DAY + 3600 * NS_PER_SEC).to_value()
        );
        assert_eq!(
            value_of_text("-1-6", true),
            Some(Value::IntervalYM(IntervalYM {
                years: -1,
                months: -6
            }))
        );
        assert_eq!(display(back), "+05 05:10:15.000000");
        assert_eq!(display(Interval::YearMonth(-18)), "-01-06");
        // The wrong kind, or no interval at all.
        assert_eq!(value_of_text("+000000001-06", false), None);
        assert_eq!(value_of_text("2024-01-01", true), None);
    }
}
