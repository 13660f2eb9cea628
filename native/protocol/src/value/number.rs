//! NUMBER: base-100 with an excess-64 exponent byte. Positive values store
//! digit+1 per mantissa byte; negative values store 101-digit, invert the
//! exponent byte and end with 102 when shorter than 20 bytes.
//!
//! Text form used across the crate: plain decimal, no exponent, no `+`, no
//! trailing zeros ("0", "-0.5", "123").

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError(pub String);

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NumberError {}

const MAX_MANTISSA: usize = 20;
/// Most significant decimal digits a NUMBER keeps.
const MAX_DIGITS: usize = 40;

/// Parsed decimal: digits (no leading/trailing zeros) and the power of ten
/// of the first digit's position: value = 0.d1d2d3... × 10^point.
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    point: i32,
}

fn parse_decimal(s: &str) -> Result<Decimal, NumberError> {
    let bad = || NumberError(format!("invalid number \"{s}\""));
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i32>().map_err(|_| bad())?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    let mut digits = Vec::with_capacity(int.len() + frac.len());
    for c in int.bytes().chain(frac.bytes()) {
        if !c.is_ascii_digit() {
            return Err(bad());
        }
        digits.push(c - b'0');
    }
    let mut point = int.len() as i32 + exp;
    let lead = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..lead);
    point -= lead as i32;
    while digits.last() == Some(&0) {
        digits.pop();
    }
    Ok(Decimal {
        negative,
        digits,
        point,
    })
}

/// Rounds the digit string at `MAX_DIGITS`, half away from zero.
fn round_at_max(digits: &mut Vec<u8>, point: &mut i32) {
    let up = digits[MAX_DIGITS] >= 5;
    digits.truncate(MAX_DIGITS);
    if up {
        let mut i = MAX_DIGITS;
        loop {
            if i == 0 {
                digits.insert(0, 1);
                *point += 1;
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    let lead = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..lead);
    *point -= lead as i32;
}

fn encode_decimal(d: Decimal) -> Result<Vec<u8>, NumberError> {
    let mut digits = d.digits;
    let mut point = d.point;
    // Align to base-100 (the exponent counts digit pairs), then keep at most
    // 20 pairs: 38 to 40 significant digits depending on the alignment.
    loop {
        if digits.is_empty() {
            return Ok(vec![0x80]);
        }
        if point.rem_euclid(2) != 0 {
            digits.insert(0, 0);
            point += 1;
        }
        if digits.len() <= MAX_DIGITS {
            break;
        }
        round_at_max(&mut digits, &mut point);
    }
    let exp100 = point / 2;
    if exp100 > 63 {
        return Err(NumberError(
            "numeric overflow: value is 1e126 or more".into(),
        ));
    }
    if exp100 < -64 {
        return Ok(vec![0x80]);
    }
    if digits.len() % 2 == 1 {
        digits.push(0);
    }
    let mut pairs: Vec<u8> = digits.chunks(2).map(|p| p[0] * 10 + p[1]).collect();
    pairs.truncate(MAX_MANTISSA);
    while pairs.last() == Some(&0) {
        pairs.pop();
    }
    let exp_byte = (exp100 + 64 + 128) as u8;
    let mut out = Vec::with_capacity(pairs.len() + 2);
    if d.negative {
        out.push(!exp_byte);
        out.extend(pairs.iter().map(|p| 101 - p));
        if pairs.len() < MAX_MANTISSA {
            out.push(102);
        }
    } else {
        out.push(exp_byte);
        out.extend(pairs.iter().map(|p| p + 1));
    }
    Ok(out)
}

/// Decimal text (`-123.45`, `1e-130`, `9.99E125`) to NUMBER bytes.
pub fn encode_str(s: &str) -> Result<Vec<u8>, NumberError> {
    // Integers are the common case: no digit vector needed.
    if s.len() <= 18 {
        if let Ok(i) = s.parse::<i64>() {
            return Ok(encode_i64(i));
        }
    }
    encode_decimal(parse_decimal(s)?)
}

pub fn encode_i64(v: i64) -> Vec<u8> {
    if v == 0 {
        return vec![0x80];
    }
    let mut pairs = [0u8; 10];
    let mut n = v.unsigned_abs();
    let mut len = 0;
    while n > 0 {
        pairs[len] = (n % 100) as u8;
        n /= 100;
        len += 1;
    }
    let exp100 = len as i32;
    let mut digits: Vec<u8> = pairs[..len].iter().rev().copied().collect();
    while digits.last() == Some(&0) {
        digits.pop();
    }
    let exp_byte = (exp100 + 64 + 128) as u8;
    let mut out = Vec::with_capacity(digits.len() + 2);
    if v < 0 {
        out.push(!exp_byte);
        out.extend(digits.iter().map(|p| 101 - p));
        out.push(102);
    } else {
        out.push(exp_byte);
        out.extend(digits.iter().map(|p| p + 1));
    }
    out
}

/// Shortest round-trip decimal of `v` to NUMBER bytes.
pub fn encode_f64(v: f64) -> Result<Vec<u8>, NumberError> {
    if !v.is_finite() {
        return Err(NumberError(format!("{v} cannot be stored in a NUMBER")));
    }
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        return Ok(encode_i64(v as i64));
    }
    // `{:e}` is Rust's shortest round-trip form with an exponent.
    encode_str(&format!("{v:e}"))
}

/// (negative, base-100 pairs, exponent of the first pair).
fn split(b: &[u8]) -> Result<Option<(bool, Vec<u8>, i32)>, NumberError> {
    let Some(&first) = b.first() else {
        return Err(NumberError("empty NUMBER".into()));
    };
    if b.len() > MAX_MANTISSA + 2 {
        return Err(NumberError(format!("NUMBER of {} bytes", b.len())));
    }
    if first == 0x80 && b.len() == 1 {
        return Ok(None);
    }
    let negative = first & 0x80 == 0;
    if negative && b.len() == 1 {
        // A lone 0x00 is -1e126 (negative infinity in old releases).
        return Ok(Some((true, vec![1], 64)));
    }
    let exp_byte = if negative { !first } else { first };
    let exp = exp_byte as i32 - 128 - 64;
    let mut mant = &b[1..];
    if negative && mant.last() == Some(&102) {
        mant = &mant[..mant.len() - 1];
    }
    let mut pairs = Vec::with_capacity(mant.len());
    for &m in mant {
        let p = if negative {
            101i32 - m as i32
        } else {
            m as i32 - 1
        };
        if !(0..=99).contains(&p) {
            return Err(NumberError(format!("invalid NUMBER mantissa byte {m}")));
        }
        pairs.push(p as u8);
    }
    Ok(Some((negative, pairs, exp)))
}

/// NUMBER bytes to canonical decimal text.
pub fn decode_str(b: &[u8]) -> Result<String, NumberError> {
    let Some((negative, pairs, exp)) = split(b)? else {
        return Ok("0".into());
    };
    let mut digits = Vec::with_capacity(pairs.len() * 2);
    for p in &pairs {
        digits.push(b'0' + p / 10);
        digits.push(b'0' + p % 10);
    }
    // value = 0.p1p2... × 100^exp: the point sits after exp*2 digits.
    let mut point = exp * 2;
    let lead = digits.iter().take_while(|d| **d == b'0').count();
    digits.drain(..lead);
    point -= lead as i32;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() {
        return Ok("0".into());
    }
    let mut s = String::with_capacity(digits.len() + 4);
    if negative {
        s.push('-');
    }
    let n = digits.len() as i32;
    if point <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-point) as usize));
        s.push_str(std::str::from_utf8(&digits).unwrap_or("0"));
    } else if point >= n {
        s.push_str(std::str::from_utf8(&digits).unwrap_or("0"));
        s.extend(std::iter::repeat_n('0', (point - n) as usize));
    } else {
        let (i, f) = digits.split_at(point as usize);
        s.push_str(std::str::from_utf8(i).unwrap_or("0"));
        s.push('.');
        s.push_str(std::str::from_utf8(f).unwrap_or("0"));
    }
    Ok(s)
}

/// Integer value if the NUMBER is integral and fits an i64.
pub fn decode_i64(b: &[u8]) -> Option<i64> {
    let (negative, pairs, exp) = split(b).ok()?.unwrap_or((false, Vec::new(), 0));
    if pairs.is_empty() {
        return Some(0);
    }
    if exp <= 0 || pairs.len() as i32 > exp || exp > 10 {
        return None;
    }
    let mut v: i128 = 0;
    for i in 0..exp as usize {
        v = v * 100 + *pairs.get(i).unwrap_or(&0) as i128;
    }
    let v = if negative { -v } else { v };
    i64::try_from(v).ok()
}

/// Correctly rounded f64 of the NUMBER.
pub fn decode_f64(b: &[u8]) -> Result<f64, NumberError> {
    // Integers up to 15 digits are exact in f64: no text detour.
    if b.len() <= 9 {
        if let Some(i) = decode_i64(b) {
            if i.unsigned_abs() < (1 << 53) {
                return Ok(i as f64);
            }
        }
    }
    decode_str(b)?
        .parse::<f64>()
        .map_err(|e| NumberError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN: &[(&str, &[u8])] = &[
        ("1", &[0xC1, 0x02]),
        ("100", &[0xC2, 0x02]),
        ("12345", &[0xC3, 0x02, 0x18, 0x2E]),
        ("123.45", &[0xC2, 0x02, 0x18, 0x2E]),
        ("1.5", &[0xC1, 0x02, 0x33]),
        ("0.001", &[0xBF, 0x0B]),
        ("-1", &[0x3E, 0x64, 0x66]),
        ("-123.45", &[0x3D, 0x64, 0x4E, 0x38, 0x66]),
        ("0", &[0x80]),
    ];

    #[test]
    fn golden_bytes_both_ways() {
        for (text, bytes) in GOLDEN {
            assert_eq!(encode_str(text).unwrap(), *bytes, "encode {text}");
            assert_eq!(decode_str(bytes).unwrap(), *text, "decode {text}");
        }
    }

    fn canonical(s: &str) -> String {
        decode_str(&encode_str(s).unwrap()).unwrap()
    }

    #[test]
    fn edge_values_round_trip_exactly() {
        assert_eq!(canonical("0.1"), "0.1");
        assert_eq!(canonical("-0.1"), "-0.1");
        let tiny = format!("0.{}1", "0".repeat(129));
        assert_eq!(canonical("1e-130"), tiny);
        assert_eq!(canonical("-1E-130"), format!("-{tiny}"));
        assert_eq!(canonical("9.99e125"), format!("999{}", "0".repeat(123)));
        let big = "12345678901234567890123456789012345678";
        assert_eq!(canonical(big), big);
        assert_eq!(canonical(&format!("-{big}")), format!("-{big}"));
        assert_eq!(canonical("+5"), "5");
        assert_eq!(canonical("000.5000"), "0.5");
    }

    #[test]
    fn overflow_and_bad_text_are_errors() {
        assert!(encode_str("1e126").is_err());
        assert!(encode_str("abc").is_err());
        assert!(encode_str("1.2.3").is_err());
        assert!(encode_str("").is_err());
        assert_eq!(encode_str("1e-131").unwrap(), vec![0x80]);
        assert!(decode_str(&[]).is_err());
        assert!(decode_str(&[0xC1; 30]).is_err());
        assert!(decode_str(&[0xC1, 0xFF]).is_err());
    }

    #[test]
    fn integers_and_floats() {
        for v in [
            0i64,
            1,
            -1,
            99,
            100,
            -100,
            123456789,
            i64::MAX,
            i64::MIN + 1,
            1 << 53,
        ] {
            let b = encode_i64(v);
            assert_eq!(b, encode_str(&v.to_string()).unwrap(), "{v}");
            assert_eq!(decode_i64(&b), Some(v));
            assert_eq!(decode_str(&b).unwrap(), v.to_string());
        }
        assert_eq!(decode_i64(&encode_str("1.5").unwrap()), None);
        for v in [
            0.1f64,
            -2.5,
            1e-130,
            9.99e125,
            123.456,
            1e21,
            f64::MIN_POSITIVE * 1e200,
        ] {
            let b = encode_f64(v).unwrap();
            assert_eq!(decode_f64(&b).unwrap(), v, "{v}");
        }
        assert!(encode_f64(f64::NAN).is_err());
        assert!(encode_f64(f64::INFINITY).is_err());
    }

    #[test]
    fn rounding_to_forty_digits() {
        // 1e40+5 needs 21 base-100 pairs; the 21st is dropped.
        let s = format!("1{}5", "0".repeat(39));
        assert_eq!(canonical(&s), format!("1{}", "0".repeat(40)));
        let s = format!("1{}5", "0".repeat(38));
        assert_eq!(canonical(&s), s);
        assert_eq!(canonical(&"9".repeat(45)), format!("1{}", "0".repeat(45)));
    }

    #[test]
    fn generated_values_round_trip() {
        let mut seed = 0x2545F4914F6CDD1Du64;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let ndigits = (seed % 38) as usize + 1;
            let digits: String = (0..ndigits)
                .map(|i| char::from(b'0' + ((seed >> (i % 60)) % 10) as u8))
                .collect();
            let exp = ((seed >> 20) % 170) as i32 - 90;
            let text = format!("{}{}e{}", if seed & 1 == 1 { "-" } else { "" }, digits, exp);
            let once = canonical(&text);
            assert_eq!(canonical(&once), once, "{text}");
            assert_eq!(
                once.parse::<f64>().unwrap(),
                text.parse::<f64>().unwrap(),
                "{text}"
            );
        }
    }
}
