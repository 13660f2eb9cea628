//! STATUS (message type 9), which ends commit/rollback/ping/logoff
//! responses, and those calls themselves (a bare function header).

use super::function::FunctionHeader;
use super::{msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusMessage {
    pub call_status: u32,
    pub end_to_end_seq: u16,
}

impl StatusMessage {
    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        w.u8(msg::STATUS).ub4(self.call_status);
        if !caps.oci {
            w.ub2(self.end_to_end_seq);
        }
    }
    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        Ok(StatusMessage {
            call_status: r.ub4()?,
            end_to_end_seq: r.ub2()?,
        })
    }
}

/// COMMIT, ROLLBACK, PING and LOGOFF carry no body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimpleCall {
    pub code: u8,
    pub seq: u8,
}

impl SimpleCall {
    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        FunctionHeader::call(self.code, self.seq).encode(w, caps);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What OCI 19.3 takes after the O5LOGON challenge: `09 00`. With the
    /// sequence number it reads `00` as the next message and breaks.
    #[test]
    fn oci_status_has_no_sequence_number() {
        let caps = Caps {
            oci: true,
            ..Caps::default()
        };
        let mut w = Writer::new();
        StatusMessage::default().encode(&mut w, &caps);
        assert_eq!(w.buf, [9, 0]);
    }

    #[test]
    fn status_bytes() {
        let mut w = Writer::new();
        StatusMessage::default().encode(&mut w, &Caps::default());
        assert_eq!(w.buf, [9, 0, 0]);
        let s = StatusMessage {
            call_status: 2,
            end_to_end_seq: 0,
        };
        let mut w = Writer::new();
        s.encode(&mut w, &Caps::default());
        assert_eq!(
            StatusMessage::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap(),
            s
        );
        let mut w = Writer::new();
        SimpleCall {
            code: super::super::func::PING,
            seq: 4,
        }
        .encode(&mut w, &Caps::default());
        assert_eq!(w.buf, [3, 147, 4]);
    }
}
