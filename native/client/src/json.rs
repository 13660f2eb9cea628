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
    /// Appends the value of an OSON image.
    pub fn json(&mut self, image: &[u8]) -> Result<()> {
        let v = oson::decode(image).map_err(bad)?;
        self.json_value(&v)
    }

    fn json_value(&mut self, v: &Json) -> Result<()> {
        use oradb_protocol::value::ora_type as t;
        match v {
            Json::Null => self.null(),
            Json::Bool(b) => self.data.extend_from_slice(&[tag::BOOLEAN, u8::from(*b)]),
            Json::Number(s) => {
                let b = number::encode_str(s).map_err(|e| bad(e.0))?;
                self.f64(number::decode_f64(&b).map_err(|e| bad(e.0))?);
            }
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

    #[test]
    fn an_image_becomes_nested_tags_with_numbers_as_f64() {
        let img =
            oson::image_from_text(r#"{"a":[1.5,"x"],"b":true}"#, EncodeOptions::default()).unwrap();
        let mut out = RowBuf::default();
        out.json(&img).unwrap();
        let mut want = vec![tag::JSON_OBJECT, 2, 0, 0, 0, 1, 0, 0, 0, b'a'];
        want.extend_from_slice(&[tag::JSON_ARRAY, 2, 0, 0, 0, tag::F64]);
        want.extend_from_slice(&1.5f64.to_le_bytes());
        want.extend_from_slice(&[tag::STRING, 1, 0, 0, 0, b'x']);
        want.extend_from_slice(&[1, 0, 0, 0, b'b', tag::BOOLEAN, 1]);
        assert_eq!(out.data, want);
        assert!(RowBuf::default().json(&img[..img.len() - 1]).is_err());
        let v = Json::Object(vec![("k".repeat(70_000), Json::Null)]);
        assert!(image(&v, "j").unwrap_err().to_string().contains("\"j\""));
    }
}
