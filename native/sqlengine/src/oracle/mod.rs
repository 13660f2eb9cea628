//! Pure-Rust Oracle built-in semantics (NUMBER arithmetic, datetime and
//! number format models). No SQLite here: the SQL engine registers user
//! functions that call into these, so the rules can be tested in isolation.

mod calendar;
pub mod charcode;
pub mod datefmt;
mod datefmt_in;
mod datefmt_model;
mod datefmt_out;
pub mod decimal;
mod decimal_arith;
mod decimal_round;
mod digits;
pub mod dump;
pub mod interval;
pub mod numfmt;
mod numfmt_in;
mod numfmt_model;
mod numfmt_out;
pub mod rowid;
pub mod timezone;

#[cfg(test)]
mod datefmt_tests;
#[cfg(test)]
mod decimal_tests;
#[cfg(test)]
mod numfmt_tests;

use std::fmt;

/// An Oracle error raised by a built-in function, e.g. `ORA-01722: invalid number`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OraFnError {
    /// The ORA error number, e.g. 1722.
    pub code: u32,
    /// The full text as Oracle prints it, including the `ORA-nnnnn: ` prefix.
    pub message: String,
}

impl OraFnError {
    /// Builds `ORA-<code, 5 digits>: <text>`.
    pub fn new(code: u32, text: &str) -> Self {
        OraFnError {
            code,
            message: format!("ORA-{code:05}: {text}"),
        }
    }

    pub(crate) fn invalid_number() -> Self {
        Self::new(1722, "invalid number")
    }

    pub(crate) fn overflow() -> Self {
        Self::new(1426, "numeric overflow")
    }

    pub(crate) fn out_of_range(arg: &str) -> Self {
        Self::new(1428, &format!("argument '{arg}' is out of range"))
    }
}

impl fmt::Display for OraFnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OraFnError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_pads_code_to_five_digits() {
        let e = OraFnError::new(1722, "invalid number");
        assert_eq!(e.message, "ORA-01722: invalid number");
        assert_eq!(e.to_string(), "ORA-01722: invalid number");
        assert_eq!(OraFnError::new(12345, "x").message, "ORA-12345: x");
    }
}
