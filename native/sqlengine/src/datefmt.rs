//! TO_CHAR / TO_DATE for the SQL functions: our `DateTime` in and out of the
//! Oracle format-model implementation in `oracle::datefmt`.

use oradb_protocol::value::DateTime;

use super::oracle::datefmt::{self as fmt, OraDateTime};

pub const DEFAULT_DATE_FORMAT: &str = fmt::DEFAULT_DATE_FORMAT;

fn ora(d: &DateTime) -> OraDateTime {
    OraDateTime {
        year: d.year,
        month: d.month,
        day: d.day,
        hour: d.hour,
        minute: d.minute,
        second: d.second,
        nanos: d.nanos,
    }
}

/// Formats a date or timestamp (fractions allowed: the storage does not say which).
pub fn to_char(d: &DateTime, model: &str) -> Result<String, String> {
    fmt::to_char_date(&ora(d), model, true).map_err(|e| e.message)
}

/// Parses `text` with the format model; missing fields default as in Oracle.
pub fn to_date(text: &str, model: &str, now: &DateTime) -> Result<DateTime, String> {
    let o = fmt::to_date_at(text, model, &ora(now)).map_err(|e| e.message)?;
    Ok(DateTime {
        year: o.year,
        month: o.month,
        day: o.day,
        hour: o.hour,
        minute: o.minute,
        second: o.second,
        nanos: o.nanos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_models_through_the_oracle_library() {
        let d = DateTime {
            year: 2024,
            month: 3,
            day: 5,
            hour: 14,
            minute: 7,
            second: 9,
            nanos: 0,
        };
        assert_eq!(
            to_char(&d, "YYYY-MM-DD HH24:MI:SS").unwrap(),
            "2024-03-05 14:07:09"
        );
        assert_eq!(to_char(&d, "DD-MON-RR").unwrap(), "05-MAR-24");
        assert_eq!(
            to_date("05-MAR-24", "DD-MON-RR", &d).unwrap(),
            DateTime {
                hour: 0,
                minute: 0,
                second: 0,
                ..d
            }
        );
        assert!(to_date("2024-02-30", "YYYY-MM-DD", &d).is_err());
    }
}
