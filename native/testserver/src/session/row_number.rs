//! Integer NUMBERs of fetched rows, encoded in place. Most NUMBER values a
//! fetch sends are integers the engine wrote as text; the codec's general
//! path (`encode_str`) parses that text and builds two vectors per value,
//! a sixth of a fetch's server instructions. This writes the same bytes
//! from the digits into a stack buffer; anything else takes the codec.

/// NUMBER bytes of an integer: an exponent byte and up to 10 base-100
/// digits, and the terminator of a negative one.
pub(crate) type NumberBytes = [u8; 12];

/// The NUMBER image of `s` when it is a plain integer (an optional `-` and
/// at most 18 characters, as the codec's integer path takes), written to
/// `out`: its length. `None` for any other text.
pub(crate) fn encode_int(s: &str, out: &mut NumberBytes) -> Option<usize> {
    let b = s.as_bytes();
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if b.len() > 18 || digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(c - b'0');
    }
    if n == 0 {
        out[0] = 0x80;
        return Some(1);
    }
    // Base-100 digits, least significant first.
    let mut pairs = [0u8; 10];
    let mut len = 0;
    while n > 0 {
        pairs[len] = (n % 100) as u8;
        n /= 100;
        len += 1;
    }
    let exp = (len as u8) + 64 + 128;
    // Trailing zero pairs are implied by the exponent.
    let lowest = pairs[..len].iter().position(|&p| p != 0).unwrap_or(0);
    let mut at = 1;
    for &p in pairs[lowest..len].iter().rev() {
        out[at] = if negative { 101 - p } else { p + 1 };
        at += 1;
    }
    if negative {
        out[0] = !exp;
        out[at] = 102;
        at += 1;
    } else {
        out[0] = exp;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oradb_protocol::value::number;

    fn same_as_codec(s: &str) {
        let mut out = [0u8; 12];
        let n = encode_int(s, &mut out).unwrap_or_else(|| panic!("{s} not taken"));
        assert_eq!(&out[..n], &number::encode_str(s).unwrap()[..], "{s}");
    }

    #[test]
    fn integers_encode_as_the_codec_does() {
        for s in [
            "0", "-0", "1", "-1", "7", "10", "100", "-100", "101", "99", "1000000",
        ] {
            same_as_codec(s);
        }
        for s in ["007", "-00", "999999999999999999", "-99999999999999999"] {
            same_as_codec(s);
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Up to 17 digits, so that the negative stays within 18 characters.
            let v = (x % 10u64.pow((x >> 59) as u32 % 17 + 1)) as i64;
            same_as_codec(&v.to_string());
            same_as_codec(&(-v).to_string());
            same_as_codec(&(v % 1_000_000_000 * 100).to_string());
        }
    }

    #[test]
    fn other_text_is_left_to_the_codec() {
        let mut out = [0u8; 12];
        for s in [
            "",
            "-",
            "+5",
            "1.5",
            "1e3",
            " 1",
            "12a",
            "1234567890123456789",
            "-",
        ] {
            assert_eq!(encode_int(s, &mut out), None, "{s:?}");
        }
    }
}
