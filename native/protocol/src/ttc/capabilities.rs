//! Compile-time and runtime capability vectors exchanged in PRO/DTY, and
//! the negotiation of what changes the wire layout.

use super::Caps;

/// Index of the TTC field version in the compile capabilities.
pub const FIELD_VERSION: usize = 7;
/// Runtime capability [6] bit: 32K VARCHAR2/RAW values.
const RT_MAX_STRING_32K: u8 = 0x04;
/// The field version our client asks for (23.4).
pub const CLIENT_FIELD_VERSION: u8 = 24;

/// What our server advertises (values from the protocol notes, §4).
pub fn server_compile_caps(field_version: u8) -> Vec<u8> {
    let mut c = vec![0u8; 55];
    c[0] = 6;
    c[4] = 0xEA;
    c[FIELD_VERSION] = field_version;
    c[8] = 1;
    c[15] = 0x29;
    // FSAP: ERROR messages carry the ub2 end-to-end sequence number (they
    // always do); go-ora reads that field only when this bit says so.
    c[16] = 0x01;
    c[17] = 3;
    c[18] = 7;
    c[19] = 3;
    c[21] = 1;
    c[23] = 0xCF;
    c[26] = 4;
    c[27] = 1;
    c[31] = 0x10;
    c[34] = 12;
    c[37] = 0xB8;
    c[39] = 8;
    c[40] = 0x04;
    c[42] = 0x05;
    c
}

pub fn server_runtime_caps() -> Vec<u8> {
    let mut r = vec![0u8; 11];
    r[0] = 2;
    r[6] = 0x01 | RT_MAX_STRING_32K;
    r
}

/// What our thin client advertises: the same feature set, no OOB, no
/// end-of-response framing, no session-state piggybacks.
pub fn client_compile_caps() -> Vec<u8> {
    let mut c = server_compile_caps(CLIENT_FIELD_VERSION);
    // The FSAP bit is the server's promise about its ERROR layout.
    c[16] = 0;
    c
}

pub fn client_runtime_caps() -> Vec<u8> {
    server_runtime_caps()
}

/// Field version = min of both sides; 32K strings only if both runtime
/// vectors allow them (the server's alone is checked when the client's is unknown).
pub fn negotiate(client_compile: &[u8], server_compile: &[u8]) -> Caps {
    let fv = |c: &[u8]| c.get(FIELD_VERSION).copied().unwrap_or(0);
    Caps {
        field_version: fv(client_compile).min(fv(server_compile)),
        ..Caps::default()
    }
}

pub fn negotiate_with_runtime(
    client_compile: &[u8],
    server_compile: &[u8],
    server_runtime: &[u8],
) -> Caps {
    let mut caps = negotiate(client_compile, server_compile);
    let big = server_runtime
        .get(6)
        .is_some_and(|b| b & RT_MAX_STRING_32K != 0);
    caps.max_string_size = if big { 32767 } else { 4000 };
    caps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_takes_the_lower_field_version() {
        let caps = negotiate(&server_compile_caps(24), &server_compile_caps(17));
        assert_eq!(caps.field_version, 17);
        let caps = negotiate_with_runtime(
            &client_compile_caps(),
            &server_compile_caps(12),
            &[2, 0, 0, 0, 0, 0, 1],
        );
        assert_eq!((caps.field_version, caps.max_string_size), (12, 4000));
        assert_eq!(server_compile_caps(17).len(), 55);
        assert_eq!(server_compile_caps(17)[7], 17);
    }
}
