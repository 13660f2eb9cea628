//! O5LOGON with the 12c password verifier (type 18453), both sides.
//!
//! password_key = PBKDF2-SHA512(password, vfr ‖ "AUTH_PBKDF2_SPEEDY_KEY", vgen, 64)
//! password_hash = SHA-512(password_key ‖ vfr)[..32]           (an AES-256 key)
//! AUTH_SESSKEY  = AES-256-CBC(password_hash, IV 0)(32-byte key), each side
//! combo_key     = PBKDF2-SHA512(HEX(client_key ‖ server_key), csk_salt, sder, 32)
//! AUTH_PASSWORD = AES-256-CBC(combo_key)(16 random ‖ password ‖ PKCS#7)
//! Secrets live only in these structs, are zeroed on drop and never printed.

use std::fmt;

use aes::cipher::{generic_array::GenericArray, BlockDecrypt, BlockEncrypt, KeyInit};
use aes::Aes256;
use rand::RngCore;
use sha2::{Digest, Sha512};

/// Verifier type of 12c passwords (sent in the AUTH_VFR_DATA flags).
pub const VERIFIER_12C: u32 = 18453;
pub const VGEN_COUNT: u32 = 4096;
pub const SDER_COUNT: u32 = 3;
const SPEEDY_SALT_SUFFIX: &[u8] = b"AUTH_PBKDF2_SPEEDY_KEY";
const SERVER_PROOF: &[u8] = b"SERVER_TO_CLIENT";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Wrong user or password (ORA-01017).
    InvalidCredentials,
    UnsupportedVerifier(u32),
    Malformed(String),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::InvalidCredentials => {
                f.write_str("invalid credential or not authorized; logon denied")
            }
            AuthError::UnsupportedVerifier(v) => {
                write!(f, "password verifier type {v:#x} is not supported")
            }
            AuthError::Malformed(m) => write!(f, "malformed logon data: {m}"),
        }
    }
}

impl std::error::Error for AuthError {}

fn malformed(what: &str) -> AuthError {
    AuthError::Malformed(what.to_string())
}

fn wipe(b: &mut [u8]) {
    for x in b.iter_mut() {
        // Volatile so the zeroing is not optimised away.
        unsafe { std::ptr::write_volatile(x, 0) };
    }
}

fn cbc_encrypt(key: &[u8], data: &[u8]) -> Vec<u8> {
    let c = Aes256::new(GenericArray::from_slice(key));
    let mut prev = [0u8; 16];
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks(16) {
        let mut block = [0u8; 16];
        block[..chunk.len()].copy_from_slice(chunk);
        for (b, p) in block.iter_mut().zip(prev) {
            *b ^= p;
        }
        let mut ga = GenericArray::from(block);
        c.encrypt_block(&mut ga);
        prev.copy_from_slice(&ga);
        out.extend_from_slice(&ga);
    }
    out
}

fn cbc_decrypt(key: &[u8], data: &[u8]) -> Result<Vec<u8>, AuthError> {
    if data.is_empty() || !data.len().is_multiple_of(16) {
        return Err(malformed("encrypted value is not a whole number of blocks"));
    }
    let c = Aes256::new(GenericArray::from_slice(key));
    let mut prev = [0u8; 16];
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks(16) {
        let mut ga = GenericArray::clone_from_slice(chunk);
        c.decrypt_block(&mut ga);
        for (b, p) in ga.iter_mut().zip(prev) {
            *b ^= p;
        }
        prev.copy_from_slice(chunk);
        out.extend_from_slice(&ga);
    }
    Ok(out)
}

fn pad(data: &[u8]) -> Vec<u8> {
    let n = 16 - data.len() % 16;
    let mut v = data.to_vec();
    v.extend(std::iter::repeat_n(n as u8, n));
    v
}

fn unpad(mut v: Vec<u8>) -> Result<Vec<u8>, AuthError> {
    let n = *v.last().ok_or_else(|| malformed("empty value"))? as usize;
    if n == 0 || n > 16 || n > v.len() || !v[v.len() - n..].iter().all(|b| *b as usize == n) {
        return Err(AuthError::InvalidCredentials);
    }
    v.truncate(v.len() - n);
    Ok(v)
}

fn unhex(s: &str, what: &str) -> Result<Vec<u8>, AuthError> {
    hex::decode(s.trim()).map_err(|_| AuthError::Malformed(format!("{what} is not hex")))
}

fn pbkdf2(password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
    pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, rounds, out);
}

/// password_key and password_hash from the password and the verifier data.
fn derive(password: &str, vfr: &[u8], vgen: u32) -> ([u8; 64], [u8; 32]) {
    let mut salt = vfr.to_vec();
    salt.extend_from_slice(SPEEDY_SALT_SUFFIX);
    let mut key = [0u8; 64];
    pbkdf2(password.as_bytes(), &salt, vgen, &mut key);
    let mut h = Sha512::new();
    h.update(key);
    h.update(vfr);
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&h.finalize()[..32]);
    (key, hash)
}

fn combo_key(client_key: &[u8], server_key: &[u8], salt: &[u8], sder: u32) -> [u8; 32] {
    let mut both = client_key.to_vec();
    both.extend_from_slice(server_key);
    let text = hex::encode_upper(&both);
    wipe(&mut both);
    let mut out = [0u8; 32];
    pbkdf2(text.as_bytes(), salt, sder, &mut out);
    out
}

/// AES-CBC of (16 random bytes ‖ data ‖ PKCS#7) under `key`, as hex.
fn seal(key: &[u8], prefix: &[u8; 16], data: &[u8]) -> String {
    let mut plain = prefix.to_vec();
    plain.extend_from_slice(data);
    hex::encode_upper(cbc_encrypt(key, &pad(&plain)))
}

fn open(key: &[u8], hex_text: &str, what: &str) -> Result<Vec<u8>, AuthError> {
    let plain = unpad(cbc_decrypt(key, &unhex(hex_text, what)?)?)?;
    if plain.len() < 16 {
        return Err(AuthError::InvalidCredentials);
    }
    Ok(plain[16..].to_vec())
}

/// What the server keeps between logon phases one and two.
pub struct ServerChallenge {
    pub sesskey_hex: String,
    pub vfr_hex: String,
    pub csk_salt_hex: String,
    pub vgen_count: u32,
    pub sder_count: u32,
    server_key: [u8; 32],
    password_hash: [u8; 32],
    password_key: [u8; 64],
    csk_salt: [u8; 16],
}

impl ServerChallenge {
    pub fn new(password: &str, rng: &mut impl RngCore) -> Self {
        let mut vfr = [0u8; 16];
        let mut salt = [0u8; 16];
        let mut server_key = [0u8; 32];
        rng.fill_bytes(&mut vfr);
        rng.fill_bytes(&mut salt);
        rng.fill_bytes(&mut server_key);
        Self::with_randomness(password, vfr, salt, server_key)
    }

    /// A challenge for an unknown user: indistinguishable, never verifiable.
    pub fn decoy(rng: &mut impl RngCore) -> Self {
        let mut pw = [0u8; 24];
        rng.fill_bytes(&mut pw);
        Self::new(&hex::encode(pw), rng)
    }

    pub fn with_randomness(
        password: &str,
        vfr: [u8; 16],
        csk_salt: [u8; 16],
        server_key: [u8; 32],
    ) -> Self {
        let (password_key, password_hash) = derive(password, &vfr, VGEN_COUNT);
        ServerChallenge {
            sesskey_hex: hex::encode_upper(cbc_encrypt(&password_hash, &server_key)),
            vfr_hex: hex::encode_upper(vfr),
            csk_salt_hex: hex::encode_upper(csk_salt),
            vgen_count: VGEN_COUNT,
            sder_count: SDER_COUNT,
            server_key,
            password_hash,
            password_key,
            csk_salt,
        }
    }

    /// Checks the client's phase-two proof against the stored password.
    pub fn verify(
        &self,
        client_sesskey_hex: &str,
        auth_password_hex: &str,
        expected: &str,
    ) -> Result<ServerSession, AuthError> {
        let enc = unhex(client_sesskey_hex, "AUTH_SESSKEY")?;
        if enc.len() < 32 {
            return Err(malformed("AUTH_SESSKEY is too short"));
        }
        let mut client_key = cbc_decrypt(&self.password_hash, &enc[..32])?;
        let combo = combo_key(
            &client_key,
            &self.server_key,
            &self.csk_salt,
            self.sder_count,
        );
        wipe(&mut client_key);
        let session = ServerSession { combo };
        let mut given = session.open_password(auth_password_hex)?;
        let ok = constant_time_eq(&given, expected.as_bytes());
        wipe(&mut given);
        if ok {
            Ok(session)
        } else {
            Err(AuthError::InvalidCredentials)
        }
    }

    /// Checks AUTH_PBKDF2_SPEEDY_KEY (what a server without the plain password would do).
    pub fn verify_speedy_key(
        &self,
        session: &ServerSession,
        speedy_hex: &str,
    ) -> Result<(), AuthError> {
        let data = cbc_decrypt(
            &session.combo,
            &unhex(speedy_hex, "AUTH_PBKDF2_SPEEDY_KEY")?,
        )?;
        if data.len() >= 80 && constant_time_eq(&data[16..80], &self.password_key) {
            Ok(())
        } else {
            Err(AuthError::InvalidCredentials)
        }
    }
}

impl Drop for ServerChallenge {
    fn drop(&mut self) {
        wipe(&mut self.server_key);
        wipe(&mut self.password_hash);
        wipe(&mut self.password_key);
    }
}

impl fmt::Debug for ServerChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerChallenge")
            .field("vfr_hex", &self.vfr_hex)
            .finish_non_exhaustive()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A verified logon on the server side.
pub struct ServerSession {
    combo: [u8; 32],
}

impl ServerSession {
    /// The key that sealed AUTH_PASSWORD. Native network encryption folds
    /// it into its session key once the logon succeeded
    /// (`ano::PacketCrypto::fold`). Never log it.
    pub fn fold_key(&self) -> &[u8] {
        &self.combo
    }

    /// AUTH_SVR_RESPONSE: proves the server knows the password too.
    pub fn server_response_hex(&self, rng: &mut impl RngCore) -> String {
        let mut prefix = [0u8; 16];
        rng.fill_bytes(&mut prefix);
        seal(&self.combo, &prefix, SERVER_PROOF)
    }

    /// Decrypts AUTH_PASSWORD / AUTH_NEWPASSWORD.
    pub fn open_password(&self, hex_text: &str) -> Result<Vec<u8>, AuthError> {
        open(&self.combo, hex_text, "AUTH_PASSWORD")
    }
}

impl Drop for ServerSession {
    fn drop(&mut self) {
        wipe(&mut self.combo);
    }
}

/// The client's phase-two values.
pub struct ClientResponse {
    pub sesskey_hex: String,
    pub speedy_key_hex: String,
    pub password_hex: String,
    combo: [u8; 32],
}

impl fmt::Debug for ClientResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientResponse { .. }")
    }
}

impl Drop for ClientResponse {
    fn drop(&mut self) {
        wipe(&mut self.combo);
    }
}

impl ClientResponse {
    pub fn check_server_response(&self, hex_text: &str) -> Result<(), AuthError> {
        let plain = cbc_decrypt(&self.combo, &unhex(hex_text, "AUTH_SVR_RESPONSE")?)?;
        if plain.len() >= 32 && &plain[16..32] == SERVER_PROOF {
            Ok(())
        } else {
            Err(AuthError::InvalidCredentials)
        }
    }

    pub fn encrypt_new_password(&self, new: &str, rng: &mut impl RngCore) -> String {
        let mut prefix = [0u8; 16];
        rng.fill_bytes(&mut prefix);
        seal(&self.combo, &prefix, new.as_bytes())
    }
}

/// Client side of phase two, from the server's phase-one challenge.
pub fn client_response(
    password: &str,
    sesskey_hex: &str,
    vfr_hex: &str,
    csk_salt_hex: &str,
    vgen_count: u32,
    sder_count: u32,
    rng: &mut impl RngCore,
) -> Result<ClientResponse, AuthError> {
    let mut client_key = [0u8; 32];
    let mut prefix = [0u8; 16];
    rng.fill_bytes(&mut client_key);
    rng.fill_bytes(&mut prefix);
    let r = client_response_with(
        password,
        sesskey_hex,
        vfr_hex,
        csk_salt_hex,
        vgen_count,
        sder_count,
        client_key,
        prefix,
    );
    wipe(&mut client_key);
    r
}

#[allow(clippy::too_many_arguments)]
fn client_response_with(
    password: &str,
    sesskey_hex: &str,
    vfr_hex: &str,
    csk_salt_hex: &str,
    vgen_count: u32,
    sder_count: u32,
    client_key: [u8; 32],
    prefix: [u8; 16],
) -> Result<ClientResponse, AuthError> {
    if vgen_count > 100_000 || vgen_count == 0 {
        return Err(AuthError::Malformed(format!(
            "PBKDF2 iteration count {vgen_count} is out of range"
        )));
    }
    if !(1..=1000).contains(&sder_count) {
        return Err(AuthError::Malformed(format!(
            "derivation count {sder_count} is out of range"
        )));
    }
    let vfr = unhex(vfr_hex, "AUTH_VFR_DATA")?;
    let salt = unhex(csk_salt_hex, "AUTH_PBKDF2_CSK_SALT")?;
    let enc = unhex(sesskey_hex, "AUTH_SESSKEY")?;
    if enc.len() != 32 {
        return Err(malformed("server AUTH_SESSKEY must be 32 bytes"));
    }
    let (mut password_key, mut password_hash) = derive(password, &vfr, vgen_count);
    let mut server_key = cbc_decrypt(&password_hash, &enc)?;
    let sesskey_hex = hex::encode_upper(cbc_encrypt(&password_hash, &client_key));
    let combo = combo_key(&client_key, &server_key, &salt, sder_count);
    let speedy = cbc_encrypt(&combo, &pad(&[&prefix[..], &password_key[..]].concat()));
    let response = ClientResponse {
        sesskey_hex,
        speedy_key_hex: hex::encode_upper(&speedy[..80]),
        password_hex: seal(&combo, &prefix, password.as_bytes()),
        combo,
    };
    wipe(&mut password_key);
    wipe(&mut password_hash);
    wipe(&mut server_key);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq<const N: usize>(start: u8) -> [u8; N] {
        std::array::from_fn(|i| start + i as u8)
    }

    #[test]
    fn reference_vector_from_the_protocol_notes() {
        let (pk, ph) = derive("tiger", &seq::<16>(0), 4096);
        assert_eq!(hex::encode_upper(pk), "1742245FD3B95193051DCB26B3ED24214EA5E7907CC96EE0B6B1DB92D90945411A9AC20D6ABA716C861500711BFBB826DF4B4BF77405D1061EB28F228AF03373");
        assert_eq!(
            hex::encode_upper(ph),
            "14EA3F411C70C9A3E7AA9026B8D71B205A99B5EFB1E5F739B6C13191E5935AB3"
        );
        let server = ServerChallenge::with_randomness("tiger", seq(0), seq(0x10), seq(0x20));
        assert_eq!(
            server.sesskey_hex,
            "F530030CCB936AAD2B4A37A7E4B0C9AF67E845B0F0565CB3869CF099F17D50EB"
        );
        let client = client_response_with(
            "tiger",
            &server.sesskey_hex,
            &server.vfr_hex,
            &server.csk_salt_hex,
            4096,
            3,
            seq(0x40),
            seq(0x60),
        )
        .unwrap();
        assert_eq!(
            client.sesskey_hex,
            "4376F43FE9FD95FF400D332264C4514AB18C3495E68ED1F4A6A461CE02F96308"
        );
        assert_eq!(
            hex::encode_upper(client.combo),
            "36E60AA2B68E9480EBBBFB235DECDD52505726D7618C023E9EF6E46FA0CC6407"
        );
        assert_eq!(
            client.password_hex,
            "F38550AF530389D8C2A64883B14E2DE0BE047510E80AEA1A7BF0605A886B7BDC"
        );
        assert_eq!(client.speedy_key_hex, "F38550AF530389D8C2A64883B14E2DE029CE415C446B3E8D64CEA58FFCCF5AD7B9DB5C10F4FC2C0A4D8F33B306BFDFC3530978770CC1D0C587C9A941BB967DC450ECF0DE653B2CAC1F87E080849AEAD7");
        let session = server
            .verify(&client.sesskey_hex, &client.password_hex, "tiger")
            .unwrap();
        server
            .verify_speedy_key(&session, &client.speedy_key_hex)
            .unwrap();
        assert_eq!(seal(&session.combo, &seq(0x70), SERVER_PROOF), "3574DC7AC48CB3F29086C19A8CFF4C809562179A885C21F1257336DD35FD5CD3ECC5C4EB6CFABEACDAFAA7A42B46188D");
    }

    #[test]
    fn random_round_trip_and_failures() {
        let mut rng = rand::thread_rng();
        let server = ServerChallenge::new("s3cret", &mut rng);
        let good = client_response(
            "s3cret",
            &server.sesskey_hex,
            &server.vfr_hex,
            &server.csk_salt_hex,
            server.vgen_count,
            server.sder_count,
            &mut rng,
        )
        .unwrap();
        let session = server
            .verify(&good.sesskey_hex, &good.password_hex, "s3cret")
            .unwrap();
        good.check_server_response(&session.server_response_hex(&mut rng))
            .unwrap();
        let newpw = good.encrypt_new_password("n3w", &mut rng);
        assert_eq!(session.open_password(&newpw).unwrap(), b"n3w");

        let bad = client_response(
            "wrong",
            &server.sesskey_hex,
            &server.vfr_hex,
            &server.csk_salt_hex,
            4096,
            3,
            &mut rng,
        )
        .unwrap();
        assert_eq!(
            server
                .verify(&bad.sesskey_hex, &bad.password_hex, "s3cret")
                .err(),
            Some(AuthError::InvalidCredentials)
        );
        let decoy = ServerChallenge::decoy(&mut rng);
        let c = client_response(
            "s3cret",
            &decoy.sesskey_hex,
            &decoy.vfr_hex,
            &decoy.csk_salt_hex,
            4096,
            3,
            &mut rng,
        )
        .unwrap();
        assert!(decoy
            .verify(&c.sesskey_hex, &c.password_hex, "s3cret")
            .is_err());
        assert!(matches!(
            server.verify("zz", "00", "s3cret"),
            Err(AuthError::Malformed(_))
        ));
        assert!(server.verify(&good.sesskey_hex, "0011", "s3cret").is_err());
        assert!(good.check_server_response(&"AB".repeat(48)).is_err());
        assert!(client_response(
            "x",
            "00",
            &server.vfr_hex,
            &server.csk_salt_hex,
            200_000,
            3,
            &mut rng
        )
        .is_err());
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let s = ServerChallenge::with_randomness("tiger", seq(0), seq(0x10), seq(0x20));
        let text = format!("{s:?}");
        assert!(!text.contains("tiger") && !text.contains(&s.sesskey_hex));
    }
}
