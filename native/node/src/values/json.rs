//! A JSON bind's value (tag 30): one nested tagged value where objects are
//! tag 31 (u32 field count, then a u32-sized name and a value per field),
//! arrays tag 32 (u32 count, then values) and scalars their usual tags.

use oradb_protocol::value::number;
use oradb_protocol::value::oson::Json;
use oradb_protocol::value::{IntervalDS, IntervalYM};

use super::Cursor;

/// Deepest nesting a bind may have (the OSON encoder's own limit).
const MAX_DEPTH: usize = 1000;

impl Cursor<'_> {
    pub(super) fn json(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err("a JSON value is nested too deeply".into());
        }
        let decimal = |s: &str| -> Result<Json, String> {
            let b = number::encode_str(s).map_err(|e| format!("JSON number {s}: {e}"))?;
            Ok(Json::Number(
                number::decode_str(&b).map_err(|e| e.to_string())?,
            ))
        };
        Ok(match self.u8()? {
            0 => Json::Null,
            1 => {
                let v = self.f64()?;
                let b = number::encode_f64(v).map_err(|e| format!("JSON number {v}: {e}"))?;
                Json::Number(number::decode_str(&b).map_err(|e| e.to_string())?)
            }
            7 => decimal(&self.text()?)?,
            2 | 8 => Json::String(self.text()?),
            3 | 9 => Json::Raw(self.sized()?.to_vec()),
            4 => Json::Date(self.datetime(false)?),
            5 => Json::Timestamp(self.datetime(true)?),
            6 => Json::Bool(self.u8()? != 0),
            11 => Json::Double(self.f64()?),
            14 => Json::IntervalDs(IntervalDS {
                days: self.i32()?,
                hours: self.i32()?,
                minutes: self.i32()?,
                seconds: self.i32()?,
                nanos: self.i32()?,
            }),
            15 => Json::IntervalYm(IntervalYM {
                years: self.i32()?,
                months: self.i32()?,
            }),
            32 => {
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.json(depth + 1)?);
                }
                Json::Array(items)
            }
            31 => {
                let n = self.count()?;
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    let k = self.text()?;
                    fields.push((k, self.json(depth + 1)?));
                }
                Json::Object(fields)
            }
            t => return Err(format!("tag {t} cannot be part of a JSON value")),
        })
    }

    /// A u32 element count, no larger than the bytes left could hold.
    fn count(&mut self) -> Result<usize, String> {
        let n = self.u32()? as usize;
        if n > self.b.len() - self.pos {
            return Err(short());
        }
        Ok(n)
    }
}

fn short() -> String {
    "a JSON value ended early".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_objects_arrays_and_scalars_parse() {
        let mut b = vec![31u8];
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        b.push(b'a');
        b.push(32);
        b.extend_from_slice(&2u32.to_le_bytes());
        b.push(1);
        b.extend_from_slice(&2.5f64.to_le_bytes());
        b.push(0);
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice("ké".as_bytes());
        b.push(6);
        b.push(1);
        let v = Cursor::new(&b).json(0).unwrap();
        assert_eq!(
            v,
            Json::Object(vec![
                (
                    "a".into(),
                    Json::Array(vec![Json::Number("2.5".into()), Json::Null])
                ),
                ("ké".into(), Json::Bool(true)),
            ])
        );
        assert!(Cursor::new(&b[..b.len() - 1]).json(0).is_err());
        let mut lying = vec![32u8];
        lying.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(Cursor::new(&lying).json(0).is_err());
        assert!(Cursor::new(&[13]).json(0).unwrap_err().contains("tag 13"));
    }
}
