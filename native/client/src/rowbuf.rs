//! The compact tagged value buffer handed to JavaScript in one piece (see
//! `native/node/BOUNDARY.md`): rows are decoded straight from wire bytes into
//! it, with no per-value allocation.

use oradb_protocol::codes;
use oradb_protocol::value::{number, ora_type, IntervalDS, IntervalYM};

use crate::error::{Error, Result};

pub mod tag {
    pub const NULL: u8 = 0;
    pub const F64: u8 = 1;
    pub const STRING: u8 = 2;
    pub const BYTES: u8 = 3;
    pub const DATE: u8 = 4;
    pub const TIMESTAMP: u8 = 5;
    pub const BOOLEAN: u8 = 6;
    pub const DECIMAL: u8 = 7;
    pub const CLOB: u8 = 8;
    pub const BLOB: u8 = 9;
    pub const ARRAY: u8 = 10;
    pub const DOUBLE: u8 = 11;
    pub const TIMESTAMP_TZ: u8 = 12;
    /// A LOB locator: u8 Oracle type, u8 character set form, f64 size,
    /// u32 chunk size, u32 length and the locator's bytes.
    pub const LOB: u8 = 13;
    /// A REF CURSOR: u32 cursor id, u32 column count, then per column u8
    /// Oracle type, u32 size, u8 precision, u8 scale, u8 nullable, u32
    /// name length and the name (the execute result's column layout).
    pub const CURSOR: u8 = 20;
    /// INTERVAL DAY TO SECOND: i32 days, hours, minutes, seconds and
    /// nanoseconds, each with the interval's sign.
    pub const INTERVAL_DS: u8 = 14;
    /// INTERVAL YEAR TO MONTH: i32 years and months.
    pub const INTERVAL_YM: u8 = 15;
    /// A VECTOR: the payload of `crate::vector`.
    pub const VECTOR: u8 = 16;
    /// An object or collection (see `crate::object`): u32-sized type OID,
    /// u32-sized pickled image.
    pub const OBJECT: u8 = 17;
    /// A JSON object: u32 field count, then per field a u32-sized UTF-8
    /// name and its value.
    pub const JSON_OBJECT: u8 = 31;
    /// A JSON array: u32 count, then the values (not `ARRAY`, which holds
    /// OUT values and LOB locators).
    pub const JSON_ARRAY: u8 = 32;
    /// A JSON bind (binds only): one value, objects and arrays nested.
    pub const JSON: u8 = 30;
    /// A fetched JSON value made only of what JSON text holds (objects,
    /// arrays, strings, finite numbers, booleans, null): u32-sized UTF-8
    /// JSON text, which JavaScript's `JSON.parse` turns into objects several
    /// times faster than it reads nested tags.
    pub const JSON_TEXT: u8 = 33;
}

/// How one fetched column is turned into a tagged value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDecode {
    /// Oracle type of the bytes on the wire (after any define).
    pub wire_type: u8,
    /// Described type (tells CLOB from LONG, BLOB from LONG RAW).
    pub db_type: u8,
    pub csfrm: u8,
    /// NUMBER as exact text instead of f64.
    pub as_string: bool,
}

#[derive(Debug, Default, Clone)]
pub struct RowBuf {
    pub data: Vec<u8>,
    pub rows: u32,
    /// The locators of the LOB values written, for the session to free
    /// them if the caller never does.
    pub locators: Vec<Vec<u8>>,
}

/// Column descriptions as the execute result and REF CURSOR values carry
/// them: u32 count, then per column u8 Oracle type, u32 size, i8 precision,
/// i8 scale, u8 flags (1: nullable, 2: national character set), u32 name
/// length and the UTF-8 name.
pub fn write_columns(out: &mut Vec<u8>, columns: &[crate::exec::Column]) {
    out.extend_from_slice(&(columns.len() as u32).to_le_bytes());
    for c in columns {
        out.push(c.db_type);
        out.extend_from_slice(&c.size.to_le_bytes());
        out.push(c.precision as u8);
        out.push(c.scale as u8);
        out.push(u8::from(c.nullable) | (u8::from(c.national) << 1));
        out.extend_from_slice(&(c.name.len() as u32).to_le_bytes());
        out.extend_from_slice(c.name.as_bytes());
    }
}

fn bad(what: &str) -> Error {
    Error::protocol(format!("invalid {what} value from the server"))
}

impl RowBuf {
    pub fn null(&mut self) {
        self.data.push(tag::NULL);
    }
    pub fn f64(&mut self, v: f64) {
        self.data.push(tag::F64);
        self.data.extend_from_slice(&v.to_le_bytes());
    }
    pub fn blob_like(&mut self, t: u8, b: &[u8]) {
        self.data.push(t);
        self.data.extend_from_slice(&(b.len() as u32).to_le_bytes());
        self.data.extend_from_slice(b);
    }

    /// Appends a REF CURSOR value (`tag::CURSOR`): the cursor to fetch from
    /// and its columns.
    pub fn cursor(&mut self, id: u32, columns: &[crate::exec::Column]) {
        self.data.push(tag::CURSOR);
        self.data.extend_from_slice(&id.to_le_bytes());
        write_columns(&mut self.data, columns);
    }

    /// Appends a LOB locator value (`tag::LOB`); NULL when `v` is None.
    pub fn locator(&mut self, c: &ColumnDecode, v: Option<(Vec<u8>, u64, u32)>) {
        let Some((loc, size, chunk)) = v else {
            self.null();
            return;
        };
        self.lob_value(c.db_type, c.csfrm, size, chunk, &loc);
        self.locators.push(loc);
    }

    /// Appends a BFILE locator (`tag::LOB`, size and chunk size 0: a file's
    /// size is asked for); NULL when `v` is None. Not held for freeing: a
    /// BFILE's locator is a name, not a LOB the server keeps.
    pub fn bfile(&mut self, c: &ColumnDecode, v: Option<Vec<u8>>) {
        let Some(loc) = v else {
            self.null();
            return;
        };
        self.lob_value(ora_type::BFILE, c.csfrm, 0, 0, &loc);
    }

    /// `tag::LOB`'s layout (see there).
    fn lob_value(&mut self, ty: u8, csfrm: u8, size: u64, chunk: u32, loc: &[u8]) {
        self.data.extend_from_slice(&[tag::LOB, ty, csfrm]);
        self.data.extend_from_slice(&(size as f64).to_le_bytes());
        self.data.extend_from_slice(&chunk.to_le_bytes());
        self.data
            .extend_from_slice(&(loc.len() as u32).to_le_bytes());
        self.data.extend_from_slice(loc);
    }

    /// Appends the value `b` (None = NULL) of a column decoded per `c`.
    pub fn value(&mut self, c: &ColumnDecode, b: Option<&[u8]>) -> Result<()> {
        let Some(b) = b else {
            self.null();
            return Ok(());
        };
        match c.wire_type {
            ora_type::NUMBER | ora_type::BINARY_INTEGER => {
                if c.as_string {
                    let s = number::decode_str(b).map_err(|_| bad("NUMBER"))?;
                    self.blob_like(tag::DECIMAL, s.as_bytes());
                } else {
                    self.f64(number::decode_f64(b).map_err(|_| bad("NUMBER"))?);
                }
            }
            ora_type::VARCHAR | ora_type::CHAR | ora_type::LONG | ora_type::ROWID => {
                let t = if c.db_type == ora_type::CLOB {
                    tag::CLOB
                } else {
                    tag::STRING
                };
                if c.csfrm == 2 {
                    let units: Vec<u16> = b
                        .chunks_exact(2)
                        .map(|p| u16::from_be_bytes([p[0], p[1]]))
                        .collect();
                    self.blob_like(t, String::from_utf16_lossy(&units).as_bytes());
                } else {
                    self.blob_like(t, b);
                }
            }
            ora_type::RAW | ora_type::LONG_RAW => {
                let t = if c.db_type == ora_type::BLOB {
                    tag::BLOB
                } else {
                    tag::BYTES
                };
                self.blob_like(t, b);
            }
            ora_type::DATE
            | ora_type::TIMESTAMP
            | ora_type::TIMESTAMP_LTZ
            | ora_type::TIMESTAMP_TZ => self.datetime(c.wire_type, b)?,
            ora_type::BINARY_DOUBLE | ora_type::BINARY_FLOAT => {
                let v = if c.wire_type == ora_type::BINARY_DOUBLE {
                    oradb_protocol::value::float::decode_f64(b).map_err(|_| bad("BINARY_DOUBLE"))?
                } else {
                    oradb_protocol::value::float::decode_f32(b).map_err(|_| bad("BINARY_FLOAT"))?
                        as f64
                };
                self.data.push(tag::DOUBLE);
                self.data.extend_from_slice(&v.to_le_bytes());
            }
            ora_type::INTERVAL_DS => {
                let v = IntervalDS::decode(b).map_err(|_| bad("INTERVAL DAY TO SECOND"))?;
                self.data.push(tag::INTERVAL_DS);
                for f in [v.days, v.hours, v.minutes, v.seconds, v.nanos] {
                    self.data.extend_from_slice(&f.to_le_bytes());
                }
            }
            ora_type::INTERVAL_YM => {
                let v = IntervalYM::decode(b).map_err(|_| bad("INTERVAL YEAR TO MONTH"))?;
                self.data.push(tag::INTERVAL_YM);
                self.data.extend_from_slice(&v.years.to_le_bytes());
                self.data.extend_from_slice(&v.months.to_le_bytes());
            }
            ora_type::VECTOR => {
                let p = crate::vector::payload_of_image(b).map_err(|_| bad("VECTOR"))?;
                self.data.push(tag::VECTOR);
                self.data.extend_from_slice(&p);
            }
            ora_type::JSON => self.json(b)?,
            ora_type::BOOLEAN => {
                self.data.push(tag::BOOLEAN);
                self.data
                    .push(u8::from(b.last().copied().unwrap_or(0) != 0));
            }
            other => {
                return Err(Error::odb(
                    crate::error::ErrorKind::Bind,
                    codes::UNSUPPORTED_FETCH_TYPE,
                    format!("fetching Oracle type {other} is not supported"),
                ))
            }
        }
        Ok(())
    }

    fn datetime(&mut self, ty: u8, b: &[u8]) -> Result<()> {
        if b.len() < 7 {
            return Err(bad("DATE"));
        }
        let year = (b[0] as i32 - 100) * 100 + (b[1] as i32 - 100);
        let fields = [
            b[2],
            b[3],
            b[4].wrapping_sub(1),
            b[5].wrapping_sub(1),
            b[6].wrapping_sub(1),
        ];
        let nanos = if b.len() >= 11 {
            u32::from_be_bytes([b[7], b[8], b[9], b[10]])
        } else {
            0
        };
        let t = match ty {
            ora_type::DATE => tag::DATE,
            ora_type::TIMESTAMP_TZ if b.len() >= 13 => tag::TIMESTAMP_TZ,
            _ => tag::TIMESTAMP,
        };
        self.data.push(t);
        self.data.extend_from_slice(&(year as i16).to_le_bytes());
        self.data.extend_from_slice(&fields);
        if t != tag::DATE {
            self.data.extend_from_slice(&nanos.to_le_bytes());
        }
        if t == tag::TIMESTAMP_TZ {
            let offset = (b[11] as i16 - 20) * 60 + (b[12] as i16 - 60);
            self.data.extend_from_slice(&offset.to_le_bytes());
        }
        Ok(())
    }
}
