//! Native network encryption and integrity ("NNE", Oracle's ANO
//! negotiation) for the client: whether to ask for it in CONNECT, the
//! exchange right after ACCEPT, and the errors a refusal becomes. The codec
//! is `oradb_protocol::ano`; this file only moves its packets.
//!
//! Key folding: the test server re-keys after the logon for OCI only (go-ora
//! never folds, and neither do we), so the keys from the Diffie-Hellman
//! exchange protect the whole session.

use oradb_protocol::ano::client::{self, ClientPolicy};
use oradb_protocol::ano::negotiate::{ORA_INCOMPATIBLE, ORA_NO_COMMON_ALGORITHM};
use oradb_protocol::ano::{AnoError, Level, Negotiated};
use oradb_protocol::buf::DecodeError;
use oradb_protocol::codes;

use crate::error::{Error, ErrorKind, Result};
use crate::transport::{Inbound, Transport};

/// CONNECT NSI flags asking for native services (what OCI and go-ora send).
pub const CONNECT_NSI_NEGOTIATE: [u8; 2] = [0x41, 0x41];

/// Whether the CONNECT should ask for the negotiation: unless both services
/// are rejected (a server that requires one then refuses with ORA-12660),
/// and never over TLS, which already protects the session.
pub fn wanted(policy: &ClientPolicy, tls: bool) -> Result<bool> {
    if tls {
        if policy.encryption == Level::Required || policy.integrity == Level::Required {
            return Err(Error::odb(
                ErrorKind::Connect,
                codes::NNE_WITH_TLS,
                "networkEncryption or networkIntegrity (or sqlnet.ora's SQLNET.ENCRYPTION_CLIENT / SQLNET.CRYPTO_CHECKSUM_CLIENT) is \"required\" but the address is tcps: TLS already protects it and native encryption is not layered under TLS",
            ));
        }
        return Ok(false);
    }
    Ok(policy.encryption != Level::Rejected || policy.integrity != Level::Rejected)
}

/// Whether the server's ACCEPT NSI flags say the negotiation follows (the
/// test go-ora applies: "wanted" set, "disabled" and "not negotiating"
/// clear).
pub fn server_negotiates(na_flags: [u8; 2]) -> bool {
    na_flags[0] & 0x01 != 0 && na_flags[0] & 0x04 == 0 && na_flags[1] & 0x08 == 0
}

/// The server will not negotiate: fine unless we require a service.
pub fn without_negotiation(policy: &ClientPolicy) -> Result<Negotiated> {
    if policy.encryption == Level::Required || policy.integrity == Level::Required {
        return Err(refused(ORA_INCOMPATIBLE));
    }
    Ok(Negotiated::default())
}

/// Runs the exchange after an ACCEPT that asked for it; on success every
/// later DATA payload of `t` is protected when something was turned on.
pub async fn negotiate(t: &mut Transport, policy: &ClientPolicy) -> Result<Negotiated> {
    // OsRng, not thread_rng: the future must stay Send across awaits.
    let mut rng = rand::rngs::OsRng;
    t.send_data(&client::request(policy, &mut rng).encode())
        .await?;
    let mut answer = Vec::new();
    let done = loop {
        match t.recv().await? {
            Inbound::Data { payload, .. } => answer.extend_from_slice(&payload),
            Inbound::Marker(_) => continue,
            Inbound::Other(p) => {
                return Err(Error::protocol(format!(
                    "unexpected packet type {} in the network encryption negotiation",
                    p.kind
                )))
            }
        }
        match client::finish(policy, &answer, &mut rng) {
            Err(AnoError::Decode(DecodeError::NeedMore)) => continue,
            other => break other.map_err(negotiation_error)?,
        }
    };
    if let Some(kx) = &done.key_exchange {
        t.send_data(kx).await?;
    }
    if let Some(c) = done.crypto {
        t.set_crypto(c);
    }
    // Algorithm names only: keys never reach the log.
    let n = done.negotiated;
    tracing::debug!(
        "native network services: encryption {}, integrity {}",
        n.encryption.map_or("off", |a| a.name()),
        n.integrity.map_or("off", |a| a.name())
    );
    Ok(n)
}

/// Oracle's text for the refusals a negotiation ends with.
pub fn refused(code: u32) -> Error {
    let text = match code {
        ORA_INCOMPATIBLE => "ORA-12660: Encryption or crypto-checksumming parameters incompatible",
        ORA_NO_COMMON_ALGORITHM => "ORA-12650: No common encryption or data integrity algorithm",
        _ => "native network encryption or integrity refused by the server",
    };
    Error::ora(code, text, 0)
}

fn negotiation_error(e: AnoError) -> Error {
    match e {
        AnoError::Refused(n) => refused(n),
        // The message names the step, never a key.
        other => Error::odb(
            ErrorKind::Connect,
            codes::NETWORK_ENCRYPTION_FAILED,
            other.to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(e: Level, i: Level) -> ClientPolicy {
        ClientPolicy {
            encryption: e,
            integrity: i,
            ..ClientPolicy::default()
        }
    }

    #[test]
    fn asks_unless_both_are_rejected_and_never_over_tls() {
        use Level::*;
        assert!(wanted(&policy(Accepted, Accepted), false).unwrap());
        assert!(wanted(&policy(Rejected, Requested), false).unwrap());
        assert!(!wanted(&policy(Rejected, Rejected), false).unwrap());
        assert!(!wanted(&policy(Requested, Accepted), true).unwrap());
        let e = wanted(&policy(Accepted, Required), true).unwrap_err();
        assert_eq!(e.code(), codes::NNE_WITH_TLS);
    }

    #[test]
    fn accept_flags_of_a_negotiating_server_are_recognised() {
        assert!(server_negotiates([0x41, 0x41]));
        assert!(!server_negotiates([0x04, 0x08]));
        assert!(!server_negotiates([0x01, 0x08]));
    }

    #[test]
    fn a_server_without_negotiation_fails_only_a_required_level() {
        use Level::*;
        assert!(without_negotiation(&policy(Requested, Accepted)).is_ok());
        let e = without_negotiation(&policy(Accepted, Required)).unwrap_err();
        assert_eq!((e.code(), e.errno()), ("ORA-12660", 12660));
    }
}
