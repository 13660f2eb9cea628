//! Numbers as the engine stores them: SQLite INTEGER when integral and in
//! range, REAL when a 15-digit double holds the value, TEXT otherwise. Text
//! output uses at most 15 significant digits for REALs, so binary noise
//! (0.1 + 0.2) never reaches clients.

use rusqlite::types::{Value as Sql, ValueRef};

/// The decimal digits of 0..=99, two by two.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// `i.to_string()` without the formatting machinery: a fetch converts every
/// INTEGER it sends this way, and `Display` was a third of that conversion.
/// Two digits a step, from a table.
pub fn int_text(i: i64) -> String {
    let mut digits = [0u8; 21];
    let mut n = i.unsigned_abs();
    let mut at = digits.len();
    while n >= 100 {
        let k = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[k..k + 2]);
    }
    if n >= 10 {
        let k = n as usize * 2;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[k..k + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + n as u8;
    }
    if i < 0 {
        at -= 1;
        digits[at] = b'-';
    }
    // Copied whole: pushing the digits one char at a time was most of this function.
    String::from_utf8(digits[at..].to_vec()).unwrap_or_default()
}

/// A number read from SQLite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    I(i128),
    F(f64),
}

impl Num {
    pub fn to_f64(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }
    pub fn is_zero(self) -> bool {
        match self {
            Num::I(i) => i == 0,
            Num::F(f) => f == 0.0,
        }
    }
    /// Back into SQLite storage.
    pub fn into_sql(self) -> Sql {
        match self {
            Num::I(i) => match i64::try_from(i) {
                Ok(v) => Sql::Integer(v),
                Err(_) => Sql::Text(i.to_string()),
            },
            Num::F(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Sql::Integer(f as i64),
            Num::F(f) => Sql::Real(f),
        }
    }
}

/// Parses decimal text the way Oracle's implicit conversion does.
pub fn parse(s: &str) -> Option<Num> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(i) = t.parse::<i128>() {
        return Some(Num::I(i));
    }
    let ok = t
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !ok {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite()).map(Num::F)
}

pub fn from_ref(v: ValueRef) -> Result<Option<Num>, String> {
    Ok(match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(Num::I(i as i128)),
        ValueRef::Real(f) => Some(Num::F(f)),
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            if s.trim().is_empty() {
                None
            } else {
                Some(parse(&s).ok_or_else(|| "ORA-01722: invalid number".to_string())?)
            }
        }
        ValueRef::Blob(_) => {
            return Err("ORA-00932: inconsistent datatypes: expected NUMBER got BINARY".into())
        }
    })
}

/// Shortest text with at most 15 significant digits (plain notation).
pub fn f64_text(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    // Fast path: the shortest round-trip text, when it has at most 15
    // significant digits, is exactly what rounding to 15 digits gives.
    if let Some(text) = few_decimals(f) {
        return text;
    }
    if f.is_finite() && f.abs() < 1e15 && f.abs() >= 1e-6 {
        let short = format!("{f}");
        let sig = short
            .bytes()
            .filter(u8::is_ascii_digit)
            .skip_while(|c| *c == b'0')
            .count();
        if sig <= 15 {
            return short;
        }
    }
    f64_text_rounded(f)
}

/// What `format!("{f}")` gives for a double that is a decimal of at most 6
/// places under 1e9 (prices, quarters: most REALs a table holds), without
/// the shortest-digits search, which was most of a fetched REAL's cost.
/// The fewest places that read back as `f` are its shortest text: under
/// 1e9 two decimals of 6 places are further apart than two doubles.
fn few_decimals(f: f64) -> Option<String> {
    if f.is_nan() || f.abs() >= 1e9 {
        return None;
    }
    let mut scale = 1.0;
    for places in 0..=6usize {
        let m = (f * scale).round();
        if m / scale == f {
            let digits = int_text(m.abs() as i64);
            let mut text = String::with_capacity(digits.len() + 3);
            if f < 0.0 {
                text.push('-');
            }
            if places == 0 {
                text.push_str(&digits);
                return Some(text);
            }
            let pad = (places + 1).saturating_sub(digits.len());
            let padded = "0".repeat(pad) + &digits;
            let (whole, frac) = padded.split_at(padded.len() - places);
            text.push_str(whole);
            text.push('.');
            text.push_str(frac);
            return Some(text);
        }
        scale *= 10.0;
    }
    None
}

/// `f` rounded to 15 significant digits, as plain decimal text.
fn f64_text_rounded(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let sci = format!("{:.14e}", f);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let point = exp + 1;
    let n = digits.len() as i32;
    let mut s = String::new();
    if negative {
        s.push('-');
    }
    if point <= 0 {
        s.push_str("0.");
        s.push_str(&"0".repeat((-point) as usize));
        s.push_str(digits);
    } else if point >= n {
        s.push_str(digits);
        s.push_str(&"0".repeat((point - n) as usize));
    } else {
        s.push_str(&digits[..point as usize]);
        s.push('.');
        s.push_str(&digits[point as usize..]);
    }
    s
}

/// Storage for an exact decimal given as text.
pub fn storage_of_text(s: &str) -> Sql {
    if let Ok(i) = s.parse::<i64>() {
        return Sql::Integer(i);
    }
    let digits = s.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    match s.parse::<f64>() {
        Ok(f) if significant <= 15 && f.is_finite() && f != 0.0 => Sql::Real(f),
        _ => Sql::Text(s.to_string()),
    }
}

pub fn sub(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::I(x), Num::I(y)) => x
            .checked_sub(y)
            .map(Num::I)
            .unwrap_or(Num::F(x as f64 - y as f64)),
        _ => Num::F(a.to_f64() - b.to_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_decimals_is_display() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let places = (x >> 60) as i32 % 8;
            let m = (x % 2_000_000_000_000) as f64 - 1e12;
            for f in [
                m / 10f64.powi(places),
                m / 4.0,
                1.0 / m,
                (x >> 11) as f64 / 7.0,
            ] {
                if let Some(t) = few_decimals(f) {
                    assert_eq!(t, format!("{f}"), "{f:e}");
                }
            }
        }
        assert_eq!(few_decimals(0.25).as_deref(), Some("0.25"));
        assert_eq!(few_decimals(-0.5).as_deref(), Some("-0.5"));
        assert_eq!(few_decimals(-12.0).as_deref(), Some("-12"));
        assert_eq!(few_decimals(0.000001).as_deref(), Some("0.000001"));
        assert_eq!(few_decimals(1e-7), None);
        assert_eq!(few_decimals(f64::NAN), None);
        assert_eq!(few_decimals(1e9), None);
    }

    #[test]
    fn int_text_is_display() {
        for i in [
            0,
            7,
            -7,
            10,
            -100,
            123_456_789,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            assert_eq!(int_text(i), i.to_string());
        }
        // Every digit count, odd and even, at its edges.
        for i in -10_000..=10_000i64 {
            assert_eq!(int_text(i), i.to_string());
        }
        for k in 0..19 {
            let p = 10i64.pow(k);
            for i in [p - 1, p, p + 1, -p + 1, -p, -p - 1] {
                assert_eq!(int_text(i), i.to_string());
            }
        }
    }

    #[test]
    fn float_text_fast_path_matches_rounding() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            // xorshift: spread over magnitudes and digit counts.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mant = (x % 1_000_000_000) as f64;
            let scale = 10f64.powi((x >> 40) as i32 % 12 - 6);
            for f in [mant * scale, mant / 7.0 * scale, -(mant / 4.0)] {
                assert_eq!(f64_text(f), f64_text_rounded(f), "{f:e}");
            }
        }
    }

    #[test]
    fn float_text_hides_binary_noise() {
        assert_eq!(f64_text(0.1 + 0.2), "0.3");
        assert_eq!(f64_text(-2.5), "-2.5");
        assert_eq!(f64_text(1e-130), format!("0.{}1", "0".repeat(129)));
        assert_eq!(f64_text(9.99e125), format!("999{}", "0".repeat(123)));
        assert_eq!(f64_text(123.456), "123.456");
    }

    #[test]
    fn storage_keeps_every_digit() {
        assert_eq!(
            storage_of_text("12345678901234567890123456789012345678"),
            Sql::Text("12345678901234567890123456789012345678".into())
        );
        assert_eq!(storage_of_text("0.1"), Sql::Real(0.1));
        assert_eq!(storage_of_text("-1"), Sql::Integer(-1));
    }
}
