//! DUMP(expr [, format]): a value's internal type code, length and bytes,
//! in the format Oracle prints (`Typ=2 Len=2: 193,2`).

use super::OraFnError;

/// Formats already-encoded bytes of Oracle type `typ`. `format` is 8
/// (octal), 10 (decimal), 16 (hex) or 17 (characters), plus 1000 to name
/// the character set.
pub fn format(typ: u16, bytes: &[u8], format: i64) -> Result<String, OraFnError> {
    let (charset, base) = if format >= 1000 {
        (true, format - 1000)
    } else {
        (false, format)
    };
    let items: Vec<String> = bytes
        .iter()
        .map(|&b| match base {
            8 => Ok(format!("{b:o}")),
            10 => Ok(b.to_string()),
            16 => Ok(format!("{b:x}")),
            17 if b.is_ascii_graphic() || b == b' ' => Ok((b as char).to_string()),
            17 => Ok(format!("{b:x}")),
            _ => Err(OraFnError::new(1481, "invalid number format model")),
        })
        .collect::<Result<_, _>>()?;
    let cs = if charset && matches!(typ, 1 | 96) {
        " CharacterSet=AL32UTF8"
    } else {
        ""
    };
    Ok(format!(
        "Typ={typ} Len={}{cs}: {}",
        bytes.len(),
        items.join(",")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_formats() {
        assert_eq!(format(2, &[193, 2], 10).unwrap(), "Typ=2 Len=2: 193,2");
        assert_eq!(format(2, &[193, 2], 16).unwrap(), "Typ=2 Len=2: c1,2");
        assert_eq!(
            format(1, b"ab", 1016).unwrap(),
            "Typ=1 Len=2 CharacterSet=AL32UTF8: 61,62"
        );
        assert_eq!(format(1, b"a\x01", 17).unwrap(), "Typ=1 Len=2: a,1");
        assert_eq!(format(1, b"a", 3).unwrap_err().code, 1481);
    }
}
