//! Why a negotiation or a protected packet failed.

use std::fmt;

use crate::buf::DecodeError;

/// ORA-12599: cryptographic checksum mismatch.
pub const ORA_CHECKSUM_MISMATCH: u32 = 12599;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnoError {
    /// The negotiation bytes are incomplete or malformed.
    Decode(DecodeError),
    /// One side refused: the ORA number (ours, or the one the peer put in a
    /// service's error field).
    Refused(u32),
    /// The Diffie-Hellman parameters or a public key are unusable.
    KeyExchange(String),
    /// A negotiated algorithm this crate does not implement.
    Unsupported(String),
    /// A protected packet cannot be decrypted (length or padding).
    Decrypt(String),
    /// A protected packet's checksum does not match.
    Checksum,
}

impl AnoError {
    /// The ORA number a client reports for this failure, where there is one.
    pub fn code(&self) -> Option<u32> {
        match self {
            AnoError::Refused(n) => Some(*n),
            AnoError::Checksum => Some(ORA_CHECKSUM_MISMATCH),
            _ => None,
        }
    }
}

impl fmt::Display for AnoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnoError::Decode(e) => write!(f, "network negotiation: {e}"),
            AnoError::Refused(n) => {
                write!(f, "ORA-{n:05}: network encryption or integrity refused")
            }
            AnoError::KeyExchange(m) => write!(f, "network key exchange failed: {m}"),
            AnoError::Unsupported(m) => write!(f, "unsupported network algorithm: {m}"),
            AnoError::Decrypt(m) => write!(f, "network packet cannot be decrypted: {m}"),
            AnoError::Checksum => write!(
                f,
                "ORA-{ORA_CHECKSUM_MISMATCH}: cryptographic checksum mismatch"
            ),
        }
    }
}

impl std::error::Error for AnoError {}

impl From<DecodeError> for AnoError {
    fn from(e: DecodeError) -> Self {
        AnoError::Decode(e)
    }
}
