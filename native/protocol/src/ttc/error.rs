//! ERROR (message type 4): the end-of-call status that closes most
//! responses. Error number 0 is success; 1403 is "no more rows".

use super::{msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

/// Call status bit: a transaction is open in the session.
pub const CALL_STATUS_TXN: u32 = 0x2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchError {
    pub code: u32,
    /// Row (iteration) of executemany that failed.
    pub offset: u32,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorMessage {
    pub call_status: u32,
    pub cursor_id: u16,
    /// Byte offset of a parse error in the SQL text.
    pub error_pos: i16,
    pub warning_flags: u8,
    /// Sequence number of the function call this message ends (the `seq`
    /// of its `03 <code> <seq>` header). JDBC Thin checks it: an ERROR
    /// whose call number differs is handled as out of sequence, so even
    /// ORA-01403 at the end of a fetch becomes an exception.
    pub call_number: u8,
    pub success_iterations: u32,
    pub batch_errors: Vec<BatchError>,
    pub error_num: u32,
    pub row_count: u64,
    pub message: Option<String>,
    /// The last row a DML call touched (the client's `lastrowid`); thin clients only.
    pub rowid: Option<super::rowid::Rowid>,
}

impl ErrorMessage {
    pub fn success(cursor_id: u16, row_count: u64, call_status: u32) -> Self {
        ErrorMessage {
            cursor_id,
            row_count,
            call_status,
            ..Default::default()
        }
    }

    pub fn error(code: u32, message: &str, cursor_id: u16, offset: u16) -> Self {
        ErrorMessage {
            cursor_id,
            error_pos: offset as i16,
            error_num: code,
            message: Some(message.to_string()),
            ..Default::default()
        }
    }

    /// The same message as the end of call `call_number` with `call_status`.
    pub fn in_call(mut self, call_status: u32, call_number: u8) -> Self {
        self.call_status = call_status;
        self.call_number = call_number;
        self
    }

    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        if caps.oci {
            return self.encode_oci(w);
        }
        w.u8(msg::ERROR).ub4(self.call_status).ub2(0).ub4(0);
        w.ub2(self.error_num.min(0xFFFF) as u16).ub2(0).ub2(0);
        w.ub2(self.cursor_id).sb2(self.error_pos);
        w.u8(0).u8(0).u8(0).u8(0).u8(0).u8(self.warning_flags);
        // rowid of the last row touched
        let r = self.rowid.unwrap_or_default();
        w.ub4(r.object).ub2(r.file).u8(0).ub4(r.block).ub2(r.slot);
        // OS error, statement number, call number, padding
        w.ub4(0).u8(0).u8(self.call_number).ub2(0);
        w.ub4(self.success_iterations);
        w.ub4(0);
        self.encode_batch_errors(w);
        w.ub4(self.error_num).ub8(self.row_count);
        if caps.field_version >= Caps::FV_20_1 {
            w.ub4(0).ub4(0);
        }
        if self.error_num != 0 {
            w.bytes(self.message.as_deref().unwrap_or("").as_bytes());
        }
    }

    fn encode_batch_errors(&self, w: &mut Writer) {
        let n = self.batch_errors.len();
        w.ub2(n as u16);
        if n > 0 {
            w.u8(1);
            for e in &self.batch_errors {
                w.ub2(e.code.min(0xFFFF) as u16);
            }
        }
        w.ub4(n as u32);
        if n > 0 {
            w.u8(1);
            for e in &self.batch_errors {
                w.ub4(e.offset);
            }
        }
        w.ub2(n as u16);
        if n > 0 {
            w.u8(1);
            for e in &self.batch_errors {
                let text = e.message.as_bytes();
                w.ub2(text.len() as u16).bytes(text).u8(0).u8(0);
            }
        }
    }

    pub fn decode(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        if caps.oci {
            return Self::decode_oci(r);
        }
        let mut m = ErrorMessage {
            call_status: r.ub4()?,
            ..Default::default()
        };
        r.ub2()?;
        r.ub4()?;
        r.ub2()?;
        r.ub2()?;
        r.ub2()?;
        m.cursor_id = r.ub2()?;
        m.error_pos = r.sb2()?;
        r.skip_n(5)?;
        m.warning_flags = r.u8()?;
        let object = r.ub4()?;
        let file = r.ub2()?;
        r.u8()?;
        let (block, slot) = (r.ub4()?, r.ub2()?);
        // No object: no row was touched.
        m.rowid = (object != 0).then_some(super::rowid::Rowid {
            object,
            file,
            block,
            slot,
        });
        r.ub4()?;
        r.u8()?;
        m.call_number = r.u8()?;
        r.ub2()?;
        m.success_iterations = r.ub4()?;
        r.bytes_with_length()?;
        m.batch_errors = decode_batch_errors(r)?;
        m.error_num = r.ub4()?;
        m.row_count = r.ub8()?;
        if caps.field_version >= Caps::FV_20_1 {
            r.ub4()?;
            r.ub4()?;
        }
        if m.error_num != 0 {
            m.message = r
                .bytes()?
                .map(|b| String::from_utf8_lossy(&b).trim_end().to_string());
        }
        Ok(m)
    }
}

fn decode_batch_errors(r: &mut Reader) -> DecodeResult<Vec<BatchError>> {
    let n = r.ub2()? as usize;
    let mut codes = Vec::with_capacity(n.min(r.remaining()));
    if n > 0 {
        let long = r.u8()? == crate::buf::LONG_INDICATOR;
        for _ in 0..n {
            if long {
                r.ub4()?;
            }
            codes.push(r.ub2()? as u32);
        }
        if long {
            r.u8()?;
        }
    }
    let n_off = r.ub4()? as usize;
    let mut offsets = Vec::with_capacity(n_off.min(r.remaining()));
    if n_off > 0 {
        let long = r.u8()? == crate::buf::LONG_INDICATOR;
        for _ in 0..n_off {
            if long {
                r.ub4()?;
            }
            offsets.push(r.ub4()?);
        }
        if long {
            r.u8()?;
        }
    }
    let n_msg = r.ub2()? as usize;
    let mut messages = Vec::with_capacity(n_msg.min(r.remaining()));
    if n_msg > 0 {
        r.u8()?;
        for _ in 0..n_msg {
            r.ub2()?;
            let text = r.bytes()?.unwrap_or_default();
            messages.push(String::from_utf8_lossy(&text).trim_end().to_string());
            r.skip_n(2)?;
        }
    }
    Ok(codes
        .into_iter()
        .enumerate()
        .map(|(i, code)| BatchError {
            code,
            offset: offsets.get(i).copied().unwrap_or(0),
            message: messages.get(i).cloned().unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buf::DecodeError;

    fn round_trip(m: &ErrorMessage, fv: u8) {
        let caps = Caps {
            field_version: fv,
            ..Caps::default()
        };
        let mut w = Writer::new();
        m.encode(&mut w, &caps);
        assert_eq!(w.buf[0], msg::ERROR);
        assert_eq!(
            &ErrorMessage::decode(&mut Reader::new(&w.buf[1..]), &caps).unwrap(),
            m,
            "fv {fv}"
        );
        for cut in 1..w.buf.len() {
            assert_eq!(
                ErrorMessage::decode(&mut Reader::new(&w.buf[1..cut]), &caps),
                Err(DecodeError::NeedMore)
            );
        }
    }

    #[test]
    fn success_error_and_batch_errors_round_trip() {
        let err = ErrorMessage::error(942, "ORA-00942: table or view does not exist", 3, 14);
        let err = err.in_call(CALL_STATUS_TXN, 9);
        let mut batch = ErrorMessage::error(24381, "ORA-24381: error(s) in array DML", 2, 0);
        batch.row_count = 9998;
        batch.batch_errors = vec![
            BatchError {
                code: 1,
                offset: 10,
                message: "ORA-00001: unique constraint (SCOTT.PK) violated".into(),
            },
            BatchError {
                code: 1,
                offset: 20,
                message: "ORA-00001: unique constraint (SCOTT.PK) violated".into(),
            },
        ];
        let mut inserted = ErrorMessage::success(1, 1, 0);
        inserted.rowid = Some(super::super::rowid::Rowid {
            object: 73_000,
            file: 1,
            block: 70_000,
            slot: 65_535,
        });
        for fv in [8u8, 12, 17, 24] {
            round_trip(&inserted, fv);
            round_trip(&ErrorMessage::success(1, 10_000, 0), fv);
            round_trip(&err, fv);
            round_trip(&batch, fv);
        }
    }

    #[test]
    fn success_bytes_at_field_version_17() {
        let mut w = Writer::new();
        ErrorMessage::success(0, 0, 0).encode(&mut w, &Caps::default());
        let mut expect = vec![4u8];
        expect.extend_from_slice(&[0; 7]); // call status .. cursor id
        expect.extend_from_slice(&[0; 1]); // error position
        expect.extend_from_slice(&[0; 6]);
        expect.extend_from_slice(&[0; 5]); // rowid
        expect.extend_from_slice(&[0; 5]);
        expect.extend_from_slice(&[0; 1]);
        expect.extend_from_slice(&[0; 3]); // batch errors
        expect.extend_from_slice(&[0; 2]); // error number, row count
        expect.extend_from_slice(&[0; 2]); // fv >= 14
        assert_eq!(w.buf, expect);
    }

    #[test]
    fn the_call_number_follows_the_statement_number() {
        let mut w = Writer::new();
        let m = ErrorMessage::success(0, 0, 0).in_call(0, 4);
        m.encode(&mut w, &Caps::default());
        // 04, call status .. error position (8 one-byte fields here), sql
        // type .. warning flags (6), rowid (5), OS error, statement number,
        // then the call number.
        let at = 1 + 8 + 6 + 5 + 2;
        assert_eq!(w.buf[at], 4);
        w.buf[at] = 0;
        let mut plain = Writer::new();
        ErrorMessage::success(0, 0, 0).encode(&mut plain, &Caps::default());
        assert_eq!(w.buf, plain.buf);
    }
}
