//! NUMBER arithmetic: exact on the digits, then rounded to Oracle precision.

use std::cmp::Ordering;

use super::decimal::OraDecimal;
use super::decimal_round::{round_mag, RoundMode};
use super::digits;
use super::numfmt::text_minimum;
use super::OraFnError;

/// Quotient digits computed beyond the 40 kept, so the guard digit is exact.
const DIV_DIGITS: usize = 44;
/// Working precision for repeated multiplication in POWER.
const POW_DIGITS: i32 = 60;
/// Integer exponents up to this size are computed exactly (by squaring).
const POW_EXACT_LIMIT: i64 = 100_000;

/// Both coefficients scaled to the smaller exponent, and that exponent.
fn aligned(a: &OraDecimal, b: &OraDecimal) -> (Vec<u8>, Vec<u8>, i32) {
    let e = a.exp.min(b.exp);
    let ca = digits::shift(&a.coef, (a.exp - e) as usize);
    let cb = digits::shift(&b.coef, (b.exp - e) as usize);
    (ca, cb, e)
}

#[allow(clippy::should_implement_trait)] // fallible ops; fixed API shared with the SQL engine
impl OraDecimal {
    pub fn add(&self, o: &Self) -> Result<Self, OraFnError> {
        if self.is_zero() {
            return Self::normalized(o.neg, o.coef.clone(), o.exp);
        }
        if o.is_zero() {
            return Self::normalized(self.neg, self.coef.clone(), self.exp);
        }
        let (a, b, e) = aligned(self, o);
        if self.neg == o.neg {
            return Self::normalized(self.neg, digits::add(&a, &b), e);
        }
        match digits::cmp(&a, &b) {
            Ordering::Equal => Ok(Self::zero()),
            Ordering::Greater => Self::normalized(self.neg, digits::sub(&a, &b), e),
            Ordering::Less => Self::normalized(o.neg, digits::sub(&b, &a), e),
        }
    }

    pub fn sub(&self, o: &Self) -> Result<Self, OraFnError> {
        self.add(&o.neg())
    }

    pub fn mul(&self, o: &Self) -> Result<Self, OraFnError> {
        let coef = digits::mul(&self.coef, &o.coef);
        Self::normalized(self.neg != o.neg, coef, self.exp + o.exp)
    }

    /// Division; a zero divisor is ORA-01476.
    pub fn div(&self, o: &Self) -> Result<Self, OraFnError> {
        if o.is_zero() {
            return Err(divide_by_zero());
        }
        if self.is_zero() {
            return Ok(Self::zero());
        }
        // Scale the dividend so the integer quotient has DIV_DIGITS digits;
        // truncation then leaves every kept digit and the guard digit exact.
        let k = (o.coef.len() + DIV_DIGITS).saturating_sub(self.coef.len());
        let (q, _) = digits::divmod(&digits::shift(&self.coef, k), &o.coef);
        Self::normalized(self.neg != o.neg, q, self.exp - k as i32 - o.exp)
    }

    /// Oracle MOD: `m - n * TRUNC(m / n)` (sign of `m`), and MOD(m, 0) = m.
    pub fn rem(&self, o: &Self) -> Result<Self, OraFnError> {
        if o.is_zero() {
            return Ok(self.clone());
        }
        if self.abs().cmp(&o.abs()) == Ordering::Less {
            return Ok(self.clone());
        }
        let (a, b, e) = aligned(self, o);
        let (_, r) = digits::divmod(&a, &b);
        Self::normalized(self.neg, r, e)
    }

    /// POWER(x, y): exact by squaring for integer `y`, via `f64` otherwise.
    pub fn power(&self, o: &Self) -> Result<Self, OraFnError> {
        if o.is_zero() {
            return Ok(Self::from_i64(1));
        }
        if self.is_zero() {
            return if o.neg {
                Err(divide_by_zero())
            } else {
                Ok(Self::zero())
            };
        }
        match o.to_i64() {
            Some(n) if n.unsigned_abs() <= POW_EXACT_LIMIT as u64 => self.powi(n),
            _ => {
                if self.neg && !o.is_integer() {
                    return Err(OraFnError::out_of_range(&text_minimum(self, false)));
                }
                let r = self.to_f64().powf(o.to_f64());
                Self::from_f64(r)
            }
        }
    }

    fn powi(&self, n: i64) -> Result<Self, OraFnError> {
        // Decide out-of-range results up front from the decimal exponent, so
        // the exact loop below only ever sees values within about 1e±140.
        let log10 = n as f64 * self.abs().to_f64().log10();
        if !(-135.0..=130.0).contains(&log10) {
            return if log10 > 0.0 {
                Err(OraFnError::overflow())
            } else {
                Ok(Self::zero())
            };
        }
        let mut base = self.abs();
        let mut acc = Self::from_i64(1);
        let mut k = n.unsigned_abs();
        while k > 0 {
            if k & 1 == 1 {
                acc = wide_mul(&acc, &base);
            }
            k >>= 1;
            if k > 0 {
                base = wide_mul(&base, &base);
            }
        }
        let mag = if n < 0 {
            Self::from_i64(1).div(&acc)?
        } else {
            Self::normalized(false, acc.coef.clone(), acc.exp)?
        };
        Ok(if self.neg && n % 2 != 0 {
            mag.neg()
        } else {
            mag
        })
    }

    /// SQRT(x) to full precision; negative input is ORA-01428.
    pub fn sqrt(&self) -> Result<Self, OraFnError> {
        if self.neg {
            return Err(OraFnError::out_of_range(&text_minimum(self, false)));
        }
        if self.is_zero() {
            return Ok(Self::zero());
        }
        // Make the exponent even, then widen so the root has enough digits.
        let (mut coef, mut exp) = (self.coef.clone(), self.exp);
        if exp.rem_euclid(2) != 0 {
            coef.push(0);
            exp -= 1;
        }
        let want = 2 * DIV_DIGITS;
        let pad = want.saturating_sub(coef.len()) / 2 * 2 + 2;
        let root = digits::isqrt(&digits::shift(&coef, pad));
        Self::normalized(false, root, (exp - pad as i32) / 2)
    }
}

/// Multiplication kept to POW_DIGITS significant digits and not range
/// checked, so POWER rounds once at the end.
fn wide_mul(a: &OraDecimal, b: &OraDecimal) -> OraDecimal {
    let v = OraDecimal::raw(false, digits::mul(&a.coef, &b.coef), a.exp + b.exp);
    if v.is_zero() {
        return v;
    }
    let keep = v.msd_place() - POW_DIGITS + 1;
    let (coef, exp) = round_mag(&v.coef, v.exp, keep, RoundMode::HalfUp);
    OraDecimal::raw(false, coef, exp)
}

fn divide_by_zero() -> OraFnError {
    OraFnError::new(1476, "divisor is equal to zero")
}
