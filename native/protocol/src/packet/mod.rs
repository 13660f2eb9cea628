//! TNS packets: the 8-byte header, a resumable decoder fed with whatever the
//! socket delivered, and encoders. Packet bodies live in one file per kind.
//!
//! Header: `u16be length, u16 0` before ACCEPT (and for CONNECT/ACCEPT/REFUSE/
//! REDIRECT themselves), `u32be length` after an ACCEPT of version >= 315;
//! then `u8 kind, u8 flags, u16 0`. DATA bodies start with `u16be` data flags.

pub mod accept;
pub mod connect;
pub mod marker;
pub mod refuse;

use crate::buf::{malformed, DecodeResult};

/// Packet kinds.
pub mod kind {
    pub const CONNECT: u8 = 1;
    pub const ACCEPT: u8 = 2;
    pub const REFUSE: u8 = 4;
    pub const REDIRECT: u8 = 5;
    pub const DATA: u8 = 6;
    pub const RESEND: u8 = 11;
    pub const MARKER: u8 = 12;
    pub const CONTROL: u8 = 14;
}

/// DATA packet flags.
pub mod data_flags {
    pub const EOF: u16 = 0x0040;
    pub const END_OF_REQUEST: u16 = 0x0800;
    pub const BEGIN_PIPELINE: u16 = 0x1000;
    pub const END_OF_RESPONSE: u16 = 0x2000;
}

pub const HEADER_LEN: usize = 8;
/// Lowest TNS version that uses 4-byte packet lengths.
pub const LARGE_SDU_VERSION: u16 = 315;
/// Largest SDU either side may negotiate (2 MiB); bigger declared lengths are garbage.
pub const MAX_SDU: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub kind: u8,
    pub flags: u8,
    /// Everything after the 8-byte header.
    pub body: Vec<u8>,
}

impl Packet {
    pub fn data_flags(&self) -> u16 {
        match self.body.get(..2) {
            Some(b) => u16::from_be_bytes([b[0], b[1]]),
            None => 0,
        }
    }
    /// The TTC bytes of a DATA packet (after the data flags).
    pub fn data_payload(&self) -> &[u8] {
        self.body.get(2..).unwrap_or(&[])
    }
}

/// Resumable packet decoder: feed bytes as they arrive, take packets out.
#[derive(Debug, Default)]
pub struct PacketDecoder {
    buf: Vec<u8>,
    start: usize,
    large: bool,
}

impl PacketDecoder {
    pub fn new() -> Self {
        Self::default()
    }
    /// Switch to 4-byte lengths (after an ACCEPT with version >= 315).
    pub fn set_large_lengths(&mut self, large: bool) {
        self.large = large;
    }
    pub fn large_lengths(&self) -> bool {
        self.large
    }
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start > 64 * 1024 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }
    /// Bytes received but not yet returned as packets.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The next complete packet, `Ok(None)` if more bytes are needed, or an
    /// error for a header that cannot be valid (the connection is unusable).
    pub fn next_packet(&mut self) -> DecodeResult<Option<Packet>> {
        let avail = &self.buf[self.start..];
        if avail.len() < HEADER_LEN {
            return Ok(None);
        }
        let len = if self.large {
            u32::from_be_bytes([avail[0], avail[1], avail[2], avail[3]]) as usize
        } else {
            u16::from_be_bytes([avail[0], avail[1]]) as usize
        };
        // Checked before waiting for the body, so an absurd length never makes us buffer it.
        if !(HEADER_LEN..=MAX_SDU + HEADER_LEN).contains(&len) {
            return malformed(format!("packet length {len} out of range"));
        }
        let kind = avail[4];
        if !matches!(kind, 1..=15) {
            return malformed(format!("unknown packet type {kind}"));
        }
        if avail.len() < len {
            return Ok(None);
        }
        let packet = Packet {
            kind,
            flags: avail[5],
            body: avail[HEADER_LEN..len].to_vec(),
        };
        self.start += len;
        Ok(Some(packet))
    }
}

/// Appends one packet with the given header form.
pub fn encode(out: &mut Vec<u8>, kind: u8, flags: u8, body: &[u8], large: bool) {
    let len = HEADER_LEN + body.len();
    if large {
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.extend_from_slice(&(len as u16).to_be_bytes());
        out.extend_from_slice(&[0, 0]);
    }
    out.extend_from_slice(&[kind, flags, 0, 0]);
    out.extend_from_slice(body);
}

/// Appends `payload` as DATA packets of at most `sdu` bytes each (header
/// included). `flags` go on every packet; `last_flags` only on the last one.
pub fn encode_data(
    out: &mut Vec<u8>,
    payload: &[u8],
    sdu: usize,
    large: bool,
    flags: u16,
    last_flags: u16,
) {
    let room = sdu.max(HEADER_LEN + 3) - HEADER_LEN - 2;
    let mut chunks = payload.chunks(room).peekable();
    if chunks.peek().is_none() {
        let f = (flags | last_flags).to_be_bytes();
        encode(out, kind::DATA, 0, &f, large);
        return;
    }
    while let Some(chunk) = chunks.next() {
        let f = if chunks.peek().is_none() {
            flags | last_flags
        } else {
            flags
        };
        let len = HEADER_LEN + 2 + chunk.len();
        if large {
            out.extend_from_slice(&(len as u32).to_be_bytes());
        } else {
            out.extend_from_slice(&(len as u16).to_be_bytes());
            out.extend_from_slice(&[0, 0]);
        }
        out.extend_from_slice(&[kind::DATA, 0, 0, 0]);
        out.extend_from_slice(&f.to_be_bytes());
        out.extend_from_slice(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_across_arbitrary_splits() {
        let mut wire = Vec::new();
        encode(&mut wire, kind::DATA, 0, &[0, 0, 1, 2, 3], true);
        encode(&mut wire, kind::MARKER, 0, &[1, 0, 2], true);
        for split in 0..wire.len() {
            let mut d = PacketDecoder::new();
            d.set_large_lengths(true);
            d.feed(&wire[..split]);
            let mut got = Vec::new();
            while let Some(p) = d.next_packet().unwrap() {
                got.push(p);
            }
            d.feed(&wire[split..]);
            while let Some(p) = d.next_packet().unwrap() {
                got.push(p);
            }
            assert_eq!(got.len(), 2, "split {split}");
            assert_eq!(got[0].data_payload(), &[1, 2, 3]);
            assert_eq!(got[1].kind, kind::MARKER);
        }
    }

    #[test]
    fn small_header_form() {
        let mut wire = Vec::new();
        encode(&mut wire, kind::DATA, 0, &[0, 0, 9], false);
        assert_eq!(wire, [0, 11, 0, 0, 6, 0, 0, 0, 0, 0, 9]);
        let mut d = PacketDecoder::new();
        d.feed(&wire);
        assert_eq!(d.next_packet().unwrap().unwrap().data_payload(), &[9]);
    }

    #[test]
    fn absurd_length_is_rejected_before_buffering() {
        let mut d = PacketDecoder::new();
        d.set_large_lengths(true);
        d.feed(&[0xFF, 0xFF, 0xFF, 0xFF, 6, 0, 0, 0]);
        assert!(d.next_packet().is_err());
        let mut d = PacketDecoder::new();
        d.feed(&[0, 3, 0, 0, 6, 0, 0, 0]);
        assert!(d.next_packet().is_err());
        let mut d = PacketDecoder::new();
        d.feed(&[0, 9, 0, 0, 99, 0, 0, 0]);
        assert!(d.next_packet().is_err());
    }

    #[test]
    fn data_is_split_by_sdu_with_last_flags_on_last_packet() {
        let payload: Vec<u8> = (0..25u8).collect();
        let mut wire = Vec::new();
        encode_data(&mut wire, &payload, 20, true, 0, data_flags::END_OF_REQUEST);
        let mut d = PacketDecoder::new();
        d.set_large_lengths(true);
        d.feed(&wire);
        let mut joined = Vec::new();
        let mut flags = Vec::new();
        while let Some(p) = d.next_packet().unwrap() {
            assert!(p.body.len() + HEADER_LEN <= 20);
            joined.extend_from_slice(p.data_payload());
            flags.push(p.data_flags());
        }
        assert_eq!(joined, payload);
        assert_eq!(flags.last(), Some(&data_flags::END_OF_REQUEST));
        assert!(flags[..flags.len() - 1].iter().all(|f| *f == 0));
    }
}
