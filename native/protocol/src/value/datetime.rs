//! DATE (7 bytes), TIMESTAMP (11) and TIMESTAMP WITH TIME ZONE (13).
//! DATE bytes: century+100, year%100+100, month, day, hour+1, minute+1,
//! second+1; TIMESTAMP adds u32be nanoseconds; WITH TIME ZONE stores UTC
//! plus hour+20 and minute+60 of the offset.

use std::fmt;

/// A calendar date and time (proleptic Gregorian, no time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub nanos: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateError {}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's civil algorithm), for an
/// astronomical year (1 BC is 0).
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Inverse of [`days_from_civil`]: (astronomical year, month, day).
pub fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

impl DateTime {
    pub fn validate(&self) -> Result<(), DateError> {
        let ok = (-4712..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60
            && self.nanos < 1_000_000_000;
        if ok {
            Ok(())
        } else {
            Err(DateError(format!("invalid date/time {self}")))
        }
    }

    /// Seconds since the Unix epoch when read as UTC, and the nanoseconds.
    pub fn to_epoch(&self) -> (i64, u32) {
        let days = days_from_civil(self.year, self.month, self.day);
        let secs =
            days * 86400 + self.hour as i64 * 3600 + self.minute as i64 * 60 + self.second as i64;
        (secs, self.nanos)
    }

    pub fn from_epoch(secs: i64, nanos: u32) -> Self {
        let days = secs.div_euclid(86400);
        let rem = secs.rem_euclid(86400);
        let (year, month, day) = civil_from_days(days);
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
            nanos,
        }
    }

    /// The exact form `Display` writes for years 0–9999 (`YYYY-MM-DD HH:MM:SS[.f…]`),
    /// parsed without allocating; `None` for anything else, which the general
    /// parser then handles.
    fn parse_canonical(b: &[u8]) -> Option<Self> {
        if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' {
            return None;
        }
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
            })
        };
        let mut dt = DateTime {
            year: num(0..4)? as i32,
            month: num(5..7)? as u8,
            day: num(8..10)? as u8,
            hour: num(11..13)? as u8,
            minute: num(14..16)? as u8,
            second: num(17..19)? as u8,
            nanos: 0,
        };
        if b.len() > 19 {
            let frac = &b[19..];
            if frac[0] != b'.' || frac.len() < 2 || frac.len() > 10 {
                return None;
            }
            let digits = num(20..b.len())?;
            dt.nanos = digits * 10u32.pow((10 - frac.len()) as u32);
        }
        dt.validate().ok()?;
        Some(dt)
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.fffffffff]]` (also with a `T`).
    pub fn parse_iso(s: &str) -> Result<Self, DateError> {
        if let Some(dt) = Self::parse_canonical(s.as_bytes()) {
            return Ok(dt);
        }
        let bad = || DateError(format!("invalid date/time text \"{s}\""));
        let s = s.trim();
        let (date, time) = match s.find([' ', 'T']) {
            Some(i) => (&s[..i], s[i + 1..].trim()),
            None => (s, ""),
        };
        let (neg, date) = match date.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, date),
        };
        let mut dp = date.split('-');
        let num = |it: &mut std::str::Split<'_, char>| {
            it.next()
                .and_then(|v| v.parse::<i64>().ok())
                .ok_or_else(bad)
        };
        let year = num(&mut dp)? as i32;
        let month = num(&mut dp)? as u8;
        let day = num(&mut dp)? as u8;
        let mut dt = DateTime {
            year: if neg { -year } else { year },
            month,
            day,
            ..Default::default()
        };
        if !time.is_empty() {
            let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
            let mut tp = hms.split(':');
            dt.hour = num(&mut tp)? as u8;
            dt.minute = num(&mut tp)? as u8;
            dt.second = tp
                .next()
                .map(|v| v.parse::<u8>().map_err(|_| bad()))
                .transpose()?
                .unwrap_or(0);
            if !frac.is_empty() {
                if frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(bad());
                }
                dt.nanos = format!("{frac:0<9}").parse().map_err(|_| bad())?;
            }
        }
        dt.validate()?;
        Ok(dt)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.year < 0 {
            write!(f, "-{:04}", -self.year)?;
        } else {
            write!(f, "{:04}", self.year)?;
        }
        write!(
            f,
            "-{:02}-{:02} {:02}:{:02}:{:02}",
            self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

fn date_bytes(d: &DateTime) -> [u8; 7] {
    [
        (d.year.div_euclid(100) + 100) as u8,
        (d.year.rem_euclid(100) + 100) as u8,
        d.month,
        d.day,
        d.hour + 1,
        d.minute + 1,
        d.second + 1,
    ]
}

/// DATE: 7 bytes (fractions dropped).
pub fn encode_date(d: &DateTime) -> Vec<u8> {
    date_bytes(d).to_vec()
}

/// TIMESTAMP: 11 bytes, or 7 when there is no fraction (as clients send).
pub fn encode_timestamp(d: &DateTime) -> Vec<u8> {
    let mut b = date_bytes(d).to_vec();
    if d.nanos > 0 {
        b.extend_from_slice(&d.nanos.to_be_bytes());
    }
    b
}

/// TIMESTAMP WITH TIME ZONE of a local time and its offset east of UTC.
pub fn encode_timestamp_tz(local: &DateTime, offset_minutes: i32) -> Vec<u8> {
    let (secs, nanos) = local.to_epoch();
    let utc = DateTime::from_epoch(secs - offset_minutes as i64 * 60, nanos);
    let mut b = date_bytes(&utc).to_vec();
    b.extend_from_slice(&nanos.to_be_bytes());
    b.push((offset_minutes.div_euclid(60) + 20) as u8);
    b.push((offset_minutes.rem_euclid(60) + 60) as u8);
    b
}

/// DATE or TIMESTAMP bytes (7 or 11+).
pub fn decode(b: &[u8]) -> Result<DateTime, DateError> {
    if b.len() < 7 {
        return Err(DateError(format!("date of {} bytes", b.len())));
    }
    let dt = DateTime {
        year: (b[0] as i32 - 100) * 100 + (b[1] as i32 - 100),
        month: b[2],
        day: b[3],
        hour: b[4].wrapping_sub(1),
        minute: b[5].wrapping_sub(1),
        second: b[6].wrapping_sub(1),
        nanos: if b.len() >= 11 {
            u32::from_be_bytes([b[7], b[8], b[9], b[10]])
        } else {
            0
        },
    };
    dt.validate()?;
    Ok(dt)
}

/// Oracle's time-zone region numbers (the low 9 bits of a region id; the
/// bits above pick one of the region's names) that are UTC all year: GMT,
/// UTC and UCT. go-ora sends a Go time in time.UTC as region `UTC`.
const UTC_REGIONS: [u16; 3] = [1, 28, 29];

/// TIMESTAMP WITH TIME ZONE → (local time, offset minutes). A named region
/// is understood only when it is one of the UTC ones.
pub fn decode_timestamp_tz(b: &[u8]) -> Result<(DateTime, i32), DateError> {
    let utc = decode(b)?;
    if b.len() < 13 {
        return Ok((utc, 0));
    }
    if b[11] & 0x80 != 0 {
        let region = (u16::from(b[11] & 0x7f) << 6) | u16::from(b[12] >> 2);
        if UTC_REGIONS.contains(&(region & 0x1ff)) {
            return Ok((utc, 0));
        }
        return Err(DateError(format!(
            "time-zone region {region} is not supported (only UTC and GMT regions are)"
        )));
    }
    let offset = (b[11] as i32 - 20) * 60 + (b[12] as i32 - 60);
    let (secs, nanos) = utc.to_epoch();
    Ok((
        DateTime::from_epoch(secs + offset as i64 * 60, nanos),
        offset,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_oras_utc_region_is_offset_zero() {
        // go-ora v2.8.24 binding time.Date(2024, 2, 29, 13, 14, 15, 0,
        // time.UTC) (captured): UTC time, then region 5121 ("UTC").
        let b = [
            0x78, 0x7c, 0x02, 0x1d, 0x0e, 0x0f, 0x10, 0, 0, 0, 0, 0xd0, 0x04,
        ];
        let (local, offset) = decode_timestamp_tz(&b).unwrap();
        assert_eq!(
            (local.to_string(), offset),
            ("2024-02-29 13:14:15".into(), 0)
        );
        // Another name of region 1 (id 513, "GMT" in go-ora's table), and
        // region 405, which this server cannot place.
        let gmt = [
            0x78, 0x7c, 0x02, 0x1d, 0x0e, 0x0f, 0x10, 0, 0, 0, 0, 0x88, 0x04,
        ];
        assert_eq!(decode_timestamp_tz(&gmt).unwrap().1, 0);
        let other = [
            0x78, 0x7c, 0x02, 0x1d, 0x0e, 0x0f, 0x10, 0, 0, 0, 0, 0x86, 0x54,
        ];
        assert!(decode_timestamp_tz(&other).is_err());
    }

    #[test]
    fn canonical_fast_path_agrees_with_display() {
        for text in [
            "2024-01-31 23:59:58",
            "0001-02-03 04:05:06.5",
            "1999-12-31 00:00:00.123456789",
        ] {
            let d = DateTime::parse_canonical(text.as_bytes()).unwrap();
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(DateTime::parse_canonical(b"2024-02-30 00:00:00"), None);
        assert_eq!(DateTime::parse_canonical(b"2024-01-01 00:00:00."), None);
        assert_eq!(DateTime::parse_canonical(b"2024-01-01T00:00:00"), None);
        assert_eq!(
            DateTime::parse_iso("2024-01-01T00:00:00").unwrap().year,
            2024
        );
    }

    fn dt(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8, n: u32) -> DateTime {
        DateTime {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            nanos: n,
        }
    }

    #[test]
    fn date_bytes_are_oracles() {
        let d = dt(2024, 3, 5, 14, 7, 9, 0);
        assert_eq!(encode_date(&d), [120, 124, 3, 5, 15, 8, 10]);
        assert_eq!(decode(&encode_date(&d)).unwrap(), d);
        let t = dt(1999, 12, 31, 23, 59, 59, 123_456_789);
        let b = encode_timestamp(&t);
        assert_eq!(b.len(), 11);
        assert_eq!(decode(&b).unwrap(), t);
        assert_eq!(encode_timestamp(&d).len(), 7);
    }

    #[test]
    fn time_zone_round_trip() {
        let local = dt(2024, 1, 1, 1, 30, 0, 5);
        for off in [0, 60, -300, 330, 840, -720] {
            let (back, o) = decode_timestamp_tz(&encode_timestamp_tz(&local, off)).unwrap();
            assert_eq!((back, o), (local, off));
        }
        let b = encode_timestamp_tz(&local, 60);
        assert_eq!(&b[..7], &[120, 124, 1, 1, 1, 31, 1]);
    }

    #[test]
    fn epoch_and_text() {
        let d = dt(1970, 1, 1, 0, 0, 0, 0);
        assert_eq!(d.to_epoch(), (0, 0));
        let t = dt(2000, 2, 29, 12, 0, 1, 500_000_000);
        let (s, n) = t.to_epoch();
        assert_eq!(DateTime::from_epoch(s, n), t);
        assert_eq!(t.to_string(), "2000-02-29 12:00:01.5");
        assert_eq!(DateTime::parse_iso("2000-02-29 12:00:01.5").unwrap(), t);
        assert_eq!(DateTime::parse_iso("2000-02-29T12:00:01.500").unwrap(), t);
        assert_eq!(
            DateTime::parse_iso("2024-03-05").unwrap(),
            dt(2024, 3, 5, 0, 0, 0, 0)
        );
        assert!(DateTime::parse_iso("2023-02-29").is_err());
        assert!(DateTime::parse_iso("garbage").is_err());
    }

    #[test]
    fn invalid_bytes_are_errors() {
        assert!(decode(&[120, 124, 13, 1, 1, 1, 1]).is_err());
        assert!(decode(&[120, 124, 2, 30, 1, 1, 1]).is_err());
        assert!(decode(&[120]).is_err());
        assert!(decode(&[120, 124, 1, 1, 0, 1, 1]).is_err());
    }
}
