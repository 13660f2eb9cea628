//! Calendar arithmetic on Oracle years (no year 0; -1 is 1 BC), using the
//! proleptic Gregorian calendar for every date.

use oradb_protocol::value::datetime;

/// Astronomical year (1 BC = 0) of an Oracle year.
fn astro(year: i32) -> i64 {
    if year < 0 {
        year as i64 + 1
    } else {
        year as i64
    }
}

fn from_astro(y: i64) -> i32 {
    if y <= 0 {
        (y - 1) as i32
    } else {
        y as i32
    }
}

pub(crate) fn is_leap(year: i32) -> bool {
    let y = astro(year);
    y.rem_euclid(4) == 0 && (y.rem_euclid(100) != 0 || y.rem_euclid(400) == 0)
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 (negative before): the codec's calendar, on the
/// astronomical year.
pub(crate) fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    datetime::days_from_civil(astro(year) as i32, month, day)
}

/// Inverse of [`days_from_civil`]: (Oracle year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let (y, m, d) = datetime::civil_from_days(days);
    (from_astro(y.into()), m, d)
}

/// Day of week, 0 = Sunday.
pub(crate) fn weekday(days: i64) -> u8 {
    (days + 4).rem_euclid(7) as u8
}

/// Day of year, 1-based.
pub(crate) fn day_of_year(year: i32, month: u8, day: u8) -> u16 {
    (days_from_civil(year, month, day) - days_from_civil(year, 1, 1) + 1) as u16
}

/// Oracle's `J`: the Julian day number (2000-01-01 is 2451545).
pub(crate) const JULIAN_EPOCH_OFFSET: i64 = 2_440_588;

/// ISO 8601 (year, week) of a date.
pub(crate) fn iso_week(year: i32, month: u8, day: u8) -> (i32, u8) {
    let days = days_from_civil(year, month, day);
    let iso_dow = (weekday(days) + 6) % 7 + 1; // Monday = 1
    let thursday = days + 4 - iso_dow as i64;
    let (ty, tm, td) = civil_from_days(thursday);
    (ty, ((day_of_year(ty, tm, td) - 1) / 7 + 1) as u8)
}

pub(crate) const MONTHS: [&str; 12] = [
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
];

/// Day names, Sunday first (NLS_TERRITORY AMERICA numbering for `D`).
pub(crate) const DAYS: [&str; 7] = [
    "SUNDAY",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 5), 19_787);
        assert_eq!(civil_from_days(19_787), (2024, 3, 5));
        assert_eq!(civil_from_days(days_from_civil(-1, 12, 31) + 1), (1, 1, 1));
        assert_eq!(days_from_civil(2000, 1, 1) + JULIAN_EPOCH_OFFSET, 2_451_545);
        for d in [-800_000i64, -1, 0, 59, 60, 11_016, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn leap_weekday_and_iso_week() {
        assert!(is_leap(2024) && is_leap(2000) && !is_leap(1900) && is_leap(-1));
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(weekday(days_from_civil(2024, 3, 5)), 2); // Tuesday
        assert_eq!(iso_week(2021, 1, 1), (2020, 53));
        assert_eq!(iso_week(2024, 12, 30), (2025, 1));
        assert_eq!(iso_week(2024, 3, 5), (2024, 10));
        assert_eq!(day_of_year(2024, 12, 31), 366);
    }
}
