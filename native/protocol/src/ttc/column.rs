//! Bind and define descriptors (client → server column metadata).

use super::Caps;
use crate::buf::{DecodeResult, Reader, Writer};
use crate::value::ora_type;

/// Continuation flag clients set for LOB binds/defines (LOB prefetch).
pub const CONT_FLAG_LOB_PREFETCH: u64 = 0x200_0000;
/// Bind flag: use indicators.
pub const FLAG_USE_INDICATORS: u8 = 0x01;
/// Bind flag: PL/SQL index-by table (array bind).
pub const FLAG_ARRAY: u8 = 0x40;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnMeta {
    pub ora_type: u8,
    pub flags: u8,
    pub precision: u8,
    pub scale: u8,
    pub buffer_size: u32,
    pub max_array_elements: u32,
    pub cont_flags: u64,
    pub oid: Option<Vec<u8>>,
    pub version: u32,
    pub charset: u16,
    pub csfrm: u8,
    pub max_chars: u32,
    pub oaccolid: u32,
}

/// Types whose scale is an sb2 on the wire (NUMBER, TIMESTAMP*, INTERVAL
/// DAY TO SECOND and their descriptor forms): in universal form when the
/// client asked for it (`Caps::universal_scale`), else one raw byte.
pub fn has_sb2_scale(ty: u8) -> bool {
    matches!(ty, 2 | 180 | 181 | 183 | 187 | 188 | 190 | 231 | 232)
}

/// Writes a scale as the client negotiated (see [`has_sb2_scale`]).
pub fn write_scale(w: &mut Writer, caps: &Caps, ty: u8, scale: i8) {
    if caps.universal_scale && has_sb2_scale(ty) {
        w.sb2(scale as i16);
    } else {
        w.u8(scale as u8);
    }
}

/// Reads a scale written by [`write_scale`].
pub fn read_scale(r: &mut Reader, caps: &Caps, ty: u8) -> DecodeResult<i8> {
    if caps.universal_scale && has_sb2_scale(ty) {
        Ok(r.sb2()? as i8)
    } else {
        Ok(r.u8()? as i8)
    }
}

/// Character-set form of text types (1 = implicit/AL32UTF8), 0 otherwise.
pub fn csfrm_of(ty: u8) -> u8 {
    match ty {
        ora_type::VARCHAR | ora_type::CHAR | ora_type::LONG | ora_type::CLOB | ora_type::ROWID => 1,
        _ => 0,
    }
}

impl ColumnMeta {
    /// A bind or define of `ty` holding up to `buffer_size` bytes.
    pub fn bind(ty: u8, buffer_size: u32) -> Self {
        let csfrm = csfrm_of(ty);
        ColumnMeta {
            ora_type: ty,
            flags: FLAG_USE_INDICATORS,
            buffer_size,
            cont_flags: if matches!(
                ty,
                ora_type::CLOB | ora_type::BLOB | ora_type::VECTOR | ora_type::JSON
            ) {
                CONT_FLAG_LOB_PREFETCH
            } else {
                0
            },
            charset: if csfrm != 0 { 873 } else { 0 },
            csfrm,
            ..Default::default()
        }
    }

    pub fn is_array(&self) -> bool {
        self.flags & FLAG_ARRAY != 0
    }

    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        w.u8(self.ora_type).u8(self.flags).u8(self.precision);
        write_scale(w, caps, self.ora_type, self.scale as i8);
        w.ub4(self.buffer_size)
            .ub4(self.max_array_elements)
            .ub8(self.cont_flags);
        match &self.oid {
            Some(oid) => {
                w.ub4(oid.len() as u32).bytes(oid).ub4(self.version);
            }
            None => {
                w.ub4(0).ub2(0);
            }
        }
        w.ub2(self.charset).u8(self.csfrm).ub4(self.max_chars);
        if caps.field_version >= Caps::FV_12_2 {
            w.ub4(self.oaccolid);
        }
    }

    pub fn decode(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let ora_type = r.u8()?;
        let mut m = ColumnMeta {
            ora_type,
            flags: r.u8()?,
            precision: r.u8()?,
            scale: read_scale(r, caps, ora_type)? as u8,
            buffer_size: r.ub4()?,
            max_array_elements: r.ub4()?,
            cont_flags: r.ub8()?,
            ..Default::default()
        };
        if r.ub4()? > 0 {
            m.oid = r.bytes()?;
            m.version = r.ub4()?;
        } else {
            m.version = r.ub2()? as u32;
        }
        m.charset = r.ub2()?;
        m.csfrm = r.u8()?;
        m.max_chars = r.ub4()?;
        if caps.field_version >= Caps::FV_12_2 {
            m.oaccolid = r.ub4()?;
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_at_each_field_version() {
        for fv in [7u8, 8, 12, 17, 24] {
            let caps = Caps {
                field_version: fv,
                ..Caps::default()
            };
            for m in [
                ColumnMeta::bind(ora_type::VARCHAR, 4000),
                ColumnMeta::bind(ora_type::CLOB, 1 << 20),
                ColumnMeta::bind(ora_type::NUMBER, 22),
            ] {
                let mut w = Writer::new();
                m.encode(&mut w, &caps);
                assert_eq!(
                    ColumnMeta::decode(&mut Reader::new(&w.buf), &caps).unwrap(),
                    m
                );
            }
        }
        let mut w = Writer::new();
        ColumnMeta::bind(ora_type::NUMBER, 22).encode(
            &mut w,
            &Caps {
                field_version: 8,
                ..Caps::default()
            },
        );
        assert_eq!(w.buf, [2, 1, 0, 0, 1, 22, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
}
