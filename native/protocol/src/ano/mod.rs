//! Oracle's native network encryption and integrity ("ANO", the Advanced
//! Networking Option negotiation): the negotiation packets, the level and
//! algorithm choice, the Diffie-Hellman exchange and the per-packet
//! encryption and checksum that follow. Sans-I/O like the rest of the crate.
//! See `README.md` beside this file for the wire format and what is known
//! not to match Oracle yet.

pub mod algorithms;
pub mod auth;
pub mod checksum;
pub mod cipher;
pub mod client;
pub mod dh;
pub mod encryption;
pub mod error;
mod fields;
pub mod integrity;
pub mod messages;
pub mod negotiate;
pub mod packet;
pub mod server;
pub mod session;
pub mod supervisor;
pub mod value;

pub use algorithms::{Encryption, Integrity};
pub use checksum::Role;
pub use error::AnoError;
pub use negotiate::Level;
pub use packet::{AnoPacket, ServiceData};
pub use session::{Negotiated, PacketCrypto};

/// Starts every ANO packet, and every array inside one.
pub const MAGIC: u32 = 0xDEAD_BEEF;

/// Service type: authentication adapters.
pub const AUTHENTICATION: u16 = 1;
/// Service type: encryption.
pub const ENCRYPTION: u16 = 2;
/// Service type: data integrity (crypto-checksumming) and the key exchange.
pub const INTEGRITY: u16 = 3;
/// Service type: supervisor.
pub const SUPERVISOR: u16 = 4;

/// `19.0.0.0.0`, the service version OCI 19.3 sends.
pub const VERSION_19: u32 = 0x1300_0000;

#[cfg(test)]
mod flow_tests;

#[cfg(test)]
pub(crate) mod tests {
    /// OCI 19.3's request with the default sqlnet.ora (findings
    /// `oci-thick/captures.md` §10), TNS header and data flags removed.
    pub const OCI_DEFAULT: &str = "deadbeef009500000000000400000400030000000000040005130000000008000100000e63d42f34a000120001deadbeef00030000000400040001000100020001000300000000000400051300000000020003e0e100020006fcff00020002000000000004000513000000000c0001001106100c0f0a0b080201030003000200000000000400051300000000060001000301040506";
    /// The same with `SQLNET.ENCRYPTION_CLIENT` and `CRYPTO_CHECKSUM_CLIENT`
    /// REJECTED and `AUTHENTICATION_SERVICES = (NONE)`.
    pub const OCI_REJECTED: &str = "deadbeef008500000000000400000400030000000000040005130000000008000100001187d42f389600120001deadbeef00030000000400040001000100010001000300000000000400051300000000020003e0e100020006feff000200020000000000040005130000000001000100000300020000000000040005130000000001000100";
}
