//! Object and collection values (Oracle type 109) between their pickled
//! images and the tagged value buffers JavaScript reads and writes. The
//! type's layout comes from the caller (the TS layer reads it from the type
//! dictionary), as a compact shape: per node a kind byte, then for a scalar
//! its Oracle type and character set form, for an object a u32 attribute
//! count and the attributes' shapes, for a collection its element's shape.

use oradb_protocol::codes;
use oradb_protocol::value::ora_type;
use oradb_protocol::value::pickle::{self, Datum, ObjectValue, Shape};

use crate::binds::BindValue;
use crate::error::{Error, ErrorKind, Result};
use crate::rowbuf::{tag, ColumnDecode, RowBuf};

/// Deepest type nesting a shape may describe.
const MAX_DEPTH: usize = 32;

/// A type's layout, with what its scalars need to decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjShape {
    Scalar { ty: u8, csfrm: u8 },
    Object(Vec<ObjShape>),
    Collection(Box<ObjShape>),
}

fn bad_shape() -> Error {
    Error::odb(
        ErrorKind::Protocol,
        codes::MALFORMED_BIND_BUFFER,
        "object type shape is malformed",
    )
}

fn conversion(msg: String) -> Error {
    Error::odb(ErrorKind::Bind, codes::BIND_CONVERSION_FAILED, msg)
}

impl ObjShape {
    /// Parses the compact shape described at the top of this file.
    pub fn parse(b: &[u8]) -> Result<ObjShape> {
        let mut pos = 0;
        let s = Self::parse_at(b, &mut pos, 0)?;
        if pos != b.len() {
            return Err(bad_shape());
        }
        Ok(s)
    }

    fn parse_at(b: &[u8], pos: &mut usize, depth: usize) -> Result<ObjShape> {
        if depth > MAX_DEPTH {
            return Err(bad_shape());
        }
        let mut take = |n: usize| -> Result<&[u8]> {
            let end = pos.checked_add(n).filter(|e| *e <= b.len());
            let end = end.ok_or_else(bad_shape)?;
            let s = &b[*pos..end];
            *pos = end;
            Ok(s)
        };
        match take(1)?[0] {
            0 => {
                let s = take(2)?;
                Ok(ObjShape::Scalar {
                    ty: s[0],
                    csfrm: s[1],
                })
            }
            1 => {
                let n = take(4)?;
                let n = u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize;
                // Each attribute takes at least three bytes.
                if n > b.len() {
                    return Err(bad_shape());
                }
                let mut attrs = Vec::with_capacity(n);
                for _ in 0..n {
                    attrs.push(Self::parse_at(b, pos, depth + 1)?);
                }
                Ok(ObjShape::Object(attrs))
            }
            2 => Ok(ObjShape::Collection(Box::new(Self::parse_at(
                b,
                pos,
                depth + 1,
            )?))),
            _ => Err(bad_shape()),
        }
    }

    /// The layout the pickle codec needs.
    pub fn pickle(&self) -> Shape {
        match self {
            ObjShape::Scalar { ty, csfrm } => match *ty {
                ora_type::CLOB if *csfrm == 2 => Shape::Lob(pickle::LobKind::NClob),
                ora_type::CLOB => Shape::Lob(pickle::LobKind::Clob),
                ora_type::BLOB => Shape::Lob(pickle::LobKind::Blob),
                _ => Shape::Scalar,
            },
            ObjShape::Object(a) => Shape::Object(a.iter().map(Self::pickle).collect()),
            ObjShape::Collection(e) => Shape::Collection(Box::new(e.pickle())),
        }
    }
}

/// Appends a fetched object value (`tag::OBJECT`: u32-sized type OID and
/// u32-sized image), or NULL when it has no image.
pub fn push_value(out: &mut RowBuf, v: &ObjectValue) {
    if v.image.is_empty() {
        out.null();
        return;
    }
    out.data.push(tag::OBJECT);
    let oid = v.type_oid().unwrap_or_default();
    out.data
        .extend_from_slice(&(oid.len() as u32).to_le_bytes());
    out.data.extend_from_slice(oid);
    out.data
        .extend_from_slice(&(v.image.len() as u32).to_le_bytes());
    out.data.extend_from_slice(&v.image);
}

/// An image of `shape` as tagged values: objects and collections as
/// `tag::JSON_ARRAY` (attributes or elements in order), NULL ones as NULL.
pub fn decode_image(shape: &ObjShape, image: &[u8]) -> Result<Vec<u8>> {
    let d = pickle::decode_image(&shape.pickle(), image)
        .map_err(|e| Error::protocol(format!("invalid object value from the server: {e}")))?;
    let mut out = RowBuf::default();
    datum_to_tags(shape, &d, &mut out)?;
    Ok(out.data)
}

fn datum_to_tags(shape: &ObjShape, d: &Datum, out: &mut RowBuf) -> Result<()> {
    match (shape, d) {
        (ObjShape::Scalar { ty, csfrm }, Datum::Bytes(b)) => {
            if matches!(*ty, ora_type::CLOB | ora_type::BLOB) {
                return Err(Error::odb(
                    ErrorKind::Bind,
                    codes::UNSUPPORTED_FETCH_TYPE,
                    "LOB attributes of objects are not supported",
                ));
            }
            let c = ColumnDecode {
                wire_type: *ty,
                db_type: *ty,
                csfrm: *csfrm,
                as_string: false,
            };
            out.value(&c, Some(b))
        }
        (ObjShape::Object(attrs), Datum::Object(Some(vals))) => {
            list(out, vals.len());
            for (s, v) in attrs.iter().zip(vals) {
                datum_to_tags(s, v, out)?;
            }
            Ok(())
        }
        (ObjShape::Collection(elem), Datum::Collection(Some(vals))) => {
            list(out, vals.len());
            for v in vals {
                datum_to_tags(elem, v, out)?;
            }
            Ok(())
        }
        // An index-by table's element: its key is not kept (a JS array).
        (shape, Datum::Keyed(_, inner)) => datum_to_tags(shape, inner, out),
        _ => {
            out.null();
            Ok(())
        }
    }
}

fn list(out: &mut RowBuf, n: usize) {
    out.data.push(tag::JSON_ARRAY);
    out.data.extend_from_slice(&(n as u32).to_le_bytes());
}

/// The wire value (TOID, image…) of `v` as an object of `shape` whose type
/// has OID `oid`: an object's or collection's members come as
/// `BindValue::Array` in attribute or element order. `path` names the
/// value in errors.
pub fn encode_value(shape: &ObjShape, oid: &[u8], v: &BindValue, path: &str) -> Result<Vec<u8>> {
    let d = to_datum(shape, v, path)?;
    let image = match d {
        Datum::Object(None) | Datum::Collection(None) | Datum::Null => Vec::new(),
        d => pickle::encode_image(&shape.pickle(), &d),
    };
    let mut w = oradb_protocol::buf::Writer::new();
    ObjectValue {
        toid: pickle::toid_for(oid),
        version: 1,
        flags: pickle::TOP_LEVEL,
        image,
        ..Default::default()
    }
    .encode(&mut w);
    Ok(w.into_inner())
}

fn to_datum(shape: &ObjShape, v: &BindValue, path: &str) -> Result<Datum> {
    match (shape, v) {
        (ObjShape::Object(_), BindValue::Null) => Ok(Datum::Object(None)),
        (ObjShape::Collection(_), BindValue::Null) => Ok(Datum::Collection(None)),
        (ObjShape::Object(attrs), BindValue::Array { elements, .. }) => {
            if attrs.len() != elements.len() {
                return Err(conversion(format!(
                    "{path}: {} values for {} attributes",
                    elements.len(),
                    attrs.len()
                )));
            }
            let vals = attrs
                .iter()
                .zip(elements)
                .enumerate()
                .map(|(i, (s, e))| to_datum(s, e, &format!("{path} attribute {}", i + 1)))
                .collect::<Result<Vec<_>>>()?;
            Ok(Datum::Object(Some(vals)))
        }
        (ObjShape::Collection(elem), BindValue::Array { elements, .. }) => {
            let vals = elements
                .iter()
                .enumerate()
                .map(|(i, e)| to_datum(elem, e, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>>>()?;
            Ok(Datum::Collection(Some(vals)))
        }
        (ObjShape::Scalar { ty, csfrm: 2 }, BindValue::Str(s))
            if matches!(*ty, ora_type::VARCHAR | ora_type::CHAR) =>
        {
            // National text: AL16UTF16, as fetched images hold it.
            Ok(Datum::Bytes(
                s.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            ))
        }
        (
            ObjShape::Scalar {
                ty: ora_type::BINARY_FLOAT,
                ..
            },
            BindValue::Number(f) | BindValue::Double(f),
        ) => Ok(Datum::Bytes(
            oradb_protocol::value::float::encode_f32(*f as f32).to_vec(),
        )),
        (ObjShape::Scalar { ty, .. }, v) => {
            if matches!(v, BindValue::Array { .. }) {
                return Err(conversion(format!("{path}: a list for a scalar attribute")));
            }
            if matches!(*ty, ora_type::CLOB | ora_type::BLOB) {
                return Err(conversion(format!(
                    "{path}: LOB attributes of objects are not supported"
                )));
            }
            Ok(match v.encode(*ty, path)? {
                Some(b) => Datum::Bytes(b),
                None => Datum::Null,
            })
        }
        _ => Err(conversion(format!(
            "{path}: a scalar for an object or collection"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_bytes() -> Vec<u8> {
        // OBJECT(NUMBER, VARCHAR2, TABLE OF NUMBER)
        let mut b = vec![
            1,
            3,
            0,
            0,
            0,
            0,
            ora_type::NUMBER,
            0,
            0,
            ora_type::VARCHAR,
            1,
        ];
        b.extend_from_slice(&[2, 0, ora_type::NUMBER, 0]);
        b
    }

    #[test]
    fn values_round_trip_through_an_image() {
        let shape = ObjShape::parse(&shape_bytes()).unwrap();
        let v = BindValue::Array {
            max: 0,
            elements: vec![
                BindValue::Number(7.0),
                BindValue::Str("seven".into()),
                BindValue::Array {
                    max: 0,
                    elements: vec![BindValue::Number(1.0), BindValue::Null],
                },
            ],
        };
        let wire = encode_value(&shape, &[7; 16], &v, "o").unwrap();
        let ov = ObjectValue::decode(&mut oradb_protocol::buf::Reader::new(&wire)).unwrap();
        assert_eq!(ov.type_oid(), Some(&[7u8; 16][..]));
        let tags = decode_image(&shape, &ov.image).unwrap();
        let mut want = RowBuf::default();
        list(&mut want, 3);
        want.f64(7.0);
        want.blob_like(tag::STRING, b"seven");
        list(&mut want, 2);
        want.f64(1.0);
        want.null();
        assert_eq!(tags, want.data);
    }

    #[test]
    fn national_text_attributes_are_utf16() {
        // OBJECT(NVARCHAR2)
        let shape = ObjShape::parse(&[1, 1, 0, 0, 0, 0, ora_type::VARCHAR, 2]).unwrap();
        let v = BindValue::Array {
            max: 0,
            elements: vec![BindValue::Str("n€".into())],
        };
        let wire = encode_value(&shape, &[7; 16], &v, "o").unwrap();
        let ov = ObjectValue::decode(&mut oradb_protocol::buf::Reader::new(&wire)).unwrap();
        assert_eq!(&ov.image[7..], &[4, 0, b'n', 0x20, 0xAC]);
        let mut want = RowBuf::default();
        list(&mut want, 1);
        want.blob_like(tag::STRING, "n€".as_bytes());
        assert_eq!(decode_image(&shape, &ov.image).unwrap(), want.data);
    }

    #[test]
    fn bad_shapes_and_values_are_errors() {
        for bad in [
            &[][..],
            &[9],
            &[1, 0xFF, 0xFF, 0xFF, 0xFF],
            &[0, 2],
            &[2, 2, 2],
        ] {
            assert!(ObjShape::parse(bad).is_err(), "{bad:?}");
        }
        let deep = vec![2u8; 100];
        assert!(ObjShape::parse(&deep).is_err());
        let shape = ObjShape::parse(&shape_bytes()).unwrap();
        let few = BindValue::Array {
            max: 0,
            elements: vec![BindValue::Number(1.0)],
        };
        let e = encode_value(&shape, &[1; 16], &few, "o").unwrap_err();
        assert!(e.message().contains("1 values for 3 attributes"), "{e:?}");
        let wrong = BindValue::Array {
            max: 0,
            elements: vec![BindValue::Str("x".into()), BindValue::Null, BindValue::Null],
        };
        assert!(encode_value(&shape, &[1; 16], &wrong, "o").is_err());
        assert!(decode_image(&shape, &[0x84, 1]).is_err());
    }
}
