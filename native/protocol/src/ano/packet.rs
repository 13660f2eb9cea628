//! The ANO packet: a 13-byte header (magic `DEADBEEF`, total length (2),
//! version (4), service count (2), error flags (1)) and one block per service
//! (type (2), sub-packet count (2), error (4), then its values). It is the
//! whole payload of one TNS DATA packet, after the data flags.

use crate::buf::{malformed, DecodeError, DecodeResult, Reader};

use super::value::Value;
use super::MAGIC;

/// Header bytes before the first service.
pub const HEADER_LEN: usize = 13;
/// Header bytes of each service before its values.
pub const SERVICE_HEADER_LEN: usize = 8;

/// One service's block: which service, its error code (an ORA number, 0 when
/// fine) and its values in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceData {
    pub service: u16,
    pub error: u32,
    pub values: Vec<Value>,
}

impl ServiceData {
    pub fn new(service: u16, values: Vec<Value>) -> Self {
        ServiceData {
            service,
            error: 0,
            values,
        }
    }

    fn encoded_len(&self) -> usize {
        SERVICE_HEADER_LEN + self.values.iter().map(Value::encoded_len).sum::<usize>()
    }
}

/// A whole ANO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnoPacket {
    /// OCI 19.3 sends 0 here; go-ora sends its service version.
    pub version: u32,
    pub error_flags: u8,
    pub services: Vec<ServiceData>,
}

impl AnoPacket {
    pub fn new(services: Vec<ServiceData>) -> Self {
        AnoPacket {
            version: 0,
            error_flags: 0,
            services,
        }
    }

    /// The service block of the given type, if present.
    pub fn service(&self, service: u16) -> Option<&ServiceData> {
        self.services.iter().find(|s| s.service == service)
    }

    pub fn encode(&self) -> Vec<u8> {
        let len = HEADER_LEN
            + self
                .services
                .iter()
                .map(ServiceData::encoded_len)
                .sum::<usize>();
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&MAGIC.to_be_bytes());
        out.extend_from_slice(&(len as u16).to_be_bytes());
        out.extend_from_slice(&self.version.to_be_bytes());
        out.extend_from_slice(&(self.services.len() as u16).to_be_bytes());
        out.push(self.error_flags);
        for s in &self.services {
            out.extend_from_slice(&s.service.to_be_bytes());
            out.extend_from_slice(&(s.values.len() as u16).to_be_bytes());
            out.extend_from_slice(&s.error.to_be_bytes());
            for v in &s.values {
                v.encode(&mut out);
            }
        }
        out
    }

    /// Decodes one packet from the start of `buf`; returns it and the bytes it
    /// used. Fewer bytes than the header's length is `NeedMore`; content that
    /// does not fill the declared length exactly is malformed.
    pub fn decode(buf: &[u8]) -> DecodeResult<(AnoPacket, usize)> {
        let mut r = Reader::new(buf);
        if r.u32be()? != MAGIC {
            return malformed("ANO packet without its DEADBEEF magic");
        }
        let len = r.u16be()? as usize;
        if len < HEADER_LEN {
            return malformed(format!(
                "ANO packet length {len} is shorter than its header"
            ));
        }
        if buf.len() < len {
            return Err(DecodeError::NeedMore);
        }
        // From here on every read stays inside the declared length, so
        // running out means the packet lied about its contents.
        let mut r = Reader::new(&buf[..len]);
        r.skip_n(6)?;
        let cut = |e: DecodeError| match e {
            DecodeError::NeedMore => {
                DecodeError::Malformed("ANO packet content overruns its length".into())
            }
            other => other,
        };
        let version = r.u32be().map_err(cut)?;
        let count = r.u16be().map_err(cut)? as usize;
        let error_flags = r.u8().map_err(cut)?;
        let mut services = Vec::with_capacity(count.min(r.remaining() / SERVICE_HEADER_LEN));
        for _ in 0..count {
            services.push(decode_service(&mut r).map_err(cut)?);
        }
        if !r.is_empty() {
            return malformed(format!(
                "ANO packet has {} bytes past its services",
                r.remaining()
            ));
        }
        Ok((
            AnoPacket {
                version,
                error_flags,
                services,
            },
            len,
        ))
    }
}

fn decode_service(r: &mut Reader<'_>) -> DecodeResult<ServiceData> {
    let service = r.u16be()?;
    let count = r.u16be()? as usize;
    let error = r.u32be()?;
    // Each value takes at least its 4-byte header: cap the reservation so a
    // hostile count cannot make us allocate.
    let mut values = Vec::with_capacity(count.min(r.remaining() / 4));
    for _ in 0..count {
        values.push(Value::decode(r)?);
    }
    Ok(ServiceData {
        service,
        error,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ano::tests::OCI_DEFAULT;

    #[test]
    fn oci_request_decodes_and_re_encodes_byte_for_byte() {
        let bytes = hex::decode(OCI_DEFAULT).unwrap();
        let (p, used) = AnoPacket::decode(&bytes).unwrap();
        assert_eq!(used, 149);
        assert_eq!((p.version, p.error_flags), (0, 0));
        let kinds: Vec<u16> = p.services.iter().map(|s| s.service).collect();
        assert_eq!(kinds, [4, 1, 2, 3]);
        assert_eq!(
            p.service(2).unwrap().values[1],
            Value::Raw(hex::decode("001106100c0f0a0b08020103").unwrap())
        );
        assert_eq!(p.encode(), bytes);
    }

    #[test]
    fn short_input_needs_more_and_garbage_is_malformed() {
        let bytes = hex::decode(OCI_DEFAULT).unwrap();
        for cut in 0..bytes.len() {
            assert_eq!(
                AnoPacket::decode(&bytes[..cut]),
                Err(DecodeError::NeedMore),
                "cut at {cut}"
            );
        }
        let mut wrong_magic = bytes.clone();
        wrong_magic[0] = 0;
        assert!(matches!(
            AnoPacket::decode(&wrong_magic),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn every_single_byte_corruption_is_an_error_or_a_packet_never_a_panic() {
        let bytes = hex::decode(OCI_DEFAULT).unwrap();
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                let _ = AnoPacket::decode(&b);
            }
        }
    }

    #[test]
    fn lying_counts_are_malformed() {
        let p = AnoPacket::new(vec![ServiceData::new(3, vec![Value::Ub1(0)])]);
        let mut b = p.encode();
        b[11] = 0xFF; // service count
        assert!(matches!(
            AnoPacket::decode(&b),
            Err(DecodeError::Malformed(_))
        ));
        let mut b = p.encode();
        b[16] = 0xFF; // sub-packet count
        assert!(matches!(
            AnoPacket::decode(&b),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn service_error_round_trips() {
        let mut s = ServiceData::new(2, vec![]);
        s.error = 12660;
        let p = AnoPacket {
            version: 0x0B20_0200,
            error_flags: 0,
            services: vec![s],
        };
        assert_eq!(AnoPacket::decode(&p.encode()).unwrap().0, p);
    }
}
