//! Oracle data types and their on-wire value encodings (the bytes inside a
//! length-prefixed TTC value). One file per type family.

pub mod datetime;
pub mod float;
pub mod interval;
pub mod number;
pub mod oson;
pub mod pickle;
pub mod vector;

pub use datetime::DateTime;
pub use interval::{IntervalDS, IntervalYM};

/// Oracle type numbers as they appear in describe info and bind metadata.
pub mod ora_type {
    pub const VARCHAR: u8 = 1;
    pub const NUMBER: u8 = 2;
    pub const BINARY_INTEGER: u8 = 3;
    pub const LONG: u8 = 8;
    pub const ROWID: u8 = 11;
    pub const DATE: u8 = 12;
    pub const RAW: u8 = 23;
    pub const LONG_RAW: u8 = 24;
    pub const CHAR: u8 = 96;
    pub const BINARY_FLOAT: u8 = 100;
    pub const BINARY_DOUBLE: u8 = 101;
    pub const CURSOR: u8 = 102;
    /// Object types and collections (named types).
    pub const OBJECT: u8 = 109;
    /// VECTOR (23ai): a LOB-like value holding a vector image (see [`vector`]).
    pub const VECTOR: u8 = 127;
    pub const CLOB: u8 = 112;
    pub const BLOB: u8 = 113;
    /// A read-only LOB on a file of the server (a directory object and a file name).
    pub const BFILE: u8 = 114;
    /// 21c's native JSON, sent as OSON through the LOB prefetch path.
    pub const JSON: u8 = 119;
    pub const TIMESTAMP: u8 = 180;
    pub const TIMESTAMP_TZ: u8 = 181;
    pub const INTERVAL_YM: u8 = 182;
    pub const INTERVAL_DS: u8 = 183;
    pub const TIMESTAMP_LTZ: u8 = 231;
    pub const BOOLEAN: u8 = 252;
}

/// A decoded value. NUMBER is kept as exact decimal text (see [`number`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    /// Canonical plain decimal text: no exponent, no `+`, no trailing zeros.
    Number(String),
    Varchar(String),
    Raw(Vec<u8>),
    Date(DateTime),
    Timestamp(DateTime),
    /// TIMESTAMP WITH TIME ZONE: the wall-clock time and its offset east of
    /// UTC in minutes (an instant, which a zone-less TIMESTAMP is not).
    TimestampTz(DateTime, i32),
    Double(f64),
    Float(f32),
    Boolean(bool),
    Clob(String),
    Blob(Vec<u8>),
    IntervalDS(IntervalDS),
    IntervalYM(IntervalYM),
    /// A VECTOR's image (see [`vector`]).
    Vector(Vec<u8>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Why a value could not be converted; `code` is the Oracle error it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub code: u32,
    pub message: String,
}

impl ValueError {
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        ValueError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

fn invalid_number(e: number::NumberError) -> ValueError {
    if e.0.starts_with("numeric overflow") {
        return ValueError::new(1426, "ORA-01426: numeric overflow");
    }
    ValueError::new(1722, format!("ORA-01722: invalid number ({e})"))
}

fn text_of(v: &Value) -> Option<String> {
    Some(match v {
        Value::Number(s) => s.clone(),
        Value::Varchar(s) | Value::Clob(s) => s.clone(),
        Value::Date(d) | Value::Timestamp(d) => d.to_string(),
        Value::TimestampTz(d, off) => format!(
            "{d} {}{:02}:{:02}",
            if *off < 0 { '-' } else { '+' },
            off.unsigned_abs() / 60,
            off.unsigned_abs() % 60
        ),
        Value::Double(f) => f.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Value::Raw(b) | Value::Blob(b) => b.iter().map(|x| format!("{x:02X}")).collect(),
        Value::IntervalDS(i) => i.to_string(),
        Value::IntervalYM(i) => i.to_string(),
        Value::Vector(b) => vector::decode(b).ok()?.to_text(),
        Value::Null => return None,
    })
}

/// The content bytes of `v` for a column or bind of Oracle type `ty` (the
/// caller adds the length prefix). NULL gives an empty vector.
pub fn encode_value(v: &Value, ty: u8) -> Result<Vec<u8>, ValueError> {
    use ora_type as t;
    if v.is_null() {
        return Ok(Vec::new());
    }
    let mismatch = || {
        ValueError::new(
            932,
            format!("ORA-00932: inconsistent datatypes: cannot send {v:?} as type {ty}"),
        )
    };
    Ok(match (v, ty) {
        (Value::Number(s), t::NUMBER | t::BINARY_INTEGER) => {
            number::encode_str(s).map_err(invalid_number)?
        }
        (Value::Varchar(s) | Value::Clob(s), t::NUMBER | t::BINARY_INTEGER) => {
            number::encode_str(s.trim()).map_err(invalid_number)?
        }
        (Value::Double(f), t::NUMBER) => number::encode_f64(*f).map_err(invalid_number)?,
        (Value::Float(f), t::NUMBER) => number::encode_f64(*f as f64).map_err(invalid_number)?,
        (Value::Boolean(b), t::NUMBER) => number::encode_i64(i64::from(*b)),
        (Value::Double(f), t::BINARY_DOUBLE) => float::encode_f64(*f).to_vec(),
        (Value::Float(f), t::BINARY_DOUBLE) => float::encode_f64(*f as f64).to_vec(),
        (Value::Double(f), t::BINARY_FLOAT) => float::encode_f32(*f as f32).to_vec(),
        (Value::Float(f), t::BINARY_FLOAT) => float::encode_f32(*f).to_vec(),
        (Value::Number(s), t::BINARY_DOUBLE) => {
            float::encode_f64(s.parse().map_err(|_| mismatch())?).to_vec()
        }
        (Value::Number(s), t::BINARY_FLOAT) => {
            float::encode_f32(s.parse().map_err(|_| mismatch())?).to_vec()
        }
        // A zoned value as a DATE or TIMESTAMP keeps its wall-clock time.
        (Value::Date(d) | Value::Timestamp(d) | Value::TimestampTz(d, _), t::DATE) => {
            datetime::encode_date(d)
        }
        (
            Value::Date(d) | Value::Timestamp(d) | Value::TimestampTz(d, _),
            t::TIMESTAMP | t::TIMESTAMP_LTZ,
        ) => datetime::encode_timestamp(d),
        (Value::TimestampTz(d, off), t::TIMESTAMP_TZ) => datetime::encode_timestamp_tz(d, *off),
        (Value::Date(d) | Value::Timestamp(d), t::TIMESTAMP_TZ) => {
            datetime::encode_timestamp_tz(d, 0)
        }
        (Value::Raw(b) | Value::Blob(b), t::RAW | t::LONG_RAW | t::BLOB) => b.clone(),
        (Value::Varchar(s) | Value::Clob(s), t::RAW | t::LONG_RAW | t::BLOB) => {
            s.as_bytes().to_vec()
        }
        (Value::Boolean(b), t::BOOLEAN) => {
            if *b {
                vec![1, 1]
            } else {
                vec![0]
            }
        }
        (Value::IntervalDS(i), t::INTERVAL_DS) => i.encode(),
        (Value::IntervalYM(i), t::INTERVAL_YM) => i.encode(),
        (Value::Vector(b), t::VECTOR) => b.clone(),
        (v, t::VARCHAR | t::CHAR | t::LONG | t::CLOB | t::ROWID) => {
            text_of(v).unwrap_or_default().into_bytes()
        }
        (v, t::JSON) => oson::image_of_value(v)?,
        _ => return Err(mismatch()),
    })
}

/// [`encode_value`] for a column or bind of character-set form `csfrm`:
/// text in the national form (2) is AL16UTF16, big-endian, as the server
/// announces its national character set; every other value is unchanged.
pub fn encode_value_cs(v: &Value, ty: u8, csfrm: u8) -> Result<Vec<u8>, ValueError> {
    use ora_type as t;
    let b = encode_value(v, ty)?;
    if csfrm != 2 || !matches!(ty, t::VARCHAR | t::CHAR | t::LONG | t::CLOB) {
        return Ok(b);
    }
    // encode_value gave UTF-8 for every text type.
    let s = std::str::from_utf8(&b).map_err(|_| ValueError::new(3115, "invalid UTF-8 text"))?;
    Ok(s.encode_utf16().flat_map(u16::to_be_bytes).collect())
}

/// Decodes the content bytes of a value of Oracle type `ty`.
pub fn decode_value(b: &[u8], ty: u8, csfrm: u8) -> Result<Value, ValueError> {
    use ora_type as t;
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        ValueError::new(3115, format!("invalid {what} value: {e}"))
    };
    Ok(match ty {
        t::VARCHAR | t::CHAR | t::LONG | t::ROWID => Value::Varchar(text(b, csfrm)?),
        t::CLOB => Value::Clob(text(b, csfrm)?),
        t::NUMBER | t::BINARY_INTEGER => {
            Value::Number(number::decode_str(b).map_err(|e| bad("NUMBER", &e))?)
        }
        t::DATE => Value::Date(datetime::decode(b).map_err(|e| bad("DATE", &e))?),
        t::TIMESTAMP | t::TIMESTAMP_LTZ => {
            Value::Timestamp(datetime::decode(b).map_err(|e| bad("TIMESTAMP", &e))?)
        }
        t::TIMESTAMP_TZ => {
            let (local, off) = datetime::decode_timestamp_tz(b)
                .map_err(|e| bad("TIMESTAMP WITH TIME ZONE", &e))?;
            Value::TimestampTz(local, off)
        }
        t::RAW | t::LONG_RAW => Value::Raw(b.to_vec()),
        t::BLOB => Value::Blob(b.to_vec()),
        t::BINARY_DOUBLE => {
            Value::Double(float::decode_f64(b).map_err(|e| bad("BINARY_DOUBLE", &e))?)
        }
        t::BINARY_FLOAT => Value::Float(float::decode_f32(b).map_err(|e| bad("BINARY_FLOAT", &e))?),
        t::BOOLEAN => Value::Boolean(b.last().copied().unwrap_or(0) != 0),
        t::INTERVAL_DS => Value::IntervalDS(IntervalDS::decode(b)?),
        t::INTERVAL_YM => Value::IntervalYM(IntervalYM::decode(b)?),
        t::VECTOR => Value::Vector(b.to_vec()),
        // JSON binds are kept as extended JSON text (see oson::text).
        t::JSON => Value::Clob(oson::text_from_image(b).map_err(|e| bad("JSON", &e))?),
        other => {
            return Err(ValueError::new(
                3115,
                format!("unsupported Oracle type {other}"),
            ))
        }
    })
}

fn text(b: &[u8], csfrm: u8) -> Result<String, ValueError> {
    if csfrm == 2 {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect();
        return String::from_utf16(&units)
            .map_err(|_| ValueError::new(3115, "invalid UTF-16 text"));
    }
    String::from_utf8(b.to_vec()).map_err(|_| ValueError::new(3115, "invalid UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_text_is_utf16_both_ways() {
        let v = Value::Varchar("Called \u{3042} \u{1F600}".into());
        let b = encode_value_cs(&v, ora_type::VARCHAR, 2).unwrap();
        assert_eq!(&b[..4], &[0, b'C', 0, b'a']);
        assert_eq!(b.len(), 2 * "Called \u{3042} ".chars().count() + 4);
        assert_eq!(decode_value(&b, ora_type::VARCHAR, 2).unwrap(), v);
        // The implicit form and non-text types are as encode_value gives them.
        assert_eq!(
            encode_value_cs(&v, ora_type::VARCHAR, 1).unwrap(),
            encode_value(&v, ora_type::VARCHAR).unwrap()
        );
        let n = Value::Number("12".into());
        assert_eq!(
            encode_value_cs(&n, ora_type::NUMBER, 2).unwrap(),
            encode_value(&n, ora_type::NUMBER).unwrap()
        );
    }

    #[test]
    fn values_round_trip_through_their_types() {
        let d = DateTime {
            year: 2024,
            month: 3,
            day: 5,
            hour: 1,
            minute: 2,
            second: 3,
            nanos: 400,
        };
        let cases = [
            (Value::Number("-123.45".into()), ora_type::NUMBER),
            (Value::Varchar("héllo".into()), ora_type::VARCHAR),
            (Value::Raw(vec![0, 255]), ora_type::RAW),
            (Value::Timestamp(d), ora_type::TIMESTAMP),
            (Value::TimestampTz(d, 330), ora_type::TIMESTAMP_TZ),
            (Value::TimestampTz(d, -480), ora_type::TIMESTAMP_TZ),
            (Value::Double(1.25), ora_type::BINARY_DOUBLE),
            (Value::Boolean(true), ora_type::BOOLEAN),
            (Value::Boolean(false), ora_type::BOOLEAN),
            (Value::Clob("x".repeat(70000)), ora_type::CLOB),
            (
                Value::IntervalDS(IntervalDS::from_nanos(-90_061_000_000_001).unwrap()),
                ora_type::INTERVAL_DS,
            ),
            (
                Value::IntervalYM(IntervalYM::from_months(-23).unwrap()),
                ora_type::INTERVAL_YM,
            ),
        ];
        for (v, ty) in cases {
            let b = encode_value(&v, ty).unwrap();
            assert_eq!(decode_value(&b, ty, 1).unwrap(), v, "{ty}");
        }
    }

    #[test]
    fn conversions_like_oracle() {
        assert_eq!(
            encode_value(&Value::Varchar(" 12.5 ".into()), ora_type::NUMBER).unwrap(),
            number::encode_str("12.5").unwrap()
        );
        assert_eq!(
            encode_value(&Value::Number("7".into()), ora_type::VARCHAR).unwrap(),
            b"7"
        );
        assert_eq!(
            encode_value(&Value::Varchar("abc".into()), ora_type::NUMBER)
                .unwrap_err()
                .code,
            1722
        );
        assert_eq!(
            encode_value(&Value::Boolean(true), ora_type::DATE)
                .unwrap_err()
                .code,
            932
        );
        assert_eq!(
            encode_value(&Value::Boolean(true), ora_type::BOOLEAN).unwrap(),
            vec![1, 1]
        );
        // An interval is sent only as its own type (or as text): never NULL.
        let ym = Value::IntervalYM(IntervalYM::from_months(18).unwrap());
        assert_eq!(encode_value(&ym, ora_type::VARCHAR).unwrap(), b"+01-06");
        assert_eq!(
            encode_value(&ym, ora_type::INTERVAL_DS).unwrap_err().code,
            932
        );
        assert_eq!(
            decode_value(&[0x80, 0, 0, 1], ora_type::INTERVAL_YM, 1)
                .unwrap_err()
                .code,
            3115
        );
        assert!(encode_value(&Value::Null, ora_type::NUMBER)
            .unwrap()
            .is_empty());
    }
}
