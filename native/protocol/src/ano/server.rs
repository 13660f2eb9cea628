//! The server's side of the negotiation: answer a client's request under the
//! server's policy, then (when something is on) take the client's public key
//! and key the session.

use rand::RngCore;

use super::algorithms::{Encryption, Integrity};
use super::auth::AuthResponse;
use super::dh::{DhGroup, DhKeyPair};
use super::encryption::EncryptionResponse;
use super::error::AnoError;
use super::integrity::{ClientKeyExchange, IntegrityResponse};
use super::messages::{ClientRequest, ServerAnswers, ServerResponse};
use super::negotiate::{choose, Level};
use super::packet::AnoPacket;
use super::session::{Negotiated, PacketCrypto};
use super::supervisor::{SupervisorResponse, STATUS_OK};
use super::{Role, ENCRYPTION, INTEGRITY, VERSION_19};

/// `SQLNET.ENCRYPTION_SERVER` and friends. Type lists are in order of
/// preference: the first one the client also offers wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerPolicy {
    pub encryption: Level,
    pub encryption_types: Vec<Encryption>,
    pub integrity: Level,
    pub integrity_types: Vec<Integrity>,
    /// Version the answers carry.
    pub version: u32,
}

impl Default for ServerPolicy {
    /// Oracle's defaults: both services accepted, every algorithm allowed.
    fn default() -> Self {
        ServerPolicy {
            encryption: Level::Accepted,
            encryption_types: Encryption::ALL.to_vec(),
            integrity: Level::Accepted,
            integrity_types: Integrity::ALL.to_vec(),
            version: VERSION_19,
        }
    }
}

/// What to do after reading a client's request.
#[derive(Debug)]
pub enum ServerAnswer {
    /// Send `reply`; nothing is on and no key exchange follows.
    Plain { reply: Vec<u8> },
    /// Send `reply`, read the client's next DATA payload and pass it to
    /// `pending.finish`.
    KeyExchange {
        reply: Vec<u8>,
        pending: ServerPending,
    },
    /// Send `reply` (the refusal), then close: the client reports ORA-`code`.
    Refuse { reply: Vec<u8>, code: u32 },
}

/// A server waiting for the client's public key.
#[derive(Debug)]
pub struct ServerPending {
    negotiated: Negotiated,
    group: DhGroup,
    keys: DhKeyPair,
    iv: Vec<u8>,
}

/// Answers a request. The Diffie-Hellman group is ours to pick (RFC 3526
/// group 14, like the real server in go-ora issue 210).
pub fn answer(policy: &ServerPolicy, req: &ClientRequest, rng: &mut impl RngCore) -> ServerAnswer {
    let enc_prefs: Vec<u8> = policy.encryption_types.iter().map(|a| a.id()).collect();
    let int_prefs: Vec<u8> = policy.integrity_types.iter().map(|a| a.id()).collect();
    let enc = choose(&req.encryption.algorithms, policy.encryption, &enc_prefs);
    let int = choose(&req.integrity.algorithms, policy.integrity, &int_prefs);
    let (enc, int) = match (enc, int) {
        (Ok(e), Ok(i)) => (e, i),
        (Err(code), _) => return refuse(ENCRYPTION, code),
        (_, Err(code)) => return refuse(INTEGRITY, code),
    };
    let negotiated = Negotiated {
        encryption: Encryption::from_id(enc),
        integrity: Integrity::from_id(int),
    };
    let v = policy.version;
    let on = negotiated.is_active();
    let mut integrity = IntegrityResponse {
        version: v,
        algorithm: int,
        dh: None,
    };
    let pending = on.then(|| {
        let group = DhGroup::modp_2048();
        let keys = group.generate(rng);
        let mut iv = vec![0u8; 16];
        rng.fill_bytes(&mut iv);
        integrity.dh = Some(group.to_params(&keys, iv.clone()));
        ServerPending {
            negotiated,
            group,
            keys,
            iv,
        }
    });
    let reply = ServerResponse::Answer(Box::new(ServerAnswers {
        // XE 11.2 with nothing on answers [4, 1]; with services on we list all.
        supervisor: SupervisorResponse {
            version: v,
            status: STATUS_OK,
            services: if on { vec![4, 1, 2, 3] } else { vec![4, 1] },
        },
        auth: AuthResponse::none(v),
        encryption: EncryptionResponse {
            version: v,
            algorithm: enc,
        },
        integrity,
    }))
    .encode();
    match pending {
        Some(pending) => ServerAnswer::KeyExchange { reply, pending },
        None => ServerAnswer::Plain { reply },
    }
}

fn refuse(service: u16, code: u32) -> ServerAnswer {
    ServerAnswer::Refuse {
        reply: ServerResponse::Refused { service, code }.encode(),
        code,
    }
}

impl ServerPending {
    pub fn negotiated(&self) -> Negotiated {
        self.negotiated
    }

    /// Reads the client's key-exchange payload and keys the session.
    pub fn finish(self, client_payload: &[u8]) -> Result<PacketCrypto, AnoError> {
        let (p, _) = AnoPacket::decode(client_payload)?;
        let kx = ClientKeyExchange::from_packet(&p)?;
        let secret = self.group.shared_secret(&self.keys, &kx.public_key)?;
        PacketCrypto::new(Role::Server, self.negotiated, &secret, &self.iv)
    }
}
