//! DESCRIBE_INFO (message type 16): the columns of a query.

use super::{msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};
use crate::value::ora_type;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DescribeColumn {
    pub ora_type: u8,
    pub flags: u8,
    pub precision: i8,
    pub scale: i8,
    pub buffer_size: u32,
    pub charset: u16,
    pub csfrm: u8,
    /// Characters for strings, bytes otherwise.
    pub max_size: u32,
    pub nullable: bool,
    pub name: String,
    pub type_schema: Option<String>,
    pub type_name: Option<String>,
    /// The OID and version of an object column's type (empty otherwise).
    pub type_oid: Vec<u8>,
    pub type_version: u16,
    pub position: u16,
    pub uds_flags: u32,
    /// VECTOR columns (field version 23.4+): dimensions, format, flags.
    pub vector: (u32, u8, u8),
}

impl DescribeColumn {
    /// Fills charset, form and sizes the way Oracle reports `ty`.
    pub fn new(name: &str, ty: u8, size: u32, precision: i8, scale: i8, nullable: bool) -> Self {
        let csfrm = super::column::csfrm_of(ty);
        let (buffer_size, max_size) = match ty {
            ora_type::VARCHAR | ora_type::CHAR => (size.max(1), size.max(1)),
            ora_type::NUMBER | ora_type::BINARY_INTEGER => (22, 22),
            ora_type::DATE => (7, 7),
            ora_type::TIMESTAMP | ora_type::TIMESTAMP_LTZ => (11, 11),
            ora_type::TIMESTAMP_TZ => (13, 13),
            ora_type::BINARY_DOUBLE => (8, 8),
            ora_type::BINARY_FLOAT => (4, 4),
            ora_type::BOOLEAN => (4, 4),
            ora_type::CLOB | ora_type::BLOB => (4000, 4000),
            _ => (size.max(1), size.max(1)),
        };
        DescribeColumn {
            ora_type: ty,
            precision,
            scale,
            buffer_size,
            charset: if csfrm != 0 { 873 } else { 0 },
            csfrm,
            max_size,
            nullable,
            name: name.to_string(),
            ..Default::default()
        }
    }

    fn encode(&self, w: &mut Writer, caps: &Caps, position: u16) {
        w.u8(self.ora_type).u8(self.flags).u8(self.precision as u8);
        super::column::write_scale(w, caps, self.ora_type, self.scale);
        w.ub4(self.buffer_size).ub4(0).ub8(0);
        w.bytes_with_length(&self.type_oid).ub2(self.type_version);
        w.ub2(self.charset).u8(self.csfrm).ub4(self.max_size);
        if caps.field_version >= Caps::FV_12_2 {
            w.ub4(0);
        }
        w.u8(u8::from(self.nullable)).u8(0);
        w.str_with_length(&self.name);
        w.str_with_length(self.type_schema.as_deref().unwrap_or(""));
        w.str_with_length(self.type_name.as_deref().unwrap_or(""));
        w.ub2(position).ub4(self.uds_flags);
        if caps.field_version >= Caps::FV_23_1 {
            w.ub4(0).ub4(0);
        }
        if caps.field_version >= Caps::FV_23_1_EXT3 {
            w.ub4(0);
        }
        if caps.field_version >= Caps::FV_23_4 {
            let (dims, format, flags) = self.vector;
            w.ub4(dims).u8(format).u8(flags);
        }
    }

    fn decode(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let ora_type = r.u8()?;
        let flags = r.u8()?;
        let precision = r.u8()? as i8;
        let mut c = DescribeColumn {
            ora_type,
            flags,
            precision,
            scale: super::column::read_scale(r, caps, ora_type)?,
            buffer_size: r.ub4()?,
            ..Default::default()
        };
        r.ub4()?;
        r.ub8()?;
        c.type_oid = r.bytes_with_length()?.unwrap_or_default();
        c.type_version = r.ub2()?;
        c.charset = r.ub2()?;
        c.csfrm = r.u8()?;
        c.max_size = r.ub4()?;
        if caps.field_version >= Caps::FV_12_2 {
            r.ub4()?;
        }
        c.nullable = r.u8()? != 0;
        r.u8()?;
        c.name = r.str_with_length()?.unwrap_or_default();
        c.type_schema = r.str_with_length()?;
        c.type_name = r.str_with_length()?;
        c.position = r.ub2()?;
        c.uds_flags = r.ub4()?;
        if caps.field_version >= Caps::FV_23_1 {
            r.str_with_length()?;
            r.str_with_length()?;
        }
        if caps.field_version >= Caps::FV_23_1_EXT3 {
            let n = r.ub4()?;
            if n > 0 {
                r.u8()?;
                let count = r.ub4()?;
                r.u8()?;
                for _ in 0..count {
                    r.str_with_length()?;
                    r.str_with_length()?;
                    r.ub4()?;
                }
                r.ub4()?;
            }
        }
        if caps.field_version >= Caps::FV_23_4 {
            c.vector = (r.ub4()?, r.u8()?, r.u8()?);
        }
        Ok(c)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DescribeInfo {
    pub max_row_size: u32,
    pub columns: Vec<DescribeColumn>,
}

impl DescribeInfo {
    pub fn new(columns: Vec<DescribeColumn>) -> Self {
        let max_row_size = columns.iter().map(|c| c.buffer_size).sum();
        DescribeInfo {
            max_row_size,
            columns,
        }
    }

    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        w.u8(msg::DESCRIBE_INFO).u8(0);
        self.encode_body(w, caps);
    }

    /// The body without the message type and preamble (REF cursors reuse it).
    pub fn encode_body(&self, w: &mut Writer, caps: &Caps) {
        w.ub4(self.max_row_size).ub4(self.columns.len() as u32);
        if !self.columns.is_empty() {
            // The column array's pointer: thin clients skip it; OCI reads
            // the columns only when it is 1 (with 0 it fails after the first
            // column's type OID length).
            w.u8(u8::from(caps.oci));
        }
        for (i, c) in self.columns.iter().enumerate() {
            c.encode(w, caps, i as u16 + 1);
        }
        w.ub4(0).ub4(0).ub4(0).ub4(0).ub4(0).ub4(0);
    }

    pub fn decode(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        r.skip_bytes()?;
        Self::decode_body(r, caps)
    }

    pub fn decode_body(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let max_row_size = r.ub4()?;
        let n = r.ub4()? as usize;
        if n > 0 {
            r.u8()?;
        }
        let mut columns = Vec::with_capacity(n.min(r.remaining() / 8));
        for _ in 0..n {
            columns.push(DescribeColumn::decode(r, caps)?);
        }
        r.bytes_with_length()?;
        r.ub4()?;
        r.ub4()?;
        r.ub4()?;
        r.ub4()?;
        r.bytes_with_length()?;
        Ok(DescribeInfo {
            max_row_size,
            columns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buf::DecodeError;

    fn sample() -> DescribeInfo {
        let mut id = DescribeColumn::new("ID", ora_type::NUMBER, 22, 9, 0, false);
        id.position = 1;
        let mut name = DescribeColumn::new("NAME", ora_type::VARCHAR, 20, 0, 0, true);
        name.position = 2;
        let mut n = DescribeColumn::new("1+1", ora_type::NUMBER, 22, 0, -127, true);
        n.position = 3;
        DescribeInfo::new(vec![id, name, n])
    }

    #[test]
    fn round_trip_at_gated_field_versions() {
        for fv in [7u8, 8, 12, 17, 20, 24] {
            let caps = Caps {
                field_version: fv,
                ..Caps::default()
            };
            let d = sample();
            let mut w = Writer::new();
            d.encode(&mut w, &caps);
            let mut r = Reader::new(&w.buf[1..]);
            assert_eq!(DescribeInfo::decode(&mut r, &caps).unwrap(), d, "fv {fv}");
            assert!(r.is_empty());
            for cut in 1..w.buf.len() {
                assert_eq!(
                    DescribeInfo::decode(&mut Reader::new(&w.buf[1..cut]), &caps),
                    Err(DecodeError::NeedMore)
                );
            }
        }
    }

    #[test]
    fn unconstrained_number_scale_is_0x81() {
        let mut w = Writer::new();
        DescribeInfo::new(vec![DescribeColumn::new(
            "X",
            ora_type::NUMBER,
            22,
            0,
            -127,
            true,
        )])
        .encode(&mut w, &Caps::default());
        assert_eq!(&w.buf[..8], &[16, 0, 1, 22, 1, 1, 0, 2]);
        assert_eq!(&w.buf[8..12], &[0, 0, 0x81, 1]);
    }

    #[test]
    fn number_scale_is_a_universal_sb2_for_jdbc_and_go_ora() {
        // go-ora and JDBC read NUMBER's scale -127 as `81 7f`; python- and
        // node-oracledb read the raw byte `81`.
        let col = DescribeColumn::new("N", ora_type::NUMBER, 22, 0, -127, true);
        for (universal, want) in [
            (true, &[0x02, 0x00, 0x00, 0x81, 0x7f][..]),
            (false, &[0x02, 0x00, 0x00, 0x81][..]),
        ] {
            let caps = Caps {
                universal_scale: universal,
                ..Caps::default()
            };
            let mut w = Writer::new();
            col.encode(&mut w, &caps, 1);
            assert_eq!(&w.buf[..want.len()], want);
            assert_eq!(w.buf[want.len()], 0x01, "buffer size follows");
            let back = DescribeColumn::decode(&mut Reader::new(&w.buf), &caps).unwrap();
            assert_eq!(back.scale, -127);
        }
    }
}
