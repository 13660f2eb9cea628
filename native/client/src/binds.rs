//! Bind values and their wire form. Types come from the caller or are
//! inferred from the first non-NULL value; sizes from the longest value.

use oradb_protocol::codes;
use oradb_protocol::value::{number, ora_type, DateTime, IntervalDS, IntervalYM};

use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    In = 1,
    Out = 2,
    InOut = 3,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BindValue {
    Null,
    Number(f64),
    /// Exact decimal text (bigint, or a NUMBER given as text).
    Decimal(String),
    Str(String),
    Bytes(Vec<u8>),
    Date(DateTime),
    Timestamp(DateTime),
    Bool(bool),
    Clob(String),
    Blob(Vec<u8>),
    Double(f64),
    /// A LOB's locator (a temporary LOB or one fetched), bound as that LOB
    /// of the given type (`ora_type::CLOB` or `ora_type::BLOB`).
    Locator(u8, Vec<u8>),
    IntervalDS(IntervalDS),
    IntervalYM(IntervalYM),
    /// A PL/SQL index-by table of scalars: at most `max` elements (the
    /// bind's maxArraySize; an OUT array has none yet).
    Array {
        max: u32,
        elements: Vec<BindValue>,
    },
    /// A VECTOR's image (oradb_protocol::value::vector).
    Vector(Vec<u8>),
    /// A JSON value (sent as OSON).
    Json(oradb_protocol::value::oson::Json),
    /// An object or collection: its type's OID and its whole wire value
    /// (crate::object::encode_value); an empty value is a NULL object.
    Object {
        oid: Vec<u8>,
        wire: Vec<u8>,
    },
}

/// Per-bind description shared by every row of an execute.
#[derive(Debug, Clone, PartialEq)]
pub struct BindSpec {
    pub name: Option<String>,
    pub dir: Dir,
    /// 0 = infer.
    pub ora_type: u8,
    pub max_size: u32,
}

/// All binds of a call: specs plus one value per spec per row.
#[derive(Debug, Clone, Default)]
pub struct Binds {
    pub specs: Vec<BindSpec>,
    pub rows: Vec<Vec<BindValue>>,
}

fn bind_error(name: &str, msg: impl Into<String>) -> Error {
    Error::odb(
        ErrorKind::Bind,
        codes::BIND_CONVERSION_FAILED,
        format!("bind \"{name}\": {}", msg.into()),
    )
}

impl BindValue {
    /// Oracle type a value binds as when nothing else is said.
    pub fn natural_type(&self) -> Option<u8> {
        Some(match self {
            BindValue::Null => return None,
            BindValue::Number(_) | BindValue::Decimal(_) => ora_type::NUMBER,
            BindValue::Str(_) => ora_type::VARCHAR,
            BindValue::Bytes(_) => ora_type::RAW,
            BindValue::Date(_) => ora_type::DATE,
            BindValue::Timestamp(_) => ora_type::TIMESTAMP,
            BindValue::Bool(_) => ora_type::BOOLEAN,
            BindValue::Clob(_) => ora_type::LONG,
            BindValue::Blob(_) => ora_type::LONG_RAW,
            BindValue::Double(_) => ora_type::BINARY_DOUBLE,
            BindValue::Locator(t, _) => *t,
            BindValue::IntervalDS(_) => ora_type::INTERVAL_DS,
            BindValue::IntervalYM(_) => ora_type::INTERVAL_YM,
            BindValue::Array { elements, .. } => {
                return elements.iter().find_map(BindValue::natural_type)
            }
            BindValue::Vector(_) => ora_type::VECTOR,
            BindValue::Json(_) => ora_type::JSON,
            BindValue::Object { .. } => ora_type::OBJECT,
        })
    }

    /// The value's bytes as the given wire type; `None` for NULL.
    pub fn encode(&self, ty: u8, name: &str) -> Result<Option<Vec<u8>>> {
        use BindValue as B;
        let num_err = |e: number::NumberError| bind_error(name, e.to_string());
        Ok(Some(match (self, ty) {
            (B::Null, _) => return Ok(None),
            (B::Number(v), ora_type::NUMBER | ora_type::BINARY_INTEGER) => {
                number::encode_f64(*v).map_err(num_err)?
            }
            (B::Decimal(s) | B::Str(s), ora_type::NUMBER | ora_type::BINARY_INTEGER) => {
                number::encode_str(s.trim()).map_err(num_err)?
            }
            (B::Number(v) | B::Double(v), ora_type::BINARY_DOUBLE) => {
                oradb_protocol::value::float::encode_f64(*v).to_vec()
            }
            (B::Number(v), ora_type::VARCHAR | ora_type::CHAR | ora_type::LONG) => {
                format_js_number(*v).into_bytes()
            }
            (
                B::Decimal(s) | B::Str(s) | B::Clob(s),
                ora_type::VARCHAR | ora_type::CHAR | ora_type::LONG | ora_type::CLOB,
            ) => s.as_bytes().to_vec(),
            (B::Bytes(b) | B::Blob(b), ora_type::RAW | ora_type::LONG_RAW | ora_type::BLOB) => {
                b.clone()
            }
            (B::Locator(_, l), ora_type::CLOB | ora_type::BLOB) => l.clone(),
            (B::Date(d) | B::Timestamp(d), ora_type::DATE) => date_bytes(d, false),
            (B::Date(d) | B::Timestamp(d), ora_type::TIMESTAMP | ora_type::TIMESTAMP_LTZ) => {
                date_bytes(d, true)
            }
            (B::Bool(b), ora_type::BOOLEAN) => {
                if *b {
                    vec![1, 1]
                } else {
                    vec![0]
                }
            }
            (B::IntervalDS(v), ora_type::INTERVAL_DS) => ds_bytes(v, name)?,
            (B::IntervalYM(v), ora_type::INTERVAL_YM) => ym_bytes(v, name)?,
            (B::Vector(img), ora_type::VECTOR) => img.clone(),
            (B::Json(v), ora_type::JSON) => crate::json::image(v, name)?,
            (B::Object { wire, .. }, ora_type::OBJECT) if wire.is_empty() => return Ok(None),
            (B::Object { wire, .. }, ora_type::OBJECT) => wire.clone(),
            (B::Bool(b), ora_type::NUMBER | ora_type::BINARY_INTEGER) => {
                number::encode_i64(i64::from(*b))
            }
            (v, t) => {
                return Err(bind_error(
                    name,
                    format!(
                        "a {} value cannot be bound as Oracle type {t}",
                        v.kind_name()
                    ),
                ))
            }
        }))
    }

    fn kind_name(&self) -> &'static str {
        match self {
            BindValue::Null => "null",
            BindValue::Number(_) | BindValue::Double(_) => "number",
            BindValue::Decimal(_) => "bigint",
            BindValue::Str(_) => "string",
            BindValue::Bytes(_) => "bytes",
            BindValue::Date(_) | BindValue::Timestamp(_) => "date",
            BindValue::Bool(_) => "boolean",
            BindValue::Clob(_) => "CLOB",
            BindValue::Blob(_) => "BLOB",
            BindValue::Locator(..) => "LOB locator",
            BindValue::IntervalDS(_) => "IntervalDS",
            BindValue::IntervalYM(_) => "IntervalYM",
            BindValue::Array { .. } => "array",
            BindValue::Vector(_) => "VECTOR",
            BindValue::Json(_) => "JSON",
            BindValue::Object { .. } => "DbObject",
        }
    }

    fn byte_len(&self) -> usize {
        match self {
            BindValue::Str(s) | BindValue::Clob(s) | BindValue::Decimal(s) => s.len(),
            BindValue::Bytes(b) | BindValue::Blob(b) | BindValue::Locator(_, b) => b.len(),
            BindValue::Array { elements, .. } => {
                elements.iter().map(BindValue::byte_len).max().unwrap_or(0)
            }
            BindValue::Vector(b) => b.len(),
            _ => 0,
        }
    }
}

fn format_js_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e21 {
        format!("{}", v as i128)
    } else {
        format!("{v}")
    }
}

/// An interval as Oracle keeps it: normalised, every field with one sign,
/// so any mix of field values the caller gave is summed first.
fn ds_bytes(v: &IntervalDS, name: &str) -> Result<Vec<u8>> {
    IntervalDS::from_nanos(v.total_nanos())
        .map(|n| n.encode())
        .map_err(|e| bind_error(name, e.message))
}

fn ym_bytes(v: &IntervalYM, name: &str) -> Result<Vec<u8>> {
    IntervalYM::from_months(v.total_months())
        .map(|n| n.encode())
        .map_err(|e| bind_error(name, e.message))
}

fn date_bytes(d: &DateTime, with_fraction: bool) -> Vec<u8> {
    let century = d.year.div_euclid(100) + 100;
    let year = d.year.rem_euclid(100) + 100;
    let mut b = vec![
        century as u8,
        year as u8,
        d.month,
        d.day,
        d.hour + 1,
        d.minute + 1,
        d.second + 1,
    ];
    if with_fraction && d.nanos > 0 {
        b.extend_from_slice(&d.nanos.to_be_bytes());
    }
    b
}

/// Final wire type and buffer size of each bind, from specs and values.
pub fn resolve_types(binds: &Binds, max_string_size: u32) -> Result<Vec<(u8, u32)>> {
    let mut out = Vec::with_capacity(binds.specs.len());
    for (i, spec) in binds.specs.iter().enumerate() {
        let name = spec.name.clone().unwrap_or_else(|| (i + 1).to_string());
        let mut ty = spec.ora_type;
        let mut len = 0usize;
        let mut locators = false;
        let mut all_null = true;
        for row in &binds.rows {
            let v = row.get(i).ok_or_else(|| {
                Error::odb(
                    ErrorKind::Bind,
                    codes::BIND_SHAPE_MISMATCH,
                    format!("bind \"{name}\": missing value in a row"),
                )
            })?;
            if ty == 0 {
                ty = v.natural_type().unwrap_or(0);
            }
            len = len.max(v.byte_len());
            locators |= matches!(v, BindValue::Locator(..));
            all_null &= *v == BindValue::Null;
        }
        // A LOB bind carries a locator: a Lob object, or an OUT bind that
        // returns one. Text and bytes bound as CLOB/BLOB go as LONG below.
        let as_locator = locators || (spec.dir != Dir::In && all_null);
        if ty == 0 {
            ty = ora_type::VARCHAR;
        }
        // Oracle's LONG rule: strings/bytes too long for VARCHAR2/RAW go as LONG.
        if ty == ora_type::VARCHAR && len > max_string_size as usize {
            ty = ora_type::LONG;
        }
        if ty == ora_type::RAW && len > max_string_size as usize {
            ty = ora_type::LONG_RAW;
        }
        if ty == ora_type::CLOB && !as_locator {
            ty = ora_type::LONG;
        }
        if ty == ora_type::BLOB && !as_locator {
            ty = ora_type::LONG_RAW;
        }
        if matches!(ty, ora_type::CLOB | ora_type::BLOB) {
            // Room for a locator (Oracle's are up to a few hundred bytes).
            out.push((ty, (len as u32).max(spec.max_size).max(4000)));
            continue;
        }
        let size = match ty {
            ora_type::NUMBER | ora_type::BINARY_INTEGER => 22,
            ora_type::DATE => 7,
            ora_type::TIMESTAMP | ora_type::TIMESTAMP_LTZ => 11,
            ora_type::BINARY_DOUBLE => 8,
            ora_type::BOOLEAN => 4,
            ora_type::INTERVAL_DS => 11,
            ora_type::INTERVAL_YM => 5,
            // As python-oracledb binds it: room for a prefetched image.
            ora_type::VECTOR => 1 << 20,
            // As python-oracledb: room for any image, sent like a prefetched LOB.
            ora_type::JSON => 32 * 1024 * 1024,
            // Its image is sent in place whatever its size.
            ora_type::OBJECT => 2000,
            _ => (len as u32).max(spec.max_size).max(1),
        };
        out.push((ty, size));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inferred_types_and_sizes() {
        let binds = Binds {
            specs: vec![
                BindSpec {
                    name: Some("A".into()),
                    dir: Dir::In,
                    ora_type: 0,
                    max_size: 0,
                },
                BindSpec {
                    name: Some("B".into()),
                    dir: Dir::In,
                    ora_type: 0,
                    max_size: 0,
                },
                BindSpec {
                    name: Some("C".into()),
                    dir: Dir::In,
                    ora_type: 0,
                    max_size: 0,
                },
            ],
            rows: vec![
                vec![
                    BindValue::Null,
                    BindValue::Str("ab".into()),
                    BindValue::Str("x".repeat(40000)),
                ],
                vec![
                    BindValue::Number(1.0),
                    BindValue::Str("abcd".into()),
                    BindValue::Null,
                ],
            ],
        };
        let t = resolve_types(&binds, 32767).unwrap();
        assert_eq!(
            t,
            vec![
                (ora_type::NUMBER, 22),
                (ora_type::VARCHAR, 4),
                (ora_type::LONG, 40000)
            ]
        );
    }

    #[test]
    fn unsupported_conversion_names_the_bind() {
        let e = BindValue::Bool(true)
            .encode(ora_type::DATE, "FLAG")
            .unwrap_err();
        assert_eq!(e.code(), codes::BIND_CONVERSION_FAILED);
        assert!(e.message().contains("\"FLAG\""));
    }

    #[test]
    fn intervals_bind_as_their_types_normalised() {
        // 1 day minus 1 second: Oracle's form has every field positive.
        let v = BindValue::IntervalDS(IntervalDS {
            days: 1,
            seconds: -1,
            ..Default::default()
        });
        assert_eq!(v.natural_type(), Some(ora_type::INTERVAL_DS));
        assert_eq!(
            v.encode(ora_type::INTERVAL_DS, "d").unwrap().unwrap(),
            vec![0x80, 0, 0, 0, 83, 119, 119, 0x80, 0, 0, 0]
        );
        let ym = BindValue::IntervalYM(IntervalYM {
            years: -25,
            months: -7,
        });
        assert_eq!(
            ym.encode(ora_type::INTERVAL_YM, "y").unwrap().unwrap(),
            vec![0x7f, 0xff, 0xff, 0xe7, 53]
        );
        let far = BindValue::IntervalYM(IntervalYM {
            years: i32::MAX,
            months: 0,
        });
        let e = far.encode(ora_type::INTERVAL_YM, "far").unwrap_err();
        assert_eq!(e.code(), codes::BIND_CONVERSION_FAILED);
        assert!(ym.encode(ora_type::DATE, "y").is_err());
    }

    #[test]
    fn dates_encode_like_oracle() {
        let d = DateTime {
            year: 2024,
            month: 3,
            day: 5,
            hour: 14,
            minute: 7,
            second: 9,
            nanos: 0,
        };
        assert_eq!(
            BindValue::Date(d)
                .encode(ora_type::DATE, "d")
                .unwrap()
                .unwrap(),
            vec![120, 124, 3, 5, 15, 8, 10]
        );
    }
}
