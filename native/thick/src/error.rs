//! One error type with the fields `OracleError` carries: code, message, offset, recoverable.

pub use oradb_protocol::codes;
/// Oracle's client library could not be loaded (ODPI-C's DPI-1047).
pub use oradb_protocol::codes::THICK_LIBRARY_NOT_LOADED as LIBRARY_NOT_LOADED;
/// Not available in thick mode yet, or `init` already done with other options.
pub use oradb_protocol::codes::THICK_UNAVAILABLE as UNAVAILABLE;

/// A failed thick-mode call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// `ORA-nnnnn`, `DPI-nnnn` or `ODB-nnnn`.
    pub code: String,
    /// The whole text, starting with the code.
    pub message: String,
    /// Parse error offset in the SQL (0 when none).
    pub offset: u32,
    /// True when retrying may succeed (the session may be gone).
    pub is_recoverable: bool,
}

/// Result of a thick-mode call.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// One of our own errors: `code` from `oradb_protocol::codes`, `text` without the code.
    pub fn odb(code: &str, text: impl AsRef<str>) -> Error {
        Error {
            code: code.to_string(),
            message: format!("{code}: {}", text.as_ref()),
            offset: 0,
            is_recoverable: false,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The code at the start of an Oracle message ("ORA-00942: …" → "ORA-00942").
fn leading_code(message: &str) -> Option<&str> {
    let end = message.find(':')?;
    let code = &message[..end];
    let (prefix, digits) = code.split_once('-')?;
    let ok = (2..=4).contains(&prefix.len())
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit());
    ok.then_some(code)
}

impl Error {
    /// An Oracle error with its code, text and `offset` (a parse offset, or a row index).
    pub fn from_db(db: &oracle::DbError, offset: u32) -> Error {
        let message = db.message().trim_end().to_string();
        // ODPI-C's own word for a session it saw die ("DPI-1080: connection was closed by
        // ORA-03113", DPI-1010 not connected) is thin mode's lost connection: ODB-1010.
        if matches!(leading_code(&message), Some("DPI-1010" | "DPI-1080")) {
            return Error {
                is_recoverable: true,
                ..Error::odb(codes::CONNECTION_LOST, message)
            };
        }
        // ODPI-C's callTimeout ("DPI-1067: call timeout of N ms exceeded with ORA-03156") is
        // thin mode's ODB-5011; OCI has broken the call and the session goes on.
        if leading_code(&message) == Some("DPI-1067") {
            return Error::odb(codes::CALL_TIMEOUT, message);
        }
        let code = leading_code(&message)
            .map(str::to_string)
            .unwrap_or_else(|| format!("ORA-{:05}", db.code()));
        let message = if leading_code(&message).is_some() {
            message
        } else {
            format!("{code}: {message}")
        };
        Error {
            code,
            message,
            offset,
            is_recoverable: db.is_recoverable() || unreachable(db.code()),
        }
    }
}

impl Error {
    /// True when the session is known to be gone (the server ended it, or the network did):
    /// closing it has nothing left to do on the server.
    pub fn is_session_dead(&self) -> bool {
        matches!(
            self.code.as_str(),
            "ORA-00028"
                | "ORA-01012"
                | "ORA-01041"
                | "ORA-02396"
                | "ORA-03113"
                | "ORA-03114"
                | "ORA-03115"
                | "ORA-03122"
                | "ORA-03135"
                | "ORA-12153"
                | "ORA-12537"
                | "ORA-12547"
                | "ORA-12570"
                | "ORA-12583"
        ) || self.code == codes::CONNECTION_LOST
    }
}

/// Listener and connect errors: the server could not be reached or had no room, so a retry
/// may succeed. OCI does not mark them recoverable; thin mode does (oradb_client's
/// `is_recoverable`), and the modes must read alike.
fn unreachable(code: i32) -> bool {
    matches!(
        code,
        12170 | 12514 | 12516 | 12519 | 12520 | 12528 | 12537 | 12541 | 12571
    )
}

impl From<oracle::Error> for Error {
    fn from(e: oracle::Error) -> Error {
        match e.db_error() {
            Some(db) => Error::from_db(db, db.offset()),
            // A named value the statement has no placeholder for: thin mode's ODB-3007.
            None if e.kind() == oracle::ErrorKind::InvalidBindName => {
                let text = e.to_string();
                let name = text.strip_prefix("invalid bind name ").unwrap_or(&text);
                Error::odb(
                    codes::BIND_NOT_IN_STATEMENT,
                    format!("bind \"{name}\" is not a placeholder of the statement"),
                )
            }
            None => Error::odb(codes::INTERNAL, e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_bind_name_is_odb_3007_naming_it() {
        let e = oracle::Error::new(
            oracle::ErrorKind::InvalidBindName,
            "invalid bind name extra",
        );
        let e = Error::from(e);
        assert_eq!(e.code, codes::BIND_NOT_IN_STATEMENT);
        assert!(e.message.contains("\"extra\""), "{}", e.message);
    }

    #[test]
    fn leading_code_reads_ora_and_dpi_codes_only() {
        assert_eq!(leading_code("ORA-00942: table"), Some("ORA-00942"));
        assert_eq!(leading_code("DPI-1047: Cannot locate"), Some("DPI-1047"));
        assert_eq!(leading_code("no code: here"), None);
        assert_eq!(leading_code("x"), None);
    }

    #[test]
    fn an_unreachable_listener_is_recoverable_as_in_thin_mode() {
        let db = oracle::DbError::new(12541, 0, "ORA-12541: TNS:no listener", "", "");
        let e = Error::from_db(&db, 0);
        assert_eq!(e.code, "ORA-12541");
        assert!(e.is_recoverable);
        let db = oracle::DbError::new(942, 14, "ORA-00942: table or view does not exist", "", "");
        assert!(!Error::from_db(&db, 14).is_recoverable);
    }

    #[test]
    fn a_lost_session_is_dead_and_a_sql_error_is_not() {
        let lost = oracle::DbError::new(
            3115,
            0,
            "ORA-03115: unsupported network datatype or representation",
            "",
            "",
        );
        assert!(Error::from_db(&lost, 0).is_session_dead());
        let eof = oracle::DbError::new(
            3113,
            0,
            "ORA-03113: end-of-file on communication channel",
            "",
            "",
        );
        assert!(Error::from_db(&eof, 0).is_session_dead());
        let sql = oracle::DbError::new(942, 0, "ORA-00942: table or view does not exist", "", "");
        assert!(!Error::from_db(&sql, 0).is_session_dead());
        assert!(!Error::odb(UNAVAILABLE, "x").is_session_dead());
        let closed = oracle::DbError::new(
            1080,
            0,
            "DPI-1080: connection was closed by ORA-03113",
            "",
            "",
        );
        let e = Error::from_db(&closed, 0);
        assert_eq!(e.code, codes::CONNECTION_LOST);
        assert_eq!(
            e.message,
            format!(
                "{}: DPI-1080: connection was closed by ORA-03113",
                codes::CONNECTION_LOST
            )
        );
        assert!(e.is_session_dead() && e.is_recoverable);
    }

    #[test]
    fn odb_errors_start_with_their_code() {
        let e = Error::odb(LIBRARY_NOT_LOADED, "gone");
        assert_eq!(e.code, LIBRARY_NOT_LOADED);
        assert_eq!(e.message, format!("{LIBRARY_NOT_LOADED}: gone"));
    }
}
