//! SESS_RET, the server-side piggyback (message 23, opcode 4) that names the
//! session a DRCP connection is attached to. OCI needs it before the answer
//! of the first call after a DRCP logon or session release: without it OCI
//! raises ORA-56600 "DRCP: Illegal call [First call inconsistency]" itself.

use super::{msg, Caps};
use crate::buf::{malformed, DecodeResult, Reader, Writer};

/// The piggyback's opcode within message 23.
pub const OPCODE: u8 = 4;
/// Session flag: the connection is attached to another session than before.
pub const SESSION_CHANGED: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionReturn {
    pub flags: u32,
    pub sid: u32,
    pub serial: u16,
}

impl SessionReturn {
    /// Layout measured against OCI 19.3: a ub2 and a ub1 that must both be
    /// 1 (0 in either is ORA-21500 `[ttcdrv:sta 41]`, a ub2 of 2 is
    /// ORA-03146), no key/value elements, then flags, SID and serial.
    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::SERVER_SIDE_PIGGYBACK).u8(OPCODE);
        w.ub2(1).ub1(1).ub2(0);
        w.ub4(self.flags).ub4(self.sid).ub2(self.serial);
    }

    /// Decodes the body after the message type.
    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let opcode = r.u8()?;
        if opcode != OPCODE {
            return malformed(format!("server piggyback opcode {opcode}, not SESS_RET"));
        }
        r.ub2()?;
        r.ub1()?;
        let elements = r.ub2()?;
        if elements > 0 {
            r.u8()?;
            for _ in 0..elements {
                r.skip_bytes()?;
                r.skip_bytes()?;
                r.ub2()?;
            }
        }
        Ok(SessionReturn {
            flags: r.ub4()?,
            sid: r.ub4()?,
            serial: r.ub2()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes OCI 19.3 took in front of a COMMIT's STATUS (session 100,
    /// serial 1, changed), measured through a rewriting proxy.
    const OCI_ACCEPTED: &[u8] = &[
        0x17, 0x04, 0x01, 0x01, 0x01, 0x00, 0x01, 0x04, 0x01, 0x64, 0x01, 0x01,
    ];

    fn sess() -> SessionReturn {
        SessionReturn {
            flags: SESSION_CHANGED,
            sid: 100,
            serial: 1,
        }
    }

    #[test]
    fn encodes_the_bytes_oci_accepted() {
        let mut w = Writer::new();
        sess().encode(&mut w, &Caps::default());
        assert_eq!(w.into_inner(), OCI_ACCEPTED);
    }

    #[test]
    fn round_trips() {
        let mut r = Reader::new(&OCI_ACCEPTED[1..]);
        assert_eq!(
            SessionReturn::decode(&mut r, &Caps::default()).unwrap(),
            sess()
        );
        assert!(r.is_empty());
    }

    #[test]
    fn another_opcode_is_refused() {
        let mut r = Reader::new(&[0x01, 0x00]);
        assert!(SessionReturn::decode(&mut r, &Caps::default()).is_err());
    }
}
