//! The stored text of a DATE or TIMESTAMP (`YYYY-MM-DD HH:MI:SS[.fraction]`),
//! written digit by digit: it runs once per bound date, and going through
//! `format!` was a tenth of the server's CPU in a 100,000-row executeMany.

use oradb_protocol::value::datetime::DateTime;

use crate::oracle::timezone::Zone;

/// The same text as `DateTime`'s `Display`, which stays the reference (tests).
pub(crate) fn date_text(d: &DateTime) -> String {
    let mut s = String::with_capacity(30);
    if d.year < 0 {
        s.push('-');
    }
    let year = d.year.unsigned_abs();
    if year >= 10_000 {
        s.push_str(&year.to_string());
    } else {
        digits(&mut s, year, 4);
    }
    for (sep, v) in [
        ('-', d.month),
        ('-', d.day),
        (' ', d.hour),
        (':', d.minute),
        (':', d.second),
    ] {
        s.push(sep);
        digits(&mut s, u32::from(v), 2);
    }
    if d.nanos > 0 {
        // Nine digits, trailing zeros dropped.
        let mut n = d.nanos;
        let mut width = 9;
        while n.is_multiple_of(10) {
            n /= 10;
            width -= 1;
        }
        s.push('.');
        digits(&mut s, n, width);
    }
    s
}

/// Follows the UTC time in the stored text of a TIMESTAMP WITH TIME ZONE.
/// Zoned values are kept as instants, so their texts sort by instant as the
/// zone-less ones do, and the suffix tells them apart: a TSTZ column reads
/// zone-less text in the session's time zone. A zone other than UTC follows
/// it (`2024-06-01 06:30:00 +00:00 +05:30`), so clients get the value back
/// in its own zone, as Oracle keeps it. Two such texts of one instant in
/// different zones compare unequal (Oracle compares instants only).
pub const UTC_SUFFIX: &str = " +00:00";

/// The stored text of wall-clock time `local` at `offset` minutes east of
/// UTC; `None` when its UTC time falls outside Oracle's years.
pub fn tz_text(local: &DateTime, offset: i32) -> Option<String> {
    let mut s = date_text(&shift(local, -offset)?);
    s.push_str(UTC_SUFFIX);
    if offset != 0 {
        s.push(' ');
        s.push_str(&zone_text(offset));
    }
    Some(s)
}

/// `+hh:mi` / `-hh:mi` of an offset in minutes.
pub fn zone_text(offset: i32) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let m = offset.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// The stored text of a TIMESTAMP WITH TIME ZONE ([`tz_text`]): its
/// wall-clock time and offset.
pub fn parse_stored(s: &str) -> Option<(DateTime, i32)> {
    if let Some(utc) = s.strip_suffix(UTC_SUFFIX) {
        return Some((DateTime::parse_iso(utc).ok()?, 0));
    }
    let (rest, zone) = s.rsplit_once(' ')?;
    let utc = DateTime::parse_iso(rest.strip_suffix(UTC_SUFFIX)?).ok()?;
    let (_, offset) = crate::oracle::timezone::split_offset(&format!("x {zone}"))?;
    Some((shift(&utc, offset)?, offset))
}

/// Date text with or without a zone: stored TSTZ text, or a time with a
/// trailing zone (`+05:30`, `UTC`, …) as literals and NLS text carry it.
/// Gives the wall-clock time and, if there is one, the offset in minutes.
pub fn parse_zoned(s: &str) -> Option<(DateTime, Option<i32>)> {
    if let Ok(d) = DateTime::parse_iso(s) {
        return Some((d, None));
    }
    if let Some((d, off)) = parse_stored(s) {
        return Some((d, Some(off)));
    }
    let (local, zone) = crate::oracle::timezone::split_zone(s)?;
    let local = DateTime::parse_iso(local).ok()?;
    Some((local, Some(zone.offset_at(&local)?)))
}

/// The stored text of a DATE or TIMESTAMP as `date_text` writes it (years 0–9999), read
/// from SQLite's bytes without a UTF-8 check or the general parser: a fetch reads every date
/// it sends this way, and the general path was a tenth of a fetch's server instructions.
/// `None` for any other text (the caller then takes `parse_local`); the same values as
/// `DateTime::parse_iso` gives for this form (tests).
pub(crate) fn parse_stored_local(b: &[u8]) -> Option<DateTime> {
    if b.len() < 19 || b.len() == 20 || b.len() > 29 {
        return None;
    }
    let sep = |i: usize, c: u8| b[i] == c;
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b' ') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    // Every other byte of the first 19 must be a digit: one check over the lot.
    let mut bad = 0u8;
    for (i, &c) in b[..19].iter().enumerate() {
        if !matches!(i, 4 | 7 | 10 | 13 | 16) {
            bad |= u8::from(!c.is_ascii_digit());
        }
    }
    if bad != 0 {
        return None;
    }
    let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let mut nanos = 0u32;
    if b.len() > 19 {
        if b[19] != b'.' || !b[20..].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let frac = &b[20..];
        let n = frac
            .iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'));
        nanos = n * 10u32.pow(9 - frac.len() as u32);
    }
    let d = DateTime {
        year: i32::from(two(0)) * 100 + i32::from(two(2)),
        month: two(5),
        day: two(8),
        hour: two(11),
        minute: two(14),
        second: two(17),
        nanos,
    };
    d.validate().ok()?;
    Some(d)
}

/// The wall-clock time of date text, its zone (if any) dropped: what a DATE
/// or TIMESTAMP made from a TIMESTAMP WITH TIME ZONE keeps, as Oracle's
/// conversion does.
pub fn parse_local(s: &str) -> Option<DateTime> {
    parse_zoned(s).map(|(d, _)| d)
}

/// The ORA_TSTZ collation of TIMESTAMP WITH TIME ZONE columns: by instant,
/// zone-less text being a time in the session's zone, as Oracle compares a
/// TSTZ with a TIMESTAMP; text that is no date sorts last.
pub fn collate_instants(
    a: &str,
    b: &str,
    session: &crate::oracle::timezone::Zone,
) -> std::cmp::Ordering {
    let instant = |s: &str| {
        let (d, off) = parse_zoned(s)?;
        let off = match off {
            Some(off) => off,
            None => session.offset_at(&d)?,
        };
        let (secs, nanos) = d.to_epoch();
        Some((secs - i64::from(off) * 60, nanos))
    };
    match (instant(a), instant(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

thread_local! {
    /// The running statement's session time zone: set by `Session::execute`
    /// for the value conversions that have no session at hand
    /// (`query::to_sql`, `query::to_value`). A region's offset depends on
    /// the value's date, so the zone is kept, not its offset now.
    static SESSION_ZONE: std::cell::RefCell<Zone> = const { std::cell::RefCell::new(Zone::Offset(0)) };
}

/// The zone `set_session_zone` set on this thread.
pub(crate) fn session_zone() -> Zone {
    SESSION_ZONE.with(|c| c.borrow().clone())
}

pub(crate) fn set_session_zone(zone: Zone) {
    SESSION_ZONE.with(|c| *c.borrow_mut() = zone);
}

/// The session zone's offset (minutes east of UTC) at wall-clock time `local`.
pub(crate) fn session_offset_at(local: &DateTime) -> i32 {
    SESSION_ZONE.with(|c| c.borrow().offset_at(local).unwrap_or(0))
}

/// The session zone's offset at the instant whose UTC time is `utc`.
pub(crate) fn session_offset_at_utc(utc: &DateTime) -> i32 {
    SESSION_ZONE.with(|c| c.borrow().offset_at_utc(utc).unwrap_or(0))
}

/// `d` moved by `minutes`; `None` outside Oracle's years.
pub fn shift(d: &DateTime, minutes: i32) -> Option<DateTime> {
    if minutes == 0 {
        return Some(*d);
    }
    let (secs, nanos) = d.to_epoch();
    let out = DateTime::from_epoch(secs + i64::from(minutes) * 60, nanos);
    (-4712..=9999).contains(&out.year).then_some(out)
}

/// `v` in exactly `width` decimal digits (zero-padded; `v` < 10^width).
fn digits(s: &mut String, v: u32, width: u32) {
    for k in (0..width).rev() {
        let d = (v / 10u32.pow(k)) % 10;
        s.push(char::from(b'0' + d as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(year: i32, month: u8, day: u8, h: u8, mi: u8, sec: u8, nanos: u32) -> DateTime {
        DateTime {
            year,
            month,
            day,
            hour: h,
            minute: mi,
            second: sec,
            nanos,
        }
    }

    #[test]
    fn stored_text_reads_as_parse_iso_does() {
        let texts = [
            "2024-01-01 00:00:00",
            "0001-12-31 23:59:59",
            "9999-12-31 23:59:59.999999999",
            "1970-06-15 12:30:45.12",
            "2000-02-29 01:02:03.000000001",
            "2000-02-29 01:02:03.5",
        ];
        for t in texts {
            let want = DateTime::parse_iso(t).unwrap();
            assert_eq!(parse_stored_local(t.as_bytes()), Some(want), "{t}");
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let d = dt(
                (x % 9999) as i32 + 1,
                (x >> 16) as u8 % 12 + 1,
                (x >> 24) as u8 % 28 + 1,
                (x >> 32) as u8 % 24,
                (x >> 40) as u8 % 60,
                (x >> 48) as u8 % 60,
                (x >> 20) as u32 % 1_000_000_000 * ((x >> 60) as u32 % 2),
            );
            assert_eq!(parse_stored_local(date_text(&d).as_bytes()), Some(d));
        }
    }

    #[test]
    fn other_text_is_left_to_the_general_parser() {
        for t in [
            "",
            "2024-01-01",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00.",
            "2024-01-01 00:00:00.1234567890",
            "2024-13-01 00:00:00",
            "2023-02-29 00:00:00",
            "2024-01-01 24:00:00",
            "2024-01-01 00:60:00",
            "2024-01-0a 00:00:00",
            "-001-01-01 00:00:00",
            "2024-01-01 00:00:00 +00:00",
            "2024-01-01 00:00:00.12x",
            "0000-01-01 00:00:00",
        ] {
            let fast = parse_stored_local(t.as_bytes());
            if let Some(d) = fast {
                assert_eq!(Ok(d), DateTime::parse_iso(t), "{t}");
            }
            assert!(fast.is_none() || t == "0000-01-01 00:00:00", "{t}");
        }
    }

    #[test]
    fn matches_display_text() {
        let cases = [
            dt(2024, 1, 1, 0, 0, 0, 0),
            dt(1, 12, 31, 23, 59, 59, 0),
            dt(9999, 12, 31, 23, 59, 59, 999_999_999),
            dt(-4712, 1, 1, 0, 0, 0, 0),
            dt(-1, 2, 3, 4, 5, 6, 100),
            dt(1970, 6, 15, 12, 30, 45, 120_000_000),
            dt(2000, 2, 29, 1, 2, 3, 1),
            dt(2000, 2, 29, 1, 2, 3, 500_000_000),
            dt(12_345, 1, 1, 0, 0, 0, 0),
        ];
        for d in cases {
            assert_eq!(date_text(&d), d.to_string(), "{d:?}");
        }
        assert_eq!(
            date_text(&dt(1970, 6, 15, 12, 30, 45, 120_000_000)),
            "1970-06-15 12:30:45.12"
        );
    }
}
