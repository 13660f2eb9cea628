//! Client and server negotiating with each other through bytes, and the
//! server answering OCI 19.3's captured requests.

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::client::{self, ClientPolicy};
use super::messages::{ClientRequest, ServerResponse};
use super::negotiate::{level_outcome, LevelOutcome, ORA_INCOMPATIBLE};
use super::server::{self, ServerAnswer, ServerPolicy};
use super::tests::{OCI_DEFAULT, OCI_REJECTED};
use super::{AnoError, Encryption, Integrity, Level, Negotiated};

const LEVELS: [Level; 4] = [
    Level::Rejected,
    Level::Accepted,
    Level::Requested,
    Level::Required,
];

/// Runs a whole negotiation; on success both ends exchange a packet.
fn negotiate(c: &ClientPolicy, s: &ServerPolicy, seed: u64) -> Result<Negotiated, AnoError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let req_bytes = client::request(c, &mut rng).encode();
    let (req, _) = ClientRequest::decode(&req_bytes)?;
    let (reply, pending) = match server::answer(s, &req, &mut rng) {
        ServerAnswer::Plain { reply } => (reply, None),
        ServerAnswer::KeyExchange { reply, pending } => (reply, Some(pending)),
        ServerAnswer::Refuse { reply, code } => {
            let got = client::finish(c, &reply, &mut rng).unwrap_err();
            assert_eq!(got, AnoError::Refused(code));
            return Err(got);
        }
    };
    let done = client::finish(c, &reply, &mut rng)?;
    match (pending, done.key_exchange, done.crypto) {
        (None, None, None) => Ok(done.negotiated),
        (Some(pending), Some(kx), Some(mut client_crypto)) => {
            assert_eq!(pending.negotiated(), done.negotiated);
            let mut server_crypto = pending.finish(&kx)?;
            let wire = client_crypto.encrypt_and_sign(b"\x03\x5e select 1 from dual");
            assert_eq!(
                server_crypto.decrypt_and_verify(&wire)?,
                b"\x03\x5e select 1 from dual"
            );
            let wire = server_crypto.encrypt_and_sign(b"row 1");
            assert_eq!(client_crypto.decrypt_and_verify(&wire)?, b"row 1");
            Ok(done.negotiated)
        }
        other => panic!("client and server disagree on the key exchange: {other:?}"),
    }
}

fn policies(client: Level, server: Level) -> (ClientPolicy, ServerPolicy) {
    let c = ClientPolicy {
        encryption: client,
        integrity: client,
        ..ClientPolicy::default()
    };
    let s = ServerPolicy {
        encryption: server,
        integrity: server,
        ..ServerPolicy::default()
    };
    (c, s)
}

#[test]
fn every_pair_of_levels_ends_as_oracle_documents() {
    for (i, c) in LEVELS.iter().enumerate() {
        for (j, s) in LEVELS.iter().enumerate() {
            let (cp, sp) = policies(*c, *s);
            let got = negotiate(&cp, &sp, (i * 4 + j) as u64);
            match level_outcome(*c, *s) {
                LevelOutcome::Off => assert_eq!(got, Ok(Negotiated::default()), "{c}/{s}"),
                LevelOutcome::Incompatible => {
                    assert_eq!(got, Err(AnoError::Refused(ORA_INCOMPATIBLE)), "{c}/{s}")
                }
                LevelOutcome::On => {
                    let want = Negotiated {
                        encryption: Some(Encryption::Aes256),
                        integrity: Some(Integrity::Sha512),
                    };
                    assert_eq!(got, Ok(want), "{c}/{s}");
                }
            }
        }
    }
}

#[test]
fn every_algorithm_pair_negotiates_and_protects_packets() {
    for (n, e) in Encryption::ALL.into_iter().enumerate() {
        for (m, i) in Integrity::ALL.into_iter().enumerate() {
            let (c, mut s) = policies(Level::Requested, Level::Required);
            s.encryption_types = vec![e];
            s.integrity_types = vec![i];
            let want = Negotiated {
                encryption: Some(e),
                integrity: Some(i),
            };
            assert_eq!(negotiate(&c, &s, (n * 8 + m) as u64), Ok(want));
        }
    }
}

#[test]
fn encryption_alone_still_exchanges_keys() {
    let (c, mut s) = policies(Level::Accepted, Level::Required);
    s.integrity = Level::Rejected;
    let want = Negotiated {
        encryption: Some(Encryption::Aes256),
        integrity: None,
    };
    assert_eq!(negotiate(&c, &s, 99), Ok(want));
}

#[test]
fn server_answers_ocis_captured_requests() {
    let mut rng = StdRng::seed_from_u64(5);
    let (default_req, _) = ClientRequest::decode(&hex::decode(OCI_DEFAULT).unwrap()).unwrap();
    let (rejected_req, _) = ClientRequest::decode(&hex::decode(OCI_REJECTED).unwrap()).unwrap();
    // Default server: OCI at its default (accepted) gets everything off.
    let plain = server::answer(&ServerPolicy::default(), &default_req, &mut rng);
    let ServerAnswer::Plain { reply } = plain else {
        panic!("{plain:?}")
    };
    let ServerResponse::Answer(a) = ServerResponse::decode(&reply).unwrap().0 else {
        panic!("refused")
    };
    assert_eq!(
        (
            a.encryption.algorithm,
            a.integrity.algorithm,
            a.integrity.dh
        ),
        (0, 0, None)
    );
    // A requiring server picks AES256 and its first integrity choice OCI offers.
    let (_, req) = policies(Level::Accepted, Level::Required);
    let on = server::answer(&req, &default_req, &mut rng);
    let ServerAnswer::KeyExchange { pending, .. } = on else {
        panic!("{on:?}")
    };
    let want = Negotiated {
        encryption: Some(Encryption::Aes256),
        integrity: Some(Integrity::Sha512),
    };
    assert_eq!(pending.negotiated(), want);
    // OCI with REJECTED against a requiring server: ORA-12660.
    let refused = server::answer(&req, &rejected_req, &mut rng);
    assert!(
        matches!(refused, ServerAnswer::Refuse { code: 12660, .. }),
        "{refused:?}"
    );
}

#[test]
fn a_bad_key_exchange_is_an_error() {
    let mut rng = StdRng::seed_from_u64(3);
    let (c, s) = policies(Level::Required, Level::Required);
    let req = client::request(&c, &mut rng);
    let ServerAnswer::KeyExchange { pending, .. } = server::answer(&s, &req, &mut rng) else {
        panic!()
    };
    assert!(pending.finish(&[0xde, 0xad, 0xbe, 0xef, 0, 5]).is_err());
}

#[test]
fn a_client_refuses_a_server_that_ignores_its_requirement() {
    let mut rng = StdRng::seed_from_u64(4);
    let (c, _) = policies(Level::Required, Level::Accepted);
    let (_, s) = policies(Level::Rejected, Level::Rejected);
    // This server turns everything off even though the client requires it.
    let req = client::request(
        &ClientPolicy {
            encryption: Level::Accepted,
            integrity: Level::Accepted,
            ..c.clone()
        },
        &mut rng,
    );
    let ServerAnswer::Plain { reply } = server::answer(&s, &req, &mut rng) else {
        panic!()
    };
    assert_eq!(
        client::finish(&c, &reply, &mut rng).unwrap_err(),
        AnoError::Refused(ORA_INCOMPATIBLE)
    );
}
