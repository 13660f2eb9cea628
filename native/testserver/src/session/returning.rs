//! OUT values of DML RETURNING and LOB OUT binds as the answer carries them.

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::ttc::rowid::Rowid;
use oradb_protocol::ttc::rows::IoVector;
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
    /// A UROWID bind's value ([`urowid`]): ub4 length, then the bytes.
    Urowid(Option<Vec<u8>>),
    /// An object bind's value as `objects::write_object` wrote it, and
    /// whether it is NULL.
    Object(Vec<u8>, bool),
}

/// What OCI 19.3 reads before the RETURNING values (tests/oci19/README.md,
/// round 13a): an IO_VECTOR with every bind's direction (IN 0x20 for the
/// statement's own binds, OUT 0x10 for the RETURNING ones) and one
/// iteration per execution. Without it OCI fails on the values with
/// ORA-03108; thin clients take the ROW_DATA alone.
pub(crate) fn write_oci_io_vector(
    w: &mut TtcWriter,
    caps: &oradb_protocol::ttc::Caps,
    binds: usize,
    returning: &[usize],
    executions: usize,
) {
    let dirs = (0..binds)
        .map(|i| if returning.contains(&i) { 0x10 } else { 0x20 })
        .collect();
    IoVector::oci(dirs, executions as u32).encode(w, caps);
}

/// OCI's bind rows (every bind's value, RETURNING ones included) as thin
/// clients send them: without the values of the binds `returning` marks.
pub(crate) fn without_returned<T>(rows: Vec<Vec<T>>, returning: &[bool]) -> Vec<Vec<T>> {
    rows.into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .filter(|(i, _)| !returning.get(*i).copied().unwrap_or(false))
                .map(|(_, v)| v)
                .collect()
        })
        .collect()
}

/// The ROW_DATA message of one execution's RETURNING values: per bind, its
/// row count, then each value as an OUT bind (LOBs as locators). OCI reads
/// one more field after each value's indicator (`oci`), which it takes as
/// 0 or any small number alike (round 13a): 0 here.
pub(crate) fn write_row(w: &mut TtcWriter, per_bind: &[Vec<Returned>], oci: bool) {
    w.u8(msg::ROW_DATA);
    for values in per_bind {
        w.ub4(values.len() as u32);
        for v in values {
            match v {
                Returned::Bytes(b) => rows::write_out_bind(w, b.as_deref()),
                Returned::Cut(b, whole) => rows::write_out_bind_truncated(w, b, *whole),
                Returned::Lob(loc) => write_lob_out(w, loc.as_ref(), !oci),
                Returned::Vector(img) => super::vector::write_out(w, img.as_deref()),
                Returned::Json(img) => crate::json::write_out_bind(w, img.as_deref()),
                Returned::Object(b, null) => {
                    w.raw(b);
                    w.sb4(if *null { -1 } else { 0 });
                }
                Returned::Urowid(b) => {
                    lob::write_bfile_value(w, b.as_deref());
                    w.sb4(if b.is_some() { 0 } else { -1 });
                }
            }
            if oci {
                // The return code: ORA-01406 for a value cut to its bind.
                w.ub4(if matches!(v, Returned::Cut(..)) {
                    1406
                } else {
                    0
                });
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

/// Universal ROWID, the type OCI binds `RETURNING rowid INTO` as.
pub(crate) const UROWID: u8 = 208;

/// A ROWID as a UROWID value: a physical ROWID's binary form (kind 1, data
/// object, file, block, slot, big-endian), which OCI reads (round 13a); its
/// text does not fit OCI's 16-byte buffer (ORA-03120).
pub(crate) fn urowid(v: &Value) -> Result<Option<Vec<u8>>, SqlError> {
    let text = match v {
        _ if v.is_null() => return Ok(None),
        Value::Varchar(t) => t,
        other => {
            return Err(super::exec::sql_err(
                932,
                &format!("cannot send {other:?} as UROWID"),
            ))
        }
    };
    let Some(r) = Rowid::from_text(text) else {
        return Err(super::exec::sql_err(1410, "invalid ROWID"));
    };
    let mut b = vec![1];
    b.extend_from_slice(&r.object.to_be_bytes());
    b.extend_from_slice(&r.file.to_be_bytes());
    b.extend_from_slice(&r.block.to_be_bytes());
    b.extend_from_slice(&r.slot.to_be_bytes());
    Ok(Some(b))
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
