//! Options for a standalone connection (and for each session of a pool).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub use oradb_protocol::ano::client::ClientPolicy as NetworkPolicy;
pub use oradb_protocol::ano::{Encryption, Integrity, Level};
use oradb_protocol::sharding;
use oradb_protocol::value::{DateTime, Value};

/// DRCP purity requested at logon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Purity {
    #[default]
    Default,
    New,
    SelfPurity,
}

#[derive(Clone)]
pub struct ConnectOptions {
    pub user: String,
    /// Kept out of `Debug` output.
    pub password: String,
    pub connect_string: String,
    /// Directory holding tnsnames.ora; `TNS_ADMIN` when unset.
    pub config_dir: Option<PathBuf>,
    pub connect_timeout: Duration,
    /// 0 = none.
    pub call_timeout: Duration,
    pub stmt_cache_size: usize,
    pub prefetch_rows: u32,
    pub connection_class: Option<String>,
    pub purity: Purity,
    pub program: String,
    pub machine: String,
    pub os_user: String,
    pub driver_name: String,
    /// The session's time zone, set at logon as Oracle's clients set it
    /// (`ALTER SESSION SET TIME_ZONE`): zone-less datetimes that reach a
    /// TIMESTAMP WITH TIME ZONE are read in it. `None`: the server's default.
    pub time_zone: Option<String>,
    /// TLS: a PEM file of trusted certificates or a directory with
    /// `ewallet.pem` (the connect string's MY_WALLET_DIRECTORY wins).
    pub wallet_location: Option<PathBuf>,
    /// TLS: check the server certificate's name (SSL_SERVER_DN_MATCH; default true).
    pub ssl_server_dn_match: bool,
    /// TLS: the subject DN the server certificate must have (SSL_SERVER_CERT_DN).
    pub ssl_server_cert_dn: Option<String>,
    /// Native network encryption and integrity levels and algorithms
    /// (`SQLNET.ENCRYPTION_CLIENT` and friends); default accepted, like
    /// Oracle's client. Not used on tcps addresses.
    pub network: NetworkPolicy,
    /// Sharding key and super sharding key (their sub-keys in order), sent in the connect
    /// data as Oracle's clients send them to a shard director; empty = none.
    pub sharding_key: Vec<Value>,
    pub super_sharding_key: Vec<Value>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            user: String::new(),
            password: String::new(),
            connect_string: String::new(),
            config_dir: None,
            connect_timeout: Duration::from_secs(20),
            call_timeout: Duration::ZERO,
            stmt_cache_size: 20,
            prefetch_rows: 100,
            connection_class: None,
            purity: Purity::Default,
            program: std::env::args().next().unwrap_or_else(|| "oradb".into()),
            machine: std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into()),
            os_user: std::env::var("USER").unwrap_or_else(|_| "oradb".into()),
            driver_name: format!("oradb thn : {}", env!("CARGO_PKG_VERSION")),
            time_zone: None,
            wallet_location: None,
            ssl_server_dn_match: true,
            ssl_server_cert_dn: None,
            network: NetworkPolicy::default(),
            sharding_key: Vec::new(),
            super_sharding_key: Vec::new(),
        }
    }
}

impl fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("connect_string", &self.connect_string)
            .field("config_dir", &self.config_dir)
            .field("connect_timeout", &self.connect_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("stmt_cache_size", &self.stmt_cache_size)
            .field("connection_class", &self.connection_class)
            .field("purity", &self.purity)
            .field("network", &self.network)
            .field("sharding_key", &self.sharding_key)
            .field("super_sharding_key", &self.super_sharding_key)
            .finish()
    }
}

/// Builds the network policy from the connect options' text forms
/// (`networkEncryption`, `encryptionTypes`, `networkIntegrity`,
/// `integrityTypes`); unset ones keep Oracle's defaults.
pub fn network_policy(
    encryption: Option<&str>,
    encryption_types: Option<&[String]>,
    integrity: Option<&str>,
    integrity_types: Option<&[String]>,
) -> crate::Result<NetworkPolicy> {
    overlay(
        NetworkPolicy::default(),
        encryption,
        encryption_types,
        integrity,
        integrity_types,
    )
}

/// As [`network_policy`], starting from the client settings of the `sqlnet.ora` in
/// `config_dir` (else `TNS_ADMIN`), as Oracle's clients read them; an option that is set wins
/// over the file. No file (or no such settings in it) is Oracle's defaults.
pub fn network_policy_in(
    config_dir: Option<&std::path::Path>,
    encryption: Option<&str>,
    encryption_types: Option<&[String]>,
    integrity: Option<&str>,
    integrity_types: Option<&[String]>,
) -> crate::Result<NetworkPolicy> {
    let dir = config_dir
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("TNS_ADMIN").map(PathBuf::from));
    let text = dir.and_then(|d| std::fs::read_to_string(d.join("sqlnet.ora")).ok());
    let base = match text {
        Some(t) => sqlnet_ora_policy(&t)?,
        None => NetworkPolicy::default(),
    };
    overlay(
        base,
        encryption,
        encryption_types,
        integrity,
        integrity_types,
    )
}

/// The client-side NNE settings of a sqlnet.ora text; a bad value names the parameter.
pub fn sqlnet_ora_policy(text: &str) -> crate::Result<NetworkPolicy> {
    use oradb_protocol::sqlnet_ora::{get, parse};
    let params = parse(text);
    let word = |name: &str| get(&params, name).map(|v| v.items().join(","));
    let list = |name: &str| get(&params, name).map(|v| v.items());
    const ENC: &str = "sqlnet.ora SQLNET.ENCRYPTION_CLIENT";
    const ENC_TYPES: &str = "sqlnet.ora SQLNET.ENCRYPTION_TYPES_CLIENT";
    const INT: &str = "sqlnet.ora SQLNET.CRYPTO_CHECKSUM_CLIENT";
    const INT_TYPES: &str = "sqlnet.ora SQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT";
    let mut p = NetworkPolicy::default();
    if let Some(v) = word("SQLNET.ENCRYPTION_CLIENT") {
        p.encryption = level(ENC, &v)?;
    }
    if let Some(v) = word("SQLNET.CRYPTO_CHECKSUM_CLIENT") {
        p.integrity = level(INT, &v)?;
    }
    if let Some(v) = list("SQLNET.ENCRYPTION_TYPES_CLIENT") {
        p.encryption_types = names(ENC_TYPES, &v, Encryption::from_name)?;
    }
    if let Some(v) = list("SQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT") {
        p.integrity_types = names(INT_TYPES, &v, Integrity::from_name)?;
    }
    Ok(p)
}

fn overlay(
    mut p: NetworkPolicy,
    encryption: Option<&str>,
    encryption_types: Option<&[String]>,
    integrity: Option<&str>,
    integrity_types: Option<&[String]>,
) -> crate::Result<NetworkPolicy> {
    if let Some(v) = encryption {
        p.encryption = level("networkEncryption", v)?;
    }
    if let Some(v) = integrity {
        p.integrity = level("networkIntegrity", v)?;
    }
    if let Some(v) = encryption_types {
        p.encryption_types = names("encryptionTypes", v, Encryption::from_name)?;
    }
    if let Some(v) = integrity_types {
        p.integrity_types = names("integrityTypes", v, Integrity::from_name)?;
    }
    Ok(p)
}

/// A sharding key from its sub-keys' text forms, as the addon passes them: `s:TEXT`,
/// `n:DECIMAL`, `d:YYYY-MM-DD HH:MM:SS` (a DATE, local time) or `b:HEX` (RAW).
pub fn sharding_key(option: &str, subkeys: &[String]) -> crate::Result<Vec<Value>> {
    if subkeys.is_empty() {
        return Err(invalid(format!("{option} must have at least one value")));
    }
    subkeys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let bad = || {
                invalid(format!(
                    "{option}[{i}]: not a string, number, Date or bytes"
                ))
            };
            let (tag, v) = k.split_once(':').ok_or_else(bad)?;
            let value = match tag {
                "s" if !v.is_empty() => Value::Varchar(v.to_string()),
                "n" => Value::Number(v.to_string()),
                "d" => Value::Date(DateTime::parse_iso(v).map_err(|_| bad())?),
                "b" if !v.is_empty() => Value::Raw(hex::decode(v).map_err(|_| bad())?),
                _ => return Err(bad()),
            };
            Ok(value)
        })
        .collect::<crate::Result<Vec<_>>>()
        .and_then(|key| {
            // Encoding checks what the wire form can carry (a NUMBER's digits, a DATE's year).
            sharding::encode(&key).map_err(|e| invalid(format!("{option}: {}", e.message)))?;
            Ok(key)
        })
}

fn invalid(message: String) -> crate::Error {
    crate::Error::usage(oradb_protocol::codes::INVALID_OPTION, message)
}

fn level(option: &str, v: &str) -> crate::Result<Level> {
    Level::parse(v).ok_or_else(|| {
        invalid(format!(
            "{option} must be \"rejected\", \"accepted\", \"requested\" or \"required\", not {v:?}"
        ))
    })
}

fn names<A: PartialEq>(
    option: &str,
    v: &[String],
    parse: fn(&str) -> Option<A>,
) -> crate::Result<Vec<A>> {
    if v.is_empty() {
        return Err(invalid(format!(
            "{option} must name at least one algorithm"
        )));
    }
    let mut out = Vec::new();
    for name in v {
        let a = parse(name).ok_or_else(|| {
            invalid(format!(
                "{option}: unknown or unsupported algorithm {name:?}"
            ))
        })?;
        if !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let o = ConnectOptions {
            password: "s3cret-pw".into(),
            ..Default::default()
        };
        assert!(!format!("{o:?}").contains("s3cret-pw"));
    }

    #[test]
    fn sqlnet_ora_sets_the_defaults_and_options_win_over_it() {
        let dir = std::env::temp_dir().join(format!("oradb-sqlnet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("sqlnet.ora"),
            "SQLNET.ENCRYPTION_CLIENT = REQUIRED\nSQLNET.ENCRYPTION_TYPES_CLIENT = (AES192)\n\
             SQLNET.CRYPTO_CHECKSUM_CLIENT = requested # and SHA only\n\
             SQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT = (SHA384, SHA256)\n",
        )
        .unwrap();
        let p = network_policy_in(Some(&dir), None, None, None, None).unwrap();
        assert_eq!(p.encryption, Level::Required);
        assert_eq!(p.encryption_types, [Encryption::Aes192]);
        assert_eq!(p.integrity, Level::Requested);
        assert_eq!(p.integrity_types, [Integrity::Sha384, Integrity::Sha256]);
        // An option set on connect() wins over the file.
        let p = network_policy_in(Some(&dir), Some("rejected"), None, None, None).unwrap();
        assert_eq!(p.encryption, Level::Rejected);
        assert_eq!(p.encryption_types, [Encryption::Aes192]);
        // A bad value names the file's parameter.
        std::fs::write(
            dir.join("sqlnet.ora"),
            "SQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT = (MD5)",
        )
        .unwrap();
        let e = network_policy_in(Some(&dir), None, None, None, None).unwrap_err();
        assert!(
            e.message().contains("SQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT"),
            "{}",
            e.message()
        );
        // No file: Oracle's defaults.
        std::fs::remove_file(dir.join("sqlnet.ora")).unwrap();
        let p = network_policy_in(Some(&dir), None, None, None, None).unwrap();
        assert_eq!(p.encryption, Level::Accepted);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn network_options_parse_and_bad_ones_name_the_option() {
        let p = network_policy(
            Some("Required"),
            Some(&["aes128".into(), "AES256".into(), "AES128".into()]),
            None,
            Some(&["SHA1".into()]),
        )
        .unwrap();
        assert_eq!(p.encryption, Level::Required);
        assert_eq!(p.encryption_types, [Encryption::Aes128, Encryption::Aes256]);
        assert_eq!(p.integrity, Level::Accepted);
        assert_eq!(p.integrity_types, [Integrity::Sha1]);
        let e = network_policy(Some("on"), None, None, None).unwrap_err();
        assert_eq!(e.code(), oradb_protocol::codes::INVALID_OPTION);
        assert!(e.message().contains("networkEncryption"), "{}", e.message());
        let e = network_policy(None, None, None, Some(&["MD5".into()])).unwrap_err();
        assert!(e.message().contains("integrityTypes") && e.message().contains("MD5"));
        let e = network_policy(None, Some(&[]), None, None).unwrap_err();
        assert!(e.message().contains("encryptionTypes"));
    }
}
