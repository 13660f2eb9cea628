//! The two whole negotiation messages: the client's request (all four
//! services, in OCI's order) and the server's answer (or its refusal, an
//! ORA number in a service's error field).

use crate::buf::{malformed, DecodeResult};

use super::auth::{AuthRequest, AuthResponse};
use super::encryption::{EncryptionRequest, EncryptionResponse};
use super::integrity::{IntegrityRequest, IntegrityResponse};
use super::packet::{AnoPacket, ServiceData};
use super::supervisor::{SupervisorRequest, SupervisorResponse};
use super::{AUTHENTICATION, ENCRYPTION, INTEGRITY, SUPERVISOR};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRequest {
    /// The packet header's version (0 from OCI 19.3).
    pub version: u32,
    pub supervisor: SupervisorRequest,
    pub auth: AuthRequest,
    pub encryption: EncryptionRequest,
    pub integrity: IntegrityRequest,
}

fn need<'a>(p: &'a AnoPacket, service: u16, name: &str) -> DecodeResult<&'a ServiceData> {
    match p.service(service) {
        Some(s) => Ok(s),
        None => malformed(format!("ANO request without the {name} service")),
    }
}

impl ClientRequest {
    pub fn to_packet(&self) -> AnoPacket {
        let mut p = AnoPacket::new(vec![
            self.supervisor.to_service(),
            self.auth.to_service(),
            self.encryption.to_service(),
            self.integrity.to_service(),
        ]);
        p.version = self.version;
        p
    }

    pub fn encode(&self) -> Vec<u8> {
        self.to_packet().encode()
    }

    pub fn from_packet(p: &AnoPacket) -> DecodeResult<Self> {
        Ok(ClientRequest {
            version: p.version,
            supervisor: SupervisorRequest::from_service(need(p, SUPERVISOR, "supervisor")?)?,
            auth: AuthRequest::from_service(need(p, AUTHENTICATION, "authentication")?)?,
            encryption: EncryptionRequest::from_service(need(p, ENCRYPTION, "encryption")?)?,
            integrity: IntegrityRequest::from_service(need(p, INTEGRITY, "data integrity")?)?,
        })
    }

    /// Decodes a whole request; returns it and the bytes used.
    pub fn decode(buf: &[u8]) -> DecodeResult<(Self, usize)> {
        let (p, used) = AnoPacket::decode(buf)?;
        Ok((Self::from_packet(&p)?, used))
    }
}

/// A server's answers to the four services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAnswers {
    pub supervisor: SupervisorResponse,
    pub auth: AuthResponse,
    pub encryption: EncryptionResponse,
    pub integrity: IntegrityResponse,
}

/// The server's answer. A refused negotiation carries no answers, only the
/// service and ORA number that refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerResponse {
    Answer(Box<ServerAnswers>),
    Refused { service: u16, code: u32 },
}

impl ServerResponse {
    pub fn to_packet(&self) -> AnoPacket {
        match self {
            ServerResponse::Answer(a) => AnoPacket::new(vec![
                a.supervisor.to_service(),
                a.auth.to_service(),
                a.encryption.to_service(),
                a.integrity.to_service(),
            ]),
            ServerResponse::Refused { service, code } => {
                let mut s = ServiceData::new(*service, vec![]);
                s.error = *code;
                let mut p = AnoPacket::new(vec![s]);
                // OCI 19.3 reads the service's error only with this flag set;
                // without it the refusal is ORA-12699 "internal error".
                p.error_flags = 1;
                p
            }
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        self.to_packet().encode()
    }

    /// Reads an answer; the first service with a non-zero error makes it a
    /// refusal, as go-ora reads it.
    pub fn from_packet(p: &AnoPacket) -> DecodeResult<Self> {
        if let Some(s) = p.services.iter().find(|s| s.error != 0) {
            return Ok(ServerResponse::Refused {
                service: s.service,
                code: s.error,
            });
        }
        Ok(ServerResponse::Answer(Box::new(ServerAnswers {
            supervisor: SupervisorResponse::from_service(need(p, SUPERVISOR, "supervisor")?)?,
            auth: AuthResponse::from_service(need(p, AUTHENTICATION, "authentication")?)?,
            encryption: EncryptionResponse::from_service(need(p, ENCRYPTION, "encryption")?)?,
            integrity: IntegrityResponse::from_service(need(p, INTEGRITY, "data integrity")?)?,
        })))
    }

    pub fn decode(buf: &[u8]) -> DecodeResult<(Self, usize)> {
        let (p, used) = AnoPacket::decode(buf)?;
        Ok((Self::from_packet(&p)?, used))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ano::tests::{OCI_DEFAULT, OCI_REJECTED};
    use crate::ano::VERSION_19;

    /// The refusal OCI 19.3 turns into ORA-12660 (a REJECTED client against
    /// a REQUIRED server): header error flag 1, the encryption service with
    /// error 12660 (0x3174) and no values. Measured through a proxy: the same
    /// packet with flag 0 gave ORA-12699, and the error in a full answer's
    /// service header without the flag was ignored (logon went on).
    #[test]
    fn refusal_bytes_are_what_oci_reports_as_ora_12660() {
        let r = ServerResponse::Refused {
            service: ENCRYPTION,
            code: 12660,
        };
        assert_eq!(
            hex::encode(r.encode()),
            "deadbeef0015000000000001010002000000003174"
        );
        let (back, used) = ServerResponse::decode(&r.encode()).unwrap();
        assert_eq!((back, used), (r, 21));
    }

    #[test]
    fn both_oci_requests_decode_and_re_encode_exactly() {
        for capture in [OCI_DEFAULT, OCI_REJECTED] {
            let bytes = hex::decode(capture).unwrap();
            let (r, used) = ClientRequest::decode(&bytes).unwrap();
            assert_eq!(used, bytes.len());
            assert_eq!(r.supervisor.version, VERSION_19);
            assert_eq!(r.encode(), bytes);
        }
    }

    #[test]
    fn a_request_missing_a_service_is_malformed() {
        let (r, _) = ClientRequest::decode(&hex::decode(OCI_DEFAULT).unwrap()).unwrap();
        let mut p = r.to_packet();
        p.services.retain(|s| s.service != ENCRYPTION);
        assert!(ClientRequest::decode(&p.encode()).is_err());
    }

    #[test]
    fn answers_and_refusals_round_trip() {
        let answer = ServerResponse::Answer(Box::new(ServerAnswers {
            supervisor: SupervisorResponse {
                version: VERSION_19,
                status: 0x1F,
                services: vec![4, 1],
            },
            auth: AuthResponse::none(VERSION_19),
            encryption: EncryptionResponse {
                version: VERSION_19,
                algorithm: 0,
            },
            integrity: IntegrityResponse {
                version: VERSION_19,
                algorithm: 0,
                dh: None,
            },
        }));
        assert_eq!(ServerResponse::decode(&answer.encode()).unwrap().0, answer);
    }
}
