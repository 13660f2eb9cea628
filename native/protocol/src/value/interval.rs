//! INTERVAL DAY TO SECOND (type 183, 11 bytes) and INTERVAL YEAR TO MONTH
//! (type 182, 5 bytes) on the wire.
//!
//! Both store each field excess-coded so that negative values sort below
//! positive ones: the leading field (days, years) as a big-endian u32 offset
//! by 2^31, the small fields (hours, minutes, seconds, months) as one byte
//! offset by 60, and DS's fractional seconds (nanoseconds) as another u32
//! offset by 2^31. Oracle sends every field with the interval's sign;
//! clients may not (python-oracledb sends `timedelta(days=-1, seconds=1)` as
//! days -1 and seconds +1), so a value is the sum of its fields.

use super::ValueError;

/// Offset of the 4-byte fields.
const MID: i64 = 0x8000_0000;
/// Offset of the 1-byte fields.
const SMALL: i32 = 60;
const NS_PER_SEC: i128 = 1_000_000_000;
const NS_PER_DAY: i128 = 86_400 * NS_PER_SEC;
/// Oracle's widest leading precision is 9 digits.
const MAX_LEADING: i128 = 999_999_999;

pub const DS_SIZE: usize = 11;
pub const YM_SIZE: usize = 5;

/// An INTERVAL DAY TO SECOND, field by field; `nanos` is the fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntervalDS {
    pub days: i32,
    pub hours: i32,
    pub minutes: i32,
    pub seconds: i32,
    pub nanos: i32,
}

/// An INTERVAL YEAR TO MONTH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntervalYM {
    pub years: i32,
    pub months: i32,
}

fn invalid(what: &str) -> ValueError {
    ValueError::new(3115, format!("invalid {what} value"))
}

fn overflow() -> ValueError {
    ValueError::new(
        1873,
        "ORA-01873: the leading precision of the interval is too small",
    )
}

fn u32_field(b: &[u8]) -> i64 {
    i64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])) - MID
}

fn small_field(b: u8, max: i32, what: &str) -> Result<i32, ValueError> {
    let v = i32::from(b) - SMALL;
    if v.abs() > max {
        return Err(invalid(what));
    }
    Ok(v)
}

fn put_u32(out: &mut Vec<u8>, v: i32) {
    out.extend_from_slice(&((i64::from(v) + MID) as u32).to_be_bytes());
}

impl IntervalDS {
    /// The interval of `ns` nanoseconds, every field with its sign; an
    /// error past Oracle's 9-digit days.
    pub fn from_nanos(ns: i128) -> Result<Self, ValueError> {
        let sg = if ns < 0 { -1 } else { 1 };
        // Unsigned, so that even i128::MIN is an overflow and not a wrap.
        let a = ns.unsigned_abs();
        let days = a / NS_PER_DAY as u128;
        if days > MAX_LEADING as u128 {
            return Err(overflow());
        }
        let r = a % NS_PER_DAY as u128;
        let secs = r / NS_PER_SEC as u128;
        Ok(IntervalDS {
            days: sg * days as i32,
            hours: sg * (secs / 3600) as i32,
            minutes: sg * (secs / 60 % 60) as i32,
            seconds: sg * (secs % 60) as i32,
            nanos: sg * (r % NS_PER_SEC as u128) as i32,
        })
    }

    /// The whole interval in nanoseconds (the sum of its fields).
    pub fn total_nanos(&self) -> i128 {
        i128::from(self.days) * NS_PER_DAY
            + (i128::from(self.hours) * 3600 + i128::from(self.minutes) * 60) * NS_PER_SEC
            + i128::from(self.seconds) * NS_PER_SEC
            + i128::from(self.nanos)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(DS_SIZE);
        put_u32(&mut out, self.days);
        for f in [self.hours, self.minutes, self.seconds] {
            out.push((f + SMALL) as u8);
        }
        put_u32(&mut out, self.nanos);
        out
    }

    pub fn decode(b: &[u8]) -> Result<Self, ValueError> {
        let what = "INTERVAL DAY TO SECOND";
        if b.len() != DS_SIZE {
            return Err(invalid(what));
        }
        let days = u32_field(&b[0..4]);
        let nanos = u32_field(&b[7..11]);
        if days.abs() > MAX_LEADING as i64 || nanos.abs() >= NS_PER_SEC as i64 {
            return Err(invalid(what));
        }
        Ok(IntervalDS {
            days: days as i32,
            hours: small_field(b[4], 23, what)?,
            minutes: small_field(b[5], 59, what)?,
            seconds: small_field(b[6], 59, what)?,
            nanos: nanos as i32,
        })
    }
}

impl IntervalYM {
    /// The interval of `months` months, both fields with its sign.
    pub fn from_months(months: i64) -> Result<Self, ValueError> {
        let years = months / 12;
        if years.abs() > MAX_LEADING as i64 {
            return Err(overflow());
        }
        Ok(IntervalYM {
            years: years as i32,
            months: (months % 12) as i32,
        })
    }

    pub fn total_months(&self) -> i64 {
        i64::from(self.years) * 12 + i64::from(self.months)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(YM_SIZE);
        put_u32(&mut out, self.years);
        out.push((self.months + SMALL) as u8);
        out
    }

    pub fn decode(b: &[u8]) -> Result<Self, ValueError> {
        let what = "INTERVAL YEAR TO MONTH";
        if b.len() != YM_SIZE {
            return Err(invalid(what));
        }
        let years = u32_field(&b[0..4]);
        if years.abs() > MAX_LEADING as i64 {
            return Err(invalid(what));
        }
        Ok(IntervalYM {
            years: years as i32,
            months: small_field(b[4], 11, what)?,
        })
    }
}

/// Oracle's display form at full precision, `+01 02:03:04.500000000`.
impl std::fmt::Display for IntervalDS {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = IntervalDS::from_nanos(self.total_nanos()).unwrap_or(*self);
        let sg = if self.total_nanos() < 0 { '-' } else { '+' };
        write!(
            f,
            "{sg}{:02} {:02}:{:02}:{:02}.{:09}",
            n.days.unsigned_abs(),
            n.hours.unsigned_abs(),
            n.minutes.unsigned_abs(),
            n.seconds.unsigned_abs(),
            n.nanos.unsigned_abs()
        )
    }
}

/// Oracle's display form, `-01-02`.
impl std::fmt::Display for IntervalYM {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.total_months();
        let sg = if m < 0 { '-' } else { '+' };
        let a = m.unsigned_abs();
        write!(f, "{sg}{:02}-{:02}", a / 12, a % 12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Golden bytes: what python-oracledb 4.0.2 sent for `select :1 from dual`
    // binds (captured by a TCP proxy between it and the test server; each
    // followed the length byte 0x0b or 0x05 in the execute message).
    // timedelta(days=5, hours=5, minutes=10, seconds=15), test_1800's bind:
    const DS_5_05_10_15: [u8; 11] = [0x80, 0, 0, 5, 65, 70, 75, 0x80, 0, 0, 0];

    #[test]
    fn day_to_second_golden_bytes() {
        let v = IntervalDS {
            days: 5,
            hours: 5,
            minutes: 10,
            seconds: 15,
            nanos: 0,
        };
        assert_eq!(v.encode(), DS_5_05_10_15);
        assert_eq!(IntervalDS::decode(&DS_5_05_10_15).unwrap(), v);
        // timedelta(days=-1, seconds=86314, microseconds=431152) (test_1811):
        // days negative, the rest not.
        let py = [0x7f, 0xff, 0xff, 0xff, 83, 118, 94, 0x99, 0xb2, 0xdb, 0x80];
        let d = IntervalDS::decode(&py).unwrap();
        assert_eq!(
            (d.days, d.hours, d.minutes, d.seconds, d.nanos),
            (-1, 23, 58, 34, 431_152_000)
        );
        assert_eq!(d.total_nanos(), -85_568_848_000);
        // Oracle's own form of the same value: every field negative.
        let n = IntervalDS::from_nanos(d.total_nanos()).unwrap();
        assert_eq!(
            (n.days, n.hours, n.minutes, n.seconds, n.nanos),
            (0, 0, -1, -25, -568_848_000)
        );
        assert_eq!(IntervalDS::decode(&n.encode()).unwrap(), n);
        assert_eq!(n.to_string(), "-00 00:01:25.568848000");
    }

    #[test]
    fn year_to_month_golden_bytes() {
        let v = IntervalYM {
            years: -25,
            months: -7,
        };
        let b = v.encode();
        // python-oracledb's IntervalYM(-25, -7), captured as above.
        assert_eq!(b, [0x7f, 0xff, 0xff, 0xe7, 0x35]);
        assert_eq!(IntervalYM::decode(&b).unwrap(), v);
        assert_eq!(v.to_string(), "-25-07");
        assert_eq!(IntervalYM::from_months(-307).unwrap(), v);
        assert_eq!(
            IntervalYM::decode(&[0x80, 0, 0, 1, 66]).unwrap(),
            IntervalYM {
                years: 1,
                months: 6
            }
        );
    }

    #[test]
    fn round_trips_and_bad_bytes() {
        for ns in [
            0i128,
            1,
            -1,
            NS_PER_DAY * 999_999_999 + NS_PER_DAY - 1,
            -NS_PER_DAY * 3 - 7,
        ] {
            let v = IntervalDS::from_nanos(ns).unwrap();
            assert_eq!(IntervalDS::decode(&v.encode()).unwrap().total_nanos(), ns);
        }
        for m in [0i64, 11, -11, 12 * 999_999_999 + 11, -13] {
            let v = IntervalYM::from_months(m).unwrap();
            assert_eq!(IntervalYM::decode(&v.encode()).unwrap().total_months(), m);
        }
        for far in [NS_PER_DAY * 1_000_000_000, i128::MIN, i128::MAX] {
            assert_eq!(IntervalDS::from_nanos(far).unwrap_err().code, 1873);
        }
        assert_eq!(
            IntervalYM::from_months(12_000_000_000).unwrap_err().code,
            1873
        );
        // Wrong length, an hour of 24, a fraction of a whole second.
        assert!(IntervalDS::decode(&DS_5_05_10_15[..10]).is_err());
        let mut b = DS_5_05_10_15;
        b[4] = 60 + 24;
        assert_eq!(IntervalDS::decode(&b).unwrap_err().code, 3115);
        let mut b = DS_5_05_10_15;
        b[7..].copy_from_slice(&(0x8000_0000u32 + 1_000_000_000).to_be_bytes());
        assert!(IntervalDS::decode(&b).is_err());
        assert!(IntervalYM::decode(&[0x80, 0, 0, 1, 72]).is_err());
        assert!(IntervalYM::decode(&[0xff; 5]).is_err());
    }
}
