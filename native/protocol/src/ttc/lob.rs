//! LOB_OP (function 96): operations on a LOB through its locator, and the
//! reply (an optional LOB_DATA message, then a PARAMETER message carrying
//! the locator back and the operation's result).
//!
//! The same body travels as a piggyback (type 17) when a client frees its
//! temporary LOBs in bulk: operation `FREE_TEMP | ARRAY`, the source being
//! the locators one after another.

use super::function::FunctionHeader;
use super::{func, msg, Caps};
use crate::buf::{malformed, DecodeResult, Reader, Writer};

/// Operation codes (the request's ub4 `operation`).
pub mod op {
    pub const GET_LENGTH: u32 = 0x0001;
    pub const READ: u32 = 0x0002;
    pub const TRIM: u32 = 0x0020;
    pub const WRITE: u32 = 0x0040;
    pub const CREATE_TEMP: u32 = 0x0110;
    pub const FREE_TEMP: u32 = 0x0111;
    pub const GET_CHUNK_SIZE: u32 = 0x4000;
    pub const OPEN: u32 = 0x8000;
    pub const CLOSE: u32 = 0x1_0000;
    pub const IS_OPEN: u32 = 0x1_1000;
    /// BFILE operations: their replies carry a flag as IS_OPEN's does
    /// (FILE_EXISTS, FILE_ISOPEN); FILE_OPEN sends the open mode as amount.
    pub const FILE_OPEN: u32 = 0x0100;
    pub const FILE_CLOSE: u32 = 0x0200;
    pub const FILE_ISOPEN: u32 = 0x0400;
    pub const FILE_EXISTS: u32 = 0x0800;
    /// Flag: the source holds several locators (bulk free).
    pub const ARRAY: u32 = 0x8_0000;
}

/// Character set ids a CREATE_TEMP names (and its reply echoes).
pub const CHARSET_UTF8: u32 = 873;
pub const CHARSET_UTF16: u32 = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LobOpRequest {
    pub seq: u8,
    pub operation: u32,
    /// The source locator (for ARRAY operations, several end to end).
    pub source: Option<Vec<u8>>,
    pub dest: Option<Vec<u8>>,
    /// Destination length; CREATE_TEMP puts the duration here.
    pub dest_length: u32,
    /// 1-based; CREATE_TEMP puts the character set form here.
    pub source_offset: u64,
    /// 1-based; CREATE_TEMP puts the Oracle type number here.
    pub dest_offset: u64,
    /// CREATE_TEMP's character set id.
    pub charset: Option<u32>,
    /// The "NULL LOB" pointer: set for CREATE_TEMP and IS_OPEN, whose
    /// replies carry a trailing byte.
    pub null_lob: bool,
    /// Characters (CLOB) or bytes (BLOB) to read, the new size for TRIM,
    /// the open mode for OPEN; present when the reply carries an amount.
    pub amount: Option<u64>,
    /// WRITE's data, in a LOB_DATA message inside the request.
    pub data: Option<Vec<u8>>,
}

impl LobOpRequest {
    /// The whole call: function header and body.
    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        FunctionHeader::call(func::LOB_OP, self.seq).encode(w, caps);
        self.encode_body(w);
    }

    /// The body alone (after a function or piggyback header).
    pub fn encode_body(&self, w: &mut Writer) {
        let ptr = |o: &Option<Vec<u8>>| u8::from(o.is_some());
        let len = |o: &Option<Vec<u8>>| o.as_ref().map_or(0, |b| b.len() as u32);
        w.u8(ptr(&self.source)).ub4(len(&self.source));
        w.u8(ptr(&self.dest))
            .ub4(len(&self.dest).max(self.dest_length));
        w.ub4(0).ub4(0); // short source and destination offsets (unused)
        w.u8(u8::from(self.charset.is_some()));
        w.u8(0); // short amount pointer (unused)
        w.u8(u8::from(self.null_lob));
        w.ub4(self.operation);
        w.u8(0).ub4(0); // SCN pointer and length
        w.ub8(self.source_offset).ub8(self.dest_offset);
        w.u8(u8::from(self.amount.is_some()));
        for _ in 0..3 {
            w.u8(0).ub4(0); // array LOB fields (unused)
        }
        if let Some(s) = &self.source {
            w.raw(s);
        }
        if let Some(d) = &self.dest {
            w.raw(d);
        }
        if let Some(c) = self.charset {
            w.ub4(c);
        }
        if let Some(d) = &self.data {
            w.u8(msg::LOB_DATA).bytes(d);
        }
        if let Some(a) = self.amount {
            w.ub8(a);
        }
    }

    /// Decodes the body (after the function or piggyback header).
    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let source_ptr = r.u8()? != 0;
        let source_len = r.ub4()? as usize;
        let dest_ptr = r.u8()? != 0;
        let dest_length = r.ub4()?;
        r.ub4()?;
        r.ub4()?;
        let charset_ptr = r.u8()? != 0;
        r.u8()?;
        let null_lob = r.u8()? != 0;
        let operation = r.ub4()?;
        let scn_ptr = r.u8()? != 0;
        let scn_len = r.ub4()?;
        let source_offset = r.ub8()?;
        let dest_offset = r.ub8()?;
        let amount_ptr = r.u8()? != 0;
        for _ in 0..3 {
            // Pointer and length; a zero pointer still has its length.
            let (ptr, len) = (r.u8()?, r.ub4()?);
            if ptr != 0 && len != 0 {
                return malformed("LOB_OP array fields are not supported");
            }
        }
        let source = if source_ptr {
            Some(r.take(source_len)?.to_vec())
        } else {
            None
        };
        let dest = if dest_ptr {
            Some(r.take(dest_length as usize)?.to_vec())
        } else {
            None
        };
        if scn_ptr {
            for _ in 0..scn_len {
                r.ub4()?;
            }
        }
        let charset = if charset_ptr { Some(r.ub4()?) } else { None };
        // OCI 19.3 puts a WRITE's amount (0) before the data, thin clients
        // after it; a universal ub8 never starts with the LOB_DATA byte.
        let mut amount = None;
        if amount_ptr && operation == op::WRITE && r.peek_u8()? != msg::LOB_DATA {
            amount = Some(r.ub8()?);
        }
        // A WRITE always carries its data (cut before it, more is coming).
        let data = if operation == op::WRITE {
            if r.u8()? != msg::LOB_DATA {
                return malformed("LOB write without data");
            }
            Some(r.bytes()?.unwrap_or_default())
        } else if !r.is_empty() && r.peek_u8()? == msg::LOB_DATA {
            r.u8()?;
            Some(r.bytes()?.unwrap_or_default())
        } else {
            None
        };
        if amount_ptr && amount.is_none() {
            amount = Some(r.ub8()?);
        }
        Ok(LobOpRequest {
            seq: 0,
            operation,
            source,
            dest,
            dest_length,
            source_offset,
            dest_offset,
            charset,
            null_lob,
            amount,
            data,
        })
    }

    /// The locators of an ARRAY operation's source: each starts with its
    /// own length less two (big-endian ub2). A cut one is an error.
    pub fn locators(&self) -> DecodeResult<Vec<&[u8]>> {
        let mut out = Vec::new();
        let mut rest = self.source.as_deref().unwrap_or_default();
        while !rest.is_empty() {
            if rest.len() < 2 {
                return malformed("LOB locator list cut short");
            }
            let n = u16::from_be_bytes([rest[0], rest[1]]) as usize + 2;
            if n > rest.len() {
                return malformed("LOB locator list cut short");
            }
            out.push(&rest[..n]);
            rest = &rest[n..];
        }
        Ok(out)
    }
}

/// What a reply carries besides the locator, decided by the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyShape {
    pub locator_len: usize,
    pub create_temp: bool,
    pub amount: bool,
    pub flag: bool,
    /// The flag as a universal ub4, as OCI reads it (a one-byte flag of 1
    /// is a length to OCI: ORA-03106, measured); thin clients read a byte.
    pub flag_wide: bool,
}

impl ReplyShape {
    pub fn of(req: &LobOpRequest) -> Self {
        ReplyShape {
            locator_len: req.source.as_ref().map_or(0, Vec::len),
            create_temp: req.operation == op::CREATE_TEMP,
            // OCI 19.3 sends CREATE_TEMP an amount (the duration again) and
            // reads it back after the flags; thin clients send none.
            amount: req.amount.is_some(),
            flag: matches!(
                req.operation,
                op::IS_OPEN | op::FILE_EXISTS | op::FILE_ISOPEN
            ),
            flag_wide: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LobOpReply {
    /// READ's data (UTF-16BE for CLOBs whose locator says so, else bytes).
    pub data: Option<Vec<u8>>,
    /// The locator as it stands now (CREATE_TEMP's is the new one).
    pub locator: Vec<u8>,
    /// CREATE_TEMP: the character set id (ub2) of the new LOB.
    pub charset: u16,
    /// GET_LENGTH, READ (amount read), GET_CHUNK_SIZE, TRIM, OPEN.
    pub amount: Option<i64>,
    /// IS_OPEN.
    pub flag: Option<bool>,
}

impl LobOpReply {
    /// LOB_DATA (when there is data) and PARAMETER; the caller closes the
    /// response with STATUS or ERROR.
    pub fn encode(&self, w: &mut Writer, shape: &ReplyShape) {
        if let Some(d) = &self.data {
            w.u8(msg::LOB_DATA).bytes(d);
        }
        w.u8(msg::PARAMETER).raw(&self.locator);
        if shape.create_temp {
            w.ub2(self.charset).u8(0);
        }
        if shape.amount {
            w.sb8(self.amount.unwrap_or(0));
        }
        if shape.flag && shape.flag_wide {
            w.ub4(u32::from(self.flag.unwrap_or(false)));
        } else if shape.flag {
            w.u8(u8::from(self.flag.unwrap_or(false)));
        }
    }

    /// Reads messages up to and including the PARAMETER message.
    pub fn decode(r: &mut Reader, shape: &ReplyShape) -> DecodeResult<Self> {
        let mut reply = LobOpReply::default();
        loop {
            match r.u8()? {
                msg::LOB_DATA => reply.data = Some(r.bytes()?.unwrap_or_default()),
                msg::PARAMETER => break,
                other => return malformed(format!("unexpected message {other} in a LOB_OP reply")),
            }
        }
        reply.locator = r.take(shape.locator_len)?.to_vec();
        if shape.create_temp {
            reply.charset = r.ub2()?;
            r.u8()?;
        }
        if shape.amount {
            reply.amount = Some(r.sb8()?);
        }
        if shape.flag && shape.flag_wide {
            reply.flag = Some(r.ub4()? != 0);
        } else if shape.flag {
            reply.flag = Some(r.u8()? != 0);
        }
        Ok(reply)
    }
}

/// A LOB column value or OUT bind as a row carries it: ub4 locator length
/// (0 for NULL), then the LOB's size (ub8) and chunk size (ub4) and the
/// locator itself.
pub fn write_locator_value(w: &mut Writer, v: Option<(&[u8], u64, u32)>) {
    match v {
        None => {
            w.ub4(0);
        }
        Some((locator, size, chunk)) => {
            w.ub4(locator.len() as u32)
                .ub8(size)
                .ub4(chunk)
                .bytes(locator);
        }
    }
}

/// A BFILE column value or OUT bind: ub4 locator length (0 for NULL), then
/// the locator, with no size or chunk size (a file's size is asked for).
pub fn write_bfile_value(w: &mut Writer, locator: Option<&[u8]>) {
    match locator {
        None => {
            w.ub4(0);
        }
        Some(l) => {
            w.ub4(l.len() as u32).bytes(l);
        }
    }
}

/// Reads what [`write_bfile_value`] writes.
pub fn read_bfile_value(r: &mut Reader) -> DecodeResult<Option<Vec<u8>>> {
    if r.ub4()? == 0 {
        return Ok(None);
    }
    Ok(Some(r.bytes()?.unwrap_or_default()))
}

/// Reads what [`write_locator_value`] writes.
pub fn read_locator_value(r: &mut Reader) -> DecodeResult<Option<(Vec<u8>, u64, u32)>> {
    if r.ub4()? == 0 {
        return Ok(None);
    }
    let size = r.ub8()?;
    let chunk = r.ub4()?;
    Ok(Some((r.bytes()?.unwrap_or_default(), size, chunk)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locator(tag: u8) -> Vec<u8> {
        let mut l = vec![0u8; 40];
        l[1] = 38;
        l[3] = 4;
        l[39] = tag;
        l
    }

    fn round_trip(req: &LobOpRequest) -> LobOpRequest {
        let caps = Caps::default();
        let mut w = Writer::new();
        req.encode(&mut w, &caps);
        let mut r = Reader::new(&w.buf[1..]);
        let h = FunctionHeader::decode(msg::FUNCTION, &mut r, &caps).unwrap();
        assert_eq!((h.code, h.seq), (func::LOB_OP, req.seq));
        let mut back = LobOpRequest::decode(&mut r, &caps).unwrap();
        assert!(r.is_empty(), "{} bytes left", r.remaining());
        back.seq = h.seq;
        back
    }

    #[test]
    fn bfile_values_and_file_flags_round_trip() {
        let mut w = Writer::new();
        write_bfile_value(&mut w, Some(b"locator"));
        write_bfile_value(&mut w, None);
        let mut r = Reader::new(&w.buf);
        assert_eq!(read_bfile_value(&mut r).unwrap(), Some(b"locator".to_vec()));
        assert_eq!(read_bfile_value(&mut r).unwrap(), None);
        assert!(r.is_empty());
        for (operation, flag) in [
            (op::FILE_EXISTS, true),
            (op::FILE_ISOPEN, true),
            (op::FILE_OPEN, false),
        ] {
            let req = LobOpRequest {
                operation,
                source: Some(locator(1)),
                null_lob: flag,
                amount: (operation == op::FILE_OPEN).then_some(11),
                ..LobOpRequest::default()
            };
            assert_eq!(round_trip(&req), req);
            let shape = ReplyShape::of(&req);
            assert_eq!(shape.flag, flag);
            let reply = LobOpReply {
                locator: locator(1),
                flag: flag.then_some(true),
                amount: req.amount.map(|a| a as i64),
                ..LobOpReply::default()
            };
            for wide in [false, true] {
                let shape = ReplyShape {
                    flag_wide: wide,
                    ..shape
                };
                let mut w = Writer::new();
                reply.encode(&mut w, &shape);
                let mut r = Reader::new(&w.buf);
                assert_eq!(LobOpReply::decode(&mut r, &shape).unwrap(), reply);
                assert!(r.is_empty());
                if flag {
                    // OCI's flag of 1 is a universal ub4 (length 1, then 1).
                    let tail: &[u8] = if wide { &[1, 1] } else { &[1] };
                    assert!(w.buf.ends_with(tail), "{:02x?}", w.buf);
                }
            }
        }
    }

    #[test]
    fn every_operation_round_trips() {
        let l = locator(7);
        let reqs = [
            LobOpRequest {
                seq: 3,
                operation: op::READ,
                source: Some(l.clone()),
                source_offset: 70_001,
                amount: Some(32_768),
                ..Default::default()
            },
            LobOpRequest {
                seq: 4,
                operation: op::WRITE,
                source: Some(l.clone()),
                source_offset: 1,
                data: Some(vec![0x41; 40_000]),
                ..Default::default()
            },
            LobOpRequest {
                seq: 5,
                operation: op::CREATE_TEMP,
                source: Some(vec![0; 40]),
                dest_length: 10,
                source_offset: 1,
                dest_offset: 112,
                charset: Some(CHARSET_UTF8),
                null_lob: true,
                ..Default::default()
            },
            LobOpRequest {
                seq: 6,
                operation: op::IS_OPEN,
                source: Some(l.clone()),
                null_lob: true,
                ..Default::default()
            },
        ];
        for req in &reqs {
            assert_eq!(&round_trip(req), req);
        }
        for (operation, amount) in [
            (op::GET_LENGTH, Some(0)),
            (op::TRIM, Some(10)),
            (op::GET_CHUNK_SIZE, Some(0)),
            (op::OPEN, Some(2)),
            (op::CLOSE, None),
            (op::FREE_TEMP, None),
        ] {
            let req = LobOpRequest {
                seq: 9,
                operation,
                source: Some(l.clone()),
                amount,
                ..Default::default()
            };
            assert_eq!(round_trip(&req), req);
        }
    }

    #[test]
    fn read_request_bytes() {
        // GET_LENGTH as python-oracledb lays it out (field version 17).
        let req = LobOpRequest {
            seq: 2,
            operation: op::GET_LENGTH,
            source: Some(locator(1)),
            amount: Some(0),
            ..Default::default()
        };
        let mut w = Writer::new();
        req.encode(&mut w, &Caps::default());
        let mut expect = vec![3, 96, 2, 1, 1, 40, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0];
        expect.extend([1, 0, 0, 0, 0, 0, 0]);
        expect.extend(locator(1));
        expect.push(0);
        assert_eq!(w.buf, expect);
    }

    #[test]
    fn bulk_free_piggyback_splits_into_locators() {
        let (a, b) = (locator(1), locator(2));
        let req = LobOpRequest {
            operation: op::FREE_TEMP | op::ARRAY,
            source: Some([a.clone(), b.clone()].concat()),
            ..Default::default()
        };
        let mut w = Writer::new();
        req.encode_body(&mut w);
        let back = LobOpRequest::decode(&mut Reader::new(&w.buf), &Caps::default()).unwrap();
        assert_eq!(back.locators().unwrap(), vec![&a[..], &b[..]]);
        let cut = LobOpRequest {
            source: Some(a[..30].to_vec()),
            ..back
        };
        assert!(cut.locators().is_err());
    }

    #[test]
    fn cut_request_needs_more() {
        let req = LobOpRequest {
            operation: op::WRITE,
            source: Some(locator(3)),
            source_offset: 1,
            data: Some(vec![7; 5000]),
            ..Default::default()
        };
        let mut w = Writer::new();
        req.encode_body(&mut w);
        // Cut just before the LOB_DATA message: still more to come.
        let mut head = Writer::new();
        LobOpRequest {
            data: None,
            ..req.clone()
        }
        .encode_body(&mut head);
        for cut in [10, 60, head.buf.len(), 3000, w.buf.len() - 1] {
            let e = LobOpRequest::decode(&mut Reader::new(&w.buf[..cut]), &Caps::default());
            assert_eq!(e, Err(crate::buf::DecodeError::NeedMore), "cut at {cut}");
        }
    }

    /// OCI 19.3's WRITE of "hello" to a temporary CLOB (python-oracledb
    /// thick, `tests/oci19/lob_write.hex` after the TNS header, data flags
    /// and function header): the amount pointer is set and the amount (0)
    /// comes before the LOB_DATA, not after it as thin clients send it.
    #[test]
    fn oci_write_puts_its_amount_before_the_data() {
        let hex = include_str!("../../../testserver/tests/oci19/lob_write.hex").trim();
        let packet: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        // TNS header (8), data flags (2), function header (3).
        assert_eq!(packet[11], func::LOB_OP);
        let b = &packet[13..];
        let mut r = Reader::new(b);
        let req = LobOpRequest::decode(&mut r, &Caps::default()).unwrap();
        assert!(r.is_empty());
        assert_eq!(
            (req.operation, req.source_offset, req.amount),
            (op::WRITE, 1, Some(0))
        );
        let l = req.source.as_deref().unwrap();
        assert_eq!((l.len(), &l[..4]), (40, &[0, 0x26, 0, 1][..]));
        let hello: Vec<u8> = "hello".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(req.data, Some(hello));
    }

    #[test]
    fn replies_round_trip() {
        let l = locator(4);
        let cases = [
            (
                LobOpRequest {
                    operation: op::READ,
                    source: Some(l.clone()),
                    amount: Some(5),
                    ..Default::default()
                },
                LobOpReply {
                    data: Some(vec![0, 0x41, 0, 0x42]),
                    locator: l.clone(),
                    amount: Some(2),
                    ..Default::default()
                },
            ),
            (
                LobOpRequest {
                    operation: op::CREATE_TEMP,
                    source: Some(vec![0; 40]),
                    amount: None,
                    ..Default::default()
                },
                LobOpReply {
                    locator: l.clone(),
                    charset: 873,
                    ..Default::default()
                },
            ),
            (
                // OCI 19.3's CREATE_TEMP carries the duration as an amount
                // too and reads it back after the flags.
                LobOpRequest {
                    operation: op::CREATE_TEMP,
                    source: Some(vec![0; 108]),
                    amount: Some(10),
                    ..Default::default()
                },
                LobOpReply {
                    locator: vec![0; 108],
                    charset: 873,
                    amount: Some(10),
                    ..Default::default()
                },
            ),
            (
                LobOpRequest {
                    operation: op::IS_OPEN,
                    source: Some(l.clone()),
                    ..Default::default()
                },
                LobOpReply {
                    locator: l.clone(),
                    flag: Some(true),
                    ..Default::default()
                },
            ),
        ];
        for (req, reply) in cases {
            let shape = ReplyShape::of(&req);
            let mut w = Writer::new();
            reply.encode(&mut w, &shape);
            let mut r = Reader::new(&w.buf);
            assert_eq!(LobOpReply::decode(&mut r, &shape).unwrap(), reply);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn locator_values_round_trip() {
        let l = locator(5);
        let mut w = Writer::new();
        write_locator_value(&mut w, Some((&l, 75_000, 8132)));
        write_locator_value(&mut w, None);
        let mut r = Reader::new(&w.buf);
        assert_eq!(read_locator_value(&mut r).unwrap(), Some((l, 75_000, 8132)));
        assert_eq!(read_locator_value(&mut r).unwrap(), None);
        assert!(r.is_empty());
    }
}
