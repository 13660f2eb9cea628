//! Authentication service (type 1): the client lists external
//! authentication adapters (Kerberos, NTS, …); we never run one, so a server
//! answers "none" and a client offers none.

use crate::buf::DecodeResult;

use super::fields::Fields;
use super::packet::ServiceData;
use super::value::Value;
use super::AUTHENTICATION;

/// The ub2 every client request carries after its version (OCI and go-ora).
pub const REQUEST_MARKER: u16 = 0xE0E1;
/// Client status with adapters configured (OCI's default, go-ora).
pub const STATUS_ADAPTERS: u16 = 0xFCFF;
/// Client status with `SQLNET.AUTHENTICATION_SERVICES = (NONE)` (OCI 19.3).
pub const STATUS_NONE: u16 = 0xFEFF;
/// Server status: no external authentication (Oracle XE 11.2, go-ora).
pub const STATUS_NO_AUTH: u16 = 0xFBFF;
/// Server status: an adapter was chosen; its id and name follow.
pub const STATUS_CHOSEN: u16 = 0xFAFF;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    pub version: u32,
    pub marker: u16,
    pub status: u16,
    /// Adapter id and name pairs (go-ora: 1 "NTS", 1 "KERBEROS5", 2 "TCPS").
    pub adapters: Vec<(u8, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResponse {
    pub version: u32,
    pub status: u16,
    /// Present with `STATUS_CHOSEN`.
    pub chosen: Option<(u8, String)>,
    /// Values after the chosen adapter (go-ora skips a version and two ub4s).
    pub rest: Vec<Value>,
}

impl AuthRequest {
    /// What a client without external authentication sends.
    pub fn none(version: u32) -> Self {
        AuthRequest {
            version,
            marker: REQUEST_MARKER,
            status: STATUS_NONE,
            adapters: vec![],
        }
    }

    pub fn to_service(&self) -> ServiceData {
        let mut v = vec![
            Value::Version(self.version),
            Value::Ub2(self.marker),
            Value::Status(self.status),
        ];
        for (id, name) in &self.adapters {
            v.push(Value::Ub1(*id));
            v.push(Value::Str(name.clone()));
        }
        ServiceData::new(AUTHENTICATION, v)
    }

    pub fn from_service(s: &ServiceData) -> DecodeResult<Self> {
        let mut f = Fields::new(&s.values, "authentication");
        let version = f.version()?;
        let marker = f.ub2("marker")?;
        let status = f.status()?;
        let mut adapters = Vec::new();
        while f.remaining() > 0 {
            let id = f.ub1("adapter id")?;
            adapters.push((id, f.string("adapter name")?.to_string()));
        }
        Ok(AuthRequest {
            version,
            marker,
            status,
            adapters,
        })
    }
}

impl AuthResponse {
    /// The answer "no external authentication".
    pub fn none(version: u32) -> Self {
        AuthResponse {
            version,
            status: STATUS_NO_AUTH,
            chosen: None,
            rest: vec![],
        }
    }

    pub fn to_service(&self) -> ServiceData {
        let mut v = vec![Value::Version(self.version), Value::Status(self.status)];
        if let Some((id, name)) = &self.chosen {
            v.push(Value::Ub1(*id));
            v.push(Value::Str(name.clone()));
        }
        v.extend(self.rest.iter().cloned());
        ServiceData::new(AUTHENTICATION, v)
    }

    pub fn from_service(s: &ServiceData) -> DecodeResult<Self> {
        let mut f = Fields::new(&s.values, "authentication");
        let version = f.version()?;
        let status = f.status()?;
        let chosen = if status == STATUS_CHOSEN && f.remaining() >= 2 {
            let id = f.ub1("adapter id")?;
            Some((id, f.string("adapter name")?.to_string()))
        } else {
            None
        };
        Ok(AuthResponse {
            version,
            status,
            chosen,
            rest: f.rest(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ano::packet::AnoPacket;

    #[test]
    fn oci_auth_requests_decode() {
        let (p, _) =
            AnoPacket::decode(&hex::decode(crate::ano::tests::OCI_DEFAULT).unwrap()).unwrap();
        let a = AuthRequest::from_service(p.service(AUTHENTICATION).unwrap()).unwrap();
        assert_eq!(
            (a.marker, a.status, a.adapters.len()),
            (REQUEST_MARKER, STATUS_ADAPTERS, 0)
        );
        let (p, _) =
            AnoPacket::decode(&hex::decode(crate::ano::tests::OCI_REJECTED).unwrap()).unwrap();
        let a = AuthRequest::from_service(p.service(AUTHENTICATION).unwrap()).unwrap();
        assert_eq!(a, AuthRequest::none(0x1300_0000));
    }

    #[test]
    fn adapters_and_responses_round_trip() {
        let r = AuthRequest {
            version: 0x0B20_0200,
            marker: REQUEST_MARKER,
            status: STATUS_ADAPTERS,
            adapters: vec![(1, "NTS".into()), (2, "TCPS".into())],
        };
        assert_eq!(AuthRequest::from_service(&r.to_service()).unwrap(), r);
        let none = AuthResponse::none(0x1300_0000);
        assert_eq!(
            AuthResponse::from_service(&none.to_service()).unwrap(),
            none
        );
        let chosen = AuthResponse {
            version: 1,
            status: STATUS_CHOSEN,
            chosen: Some((1, "KERBEROS5".into())),
            rest: vec![Value::Version(1), Value::Ub4(9), Value::Ub4(2)],
        };
        assert_eq!(
            AuthResponse::from_service(&chosen.to_service()).unwrap(),
            chosen
        );
    }

    #[test]
    fn an_adapter_id_without_its_name_is_an_error() {
        let s = ServiceData::new(
            AUTHENTICATION,
            vec![
                Value::Version(1),
                Value::Ub2(REQUEST_MARKER),
                Value::Status(STATUS_ADAPTERS),
                Value::Ub1(1),
            ],
        );
        assert!(AuthRequest::from_service(&s).is_err());
    }
}
