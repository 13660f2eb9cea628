//! Test server configuration, shared by the library and the binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use oradb_protocol::ano::server::ServerPolicy;

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
    /// Native network encryption and integrity levels and algorithms
    /// (`SQLNET.ENCRYPTION_SERVER` / `SQLNET.CRYPTO_CHECKSUM_SERVER`);
    /// Oracle's default accepts both.
    pub nne: ServerPolicy,
    /// Shards behind this listener (`--shard`); empty = not sharded. See [`crate::shard`].
    pub shards: Vec<crate::shard::ShardSpec>,
    /// The database name sessions see (DB_NAME, V$INSTANCE, V$DATABASE); `None` = the
    /// service name. A shard's is its name.
    pub db_name: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            users: vec![("scott".into(), "tiger".into())],
            services: vec!["FREEPDB1".into()],
            data_dir: None,
            // 23.4's: VECTOR columns are described with their dimensions and format
            // (python-oracledb's vector_dimensions/vector_format); every peer client passed its
            // conformance checks at it (the lower of the two sides' versions is used).
            field_version: 24,
            io_timeout: Duration::from_secs(30),
            max_request: 512 * 1024 * 1024,
            tls: None,
            admin: None,
            nne: ServerPolicy::default(),
            shards: Vec::new(),
            db_name: None,
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

/// The environment variable with `NAME/PASSWORD` entries (commas or
/// newlines between them): credentials kept out of `ps`.
pub const USERS_ENV: &str = "ORADB_TESTSERVER_USERS";

/// One `NAME/PASSWORD` entry. The error never repeats the entry: it may
/// hold a password.
pub fn parse_user(entry: &str) -> Result<(String, String), String> {
    match entry.trim().split_once('/') {
        Some((u, p)) if !u.trim().is_empty() && !p.is_empty() => {
            Ok((u.trim().to_string(), p.to_string()))
        }
        _ => Err("expected NAME/PASSWORD".into()),
    }
}

/// The entries of [`USERS_ENV`]: separated by commas or newlines, blank
/// ones skipped.
pub fn users_from_env(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split([',', '\n'])
        .filter(|e| !e.trim().is_empty())
        .enumerate()
        .map(|(i, e)| parse_user(e).map_err(|why| format!("{USERS_ENV} entry {}: {why}", i + 1)))
        .collect()
}

/// A `--user-file`: one `NAME/PASSWORD` per line; blank lines and `#`
/// comments skipped. Errors name the file and line, not its text.
pub fn users_from_file(path: &std::path::Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read user file {}: {e}", path.display()))?;
    let mut users = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let user = parse_user(line)
            .map_err(|why| format!("user file {} line {}: {why}", path.display(), n + 1))?;
        users.push(user);
    }
    Ok(users)
}
