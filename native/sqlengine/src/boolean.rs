//! Oracle 23ai's BOOLEAN from other types. A BOOLEAN column or PL/SQL
//! variable takes the numbers (0 is FALSE, any other TRUE) and, case and
//! surrounding blanks aside, the words TRUE/FALSE, YES/NO, ON/OFF, T/F, Y/N
//! and 1/0; any other text is refused, never stored as a guess.

use rusqlite::types::{Value as Sql, ValueRef};

/// The truth value of `s`, if it is one of the words Oracle accepts.
pub(crate) fn of_text(s: &str) -> Option<bool> {
    match s.trim().to_ascii_uppercase().as_str() {
        "TRUE" | "YES" | "ON" | "T" | "Y" | "1" => Some(true),
        "FALSE" | "NO" | "OFF" | "F" | "N" | "0" => Some(false),
        _ => None,
    }
}

/// The error for a value that is no boolean.
pub(crate) const INVALID: &str = "ORA-61800: invalid boolean value";

/// What a BOOLEAN column stores for `v`: 0 or 1 (NULL stays NULL).
pub(crate) fn stored(v: ValueRef) -> Result<Sql, &'static str> {
    Ok(match v {
        ValueRef::Null => Sql::Null,
        ValueRef::Integer(i) => Sql::Integer(i64::from(i != 0)),
        ValueRef::Real(f) => Sql::Integer(i64::from(f != 0.0)),
        ValueRef::Text(t) => {
            let s = std::str::from_utf8(t).map_err(|_| INVALID)?;
            Sql::Integer(i64::from(of_text(s).ok_or(INVALID)?))
        }
        ValueRef::Blob(_) => return Err(INVALID),
    })
}

/// Whether `v` must be rewritten to be stored (an error if it cannot be).
pub(crate) fn needs_fix(v: ValueRef) -> Result<bool, &'static str> {
    match v {
        ValueRef::Null | ValueRef::Integer(0 | 1) => Ok(false),
        other => stored(other).map(|_| true),
    }
}

/// A stored BOOLEAN value read back: rows written before the column checks
/// existed may still hold the text they were given.
pub(crate) fn read(v: ValueRef) -> Option<bool> {
    match stored(v) {
        Ok(Sql::Integer(i)) => Some(i != 0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracles_words_and_numbers_convert_and_others_are_refused() {
        for w in ["true", " YES ", "On", "t", "y", "1"] {
            assert_eq!(of_text(w), Some(true), "{w}");
        }
        for w in ["false", "no", "OFF", "f", "N", "0"] {
            assert_eq!(of_text(w), Some(false), "{w}");
        }
        for w in ["", "maybe", "2", "yess", "nein"] {
            assert_eq!(of_text(w), None, "{w}");
        }
        assert_eq!(stored(ValueRef::Integer(-3)), Ok(Sql::Integer(1)));
        assert_eq!(stored(ValueRef::Real(0.0)), Ok(Sql::Integer(0)));
        assert_eq!(stored(ValueRef::Text(b"off")), Ok(Sql::Integer(0)));
        assert_eq!(stored(ValueRef::Text(b"perhaps")), Err(INVALID));
        assert_eq!(stored(ValueRef::Blob(b"\x01")), Err(INVALID));
        assert_eq!(needs_fix(ValueRef::Integer(1)), Ok(false));
        assert_eq!(needs_fix(ValueRef::Integer(7)), Ok(true));
        assert_eq!(needs_fix(ValueRef::Text(b"no")), Ok(true));
        assert_eq!(read(ValueRef::Text(b"no")), Some(false));
    }
}
