//! OUT values of DML RETURNING and LOB OUT binds as the answer carries them.

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::ttc::{lob, msg, rows};

/// One value of a RETURNING ... INTO bind, ready to send.
pub(crate) enum Returned {
    Bytes(Option<Vec<u8>>),
    /// A LOB bind's value: its locator and size, or NULL.
    Lob(Option<(Vec<u8>, u64)>),
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
