//! ROWID text. SQLite's 64-bit row id is shown in Oracle's extended ROWID
//! form, `OOOOOOFFFBBBBBBRRR` (data object, file, block, slot in Oracle's
//! base-64 digits), so clients see a familiar 18-character ROWID that
//! compares and binds back as text (`where rowid = :r`).

use oradb_protocol::ttc::rowid::Rowid;
use rusqlite::types::ValueRef;

/// The data object number shown for every row (tables share one SQLite file).
const OBJECT: u32 = 73_000;
const FILE: u16 = 1;

/// The ROWID of SQLite row id `n`: the row id's high bits are the block, its low 16 bits
/// the slot (what a DML call reports as its last row, and ROWID shows).
pub fn of_row(n: i64) -> Rowid {
    let n = n as u64;
    Rowid {
        object: OBJECT,
        file: FILE,
        block: (n >> 16) as u32,
        slot: (n & 0xFFFF) as u16,
    }
}

/// The ROWID text of SQLite row id `n`.
pub fn to_text(n: i64) -> String {
    of_row(n).to_text()
}

/// The SQLite row id of a ROWID text made by [`to_text`].
pub fn from_text(s: &str) -> Option<i64> {
    let r = Rowid::from_text(s)?;
    if r.object != OBJECT || r.file != FILE {
        return None;
    }
    i64::try_from((u64::from(r.block) << 16) | u64::from(r.slot)).ok()
}

/// Whether a ROWID column's value `v` must be rewritten ('' is NULL), or
/// the error Oracle raises: it converts only ROWID text to a ROWID.
pub(crate) fn column_needs_fix(v: ValueRef) -> Result<bool, &'static str> {
    match v {
        ValueRef::Null => Ok(false),
        ValueRef::Text(b"") => Ok(true),
        ValueRef::Text(t) => match std::str::from_utf8(t).ok().and_then(Rowid::from_text) {
            Some(_) => Ok(false),
            None => Err("ORA-01410: invalid ROWID"),
        },
        ValueRef::Integer(_) | ValueRef::Real(_) => {
            Err("ORA-00932: inconsistent datatypes: expected ROWID got NUMBER")
        }
        ValueRef::Blob(_) => Err("ORA-00932: inconsistent datatypes: expected ROWID got BINARY"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rowid_column_takes_null_and_rowid_text_only() {
        assert_eq!(column_needs_fix(ValueRef::Null), Ok(false));
        assert_eq!(column_needs_fix(ValueRef::Text(b"")), Ok(true));
        let t = to_text(7);
        assert_eq!(column_needs_fix(ValueRef::Text(t.as_bytes())), Ok(false));
        // Any well-formed ROWID, not only this server's object and file.
        let other = "AAAR3sAAEAAAACXAAA";
        assert_eq!(
            column_needs_fix(ValueRef::Text(other.as_bytes())),
            Ok(false)
        );
        for bad in ["523lkhlf", "AAAR0oAABAAAAAAAA!", " AAAR0oAABAAAAAAAAB"] {
            assert_eq!(
                column_needs_fix(ValueRef::Text(bad.as_bytes())),
                Err("ORA-01410: invalid ROWID"),
                "{bad}"
            );
        }
        let number = Err("ORA-00932: inconsistent datatypes: expected ROWID got NUMBER");
        assert_eq!(column_needs_fix(ValueRef::Integer(12345)), number);
        assert_eq!(column_needs_fix(ValueRef::Real(1.5)), number);
        assert_eq!(
            column_needs_fix(ValueRef::Blob(&[1, 2])),
            Err("ORA-00932: inconsistent datatypes: expected ROWID got BINARY")
        );
    }

    #[test]
    fn rowids_round_trip() {
        assert_eq!(to_text(1), "AAAR0oAABAAAAAAAAB");
        for n in [1, 2, 65_535, 65_536, 1 << 40] {
            let t = to_text(n);
            assert_eq!(t.len(), 18);
            assert_eq!(from_text(&t), Some(n), "{t}");
        }
        assert!(to_text(1) < to_text(2));
        assert_eq!(from_text("AAAR0oAABAAAAAAAA!"), None);
        assert_eq!(from_text("short"), None);
    }
}
