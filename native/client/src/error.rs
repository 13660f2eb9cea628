//! One error type for the whole client: a kind, a stable code (`ORA-nnnnn`
//! from the database, `ODB-nnnn` from us) and a message that never carries
//! secrets.

use std::fmt;

use oradb_protocol::codes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Reaching or logging on to the database (ODB-1xxx, ORA-12xxx, ORA-01017).
    Connect,
    /// Pool usage (ODB-2xxx).
    Pool,
    /// A bind value or type conversion (ODB-3xxx).
    Bind,
    /// The peer sent something we cannot understand (ODB-4xxx).
    Protocol,
    /// The API was used wrongly, e.g. after close (ODB-5xxx).
    Usage,
    /// An error reported by the database for a call.
    Database,
    /// The call was cancelled (ORA-01013) or timed out.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    code: String,
    errno: u32,
    message: String,
    offset: u32,
    session_dead: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// One of our own errors; `code` is one of [`codes`].
    pub fn odb(kind: ErrorKind, code: &str, message: impl Into<String>) -> Self {
        let errno = code
            .split_once('-')
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or(0);
        Error {
            kind,
            code: code.into(),
            errno,
            message: format!("{code}: {}", message.into()),
            offset: 0,
            session_dead: false,
        }
    }

    /// An error sent by the database (`ORA-nnnnn: text`).
    pub fn ora(errno: u32, text: &str, offset: u32) -> Self {
        let code = format!("ORA-{errno:05}");
        let message = if text.trim_start().starts_with(&code) {
            text.trim_end().to_string()
        } else {
            format!("{code}: {}", text.trim_end())
        };
        let kind = match errno {
            1013 => ErrorKind::Cancelled,
            1017 | 12500..=12699 | 28000..=28099 => ErrorKind::Connect,
            _ => ErrorKind::Database,
        };
        let session_dead = matches!(
            errno,
            28 | 1012 | 3113 | 3114 | 3135 | 12570 | 12583 | 12599
        );
        Error {
            kind,
            code,
            errno,
            message,
            offset,
            session_dead,
        }
    }

    pub fn protocol(message: impl Into<String>) -> Self {
        let mut e = Error::odb(ErrorKind::Protocol, codes::PROTOCOL_ERROR, message);
        e.session_dead = true;
        e
    }

    /// The connection is gone (socket closed or failed).
    pub fn disconnected(detail: impl fmt::Display) -> Self {
        let mut e = Error::odb(
            ErrorKind::Connect,
            codes::CONNECTION_LOST,
            format!("the database connection was lost: {detail}"),
        );
        e.session_dead = true;
        e
    }

    /// Marks the session as unusable (e.g. its packet protection failed).
    pub fn into_session_dead(mut self) -> Self {
        self.session_dead = true;
        self
    }

    pub fn usage(code: &str, message: impl Into<String>) -> Self {
        Error::odb(ErrorKind::Usage, code, message)
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn code(&self) -> &str {
        &self.code
    }
    pub fn errno(&self) -> u32 {
        self.errno
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn offset(&self) -> u32 {
        self.offset
    }
    /// The session cannot be used any more and must be discarded.
    pub fn is_session_dead(&self) -> bool {
        self.session_dead
    }
    /// Retrying on a new session may succeed.
    pub fn is_recoverable(&self) -> bool {
        // The server could not be reached (refused, timed out).
        self.session_dead
            || matches!(
                self.code.as_str(),
                codes::CONNECT_FAILED | codes::CONNECT_TIMEOUT
            )
            || matches!(
                self.errno,
                12514 | 12516 | 12519 | 12520 | 12528 | 12537 | 12541 | 12571
            )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ora_errors_keep_code_and_text() {
        let e = Error::ora(942, "ORA-00942: table or view does not exist\n", 14);
        assert_eq!(e.code(), "ORA-00942");
        assert_eq!(e.message(), "ORA-00942: table or view does not exist");
        assert_eq!(
            (e.errno(), e.offset(), e.kind()),
            (942, 14, ErrorKind::Database)
        );
        assert_eq!(
            Error::ora(1013, "user requested cancel", 0).kind(),
            ErrorKind::Cancelled
        );
        assert!(Error::ora(3113, "end-of-file on communication channel", 0).is_session_dead());
    }

    #[test]
    fn odb_errors_have_numbers() {
        let e = Error::odb(
            ErrorKind::Connect,
            codes::INVALID_CONNECT_STRING,
            "invalid port",
        );
        assert_eq!((e.code(), e.errno()), (codes::INVALID_CONNECT_STRING, 1004));
        assert_eq!(
            e.message(),
            format!("{}: invalid port", codes::INVALID_CONNECT_STRING)
        );
    }
}
