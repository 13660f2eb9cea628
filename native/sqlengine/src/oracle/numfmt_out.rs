//! Renders a NUMBER through a parsed number format model (TO_CHAR).

use super::decimal::OraDecimal;
use super::digits;
use super::numfmt::{exponent_text, text_minimum};
use super::numfmt_model::{NumModel, SignStyle, Slot};
use super::OraFnError;

pub(crate) fn format(n: &OraDecimal, m: &NumModel) -> Result<String, OraFnError> {
    if let Some(sci) = m.text_minimum {
        return Ok(text_minimum(n, sci));
    }
    if let Some((count, lower)) = m.hex {
        return hex(n, m, count, lower);
    }
    let body = if m.eeee {
        scientific(n, m)
    } else {
        fixed(n, m)
    };
    Ok(match body {
        Some((body, neg)) => decorate(&body, neg, m),
        None => "#".repeat(width(
            m.int_slots.len() + usize::from(m.point) + m.frac_slots.len(),
            m,
        )),
    })
}

fn digit_text(v: &[u8]) -> String {
    v.iter().map(|&d| (b'0' + d) as char).collect()
}

/// Integer and fraction digits of a value already rounded to `frac` places.
fn split(r: &OraDecimal, frac: usize) -> (String, String) {
    let scaled = digits::shift(&r.coef, (r.exp + frac as i32).max(0) as usize);
    let text = digit_text(&scaled);
    let text = format!("{text:0>frac$}");
    let (int, fr) = text.split_at(text.len() - frac);
    (int.trim_start_matches('0').to_string(), fr.to_string())
}

/// The number without sign or currency, e.g. "  1,234.50"; None on overflow.
fn fixed(n: &OraDecimal, m: &NumModel) -> Option<(String, bool)> {
    let frac_n = m.frac_slots.len();
    let r = n.round(frac_n as i32);
    let (int_digits, frac_digits) = split(&r, frac_n);
    let digit_slots = m.int_slots.iter().filter(|s| **s != Slot::Group).count();
    if int_digits.len() > digit_slots {
        return None;
    }
    let first_zero = m.int_slots.iter().position(|s| *s == Slot::Zero);
    let forced = |pos: usize| first_zero.is_some_and(|z| pos >= z);
    let mut remaining = int_digits.bytes().rev();
    let mut left = int_digits.len();
    let mut int_part = vec![' '; m.int_slots.len()];
    for (pos, slot) in m.int_slots.iter().enumerate().rev() {
        int_part[pos] = match slot {
            Slot::Group if left > 0 || first_zero.is_some_and(|z| pos > z) => ',',
            Slot::Group => ' ',
            _ => match remaining.next() {
                Some(d) => {
                    left -= 1;
                    d as char
                }
                None if forced(pos) => '0',
                None => ' ',
            },
        };
    }
    // A zero with no fraction positions still shows one "0".
    if int_digits.is_empty() && frac_n == 0 && first_zero.is_none() {
        if let Some(last) = int_part.iter().rposition(|c| *c == ' ') {
            int_part[last] = '0';
        }
    }
    let mut frac: Vec<char> = frac_digits.chars().collect();
    if m.fill {
        // FM drops trailing zeros that sit on '9' positions.
        while !frac.is_empty()
            && frac.last() == Some(&'0')
            && m.frac_slots[frac.len() - 1] == Slot::Nine
        {
            frac.pop();
        }
    }
    let mut body: String = int_part.into_iter().collect();
    if m.point {
        body.push('.');
    }
    body.extend(frac);
    if m.blank_zero && r.is_zero() {
        body = " ".repeat(body.len());
    }
    // The sign comes from the value before rounding: -0.001 shows as "-.00".
    Some((body, n.sign() < 0))
}

/// 'EEEE': one leading digit, the model's fraction digits, "E+nn".
fn scientific(n: &OraDecimal, m: &NumModel) -> Option<(String, bool)> {
    let frac_n = m.frac_slots.len();
    let (mut mant, mut e) = (OraDecimal::zero(), 0);
    if !n.is_zero() {
        e = n.msd_place();
        mant = OraDecimal::raw(false, n.coef.clone(), n.exp - e).round(frac_n as i32);
        if mant.msd_place() > 0 {
            e += 1;
            mant = OraDecimal::raw(false, mant.coef.clone(), mant.exp - 1);
        }
    }
    let (int_digits, frac_digits) = split(&mant, frac_n);
    let lead = if int_digits.is_empty() {
        "0".to_string()
    } else {
        int_digits
    };
    let int_width = m
        .int_slots
        .iter()
        .filter(|s| **s != Slot::Group)
        .count()
        .max(1);
    let mut body = format!("{lead:>int_width$}");
    if m.point {
        body.push('.');
    }
    body.push_str(&frac_digits);
    body.push_str(&exponent_text(e));
    Some((body, n.sign() < 0))
}

/// Output width of a body of `body_len` characters once decorated.
fn width(body_len: usize, m: &NumModel) -> usize {
    let sign = match m.sign {
        SignStyle::Angle => 2,
        _ => 1,
    };
    body_len + sign + usize::from(m.dollar)
}

/// Adds the sign and '$' next to the first digit, pads, applies FM.
fn decorate(body: &str, neg: bool, m: &NumModel) -> String {
    let core = body.trim_start();
    let mut prefix = String::new();
    match m.sign {
        SignStyle::Default | SignStyle::Angle if neg => {
            prefix.push(if m.sign == SignStyle::Angle { '<' } else { '-' })
        }
        SignStyle::LeadingS => prefix.push(if neg { '-' } else { '+' }),
        _ => {}
    }
    if m.dollar {
        prefix.push('$');
    }
    let suffix = match m.sign {
        SignStyle::TrailingS if neg => "-",
        SignStyle::TrailingS => "+",
        SignStyle::Minus if neg => "-",
        SignStyle::Angle if neg => ">",
        SignStyle::Minus | SignStyle::Angle => " ",
        _ => "",
    };
    let total = width(body.len(), m);
    let lead_width = total - suffix.len();
    let out = format!("{:>lead_width$}{suffix}", format!("{prefix}{core}"));
    if m.fill {
        out.trim().to_string()
    } else {
        out
    }
}

/// 'XXXX': hexadecimal of the rounded, non-negative value.
fn hex(n: &OraDecimal, m: &NumModel, count: usize, lower: bool) -> Result<String, OraFnError> {
    let r = n.round(0);
    if r.neg {
        return Err(OraFnError::invalid_number());
    }
    let mut v = digits::shift(&r.coef, r.exp.max(0) as usize);
    let mut out = Vec::new();
    while !v.is_empty() {
        let (q, rem) = digits::divmod(&v, &[1, 6]);
        let d = rem.iter().fold(0usize, |a, &x| a * 10 + x as usize);
        out.push(b"0123456789ABCDEF"[d] as char);
        v = q;
    }
    if out.is_empty() {
        out.push('0');
    }
    let slots = count + m.int_slots.len();
    let pad_zero = !m.int_slots.is_empty();
    if out.len() > slots {
        return Ok("#".repeat(slots + 1));
    }
    let text: String = out.iter().rev().collect();
    let text = if lower {
        text.to_ascii_lowercase()
    } else {
        text
    };
    Ok(if m.fill {
        text
    } else if pad_zero {
        format!("{text:0>slots$}")
    } else {
        format!("{text:>w$}", w = slots + 1)
    })
}
