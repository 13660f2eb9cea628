//! TO_DATE: reads text against a tokenized datetime format model.
//!
//! Without FX, Oracle is lenient: blanks are skipped, any run of
//! punctuation matches punctuation in the model, numbers may be shorter
//! than their element, and the text may end before the model does.

use super::calendar::{civil_from_days, days_in_month, is_leap, DAYS, JULIAN_EPOCH_OFFSET, MONTHS};
use super::datefmt::{parse_fraction, year_out_of_range, OraDate};
use super::datefmt_model::{tokenize, Elem, Item};
use super::OraFnError;
use oradb_protocol::value::DateTime;

/// Values read from the text, before defaults and validation.
#[derive(Default)]
struct Fields {
    /// (value, element it came from, digits read)
    year: Option<(i64, Elem, usize)>,
    month: Option<i64>,
    day: Option<i64>,
    day_of_year: Option<i64>,
    julian: Option<i64>,
    hour24: Option<i64>,
    hour12: Option<i64>,
    pm: Option<bool>,
    minute: Option<i64>,
    second: Option<i64>,
    second_of_day: Option<i64>,
    nanos: Option<u32>,
    weekday: Option<i64>,
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Consumes `word` if the text continues with it (ignoring case).
    fn eat_word(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        let hit = self
            .s
            .get(self.pos..end)
            .is_some_and(|t| t.eq_ignore_ascii_case(word.as_bytes()));
        if hit {
            self.pos = end;
        }
        hit
    }

    /// Up to `max` digits; returns (value, digits read).
    fn digits(&mut self, max: usize) -> (i64, usize) {
        let (mut v, mut n) = (0i64, 0usize);
        while n < max {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + (c - b'0') as i64;
                    n += 1;
                    self.pos += 1;
                }
                _ => break,
            }
        }
        (v, n)
    }
}

fn err(code: u32, text: &str) -> OraFnError {
    OraFnError::new(code, text)
}

fn set<T>(slot: &mut Option<T>, v: T) -> Result<(), OraFnError> {
    if slot.is_some() {
        return Err(err(1810, "format code appears twice"));
    }
    *slot = Some(v);
    Ok(())
}

pub(crate) fn parse(text: &str, fmt: &str, now: &DateTime) -> Result<DateTime, OraFnError> {
    let mut cur = Cursor {
        s: text.as_bytes(),
        pos: 0,
    };
    let (mut fill, mut exact) = (false, false);
    let mut f = Fields::default();
    for item in tokenize(fmt)? {
        match item {
            Item::FillMode => fill = !fill,
            Item::Exact => exact = !exact,
            Item::Literal { text, .. } => match_literal(&mut cur, &text, exact)?,
            Item::Elem(elem, _) => {
                if !exact {
                    cur.skip_blanks();
                }
                if cur.at_end() {
                    break;
                }
                read_elem(&mut cur, elem, fill, exact, &mut f)?;
            }
        }
    }
    cur.skip_blanks();
    if !cur.at_end() {
        return Err(err(
            1830,
            "date format picture ends before converting entire input string",
        ));
    }
    resolve(&f, now)
}

fn match_literal(cur: &mut Cursor, lit: &str, exact: bool) -> Result<(), OraFnError> {
    if cur.at_end() {
        return Ok(());
    }
    let mismatch = || err(1861, "literal does not match format string");
    if exact {
        return if cur.eat_word(lit) {
            Ok(())
        } else {
            Err(mismatch())
        };
    }
    let word = lit.trim();
    if word.bytes().any(|c| c.is_ascii_alphanumeric()) {
        cur.skip_blanks();
        return if cur.eat_word(word) {
            Ok(())
        } else {
            Err(mismatch())
        };
    }
    // Any run of punctuation (even none) stands for punctuation in the model.
    while cur.peek().is_some_and(|c| !c.is_ascii_alphanumeric()) {
        cur.pos += 1;
    }
    Ok(())
}

/// Reads a number of at most `width` digits (exactly `width` under FX without FM).
fn number(
    cur: &mut Cursor,
    width: usize,
    fill: bool,
    exact: bool,
) -> Result<(i64, usize), OraFnError> {
    let (v, n) = cur.digits(width);
    if n == 0 {
        return Err(err(
            1858,
            "a non-numeric character was found where a numeric was expected",
        ));
    }
    if exact && !fill && n != width {
        return Err(err(
            1862,
            "the numeric value does not match the length of the format item",
        ));
    }
    Ok((v, n))
}

fn ranged(v: i64, lo: i64, hi: i64, code: u32, text: &str) -> Result<i64, OraFnError> {
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(err(code, text))
    }
}

fn read_name(cur: &mut Cursor, names: &[&str]) -> Option<i64> {
    let full = names.iter().position(|n| cur.eat_word(n));
    let found = full.or_else(|| names.iter().position(|n| cur.eat_word(&n[..3])));
    found.map(|i| i as i64 + 1)
}

/// Width, range and range error of the plain numeric elements.
fn numeric_rule(elem: Elem) -> Option<(usize, i64, i64, u32, &'static str)> {
    Some(match elem {
        Elem::Month => (2, 1, 12, 1843, "not a valid month"),
        Elem::DayOfMonth => (
            2,
            1,
            31,
            1847,
            "day of month must be between 1 and last day of month",
        ),
        Elem::DayOfYear => (
            3,
            1,
            366,
            1848,
            "day of year must be between 1 and 365 (366 for leap year)",
        ),
        Elem::DayOfWeek => (1, 1, 7, 1846, "not a valid day of the week"),
        Elem::Hour24 => (2, 0, 23, 1850, "hour must be between 0 and 23"),
        Elem::Hour12 => (2, 1, 12, 1849, "hour must be between 1 and 12"),
        Elem::Minute => (2, 0, 59, 1851, "minutes must be between 0 and 59"),
        Elem::Second => (2, 0, 59, 1852, "seconds must be between 0 and 59"),
        Elem::SecondOfDay => (
            5,
            0,
            86_399,
            1853,
            "seconds in day must be between 0 and 86399",
        ),
        Elem::Julian => (
            7,
            1,
            5_373_484,
            1854,
            "julian date must be between 1 and 5373484",
        ),
        _ => return None,
    })
}

fn slot(f: &mut Fields, elem: Elem) -> Option<&mut Option<i64>> {
    Some(match elem {
        Elem::Month | Elem::MonthAbbr | Elem::MonthName => &mut f.month,
        Elem::DayOfMonth => &mut f.day,
        Elem::DayOfYear => &mut f.day_of_year,
        Elem::DayOfWeek | Elem::DayAbbr | Elem::DayName => &mut f.weekday,
        Elem::Hour24 => &mut f.hour24,
        Elem::Hour12 => &mut f.hour12,
        Elem::Minute => &mut f.minute,
        Elem::Second => &mut f.second,
        Elem::SecondOfDay => &mut f.second_of_day,
        Elem::Julian => &mut f.julian,
        _ => return None,
    })
}

fn read_elem(
    cur: &mut Cursor,
    elem: Elem,
    fill: bool,
    exact: bool,
    f: &mut Fields,
) -> Result<(), OraFnError> {
    if let (Some((width, lo, hi, code, text)), Some(field)) = (numeric_rule(elem), slot(f, elem)) {
        let (v, _) = number(cur, width, fill, exact)?;
        return set(field, ranged(v, lo, hi, code, text)?);
    }
    match elem {
        Elem::MonthAbbr | Elem::MonthName | Elem::DayAbbr | Elem::DayName => {
            let found = if matches!(elem, Elem::MonthAbbr | Elem::MonthName) {
                read_name(cur, &MONTHS).ok_or_else(|| err(1843, "not a valid month"))
            } else {
                read_name(cur, &DAYS).ok_or_else(|| err(1846, "not a valid day of the week"))
            }?;
            match slot(f, elem) {
                Some(field) => set(field, found),
                None => Ok(()),
            }
        }
        Elem::Fraction(n) => {
            let width = if n == 0 { 9 } else { n as usize };
            let start = cur.pos;
            number(cur, width, fill, exact)?;
            let digits = std::str::from_utf8(&cur.s[start..cur.pos]).unwrap_or("0");
            set(&mut f.nanos, parse_fraction(digits).unwrap_or(0))
        }
        Elem::Meridian { .. } => {
            let am = cur.eat_word("A.M.") || cur.eat_word("AM");
            let pm = !am && (cur.eat_word("P.M.") || cur.eat_word("PM"));
            if !am && !pm {
                return Err(err(1855, "AM/A.M. or PM/P.M. required"));
            }
            set(&mut f.pm, pm)
        }
        Elem::Radix => match_literal(cur, ".", exact),
        // A zone is read only by TO_TIMESTAMP_TZ, which splits it off first.
        Elem::TzHour | Elem::TzMinute | Elem::TzRegion | Elem::TzAbbr => {
            Err(super::datefmt_model::format_not_recognized())
        }
        Elem::Quarter
        | Elem::WeekOfYear
        | Elem::WeekOfMonth
        | Elem::IsoWeek
        | Elem::IsoYear4
        | Elem::IsoYear3
        | Elem::IsoYear2
        | Elem::IsoYear1
        | Elem::Century => Err(err(1820, "format code cannot appear in date input format")),
        _ => read_year(cur, elem, fill, exact, f),
    }
}

fn read_year(
    cur: &mut Cursor,
    elem: Elem,
    fill: bool,
    exact: bool,
    f: &mut Fields,
) -> Result<(), OraFnError> {
    let (v, n) = match elem {
        Elem::SignedYear => {
            let neg = cur.eat_word("-");
            if !neg {
                cur.eat_word("+");
            }
            let (v, n) = number(cur, 4, fill, exact)?;
            (if neg { -v } else { v }, n)
        }
        Elem::YearComma => {
            let (hi, _) = number(cur, 1, fill, exact)?;
            if !cur.eat_word(",") {
                return Err(err(1861, "literal does not match format string"));
            }
            let (lo, n) = number(cur, 3, fill, exact)?;
            (hi * 1000 + lo, n + 1)
        }
        _ => {
            let width = match elem {
                Elem::Year3 => 3,
                Elem::Year2 => 2,
                Elem::Year1 => 1,
                Elem::RoundYear2 if exact => 2,
                _ => 4,
            };
            number(cur, width, fill, exact)?
        }
    };
    set(&mut f.year, (v, elem, n))
}

/// Completes a 2-digit RR year relative to the current year.
fn rr_year(v: i64, now_year: i64) -> i64 {
    let (cy, century) = (
        now_year.rem_euclid(100),
        now_year - now_year.rem_euclid(100),
    );
    match (v < 50, cy < 50) {
        (true, false) => century + 100 + v,
        (false, true) => century - 100 + v,
        _ => century + v,
    }
}

fn resolve_year(f: &Fields, now: &DateTime) -> Result<i32, OraFnError> {
    let now_year = now.year as i64;
    let year = match f.year {
        None => now_year,
        Some((v, Elem::Year3, _)) => now_year - now_year.rem_euclid(1000) + v,
        Some((v, Elem::Year2, _)) => now_year - now_year.rem_euclid(100) + v,
        Some((v, Elem::Year1, _)) => now_year - now_year.rem_euclid(10) + v,
        Some((v, Elem::RoundYear2 | Elem::RoundYear4, n)) if n <= 2 => rr_year(v, now_year),
        Some((v, _, _)) => v,
    };
    if year == 0 || !(-4712..=9999).contains(&year) {
        return Err(year_out_of_range());
    }
    Ok(year as i32)
}

fn resolve(f: &Fields, now: &DateTime) -> Result<DateTime, OraFnError> {
    let year = resolve_year(f, now)?;
    let mut dt = if let Some(j) = f.julian {
        let (y, m, d) = civil_from_days(j - JULIAN_EPOCH_OFFSET);
        DateTime::date(y, m, d)
    } else if let Some(ddd) = f.day_of_year {
        if ddd > 365 + i64::from(is_leap(year)) {
            let text = "day of year must be between 1 and 365 (366 for leap year)";
            return Err(err(1848, text));
        }
        let start = DateTime::date(year, 1, 1).days();
        let (y, m, d) = civil_from_days(start + ddd - 1);
        DateTime::date(y, m, d)
    } else {
        let month = f.month.map_or(now.month, |m| m as u8);
        let day = f.day.unwrap_or(1) as u8;
        if day > days_in_month(year, month) {
            return Err(err(1839, "date not valid for month specified"));
        }
        DateTime::date(year, month, day)
    };
    if f.hour24.is_some() && f.pm.is_some() {
        return Err(err(1818, "'HH24' precludes use of meridian indicator"));
    }
    let hour = match (f.hour24, f.hour12, f.pm) {
        (Some(h), _, _) => h,
        (None, Some(h), Some(pm)) => h % 12 + if pm { 12 } else { 0 },
        (None, Some(h), None) => h,
        (None, None, _) => 0,
    };
    let sssss = f.second_of_day.unwrap_or(0);
    dt.hour = (hour + sssss / 3600) as u8;
    dt.minute = (f.minute.unwrap_or(0) + sssss / 60 % 60) as u8;
    dt.second = (f.second.unwrap_or(0) + sssss % 60) as u8;
    dt.nanos = f.nanos.unwrap_or(0);
    Ok(dt)
}
