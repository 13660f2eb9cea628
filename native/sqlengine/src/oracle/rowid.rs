//! ROWID text. SQLite's 64-bit row id is shown in Oracle's extended ROWID
//! form, `OOOOOOFFFBBBBBBRRR` (data object, file, block, slot in Oracle's
//! base-64 digits), so clients see a familiar 18-character ROWID that
//! compares and binds back as text (`where rowid = :r`).

use oradb_protocol::ttc::rowid::Rowid;

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

#[cfg(test)]
mod tests {
    use super::*;

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
