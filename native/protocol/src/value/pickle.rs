//! Pickled images of object and collection values (Oracle type 109) and
//! the TTC value around them.
//!
//! An image is a header (flags, version 1, `FE` + u32 total length, and for
//! a collection a one-byte prefix segment) and then the attributes in
//! order, or for a collection a flags byte, the element count and the
//! elements. Scalars are length-prefixed value bytes (`FF` NULL, `FE` +
//! u32 long length). An object attribute of object type is inline (`FD`
//! when atomically NULL); collections, and objects that are collection
//! elements, are nested whole images, length-prefixed.
//!
//! On the wire a value is TOID, OID and snapshot (each a ub4 length then
//! bytes), a ub2 version, the image's ub4 length, ub2 flags and the image
//! as a length-prefixed byte string.

use crate::buf::{malformed, DecodeResult, Reader, Writer};

const FLAG_VERSION_81: u8 = 0x80;
const FLAG_COLLECTION: u8 = 0x08;
const FLAG_NO_PREFIX_SEG: u8 = 0x04;
const FLAG_DEGENERATE: u8 = 0x10;
/// Collection flag: each element is preceded by its u32 index.
const COLL_HAS_INDEXES: u8 = 0x10;
const IMAGE_VERSION: u8 = 1;
const ATOMIC_NULL: u8 = 0xFD;
const NULL: u8 = 0xFF;
const LONG: u8 = 0xFE;
const MAX_SHORT: usize = 245;
/// Nesting the decoder follows before calling an image malformed.
const MAX_DEPTH: usize = 32;
/// The TOP_LEVEL flag of a wire value.
pub const TOP_LEVEL: u16 = 0x01;

/// What a value holds, as far as the image's layout depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Any non-LOB scalar: value bytes as TTC encodes them.
    Scalar,
    /// A LOB attribute: a locator on the wire.
    Lob(LobKind),
    Object(Vec<Shape>),
    Collection(Box<Shape>),
}

/// Which LOB a LOB attribute is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobKind {
    Clob,
    NClob,
    Blob,
}

/// A decoded image (or part of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Datum {
    Null,
    /// Scalar value bytes (or a LOB's locator or contents).
    Bytes(Vec<u8>),
    /// Attributes; `None` when atomically NULL.
    Object(Option<Vec<Datum>>),
    /// Elements; `None` when NULL.
    Collection(Option<Vec<Datum>>),
    /// An inline object's attributes already encoded (the body of its own
    /// image), written as they are. Never decoded.
    Encoded(Vec<u8>),
    /// An element of a PL/SQL index-by table under its key: such a table's
    /// image carries each key before its element, and clients read them by
    /// the type, so a collection with keyed elements is written with them.
    Keyed(i32, Box<Datum>),
}

fn length(w: &mut Vec<u8>, n: usize) {
    if n <= MAX_SHORT {
        w.push(n as u8);
    } else {
        w.push(LONG);
        w.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

fn with_length(w: &mut Vec<u8>, b: &[u8]) {
    length(w, b.len());
    w.extend_from_slice(b);
}

/// The image of a top-level object or collection.
pub fn encode_image(shape: &Shape, d: &Datum) -> Vec<u8> {
    let collection = matches!(shape, Shape::Collection(_));
    let mut out = header(collection);
    body(&mut out, shape, d);
    finish(out)
}

fn header(collection: bool) -> Vec<u8> {
    let mut out = vec![FLAG_VERSION_81, IMAGE_VERSION, LONG, 0, 0, 0, 0];
    if collection {
        out[0] |= FLAG_COLLECTION;
        out.extend_from_slice(&[1, 1]);
    } else {
        out[0] |= FLAG_NO_PREFIX_SEG;
    }
    out
}

fn finish(mut out: Vec<u8>) -> Vec<u8> {
    let n = out.len() as u32;
    out[3..7].copy_from_slice(&n.to_be_bytes());
    out
}

fn body(out: &mut Vec<u8>, shape: &Shape, d: &Datum) {
    match (shape, d) {
        (Shape::Object(attrs), Datum::Object(Some(vals))) => {
            for (s, v) in attrs.iter().zip(vals) {
                member(out, s, v, false);
            }
        }
        (Shape::Collection(elem), Datum::Collection(Some(vals))) => {
            let keyed = vals.iter().any(|v| matches!(v, Datum::Keyed(..)));
            out.push(if keyed { COLL_HAS_INDEXES } else { 0 });
            length(out, vals.len());
            for (i, v) in vals.iter().enumerate() {
                let v = match v {
                    Datum::Keyed(k, inner) => {
                        out.extend_from_slice(&k.to_be_bytes());
                        inner
                    }
                    v if keyed => {
                        let k = i32::try_from(i + 1).unwrap_or(i32::MAX);
                        out.extend_from_slice(&k.to_be_bytes());
                        v
                    }
                    v => v,
                };
                member(out, elem, v, true);
            }
        }
        _ => {}
    }
}

fn member(out: &mut Vec<u8>, shape: &Shape, d: &Datum, in_collection: bool) {
    match (shape, d) {
        (Shape::Object(_), Datum::Object(None) | Datum::Null) => out.push(ATOMIC_NULL),
        (Shape::Object(_), Datum::Object(Some(_))) if !in_collection => body(out, shape, d),
        (
            Shape::Object(_) | Shape::Collection(_),
            Datum::Object(Some(_)) | Datum::Collection(Some(_)),
        ) => with_length(out, &encode_image(shape, d)),
        (_, Datum::Encoded(b)) => out.extend_from_slice(b),
        (_, Datum::Bytes(b)) => with_length(out, b),
        _ => out.push(NULL),
    }
}

struct Image<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Image<'_> {
    fn u8(&mut self) -> DecodeResult<u8> {
        let v = *self.b.get(self.pos).ok_or_else(short)?;
        self.pos += 1;
        Ok(v)
    }
    fn take(&mut self, n: usize) -> DecodeResult<&[u8]> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.b.len());
        let end = end.ok_or_else(short)?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn length(&mut self) -> DecodeResult<usize> {
        match self.u8()? {
            LONG => {
                let b = self.take(4)?;
                Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            }
            n => Ok(n as usize),
        }
    }
}

fn short() -> crate::buf::DecodeError {
    crate::buf::DecodeError::Malformed("object image ends early".into())
}

/// Decodes a whole image of `shape`.
pub fn decode_image(shape: &Shape, b: &[u8]) -> DecodeResult<Datum> {
    decode_at(shape, b, 0)
}

fn skip_header(r: &mut Image) -> DecodeResult<()> {
    let flags = r.u8()?;
    r.u8()?; // version
    r.length()?;
    if flags & FLAG_DEGENERATE != 0 {
        return malformed("object image stored in a LOB");
    }
    if flags & FLAG_NO_PREFIX_SEG == 0 {
        let n = r.length()?;
        r.take(n)?;
    }
    Ok(())
}

fn decode_at(shape: &Shape, b: &[u8], depth: usize) -> DecodeResult<Datum> {
    if depth > MAX_DEPTH {
        return malformed("object image nests too deeply");
    }
    let mut r = Image { b, pos: 0 };
    skip_header(&mut r)?;
    let d = decode_body(&mut r, shape, depth)?;
    Ok(d)
}

fn decode_body(r: &mut Image, shape: &Shape, depth: usize) -> DecodeResult<Datum> {
    match shape {
        Shape::Object(attrs) => {
            let mut vals = Vec::with_capacity(attrs.len());
            for s in attrs {
                vals.push(decode_member(r, s, false, depth)?);
            }
            Ok(Datum::Object(Some(vals)))
        }
        Shape::Collection(elem) => {
            let flags = r.u8()?;
            let n = r.length()?;
            if n > r.b.len() {
                return malformed("object image: element count past its end");
            }
            let mut vals = Vec::with_capacity(n);
            for _ in 0..n {
                if flags & COLL_HAS_INDEXES != 0 {
                    let k = r.take(4)?;
                    let k = i32::from_be_bytes([k[0], k[1], k[2], k[3]]);
                    let v = decode_member(r, elem, true, depth)?;
                    vals.push(Datum::Keyed(k, Box::new(v)));
                } else {
                    vals.push(decode_member(r, elem, true, depth)?);
                }
            }
            Ok(Datum::Collection(Some(vals)))
        }
        _ => malformed("object image of a scalar shape"),
    }
}

fn decode_member(r: &mut Image, shape: &Shape, in_coll: bool, depth: usize) -> DecodeResult<Datum> {
    let first = *r.b.get(r.pos).ok_or_else(short)?;
    match shape {
        // An inline object's first attribute may be NULL (`FF`): only `FD`
        // makes the object itself NULL there.
        Shape::Object(_) | Shape::Collection(_)
            if first == ATOMIC_NULL
                || (first == NULL && (in_coll || matches!(shape, Shape::Collection(_)))) =>
        {
            r.pos += 1;
            Ok(match shape {
                Shape::Object(_) => Datum::Object(None),
                _ => Datum::Collection(None),
            })
        }
        Shape::Object(_) if !in_coll => decode_body(r, shape, depth + 1),
        Shape::Object(_) | Shape::Collection(_) => {
            let n = r.length()?;
            let inner = r.take(n)?;
            decode_at(shape, inner, depth + 1)
        }
        Shape::Scalar | Shape::Lob(_) => {
            if first == NULL {
                r.pos += 1;
                return Ok(Datum::Null);
            }
            let n = r.length()?;
            Ok(Datum::Bytes(r.take(n)?.to_vec()))
        }
    }
}

/// What [`Datum::map_lobs`] makes of each LOB attribute's bytes.
pub type LobMap<'a, E> = dyn FnMut(LobKind, &[u8]) -> Result<Vec<u8>, E> + 'a;

impl Datum {
    /// Replaces each LOB attribute's bytes (contents or locator) with what
    /// `f` makes of them.
    pub fn map_lobs<E>(&mut self, shape: &Shape, f: &mut LobMap<E>) -> Result<(), E> {
        match (shape, self) {
            (Shape::Lob(k), Datum::Bytes(b)) => *b = f(*k, b)?,
            (shape, Datum::Keyed(_, inner)) => inner.map_lobs(shape, f)?,
            (Shape::Object(attrs), Datum::Object(Some(vals))) => {
                for (s, v) in attrs.iter().zip(vals) {
                    v.map_lobs(s, f)?;
                }
            }
            (Shape::Collection(elem), Datum::Collection(Some(vals))) => {
                for v in vals {
                    v.map_lobs(elem, f)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// A type-109 value as TTC carries it in a row or bind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectValue {
    pub toid: Vec<u8>,
    pub oid: Vec<u8>,
    pub snapshot: Vec<u8>,
    pub version: u16,
    pub flags: u16,
    /// The pickled image; empty for NULL.
    pub image: Vec<u8>,
}

/// The TOID a value of the type with `oid` carries: a 2-byte length, the
/// OID flags, the OID and the extent OID.
pub fn toid_for(oid: &[u8]) -> Vec<u8> {
    let mut t = vec![0x00, 0x22, 0x02, 0x08];
    t.extend_from_slice(oid);
    t.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
    t
}

impl ObjectValue {
    /// The OID of the type the value's TOID names (see [`toid_for`]): a
    /// bound value says its type itself, whatever the bind's metadata said
    /// when the statement was first executed.
    pub fn type_oid(&self) -> Option<&[u8]> {
        match self.toid.get(..4) {
            Some([_, _, 0x02, 0x08]) => self.toid.get(4..20),
            _ => None,
        }
    }

    pub fn encode(&self, w: &mut Writer) {
        w.bytes_with_length(&self.toid);
        w.bytes_with_length(&self.oid);
        w.bytes_with_length(&self.snapshot);
        w.ub2(self.version);
        w.ub4(self.image.len() as u32);
        w.ub2(self.flags);
        if !self.image.is_empty() {
            w.bytes(&self.image);
        }
    }

    pub fn decode(r: &mut Reader) -> DecodeResult<ObjectValue> {
        let toid = r.bytes_with_length()?.unwrap_or_default();
        let oid = r.bytes_with_length()?.unwrap_or_default();
        let snapshot = r.bytes_with_length()?.unwrap_or_default();
        let version = r.ub2()?;
        let len = r.ub4()?;
        let flags = r.ub2()?;
        let image = if len > 0 {
            r.bytes()?.unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok(ObjectValue {
            toid,
            oid,
            snapshot,
            version,
            flags,
            image,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub() -> Shape {
        Shape::Object(vec![Shape::Scalar, Shape::Scalar])
    }

    #[test]
    fn object_with_inline_object_and_collection_round_trips() {
        let shape = Shape::Object(vec![
            Shape::Scalar,
            Shape::Lob(LobKind::Clob),
            sub(),
            Shape::Collection(Box::new(sub())),
        ]);
        let d = Datum::Object(Some(vec![
            Datum::Bytes(vec![0xc1, 0x02]),
            Datum::Bytes(b"clob".to_vec()),
            Datum::Object(Some(vec![Datum::Null, Datum::Bytes(b"x".to_vec())])),
            Datum::Collection(Some(vec![
                Datum::Object(Some(vec![Datum::Bytes(vec![0xc1, 0x06]), Datum::Null])),
                Datum::Object(None),
            ])),
        ]));
        let img = encode_image(&shape, &d);
        assert_eq!(&img[..3], &[0x84, 1, 0xFE]);
        assert_eq!(
            u32::from_be_bytes(img[3..7].try_into().unwrap()) as usize,
            img.len()
        );
        // NUMBER 1, the LOB's bytes, the inline object (NULL, 'x').
        assert_eq!(
            &img[7..18],
            &[2, 0xc1, 0x02, 4, b'c', b'l', b'o', b'b', 0xFF, 1, b'x']
        );
        // The collection: a nested image, its length first.
        assert_eq!(img[18] as usize, img.len() - 19);
        assert_eq!(img[19], 0x88);
        assert_eq!(decode_image(&shape, &img).unwrap(), d);
        let null_sub = Datum::Object(Some(vec![
            Datum::Null,
            Datum::Null,
            Datum::Object(None),
            Datum::Collection(None),
        ]));
        let img = encode_image(&shape, &null_sub);
        assert_eq!(&img[7..], &[0xFF, 0xFF, 0xFD, 0xFF]);
        assert_eq!(decode_image(&shape, &img).unwrap(), null_sub);
    }

    #[test]
    fn index_tables_keep_their_keys() {
        let shape = Shape::Collection(Box::new(Shape::Scalar));
        let d = Datum::Collection(Some(vec![
            Datum::Keyed(-5, Box::new(Datum::Bytes(vec![0xC1, 0x02]))),
            Datum::Keyed(7, Box::new(Datum::Null)),
            Datum::Keyed(1_000_000, Box::new(Datum::Bytes(vec![0x80]))),
        ]));
        let img = encode_image(&shape, &d);
        assert_eq!(img[7..9], [1, 1]);
        assert_eq!(img[9], COLL_HAS_INDEXES);
        assert_eq!(img[10], 3);
        assert_eq!(img[11..15], (-5i32).to_be_bytes());
        assert_eq!(decode_image(&shape, &img).unwrap(), d);
        assert!(decode_image(&shape, &img[..img.len() - 1]).is_err());
        // A collection without keys has none in its image.
        let plain = Datum::Collection(Some(vec![Datum::Null]));
        assert_eq!(encode_image(&shape, &plain)[9], 0);
    }

    #[test]
    fn collection_images_have_a_prefix_segment() {
        let shape = Shape::Collection(Box::new(Shape::Scalar));
        let d = Datum::Collection(Some(vec![Datum::Bytes(vec![0xc1, 0x06]), Datum::Null]));
        let img = encode_image(&shape, &d);
        assert_eq!(
            img,
            [0x88, 1, 0xFE, 0, 0, 0, 15, 1, 1, 0, 2, 2, 0xc1, 0x06, 0xFF]
        );
        assert_eq!(decode_image(&shape, &img).unwrap(), d);
    }

    #[test]
    fn long_values_take_the_long_length_form_and_round_trip() {
        let shape = Shape::Object(vec![Shape::Scalar, Shape::Scalar]);
        let long = vec![b'x'; 300];
        let d = Datum::Object(Some(vec![
            Datum::Bytes(long.clone()),
            Datum::Bytes(vec![b'y'; 245]),
        ]));
        let img = encode_image(&shape, &d);
        // FE and a big-endian u32 for 300 bytes; 245 still fits one byte.
        assert_eq!(&img[7..12], &[0xFE, 0, 0, 0x01, 0x2C]);
        assert_eq!(img[12 + 300], 245);
        assert_eq!(decode_image(&shape, &img).unwrap(), d);
    }

    #[test]
    fn collections_of_collections_and_of_objects_round_trip() {
        let inner = Shape::Collection(Box::new(Shape::Scalar));
        let shape = Shape::Collection(Box::new(inner));
        let d = Datum::Collection(Some(vec![
            Datum::Collection(Some(vec![Datum::Bytes(vec![0xC1, 0x02]), Datum::Null])),
            Datum::Collection(None),
            Datum::Collection(Some(Vec::new())),
        ]));
        let img = encode_image(&shape, &d);
        assert_eq!(decode_image(&shape, &img).unwrap(), d);
        // Objects as elements: a NULL one and one whose attributes are all NULL differ.
        let objs = Shape::Collection(Box::new(sub()));
        let d = Datum::Collection(Some(vec![
            Datum::Object(None),
            Datum::Object(Some(vec![Datum::Null, Datum::Null])),
        ]));
        let img = encode_image(&objs, &d);
        assert_eq!(decode_image(&objs, &img).unwrap(), d);
        // Many elements: the count takes the long form too.
        let many = Datum::Collection(Some(vec![Datum::Null; 1000]));
        let scalars = Shape::Collection(Box::new(Shape::Scalar));
        let img = encode_image(&scalars, &many);
        assert_eq!(&img[10..15], &[0xFE, 0, 0, 0x03, 0xE8]);
        assert_eq!(decode_image(&scalars, &img).unwrap(), many);
    }

    #[test]
    fn bad_images_are_errors_not_panics() {
        let shape = Shape::Object(vec![Shape::Scalar, sub()]);
        for bad in [
            &[][..],
            &[0x84, 1],
            &[0x84, 1, 9, 5, 1],
            &[0x94, 1, 9, 1, 1, 1],
            &[0x84, 1, 0xFE, 0, 0, 0],
            &[0x84, 1, 9, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF],
        ] {
            assert!(decode_image(&shape, bad).is_err(), "{bad:?}");
        }
        let coll = Shape::Collection(Box::new(Shape::Scalar));
        assert!(decode_image(&coll, &[0x88, 1, 9, 1, 1, 0, 0xFE, 0x7F, 0, 0, 0]).is_err());
    }

    #[test]
    fn wire_value_round_trips() {
        let v = ObjectValue {
            toid: toid_for(&[7; 16]),
            oid: Vec::new(),
            snapshot: Vec::new(),
            version: 1,
            flags: TOP_LEVEL,
            image: encode_image(&sub(), &Datum::Object(Some(vec![Datum::Null, Datum::Null]))),
        };
        let mut w = Writer::new();
        v.encode(&mut w);
        let bytes = w.into_inner();
        let mut r = Reader::new(&bytes);
        assert_eq!(ObjectValue::decode(&mut r).unwrap(), v);
        assert_eq!(v.toid.len(), 36);
    }

    /// python-oracledb 4.0.2 (thin) binding `CAP_SUB(7, 'seven')` and
    /// `CAP_SUBS(that, NULL)` (a VARRAY of CAP_SUB) to an INSERT: the two
    /// values of its bind row, captured between it and the test server.
    const PYTHON_BINDS: &[u8] = &[
        0x01, 0x24, 0x24, 0x00, 0x22, 0x02, 0x08, 0xcd, 0xbc, 0xe9, 0x57, 0x5b, 0xa6, 0xe4, 0xc7,
        0x15, 0xf7, 0x8c, 0x3f, 0x0e, 0xf5, 0xd6, 0xa8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x01,
        0x01, 0x10, 0x84, 0x01, 0xfe, 0x00, 0x00, 0x00, 0x10, 0x02, 0xc1, 0x08, 0x05, 0x73, 0x65,
        0x76, 0x65, 0x6e, 0x01, 0x24, 0x24, 0x00, 0x22, 0x02, 0x08, 0x3e, 0xe5, 0x13, 0x70, 0xbc,
        0x96, 0x67, 0x7c, 0x49, 0x7a, 0x4a, 0x26, 0x6b, 0xbc, 0x4c, 0x81, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x1d, 0x01, 0x01, 0x1d, 0x88, 0x01, 0xfe, 0x00, 0x00, 0x00, 0x1d, 0x01, 0x01, 0x00,
        0x02, 0x10, 0x84, 0x01, 0xfe, 0x00, 0x00, 0x00, 0x10, 0x02, 0xc1, 0x08, 0x05, 0x73, 0x65,
        0x76, 0x65, 0x6e, 0xfd,
    ];

    #[test]
    fn python_oracledb_bind_values_decode_and_encode_alike() {
        let mut r = Reader::new(PYTHON_BINDS);
        let obj = ObjectValue::decode(&mut r).unwrap();
        let arr = ObjectValue::decode(&mut r).unwrap();
        assert_eq!(r.remaining(), 0);
        assert_eq!(obj.toid, toid_for(&PYTHON_BINDS[7..23]));
        assert_eq!((obj.flags, obj.version), (TOP_LEVEL, 0));
        let seven = Datum::Object(Some(vec![
            Datum::Bytes(vec![0xc1, 0x08]),
            Datum::Bytes(b"seven".to_vec()),
        ]));
        assert_eq!(decode_image(&sub(), &obj.image).unwrap(), seven);
        // Our encoder writes the very image python-oracledb wrote.
        assert_eq!(encode_image(&sub(), &seven), obj.image);
        let subs = Shape::Collection(Box::new(sub()));
        let both = Datum::Collection(Some(vec![seven, Datum::Object(None)]));
        assert_eq!(decode_image(&subs, &arr.image).unwrap(), both);
        assert_eq!(encode_image(&subs, &both), arr.image);
    }

    /// python-oracledb packs a PL/SQL index table with each element's
    /// index before it (collection flag 0x10): decoded, each keeps its key,
    /// and it encodes back to the same bytes.
    #[test]
    fn index_table_elements_come_with_their_keys() {
        let mut image = vec![0x88, 1, LONG, 0, 0, 0, 0, 1, 1, 0x10, 2];
        image.extend_from_slice(&[0, 0, 0, 1, 2, 0xC1, 0x02]);
        image.extend_from_slice(&[0, 0, 0, 5, NULL]);
        let n = image.len() as u8;
        image[6] = n;
        let shape = Shape::Collection(Box::new(Shape::Scalar));
        let d = Datum::Collection(Some(vec![
            Datum::Keyed(1, Box::new(Datum::Bytes(vec![0xC1, 0x02]))),
            Datum::Keyed(5, Box::new(Datum::Null)),
        ]));
        assert_eq!(decode_image(&shape, &image).unwrap(), d);
        assert_eq!(encode_image(&shape, &d), image);
        // A key cut short is malformed, not a panic.
        assert!(decode_image(&shape, &image[..13]).is_err());
    }
}
