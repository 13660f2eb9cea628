//! Encryption service (type 2): the client lists the algorithm ids it
//! offers (where id 0, "none", sits says its level, see `negotiate`); the
//! server answers with the one id it chose, 0 for none.

use crate::buf::DecodeResult;

use super::fields::Fields;
use super::packet::ServiceData;
use super::value::Value;
use super::ENCRYPTION;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptionRequest {
    pub version: u32,
    /// Offered ids in the client's order of preference.
    pub algorithms: Vec<u8>,
    /// A trailing ub1 go-ora and sqlplus 11.2 send (value 1) and OCI 19.3
    /// does not; its meaning is not known, so it is only carried.
    pub trailer: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptionResponse {
    pub version: u32,
    /// The chosen id; 0 when encryption is off.
    pub algorithm: u8,
}

impl EncryptionRequest {
    pub fn to_service(&self) -> ServiceData {
        let mut v = vec![
            Value::Version(self.version),
            Value::Raw(self.algorithms.clone()),
        ];
        if let Some(t) = self.trailer {
            v.push(Value::Ub1(t));
        }
        ServiceData::new(ENCRYPTION, v)
    }

    pub fn from_service(s: &ServiceData) -> DecodeResult<Self> {
        let mut f = Fields::new(&s.values, "encryption");
        let version = f.version()?;
        let algorithms = f.raw("algorithm list")?.to_vec();
        let trailer = if f.remaining() > 0 {
            Some(f.ub1("trailer")?)
        } else {
            None
        };
        Ok(EncryptionRequest {
            version,
            algorithms,
            trailer,
        })
    }
}

impl EncryptionResponse {
    pub fn to_service(&self) -> ServiceData {
        ServiceData::new(
            ENCRYPTION,
            vec![Value::Version(self.version), Value::Ub1(self.algorithm)],
        )
    }

    pub fn from_service(s: &ServiceData) -> DecodeResult<Self> {
        let mut f = Fields::new(&s.values, "encryption");
        let version = f.version()?;
        let algorithm = f.ub1("chosen algorithm")?;
        Ok(EncryptionResponse { version, algorithm })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ano::packet::AnoPacket;

    #[test]
    fn oci_offers_decode() {
        let (p, _) =
            AnoPacket::decode(&hex::decode(crate::ano::tests::OCI_DEFAULT).unwrap()).unwrap();
        let e = EncryptionRequest::from_service(p.service(ENCRYPTION).unwrap()).unwrap();
        assert_eq!(
            e.algorithms,
            [0x00, 0x11, 0x06, 0x10, 0x0C, 0x0F, 0x0A, 0x0B, 0x08, 0x02, 0x01, 0x03]
        );
        assert_eq!(e.trailer, None);
        let (p, _) =
            AnoPacket::decode(&hex::decode(crate::ano::tests::OCI_REJECTED).unwrap()).unwrap();
        let e = EncryptionRequest::from_service(p.service(ENCRYPTION).unwrap()).unwrap();
        assert_eq!(e.algorithms, [0]);
    }

    #[test]
    fn request_and_response_round_trip() {
        let r = EncryptionRequest {
            version: 0x0B20_0200,
            algorithms: vec![0, 15, 16, 17],
            trailer: Some(1),
        };
        assert_eq!(EncryptionRequest::from_service(&r.to_service()).unwrap(), r);
        let a = EncryptionResponse {
            version: 0x1300_0000,
            algorithm: 17,
        };
        let s = a.to_service();
        assert_eq!(EncryptionResponse::from_service(&s).unwrap(), a);
        let mut bytes = Vec::new();
        s.values[1].encode(&mut bytes);
        assert_eq!(bytes, [0, 1, 0, 2, 17]);
    }
}
