//! Diffie-Hellman over a prime field, as the integrity service carries it:
//! big-endian numbers padded to the prime's length. `num-bigint` does the
//! arithmetic; its `modpow` is not constant-time (see README).

use num_bigint::BigUint;
use rand::RngCore;

use super::error::AnoError;
use super::integrity::DhParams;

/// RFC 3526 group 14 (2048-bit MODP), the group a real server sent in the
/// dump in go-ora issue 210 (its prime starts `FFFFFFFFFFFFFFFFC90FDAA2`).
const MODP_2048: &str = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

/// Private exponents are this many random bytes: 256 bits, above the 224
/// NIST asks for with a 2048-bit group.
const PRIVATE_LEN: usize = 32;

/// A group: generator and prime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhGroup {
    generator: BigUint,
    prime: BigUint,
    /// Length of the prime in bytes: every number on the wire is padded to it.
    len: usize,
}

/// One side's key pair.
pub struct DhKeyPair {
    private: BigUint,
    /// Public key, padded to the group's length.
    pub public: Vec<u8>,
}

impl std::fmt::Debug for DhKeyPair {
    // Keeps the private exponent out of any log that prints a key pair.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DhKeyPair")
            .field("public", &hex::encode(&self.public))
            .finish_non_exhaustive()
    }
}

impl DhGroup {
    /// The group a server offers by default.
    pub fn modp_2048() -> Self {
        let prime = BigUint::parse_bytes(MODP_2048.as_bytes(), 16).unwrap_or_default();
        DhGroup {
            generator: BigUint::from(2u8),
            len: MODP_2048.len() / 2,
            prime,
        }
    }

    /// The group a server sent, checked the way go-ora checks it: the prime
    /// is `(key_bits + 7) / 8` bytes, and the generator lies in `2..p-1`.
    pub fn from_params(p: &DhParams) -> Result<Self, AnoError> {
        let len = (p.key_bits as usize).div_ceil(8);
        if len == 0 || p.prime_bits == 0 || p.prime.len() != len || p.server_public.len() != len {
            return Err(AnoError::KeyExchange(
                "lengths of the prime and key do not agree".into(),
            ));
        }
        let prime = BigUint::from_bytes_be(&p.prime);
        let generator = BigUint::from_bytes_be(&p.generator);
        if prime < BigUint::from(5u8) || generator < BigUint::from(2u8) || generator >= &prime - 1u8
        {
            return Err(AnoError::KeyExchange(
                "generator or prime out of range".into(),
            ));
        }
        Ok(DhGroup {
            generator,
            prime,
            len,
        })
    }

    /// Bytes in the prime, and so in every key and the shared secret.
    pub fn byte_len(&self) -> usize {
        self.len
    }

    fn pad(&self, n: &BigUint) -> Vec<u8> {
        let b = n.to_bytes_be();
        let mut out = vec![0; self.len.saturating_sub(b.len())];
        out.extend_from_slice(&b);
        out
    }

    /// A fresh key pair.
    pub fn generate(&self, rng: &mut impl RngCore) -> DhKeyPair {
        let mut secret = [0u8; PRIVATE_LEN];
        rng.fill_bytes(&mut secret);
        // An exponent of 0 or 1 would expose the key; 2 or more is fine.
        let private = BigUint::from_bytes_be(&secret) + 2u8;
        let public = self.pad(&self.generator.modpow(&private, &self.prime));
        DhKeyPair { private, public }
    }

    /// What the server sends in its integrity answer.
    pub fn to_params(&self, server: &DhKeyPair, iv: Vec<u8>) -> DhParams {
        let bits = (self.len * 8) as u16;
        DhParams {
            key_bits: bits,
            prime_bits: bits,
            generator: self.pad(&self.generator),
            prime: self.pad(&self.prime),
            server_public: server.public.clone(),
            iv,
        }
    }

    /// The shared secret with the peer's public key, padded to the group's
    /// length. A key longer than the group (beyond leading zeros), shorter
    /// than it, or outside `2..p-1` is refused: it would force a known
    /// secret.
    pub fn shared_secret(&self, ours: &DhKeyPair, peer_public: &[u8]) -> Result<Vec<u8>, AnoError> {
        // JDBC sends Java's two's-complement form: a leading 0 byte when the
        // top bit is set (257 bytes for a 2048-bit group). Leading zeros are
        // padding; more significant bytes than the group has are refused.
        let extra = peer_public.len().saturating_sub(self.len);
        if peer_public[..extra].iter().any(|b| *b != 0) || peer_public.len() < self.len {
            return Err(AnoError::KeyExchange(format!(
                "peer public key of {} bytes, {} expected",
                peer_public.len(),
                self.len
            )));
        }
        let y = BigUint::from_bytes_be(peer_public);
        if y < BigUint::from(2u8) || y >= &self.prime - 1u8 {
            return Err(AnoError::KeyExchange("peer public key out of range".into()));
        }
        Ok(self.pad(&y.modpow(&ours.private, &self.prime)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn both_sides_derive_the_same_secret() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let g = DhGroup::modp_2048();
        assert_eq!(g.byte_len(), 256);
        let server = g.generate(&mut rng);
        let params = g.to_params(&server, vec![1; 16]);
        assert_eq!(
            (
                params.key_bits,
                params.generator.len(),
                params.generator[255]
            ),
            (2048, 256, 2)
        );
        // The client rebuilds the group from what went over the wire.
        let client_group = DhGroup::from_params(&params).unwrap();
        assert_eq!(client_group, g);
        let client = client_group.generate(&mut rng);
        let a = client_group
            .shared_secret(&client, &params.server_public)
            .unwrap();
        let b = g.shared_secret(&server, &client.public).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 256);
    }

    /// Bytes 0x180..0x200 of a real server's integrity answer, as dumped in
    /// go-ora issue 210: the end of the zero-padded generator `02`, the
    /// prime's sub-packet header (256 bytes, RAW) and the prime's start.
    const ISSUE_210_DUMP: &str = concat!(
        "00000000000000000000000000000201000001ffffffffffffffffc90fdaa221",
        "68c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e",
        "3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b57662",
        "5e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c",
    );

    #[test]
    fn our_group_goes_on_the_wire_as_a_real_server_sends_it() {
        use crate::ano::integrity::IntegrityResponse;
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let g = DhGroup::modp_2048();
        let params = g.to_params(&g.generate(&mut rng), vec![0; 16]);
        let answer = IntegrityResponse {
            version: 0,
            algorithm: 5,
            dh: Some(params),
        };
        let mut bytes = Vec::new();
        for v in &answer.to_service().values {
            v.encode(&mut bytes);
        }
        let real = hex::decode(ISSUE_210_DUMP).unwrap();
        assert_eq!(real.len(), 128);
        assert!(bytes.windows(real.len()).any(|w| w == real));
    }

    #[test]
    fn a_java_public_key_with_its_sign_byte_gives_the_same_secret() {
        // JDBC sends BigInteger.toByteArray(): a leading 0 when the top bit
        // is set, 257 bytes for this group.
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let g = DhGroup::modp_2048();
        let server = g.generate(&mut rng);
        let client = g.generate(&mut rng);
        let mut java = vec![0u8];
        java.extend(&client.public);
        assert_eq!(
            g.shared_secret(&server, &java).unwrap(),
            g.shared_secret(&server, &client.public).unwrap()
        );
    }

    #[test]
    fn degenerate_keys_and_parameters_are_refused() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let g = DhGroup::modp_2048();
        let k = g.generate(&mut rng);
        let mut one = vec![0; 256];
        one[255] = 1;
        assert!(g.shared_secret(&k, &one).is_err());
        assert!(g.shared_secret(&k, &[0xFF; 256]).is_err());
        assert!(g.shared_secret(&k, &[2; 255]).is_err());
        let mut long = vec![1u8];
        long.extend([2u8; 256]);
        assert!(
            g.shared_secret(&k, &long).is_err(),
            "a 257th significant byte"
        );
        let mut p = g.to_params(&k, vec![]);
        p.key_bits = 1024;
        assert!(DhGroup::from_params(&p).is_err());
        let mut p = g.to_params(&k, vec![]);
        p.generator = vec![1];
        assert!(DhGroup::from_params(&p).is_err());
        assert!(format!("{k:?}").starts_with("DhKeyPair { public:"));
    }
}
