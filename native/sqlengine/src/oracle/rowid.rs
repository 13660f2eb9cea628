//! ROWID text. SQLite's 64-bit row id is shown in Oracle's extended ROWID
//! form, `OOOOOOFFFBBBBBBRRR` (data object, file, block, slot in Oracle's
//! base-64 digits), so clients see a familiar 18-character ROWID that
//! compares and binds back as text (`where rowid = :r`).

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The data object number shown for every row (tables share one SQLite file).
const OBJECT: u64 = 73_000;
const FILE: u64 = 1;

fn digits(out: &mut String, mut v: u64, width: usize) {
    let mut buf = vec![b'A'; width];
    for slot in buf.iter_mut().rev() {
        *slot = DIGITS[(v % 64) as usize];
        v /= 64;
    }
    out.push_str(std::str::from_utf8(&buf).unwrap_or_default());
}

/// The ROWID text of SQLite row id `n`: the row id's high bits are the
/// block, its low 16 bits the slot.
pub fn to_text(n: i64) -> String {
    let n = n as u64;
    let mut s = String::with_capacity(18);
    digits(&mut s, OBJECT, 6);
    digits(&mut s, FILE, 3);
    digits(&mut s, n >> 16, 6);
    digits(&mut s, n & 0xFFFF, 3);
    s
}

/// The SQLite row id of a ROWID text made by [`to_text`].
pub fn from_text(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 18 {
        return None;
    }
    let value = |part: &[u8]| -> Option<u64> {
        part.iter().try_fold(0u64, |acc, c| {
            let d = DIGITS.iter().position(|x| x == c)? as u64;
            Some(acc * 64 + d)
        })
    };
    let (block, slot) = (value(&b[9..15])?, value(&b[15..18])?);
    if slot > 0xFFFF || value(&b[..6])? != OBJECT || value(&b[6..9])? != FILE {
        return None;
    }
    i64::try_from((block << 16) | slot).ok()
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
