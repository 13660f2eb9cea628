//! Tagged bind buffer (BOUNDARY.md) → client bind values. Errors are plain
//! descriptions; `lib.rs` reports them as `codes::MALFORMED_BIND_BUFFER`.

use oradb_client::binds::{BindSpec, BindValue, Dir};
use oradb_protocol::value::{DateTime, IntervalDS, IntervalYM};

mod json;

pub struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
    /// An array value was read (so `apply_arrays` must look at the rows).
    saw_array: bool,
}

fn short() -> String {
    "it ended early".to_string()
}

impl<'a> Cursor<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Cursor {
            b,
            pos: 0,
            saw_array: false,
        }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(short)?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn i32(&mut self) -> Result<i32, String> {
        Ok(self.u32()? as i32)
    }
    fn u32(&mut self) -> Result<u32, String> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn f64(&mut self) -> Result<f64, String> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(f64::from_le_bytes(a))
    }
    fn sized(&mut self) -> Result<&'a [u8], String> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn text(&mut self) -> Result<String, String> {
        String::from_utf8(self.sized()?.to_vec()).map_err(|_| "a string is not UTF-8".to_string())
    }
    fn datetime(&mut self, with_nanos: bool) -> Result<DateTime, String> {
        let s = self.take(7)?;
        let nanos = if with_nanos { self.u32()? } else { 0 };
        Ok(DateTime {
            year: i16::from_le_bytes([s[0], s[1]]) as i32,
            month: s[2],
            day: s[3],
            hour: s[4],
            minute: s[5],
            second: s[6],
            nanos,
        })
    }

    /// One tagged value.
    pub fn value(&mut self) -> Result<BindValue, String> {
        Ok(match self.u8()? {
            0 => BindValue::Null,
            1 => BindValue::Number(self.f64()?),
            2 => BindValue::Str(self.text()?),
            3 => BindValue::Bytes(self.sized()?.to_vec()),
            4 => BindValue::Date(self.datetime(false)?),
            5 => BindValue::Timestamp(self.datetime(true)?),
            6 => BindValue::Bool(self.u8()? != 0),
            7 => BindValue::Decimal(self.text()?),
            8 => BindValue::Clob(self.text()?),
            9 => BindValue::Blob(self.sized()?.to_vec()),
            11 => BindValue::Double(self.f64()?),
            // A Lob: u8 Oracle type (CLOB/BLOB), then its u32-sized locator.
            13 => {
                let ty = self.u8()?;
                BindValue::Locator(ty, self.sized()?.to_vec())
            }
            // Intervals as rowbuf.rs writes them: i32 fields.
            14 => BindValue::IntervalDS(IntervalDS {
                days: self.i32()?,
                hours: self.i32()?,
                minutes: self.i32()?,
                seconds: self.i32()?,
                nanos: self.i32()?,
            }),
            15 => BindValue::IntervalYM(IntervalYM {
                years: self.i32()?,
                months: self.i32()?,
            }),
            // An array bind's elements (its maxArraySize comes with the spec).
            10 => {
                let n = self.u32()? as usize;
                // Each element takes at least its tag byte.
                if n > self.b.len() - self.pos {
                    return Err(short());
                }
                self.saw_array = true;
                let mut elements = Vec::with_capacity(n);
                for _ in 0..n {
                    elements.push(self.value()?);
                }
                BindValue::Array { max: 0, elements }
            }
            16 => {
                let rest = &self.b[self.pos..];
                let (img, n) = oradb_client::vector::image_of_payload(rest)?;
                self.pos += n;
                BindValue::Vector(img)
            }
            30 => BindValue::Json(self.json(0)?),
            // A DbObject: u32-sized type OID, u32-sized wire value (empty: NULL).
            17 => BindValue::Object {
                oid: self.sized()?.to_vec(),
                wire: self.sized()?.to_vec(),
            },
            t => return Err(format!("unknown value tag {t}")),
        })
    }
}

/// The flag in a spec's direction byte that makes it an array bind; its u32
/// maxArraySize follows the max size.
const ARRAY_BIND: u8 = 0x10;

/// Bind specs (BOUNDARY.md): u32 count, u8 named; per bind u8 dir, u8 Oracle
/// type, u32 max size and, when named, a u32-sized UTF-8 name. Empty: no binds.
#[cfg(test)]
pub fn parse_specs(data: &[u8]) -> Result<Vec<BindSpec>, String> {
    parse_specs_arrays(data).map(|(specs, _)| specs)
}

/// [`parse_specs`], with each bind's maxArraySize when it is an array bind.
#[allow(clippy::type_complexity)]
pub fn parse_specs_arrays(data: &[u8]) -> Result<(Vec<BindSpec>, Vec<Option<u32>>), String> {
    if data.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut c = Cursor::new(data);
    let n = c.u32()? as usize;
    let named = c.u8()? != 0;
    // Each spec takes at least 6 bytes; a larger count is a malformed buffer.
    if n > data.len() / 6 {
        return Err(short());
    }
    let mut out = Vec::with_capacity(n);
    let mut arrays = Vec::with_capacity(n);
    for _ in 0..n {
        let d = c.u8()?;
        let dir = match d & !ARRAY_BIND {
            2 => Dir::Out,
            3 => Dir::InOut,
            _ => Dir::In,
        };
        let ora_type = c.u8()?;
        let max_size = c.u32()?;
        arrays.push(if d & ARRAY_BIND != 0 {
            Some(c.u32()?)
        } else {
            None
        });
        let name = if named { Some(c.text()?) } else { None };
        out.push(BindSpec {
            name,
            dir,
            ora_type,
            max_size,
        });
    }
    Ok((out, arrays))
}

/// Gives each array bind's values its maxArraySize; an array value in a
/// scalar bind, or a scalar in an array bind, is a malformed buffer.
pub fn apply_arrays(rows: &mut [Vec<BindValue>], arrays: &[Option<u32>]) -> Result<(), String> {
    for row in rows {
        for (v, a) in row.iter_mut().zip(arrays) {
            match (v, a) {
                (BindValue::Array { max, .. }, Some(m)) => *max = *m,
                (BindValue::Array { .. }, None) => return Err("an array in a scalar bind".into()),
                (_, Some(_)) => return Err("an array bind without an array".into()),
                _ => {}
            }
        }
    }
    Ok(())
}

/// `rows` rows of `per_row` values each.
#[cfg(test)]
pub fn parse_rows(data: &[u8], rows: usize, per_row: usize) -> Result<Vec<Vec<BindValue>>, String> {
    parse_rows_arrays(data, rows, per_row).map(|(rows, _)| rows)
}

/// [`parse_rows`], and whether any value was an array.
pub fn parse_rows_arrays(
    data: &[u8],
    rows: usize,
    per_row: usize,
) -> Result<(Vec<Vec<BindValue>>, bool), String> {
    let mut c = Cursor::new(data);
    let mut out = Vec::with_capacity(rows);
    for _ in 0..rows {
        let mut row = Vec::with_capacity(per_row);
        for _ in 0..per_row {
            row.push(c.value()?);
        }
        out.push(row);
    }
    Ok((out, c.saw_array))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_tag_and_rejects_truncation() {
        let mut b = vec![0u8, 1];
        b.extend_from_slice(&2.5f64.to_le_bytes());
        b.push(2);
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(b"abc");
        b.push(6);
        b.push(1);
        let rows = parse_rows(&b, 1, 4).unwrap();
        assert_eq!(
            rows[0],
            vec![
                BindValue::Null,
                BindValue::Number(2.5),
                BindValue::Str("abc".into()),
                BindValue::Bool(true)
            ]
        );
        assert!(parse_rows(&b[..b.len() - 1], 1, 4).is_err());
        assert!(parse_rows(&[99], 1, 1)
            .unwrap_err()
            .contains("unknown value tag 99"));
    }

    #[test]
    fn parses_named_specs_and_rejects_a_lying_count() {
        let mut b = 2u32.to_le_bytes().to_vec();
        b.push(1);
        for (dir, ty, max, name) in [(1u8, 2u8, 0u32, "a"), (2, 1, 4000, "bb")] {
            b.extend_from_slice(&[dir, ty]);
            b.extend_from_slice(&max.to_le_bytes());
            b.extend_from_slice(&(name.len() as u32).to_le_bytes());
            b.extend_from_slice(name.as_bytes());
        }
        let specs = parse_specs(&b).unwrap();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[1].name.as_deref(), Some("bb"));
        assert_eq!(specs[1].dir, Dir::Out);
        assert_eq!((specs[1].ora_type, specs[1].max_size), (1, 4000));
        assert!(parse_specs(&b[..b.len() - 1]).is_err());
        let mut lying = u32::MAX.to_le_bytes().to_vec();
        lying.push(0);
        assert!(parse_specs(&lying).is_err());
        assert!(parse_specs(&[]).unwrap().is_empty());
    }

    #[test]
    fn array_binds_take_their_max_from_the_spec() {
        let mut spec = 1u32.to_le_bytes().to_vec();
        spec.extend_from_slice(&[0, 3 | ARRAY_BIND, 2]);
        spec.extend_from_slice(&0u32.to_le_bytes());
        spec.extend_from_slice(&10u32.to_le_bytes());
        let (specs, arrays) = parse_specs_arrays(&spec).unwrap();
        assert_eq!((specs[0].dir, arrays[0]), (Dir::InOut, Some(10)));
        let mut v = vec![10u8];
        v.extend_from_slice(&2u32.to_le_bytes());
        v.push(0);
        v.push(1);
        v.extend_from_slice(&7.0f64.to_le_bytes());
        let mut rows = parse_rows(&v, 1, 1).unwrap();
        apply_arrays(&mut rows, &arrays).unwrap();
        assert_eq!(
            rows[0][0],
            BindValue::Array {
                max: 10,
                elements: vec![BindValue::Null, BindValue::Number(7.0)]
            }
        );
        assert!(apply_arrays(&mut rows, &[None]).is_err());
        let mut scalar = vec![vec![BindValue::Null]];
        assert!(apply_arrays(&mut scalar, &[Some(1)]).is_err());
        // A count larger than the bytes left is refused before allocating.
        let mut lying = vec![10u8];
        lying.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse_rows(&lying, 1, 1).is_err());
    }
}
