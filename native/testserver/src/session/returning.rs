//! OUT values of DML RETURNING and LOB OUT binds as the answer carries them.

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::ttc::{lob, msg, rows};
use oradb_protocol::value::{ora_type, Value};

use crate::sql::SqlError;

/// One value of a RETURNING ... INTO bind, ready to send.
pub(crate) enum Returned {
    Bytes(Option<Vec<u8>>),
    /// A value longer than its bind's buffer: the part that fits and the
    /// whole length, which the client reads as ORA-01406 (truncated).
    Cut(Vec<u8>, u32),
    /// A LOB bind's value: its locator and size, or NULL.
    Lob(Option<(Vec<u8>, u64)>),
    /// A VECTOR's image, or NULL.
    Vector(Option<Vec<u8>>),
    /// A JSON bind's value, sent as its column values are (crate::json).
    Json(Option<Vec<u8>>),
}

/// The ROW_DATA message of one execution's RETURNING values: per bind, its
/// row count, then each value as an OUT bind (LOBs as locators).
pub(crate) fn write_row(w: &mut TtcWriter, per_bind: &[Vec<Returned>]) {
    w.u8(msg::ROW_DATA);
    for values in per_bind {
        w.ub4(values.len() as u32);
        for v in values {
            match v {
                Returned::Bytes(b) => rows::write_out_bind(w, b.as_deref()),
                Returned::Cut(b, whole) => rows::write_out_bind_truncated(w, b, *whole),
                Returned::Lob(loc) => write_lob_out(w, loc.as_ref(), true),
                Returned::Vector(img) => super::vector::write_out(w, img.as_deref()),
                Returned::Json(img) => crate::json::write_out_bind(w, img.as_deref()),
            }
        }
    }
}

/// A LOB OUT value: its locator (or NULL), then the indicator. The LOB's
/// size and chunk size come before the locator only when the bind asked for
/// them (`prefetch`): OCI's LOB OUT binds do not, and read a size there as
/// the locator's length (ORA-03120, measured).
pub(crate) fn write_lob_out(w: &mut TtcWriter, loc: Option<&(Vec<u8>, u64)>, prefetch: bool) {
    if prefetch {
        let loc = loc.map(|(l, n)| (&l[..], *n, super::lob::CHUNK_SIZE));
        lob::write_locator_value(w, loc);
    } else {
        lob::write_bfile_value(w, loc.map(|(l, _)| &l[..]));
    }
    w.sb4(if loc.is_some() { 0 } else { -1 });
}

/// The locator RETURNING … INTO a LOB bind answers for value `v` of
/// returned column `col`: the written row's own LOB when the column is a
/// plain LOB column of it (`at`), so writes through the locator fill the
/// row; else (an expression, DELETE's gone row) a temporary LOB holding the
/// value, as for a PL/SQL LOB OUT bind.
pub(crate) fn lob_locator(
    lobs: &mut super::lob::Lobs,
    v: &Value,
    ty: u8,
    csfrm: u8,
    at: Option<super::lob::RowAt>,
    col: usize,
) -> Result<Option<(Vec<u8>, u64)>, SqlError> {
    let row = at.and_then(|at| {
        let r = at.lob_rows?;
        let rowid = (*r.rowids.get(at.index)?)?;
        let (_, src) = r.columns.iter().find(|(i, _)| *i == col)?;
        Some((src, rowid))
    });
    let size = match (v, ty) {
        (Value::Clob(t), ora_type::CLOB) => t.encode_utf16().count() as u64,
        (Value::Blob(b), ora_type::BLOB) => b.len() as u64,
        _ => return lobs.value_locator(v, ty, csfrm, true),
    };
    match row {
        Some((src, rowid)) => Ok(Some((lobs.row_locator(src, rowid, ty, csfrm), size))),
        None => lobs.value_locator(v, ty, csfrm, true),
    }
}

/// `b` (a RETURNING value of wire type `ty`, character form `csfrm`) as it
/// fits a bind buffer of `cap` bytes: cut at a character's start when
/// longer, as Oracle returns it (0: no limit known).
pub(crate) fn fit(b: Option<Vec<u8>>, ty: u8, csfrm: u8, cap: u32) -> Returned {
    use oradb_protocol::value::ora_type;
    let Some(b) = b else {
        return Returned::Bytes(None);
    };
    let cap = cap as usize;
    let text = matches!(ty, ora_type::VARCHAR | ora_type::CHAR);
    if cap == 0 || b.len() <= cap || !(text || ty == ora_type::RAW) {
        return Returned::Bytes(Some(b));
    }
    let mut end = cap;
    if text && csfrm == 2 {
        end -= end % 2;
    } else if text {
        // Back to the first byte of a UTF-8 sequence.
        while end > 0 && b[end] & 0xC0 == 0x80 {
            end -= 1;
        }
    }
    let whole = u32::try_from(b.len()).unwrap_or(u32::MAX);
    Returned::Cut(b[..end].to_vec(), whole)
}

#[cfg(test)]
mod fit_tests {
    use super::*;
    use oradb_protocol::value::ora_type;

    #[test]
    fn values_longer_than_the_bind_are_cut_at_a_character() {
        let cut = |b: &[u8], ty, csfrm, cap| match fit(Some(b.to_vec()), ty, csfrm, cap) {
            Returned::Cut(v, whole) => Some((v, whole)),
            _ => None,
        };
        assert_eq!(
            cut(b"abcdef", ora_type::VARCHAR, 1, 4),
            Some((b"abcd".to_vec(), 6))
        );
        // "aé" is 61 C3 A9: a cap of 2 keeps only "a".
        assert_eq!(
            cut("aé".as_bytes(), ora_type::VARCHAR, 1, 2),
            Some((b"a".to_vec(), 3))
        );
        assert_eq!(
            cut(&[0, 0x61, 0, 0x62], ora_type::VARCHAR, 2, 3),
            Some((vec![0, 0x61], 4))
        );
        assert_eq!(cut(&[1, 2, 3], ora_type::RAW, 1, 2), Some((vec![1, 2], 3)));
        assert_eq!(cut(b"abc", ora_type::VARCHAR, 1, 3), None);
        assert_eq!(cut(b"abc", ora_type::VARCHAR, 1, 0), None);
        assert_eq!(cut(&[0xC1, 2, 3], ora_type::NUMBER, 1, 1), None);
    }
}
