//! ASCII and CHR: a character's code in the database character set
//! (AL32UTF8 here, so a character beyond ASCII is its UTF-8 bytes read as
//! one big-endian number, as Oracle gives) and back.

/// The code of `s`'s first character; `None` for the empty string (NULL).
pub fn ascii(s: &str) -> Option<i64> {
    let c = s.chars().next()?;
    let mut buf = [0u8; 4];
    Some(
        c.encode_utf8(&mut buf)
            .bytes()
            .fold(0i64, |acc, b| (acc << 8) | i64::from(b)),
    )
}

/// The character whose code is `n`, or an Oracle error for a code that is
/// no character of the database character set.
pub fn chr(n: i64) -> Result<String, String> {
    let bad = || format!("ORA-01722: invalid number: no character has the code {n}");
    let n = u32::try_from(n).map_err(|_| bad())?;
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.is_empty() {
        return Ok("\0".into());
    }
    String::from_utf8(bytes).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_gives_the_utf8_code_of_the_first_character() {
        assert_eq!(ascii("A"), Some(65));
        assert_eq!(ascii("Raw 1"), Some(82));
        assert_eq!(ascii("é"), Some(0xC3A9));
        assert_eq!(ascii("\u{3042}x"), Some(0xE38182));
        assert_eq!(ascii(""), None);
    }

    #[test]
    fn chr_inverts_ascii_and_refuses_what_is_no_character() {
        assert_eq!(chr(65).unwrap(), "A");
        assert_eq!(chr(i64::from(b'A') + 11).unwrap(), "L");
        assert_eq!(chr(0xC3A9).unwrap(), "é");
        assert_eq!(chr(0xE38182).unwrap(), "\u{3042}");
        assert!(chr(0xFF).unwrap_err().starts_with("ORA-01722"));
        assert!(chr(-1).is_err());
    }
}
