//! TO_CHAR for datetimes: renders a tokenized format model.

use super::calendar::{day_of_year, iso_week, DAYS, MONTHS};
use super::datefmt::OraDate;
use super::datefmt_model::{format_not_recognized, tokenize, Case, Elem, Item};
use super::OraFnError;
use oradb_protocol::value::DateTime;

/// FF without digits prints the default TIMESTAMP precision.
const DEFAULT_FRACTION_DIGITS: u8 = 6;
/// Names are blank-padded to the longest name unless FM is on.
const MONTH_WIDTH: usize = 9;
const DAY_WIDTH: usize = 9;

pub(crate) fn format(dt: &DateTime, fmt: &str, is_timestamp: bool) -> Result<String, OraFnError> {
    format_zoned(dt, fmt, is_timestamp, None)
}

/// [`format`] of a TIMESTAMP WITH TIME ZONE at `zone` minutes east of UTC;
/// without a zone the zone elements are ORA-01821, as for a DATE.
pub(crate) fn format_zoned(
    dt: &DateTime,
    fmt: &str,
    is_timestamp: bool,
    zone: Option<i32>,
) -> Result<String, OraFnError> {
    let mut out = String::new();
    let mut fill = false;
    for item in tokenize(fmt)? {
        match item {
            Item::FillMode => fill = !fill,
            Item::Exact => {}
            Item::Literal { text, .. } => out.push_str(&text),
            Item::Elem(elem, case) => {
                if matches!(elem, Elem::Fraction(_)) && !is_timestamp {
                    return Err(format_not_recognized());
                }
                if let Some(text) = render_zone(elem, zone)? {
                    out.push_str(&text);
                    continue;
                }
                out.push_str(&render(dt, elem, case, fill));
            }
        }
    }
    Ok(out)
}

/// The zone elements' text: TZH `+05`, TZM `30`, TZR `+05:30`, TZD empty
/// (Oracle has no abbreviation for an offset). `None` for other elements.
fn render_zone(elem: Elem, zone: Option<i32>) -> Result<Option<String>, OraFnError> {
    if !matches!(
        elem,
        Elem::TzHour | Elem::TzMinute | Elem::TzRegion | Elem::TzAbbr
    ) {
        return Ok(None);
    }
    let off = zone.ok_or_else(format_not_recognized)?;
    let (sign, m) = (if off < 0 { '-' } else { '+' }, off.unsigned_abs());
    Ok(Some(match elem {
        Elem::TzHour => format!("{sign}{:02}", m / 60),
        Elem::TzMinute => format!("{:02}", m % 60),
        Elem::TzRegion => format!("{sign}{:02}:{:02}", m / 60, m % 60),
        _ => String::new(),
    }))
}

fn number(v: i64, width: usize, fill: bool) -> String {
    if fill {
        v.to_string()
    } else {
        format!("{v:0width$}")
    }
}

fn cased(name: &str, case: Case) -> String {
    match case {
        Case::Upper => name.to_string(),
        Case::Lower => name.to_ascii_lowercase(),
        Case::Capital => {
            let lower = name.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => lower,
            }
        }
    }
}

fn name(full: &str, abbr: bool, width: usize, case: Case, fill: bool) -> String {
    let text = if abbr { &full[..3] } else { full };
    let text = cased(text, case);
    if fill || abbr {
        text
    } else {
        format!("{text:<width$}")
    }
}

fn render(dt: &DateTime, elem: Elem, case: Case, fill: bool) -> String {
    let year = dt.year.unsigned_abs() as i64;
    let hour12 = match dt.hour % 12 {
        0 => 12,
        h => h as i64,
    };
    let month_name = MONTHS[(dt.month as usize).saturating_sub(1) % 12];
    let day_name = DAYS[dt.weekday() as usize % 7];
    if let Some(text) = render_year(dt, elem, fill) {
        return text;
    }
    match elem {
        Elem::Month => number(dt.month as i64, 2, fill),
        Elem::MonthAbbr => name(month_name, true, 3, case, fill),
        Elem::MonthName => name(month_name, false, MONTH_WIDTH, case, fill),
        Elem::DayOfMonth => number(dt.day as i64, 2, fill),
        Elem::DayOfYear => number(day_of_year(dt.year, dt.month, dt.day) as i64, 3, fill),
        Elem::DayOfWeek => number(dt.weekday() as i64 + 1, 1, fill),
        Elem::DayAbbr => name(day_name, true, 3, case, fill),
        Elem::DayName => name(day_name, false, DAY_WIDTH, case, fill),
        Elem::Hour12 => number(hour12, 2, fill),
        Elem::Hour24 => number(dt.hour as i64, 2, fill),
        Elem::Minute => number(dt.minute as i64, 2, fill),
        Elem::Second => number(dt.second as i64, 2, fill),
        Elem::SecondOfDay => {
            let secs = dt.hour as i64 * 3600 + dt.minute as i64 * 60 + dt.second as i64;
            number(secs, 5, fill)
        }
        Elem::Fraction(n) => {
            let digits = if n == 0 { DEFAULT_FRACTION_DIGITS } else { n };
            format!("{:09}", dt.nanos)[..digits as usize].to_string()
        }
        Elem::Meridian { dots } => {
            let pm = dt.hour >= 12;
            let text = match (pm, dots) {
                (false, false) => "AM",
                (true, false) => "PM",
                (false, true) => "A.M.",
                (true, true) => "P.M.",
            };
            cased(text, case)
        }
        Elem::Julian => number(dt.julian_day(), 7, fill),
        Elem::Quarter => ((dt.month as i64 - 1) / 3 + 1).to_string(),
        Elem::WeekOfYear => {
            let doy = day_of_year(dt.year, dt.month, dt.day) as i64;
            number((doy - 1) / 7 + 1, 2, fill)
        }
        Elem::WeekOfMonth => ((dt.day as i64 - 1) / 7 + 1).to_string(),
        Elem::IsoWeek => number(iso_week(dt.year, dt.month, dt.day).1 as i64, 2, fill),
        Elem::Century => {
            let cc = (year - 1) / 100 + 1;
            let sign = if dt.year < 0 { "-" } else { "" };
            format!("{sign}{}", number(cc, 2, fill))
        }
        Elem::Radix => ".".to_string(),
        _ => String::new(),
    }
}

/// The year elements (calendar and ISO); None for any other element.
fn render_year(dt: &DateTime, elem: Elem, fill: bool) -> Option<String> {
    let year = dt.year.unsigned_abs() as i64;
    Some(match elem {
        Elem::SignedYear => {
            let sign = if dt.year < 0 {
                "-"
            } else if fill {
                ""
            } else {
                " "
            };
            format!("{sign}{}", number(year, 4, fill))
        }
        Elem::YearComma => format!("{},{:03}", year / 1000, year % 1000),
        Elem::Year4 | Elem::RoundYear4 => number(year, 4, fill),
        Elem::Year3 => number(year % 1000, 3, fill),
        Elem::Year2 | Elem::RoundYear2 => number(year % 100, 2, fill),
        Elem::Year1 => number(year % 10, 1, fill),
        Elem::IsoYear4 | Elem::IsoYear3 | Elem::IsoYear2 | Elem::IsoYear1 => {
            let iy = iso_week(dt.year, dt.month, dt.day).0.unsigned_abs() as i64;
            match elem {
                Elem::IsoYear4 => number(iy, 4, fill),
                Elem::IsoYear3 => number(iy % 1000, 3, fill),
                Elem::IsoYear2 => number(iy % 100, 2, fill),
                _ => number(iy % 10, 1, fill),
            }
        }
        _ => return None,
    })
}
