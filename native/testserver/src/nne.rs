//! Native network encryption and integrity: the ANO negotiation right after
//! ACCEPT, for clients whose CONNECT asks for native services (OCI, go-ora),
//! under the server's policy (`--encryption`, `--integrity`). The codec is
//! `oradb_protocol::ano`; this file only moves its packets.

use std::time::Duration;

use oradb_protocol::ano::messages::ClientRequest;
use oradb_protocol::ano::server::{self, ServerAnswer, ServerPolicy};
use oradb_protocol::ano::{Level, Negotiated, PacketCrypto};
use oradb_protocol::packet::{self, kind, PacketDecoder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::session::Socket;

/// CONNECT NSI flag: the client wants native services negotiated.
const NSI_WANTED: u8 = 0x01;
/// CONNECT NSI flag: the client has native services turned off (thin
/// python-oracledb and node-oracledb send `84 84`).
const NSI_DISABLED: u8 = 0x04;
/// ACCEPT NSI flags when the negotiation follows (what real listeners send).
pub const ACCEPT_NSI_NEGOTIATE: [u8; 2] = [0x41, 0x41];

/// Whether a client's CONNECT NSI flags ask for the negotiation.
pub fn client_wants(na_flags: [u8; 2]) -> bool {
    na_flags[0] & NSI_WANTED != 0 && na_flags[0] & NSI_DISABLED == 0
}

/// Whether a client that cannot negotiate must be refused (ORA-12660): the
/// server requires encryption or integrity.
pub fn requires(policy: &ServerPolicy) -> bool {
    policy.encryption == Level::Required || policy.integrity == Level::Required
}

async fn read_data(
    sock: &mut Socket,
    dec: &mut PacketDecoder,
    timeout: Duration,
) -> Result<Vec<u8>, String> {
    let mut buf = [0u8; 4096];
    loop {
        if let Some(p) = dec.next_packet().map_err(|e| e.to_string())? {
            if p.kind != kind::DATA {
                return Err(format!(
                    "native network negotiation: packet type {} instead of DATA",
                    p.kind
                ));
            }
            return Ok(p.data_payload().to_vec());
        }
        let n = tokio::time::timeout(timeout, sock.read(&mut buf))
            .await
            .map_err(|_| "native network negotiation: timed out".to_string())?
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("native network negotiation: client left".into());
        }
        dec.feed(&buf[..n]);
    }
}

async fn write_data(sock: &mut Socket, payload: &[u8], timeout: Duration) -> Result<(), String> {
    let mut out = Vec::new();
    packet::encode_data(&mut out, payload, packet::MAX_SDU, true, 0, 0);
    tokio::time::timeout(timeout, sock.write_all(&out))
        .await
        .map_err(|_| "native network negotiation: write timed out".to_string())?
        .map_err(|e| e.to_string())
}

/// Runs the negotiation after an ACCEPT with [`ACCEPT_NSI_NEGOTIATE`]:
/// `None` when nothing was turned on. Errors end the connection; their text
/// names the step, never a key.
pub async fn negotiate(
    sock: &mut Socket,
    dec: &mut PacketDecoder,
    policy: &ServerPolicy,
    timeout: Duration,
) -> Result<Option<PacketCrypto>, String> {
    let payload = read_data(sock, dec, timeout).await?;
    let (req, _) = ClientRequest::decode(&payload)
        .map_err(|e| format!("native network negotiation: bad request: {e}"))?;
    tracing::debug!(
        header = format_args!("{:#x}", req.version),
        encryption = format_args!("{:#x}", req.encryption.version),
        "native network negotiation: client versions"
    );
    let answer = server::answer(policy, &req, &mut rand::thread_rng());
    match answer {
        ServerAnswer::Plain { reply } => {
            write_data(sock, &reply, timeout).await?;
            Ok(None)
        }
        ServerAnswer::Refuse { reply, code } => {
            write_data(sock, &reply, timeout).await?;
            Err(format!(
                "native network negotiation refused with ORA-{code:05} (client offers encryption {:?}, integrity {:?})",
                req.encryption.algorithms, req.integrity.algorithms
            ))
        }
        ServerAnswer::KeyExchange { reply, pending } => {
            write_data(sock, &reply, timeout).await?;
            let kx = read_data(sock, dec, timeout).await?;
            let mut crypto = pending
                .finish(&kx)
                .map_err(|e| format!("native network negotiation: key exchange: {e}"))?;
            crypto.set_peer_version(req.encryption.version);
            Ok(Some(crypto))
        }
    }
}

/// `V$SESSION_CONNECT_INFO`-style banner lines for what a session negotiated.
pub fn banners(n: Negotiated) -> Vec<String> {
    let mut lines =
        vec!["TCP/IP NT Protocol Adapter for Linux: Version 23.0.0.0.0 - Production".into()];
    lines.push(match n.encryption {
        Some(a) => format!("Encryption service for Linux: Version 23.0.0.0.0 - Production\n{} Encryption service adapter for Linux: Version 23.0.0.0.0 - Production", a.name()),
        None => "Encryption service for Linux: Version 23.0.0.0.0 - Production".into(),
    });
    lines.push(match n.integrity {
        Some(a) => format!("Crypto-checksumming service for Linux: Version 23.0.0.0.0 - Production\n{} Crypto-checksumming service adapter for Linux: Version 23.0.0.0.0 - Production", a.name()),
        None => "Crypto-checksumming service for Linux: Version 23.0.0.0.0 - Production".into(),
    });
    lines
        .iter()
        .flat_map(|l| l.lines().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

/// One-line summary for logs and the admin port: `AES256/SHA512`, `none`.
pub fn summary(n: Negotiated) -> String {
    let e = n.encryption.map_or("none", |a| a.name());
    let i = n.integrity.map_or("none", |a| a.name());
    format!("encryption={e} integrity={i}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use oradb_protocol::ano::{Encryption, Integrity};

    #[test]
    fn nsi_flags_of_oci_ask_for_the_negotiation_and_thin_ones_do_not() {
        assert!(client_wants([0x41, 0x41]));
        assert!(!client_wants([0x84, 0x84]));
        assert!(!client_wants([0x04, 0x04]));
    }

    #[test]
    fn banners_name_the_adapters_in_use() {
        let n = Negotiated {
            encryption: Some(Encryption::Aes256),
            integrity: Some(Integrity::Sha512),
        };
        let b = banners(n);
        assert_eq!(b.len(), 5);
        assert!(b[2].starts_with("AES256 Encryption service adapter"));
        assert!(b[4].starts_with("SHA512 Crypto-checksumming service adapter"));
        assert_eq!(banners(Negotiated::default()).len(), 3);
        assert_eq!(summary(n), "encryption=AES256 integrity=SHA512");
    }
}
