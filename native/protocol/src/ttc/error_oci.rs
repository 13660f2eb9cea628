//! ERROR (message type 4) as OCI 19.3 reads it: 23 fields, no end-to-end
//! sequence number, no logical rowid, batch-error arrays or extended error
//! and row count; the message text follows when the error is not 0.
//!
//! Measured through a proxy that replaced the server's end of call: with 23
//! zero fields OCI goes on to its next call, with fewer it waits, with more
//! it breaks (ORA-03106); `04 00 00 02 03 f9`, 20 zero fields and a text
//! make it report ORA-01017 with that text.

use super::error::ErrorMessage;
use super::msg;
use crate::buf::{DecodeResult, Reader, Writer};

impl ErrorMessage {
    /// `call status, row number (the row count), error, 2 array-element
    /// errors, cursor, error position, sql type, fatal, flags, user cursor
    /// options, UPI parameter, warning flags, rowid (5 fields), OS error,
    /// statement number, call number, padding, success iterations`.
    pub(super) fn encode_oci(&self, w: &mut Writer) {
        w.u8(msg::ERROR).ub4(self.call_status);
        w.ub4(self.row_count.min(u64::from(u32::MAX)) as u32);
        w.ub2(self.error_num.min(0xFFFF) as u16).ub2(0).ub2(0);
        w.ub2(self.cursor_id).sb2(self.error_pos);
        w.u8(0).u8(0).u8(0).u8(0).u8(0).u8(self.warning_flags);
        w.ub4(0).ub2(0).u8(0).ub4(0).ub2(0);
        w.ub4(0)
            .u8(0)
            .u8(self.call_number)
            .ub2(0)
            .ub4(self.success_iterations);
        if self.error_num != 0 {
            w.bytes(self.message.as_deref().unwrap_or("").as_bytes());
        }
    }

    pub(super) fn decode_oci(r: &mut Reader) -> DecodeResult<Self> {
        let call_status = r.ub4()?;
        let row_count = u64::from(r.ub4()?);
        let error_num = u32::from(r.ub2()?);
        r.ub2()?;
        r.ub2()?;
        let cursor_id = r.ub2()?;
        let error_pos = r.sb2()?;
        for _ in 0..5 {
            r.u8()?;
        }
        let warning_flags = r.u8()?;
        r.ub4()?;
        r.ub2()?;
        r.u8()?;
        r.ub4()?;
        r.ub2()?;
        r.ub4()?;
        r.u8()?;
        let call_number = r.u8()?;
        r.ub2()?;
        let success_iterations = r.ub4()?;
        let message = if error_num != 0 {
            Some(String::from_utf8_lossy(&r.bytes()?.unwrap_or_default()).into_owned())
        } else {
            None
        };
        Ok(ErrorMessage {
            call_status,
            cursor_id,
            error_pos,
            warning_flags,
            success_iterations,
            batch_errors: Vec::new(),
            error_num,
            row_count,
            message,
            call_number,
            rowid: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ttc::Caps;

    fn oci() -> Caps {
        Caps {
            oci: true,
            ..Caps::default()
        }
    }

    #[test]
    fn success_is_the_type_byte_and_23_zero_fields() {
        let mut w = Writer::new();
        ErrorMessage::success(0, 0, 0).encode(&mut w, &oci());
        let mut expect = vec![4u8];
        expect.extend([0u8; 23]);
        assert_eq!(w.buf, expect);
    }

    /// The bytes OCI 19.3 reported as "ORA-01017: oci layout test".
    #[test]
    fn an_error_carries_its_number_third_and_its_text_last() {
        let e = ErrorMessage::error(1017, "ORA-01017: oci layout test", 0, 0);
        let mut w = Writer::new();
        e.encode(&mut w, &oci());
        let mut expect = vec![4u8, 0, 0, 2, 3, 0xf9];
        expect.extend([0u8; 20]);
        expect.push(26);
        expect.extend(b"ORA-01017: oci layout test");
        assert_eq!(w.buf, expect);
        let back = ErrorMessage::decode(&mut Reader::new(&w.buf[1..]), &oci()).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn row_count_and_cursor_round_trip() {
        let e = ErrorMessage::success(3, 500, 2);
        let mut w = Writer::new();
        e.encode(&mut w, &oci());
        let back = ErrorMessage::decode(&mut Reader::new(&w.buf[1..]), &oci()).unwrap();
        assert_eq!(back, e);
    }
}
