//! Rounding of NUMBER values at a decimal place: ROUND, TRUNC, FLOOR, CEIL,
//! and NUMBER(p,s) column rules.

use super::decimal::OraDecimal;
use super::digits;
use super::OraFnError;

/// How to treat the digits dropped below the kept place (on magnitudes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RoundMode {
    /// Half away from zero (Oracle ROUND and NUMBER storage).
    HalfUp,
    /// Toward zero (TRUNC).
    Down,
    /// Away from zero whenever anything nonzero is dropped.
    Up,
}

/// Keeps the digits of `coef × 10^exp` at decimal places `>= place`.
/// Returns the new coefficient (possibly with trailing zeros) and exponent.
pub(crate) fn round_mag(coef: &[u8], exp: i32, place: i32, mode: RoundMode) -> (Vec<u8>, i32) {
    if exp >= place {
        return (coef.to_vec(), exp);
    }
    let drop = (place as i64 - exp as i64) as usize;
    let (kept, dropped) = if drop >= coef.len() {
        (&[][..], coef)
    } else {
        coef.split_at(coef.len() - drop)
    };
    let bump = match mode {
        RoundMode::Down => false,
        RoundMode::Up => dropped.iter().any(|&d| d != 0),
        // The guard digit sits at `place - 1`; it is in `dropped` only when
        // nothing above it was dropped as well.
        RoundMode::HalfUp => drop <= coef.len() && dropped.first().is_some_and(|&d| d >= 5),
    };
    let kept = if bump {
        digits::add(kept, &[1])
    } else {
        kept.to_vec()
    };
    (kept, place)
}

impl OraDecimal {
    fn rounded_at(&self, place: i32, mode: RoundMode) -> Self {
        let (coef, exp) = round_mag(&self.coef, self.exp, place, mode);
        // Rounding never adds significant digits, except a carry into a new
        // leading digit, so the precision limit cannot be exceeded here.
        Self::raw(self.neg, coef, exp)
    }

    /// ROUND(n, places): half away from zero; negative places round left of the point.
    pub fn round(&self, places: i32) -> Self {
        self.rounded_at(places.saturating_neg(), RoundMode::HalfUp)
    }

    /// TRUNC(n, places): toward zero.
    pub fn trunc(&self, places: i32) -> Self {
        self.rounded_at(places.saturating_neg(), RoundMode::Down)
    }

    pub fn floor(&self) -> Self {
        let mode = if self.neg {
            RoundMode::Up
        } else {
            RoundMode::Down
        };
        self.rounded_at(0, mode)
    }

    pub fn ceil(&self) -> Self {
        let mode = if self.neg {
            RoundMode::Down
        } else {
            RoundMode::Up
        };
        self.rounded_at(0, mode)
    }

    /// Applies a NUMBER(p,s) column: rounds to the scale, then rejects values
    /// needing more than `p - s` digits left of the point (ORA-01438).
    /// NUMBER(p) has scale 0; NUMBER(*,s) has precision 38.
    pub fn fit_precision_scale(
        &self,
        precision: Option<u8>,
        scale: Option<i8>,
    ) -> Result<Self, OraFnError> {
        let (p, s) = match (precision, scale) {
            (None, None) => return Ok(self.clone()),
            (Some(p), s) => (p as i32, s.unwrap_or(0) as i32),
            (None, Some(s)) => (38, s as i32),
        };
        let v = self.round(s);
        if !v.is_zero() && v.msd_place() >= p - s {
            return Err(OraFnError::new(
                1438,
                "value larger than specified precision allowed for this column",
            ));
        }
        Ok(v)
    }
}
