//! What users pass as a connect string: Easy Connect (Plus), a full connect
//! descriptor, or a tnsnames.ora alias. Resolved to descriptions with their
//! addresses; the client picks an address and sends `to_connect_descriptor`.

use std::fmt;
use std::time::Duration;

use crate::codes;
use crate::nv::{self, NvPair};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectStringError {
    /// [`codes::INVALID_CONNECT_STRING`] or [`codes::TNS_ALIAS_NOT_FOUND`].
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for ConnectStringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ConnectStringError {}

fn malformed(message: String) -> ConnectStringError {
    ConnectStringError {
        code: codes::INVALID_CONNECT_STRING,
        message,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Tcps,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Description {
    pub addresses: Vec<Address>,
    pub load_balance: bool,
    pub service_name: Option<String>,
    pub sid: Option<String>,
    pub instance_name: Option<String>,
    /// DEDICATED, SHARED or POOLED.
    pub server: Option<String>,
    pub pool_connection_class: Option<String>,
    pub pool_purity: Option<String>,
    pub connect_timeout: Option<Duration>,
    pub transport_connect_timeout: Option<Duration>,
    pub retry_count: u32,
    pub retry_delay: Duration,
    pub expire_time: Option<Duration>,
    pub sdu: Option<u32>,
    pub ssl_server_dn_match: Option<bool>,
    pub ssl_server_cert_dn: Option<String>,
    pub wallet_location: Option<String>,
    pub ignored_params: Vec<String>,
}

/// `10`, `1.5`, `250ms`, `2 sec`, `1min` → duration (plain numbers are seconds).
fn duration(v: &str) -> Option<Duration> {
    let v = v.trim().to_ascii_lowercase();
    let (num, scale) = if let Some(n) = v.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("min") {
        (n, 60.0)
    } else if let Some(n) = v.strip_suffix("sec") {
        (n, 1.0)
    } else {
        (v.as_str(), 1.0)
    };
    num.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s * scale))
}

impl Description {
    /// Applies a parameter given as an Easy Connect Plus `key=value` or a descriptor pair.
    fn set(&mut self, key: &str, value: &str, whole: &str) -> Result<(), ConnectStringError> {
        let bad = || {
            malformed(format!(
                "invalid value \"{value}\" for {} in connect string \"{whole}\"",
                key.to_ascii_lowercase()
            ))
        };
        match key.to_ascii_uppercase().as_str() {
            "CONNECT_TIMEOUT" => self.connect_timeout = Some(duration(value).ok_or_else(bad)?),
            "TRANSPORT_CONNECT_TIMEOUT" => {
                self.transport_connect_timeout = Some(duration(value).ok_or_else(bad)?)
            }
            "RETRY_COUNT" => self.retry_count = value.trim().parse().map_err(|_| bad())?,
            "RETRY_DELAY" => self.retry_delay = duration(value).ok_or_else(bad)?,
            "EXPIRE_TIME" => {
                self.expire_time = Some(Duration::from_secs(
                    60 * value.trim().parse::<u64>().map_err(|_| bad())?,
                ))
            }
            "SDU" => self.sdu = Some(value.trim().parse().map_err(|_| bad())?),
            "SSL_SERVER_DN_MATCH" => {
                self.ssl_server_dn_match = Some(matches!(
                    value.trim().to_ascii_lowercase().as_str(),
                    "on" | "yes" | "true"
                ))
            }
            "SSL_SERVER_CERT_DN" => self.ssl_server_cert_dn = Some(value.to_string()),
            "WALLET_LOCATION" | "MY_WALLET_DIRECTORY" => {
                self.wallet_location = Some(value.to_string())
            }
            "POOL_CONNECTION_CLASS" => self.pool_connection_class = Some(value.to_string()),
            "POOL_PURITY" => self.pool_purity = Some(value.to_ascii_uppercase()),
            "SERVER" => self.server = Some(value.to_ascii_uppercase()),
            "LOAD_BALANCE" => {
                self.load_balance = matches!(
                    value.trim().to_ascii_lowercase().as_str(),
                    "on" | "yes" | "true"
                )
            }
            other => self.ignored_params.push(other.to_string()),
        }
        Ok(())
    }

    /// The descriptor sent in CONNECT for `address`, plus extra CONNECT_DATA pairs.
    pub fn to_connect_descriptor(
        &self,
        address: &Address,
        extra_connect_data: &[(String, String)],
    ) -> String {
        let proto = match address.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Tcps => "tcps",
        };
        let mut cd = String::new();
        if let Some(s) = &self.service_name {
            cd.push_str(&format!("(SERVICE_NAME={s})"));
        } else if let Some(s) = &self.sid {
            cd.push_str(&format!("(SID={s})"));
        }
        if let Some(i) = &self.instance_name {
            cd.push_str(&format!("(INSTANCE_NAME={i})"));
        }
        cd.push_str(&format!(
            "(SERVER={})",
            self.server.as_deref().unwrap_or("DEDICATED")
        ));
        if let Some(c) = &self.pool_connection_class {
            cd.push_str(&format!("(POOL_CONNECTION_CLASS={c})"));
        }
        if let Some(p) = &self.pool_purity {
            cd.push_str(&format!("(POOL_PURITY={p})"));
        }
        for (k, v) in extra_connect_data {
            cd.push_str(&format!("({k}={v})"));
        }
        format!(
            "(DESCRIPTION=(ADDRESS=(PROTOCOL={proto})(HOST={})(PORT={}))(CONNECT_DATA={cd}))",
            address.host, address.port
        )
    }
}

fn parse_port(p: &str, whole: &str) -> Result<u16, ConnectStringError> {
    p.parse::<u16>().ok().filter(|n| *n > 0).ok_or_else(|| {
        malformed(format!(
            "invalid port \"{p}\" in connect string \"{whole}\""
        ))
    })
}

/// Easy Connect: `[tcp[s]://]host[:port][,host2[:port]][/service][:server][/instance][?k=v&...]`.
fn easy_connect(s: &str) -> Result<Description, ConnectStringError> {
    let whole = s;
    let mut d = Description::default();
    let (rest, params) = s.split_once('?').unwrap_or((s, ""));
    let (protocol, rest) = match rest.split_once("://") {
        Some((p, r)) if p.eq_ignore_ascii_case("tcps") => (Protocol::Tcps, r),
        Some((p, r)) if p.eq_ignore_ascii_case("tcp") => (Protocol::Tcp, r),
        Some((p, _)) => {
            return Err(malformed(format!(
                "unsupported protocol \"{p}\" in connect string \"{whole}\""
            )))
        }
        None => (Protocol::Tcp, rest),
    };
    let default_port = if protocol == Protocol::Tcps {
        2484
    } else {
        1521
    };
    let (hosts, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    for h in hosts.split(',') {
        let h = h.trim();
        let (host, port) = if let Some(stripped) = h.strip_prefix('[') {
            let end = stripped.find(']').ok_or_else(|| {
                malformed(format!(
                    "unterminated IPv6 address in connect string \"{whole}\""
                ))
            })?;
            let after = &stripped[end + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => parse_port(p, whole)?,
                None => default_port,
            };
            (stripped[..end].to_string(), port)
        } else {
            match h.rsplit_once(':') {
                Some((host, p)) => (host.to_string(), parse_port(p, whole)?),
                None => (h.to_string(), default_port),
            }
        };
        if host.is_empty() {
            return Err(malformed(format!(
                "missing host in connect string \"{whole}\""
            )));
        }
        d.addresses.push(Address {
            protocol,
            host,
            port,
        });
    }
    if let Some(path) = path {
        let mut parts = path.splitn(2, '/');
        let svc = parts.next().unwrap_or("");
        let (svc, server) = match svc.split_once(':') {
            Some((s, srv)) => (s, Some(srv)),
            None => (svc, None),
        };
        if !svc.is_empty() {
            d.service_name = Some(svc.to_string());
        }
        if let Some(srv) = server {
            let up = srv.to_ascii_uppercase();
            if !["DEDICATED", "SHARED", "POOLED"].contains(&up.as_str()) {
                return Err(malformed(format!(
                    "invalid server type \"{srv}\" in connect string \"{whole}\""
                )));
            }
            d.server = Some(up);
        }
        if let Some(inst) = parts.next().filter(|i| !i.is_empty()) {
            d.instance_name = Some(inst.to_string());
        }
    }
    for kv in params.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = kv.split_once('=').ok_or_else(|| {
            malformed(format!(
                "invalid parameter \"{kv}\" in connect string \"{whole}\""
            ))
        })?;
        d.set(k.trim(), v.trim(), whole)?;
    }
    Ok(d)
}

fn from_nv(desc: &NvPair, whole: &str) -> Result<Description, ConnectStringError> {
    let mut d = Description::default();
    let mut addrs = Vec::new();
    desc.find_all("ADDRESS", &mut addrs);
    for a in addrs {
        let host = a.get_str("HOST").ok_or_else(|| {
            malformed(format!(
                "ADDRESS without HOST in connect string \"{whole}\""
            ))
        })?;
        let port = parse_port(a.get_str("PORT").unwrap_or("1521").trim(), whole)?;
        let protocol = if a
            .get_str("PROTOCOL")
            .is_some_and(|p| p.eq_ignore_ascii_case("tcps"))
        {
            Protocol::Tcps
        } else {
            Protocol::Tcp
        };
        d.addresses.push(Address {
            protocol,
            host: host.trim().to_string(),
            port,
        });
    }
    if d.addresses.is_empty() {
        return Err(malformed(format!(
            "no ADDRESS in connect string \"{whole}\""
        )));
    }
    if let Some(cd) = desc.find("CONNECT_DATA") {
        d.service_name = cd.get_str("SERVICE_NAME").map(str::to_string);
        d.sid = cd.get_str("SID").map(str::to_string);
        d.instance_name = cd.get_str("INSTANCE_NAME").map(str::to_string);
        d.server = cd.get_str("SERVER").map(str::to_ascii_uppercase);
        d.pool_connection_class = cd.get_str("POOL_CONNECTION_CLASS").map(str::to_string);
        d.pool_purity = cd.get_str("POOL_PURITY").map(str::to_ascii_uppercase);
    }
    for key in [
        "CONNECT_TIMEOUT",
        "TRANSPORT_CONNECT_TIMEOUT",
        "RETRY_COUNT",
        "RETRY_DELAY",
        "EXPIRE_TIME",
        "SDU",
        "LOAD_BALANCE",
        "SSL_SERVER_DN_MATCH",
        "SSL_SERVER_CERT_DN",
        "MY_WALLET_DIRECTORY",
    ] {
        if let Some(v) = desc
            .children()
            .iter()
            .find(|c| c.name == key)
            .and_then(NvPair::atom)
            .or_else(|| desc.find("SECURITY").and_then(|s| s.get_str(key)))
        {
            d.set(key, v, whole)?;
        }
    }
    Ok(d)
}

/// `alias = descriptor` entries of a tnsnames.ora file (IFILE is ignored).
pub fn parse_tnsnames(text: &str) -> Result<Vec<(String, String)>, ConnectStringError> {
    let cleaned: String = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = cleaned.as_str();
    while let Some(eq) = rest.find('=') {
        let names = rest[..eq].trim();
        let body = rest[eq + 1..].trim_start();
        if !body.starts_with('(') {
            // IFILE = path and similar single-line settings
            rest = body.split_once('\n').map_or("", |x| x.1);
            continue;
        }
        let mut depth = 0;
        let mut end = body.len();
        for (i, c) in body.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        if depth != 0 {
            return Err(malformed(format!(
                "unbalanced parentheses in tnsnames.ora entry \"{names}\""
            )));
        }
        let descriptor: String = body[..end].split_whitespace().collect::<Vec<_>>().join("");
        for n in names.split(',') {
            out.push((n.trim().to_string(), descriptor.clone()));
        }
        rest = &body[end..];
    }
    Ok(out)
}

/// Resolves any connect string form to its descriptions.
pub fn resolve(
    input: &str,
    tnsnames: Option<&str>,
) -> Result<Vec<Description>, ConnectStringError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(malformed("the connect string is empty".into()));
    }
    if s.starts_with('(') {
        let p = nv::parse(s).map_err(|e| {
            malformed(format!(
                "{} at offset {} in connect string \"{s}\"",
                e.message, e.offset
            ))
        })?;
        if p.name == "DESCRIPTION_LIST" {
            return p
                .children()
                .iter()
                .filter(|c| c.name == "DESCRIPTION")
                .map(|c| from_nv(c, s))
                .collect();
        }
        return Ok(vec![from_nv(&p, s)?]);
    }
    let is_alias = !s.contains(['/', ':', '(', '?']);
    if is_alias {
        if let Some(text) = tnsnames {
            if let Some((_, d)) = parse_tnsnames(text)?
                .into_iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(s))
            {
                return resolve(&d, None);
            }
        }
        if tnsnames.is_some() || !s.contains('.') {
            return Err(ConnectStringError {
                code: codes::TNS_ALIAS_NOT_FOUND,
                message: format!("connect identifier \"{s}\" was not found in tnsnames.ora"),
            });
        }
    }
    Ok(vec![easy_connect(s)?])
}

pub enum DsnTarget<'a> {
    ServiceName(&'a str),
    Sid(&'a str),
}

pub fn make_dsn(host: &str, port: u16, target: DsnTarget) -> String {
    let cd = match target {
        DsnTarget::ServiceName(s) => format!("(SERVICE_NAME={s})"),
        DsnTarget::Sid(s) => format!("(SID={s})"),
    };
    format!("(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST={host})(PORT={port}))(CONNECT_DATA={cd}))")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easy_connect_forms() {
        let d = &resolve("db.example.com:1522/sales.example.com:pooled/inst1?connect_timeout=2.5&retry_count=3&retry_delay=250ms&foo=bar", None).unwrap()[0];
        assert_eq!(
            d.addresses,
            vec![Address {
                protocol: Protocol::Tcp,
                host: "db.example.com".into(),
                port: 1522
            }]
        );
        assert_eq!(d.service_name.as_deref(), Some("sales.example.com"));
        assert_eq!(d.server.as_deref(), Some("POOLED"));
        assert_eq!(d.instance_name.as_deref(), Some("inst1"));
        assert_eq!(d.connect_timeout, Some(Duration::from_millis(2500)));
        assert_eq!(
            (d.retry_count, d.retry_delay),
            (3, Duration::from_millis(250))
        );
        assert_eq!(d.ignored_params, vec!["FOO".to_string()]);
        let d = &resolve("tcps://[::1],h2:1600/svc", None).unwrap()[0];
        assert_eq!(
            d.addresses[0],
            Address {
                protocol: Protocol::Tcps,
                host: "::1".into(),
                port: 2484
            }
        );
        assert_eq!(d.addresses[1].port, 1600);
        assert_eq!(
            resolve("localhost/FREEPDB1", None).unwrap()[0].addresses[0].port,
            1521
        );
    }

    #[test]
    fn errors_quote_the_bad_part() {
        let e = resolve("localhost:abc/svc", None).unwrap_err();
        assert_eq!(e.code, codes::INVALID_CONNECT_STRING);
        assert_eq!(
            e.message,
            "invalid port \"abc\" in connect string \"localhost:abc/svc\""
        );
        assert!(resolve("localhost:70000/svc", None)
            .unwrap_err()
            .message
            .contains("\"70000\""));
        assert!(resolve("(DESCRIPTION=(ADDRESS=(HOST=h)", None).is_err());
        assert_eq!(
            resolve(
                "nosuchalias",
                Some("a = (DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1)))")
            )
            .unwrap_err()
            .code,
            codes::TNS_ALIAS_NOT_FOUND
        );
        assert!(resolve("h:1/s?retry_count=x", None)
            .unwrap_err()
            .message
            .contains("\"x\""));
    }

    #[test]
    fn descriptors_tnsnames_and_make_dsn() {
        let tns = "# comment\nsales, sales2 =\n (DESCRIPTION =\n  (ADDRESS_LIST = (FAILOVER=on)(ADDRESS = (PROTOCOL = TCP)(HOST = a)(PORT = 1521))(ADDRESS=(PROTOCOL=TCP)(HOST=b)(PORT=1522)))\n  (CONNECT_DATA = (SID = orcl)))\nIFILE = /x/y.ora\n";
        let d = &resolve("SALES2", Some(tns)).unwrap()[0];
        assert_eq!(d.addresses.len(), 2);
        assert_eq!(d.sid.as_deref(), Some("orcl"));
        let dsn = make_dsn("h", 1521, DsnTarget::ServiceName("svc"));
        assert_eq!(dsn, "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=svc)))");
        let d = &resolve(&dsn, None).unwrap()[0];
        assert_eq!(d.to_connect_descriptor(&d.addresses[0], &[("CID".into(), "(PROGRAM=x)".into())]), "(DESCRIPTION=(ADDRESS=(PROTOCOL=tcp)(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=svc)(SERVER=DEDICATED)(CID=(PROGRAM=x))))");
    }
}
