//! TO_CHAR(number) and TO_NUMBER with Oracle number format models. The
//! model itself is parsed in `numfmt_model.rs`; rendering and reading live
//! in `numfmt_out.rs` and `numfmt_in.rs`.

use super::decimal::OraDecimal;
use super::numfmt_model::NumModel;
use super::OraFnError;

/// Text-minimum output switches to scientific notation beyond this length.
const TM_MAX_CHARS: usize = 64;

/// TO_CHAR(n[, fmt]). Without a model this is Oracle's text-minimum form:
/// no leading zero (".5", "-.5"), and scientific notation ("1.0E-130")
/// when the plain form would exceed 64 characters.
pub fn to_char_number(n: &OraDecimal, fmt: Option<&str>) -> Result<String, OraFnError> {
    match fmt {
        None => Ok(text_minimum(n, false)),
        Some(f) => super::numfmt_out::format(n, &NumModel::parse(f)?),
    }
}

/// TO_NUMBER(text[, fmt]). Without a model any Oracle numeric literal is
/// accepted; with one, the text must fit the model (else ORA-01722).
pub fn to_number(text: &str, fmt: Option<&str>) -> Result<OraDecimal, OraFnError> {
    match fmt {
        None => OraDecimal::parse(text),
        Some(f) => super::numfmt_in::read(text, &NumModel::parse(f)?),
    }
}

/// The 'TM9' (plain unless too long) or 'TME' (always scientific) text.
pub(crate) fn text_minimum(n: &OraDecimal, scientific: bool) -> String {
    if n.is_zero() {
        return if scientific {
            "0E+00".into()
        } else {
            "0".into()
        };
    }
    let canonical = n.to_canonical();
    let plain = match canonical.strip_prefix("-0.") {
        Some(rest) => format!("-.{rest}"),
        None => match canonical.strip_prefix("0.") {
            Some(rest) => format!(".{rest}"),
            None => canonical,
        },
    };
    if !scientific && plain.len() <= TM_MAX_CHARS {
        return plain;
    }
    let ds: String = n.coef.iter().map(|&d| (b'0' + d) as char).collect();
    let rest = if ds.len() > 1 { &ds[1..] } else { "0" };
    let sign = if n.neg { "-" } else { "" };
    format!("{sign}{}.{rest}{}", &ds[..1], exponent_text(n.msd_place()))
}

/// "E+03", "E-130": sign always, at least two digits.
pub(crate) fn exponent_text(e: i32) -> String {
    let sign = if e < 0 { '-' } else { '+' };
    format!("E{sign}{:02}", e.unsigned_abs())
}
