//! Oracle DATE/TIMESTAMP values: storage text, date arithmetic, TRUNC, and
//! the TO_CHAR/TO_DATE entry points (format models live in `datefmt_*.rs`).

use std::time::{SystemTime, UNIX_EPOCH};

use super::calendar::{
    civil_from_days, days_from_civil, days_in_month, iso_week, weekday, JULIAN_EPOCH_OFFSET,
};
use super::decimal::OraDecimal;
use super::OraFnError;
use oradb_protocol::value::DateTime;

/// NLS_DATE_FORMAT of a default American session.
pub const DEFAULT_DATE_FORMAT: &str = "DD-MON-RR";
/// NLS_TIMESTAMP_FORMAT of a default American session.
pub const DEFAULT_TIMESTAMP_FORMAT: &str = "DD-MON-RR HH.MI.SSXFF AM";

const SECS_PER_DAY: i64 = 86_400;

pub(crate) fn year_out_of_range() -> OraFnError {
    OraFnError::new(
        1841,
        "(full) year must be between -4713 and +9999, and not be 0",
    )
}

fn bad_storage() -> OraFnError {
    OraFnError::new(1861, "literal does not match format string")
}

/// Oracle DATE/TIMESTAMP semantics on the codec's `DateTime` (the one
/// type for both the wire and the engine). Years follow Oracle: no year 0,
/// negative years are BC.
pub trait OraDate: Sized {
    /// Midnight of a calendar day.
    fn date(year: i32, month: u8, day: u8) -> Self;
    fn days(&self) -> i64;
    fn epoch_seconds(&self) -> i64;
    fn from_epoch_checked(secs: i64, nanos: u32) -> Result<Self, OraFnError>;
    fn weekday(&self) -> u8;
    fn julian_day(&self) -> i64;
    /// Parses the engine's storage text: `YYYY-MM-DD[( |T)HH:MI[:SS[.f…]]]`.
    fn parse_storage(s: &str) -> Result<Self, OraFnError>;
    /// `YYYY-MM-DD HH:MI:SS`, plus `.f…` (trailing zeros trimmed) when nanos > 0.
    fn to_storage(&self) -> String;
    /// DATE + n: adds fractional days, rounded to the second (the result is a DATE).
    fn add_days(&self, days: &OraDecimal) -> Result<Self, OraFnError>;
    /// DATE - DATE: the difference in days, as an exact fraction.
    fn diff_days(&self, other: &Self) -> OraDecimal;
    /// ADD_MONTHS: the last day of a month maps to the last day of the
    /// target month, and days past the target month's end are clamped.
    fn add_months(&self, n: i32) -> Result<Self, OraFnError>;
    /// TRUNC(date[, fmt]); the default unit is the day. Unknown units are ORA-01821.
    fn trunc(&self, fmt: Option<&str>) -> Result<Self, OraFnError>;
    /// Current UTC time in whole seconds (a DATE, for SYSDATE).
    fn now_utc() -> Self;
    /// Current UTC time to the microsecond (for SYSTIMESTAMP).
    fn now_utc_precise() -> Self;
}

impl OraDate for DateTime {
    fn date(year: i32, month: u8, day: u8) -> Self {
        DateTime {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
        }
    }

    fn days(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    fn epoch_seconds(&self) -> i64 {
        self.days() * SECS_PER_DAY
            + self.hour as i64 * 3600
            + self.minute as i64 * 60
            + self.second as i64
    }

    fn from_epoch_checked(secs: i64, nanos: u32) -> Result<Self, OraFnError> {
        let (year, month, day) = civil_from_days(secs.div_euclid(SECS_PER_DAY));
        if !(-4712..=9999).contains(&year) {
            return Err(year_out_of_range());
        }
        let tod = secs.rem_euclid(SECS_PER_DAY);
        Ok(DateTime {
            year,
            month,
            day,
            hour: (tod / 3600) as u8,
            minute: (tod / 60 % 60) as u8,
            second: (tod % 60) as u8,
            nanos,
        })
    }

    fn weekday(&self) -> u8 {
        weekday(self.days())
    }

    fn julian_day(&self) -> i64 {
        self.days() + JULIAN_EPOCH_OFFSET
    }

    fn parse_storage(s: &str) -> Result<Self, OraFnError> {
        let s = s.trim();
        let (date, time) = match s.find([' ', 'T']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let (neg, date) = match date.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, date),
        };
        let ymd = split_numbers(date, '-', 3)?;
        let year = i32::try_from(ymd[0]).map_err(|_| bad_storage())?;
        let mut dt = Self::date(if neg { -year } else { year }, ymd[1] as u8, ymd[2] as u8);
        if ymd[1] > 12 || ymd[2] > 31 {
            return Err(bad_storage());
        }
        if let Some(time) = time {
            let (hms, frac) = match time.split_once('.') {
                Some((hms, frac)) => (hms, Some(frac)),
                None => (time, None),
            };
            let parts = split_numbers(hms, ':', 0)?;
            if !(2..=3).contains(&parts.len()) || parts[0] > 23 || parts[1] > 59 {
                return Err(bad_storage());
            }
            dt.hour = parts[0] as u8;
            dt.minute = parts[1] as u8;
            dt.second = parts.get(2).copied().unwrap_or(0).min(60) as u8;
            if dt.second > 59 {
                return Err(bad_storage());
            }
            if let Some(frac) = frac {
                dt.nanos = parse_fraction(frac).ok_or_else(bad_storage)?;
            }
        }
        let valid_day = dt.day >= 1 && dt.day <= days_in_month(dt.year, dt.month);
        if dt.year == 0 || dt.month == 0 || !valid_day {
            return Err(bad_storage());
        }
        Ok(dt)
    }

    fn to_storage(&self) -> String {
        let year = if self.year < 0 {
            format!("-{:04}", -(self.year as i64))
        } else {
            format!("{:04}", self.year)
        };
        let mut out = format!(
            "{year}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        out
    }

    fn add_days(&self, days: &OraDecimal) -> Result<Self, OraFnError> {
        let secs = days
            .mul(&OraDecimal::from_i64(SECS_PER_DAY))
            .map_err(|_| year_out_of_range())?
            .round(0)
            .to_i64()
            .ok_or_else(year_out_of_range)?;
        let total = self
            .epoch_seconds()
            .checked_add(secs)
            .ok_or_else(year_out_of_range)?;
        Self::from_epoch_checked(total, 0)
    }

    fn diff_days(&self, other: &Self) -> OraDecimal {
        let secs = (self.epoch_seconds() - other.epoch_seconds()) as i128;
        let nanos = secs * 1_000_000_000 + self.nanos as i128 - other.nanos as i128;
        let num = OraDecimal::parse(&nanos.to_string()).unwrap_or_else(|_| OraDecimal::zero());
        let day = OraDecimal::from_i64(SECS_PER_DAY * 1_000_000_000);
        num.div(&day).unwrap_or_else(|_| OraDecimal::zero())
    }

    fn add_months(&self, n: i32) -> Result<Self, OraFnError> {
        let astro = if self.year < 0 {
            self.year as i64 + 1
        } else {
            self.year as i64
        };
        let total = astro * 12 + self.month as i64 - 1 + n as i64;
        let ay = total.div_euclid(12);
        let year = if ay <= 0 { ay - 1 } else { ay };
        if !(-4712..=9999).contains(&year) {
            return Err(year_out_of_range());
        }
        let (year, month) = (year as i32, (total.rem_euclid(12) + 1) as u8);
        let last = days_in_month(year, month);
        let was_last = self.day == days_in_month(self.year, self.month);
        let day = if was_last || self.day > last {
            last
        } else {
            self.day
        };
        Ok(DateTime {
            year,
            month,
            day,
            ..*self
        })
    }

    fn trunc(&self, fmt: Option<&str>) -> Result<Self, OraFnError> {
        let unit = fmt.unwrap_or("DD").trim().to_ascii_uppercase();
        let day = Self::date(self.year, self.month, self.day);
        let start_of_week = |first: i64| -> Result<Self, OraFnError> {
            // Same weekday as `first` (days since epoch), on or before this date.
            let back = (day.days() - first).rem_euclid(7);
            Self::from_epoch_checked((day.days() - back) * SECS_PER_DAY, 0)
        };
        Ok(match unit.as_str() {
            "DD" | "DDD" | "J" => day,
            "MM" | "MON" | "MONTH" | "RM" => Self::date(self.year, self.month, 1),
            "YYYY" | "SYYYY" | "YYY" | "YY" | "Y" | "YEAR" | "SYEAR" | "RR" | "RRRR" => {
                Self::date(self.year, 1, 1)
            }
            "Q" => Self::date(self.year, (self.month - 1) / 3 * 3 + 1, 1),
            "HH" | "HH12" | "HH24" => DateTime {
                hour: self.hour,
                ..day
            },
            "MI" => DateTime {
                hour: self.hour,
                minute: self.minute,
                ..day
            },
            "CC" | "SCC" if self.year > 0 => Self::date((self.year - 1) / 100 * 100 + 1, 1, 1),
            "DAY" | "DY" | "D" => start_of_week(days_from_civil(1970, 1, 4))?,
            "WW" => start_of_week(days_from_civil(self.year, 1, 1))?,
            "W" => start_of_week(days_from_civil(self.year, self.month, 1))?,
            "IW" => start_of_week(days_from_civil(1970, 1, 5))?,
            "IYYY" | "IYY" | "IY" | "I" => {
                let (iy, _) = iso_week(self.year, self.month, self.day);
                let jan4 = Self::date(iy, 1, 4);
                let back = (jan4.weekday() as i64 + 6) % 7;
                Self::from_epoch_checked((jan4.days() - back) * SECS_PER_DAY, 0)?
            }
            _ => return Err(super::datefmt_model::format_not_recognized()),
        })
    }

    fn now_utc() -> Self {
        let mut now = Self::now_utc_precise();
        now.nanos = 0;
        now
    }

    fn now_utc_precise() -> Self {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let nanos = d.subsec_micros() * 1000;
        Self::from_epoch_checked(d.as_secs() as i64, nanos)
            .unwrap_or_else(|_| Self::date(1970, 1, 1))
    }
}

/// TO_CHAR(datetime, fmt). FF elements need `is_timestamp`.
pub fn to_char_date(dt: &DateTime, fmt: &str, is_timestamp: bool) -> Result<String, OraFnError> {
    super::datefmt_out::format(dt, fmt, is_timestamp)
}

/// TO_CHAR of a TIMESTAMP WITH TIME ZONE (its wall-clock time and zone).
pub fn to_char_zoned(dt: &DateTime, fmt: &str, zone: i32) -> Result<String, OraFnError> {
    super::datefmt_out::format_zoned(dt, fmt, true, Some(zone))
}

/// TO_DATE(text, fmt), with missing fields taken from the current UTC date
/// (year and month) or defaulted (day 1, 00:00:00). FF is accepted so the
/// same parser serves TO_TIMESTAMP.
pub fn to_date(text: &str, fmt: &str) -> Result<DateTime, OraFnError> {
    to_date_at(text, fmt, &DateTime::now_utc())
}

/// [`to_date`] with an explicit "now" (for the session time zone and tests).
pub fn to_date_at(text: &str, fmt: &str, now: &DateTime) -> Result<DateTime, OraFnError> {
    super::datefmt_in::parse(text, fmt, now)
}

/// Splits `a<sep>b<sep>c` into unsigned numbers; `count` 0 accepts any count.
fn split_numbers(s: &str, sep: char, count: usize) -> Result<Vec<u64>, OraFnError> {
    let mut out = Vec::new();
    for part in s.split(sep) {
        if part.is_empty() || part.len() > 9 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_storage());
        }
        out.push(part.parse().map_err(|_| bad_storage())?);
    }
    if count != 0 && out.len() != count {
        return Err(bad_storage());
    }
    Ok(out)
}

/// Up to 9 fraction digits as nanoseconds.
pub(crate) fn parse_fraction(frac: &str) -> Option<u32> {
    if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = format!("{frac:0<9}");
    padded.parse().ok()
}
