//! Supervisor service (type 4): the client names itself (a random connection
//! id) and lists the services it runs; the server answers with a status and
//! its own list.

use crate::buf::{malformed, DecodeResult};

use super::fields::Fields;
use super::packet::ServiceData;
use super::value::{TypedArray, Value};
use super::SUPERVISOR;

/// Status a server sends when the supervisor negotiation went well (go-ora
/// checks for exactly this value; Oracle XE 11.2 sends it).
pub const STATUS_OK: u16 = 0x001F;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorRequest {
    pub version: u32,
    /// 8 bytes in every capture; opaque to the server.
    pub cid: Vec<u8>,
    /// OCI 19.3 sends `[4, 1, 1, 2]`, go-ora `[4, 1, 2, 3]`: read as opaque.
    pub services: Vec<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorResponse {
    pub version: u32,
    pub status: u16,
    /// Oracle XE 11.2 with nothing configured answers `[4, 1]`.
    pub services: Vec<u16>,
}

fn ub2_list(raw: &[u8]) -> DecodeResult<Vec<u16>> {
    let a = TypedArray::from_raw(raw)?;
    if a.elem != super::value::kind::UB2 {
        return malformed("ANO supervisor service list is not an array of ub2");
    }
    Ok(a.items.into_iter().map(|v| v as u16).collect())
}

impl SupervisorRequest {
    pub fn to_service(&self) -> ServiceData {
        ServiceData::new(
            SUPERVISOR,
            vec![
                Value::Version(self.version),
                Value::Raw(self.cid.clone()),
                TypedArray::ub2(&self.services).to_value(),
            ],
        )
    }

    pub fn from_service(s: &ServiceData) -> DecodeResult<Self> {
        let mut f = Fields::new(&s.values, "supervisor");
        let version = f.version()?;
        let cid = f.raw("connection id")?.to_vec();
        let services = ub2_list(f.raw("service list")?)?;
        Ok(SupervisorRequest {
            version,
            cid,
            services,
        })
    }
}

impl SupervisorResponse {
    pub fn to_service(&self) -> ServiceData {
        ServiceData::new(
            SUPERVISOR,
            vec![
                Value::Version(self.version),
                Value::Status(self.status),
                TypedArray::ub2(&self.services).to_value(),
            ],
        )
    }

    pub fn from_service(s: &ServiceData) -> DecodeResult<Self> {
        let mut f = Fields::new(&s.values, "supervisor");
        let version = f.version()?;
        let status = f.status()?;
        let services = ub2_list(f.raw("service list")?)?;
        Ok(SupervisorResponse {
            version,
            status,
            services,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ano::packet::AnoPacket;

    #[test]
    fn oci_supervisor_request_decodes() {
        let bytes = hex::decode(crate::ano::tests::OCI_DEFAULT).unwrap();
        let (p, _) = AnoPacket::decode(&bytes).unwrap();
        let s = SupervisorRequest::from_service(p.service(SUPERVISOR).unwrap()).unwrap();
        assert_eq!(s.version, 0x1300_0000);
        assert_eq!(s.cid, hex::decode("00000e63d42f34a0").unwrap());
        assert_eq!(s.services, [4, 1, 1, 2]);
        assert_eq!(&s.to_service(), p.service(SUPERVISOR).unwrap());
    }

    #[test]
    fn response_round_trips_and_xe_bytes_match() {
        let r = SupervisorResponse {
            version: 0x0B20_0200,
            status: STATUS_OK,
            services: vec![4, 1],
        };
        let s = r.to_service();
        assert_eq!(SupervisorResponse::from_service(&s).unwrap(), r);
        // The list as the findings note records XE 11.2 sending it.
        assert_eq!(
            s.values[2],
            Value::Raw(hex::decode("deadbeef00030000000200040001").unwrap())
        );
    }

    #[test]
    fn missing_or_mistyped_values_are_errors() {
        let s = ServiceData::new(SUPERVISOR, vec![Value::Version(1)]);
        assert!(SupervisorRequest::from_service(&s).is_err());
        let s = ServiceData::new(
            SUPERVISOR,
            vec![Value::Version(1), Value::Ub1(0), Value::Raw(vec![])],
        );
        assert!(SupervisorResponse::from_service(&s).is_err());
    }
}
