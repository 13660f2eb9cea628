//! JSON (OSON) values for JavaScript: a fetched image becomes nested tagged
//! values (objects under `tag::JSON_OBJECT`, arrays under `tag::JSON_ARRAY`,
//! scalars under their usual tags), and a JSON bind's [`Json`] becomes its
//! image. NUMBER follows the row rule: an f64.

use oradb_protocol::value::oson::{self, EncodeOptions, Json};
use oradb_protocol::value::{datetime, number};

use crate::error::{Error, Result};
use crate::rowbuf::{tag, RowBuf};

fn bad(e: impl std::fmt::Display) -> Error {
    Error::protocol(format!("invalid JSON value from the server: {e}"))
}

impl RowBuf {
    /// Appends the value of an OSON image: as JSON text when it holds only
    /// JSON's own types, else as nested tags (dates, raw bytes, intervals
    /// and non-finite numbers keep their JavaScript types that way).
    pub fn json(&mut self, image: &[u8]) -> Result<()> {
        let v = oson::decode(image).map_err(bad)?;
        let start = self.data.len();
        self.data.push(tag::JSON_TEXT);
        self.data.extend_from_slice(&[0; 4]);
        if write_text(&v, &mut self.data)? {
            let n = (self.data.len() - start - 5) as u32;
            self.data[start + 1..start + 5].copy_from_slice(&n.to_le_bytes());
            return Ok(());
        }
        self.data.truncate(start);
        self.json_value(&v)
    }

    fn json_value(&mut self, v: &Json) -> Result<()> {
        use oradb_protocol::value::ora_type as t;
        match v {
            Json::Null => self.null(),
            Json::Bool(b) => self.data.extend_from_slice(&[tag::BOOLEAN, u8::from(*b)]),
            Json::Number(s) => self.f64(number_f64(s)?),
            Json::Double(d) => self.double(*d),
            Json::Float(f) => self.double(f64::from(*f)),
            Json::String(s) => self.blob_like(tag::STRING, s.as_bytes()),
            Json::Raw(b) | Json::Id(b) => self.blob_like(tag::BYTES, b),
            Json::Date(d) => self.datetime_of(t::DATE, &datetime::encode_date(d))?,
            Json::Timestamp(d) => {
                let mut b = datetime::encode_date(d);
                b.extend_from_slice(&d.nanos.to_be_bytes());
                self.datetime_of(t::TIMESTAMP, &b)?
            }
            Json::TimestampTz(d, off) => {
                self.datetime_of(t::TIMESTAMP_TZ, &datetime::encode_timestamp_tz(d, *off))?
            }
            Json::IntervalDs(i) => self.value_of(t::INTERVAL_DS, &i.encode())?,
            Json::IntervalYm(i) => self.value_of(t::INTERVAL_YM, &i.encode())?,
            Json::Vector(b) => self.value_of(t::VECTOR, b)?,
            Json::Array(items) => {
                self.data.push(tag::JSON_ARRAY);
                self.data
                    .extend_from_slice(&(items.len() as u32).to_le_bytes());
                for i in items {
                    self.json_value(i)?;
                }
            }
            Json::Object(fields) => {
                self.data.push(tag::JSON_OBJECT);
                self.data
                    .extend_from_slice(&(fields.len() as u32).to_le_bytes());
                for (k, val) in fields {
                    self.data.extend_from_slice(&(k.len() as u32).to_le_bytes());
                    self.data.extend_from_slice(k.as_bytes());
                    self.json_value(val)?;
                }
            }
        }
        Ok(())
    }

    fn double(&mut self, v: f64) {
        self.data.push(tag::DOUBLE);
        self.data.extend_from_slice(&v.to_le_bytes());
    }

    fn datetime_of(&mut self, ty: u8, b: &[u8]) -> Result<()> {
        self.value_of(ty, b)
    }

    /// A scalar through the row path, as a column of `ty` would decode.
    fn value_of(&mut self, ty: u8, b: &[u8]) -> Result<()> {
        let c = crate::rowbuf::ColumnDecode {
            wire_type: ty,
            db_type: ty,
            csfrm: 0,
            as_string: false,
        };
        self.value(&c, Some(b))
    }
}

/// The f64 of a JSON number, by the row rule (as a NUMBER column decodes).
fn number_f64(s: &str) -> Result<f64> {
    let b = number::encode_str(s).map_err(|e| bad(e.0))?;
    number::decode_f64(&b).map_err(|e| bad(e.0))
}

/// Writes `v` as JSON text; false (with `out` partly written) when `v` holds
/// a value JSON text cannot carry to JavaScript unchanged.
fn write_text(v: &Json, out: &mut Vec<u8>) -> Result<bool> {
    let f = match v {
        Json::Null => {
            out.extend_from_slice(b"null");
            return Ok(true);
        }
        Json::Bool(b) => {
            out.extend_from_slice(if *b { b"true" } else { b"false" });
            return Ok(true);
        }
        Json::String(s) => {
            write_string(s, out);
            return Ok(true);
        }
        Json::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if !write_text(item, out)? {
                    return Ok(false);
                }
            }
            out.push(b']');
            return Ok(true);
        }
        Json::Object(fields) => {
            out.push(b'{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                if !write_text(item, out)? {
                    return Ok(false);
                }
            }
            out.push(b'}');
            return Ok(true);
        }
        // NUMBER text as OSON gives it is JSON number syntax, and JSON.parse rounds it to the
        // same f64 as the row rule (both round correctly): copied, not converted twice.
        Json::Number(s) if s.len() <= 40 && is_json_number(s.as_bytes()) => {
            out.extend_from_slice(s.as_bytes());
            return Ok(true);
        }
        Json::Number(s) => number_f64(s)?,
        Json::Double(d) => *d,
        Json::Float(f) => f64::from(*f),
        _ => return Ok(false),
    };
    if !f.is_finite() {
        return Ok(false);
    }
    // Display prints the shortest digits that read back as the same f64.
    use std::io::Write;
    write!(out, "{f}").map_err(bad)?;
    Ok(true)
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`: plain decimal JSON number syntax.
fn is_json_number(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"-").unwrap_or(b);
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    digits(int) && (int == b"0" || int[0] != b'0') && frac.is_none_or(digits)
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let b = s.as_bytes();
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'"' || c == b'\\' || c < 0x20 {
            out.extend_from_slice(&b[run..i]);
            match c {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                _ => out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(c >> 4)],
                    HEX[usize::from(c & 15)],
                ]),
            }
            run = i + 1;
        }
    }
    out.extend_from_slice(&b[run..]);
    out.push(b'"');
}

/// The OSON image a JSON bind sends. Field names up to 65535 bytes, as
/// 21c+ servers take.
pub fn image(v: &Json, name: &str) -> Result<Vec<u8>> {
    oson::encode(
        v,
        EncodeOptions {
            long_field_names: true,
        },
    )
    .map_err(|e| {
        Error::odb(
            crate::error::ErrorKind::Bind,
            oradb_protocol::codes::BIND_CONVERSION_FAILED,
            format!("bind \"{name}\": {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(out: &RowBuf) -> &str {
        assert_eq!(out.data[0], tag::JSON_TEXT);
        let n = u32::from_le_bytes(out.data[1..5].try_into().unwrap()) as usize;
        assert_eq!(out.data.len(), 5 + n);
        std::str::from_utf8(&out.data[5..]).unwrap()
    }

    #[test]
    fn plain_json_becomes_text_with_numbers_as_f64() {
        let src =
            r#"{"a":[1.5,"x\"y\\z\u0001",null,-0.25,1e21,12345678901234567890],"b":true,"c":{}}"#;
        let img = oson::image_from_text(src, EncodeOptions::default()).unwrap();
        let mut out = RowBuf::default();
        out.json(&img).unwrap();
        assert_eq!(
            text_of(&out),
            r#"{"a":[1.5,"x\"y\\z\u0001",null,-0.25,1000000000000000000000,12345678901234567890],"b":true,"c":{}}"#
        );
        assert!(RowBuf::default().json(&img[..img.len() - 1]).is_err());
        let v = Json::Object(vec![("k".repeat(70_000), Json::Null)]);
        assert!(image(&v, "j").unwrap_err().to_string().contains("\"j\""));
    }

    #[test]
    fn json_number_syntax() {
        for ok in ["0", "-0.5", "12.25", "1000", "-7"] {
            assert!(is_json_number(ok.as_bytes()), "{ok}");
        }
        for bad in ["", "-", ".5", "5.", "01", "1e5", "+1", "1.2.3", "~", "-~"] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn json_with_oracle_scalars_stays_nested_tags() {
        let d = oradb_protocol::value::datetime::DateTime {
            year: 2024,
            month: 2,
            day: 29,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
        };
        let v = Json::Object(vec![
            (
                "a".into(),
                Json::Array(vec![Json::Number("1.5".into()), Json::String("x".into())]),
            ),
            ("d".into(), Json::Date(d)),
        ]);
        let img = oson::encode(&v, EncodeOptions::default()).unwrap();
        let mut out = RowBuf::default();
        out.json(&img).unwrap();
        let mut want = vec![tag::JSON_OBJECT, 2, 0, 0, 0, 1, 0, 0, 0, b'a'];
        want.extend_from_slice(&[tag::JSON_ARRAY, 2, 0, 0, 0, tag::F64]);
        want.extend_from_slice(&1.5f64.to_le_bytes());
        want.extend_from_slice(&[tag::STRING, 1, 0, 0, 0, b'x']);
        want.extend_from_slice(&[1, 0, 0, 0, b'd']);
        assert_eq!(&out.data[..want.len()], &want[..]);
        assert_eq!(out.data[want.len()], tag::DATE);
    }
}
