//! The client's side of the negotiation: build the request from the
//! client's policy, then read the server's answer, check it against that
//! policy and (when something is on) produce the key-exchange packet.

use rand::RngCore;

use super::algorithms::{Encryption, Integrity};
use super::auth::AuthRequest;
use super::dh::DhGroup;
use super::encryption::EncryptionRequest;
use super::error::AnoError;
use super::integrity::{ClientKeyExchange, IntegrityRequest};
use super::messages::{ClientRequest, ServerResponse};
use super::negotiate::{client_offer, Level, ORA_INCOMPATIBLE};
use super::session::{Negotiated, PacketCrypto};
use super::supervisor::SupervisorRequest;
use super::{Role, VERSION_19};

/// `networkEncryption` / `encryptionTypes` / `networkIntegrity` /
/// `integrityTypes`. Type lists are in order of preference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPolicy {
    pub encryption: Level,
    pub encryption_types: Vec<Encryption>,
    pub integrity: Level,
    pub integrity_types: Vec<Integrity>,
}

impl Default for ClientPolicy {
    /// Oracle's client defaults: accepted, every algorithm we implement.
    fn default() -> Self {
        ClientPolicy {
            encryption: Level::Accepted,
            encryption_types: Encryption::ALL.to_vec(),
            integrity: Level::Accepted,
            integrity_types: Integrity::ALL.to_vec(),
        }
    }
}

/// The request to send first, in its own DATA packet.
pub fn request(policy: &ClientPolicy, rng: &mut impl RngCore) -> ClientRequest {
    let enc: Vec<u8> = policy.encryption_types.iter().map(|a| a.id()).collect();
    let int: Vec<u8> = policy.integrity_types.iter().map(|a| a.id()).collect();
    let mut cid = vec![0u8; 8];
    rng.fill_bytes(&mut cid);
    ClientRequest {
        version: 0,
        // go-ora's list; OCI's `[4, 1, 1, 2]` is not understood (README).
        supervisor: SupervisorRequest {
            version: VERSION_19,
            cid,
            services: vec![4, 1, 2, 3],
        },
        auth: AuthRequest::none(VERSION_19),
        encryption: EncryptionRequest {
            version: VERSION_19,
            algorithms: client_offer(policy.encryption, &enc),
            trailer: None,
        },
        integrity: IntegrityRequest {
            version: VERSION_19,
            algorithms: client_offer(policy.integrity, &int),
        },
    }
}

/// The outcome of reading the server's answer.
#[derive(Debug)]
pub struct ClientDone {
    pub negotiated: Negotiated,
    /// Send this DATA payload next, when present (the client's public key).
    pub key_exchange: Option<Vec<u8>>,
    /// Protects every DATA payload after the key exchange; `None` when
    /// neither service is on.
    pub crypto: Option<PacketCrypto>,
}

/// Reads the server's answer (one DATA payload).
pub fn finish(
    policy: &ClientPolicy,
    answer: &[u8],
    rng: &mut impl RngCore,
) -> Result<ClientDone, AnoError> {
    let (resp, _) = ServerResponse::decode(answer)?;
    let (encryption, integrity) = match resp {
        ServerResponse::Refused { code, .. } => return Err(AnoError::Refused(code)),
        ServerResponse::Answer(a) => (a.encryption, a.integrity),
    };
    let enc = accept(
        encryption.algorithm,
        policy.encryption,
        &policy.encryption_types,
        Encryption::id,
    )?;
    let int = accept(
        integrity.algorithm,
        policy.integrity,
        &policy.integrity_types,
        Integrity::id,
    )?;
    let negotiated = Negotiated {
        encryption: enc.and_then(Encryption::from_id),
        integrity: int.and_then(Integrity::from_id),
    };
    if !negotiated.is_active() {
        return Ok(ClientDone {
            negotiated,
            key_exchange: None,
            crypto: None,
        });
    }
    let Some(dh) = integrity.dh else {
        return Err(AnoError::KeyExchange(
            "server turned a service on without sending its key".into(),
        ));
    };
    let group = DhGroup::from_params(&dh)?;
    let keys = group.generate(rng);
    let secret = group.shared_secret(&keys, &dh.server_public)?;
    let crypto = PacketCrypto::new(Role::Client, negotiated, &secret, &dh.iv)?;
    let key_exchange = ClientKeyExchange {
        public_key: keys.public.clone(),
    }
    .to_packet()
    .encode();
    Ok(ClientDone {
        negotiated,
        key_exchange: Some(key_exchange),
        crypto: Some(crypto),
    })
}

/// Checks one service's choice against what we offered; `None` is off. A
/// server that turns off what we require, or picks what we never offered,
/// is refused as OCI refuses it.
fn accept<A: Copy>(
    chosen: u8,
    level: Level,
    offered: &[A],
    id: fn(A) -> u8,
) -> Result<Option<u8>, AnoError> {
    if chosen == 0 {
        return match level {
            Level::Required => Err(AnoError::Refused(ORA_INCOMPATIBLE)),
            _ => Ok(None),
        };
    }
    if level == Level::Rejected || !offered.iter().any(|a| id(*a) == chosen) {
        return Err(AnoError::Refused(ORA_INCOMPATIBLE));
    }
    Ok(Some(chosen))
}
