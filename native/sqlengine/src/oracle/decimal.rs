//! Oracle NUMBER values: exact decimal arithmetic with Oracle's precision
//! (20 base-100 digits, so 38-40 decimal digits) and range (|x| < 1e126,
//! anything below 1e-130 becomes 0).
//!
//! Arithmetic lives in `decimal_arith.rs`, rounding in `decimal_round.rs`.

use std::cmp::Ordering;

use super::decimal_round::{round_mag, RoundMode};
use super::digits;
use super::OraFnError;

/// One Oracle NUMBER (never NaN or infinite, no negative zero).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OraDecimal {
    /// True for values below zero; always false for zero.
    pub(crate) neg: bool,
    /// Coefficient digits, most significant first, without leading or
    /// trailing zeros; empty for zero.
    pub(crate) coef: Vec<u8>,
    /// Value = coef × 10^exp; 0 for zero.
    pub(crate) exp: i32,
}

/// Oracle stores at most 20 base-100 mantissa digits.
const BASE100_DIGITS: i32 = 20;
/// Magnitudes of 1e126 and above raise ORA-01426.
const MAX_PLACE: i32 = 125;
/// Magnitudes below 1e-130 become zero.
const MIN_PLACE: i32 = -130;

impl OraDecimal {
    pub(crate) fn zero() -> Self {
        OraDecimal {
            neg: false,
            coef: Vec::new(),
            exp: 0,
        }
    }

    /// Builds a value without precision rounding or range checks; only
    /// strips zeros so that equal values compare equal.
    pub(crate) fn raw(neg: bool, coef: Vec<u8>, exp: i32) -> Self {
        let mut coef = digits::trim(coef);
        let mut exp = exp;
        while coef.last() == Some(&0) {
            coef.pop();
            exp += 1;
        }
        if coef.is_empty() {
            return Self::zero();
        }
        OraDecimal { neg, coef, exp }
    }

    /// Builds a value the way Oracle stores a computed NUMBER: rounded to
    /// 20 base-100 digits (half away from zero), range-checked.
    pub(crate) fn normalized(neg: bool, coef: Vec<u8>, exp: i32) -> Result<Self, OraFnError> {
        let v = Self::raw(neg, coef, exp);
        if v.is_zero() {
            return Ok(v);
        }
        let msd = v.msd_place();
        // The mantissa starts at the base-100 digit holding the leading
        // decimal digit; 20 such digits reach down to `keep`.
        let keep = 2 * msd.div_euclid(2) - 2 * (BASE100_DIGITS - 1);
        let (coef, exp) = round_mag(&v.coef, v.exp, keep, RoundMode::HalfUp);
        let v = Self::raw(neg, coef, exp);
        if v.is_zero() || v.msd_place() < MIN_PLACE {
            return Ok(Self::zero());
        }
        if v.msd_place() > MAX_PLACE {
            return Err(OraFnError::overflow());
        }
        Ok(v)
    }

    /// Decimal place of the leading digit (0 for units, -1 for tenths); 0 for zero.
    pub(crate) fn msd_place(&self) -> i32 {
        self.exp + self.coef.len() as i32 - 1
    }

    /// Parses Oracle numeric text: optional sign, digits with an optional
    /// point, optional exponent; surrounding blanks are ignored.
    pub fn parse(s: &str) -> Result<OraDecimal, OraFnError> {
        let t = s.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\n' || c == '\r');
        let b = t.as_bytes();
        let mut i = 0;
        let neg = match b.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let mut coef = Vec::new();
        let mut frac_len: i64 = 0;
        let mut seen_point = false;
        let mut mantissa_digits = 0;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    coef.push(c - b'0');
                    mantissa_digits += 1;
                    if seen_point {
                        frac_len += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if mantissa_digits == 0 {
            return Err(OraFnError::invalid_number());
        }
        let mut exponent: i64 = 0;
        if i < b.len() {
            exponent = parse_exponent(&b[i..])?;
        }
        let exp = (exponent - frac_len).clamp(-100_000, 100_000) as i32;
        Self::normalized(neg, coef, exp)
    }

    pub fn from_i64(v: i64) -> OraDecimal {
        let coef = v
            .unsigned_abs()
            .to_string()
            .bytes()
            .map(|c| c - b'0')
            .collect();
        Self::raw(v < 0, coef, 0)
    }

    /// Converts a binary double using its shortest round-trip decimal digits.
    pub fn from_f64(v: f64) -> Result<OraDecimal, OraFnError> {
        if v.is_nan() {
            return Err(OraFnError::invalid_number());
        }
        if v.is_infinite() {
            return Err(OraFnError::overflow());
        }
        Self::parse(&format!("{v:e}"))
    }

    /// Plain decimal text: no exponent, no '+', no trailing zeros, a
    /// leading "0" before the point ("0", "-0.5", "0.001", "1200").
    pub fn to_canonical(&self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let ds: String = self.coef.iter().map(|&d| (b'0' + d) as char).collect();
        let mut out = String::new();
        if self.neg {
            out.push('-');
        }
        let msd = self.msd_place();
        if self.exp >= 0 {
            out.push_str(&ds);
            out.extend(std::iter::repeat_n('0', self.exp as usize));
        } else if msd >= 0 {
            let int_len = (msd + 1) as usize;
            out.push_str(&ds[..int_len]);
            out.push('.');
            out.push_str(&ds[int_len..]);
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-msd - 1) as usize));
            out.push_str(&ds);
        }
        out
    }

    /// The value as an `i64` when it is integral and in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() || self.msd_place() > 18 {
            return None;
        }
        let mut acc: i128 = 0;
        for &d in &self.coef {
            acc = acc * 10 + d as i128;
        }
        acc *= 10i128.pow(self.exp.max(0) as u32);
        i64::try_from(if self.neg { -acc } else { acc }).ok()
    }

    /// Nearest binary double (correctly rounded by the standard parser).
    pub fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let ds: String = self.coef.iter().map(|&d| (b'0' + d) as char).collect();
        let sign = if self.neg { "-" } else { "" };
        format!("{sign}{ds}e{}", self.exp).parse().unwrap_or(0.0)
    }

    pub fn is_zero(&self) -> bool {
        self.coef.is_empty()
    }

    pub fn is_integer(&self) -> bool {
        self.exp >= 0
    }

    #[allow(clippy::should_implement_trait)] // fixed API shared with the SQL engine
    pub fn neg(&self) -> Self {
        let mut v = self.clone();
        v.neg = !v.neg && !v.is_zero();
        v
    }

    pub fn abs(&self) -> Self {
        let mut v = self.clone();
        v.neg = false;
        v
    }

    pub fn sign(&self) -> i32 {
        match (self.is_zero(), self.neg) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        }
    }

    #[allow(clippy::should_implement_trait)] // fixed API shared with the SQL engine
    pub fn cmp(&self, o: &Self) -> Ordering {
        let by_sign = self.sign().cmp(&o.sign());
        if by_sign != Ordering::Equal || self.is_zero() {
            return by_sign;
        }
        let mag = self
            .msd_place()
            .cmp(&o.msd_place())
            .then_with(|| self.coef.as_slice().cmp(o.coef.as_slice()));
        if self.neg {
            mag.reverse()
        } else {
            mag
        }
    }
}

/// Parses `e[+-]digits` after a mantissa; anything else is ORA-01722.
fn parse_exponent(b: &[u8]) -> Result<i64, OraFnError> {
    if !matches!(b[0], b'e' | b'E') {
        return Err(OraFnError::invalid_number());
    }
    let mut i = 1;
    let neg = match b.get(1) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let ds = &b[i..];
    if ds.is_empty() || !ds.iter().all(u8::is_ascii_digit) {
        return Err(OraFnError::invalid_number());
    }
    let mut v: i64 = 0;
    for &c in ds {
        v = (v * 10 + (c - b'0') as i64).min(1_000_000);
    }
    Ok(if neg { -v } else { v })
}
