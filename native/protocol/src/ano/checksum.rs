//! Packet integrity. Each packet carries `H(payload ‖ mask)`, where the mask
//! is the next `mac_len` bytes of a per-direction key stream seeded from the
//! Diffie-Hellman secret and the IV the server sent (read from go-ora):
//!
//! - SHA-1: RC4 keyed with the secret's last 5 bytes, `FF` and the IV gives
//!   5 bytes `k`; each direction then runs RC4 keyed `k ‖ 5A` (client to
//!   server) or `k ‖ B4` (server to client), and the mask is its key stream.
//! - SHA-2: AES-128-CBC keyed with the secret's first 5 bytes, `FF`, zeros,
//!   and the IV's first 16 bytes, encrypts 32 zero bytes into a key `k` and
//!   an IV `v`; each direction runs AES-128-CBC keyed `k` with byte 5 set to
//!   `5A` or `B4`, IV `v`; the mask is a buffer of zeros re-encrypted in
//!   place for every packet.
//!
//! After a break (BREAK/RESET markers) both ends re-derive: the seed
//! generator goes on where it stopped (RC4: its next 5 bytes; AES: a new
//! CBC keyed by the last `k`, `v` over the last 32-byte seed), and the
//! direction streams are re-keyed from its output, while the SHA-2 mask
//! buffers keep their state. Starting over from the secret instead is what
//! OCI rejected with ORA-12599 after a cancel (go-ora's `Init`, and a 26ai
//! server's packets recorded by seerdb, do it this way).

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{consts, BlockEncryptMut, KeyInit, KeyIvInit, StreamCipher};
use sha2::Digest;

use super::algorithms::Integrity;
use super::error::AnoError;

/// Which end of the connection this state belongs to: it decides which key
/// stream signs and which verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Client,
    Server,
}

const CLIENT_TO_SERVER: u8 = 0x5A;
const SERVER_TO_CLIENT: u8 = 0xB4;

type Rc4Seed = rc4::Rc4<consts::U22>;
type Rc4Dir = rc4::Rc4<consts::U6>;
type CbcDir = cbc::Encryptor<aes::Aes128>;

/// One direction's mask generator.
enum Stream {
    Rc4(Box<Rc4Dir>),
    Cbc { enc: Box<CbcDir>, state: Vec<u8> },
}

impl Stream {
    fn next_mask(&mut self, len: usize) -> Vec<u8> {
        match self {
            Stream::Rc4(rc4) => {
                let mut mask = vec![0; len];
                rc4.apply_keystream(&mut mask);
                mask
            }
            Stream::Cbc { enc, state } => {
                for block in state.chunks_exact_mut(16) {
                    enc.encrypt_block_mut(GenericArray::from_mut_slice(block));
                }
                state.clone()
            }
        }
    }
}

/// Where the direction keys come from; it keeps its state so that a
/// re-derivation continues it.
enum KeyGen {
    Rc4(Box<Rc4Seed>),
    Cbc { enc: Box<CbcDir>, seed: [u8; 32] },
}

/// The integrity half of a session.
pub struct PacketChecksum {
    algorithm: Integrity,
    send_tag: u8,
    recv_tag: u8,
    keygen: KeyGen,
    send: Stream,
    recv: Stream,
}

impl PacketChecksum {
    pub fn new(
        algorithm: Integrity,
        role: Role,
        secret: &[u8],
        iv: &[u8],
    ) -> Result<Self, AnoError> {
        if secret.len() < 5 {
            return Err(AnoError::KeyExchange(
                "shared secret shorter than 5 bytes".into(),
            ));
        }
        let (send_tag, recv_tag) = match role {
            Role::Client => (CLIENT_TO_SERVER, SERVER_TO_CLIENT),
            Role::Server => (SERVER_TO_CLIENT, CLIENT_TO_SERVER),
        };
        let mut keygen = match algorithm {
            Integrity::Sha1 => rc4_keygen(secret, iv)?,
            _ => cbc_keygen(secret, iv)?,
        };
        let (send, recv) = derive(&mut keygen, algorithm.mac_len(), send_tag, recv_tag, None);
        Ok(PacketChecksum {
            algorithm,
            send_tag,
            recv_tag,
            keygen,
            send,
            recv,
        })
    }

    /// The re-derivation both ends make after a break (see the module doc).
    pub fn rederive(&mut self) {
        let n = self.algorithm.mac_len();
        let keep = match (&self.send, &self.recv) {
            (Stream::Cbc { state: s, .. }, Stream::Cbc { state: r, .. }) => {
                Some((s.clone(), r.clone()))
            }
            _ => None,
        };
        let (send, recv) = derive(&mut self.keygen, n, self.send_tag, self.recv_tag, keep);
        self.send = send;
        self.recv = recv;
    }

    pub fn algorithm(&self) -> Integrity {
        self.algorithm
    }

    /// The checksum to append to an outgoing payload.
    pub fn sign(&mut self, payload: &[u8]) -> Vec<u8> {
        let mask = self.send.next_mask(self.algorithm.mac_len());
        digest(self.algorithm, payload, &mask)
    }

    /// Splits an incoming `payload ‖ checksum` and checks the checksum.
    pub fn verify<'a>(&mut self, data: &'a [u8]) -> Result<&'a [u8], AnoError> {
        let n = self.algorithm.mac_len();
        let Some(split) = data.len().checked_sub(n) else {
            return Err(AnoError::Checksum);
        };
        let (payload, got) = data.split_at(split);
        let mask = self.recv.next_mask(n);
        let want = digest(self.algorithm, payload, &mask);
        // Compare without an early exit so timing does not leak the prefix.
        let diff = want.iter().zip(got).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if diff != 0 {
            return Err(AnoError::Checksum);
        }
        Ok(payload)
    }
}

fn rc4_keygen(secret: &[u8], iv: &[u8]) -> Result<KeyGen, AnoError> {
    let mut seed = secret[secret.len() - 5..].to_vec();
    seed.push(0xFF);
    seed.extend_from_slice(iv);
    let Ok(keygen) = Rc4Seed::new_from_slice(&seed) else {
        return Err(AnoError::Unsupported(format!(
            "SHA1 integrity with a {}-byte IV",
            iv.len()
        )));
    };
    Ok(KeyGen::Rc4(Box::new(keygen)))
}

fn cbc_keygen(secret: &[u8], iv: &[u8]) -> Result<KeyGen, AnoError> {
    let Some(iv) = iv.get(..16) else {
        return Err(AnoError::KeyExchange(format!(
            "integrity IV of {} bytes, 16 needed",
            iv.len()
        )));
    };
    let mut key = [0u8; 16];
    key[..5].copy_from_slice(&secret[..5]);
    key[5] = 0xFF;
    let enc = CbcDir::new(GenericArray::from_slice(&key), GenericArray::from_slice(iv));
    Ok(KeyGen::Cbc {
        enc: Box::new(enc),
        seed: [0; 32],
    })
}

/// The next pair of direction streams from the key generator. `keep` is
/// the SHA-2 mask buffers (send, receive) to carry over; fresh ones are
/// zeros.
fn derive(
    keygen: &mut KeyGen,
    len: usize,
    send: u8,
    recv: u8,
    keep: Option<(Vec<u8>, Vec<u8>)>,
) -> (Stream, Stream) {
    match keygen {
        KeyGen::Rc4(gen) => {
            let mut k = [0u8; 6];
            gen.apply_keystream(&mut k[..5]);
            let mut dir = |tag: u8| {
                k[5] = tag;
                Stream::Rc4(Box::new(Rc4Dir::new(GenericArray::from_slice(&k))))
            };
            (dir(send), dir(recv))
        }
        KeyGen::Cbc { enc, seed } => {
            for block in seed.chunks_exact_mut(16) {
                enc.encrypt_block_mut(GenericArray::from_mut_slice(block));
            }
            let (key, dir_iv) = seed.split_at(16);
            // The next re-derivation continues from this key and IV.
            **enc = CbcDir::new(
                GenericArray::from_slice(key),
                GenericArray::from_slice(dir_iv),
            );
            let (send_state, recv_state) = keep.unwrap_or_else(|| (vec![0; len], vec![0; len]));
            let dir = |tag: u8, state: Vec<u8>| {
                let mut k = [0u8; 16];
                k.copy_from_slice(key);
                k[5] = tag;
                let enc = CbcDir::new(
                    GenericArray::from_slice(&k),
                    GenericArray::from_slice(dir_iv),
                );
                Stream::Cbc {
                    enc: Box::new(enc),
                    state,
                }
            };
            (dir(send, send_state), dir(recv, recv_state))
        }
    }
}

fn digest(alg: Integrity, payload: &[u8], mask: &[u8]) -> Vec<u8> {
    fn run<D: Digest>(payload: &[u8], mask: &[u8]) -> Vec<u8> {
        let mut h = D::new();
        h.update(payload);
        h.update(mask);
        h.finalize().to_vec()
    }
    match alg {
        Integrity::Sha1 => run::<sha1::Sha1>(payload, mask),
        Integrity::Sha256 => run::<sha2::Sha256>(payload, mask),
        Integrity::Sha384 => run::<sha2::Sha384>(payload, mask),
        Integrity::Sha512 => run::<sha2::Sha512>(payload, mask),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(alg: Integrity) -> (PacketChecksum, PacketChecksum) {
        let secret: Vec<u8> = (1u8..=255).collect();
        let iv = [9u8; 16];
        (
            PacketChecksum::new(alg, Role::Client, &secret, &iv).unwrap(),
            PacketChecksum::new(alg, Role::Server, &secret, &iv).unwrap(),
        )
    }

    #[test]
    fn each_side_verifies_the_other_over_many_packets() {
        for alg in Integrity::ALL {
            let (mut c, mut s) = pair(alg);
            for i in 0..5u8 {
                let msg = vec![i; i as usize * 7];
                let mut wire = msg.clone();
                wire.extend(c.sign(&msg));
                assert_eq!(wire.len(), msg.len() + alg.mac_len());
                assert_eq!(s.verify(&wire).unwrap(), &msg[..], "{alg:?} to server");
                let mut back = msg.clone();
                back.extend(s.sign(&msg));
                assert_eq!(c.verify(&back).unwrap(), &msg[..], "{alg:?} to client");
            }
        }
    }

    #[test]
    fn masks_differ_per_packet_and_per_direction() {
        let (mut c, mut s) = pair(Integrity::Sha256);
        let a = c.sign(b"x");
        let b = c.sign(b"x");
        assert_ne!(a, b, "the same payload must not repeat its checksum");
        assert_ne!(a, s.sign(b"x"), "the two directions use different keys");
    }

    #[test]
    fn tampering_replay_and_short_input_fail() {
        for alg in Integrity::ALL {
            let (mut c, mut s) = pair(alg);
            let mut wire = b"select 1 from dual".to_vec();
            wire.extend(c.sign(b"select 1 from dual"));
            let mut bad = wire.clone();
            bad[3] ^= 0x01;
            assert_eq!(s.verify(&bad), Err(AnoError::Checksum));
            // The receiver's stream moved on: replaying the original fails too.
            assert_eq!(s.verify(&wire), Err(AnoError::Checksum));
            assert_eq!(s.verify(&[1, 2]), Err(AnoError::Checksum));
        }
    }

    #[test]
    fn both_ends_rederive_after_breaks_and_a_fresh_start_no_longer_verifies() {
        for alg in Integrity::ALL {
            let (mut c, mut s) = pair(alg);
            for round in 0..3u8 {
                for i in 0..3u8 {
                    let msg = [round, i, 7];
                    let mut wire = msg.to_vec();
                    wire.extend(s.sign(&msg));
                    assert_eq!(c.verify(&wire).unwrap(), &msg[..], "{alg:?} round {round}");
                }
                c.rederive();
                s.rederive();
            }
            // A client that restarted from the secret (what OCI rejected
            // with ORA-12599) disagrees with the server after a break.
            let (mut fresh, _) = pair(alg);
            let mut wire = b"after the break".to_vec();
            wire.extend(s.sign(b"after the break"));
            assert_eq!(fresh.verify(&wire), Err(AnoError::Checksum), "{alg:?}");
            assert_eq!(c.verify(&wire).unwrap(), b"after the break");
        }
    }

    #[test]
    fn unusable_seeds_are_errors() {
        assert!(PacketChecksum::new(Integrity::Sha1, Role::Client, &[1; 32], &[0; 8]).is_err());
        assert!(PacketChecksum::new(Integrity::Sha256, Role::Client, &[1; 32], &[0; 8]).is_err());
        assert!(PacketChecksum::new(Integrity::Sha256, Role::Client, &[1; 4], &[0; 16]).is_err());
    }
}
