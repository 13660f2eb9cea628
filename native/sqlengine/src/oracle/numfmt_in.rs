//! Reads text through a parsed number format model (TO_NUMBER).

use super::decimal::OraDecimal;
use super::numfmt_model::{NumModel, SignStyle, Slot};
use super::OraFnError;

fn invalid() -> OraFnError {
    OraFnError::invalid_number()
}

pub(crate) fn read(text: &str, m: &NumModel) -> Result<OraDecimal, OraFnError> {
    let t = text.trim();
    if m.text_minimum.is_some() || m.eeee {
        return OraDecimal::parse(t);
    }
    if let Some((count, _)) = m.hex {
        return read_hex(t, count + m.int_slots.len());
    }
    let (neg, t) = strip_sign(t, m.sign)?;
    let t = if m.dollar {
        t.strip_prefix('$').unwrap_or(t)
    } else {
        t
    };
    let (int_text, frac_text) = match t.split_once('.') {
        Some(_) if !m.point => return Err(invalid()),
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    let int_digits = read_int(int_text, &m.int_slots)?;
    if frac_text.len() > m.frac_slots.len() || !frac_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    if int_digits.is_empty() && frac_text.is_empty() {
        return Err(invalid());
    }
    let sign = if neg { "-" } else { "" };
    OraDecimal::parse(&format!("{sign}{int_digits}.{frac_text}0"))
}

/// Removes the sign decoration the model expects; returns (negative, rest).
fn strip_sign(t: &str, style: SignStyle) -> Result<(bool, &str), OraFnError> {
    Ok(match style {
        SignStyle::Default | SignStyle::LeadingS => match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        },
        SignStyle::TrailingS | SignStyle::Minus => match t.strip_suffix('-') {
            Some(r) => (true, r),
            None if style == SignStyle::TrailingS => (false, t.strip_suffix('+').unwrap_or(t)),
            None => (false, t),
        },
        SignStyle::Angle => match t.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
            Some(r) => (true, r),
            None if t.starts_with('<') || t.ends_with('>') => return Err(invalid()),
            None => (false, t),
        },
    })
}

/// Matches integer text right to left against digit and group positions.
fn read_int(text: &str, slots: &[Slot]) -> Result<String, OraFnError> {
    let mut chars = text.bytes().rev().peekable();
    let mut digits = Vec::new();
    for slot in slots.iter().rev() {
        let Some(&c) = chars.peek() else { break };
        match slot {
            Slot::Group if c == b',' => {
                chars.next();
            }
            Slot::Group => return Err(invalid()),
            _ if c.is_ascii_digit() => {
                digits.push(c);
                chars.next();
            }
            _ => return Err(invalid()),
        }
    }
    if chars.next().is_some() {
        return Err(invalid());
    }
    digits.reverse();
    String::from_utf8(digits).map_err(|_| invalid())
}

fn read_hex(t: &str, max_digits: usize) -> Result<OraDecimal, OraFnError> {
    if t.is_empty() || t.len() > max_digits {
        return Err(invalid());
    }
    let mut acc = OraDecimal::zero();
    let sixteen = OraDecimal::from_i64(16);
    for c in t.chars() {
        let d = c.to_digit(16).ok_or_else(invalid)?;
        acc = acc.mul(&sixteen)?.add(&OraDecimal::from_i64(d as i64))?;
    }
    Ok(acc)
}
