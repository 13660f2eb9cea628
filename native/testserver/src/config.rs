//! Test server configuration, shared by the library and the binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// (user, password); user names are matched case-insensitively.
    pub users: Vec<(String, String)>,
    /// Service names (or SIDs) clients may ask for; empty accepts any.
    pub services: Vec<String>,
    /// Persistent data directory; `None` keeps a private temporary database.
    pub data_dir: Option<PathBuf>,
    /// TTC field version offered to clients (8..=24).
    pub field_version: u8,
    /// How long a half-received message or a blocked write may take.
    pub io_timeout: Duration,
    /// Largest request a client may send before we drop the connection.
    pub max_request: usize,
    /// A TCPS listener: address, server certificate chain (PEM) and key (PEM).
    pub tls: Option<(SocketAddr, PathBuf, PathBuf)>,
    /// The admin port for fault injection (see [`crate::admin`]); `None` = no port.
    pub admin: Option<SocketAddr>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            users: vec![("scott".into(), "tiger".into())],
            services: vec!["FREEPDB1".into()],
            data_dir: None,
            field_version: 17,
            io_timeout: Duration::from_secs(30),
            max_request: 512 * 1024 * 1024,
            tls: None,
            admin: None,
        }
    }
}

impl Config {
    pub fn password_of(&self, user: &str) -> Option<&str> {
        self.users
            .iter()
            .find(|(u, _)| u.eq_ignore_ascii_case(user))
            .map(|(_, p)| p.as_str())
    }
    pub fn knows_service(&self, name: &str) -> bool {
        self.services.is_empty() || self.services.iter().any(|s| s.eq_ignore_ascii_case(name))
    }
}
