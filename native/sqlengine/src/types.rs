//! Oracle column types and how they are kept in SQLite: the declared type
//! of each SQLite column encodes the Oracle type (and the affinity we want:
//! NUMBER columns get none, so SQLite never rounds a value through REAL).

use oradb_protocol::value::ora_type;

use super::ColumnInfo;

/// Parses an Oracle type spec (already split into words/numbers) into a
/// column description (name left empty).
pub fn oracle_type(words: &[String], args: &[i64], char_semantics: bool) -> Option<ColumnInfo> {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let a0 = args.first().copied();
    let col = |ora_type, size: u32, precision: i8, scale: i8| ColumnInfo {
        name: String::new(),
        ora_type,
        size,
        char_size: size,
        precision,
        scale,
        nullable: true,
        object_type: None,
        national: false,
        uds_flags: 0,
    };
    // A length of a character or RAW type: Oracle's 1..=32767, else no type (a length of 4e9
    // overflowed the byte size of a CHAR-semantics column: found by the fuzzer).
    let len = |default: u32| match a0 {
        None => Some(default),
        Some(n) if (1..=32767).contains(&n) => Some(n as u32),
        Some(_) => None,
    };
    Some(match w.as_slice() {
        ["NUMBER"] | ["NUMERIC"] | ["DECIMAL"] | ["DEC"] => match (a0, args.get(1)) {
            (None, _) => col(ora_type::NUMBER, 22, 0, -127),
            // Oracle's ranges (ORA-01727/01728); outside them no type, rather
            // than a precision or scale wrapped into another.
            (Some(p), s) => {
                let s = s.copied().unwrap_or(0);
                if !(1..=38).contains(&p) || !(-84..=127).contains(&s) {
                    return None;
                }
                col(ora_type::NUMBER, 22, p as i8, s as i8)
            }
        },
        ["INTEGER"] | ["INT"] | ["SMALLINT"] => col(ora_type::NUMBER, 22, 38, 0),
        // Binary precision 1..=126 (ORA-01724 otherwise).
        ["FLOAT"] | ["REAL"] | ["DOUBLE", "PRECISION"]
            if a0.is_some_and(|p| !(1..=126).contains(&p)) =>
        {
            return None
        }
        ["FLOAT"] | ["REAL"] | ["DOUBLE", "PRECISION"] => {
            col(ora_type::NUMBER, 22, a0.unwrap_or(126) as i8, -127)
        }
        // AL16UTF16: two bytes a character, whatever the length semantics.
        ["NVARCHAR2"] | ["NATIONAL", "CHARACTER", "VARYING"] | ["NCHAR", "VARYING"] => {
            let n = len(4000)?;
            ColumnInfo {
                char_size: n,
                national: true,
                ..col(ora_type::VARCHAR, (n * 2).min(32767), 0, 0)
            }
        }
        ["NCHAR"] | ["NATIONAL", "CHARACTER"] | ["NATIONAL", "CHAR"] => {
            let n = len(1)?;
            ColumnInfo {
                char_size: n,
                national: true,
                ..col(ora_type::CHAR, n * 2, 0, 0)
            }
        }
        ["NCLOB"] => ColumnInfo {
            national: true,
            ..col(ora_type::CLOB, 4000, 0, 0)
        },
        ["VARCHAR2"] | ["VARCHAR"] | ["CHARACTER", "VARYING"] | ["CHAR", "VARYING"] => {
            let n = len(4000)?;
            let bytes = if char_semantics { n * 4 } else { n };
            ColumnInfo {
                char_size: n,
                ..col(ora_type::VARCHAR, bytes.min(32767), 0, 0)
            }
        }
        ["CHAR"] | ["CHARACTER"] => {
            let n = len(1)?;
            ColumnInfo {
                char_size: n,
                ..col(ora_type::CHAR, if char_semantics { n * 4 } else { n }, 0, 0)
            }
        }
        ["DATE"] => col(ora_type::DATE, 7, 0, 0),
        ["TIMESTAMP", ..] if a0.is_some_and(|p| !(0..=9).contains(&p)) => return None,
        ["TIMESTAMP", "WITH", "TIME", "ZONE"] => {
            col(ora_type::TIMESTAMP_TZ, 13, 0, a0.unwrap_or(6) as i8)
        }
        ["TIMESTAMP", "WITH", "LOCAL", "TIME", "ZONE"] => {
            col(ora_type::TIMESTAMP_LTZ, 11, 0, a0.unwrap_or(6) as i8)
        }
        ["TIMESTAMP", ..] => col(ora_type::TIMESTAMP, 11, 0, a0.unwrap_or(6) as i8),
        ["RAW"] => col(ora_type::RAW, len(2000)?, 0, 0),
        ["BINARY_DOUBLE"] => col(ora_type::BINARY_DOUBLE, 8, 0, 0),
        ["BINARY_FLOAT"] => col(ora_type::BINARY_FLOAT, 4, 0, 0),
        ["CLOB"] => col(ora_type::CLOB, 4000, 0, 0),
        ["BLOB"] => col(ora_type::BLOB, 4000, 0, 0),
        // A directory and a file name (bfile.rs); 530 as Oracle describes it.
        ["BFILE"] => col(ora_type::BFILE, 530, 0, 0),
        // Kept as extended JSON text (oson::text) so json1 can query it.
        ["JSON"] => col(ora_type::JSON, 4000, 0, 0),
        // Described as themselves (size 0, as Oracle does), not as LOBs: clients
        // fetch LONG inline, with no locator.
        ["LONG", "RAW"] => col(ora_type::LONG_RAW, 0, 0, 0),
        ["LONG"] => col(ora_type::LONG, 0, 0, 0),
        ["BOOLEAN"] => col(ora_type::BOOLEAN, 4, 0, 0),
        ["VECTOR"] => {
            let n = |i: usize| args.get(i).copied().unwrap_or(0);
            crate::vector::column(n(0) as u32, n(1) as u8, n(2) != 0)
        }
        // Precision is the leading field's digits, scale the fraction's, as
        // Oracle describes them; the DDL fills in the defaults (2 and 6).
        // Both 0..=9 in Oracle (ORA-30088); outside, no type.
        ["INTERVAL", "DAY", "TO", "SECOND"] => {
            let (p, s) = (a0.unwrap_or(2), args.get(1).copied().unwrap_or(6));
            if !(0..=9).contains(&p) || !(0..=9).contains(&s) {
                return None;
            }
            col(ora_type::INTERVAL_DS, 11, p as i8, s as i8)
        }
        ["INTERVAL", "YEAR", "TO", "MONTH"] if a0.is_some_and(|p| !(0..=9).contains(&p)) => {
            return None
        }
        ["INTERVAL", "YEAR", "TO", "MONTH"] => {
            col(ora_type::INTERVAL_YM, 5, a0.unwrap_or(2) as i8, 0)
        }
        // Typed ROWID only up to its declared type ("BLOB_RID", whose writes
        // column_check.rs checks); kept, read back and described as the text
        // the ROWID pseudo-column yields (rowid.rs), so a stored rowid binds
        // back into `where rowid = :r`.
        ["ROWID"] => col(ora_type::ROWID, 18, 0, 0),
        ["UROWID"] => col(ora_type::VARCHAR, len(4000)?, 0, 0),
        _ => return None,
    })
}

/// The type of a select item SQLite cannot describe but Oracle would, from
/// its heading (the item's text without blanks, upper case): CAST's target
/// type and conversion functions with a fixed result type.
pub fn heading_type(heading: &str) -> Option<ColumnInfo> {
    let h = heading.to_ascii_uppercase();
    let t = |w: &str| oracle_type(&[w.to_string()], &[], false);
    if let Some(inner) = h.strip_prefix("CAST(").and_then(|r| r.strip_suffix(')')) {
        let at = inner.rfind("AS")?;
        let ty = &inner[at + 2..];
        if let Some(q) = ty.strip_prefix("INTERVAL") {
            return interval_cast(q);
        }
        let zoned = ty.ends_with("WITHTIMEZONE") && !ty.ends_with("WITHLOCALTIMEZONE");
        let ty = ty
            .trim_end_matches("WITHLOCALTIMEZONE")
            .trim_end_matches("WITHTIMEZONE");
        let (name, args) = match ty.split_once('(') {
            Some((n, a)) => (n, a.strip_suffix(')')?),
            None => (ty, ""),
        };
        let args: Vec<i64> = args
            .split(',')
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.trim_end_matches("CHAR")
                    .trim_end_matches("BYTE")
                    .parse()
                    .ok()
            })
            .collect::<Option<_>>()?;
        let words: Vec<String> = if zoned {
            ["TIMESTAMP", "WITH", "TIME", "ZONE"]
                .map(String::from)
                .into()
        } else if name.starts_with("TIMESTAMP") {
            vec!["TIMESTAMP".into()]
        } else {
            vec![name.to_string()]
        };
        // Sized as the server's own NVARCHAR2/NCHAR columns are (the suite's
        // setup derives its expected sizes from this cast).
        return oracle_type(&words, &args, false).map(described);
    }
    if h == "ROWID" {
        return Some(ColumnInfo {
            nullable: false,
            ..oracle_type(&["VARCHAR2".to_string()], &[18], false)?
        });
    }
    // 23ai's boolean literals and NOT of a bind or parenthesized condition.
    let negation = h
        .strip_prefix("NOT")
        .is_some_and(|r| r.starts_with([':', '(', '"']));
    if h == "TRUE" || h == "FALSE" || negation {
        return t("BOOLEAN");
    }
    let prefixed = |ps: &[&str]| ps.iter().any(|p| h.starts_with(p));
    // Oracle types these functions' results with the widest precisions.
    let ds = |p: i64, s: i64| {
        oracle_type(
            &["INTERVAL", "DAY", "TO", "SECOND"].map(String::from),
            &[p, s],
            false,
        )
    };
    let ym = |p: i64| {
        oracle_type(
            &["INTERVAL", "YEAR", "TO", "MONTH"].map(String::from),
            &[p],
            false,
        )
    };
    if prefixed(&["TO_DSINTERVAL(", "NUMTODSINTERVAL("]) {
        return ds(9, 9);
    }
    if prefixed(&["TO_YMINTERVAL(", "NUMTOYMINTERVAL("]) {
        return ym(9);
    }
    if let Some(q) = h.strip_prefix("INTERVAL'") {
        // A literal: its qualifier, after the quoted text, says which kind.
        let q = q.rsplit('\'').next().unwrap_or_default();
        return if q.starts_with("YEAR") || q.starts_with("MONTH") {
            ym(9)
        } else {
            ds(9, 9)
        };
    }
    if let Some(c) = crate::vector::heading_type(&h) {
        return Some(c);
    }
    if let Some(c) = constructor_type(&h) {
        return Some(c);
    }
    // 21c: JSON(...), JSON_QUERY(...) and JSON_SCALAR(...) yield the JSON type.
    if prefixed(&["JSON(", "JSON_QUERY(", "JSON_SCALAR("]) {
        return t("JSON");
    }
    if prefixed(&["TO_NCLOB("]) {
        t("NCLOB")
    } else if prefixed(&["TO_CLOB("]) {
        t("CLOB")
    } else if prefixed(&["TO_BINARY_DOUBLE("]) {
        t("BINARY_DOUBLE")
    } else if prefixed(&["TO_BINARY_FLOAT("]) {
        t("BINARY_FLOAT")
    } else if prefixed(&["TO_BLOB("]) {
        t("BLOB")
    } else if prefixed(&["BFILENAME("]) {
        t("BFILE")
    } else if prefixed(&["HEXTORAW(", "UTL_RAW.CAST_TO_RAW("]) {
        t("RAW")
    } else {
        None
    }
}

/// A column type as clients are told it: a ROWID as its text, VARCHAR2(18).
/// python-oracledb and node-oracledb thin read a fetched type 11 in Oracle's
/// binary ROWID form, which the server does not send.
fn described(c: ColumnInfo) -> ColumnInfo {
    match c.ora_type {
        ora_type::ROWID => ColumnInfo {
            ora_type: ora_type::VARCHAR,
            ..c
        },
        _ => c,
    }
}

/// Whether a declared type written by [`decl_type`] is a ROWID column's
/// ([`from_decl`] reads it back as its text, VARCHAR2(18)).
pub fn is_rowid_decl(decl: &str) -> bool {
    decl.split('_').nth(1) == Some("RID")
}

/// The type a declared type was made from (as [`from_decl`], but a ROWID
/// column is a ROWID): what a copy of the column (CREATE TABLE … AS) declares.
pub fn declared_type(decl: &str) -> Option<ColumnInfo> {
    let (c, _) = from_decl(decl)?;
    Some(match is_rowid_decl(decl) {
        true => ColumnInfo {
            ora_type: ora_type::ROWID,
            ..c
        },
        false => c,
    })
}

/// A JSON constructor's type: its RETURNING clause's (the last one in the
/// heading, when nothing but the closing parenthesis follows it), else
/// VARCHAR2(4000) as Oracle's default.
fn constructor_type(h: &str) -> Option<ColumnInfo> {
    const CTORS: [&str; 4] = [
        "JSON_OBJECT(",
        "JSON_ARRAY(",
        "JSON_OBJECTAGG(",
        "JSON_ARRAYAGG(",
    ];
    if !CTORS.iter().any(|c| h.starts_with(c)) {
        return None;
    }
    let t = |w: &str, a: &[i64]| oracle_type(&[w.to_string()], a, false);
    let tail = h.rsplit_once("RETURNING").map_or("", |(_, r)| r);
    let tail = tail.strip_suffix(')').unwrap_or("");
    let tail = tail
        .strip_suffix("WITHUNIQUEKEYS")
        .unwrap_or(tail)
        .strip_suffix("STRICT")
        .unwrap_or(tail);
    match tail {
        "JSON" | "CLOB" | "BLOB" => t(tail, &[]),
        _ => {
            // VARCHAR2(100), VARCHAR2(100 BYTE): the digits after the "(".
            let size = tail
                .strip_prefix("VARCHAR2(")
                .map(|r| {
                    r.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                })
                .and_then(|n| n.parse().ok())
                .unwrap_or(4000);
            t("VARCHAR2", &[size])
        }
    }
}

/// CAST(... AS INTERVAL ...)'s type from the blank-free qualifier after
/// INTERVAL (`DAY(3)TOSECOND(2)`, `YEARTOMONTH`), with Oracle's defaults.
fn interval_cast(q: &str) -> Option<ColumnInfo> {
    let prec = |unit: &str, default: i64| -> i64 {
        q.find(&format!("{unit}("))
            .and_then(|i| q[i + unit.len() + 1..].split(')').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let (words, args) = if q.starts_with("YEAR") {
        (["INTERVAL", "YEAR", "TO", "MONTH"], vec![prec("YEAR", 2)])
    } else {
        (
            ["INTERVAL", "DAY", "TO", "SECOND"],
            vec![prec("DAY", 2), prec("SECOND", 6)],
        )
    };
    oracle_type(&words.map(String::from), &args, false)
}

/// The SQLite declared type for a column: affinity prefix + Oracle type.
pub fn decl_type(c: &ColumnInfo, identity: Option<&str>) -> String {
    let base = match c.ora_type {
        ora_type::NUMBER => {
            // A type name is an identifier: a negative scale is spelt N2.
            let s = if c.scale == -127 {
                "U".to_string()
            } else if c.scale < 0 {
                format!("N{}", -i32::from(c.scale))
            } else {
                c.scale.to_string()
            };
            format!("BLOB_NUM_{}_{}", c.precision, s)
        }
        ora_type::VARCHAR if c.national => format!("TEXT_NVC_{}_{}", c.size, c.char_size),
        ora_type::CHAR if c.national => format!("TEXT_NCH_{}_{}", c.size, c.char_size),
        ora_type::CLOB if c.national => "TEXT_NCL".into(),
        ora_type::VARCHAR => format!("TEXT_VC_{}_{}", c.size, c.char_size),
        // Its own code, so writes are checked (column_check.rs) and the
        // dictionary names it; a VARCHAR2(18) of older data stays one. No
        // affinity, as DATE: TEXT would make a number text (ORA-01410, not 00932).
        ora_type::ROWID => "BLOB_RID".into(),
        ora_type::CHAR => format!("TEXT_CH_{}_{}", c.size, c.char_size),
        // No affinity: TEXT would turn a number into text before the
        // type-check triggers (column_check.rs) could refuse it (ORA-00932).
        ora_type::DATE => "BLOB_DT".into(),
        ora_type::TIMESTAMP => format!("BLOB_TS_{}", c.scale),
        ora_type::TIMESTAMP_TZ => format!("BLOB_TZ_{}", c.scale),
        ora_type::TIMESTAMP_LTZ => format!("BLOB_LZ_{}", c.scale),
        ora_type::RAW => format!("BLOB_RW_{}", c.size),
        ora_type::BINARY_DOUBLE => "REAL_BD".into(),
        ora_type::BINARY_FLOAT => "REAL_BF".into(),
        ora_type::CLOB => "TEXT_CL".into(),
        ora_type::BLOB => "BLOB_BL".into(),
        ora_type::BFILE => "TEXT_BFL".into(),
        ora_type::JSON => "TEXT_JS".into(),
        ora_type::LONG => "TEXT_LG".into(),
        ora_type::LONG_RAW => "BLOB_LR".into(),
        ora_type::BOOLEAN => "BLOB_BO".into(),
        ora_type::VECTOR => crate::vector::decl_part(c),
        ora_type::OBJECT => match &c.object_type {
            Some(t) => format!("BLOB_OBJ_{}", t.decl_part()),
            None => "BLOB_OBJ".into(),
        },
        // Kept as Oracle's text (`oracle::interval`), which SQLite compares
        // correctly for equality.
        ora_type::INTERVAL_DS => format!("TEXT_IDS_{}_{}", c.precision, c.scale),
        ora_type::INTERVAL_YM => format!("TEXT_IYM_{}", c.precision),
        _ => "TEXT_VC_4000_4000".into(),
    };
    let nn = if c.nullable { "" } else { "_NN" };
    let id = match identity {
        Some("ALWAYS") => "_IDA",
        Some(_) => "_IDD",
        None => "",
    };
    let json = if c.uds_flags & crate::UDS_IS_OSON != 0 {
        "_OSON"
    } else if c.uds_flags & crate::UDS_IS_JSON != 0 {
        "_ISJSON"
    } else {
        ""
    };
    format!("{base}{nn}{id}{json}")
}

/// Reads back a declared type written by [`decl_type`].
pub fn from_decl(decl: &str) -> Option<(ColumnInfo, Option<&'static str>)> {
    let parts: Vec<&str> = decl.split('_').collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.parse::<i64>().ok());
    let mut c = ColumnInfo {
        name: String::new(),
        ora_type: 0,
        size: 0,
        char_size: 0,
        precision: 0,
        scale: 0,
        nullable: true,
        object_type: None,
        national: false,
        uds_flags: 0,
    };
    let (ty, size, prec, scale) = match parts.get(1).copied()? {
        "NUM" => (
            ora_type::NUMBER,
            22,
            num(2).unwrap_or(0),
            if parts.get(3) == Some(&"U") {
                -127
            } else if let Some(n) = parts.get(3).and_then(|p| p.strip_prefix('N')) {
                -n.parse::<i64>().unwrap_or(0)
            } else {
                num(3).unwrap_or(0)
            },
        ),
        "VC" => (ora_type::VARCHAR, num(2).unwrap_or(4000), 0, 0),
        "RID" => (ora_type::VARCHAR, 18, 0, 0),
        "CH" => (ora_type::CHAR, num(2).unwrap_or(1), 0, 0),
        "NVC" => (ora_type::VARCHAR, num(2).unwrap_or(4000), 0, 0),
        "NCH" => (ora_type::CHAR, num(2).unwrap_or(2), 0, 0),
        "NCL" => (ora_type::CLOB, 4000, 0, 0),
        "DT" => (ora_type::DATE, 7, 0, 0),
        "TS" => (ora_type::TIMESTAMP, 11, 0, num(2).unwrap_or(6)),
        "TZ" => (ora_type::TIMESTAMP_TZ, 13, 0, num(2).unwrap_or(6)),
        "LZ" => (ora_type::TIMESTAMP_LTZ, 11, 0, num(2).unwrap_or(6)),
        "RW" => (ora_type::RAW, num(2).unwrap_or(2000), 0, 0),
        "BD" => (ora_type::BINARY_DOUBLE, 8, 0, 0),
        "BF" => (ora_type::BINARY_FLOAT, 4, 0, 0),
        "CL" => (ora_type::CLOB, 4000, 0, 0),
        "BL" => (ora_type::BLOB, 4000, 0, 0),
        "BFL" => (ora_type::BFILE, 530, 0, 0),
        "JS" => (ora_type::JSON, 4000, 0, 0),
        "LG" => (ora_type::LONG, 0, 0, 0),
        "LR" => (ora_type::LONG_RAW, 0, 0, 0),
        "BO" => (ora_type::BOOLEAN, 4, 0, 0),
        "VEC" => {
            let v = crate::vector::from_decl(&[num(2), num(3), num(4)]);
            (
                v.ora_type,
                v.size as i64,
                v.precision as i64,
                v.scale as i64,
            )
        }
        "OBJ" => {
            c.object_type = crate::TypeRef::from_decl_part(parts.get(2)?);
            (ora_type::OBJECT, 2000, 0, 0)
        }
        "IDS" => (
            ora_type::INTERVAL_DS,
            11,
            num(2).unwrap_or(2),
            num(3).unwrap_or(6),
        ),
        "IYM" => (ora_type::INTERVAL_YM, 5, num(2).unwrap_or(2), 0),
        _ => return None,
    };
    c.ora_type = ty;
    c.national = matches!(parts[1], "NVC" | "NCH" | "NCL");
    c.size = size as u32;
    c.char_size = if matches!(ty, ora_type::VARCHAR | ora_type::CHAR) {
        num(3).unwrap_or(if c.national { size / 2 } else { size }) as u32
    } else {
        c.size
    };
    c.precision = prec as i8;
    c.scale = scale as i8;
    c.nullable = !parts.contains(&"NN");
    if parts.contains(&"OSON") {
        c.uds_flags = crate::UDS_IS_OSON;
    } else if parts.contains(&"ISJSON") {
        c.uds_flags = crate::UDS_IS_JSON;
    }
    let identity = if parts.contains(&"IDA") {
        Some("ALWAYS")
    } else if parts.contains(&"IDD") {
        Some("DEFAULT")
    } else {
        None
    };
    Some((c, identity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_types_keep_their_form_and_character_lengths() {
        let s = |v: &str| vec![v.to_string()];
        for (word, args, ty, size, chars) in [
            ("NVARCHAR2", vec![20], ora_type::VARCHAR, 40, 20),
            ("NCHAR", vec![3], ora_type::CHAR, 6, 3),
            ("NCLOB", vec![], ora_type::CLOB, 4000, 4000),
        ] {
            let c = oracle_type(&s(word), &args, false).unwrap();
            assert_eq!(
                (c.ora_type, c.size, c.char_size, c.national),
                (ty, size, chars, true)
            );
            let (back, _) = from_decl(&decl_type(&c, None)).unwrap();
            assert_eq!(back, c, "{word}");
        }
        // The database character set's types are not national.
        assert!(!oracle_type(&s("VARCHAR2"), &[20], false).unwrap().national);
        assert!(!oracle_type(&s("CLOB"), &[], false).unwrap().national);
    }

    #[test]
    fn decl_types_round_trip_and_pick_the_right_affinity() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        for (words, args) in [
            (s(&["NUMBER"]), vec![9, 2]),
            (s(&["NUMBER"]), vec![5, -2]),
            (s(&["NUMBER"]), vec![]),
            (s(&["VARCHAR2"]), vec![20]),
            (s(&["TIMESTAMP"]), vec![3]),
            (s(&["RAW"]), vec![16]),
            (s(&["INTERVAL", "DAY", "TO", "SECOND"]), vec![8, 9]),
            (s(&["INTERVAL", "YEAR", "TO", "MONTH"]), vec![3]),
        ] {
            let mut c = oracle_type(&words, &args, false).unwrap();
            c.nullable = false;
            let d = decl_type(&c, Some("ALWAYS"));
            assert!(!d.contains("INT"), "{d}");
            let (back, id) = from_decl(&d).unwrap();
            assert_eq!(
                (
                    back.ora_type,
                    back.size,
                    back.precision,
                    back.scale,
                    back.nullable,
                    id
                ),
                (
                    c.ora_type,
                    c.size,
                    c.precision,
                    c.scale,
                    false,
                    Some("ALWAYS")
                )
            );
        }
        let c = oracle_type(&s(&["NUMBER"]), &[], false).unwrap();
        assert!(decl_type(&c, None).starts_with("BLOB"));
    }

    #[test]
    fn to_nclob_is_described_as_a_national_clob() {
        let t = |h: &str| heading_type(h).map(|c| (c.ora_type, c.national));
        assert_eq!(t("TO_NCLOB('A')"), Some((ora_type::CLOB, true)));
        assert_eq!(t("TO_CLOB('A')"), Some((ora_type::CLOB, false)));
    }

    #[test]
    fn interval_functions_and_literals_are_described_as_intervals() {
        let t = |h: &str| heading_type(h).map(|c| (c.ora_type, c.precision, c.scale));
        assert_eq!(
            t("TO_DSINTERVAL('1 00:00:00')"),
            Some((ora_type::INTERVAL_DS, 9, 9))
        );
        assert_eq!(
            t("NUMTOYMINTERVAL(3,'MONTH')"),
            Some((ora_type::INTERVAL_YM, 9, 0))
        );
        assert_eq!(
            t("INTERVAL'1-6'YEARTOMONTH"),
            Some((ora_type::INTERVAL_YM, 9, 0))
        );
        assert_eq!(t("INTERVAL'5'DAY"), Some((ora_type::INTERVAL_DS, 9, 9)));
        assert_eq!(
            t("CAST(:1ASINTERVALDAY(3)TOSECOND)"),
            Some((ora_type::INTERVAL_DS, 3, 6))
        );
        assert_eq!(
            t("CAST(XASINTERVALYEARTOMONTH)"),
            Some((ora_type::INTERVAL_YM, 2, 0))
        );
        let (c, _) = from_decl("TEXT_IDS_7_6_NN").unwrap();
        assert_eq!(
            (c.ora_type, c.size, c.precision, c.scale, c.nullable),
            (ora_type::INTERVAL_DS, 11, 7, 6, false)
        );
    }

    #[test]
    fn out_of_range_precisions_and_scales_are_no_type() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(oracle_type(&s(&["NUMBER"]), &[5, -200], false).is_none());
        assert!(oracle_type(&s(&["NUMBER"]), &[39], false).is_none());
        assert!(oracle_type(&s(&["NUMBER"]), &[5, -84], false).is_some());
        assert!(oracle_type(&s(&["TIMESTAMP"]), &[300], false).is_none());
        let ds = s(&["INTERVAL", "DAY", "TO", "SECOND"]);
        assert!(oracle_type(&ds, &[300, 6], false).is_none());
        assert!(oracle_type(&ds, &[9, 9], false).is_some());
        assert!(oracle_type(&s(&["INTERVAL", "YEAR", "TO", "MONTH"]), &[10], false).is_none());
    }

    #[test]
    fn rowid_columns_are_text_and_boolean_expressions_booleans() {
        let s = |v: &str| vec![v.to_string()];
        let r = oracle_type(&s("ROWID"), &[], false).unwrap();
        assert_eq!((r.ora_type, r.size), (ora_type::ROWID, 18));
        // Declared as a ROWID, read back and described as its text.
        let d = decl_type(
            &ColumnInfo {
                nullable: false,
                ..r
            },
            None,
        );
        assert_eq!(d, "BLOB_RID_NN");
        let (back, _) = from_decl(&d).unwrap();
        assert_eq!(
            (back.ora_type, back.size, back.char_size, back.nullable),
            (ora_type::VARCHAR, 18, 18, false)
        );
        assert!(is_rowid_decl(&d));
        assert_eq!(decl_type(&declared_type(&d).unwrap(), None), "BLOB_RID_NN");
        // A VARCHAR2(18) (a ROWID column of older data) stays one.
        assert!(!is_rowid_decl("TEXT_VC_18_18"));
        let cast = heading_type("CAST(:1ASROWID)").unwrap();
        assert_eq!((cast.ora_type, cast.size), (ora_type::VARCHAR, 18));
        let u = oracle_type(&s("UROWID"), &[100], false).unwrap();
        assert_eq!((u.ora_type, u.size), (ora_type::VARCHAR, 100));
        for h in ["TRUE", "false", "NOT:1", "NOT(1=1)", "NOT\"B\""] {
            assert_eq!(
                heading_type(h).map(|c| c.ora_type),
                Some(ora_type::BOOLEAN),
                "{h}"
            );
        }
        for h in ["NOTES", "NOTE||'X'", "TRUEVAL"] {
            assert_eq!(heading_type(h), None, "{h}");
        }
    }
}
