//! CONNECT → ACCEPT / REFUSE, before the TTC conversation starts.

use std::time::Duration;

use crate::session::Socket;
use oradb_protocol::packet::{
    self, accept::Accept, connect::Connect, kind, refuse::Refuse, PacketDecoder,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::Config;
use crate::nne;
use oradb_protocol::ano::{Negotiated, PacketCrypto};

/// Our preferred TNS version: 4-byte lengths, flags2 read but left 0.
const TNS_VERSION: u16 = 318;
const MIN_TNS_VERSION: u16 = packet::LARGE_SDU_VERSION;

/// What the client asked for in its CONNECT (kept for session views).
#[allow(dead_code)]
#[derive(Debug, Clone, Default)]
pub struct ConnectInfo {
    pub descriptor: String,
    pub service: Option<String>,
    /// The shard (index into `Config::shards`) the sharding key routed this connection to.
    pub shard: Option<usize>,
    /// `DEDICATED`, `SHARED` or `POOLED` (DRCP).
    pub server_type: Option<String>,
    pub program: Option<String>,
    pub machine: Option<String>,
    pub os_user: Option<String>,
    /// DRCP `(POOL_CONNECTION_CLASS=…)` / `(POOL_PURITY=SELF|NEW)` of CONNECT_DATA.
    pub pool_cclass: Option<String>,
    pub pool_purity: Option<String>,
    pub sdu: usize,
    /// Native network encryption and integrity in use.
    pub nne: Negotiated,
}

/// Value of `(KEY=value)` anywhere in a descriptor, case-insensitively.
fn nv_value(descriptor: &str, key: &str) -> Option<String> {
    let upper = descriptor.to_ascii_uppercase();
    let needle = format!("({key}");
    let mut from = 0;
    while let Some(i) = upper[from..].find(&needle) {
        let after = from + i + needle.len();
        let rest = descriptor[after..].trim_start();
        if let Some(v) = rest.strip_prefix('=') {
            let v = v.trim_start();
            let end = v.find(')').unwrap_or(v.len());
            let val = v[..end].trim().trim_matches('"');
            return (!val.is_empty()).then(|| val.to_string());
        }
        from = after;
    }
    None
}

async fn read_packet(
    sock: &mut Socket,
    dec: &mut PacketDecoder,
    timeout: Duration,
) -> Result<packet::Packet, String> {
    let mut buf = [0u8; 4096];
    loop {
        if let Some(p) = dec.next_packet().map_err(|e| e.to_string())? {
            return Ok(p);
        }
        let n = tokio::time::timeout(timeout, sock.read(&mut buf))
            .await
            .map_err(|_| "timed out waiting for CONNECT".to_string())?
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("client closed during connect".into());
        }
        dec.feed(&buf[..n]);
    }
}

async fn refuse(sock: &mut Socket, code: u32) -> String {
    let mut out = Vec::new();
    packet::encode(
        &mut out,
        kind::REFUSE,
        0,
        &Refuse::with_error(code).encode_body(),
        false,
    );
    let _ = sock.write_all(&out).await;
    format!("refused with ORA-{code:05}")
}

/// Runs the CONNECT exchange and, when the client asks for it, the native
/// network negotiation; on success the decoder is in 4-byte mode, and the
/// packet protection (if any was agreed) is returned beside the info.
pub async fn accept_connect(
    sock: &mut Socket,
    dec: &mut PacketDecoder,
    config: &Config,
    refuse_with: Option<u32>,
    tls: bool,
) -> Result<(ConnectInfo, Option<PacketCrypto>), String> {
    let p = read_packet(sock, dec, config.io_timeout).await?;
    if p.kind != kind::CONNECT {
        return Err(format!("expected CONNECT, got packet type {}", p.kind));
    }
    let c = Connect::decode_body(&p.body).map_err(|e| e.to_string())?;
    let descriptor = match c.descriptor.clone() {
        Some(d) => d,
        None => {
            let d = read_packet(sock, dec, config.io_timeout).await?;
            if d.kind != kind::DATA {
                return Err("expected connect data in a DATA packet".into());
            }
            String::from_utf8_lossy(d.data_payload()).into_owned()
        }
    };
    // Fault injection: the listener has no handler to give (TNS-12516/12519).
    if let Some(code) = refuse_with {
        return Err(refuse(sock, code).await);
    }
    if c.version < MIN_TNS_VERSION {
        return Err(refuse(sock, 12_660).await);
    }
    let service = nv_value(&descriptor, "SERVICE_NAME").or_else(|| nv_value(&descriptor, "SID"));
    if !service.as_deref().is_some_and(|s| config.knows_service(s)) {
        let code = if nv_value(&descriptor, "SID").is_some() {
            12_505
        } else {
            12_514
        };
        return Err(refuse(sock, code).await);
    }
    // A shard director: the sharding key picks the shard (or none owns it).
    let shard = match crate::shard::route(
        &config.shards,
        nv_value(&descriptor, oradb_protocol::sharding::SHARDING_KEY).as_deref(),
        nv_value(&descriptor, oradb_protocol::sharding::SUPER_SHARDING_KEY).as_deref(),
    ) {
        Ok(s) => s,
        Err(code) => return Err(refuse(sock, code).await),
    };
    // Over TCPS, TLS already protects the session: as Oracle's server, native encryption
    // is neither layered under it nor required of the client.
    let negotiate = !tls && nne::client_wants(c.na_flags);
    if !tls && !negotiate && nne::requires(&config.nne) {
        // A client without native services cannot meet a REQUIRED level.
        return Err(refuse(sock, 12_660).await);
    }
    let sdu = (c.sdu as usize).clamp(512, packet::MAX_SDU);
    let mut accept = Accept::server(
        c.version.min(TNS_VERSION),
        sdu as u32,
        (c.tdu as usize).clamp(sdu, packet::MAX_SDU) as u32,
    );
    if negotiate {
        accept.na_flags = nne::ACCEPT_NSI_NEGOTIATE;
    }
    let mut out = Vec::new();
    packet::encode(&mut out, kind::ACCEPT, 0, &accept.encode_body(), false);
    tokio::time::timeout(config.io_timeout, sock.write_all(&out))
        .await
        .map_err(|_| "timed out writing ACCEPT".to_string())?
        .map_err(|e| e.to_string())?;
    dec.set_large_lengths(true);
    let crypto = if negotiate {
        nne::negotiate(sock, dec, &config.nne, config.io_timeout).await?
    } else {
        None
    };
    let nne = crypto
        .as_ref()
        .map(PacketCrypto::negotiated)
        .unwrap_or_default();
    if negotiate {
        tracing::debug!("native network services: {}", nne::summary(nne));
    }
    let info = ConnectInfo {
        service,
        server_type: nv_value(&descriptor, "SERVER").map(|s| s.to_ascii_uppercase()),
        program: nv_value(&descriptor, "PROGRAM"),
        machine: nv_value(&descriptor, "HOST"),
        os_user: nv_value(&descriptor, "USER"),
        pool_cclass: nv_value(&descriptor, "POOL_CONNECTION_CLASS"),
        pool_purity: nv_value(&descriptor, "POOL_PURITY").map(|p| p.to_ascii_uppercase()),
        descriptor,
        sdu,
        nne,
        shard,
    };
    Ok((info, crypto))
}

#[cfg(test)]
mod tests {
    use super::nv_value;

    #[test]
    fn finds_values_case_insensitively() {
        let d = "(DESCRIPTION=(ADDRESS=(PROTOCOL=tcp)(HOST=127.0.0.1)(PORT=1))(CONNECT_DATA=(service_name = freepdb1)(SERVER=pooled)(CID=(PROGRAM=node)(HOST=vm)(USER=root))))";
        assert_eq!(nv_value(d, "SERVICE_NAME").as_deref(), Some("freepdb1"));
        assert_eq!(nv_value(d, "SERVER").as_deref(), Some("pooled"));
        assert_eq!(nv_value(d, "PROGRAM").as_deref(), Some("node"));
        assert_eq!(nv_value(d, "SID"), None);
    }
}
