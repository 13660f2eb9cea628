//! TTC primitive encodings: fixed-width integers, the "universal" `ub*`/`sb*`
//! integers, length-prefixed byte strings (with the `FE` chunked form) and
//! key/value pairs. `Reader` never reads past its slice: running out of bytes is
//! `DecodeError::NeedMore`, which callers treat as "wait for the next packet".
//! A message cut short is decoded again from its start once more bytes are
//! in, but what the earlier attempt did is kept in a [`Resume`]: the joined
//! chunks of a long value, and a mark the caller left. That keeps receiving a
//! value of many packets linear in its size.

use std::fmt;

/// Why a decode stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ended before the value did; retry with more bytes.
    NeedMore,
    /// The bytes cannot be a valid message.
    Malformed(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NeedMore => f.write_str("need more bytes"),
            DecodeError::Malformed(m) => write!(f, "malformed message: {m}"),
        }
    }
}

impl std::error::Error for DecodeError {}

pub type DecodeResult<T> = Result<T, DecodeError>;

/// Shorthand for building a `Malformed` error.
pub fn malformed<T>(msg: impl Into<String>) -> DecodeResult<T> {
    Err(DecodeError::Malformed(msg.into()))
}

/// Length byte that marks a chunked (long) byte string.
pub const LONG_INDICATOR: u8 = 0xFE;
/// Length byte that marks NULL.
pub const NULL_INDICATOR: u8 = 0xFF;
/// Escape byte: never a length (`FD 01` marks an absent value).
pub const ESCAPE: u8 = 0xFD;
/// Longest byte string written in the short form.
pub const MAX_SHORT: usize = 252;
/// Chunk size used when writing the chunked form.
pub const CHUNK_SIZE: usize = 32767;

/// What an attempt to decode one message got done before its bytes ran
/// out, for the next attempt over the same start with more bytes after it.
/// Whoever feeds the bytes keeps it between attempts ([`Reader::resuming`],
/// [`Reader::take_resume`]) and drops it once the message is decoded or the
/// bytes are thrown away.
#[derive(Debug, Clone, Default)]
pub struct Resume {
    long: Option<LongPart>,
    mark: Option<(usize, usize)>,
}

/// The chunks of a long value read so far.
#[derive(Debug, Clone)]
struct LongPart {
    /// Where the value's `FE` indicator is.
    at: usize,
    /// Where the next chunk's length is.
    next: usize,
    joined: Vec<u8>,
}

/// A cursor over a byte slice holding (part of) a TTC message stream.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    resume: Resume,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            resume: Resume::default(),
        }
    }
    /// A reader that goes on from where an earlier attempt over a shorter
    /// prefix of `buf` stopped (see [`Resume`]).
    pub fn resuming(buf: &'a [u8], resume: Resume) -> Self {
        Reader {
            buf,
            pos: 0,
            resume,
        }
    }
    /// This attempt's progress, after it ended in `NeedMore`.
    pub fn take_resume(&mut self) -> Resume {
        std::mem::take(&mut self.resume)
    }
    /// The mark an earlier attempt left with [`Reader::set_mark`].
    pub fn mark(&self) -> Option<(usize, usize)> {
        self.resume.mark
    }
    /// Notes a caller's progress through the message: a position it can go
    /// on from and a count of the items before it (say, columns decoded).
    pub fn set_mark(&mut self, pos: usize, done: usize) {
        self.resume.mark = Some((pos, done));
    }
    pub fn pos(&self) -> usize {
        self.pos
    }
    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.buf.len());
    }
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    pub fn take(&mut self, n: usize) -> DecodeResult<&'a [u8]> {
        if self.remaining() < n {
            return Err(DecodeError::NeedMore);
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    pub fn skip_n(&mut self, n: usize) -> DecodeResult<()> {
        self.take(n).map(|_| ())
    }
    pub fn peek_u8(&self) -> DecodeResult<u8> {
        self.buf.get(self.pos).copied().ok_or(DecodeError::NeedMore)
    }
    pub fn u8(&mut self) -> DecodeResult<u8> {
        Ok(self.take(1)?[0])
    }
    pub fn u16be(&mut self) -> DecodeResult<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    pub fn u16le(&mut self) -> DecodeResult<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    pub fn u32be(&mut self) -> DecodeResult<u32> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Universal unsigned integer of at most `max` bytes.
    fn universal(&mut self, max: usize) -> DecodeResult<(bool, u64)> {
        let len = self.u8()?;
        let negative = len & 0x80 != 0;
        let n = (len & 0x7F) as usize;
        if n > max {
            return malformed(format!("integer of {n} bytes where at most {max} allowed"));
        }
        let mut v: u64 = 0;
        for b in self.take(n)? {
            v = (v << 8) | *b as u64;
        }
        Ok((negative, v))
    }
    pub fn ub1(&mut self) -> DecodeResult<u8> {
        self.u8()
    }
    pub fn ub2(&mut self) -> DecodeResult<u16> {
        Ok(self.universal(2)?.1 as u16)
    }
    pub fn ub4(&mut self) -> DecodeResult<u32> {
        Ok(self.universal(4)?.1 as u32)
    }
    pub fn ub8(&mut self) -> DecodeResult<u64> {
        Ok(self.universal(8)?.1)
    }
    pub fn sb4(&mut self) -> DecodeResult<i32> {
        let (neg, v) = self.universal(4)?;
        let v = v as i64;
        Ok(if neg { -v } else { v } as i32)
    }
    pub fn sb8(&mut self) -> DecodeResult<i64> {
        let (neg, v) = self.universal(8)?;
        let v = v as i64;
        Ok(if neg { v.wrapping_neg() } else { v })
    }
    pub fn sb2(&mut self) -> DecodeResult<i16> {
        let (neg, v) = self.universal(2)?;
        let v = v as i32;
        Ok(if neg { -v } else { v } as i16)
    }

    /// A length-prefixed byte string; `None` for NULL. Chunked values are joined.
    pub fn bytes(&mut self) -> DecodeResult<Option<Vec<u8>>> {
        let at = self.pos;
        let len = self.u8()?;
        match len {
            0 | NULL_INDICATOR => Ok(None),
            ESCAPE => {
                // `FD 01`: absent value (e.g. a NULL BOOLEAN).
                self.u8()?;
                Ok(None)
            }
            LONG_INDICATOR => self.chunks(at).map(Some),
            n => Ok(Some(self.take(n as usize)?.to_vec())),
        }
    }

    /// The chunks after the `FE` at `at`, joined. Cut short, it keeps what
    /// it joined in the resume state, and the next attempt goes on from the
    /// chunk it stopped at instead of copying the earlier ones again.
    fn chunks(&mut self, at: usize) -> DecodeResult<Vec<u8>> {
        // Only this value's progress: a long value read before it (a long
        // SQL text before a long bind) must not throw the saved one away.
        let mut joined = match self.resume.long.take_if(|p| p.at == at) {
            Some(p) => {
                self.set_pos(p.next);
                p.joined
            }
            None => Vec::new(),
        };
        loop {
            let next = self.pos;
            let chunk = match self.ub4() {
                Ok(0) => return Ok(joined),
                Ok(n) => self.take(n as usize),
                Err(e) => Err(e),
            };
            match chunk {
                Ok(c) => joined.extend_from_slice(c),
                Err(DecodeError::NeedMore) => {
                    self.resume.long = Some(LongPart { at, next, joined });
                    return Err(DecodeError::NeedMore);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A CHR field whose length an earlier field declared: length-prefixed
    /// like [`Reader::bytes`], or `raw` (no length byte) when the client's
    /// negotiation said it sends them so (JDBC Thin).
    pub fn chr(&mut self, declared: usize, raw: bool) -> DecodeResult<Vec<u8>> {
        if raw {
            Ok(self.take(declared)?.to_vec())
        } else {
            Ok(self.bytes()?.unwrap_or_default())
        }
    }

    /// Like [`Reader::bytes`] but borrows when the value is in the short form.
    pub fn bytes_ref(&mut self) -> DecodeResult<Option<std::borrow::Cow<'a, [u8]>>> {
        let len = self.peek_u8()?;
        if len == 0 || len == NULL_INDICATOR || len == ESCAPE || len == LONG_INDICATOR {
            return Ok(self.bytes()?.map(std::borrow::Cow::Owned));
        }
        self.pos += 1;
        Ok(Some(std::borrow::Cow::Borrowed(self.take(len as usize)?)))
    }

    pub fn skip_bytes(&mut self) -> DecodeResult<()> {
        self.bytes_ref().map(|_| ())
    }

    /// `ub4` declared length, then (if non-zero) a byte string.
    pub fn bytes_with_length(&mut self) -> DecodeResult<Option<Vec<u8>>> {
        let n = self.ub4()?;
        if n == 0 {
            return Ok(None);
        }
        self.bytes()
    }

    pub fn str_with_length(&mut self) -> DecodeResult<Option<String>> {
        match self.bytes_with_length()? {
            None => Ok(None),
            Some(b) => String::from_utf8(b)
                .map(Some)
                .or_else(|_| malformed("string is not UTF-8")),
        }
    }

    /// Reads a key/value pair as used by auth and application context.
    pub fn key_value(&mut self) -> DecodeResult<(String, Vec<u8>, u32)> {
        let key = self.str_with_length()?.unwrap_or_default();
        let value = self.bytes_with_length()?.unwrap_or_default();
        let flags = self.ub4()?;
        Ok((key, value, flags))
    }
}

/// Growable output buffer with the TTC encodings.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer {
            buf: Vec::with_capacity(256),
        }
    }
    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }
    pub fn into_inner(self) -> Vec<u8> {
        self.buf
    }
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    pub fn raw(&mut self, b: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(b);
        self
    }
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }
    pub fn u16be(&mut self, v: u16) -> &mut Self {
        self.raw(&v.to_be_bytes())
    }
    pub fn u16le(&mut self, v: u16) -> &mut Self {
        self.raw(&v.to_le_bytes())
    }
    pub fn u32be(&mut self, v: u32) -> &mut Self {
        self.raw(&v.to_be_bytes())
    }

    fn universal(&mut self, negative: bool, v: u64) -> &mut Self {
        if v == 0 {
            return self.u8(0);
        }
        let n: usize = if v <= 0xFF {
            1
        } else if v <= 0xFFFF {
            2
        } else if v <= 0xFFFF_FFFF {
            4
        } else {
            8
        };
        self.u8(n as u8 | if negative { 0x80 } else { 0 });
        let be = v.to_be_bytes();
        self.raw(&be[8 - n..])
    }
    pub fn ub1(&mut self, v: u8) -> &mut Self {
        self.u8(v)
    }
    pub fn ub2(&mut self, v: u16) -> &mut Self {
        self.universal(false, v as u64)
    }
    pub fn ub4(&mut self, v: u32) -> &mut Self {
        self.universal(false, v as u64)
    }
    pub fn ub8(&mut self, v: u64) -> &mut Self {
        self.universal(false, v)
    }
    pub fn sb4(&mut self, v: i32) -> &mut Self {
        self.universal(v < 0, v.unsigned_abs() as u64)
    }
    pub fn sb8(&mut self, v: i64) -> &mut Self {
        self.universal(v < 0, v.unsigned_abs())
    }
    pub fn sb2(&mut self, v: i16) -> &mut Self {
        self.universal(v < 0, v.unsigned_abs() as u64)
    }

    /// A length-prefixed byte string (chunked from 253 bytes on).
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        if b.is_empty() {
            return self.u8(0);
        }
        if b.len() <= MAX_SHORT {
            self.u8(b.len() as u8);
            return self.raw(b);
        }
        self.u8(LONG_INDICATOR);
        for chunk in b.chunks(CHUNK_SIZE) {
            self.ub4(chunk.len() as u32);
            self.raw(chunk);
        }
        self.ub4(0)
    }
    pub fn null(&mut self) -> &mut Self {
        self.u8(0)
    }
    /// `ub4` length then the bytes (nothing more when empty).
    pub fn bytes_with_length(&mut self, b: &[u8]) -> &mut Self {
        self.ub4(b.len() as u32);
        if !b.is_empty() {
            self.bytes(b);
        }
        self
    }
    pub fn str_with_length(&mut self, s: &str) -> &mut Self {
        self.bytes_with_length(s.as_bytes())
    }
    pub fn key_value(&mut self, key: &str, value: &[u8], flags: u32) -> &mut Self {
        self.str_with_length(key);
        self.bytes_with_length(value);
        self.ub4(flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn universal_integers_round_trip() {
        for v in [0u64, 1, 255, 256, 65535, 65536, u32::MAX as u64, u64::MAX] {
            let mut w = Writer::new();
            w.ub8(v);
            assert_eq!(Reader::new(&w.buf).ub8().unwrap(), v);
        }
        for v in [0i32, -1, -127, 128, i32::MIN + 1, i32::MAX] {
            let mut w = Writer::new();
            w.sb4(v);
            assert_eq!(Reader::new(&w.buf).sb4().unwrap(), v);
        }
    }

    #[test]
    fn known_encodings() {
        let mut w = Writer::new();
        w.ub4(0).ub4(5).ub2(0x1234).sb4(-127);
        assert_eq!(w.buf, [0, 1, 5, 2, 0x12, 0x34, 0x81, 0x7F]);
    }

    #[test]
    fn bytes_short_long_and_null() {
        let long: Vec<u8> = (0..70000u32).map(|i| i as u8).collect();
        let mut w = Writer::new();
        w.bytes(b"abc").bytes(&long).null();
        assert_eq!(&w.buf[..4], &[3, b'a', b'b', b'c']);
        assert_eq!(w.buf[4], LONG_INDICATOR);
        let mut r = Reader::new(&w.buf);
        assert_eq!(r.bytes().unwrap().unwrap(), b"abc");
        assert_eq!(r.bytes().unwrap().unwrap(), long);
        assert_eq!(r.bytes().unwrap(), None);
        assert!(r.is_empty());
    }

    #[test]
    fn truncated_input_needs_more() {
        let mut w = Writer::new();
        w.bytes(&[7u8; 300]);
        for cut in 0..w.buf.len() {
            let mut r = Reader::new(&w.buf[..cut]);
            assert_eq!(r.bytes(), Err(DecodeError::NeedMore), "cut at {cut}");
        }
    }

    /// Decodes `wire` as it arrives `step` bytes at a time, each attempt
    /// resuming the one before, as a client reading packets does.
    fn decode_arriving(wire: &[u8], step: usize) -> (Vec<u8>, usize) {
        let mut resume = Resume::default();
        let mut attempts = 0;
        let mut have = 0;
        loop {
            have = (have + step).min(wire.len());
            attempts += 1;
            let mut r = Reader::resuming(&wire[..have], resume);
            r.u8().unwrap();
            match r.bytes().and_then(|v| Ok((v, r.u8()?))) {
                Ok((v, end)) => {
                    assert_eq!(end, 9, "the byte after the value");
                    return (v.unwrap(), attempts);
                }
                Err(DecodeError::NeedMore) => resume = r.take_resume(),
                Err(e) => panic!("{e}"),
            }
        }
    }

    #[test]
    fn a_long_value_arriving_in_pieces_resumes_where_it_stopped() {
        let long: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut w = Writer::new();
        w.u8(7).bytes(&long).u8(9);
        for step in [1, 2, 5, 4093, 32_768, 40_000, w.buf.len()] {
            let (v, attempts) = decode_arriving(&w.buf, step);
            assert!(v == long, "step {step}");
            assert_eq!(attempts, w.buf.len().div_ceil(step), "step {step}");
        }
        // Chunks of a few bytes, cut at every byte.
        let mut w = Writer::new();
        w.u8(7).u8(LONG_INDICATOR);
        for c in [&b"abc"[..], b"d", b"efgh"] {
            w.ub4(c.len() as u32).raw(c);
        }
        w.ub4(0).u8(9);
        assert_eq!(decode_arriving(&w.buf, 1).0, b"abcdefgh");
    }

    #[test]
    fn a_resume_for_another_value_is_ignored() {
        let mut w = Writer::new();
        w.bytes(&[1u8; 40_000]).bytes(&[2u8; 40_000]);
        let mut r = Reader::new(&w.buf[..1000]);
        assert_eq!(r.bytes(), Err(DecodeError::NeedMore));
        let resume = r.take_resume();
        // The same bytes read from one later: the first value is not there.
        let mut r = Reader::resuming(&w.buf[1..], resume);
        r.set_pos(w.buf.len() / 2 - 1);
        assert_eq!(r.bytes().unwrap().unwrap(), vec![2u8; 40_000]);
        assert!(r.is_empty());
    }

    #[test]
    fn a_mark_is_kept_until_taken() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.mark(), None);
        r.set_mark(2, 5);
        let r = Reader::resuming(&[1, 2, 3, 4], r.take_resume());
        assert_eq!(r.mark(), Some((2, 5)));
    }

    #[test]
    fn oversized_integer_is_malformed() {
        assert!(matches!(
            Reader::new(&[5, 1, 2, 3, 4, 5]).ub4(),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn key_value_round_trip() {
        let mut w = Writer::new();
        w.key_value("AUTH_VFR_DATA", b"ABCD", 18453);
        let (k, v, f) = Reader::new(&w.buf).key_value().unwrap();
        assert_eq!(
            (k.as_str(), v.as_slice(), f),
            ("AUTH_VFR_DATA", &b"ABCD"[..], 18453)
        );
    }
}
