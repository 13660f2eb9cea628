//! The size an OUT or IN OUT bind's buffer holds, as the client declared it
//! in the bind metadata. PL/SQL assigning a longer value to the bind raises
//! ORA-06502 there (a handler can catch it), as Oracle does.

use rusqlite::types::Value as Sql;

use super::errors::err;
use super::{Session, SqlError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindLimit {
    /// A character bind: at most this many characters.
    Chars(u32),
    /// A character bind whose client gave no character count: bytes.
    TextBytes(u32),
    /// A RAW bind: at most this many bytes.
    RawBytes(u32),
    /// A BINARY_DOUBLE or BINARY_FLOAT bind: the value must be a number.
    Numeric,
    /// A NUMBER bind: a number within NUMBER's range (below 1e126).
    Number,
    /// A DATE or TIMESTAMP bind: the value must be a date.
    Temporal,
}

impl BindLimit {
    /// ORA-06502 when `v` does not fit.
    pub(super) fn check(self, v: &Sql) -> Result<(), SqlError> {
        // The client's buffer holds only its type: a value that cannot be
        // converted fails where it is assigned, as in Oracle, never later as
        // a silent NULL on the wire.
        match self {
            // SQLite computes past NUMBER's range in doubles; Oracle raises
            // ORA-01426 where such a value is assigned to a NUMBER.
            BindLimit::Number if matches!(v, Sql::Real(f) if f.abs() >= 1e126) => {
                return Err(err(1426, "numeric overflow"));
            }
            BindLimit::Numeric | BindLimit::Number => {
                return match v {
                    Sql::Null | Sql::Integer(_) | Sql::Real(_) => Ok(()),
                    Sql::Text(t) if super::num::parse(t.trim()).is_some() => Ok(()),
                    _ => Err(err(
                        6502,
                        "PL/SQL: numeric or value error: character to number conversion error",
                    )),
                };
            }
            BindLimit::Temporal => {
                return match v {
                    Sql::Text(t)
                        if crate::date_text::parse_zoned(t).is_none()
                            && super::num::parse(t.trim()).is_none() =>
                    {
                        Err(err(1861, "literal does not match format string"))
                    }
                    Sql::Blob(_) => Err(err(
                        6502,
                        "PL/SQL: numeric or value error: raw value cannot be a date",
                    )),
                    _ => Ok(()),
                };
            }
            _ => {}
        }
        let text = |v: &Sql| match v {
            Sql::Text(t) => Some(t.clone()),
            Sql::Integer(i) => Some(i.to_string()),
            Sql::Real(f) => Some(super::num::f64_text(*f)),
            _ => None,
        };
        let too_long = match self {
            BindLimit::Chars(n) => text(v).is_some_and(|t| t.chars().count() > n as usize),
            BindLimit::TextBytes(n) => text(v).is_some_and(|t| t.len() > n as usize),
            BindLimit::RawBytes(n) => matches!(v, Sql::Blob(b) if b.len() > n as usize),
            BindLimit::Numeric | BindLimit::Number | BindLimit::Temporal => false,
        };
        if !too_long {
            return Ok(());
        }
        let what = match self {
            BindLimit::RawBytes(_) => "raw variable length too long",
            _ => "character string buffer too small",
        };
        Err(err(
            6502,
            &format!("PL/SQL: numeric or value error: {what}"),
        ))
    }
}

impl Session {
    /// Buffer sizes of the next PL/SQL call's binds (by bind position;
    /// `None`: unlimited or an IN bind).
    pub fn set_bind_limits(&mut self, limits: Vec<Option<BindLimit>>) {
        self.plsql.limits = limits;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_bytes_and_raw() {
        let t = |s: &str| Sql::Text(s.into());
        assert!(BindLimit::Chars(1).check(&t("é")).is_ok());
        assert!(BindLimit::TextBytes(1).check(&t("é")).is_err());
        assert!(BindLimit::Chars(5).check(&t("hello")).is_ok());
        let e = BindLimit::Chars(4).check(&t("hello")).unwrap_err();
        assert_eq!(
            e.message,
            "ORA-06502: PL/SQL: numeric or value error: character string buffer too small"
        );
        assert!(BindLimit::Chars(2).check(&Sql::Integer(123)).is_err());
        assert!(BindLimit::Chars(0).check(&Sql::Null).is_ok());
        assert!(BindLimit::RawBytes(2).check(&Sql::Blob(vec![1, 2])).is_ok());
        let e = BindLimit::RawBytes(2)
            .check(&Sql::Blob(vec![1, 2, 3]))
            .unwrap_err();
        assert!(e.message.ends_with("raw variable length too long"));
    }

    #[test]
    fn numbers_and_dates_must_convert() {
        let t = |s: &str| Sql::Text(s.into());
        assert!(BindLimit::Numeric.check(&t(" 12.5 ")).is_ok());
        assert!(BindLimit::Numeric.check(&Sql::Integer(3)).is_ok());
        let e = BindLimit::Numeric.check(&t("abc")).unwrap_err();
        assert_eq!(e.code, 6502);
        assert!(e.message.contains("character to number conversion error"));
        assert!(BindLimit::Temporal.check(&t("2024-03-05 10:00:00")).is_ok());
        assert_eq!(
            BindLimit::Temporal.check(&t("soon")).unwrap_err().code,
            1861
        );
    }
}
