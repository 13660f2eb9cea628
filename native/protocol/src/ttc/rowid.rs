//! Oracle's extended ROWID: data object, file, block and slot, sent as four
//! numbers (the ERROR message's "last rowid") and shown as 18 characters in
//! Oracle's base-64 digits (`OOOOOOFFFBBBBBBRRR`).

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rowid {
    pub object: u32,
    pub file: u16,
    pub block: u32,
    pub slot: u16,
}

impl Rowid {
    /// The ROWID text clients show and bind back.
    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(18);
        digits(&mut s, u64::from(self.object), 6);
        digits(&mut s, u64::from(self.file), 3);
        digits(&mut s, u64::from(self.block), 6);
        digits(&mut s, u64::from(self.slot), 3);
        s
    }

    /// The parts of an 18-character ROWID text; None for anything else.
    pub fn from_text(s: &str) -> Option<Rowid> {
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
        Some(Rowid {
            object: u32::try_from(value(&b[..6])?).ok()?,
            file: u16::try_from(value(&b[6..9])?).ok()?,
            block: u32::try_from(value(&b[9..15])?).ok()?,
            slot: u16::try_from(value(&b[15..18])?).ok()?,
        })
    }
}

fn digits(out: &mut String, mut v: u64, width: usize) {
    let mut buf = [b'A'; 6];
    for slot in buf[..width].iter_mut().rev() {
        *slot = DIGITS[(v % 64) as usize];
        v /= 64;
    }
    out.extend(buf[..width].iter().map(|&c| c as char));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rowid_text_round_trips() {
        let r = Rowid {
            object: 73_000,
            file: 1,
            block: 3,
            slot: 0x1c,
        };
        let t = r.to_text();
        assert_eq!(t.len(), 18);
        assert_eq!(&t[..6], "AAAR0o");
        assert_eq!(Rowid::from_text(&t), Some(r));
        assert_eq!(Rowid::from_text("short"), None);
        assert_eq!(Rowid::from_text("AAAR0oAABAAAAAAA!h"), None);
    }
}
