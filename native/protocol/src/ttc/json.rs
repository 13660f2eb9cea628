//! How a JSON (OSON) value travels: like a LOB with its whole content
//! prefetched. Column and out-bind values: ub4 locator length, ub8 size, ub4
//! chunk size, the image, the locator; python-oracledb and node-oracledb
//! read the image and drop the locator. In-binds: ub4 40, the 40-byte
//! value-based "quasi locator", the image (both length-prefixed).

use crate::buf::{DecodeResult, Reader, Writer};

/// The locator length a JSON value carries.
const QLOCATOR_LEN: u8 = 40;

/// A 40-byte value-based locator for an image of `len` bytes: Oracle's
/// quasi-locator (version 4, value-based abstract BLOB, initialized).
fn qlocator(len: u64) -> [u8; QLOCATOR_LEN as usize] {
    let mut q = [0u8; QLOCATOR_LEN as usize];
    q[..2].copy_from_slice(&38u16.to_be_bytes());
    q[2..4].copy_from_slice(&4u16.to_be_bytes());
    q[4] = 0x20 | 0x01 | 0x40;
    q[5] = 0x08;
    q[8..10].copy_from_slice(&1u16.to_be_bytes());
    q[10..18].copy_from_slice(&len.to_be_bytes());
    q
}

/// Writes a JSON column or out-bind value (None: NULL).
pub fn write_value(w: &mut Writer, image: Option<&[u8]>) {
    match image {
        None => {
            w.ub4(0);
        }
        Some(img) => {
            let loc = qlocator(img.len() as u64);
            w.ub4(loc.len() as u32)
                .ub8(img.len() as u64)
                .ub4(8132)
                .bytes(img)
                .bytes(&loc);
        }
    }
}

/// Reads what [`write_value`] writes: the image.
pub fn read_value(r: &mut Reader) -> DecodeResult<Option<Vec<u8>>> {
    if r.ub4()? == 0 {
        return Ok(None);
    }
    r.ub8()?;
    r.ub4()?;
    let img = r.bytes()?;
    r.bytes()?;
    Ok(img)
}

/// Writes a JSON in-bind (None: NULL).
pub fn write_bind(w: &mut Writer, image: Option<&[u8]>) {
    match image {
        None => {
            w.u8(0);
        }
        Some(img) => {
            w.ub4(u32::from(QLOCATOR_LEN))
                .bytes(&qlocator(img.len() as u64))
                .bytes(img);
        }
    }
}

/// Reads a JSON in-bind: the image after the quasi locator.
pub fn read_bind(r: &mut Reader) -> DecodeResult<Option<Vec<u8>>> {
    if r.ub4()? == 0 {
        return Ok(None);
    }
    r.bytes()?;
    r.bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_values_and_binds_round_trip() {
        let img = crate::value::oson::image_from_text("{\"a\":[1,2]}", Default::default()).unwrap();
        let big = vec![7u8; 100_000];
        for v in [None, Some(&img[..]), Some(&big[..])] {
            let mut w = Writer::new();
            write_value(&mut w, v);
            write_bind(&mut w, v);
            let b = w.into_inner();
            let mut r = Reader::new(&b);
            assert_eq!(read_value(&mut r).unwrap().as_deref(), v);
            assert_eq!(read_bind(&mut r).unwrap().as_deref(), v);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn python_oracledb_bind_prefix_is_read() {
        // python-oracledb's write_qlocator for a 12-byte image, then the image.
        let mut b = vec![
            0x01, 0x28, 0x28, 0x00, 0x26, 0x00, 0x04, 0x61, 0x08, 0x00, 0x00, 0x00, 0x01,
        ];
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 12]);
        b.extend_from_slice(&[0; 22]);
        let img = [
            0xff, 0x4a, 0x5a, 0x01, 0x00, 0x12, 0x00, 0x04, 0x34, 0x02, 0xc2, 0x0d,
        ];
        b.push(12);
        b.extend_from_slice(&img);
        let mut r = Reader::new(&b);
        assert_eq!(read_bind(&mut r).unwrap().as_deref(), Some(&img[..]));
        assert!(r.is_empty());
    }
}
