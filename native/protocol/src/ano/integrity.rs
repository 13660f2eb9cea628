//! Data-integrity service (type 3). The client lists checksum ids like the
//! encryption service does. The server answers with the chosen id and, when
//! encryption or integrity is on, the Diffie-Hellman parameters; the client
//! then sends its public key back in a packet of its own.

use crate::buf::{malformed, DecodeResult};

use super::fields::Fields;
use super::packet::{AnoPacket, ServiceData};
use super::value::Value;
use super::INTEGRITY;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityRequest {
    pub version: u32,
    /// Offered ids in the client's order of preference.
    pub algorithms: Vec<u8>,
}

/// What the server sends for the key exchange. go-ora requires the prime and
/// the server key to be `(key_bits + 7) / 8` bytes long; a real server
/// (go-ora issue 210) sends the generator padded to the same length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhParams {
    /// First ub2: the length in bits of the prime and the keys.
    pub key_bits: u16,
    /// Second ub2: go-ora only checks it is non-zero; we send the prime's bits.
    pub prime_bits: u16,
    pub generator: Vec<u8>,
    pub prime: Vec<u8>,
    pub server_public: Vec<u8>,
    /// Seeds the integrity keys (see `checksum`).
    pub iv: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityResponse {
    pub version: u32,
    /// The chosen id; 0 when integrity is off.
    pub algorithm: u8,
    pub dh: Option<DhParams>,
}

impl IntegrityRequest {
    pub fn to_service(&self) -> ServiceData {
        ServiceData::new(
            INTEGRITY,
            vec![
                Value::Version(self.version),
                Value::Raw(self.algorithms.clone()),
            ],
        )
    }

    pub fn from_service(s: &ServiceData) -> DecodeResult<Self> {
        let mut f = Fields::new(&s.values, "data integrity");
        let version = f.version()?;
        let algorithms = f.raw("algorithm list")?.to_vec();
        Ok(IntegrityRequest {
            version,
            algorithms,
        })
    }
}

impl IntegrityResponse {
    pub fn to_service(&self) -> ServiceData {
        let mut v = vec![Value::Version(self.version), Value::Ub1(self.algorithm)];
        if let Some(dh) = &self.dh {
            v.extend([
                Value::Ub2(dh.key_bits),
                Value::Ub2(dh.prime_bits),
                Value::Raw(dh.generator.clone()),
                Value::Raw(dh.prime.clone()),
                Value::Raw(dh.server_public.clone()),
                Value::Raw(dh.iv.clone()),
            ]);
        }
        ServiceData::new(INTEGRITY, v)
    }

    pub fn from_service(s: &ServiceData) -> DecodeResult<Self> {
        let mut f = Fields::new(&s.values, "data integrity");
        let version = f.version()?;
        let algorithm = f.ub1("chosen algorithm")?;
        let dh = match f.remaining() {
            0 => None,
            6 => Some(DhParams {
                key_bits: f.ub2("key length")?,
                prime_bits: f.ub2("prime length")?,
                generator: f.raw("generator")?.to_vec(),
                prime: f.raw("prime")?.to_vec(),
                server_public: f.raw("server public key")?.to_vec(),
                iv: f.raw("initialisation vector")?.to_vec(),
            }),
            n => return malformed(format!("ANO data integrity answer with {n} extra values")),
        };
        Ok(IntegrityResponse {
            version,
            algorithm,
            dh,
        })
    }
}

/// The client's second packet: its Diffie-Hellman public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientKeyExchange {
    pub public_key: Vec<u8>,
}

impl ClientKeyExchange {
    pub fn to_packet(&self) -> AnoPacket {
        AnoPacket::new(vec![ServiceData::new(
            INTEGRITY,
            vec![Value::Raw(self.public_key.clone())],
        )])
    }

    pub fn from_packet(p: &AnoPacket) -> DecodeResult<Self> {
        let Some(s) = p.service(INTEGRITY) else {
            return malformed("ANO key exchange without a data integrity service");
        };
        let mut f = Fields::new(&s.values, "data integrity");
        Ok(ClientKeyExchange {
            public_key: f.raw("client public key")?.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oci_offers_decode() {
        let (p, _) =
            AnoPacket::decode(&hex::decode(crate::ano::tests::OCI_DEFAULT).unwrap()).unwrap();
        let i = IntegrityRequest::from_service(p.service(INTEGRITY).unwrap()).unwrap();
        assert_eq!(i.algorithms, [0, 3, 1, 4, 5, 6]);
        assert_eq!(&i.to_service(), p.service(INTEGRITY).unwrap());
    }

    #[test]
    fn answers_with_and_without_dh_round_trip() {
        let off = IntegrityResponse {
            version: 0x1300_0000,
            algorithm: 0,
            dh: None,
        };
        assert_eq!(
            IntegrityResponse::from_service(&off.to_service()).unwrap(),
            off
        );
        let dh = DhParams {
            key_bits: 16,
            prime_bits: 16,
            generator: vec![0, 2],
            prime: vec![0xFF, 0xF1],
            server_public: vec![0x12, 0x34],
            iv: vec![7; 16],
        };
        let on = IntegrityResponse {
            version: 0x1300_0000,
            algorithm: 5,
            dh: Some(dh),
        };
        let s = on.to_service();
        assert_eq!(s.values.len(), 8);
        assert_eq!(IntegrityResponse::from_service(&s).unwrap(), on);
    }

    #[test]
    fn a_partial_dh_block_is_an_error() {
        let mut s = IntegrityResponse {
            version: 1,
            algorithm: 5,
            dh: None,
        }
        .to_service();
        s.values.push(Value::Ub2(2048));
        assert!(IntegrityResponse::from_service(&s).is_err());
    }

    #[test]
    fn key_exchange_round_trips_through_bytes() {
        let k = ClientKeyExchange {
            public_key: vec![9; 256],
        };
        let bytes = k.to_packet().encode();
        assert_eq!(&bytes[..4], &[0xde, 0xad, 0xbe, 0xef]);
        let (p, _) = AnoPacket::decode(&bytes).unwrap();
        assert_eq!(ClientKeyExchange::from_packet(&p).unwrap(), k);
    }
}
