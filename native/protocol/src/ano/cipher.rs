//! Packet encryption: AES in CBC mode with a zero IV restarted for every
//! packet, the plaintext padded with zero bytes to a whole block and one
//! trailing clear byte saying how many were added, plus one (go-ora's
//! framing, which it uses against real servers).

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};

use super::algorithms::Encryption;
use super::error::AnoError;

const BLOCK: usize = 16;
const ZERO_IV: [u8; BLOCK] = [0; BLOCK];

/// The encryption half of a session: a key and its algorithm.
pub struct PacketCipher {
    algorithm: Encryption,
    key: Vec<u8>,
}

impl PacketCipher {
    /// The key is the first `key_len` bytes of the Diffie-Hellman secret.
    pub fn new(algorithm: Encryption, shared_secret: &[u8]) -> Result<Self, AnoError> {
        let n = algorithm.key_len();
        let Some(key) = shared_secret.get(..n) else {
            return Err(AnoError::KeyExchange(format!(
                "{} needs a {n}-byte secret",
                algorithm.name()
            )));
        };
        Ok(PacketCipher {
            algorithm,
            key: key.to_vec(),
        })
    }

    pub fn algorithm(&self) -> Encryption {
        self.algorithm
    }

    pub fn encrypt(&self, plain: &[u8]) -> Vec<u8> {
        let pad = (BLOCK - plain.len() % BLOCK) % BLOCK;
        let mut buf = plain.to_vec();
        buf.resize(plain.len() + pad, 0);
        let len = buf.len();
        // Key and IV lengths are fixed by the match, and `buf` is whole
        // blocks, so none of these can fail.
        let done = match self.algorithm {
            Encryption::Aes128 => {
                cbc::Encryptor::<aes::Aes128>::new_from_slices(&self.key, &ZERO_IV)
                    .map(|c| c.encrypt_padded_mut::<NoPadding>(&mut buf, len).is_ok())
            }
            Encryption::Aes192 => {
                cbc::Encryptor::<aes::Aes192>::new_from_slices(&self.key, &ZERO_IV)
                    .map(|c| c.encrypt_padded_mut::<NoPadding>(&mut buf, len).is_ok())
            }
            Encryption::Aes256 => {
                cbc::Encryptor::<aes::Aes256>::new_from_slices(&self.key, &ZERO_IV)
                    .map(|c| c.encrypt_padded_mut::<NoPadding>(&mut buf, len).is_ok())
            }
        };
        debug_assert_eq!(done, Ok(true));
        buf.push(pad as u8 + 1);
        buf
    }

    pub fn decrypt(&self, data: &[u8]) -> Result<Vec<u8>, AnoError> {
        let Some((&marker, body)) = data.split_last() else {
            return Err(AnoError::Decrypt("empty packet".into()));
        };
        if body.len() % BLOCK != 0 {
            return Err(AnoError::Decrypt(format!(
                "{} bytes is not whole blocks",
                body.len()
            )));
        }
        let pad = (marker as usize).wrapping_sub(1);
        if pad >= BLOCK {
            return Err(AnoError::Decrypt(format!("padding marker {marker}")));
        }
        let mut buf = body.to_vec();
        let ok = match self.algorithm {
            Encryption::Aes128 => {
                cbc::Decryptor::<aes::Aes128>::new_from_slices(&self.key, &ZERO_IV)
                    .map(|c| c.decrypt_padded_mut::<NoPadding>(&mut buf).is_ok())
            }
            Encryption::Aes192 => {
                cbc::Decryptor::<aes::Aes192>::new_from_slices(&self.key, &ZERO_IV)
                    .map(|c| c.decrypt_padded_mut::<NoPadding>(&mut buf).is_ok())
            }
            Encryption::Aes256 => {
                cbc::Decryptor::<aes::Aes256>::new_from_slices(&self.key, &ZERO_IV)
                    .map(|c| c.decrypt_padded_mut::<NoPadding>(&mut buf).is_ok())
            }
        };
        if ok != Ok(true) {
            return Err(AnoError::Decrypt("cipher rejected the block layout".into()));
        }
        let Some(len) = buf.len().checked_sub(pad) else {
            return Err(AnoError::Decrypt(format!(
                "padding {pad} longer than the packet"
            )));
        };
        buf.truncate(len);
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Vec<u8> {
        (0u8..64).collect()
    }

    #[test]
    fn every_length_round_trips_for_every_key_size() {
        for alg in Encryption::ALL {
            let c = PacketCipher::new(alg, &secret()).unwrap();
            for n in 0..40 {
                let plain: Vec<u8> = (0..n as u8).collect();
                let enc = c.encrypt(&plain);
                assert_eq!(enc.len(), plain.len().div_ceil(16) * 16 + 1);
                assert_eq!(c.decrypt(&enc).unwrap(), plain, "{alg:?} length {n}");
            }
        }
    }

    #[test]
    fn framing_matches_fips_197_aes128_vector() {
        // FIPS-197 C.1: with a zero IV one CBC block is plain AES.
        let key = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        let c = PacketCipher::new(Encryption::Aes128, &key).unwrap();
        let plain = hex::decode("00112233445566778899aabbccddeeff").unwrap();
        let mut want = hex::decode("69c4e0d86a7b0430d8cdb78070b4c55a").unwrap();
        want.push(1); // no padding added: marker 0 + 1
        assert_eq!(c.encrypt(&plain), want);
    }

    #[test]
    fn bad_lengths_and_markers_are_errors() {
        let c = PacketCipher::new(Encryption::Aes256, &secret()).unwrap();
        assert!(c.decrypt(&[]).is_err());
        assert_eq!(c.decrypt(&[1]).unwrap(), b"");
        assert!(c.decrypt(&[2]).is_err());
        assert!(c.decrypt(&[0; 18]).is_err());
        let mut enc = c.encrypt(b"hello");
        *enc.last_mut().unwrap() = 0;
        assert!(c.decrypt(&enc).is_err());
        *enc.last_mut().unwrap() = 17;
        assert!(c.decrypt(&enc).is_err());
        assert!(PacketCipher::new(Encryption::Aes256, &[0; 16]).is_err());
    }
}
