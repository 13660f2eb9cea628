//! MARKER packets: break / reset / interrupt, body `01 00 <kind>`.

use crate::buf::{malformed, DecodeResult};

pub const BREAK: u8 = 1;
pub const RESET: u8 = 2;
pub const INTERRUPT: u8 = 3;

pub fn encode_body(kind: u8) -> [u8; 3] {
    [1, 0, kind]
}

/// The marker kind; tolerant of short bodies some clients send.
pub fn decode_body(body: &[u8]) -> DecodeResult<u8> {
    match body {
        [_, _, k, ..] => Ok(*k),
        [k] => Ok(*k),
        _ => malformed("empty marker packet"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_bytes() {
        assert_eq!(encode_body(RESET), [1, 0, 2]);
        assert_eq!(decode_body(&[1, 0, 3]).unwrap(), INTERRUPT);
        assert!(decode_body(&[]).is_err());
    }
}
