//! OUT values of DML RETURNING and LOB OUT binds as the answer carries them.

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::ttc::{lob, msg, rows};
use oradb_protocol::value::{ora_type, Value};

use crate::sql::SqlError;

/// One value of a RETURNING ... INTO bind, ready to send.
pub(crate) enum Returned {
    Bytes(Option<Vec<u8>>),
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
                Returned::Lob(loc) => write_lob_out(w, loc.as_ref()),
                Returned::Vector(img) => super::vector::write_out(w, img.as_deref()),
                Returned::Json(img) => crate::json::write_out_bind(w, img.as_deref()),
            }
        }
    }
}

/// A LOB OUT value: its locator (or NULL), then the indicator.
pub(crate) fn write_lob_out(w: &mut TtcWriter, loc: Option<&(Vec<u8>, u64)>) {
    let loc = loc.map(|(l, n)| (&l[..], *n, super::lob::CHUNK_SIZE));
    lob::write_locator_value(w, loc);
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
