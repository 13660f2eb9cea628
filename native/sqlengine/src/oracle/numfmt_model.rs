//! Parser for Oracle number format models ('9,999.99', 'S999', 'FMXXXX').

use super::OraFnError;

/// A digit or group position of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// '9': a digit, blank when it is a leading zero.
    Nine,
    /// '0': a digit, printed even when it is a leading or trailing zero.
    Zero,
    /// ',' or 'G': printed only between digits.
    Group,
}

/// Where the sign goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignStyle {
    /// A leading '-' for negatives, a blank for positives.
    Default,
    /// Leading 'S': '-' or '+'.
    LeadingS,
    /// Trailing 'S': '-' or '+' after the number.
    TrailingS,
    /// 'MI': trailing '-' or blank.
    Minus,
    /// 'PR': '<n>' for negatives, blanks around positives.
    Angle,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NumModel {
    pub fill: bool,
    pub sign: SignStyle,
    pub dollar: bool,
    pub blank_zero: bool,
    pub int_slots: Vec<Slot>,
    pub point: bool,
    pub frac_slots: Vec<Slot>,
    pub eeee: bool,
    /// 'X' digits: (count of X, lowercase output).
    pub hex: Option<(usize, bool)>,
    /// 'TM', 'TM9' (Some(false)) or 'TME' (Some(true)).
    pub text_minimum: Option<bool>,
}

pub(crate) fn bad_model() -> OraFnError {
    OraFnError::new(1481, "invalid number format model")
}

impl NumModel {
    /// Parses a model; anything Oracle would reject is ORA-01481.
    pub(crate) fn parse(fmt: &str) -> Result<NumModel, OraFnError> {
        let mut m = NumModel {
            fill: false,
            sign: SignStyle::Default,
            dollar: false,
            blank_zero: false,
            int_slots: Vec::new(),
            point: false,
            frac_slots: Vec::new(),
            eeee: false,
            hex: None,
            text_minimum: None,
        };
        let up = fmt.to_ascii_uppercase();
        let b = up.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let rest = &up[i..];
            let is_last = |n: usize| i + n == b.len();
            let step = if rest.starts_with("FM") {
                m.fill = true;
                2
            } else if rest.starts_with("TM") && m.text_minimum.is_none() {
                m.tm(rest)?
            } else if rest.starts_with("EEEE") && !m.eeee {
                m.eeee = true;
                4
            } else if rest.starts_with("MI") && is_last(2) {
                m.set_sign(SignStyle::Minus)?;
                2
            } else if rest.starts_with("PR") && is_last(2) {
                m.set_sign(SignStyle::Angle)?;
                2
            } else {
                m.single(b[i], is_last(1), fmt.as_bytes()[i] == b'x')?;
                1
            };
            i += step;
        }
        m.validate()?;
        Ok(m)
    }

    fn tm(&mut self, rest: &str) -> Result<usize, OraFnError> {
        let (sci, n) = match rest.as_bytes().get(2) {
            Some(b'9') => (false, 3),
            Some(b'E') => (true, 3),
            None => (false, 2),
            _ => return Err(bad_model()),
        };
        self.text_minimum = Some(sci);
        Ok(n)
    }

    fn set_sign(&mut self, s: SignStyle) -> Result<(), OraFnError> {
        if self.sign != SignStyle::Default {
            return Err(bad_model());
        }
        self.sign = s;
        Ok(())
    }

    /// Handles a one-character element.
    fn single(&mut self, c: u8, is_last: bool, lower: bool) -> Result<(), OraFnError> {
        let nothing_yet =
            self.int_slots.is_empty() && !self.point && !self.dollar && self.hex.is_none();
        match c {
            b'9' | b'0' => {
                let slot = if c == b'9' { Slot::Nine } else { Slot::Zero };
                if self.eeee || self.hex.is_some() {
                    return Err(bad_model());
                }
                if self.point {
                    self.frac_slots.push(slot);
                } else {
                    self.int_slots.push(slot);
                }
            }
            b',' | b'G' => {
                if self.point || self.int_slots.is_empty() {
                    return Err(bad_model());
                }
                self.int_slots.push(Slot::Group);
            }
            b'.' | b'D' if !self.point => self.point = true,
            b'$' if !self.dollar => self.dollar = true,
            b'B' if !self.blank_zero => self.blank_zero = true,
            b'S' if nothing_yet && self.sign == SignStyle::Default => {
                self.sign = SignStyle::LeadingS
            }
            b'S' if is_last => self.set_sign(SignStyle::TrailingS)?,
            b'X' => {
                let (n, _) = self.hex.unwrap_or((0, false));
                self.hex = Some((n + 1, lower));
            }
            _ => return Err(bad_model()),
        }
        Ok(())
    }

    fn validate(&self) -> Result<(), OraFnError> {
        if self.text_minimum.is_some() {
            let other = !self.int_slots.is_empty() || self.point || self.dollar || self.eeee;
            if other || self.hex.is_some() || self.sign != SignStyle::Default {
                return Err(bad_model());
            }
        }
        if self.hex.is_some() {
            let zeros_only = self.int_slots.iter().all(|s| *s == Slot::Zero);
            if !zeros_only || self.point || self.dollar || self.sign != SignStyle::Default {
                return Err(bad_model());
            }
        }
        if self.int_slots.last() == Some(&Slot::Group) && !self.point {
            // A trailing group separator is accepted only before a decimal point.
            return Err(bad_model());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_digits_groups_and_signs() {
        let m = NumModel::parse("S9,990.09").expect("valid");
        assert_eq!(m.sign, SignStyle::LeadingS);
        use Slot::*;
        assert_eq!(m.int_slots, vec![Nine, Group, Nine, Nine, Zero]);
        assert_eq!(m.frac_slots, vec![Zero, Nine]);
        assert!(m.point);
        assert_eq!(
            NumModel::parse("999MI").expect("valid").sign,
            SignStyle::Minus
        );
        assert_eq!(
            NumModel::parse("fm999pr").expect("valid").sign,
            SignStyle::Angle
        );
        assert_eq!(
            NumModel::parse("999S").expect("valid").sign,
            SignStyle::TrailingS
        );
        assert_eq!(NumModel::parse("0xxx").expect("valid").hex, Some((3, true)));
        assert_eq!(
            NumModel::parse("TME").expect("valid").text_minimum,
            Some(true)
        );
    }

    #[test]
    fn rejects_invalid_models_with_ora_01481() {
        for bad in [
            "9.9.9", ",999", "99.9,9", "9S9", "MI999", "9X", "TM9 9", "99A", "$$9", "9PR9",
        ] {
            assert_eq!(NumModel::parse(bad).map_err(|e| e.code), Err(1481), "{bad}");
        }
    }
}
