//! VECTOR (Oracle 23ai): the image both sides exchange inside a LOB-like
//! value. Header: magic 0xDB, version (0 dense, 1 binary, 2 sparse), flags
//! (u16 big-endian), storage format, element count (u32 big-endian: the
//! dimensions; bits for BINARY), an 8-byte norm slot when a norm flag is
//! set; then, for a sparse vector, a u16 count and that many u32 indices;
//! then the values (FLOAT32/FLOAT64 in BINARY_FLOAT/DOUBLE's byte order,
//! INT8 as signed bytes, BINARY as packed bits).

use super::{float, ValueError};

pub const MAGIC: u8 = 0xDB;
const VERSION_BASE: u8 = 0;
const VERSION_BINARY: u8 = 1;
const VERSION_SPARSE: u8 = 2;
const FLAG_NORM: u16 = 0x0002;
const FLAG_NORM_RESERVED: u16 = 0x0010;
const FLAG_SPARSE: u16 = 0x0020;
/// Oracle's largest dimension count; larger images are refused, so that a
/// sparse vector cannot ask for gigabytes when made dense.
pub const MAX_DIMS: u32 = 65535;

/// Storage formats, as numbered in images and column metadata (0: any).
pub mod format {
    pub const FLEX: u8 = 0;
    pub const FLOAT32: u8 = 2;
    pub const FLOAT64: u8 = 3;
    pub const INT8: u8 = 4;
    pub const BINARY: u8 = 5;
}

/// Column metadata flags (describe info).
pub mod meta_flag {
    pub const FLEXIBLE_DIM: u8 = 0x01;
    pub const SPARSE: u8 = 0x02;
}

/// The values of a vector, one variant per storage format.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Float32(Vec<f32>),
    Float64(Vec<f64>),
    Int8(Vec<i8>),
    /// Packed bits, 8 dimensions a byte.
    Binary(Vec<u8>),
}

impl Values {
    pub fn format(&self) -> u8 {
        match self {
            Values::Float32(_) => format::FLOAT32,
            Values::Float64(_) => format::FLOAT64,
            Values::Int8(_) => format::INT8,
            Values::Binary(_) => format::BINARY,
        }
    }

    /// Elements stored (bytes for BINARY).
    pub fn len(&self) -> usize {
        match self {
            Values::Float32(v) => v.len(),
            Values::Float64(v) => v.len(),
            Values::Int8(v) => v.len(),
            Values::Binary(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `i` as f64 (BINARY: byte `i`).
    pub fn get(&self, i: usize) -> f64 {
        match self {
            Values::Float32(v) => f64::from(v[i]),
            Values::Float64(v) => v[i],
            Values::Int8(v) => f64::from(v[i]),
            Values::Binary(v) => f64::from(v[i]),
        }
    }
}

/// A decoded vector. `indices` is `Some` for a sparse vector: `values[k]`
/// is dimension `indices[k]`, every other dimension is zero.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    pub dims: u32,
    pub values: Values,
    pub indices: Option<Vec<u32>>,
}

impl Vector {
    /// A dense vector (dims from the values; 8 a byte for BINARY).
    pub fn dense(values: Values) -> Vector {
        let n = values.len() as u32;
        let dims = if matches!(values, Values::Binary(_)) {
            n.saturating_mul(8)
        } else {
            n
        };
        Vector {
            dims,
            values,
            indices: None,
        }
    }

    pub fn is_sparse(&self) -> bool {
        self.indices.is_some()
    }

    /// Every dimension's value as f64, zeros filled in (BINARY: one bit each).
    pub fn to_dense_f64(&self) -> Vec<f64> {
        if let Values::Binary(b) = &self.values {
            return (0..self.dims as usize)
                .map(|i| f64::from((b.get(i / 8).copied().unwrap_or(0) >> (7 - i % 8)) & 1))
                .collect();
        }
        match &self.indices {
            None => (0..self.values.len()).map(|i| self.values.get(i)).collect(),
            Some(ix) => {
                let mut out = vec![0.0; self.dims as usize];
                for (k, &i) in ix.iter().enumerate() {
                    if let (Some(o), true) = (out.get_mut(i as usize), k < self.values.len()) {
                        *o = self.values.get(k);
                    }
                }
                out
            }
        }
    }
}

fn bad(msg: impl Into<String>) -> ValueError {
    ValueError::new(
        51805,
        format!("ORA-51805: Invalid vector image: {}", msg.into()),
    )
}

/// The image of `v`; the norm slot is written as zeros (readers skip it).
pub fn encode(v: &Vector) -> Result<Vec<u8>, ValueError> {
    let max = if matches!(v.values, Values::Binary(_)) {
        MAX_DIMS * 8
    } else {
        MAX_DIMS
    };
    if v.dims > max {
        return Err(bad(format!("{} dimensions, more than {max}", v.dims)));
    }
    let sparse = v.indices.is_some();
    let (version, mut flags) = if sparse {
        (VERSION_SPARSE, FLAG_NORM_RESERVED | FLAG_SPARSE | FLAG_NORM)
    } else if matches!(v.values, Values::Binary(_)) {
        (VERSION_BINARY, FLAG_NORM_RESERVED)
    } else {
        (VERSION_BASE, FLAG_NORM_RESERVED | FLAG_NORM)
    };
    if sparse && matches!(v.values, Values::Binary(_)) {
        return Err(bad("a sparse vector cannot be BINARY"));
    }
    flags &= 0xFFFF;
    let mut out = Vec::with_capacity(17 + v.values.len() * 8);
    out.extend_from_slice(&[MAGIC, version]);
    out.extend_from_slice(&flags.to_be_bytes());
    out.push(v.values.format());
    out.extend_from_slice(&v.dims.to_be_bytes());
    out.extend_from_slice(&[0; 8]);
    if let Some(ix) = &v.indices {
        let n = u16::try_from(ix.len()).map_err(|_| bad("too many sparse elements"))?;
        if ix.len() != v.values.len() {
            return Err(bad("sparse indices and values differ in length"));
        }
        out.extend_from_slice(&n.to_be_bytes());
        for &i in ix {
            out.extend_from_slice(&i.to_be_bytes());
        }
    } else if v.dims as usize != dense_len(v) {
        return Err(bad("dimensions and values differ"));
    }
    match &v.values {
        Values::Float32(x) => x.iter().for_each(|f| out.extend(float::encode_f32(*f))),
        Values::Float64(x) => x.iter().for_each(|f| out.extend(float::encode_f64(*f))),
        Values::Int8(x) => out.extend(x.iter().map(|&i| i as u8)),
        Values::Binary(x) => out.extend_from_slice(x),
    }
    Ok(out)
}

fn dense_len(v: &Vector) -> usize {
    match &v.values {
        Values::Binary(b) => b.len() * 8,
        other => other.len(),
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ValueError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| bad("image ends early"))?;
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, ValueError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, ValueError> {
        Ok(u16::from_be_bytes(
            self.take(2)?.try_into().unwrap_or([0; 2]),
        ))
    }

    fn u32(&mut self) -> Result<u32, ValueError> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().unwrap_or([0; 4]),
        ))
    }
}

/// Reads an image; anything malformed is ORA-51805, never a panic.
pub fn decode(b: &[u8]) -> Result<Vector, ValueError> {
    let mut c = Cursor { b, at: 0 };
    if c.u8()? != MAGIC {
        return Err(bad("wrong magic byte"));
    }
    let version = c.u8()?;
    if version > VERSION_SPARSE {
        return Err(bad(format!("version {version}")));
    }
    let flags = c.u16()?;
    let fmt = c.u8()?;
    let dims = c.u32()?;
    let max = if fmt == format::BINARY {
        MAX_DIMS * 8
    } else {
        MAX_DIMS
    };
    if dims > max {
        return Err(bad(format!("{dims} dimensions, more than {max}")));
    }
    if flags & (FLAG_NORM | FLAG_NORM_RESERVED) != 0 {
        c.take(8)?;
    }
    let indices = if flags & FLAG_SPARSE != 0 {
        let n = c.u16()? as usize;
        let mut ix = Vec::with_capacity(n);
        for _ in 0..n {
            let i = c.u32()?;
            if i >= dims {
                return Err(bad("sparse index out of range"));
            }
            ix.push(i);
        }
        Some(ix)
    } else {
        None
    };
    let n = match (&indices, fmt) {
        (Some(ix), _) => ix.len(),
        (None, format::BINARY) if dims % 8 != 0 => {
            return Err(bad("BINARY dimensions not a multiple of 8"))
        }
        (None, format::BINARY) => dims as usize / 8,
        (None, _) => dims as usize,
    };
    let values = match fmt {
        format::FLOAT32 => Values::Float32(
            c.take(n.checked_mul(4).ok_or_else(|| bad("too long"))?)?
                .chunks_exact(4)
                .map(|x| float::decode_f32(x).unwrap_or(0.0))
                .collect(),
        ),
        format::FLOAT64 => Values::Float64(
            c.take(n.checked_mul(8).ok_or_else(|| bad("too long"))?)?
                .chunks_exact(8)
                .map(|x| float::decode_f64(x).unwrap_or(0.0))
                .collect(),
        ),
        format::INT8 => Values::Int8(c.take(n)?.iter().map(|&x| x as i8).collect()),
        format::BINARY if indices.is_none() => Values::Binary(c.take(n)?.to_vec()),
        f => return Err(bad(format!("storage format {f}"))),
    };
    if c.at != b.len() {
        return Err(bad("trailing bytes"));
    }
    Ok(Vector {
        dims,
        values,
        indices,
    })
}

/// One value as Oracle writes it in text: floats in scientific notation
/// (`1.5E+003`), INT8 and BINARY as integers.
fn value_text(v: &Values, i: usize, out: &mut String) {
    use std::fmt::Write;
    let sci = |s: String, out: &mut String| {
        let (m, e) = s.split_once('E').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let m = if m.contains('.') || m.contains("inf") || m.contains("NaN") {
            m.to_string()
        } else {
            format!("{m}.0")
        };
        let sign = if e < 0 { '-' } else { '+' };
        let _ = write!(out, "{m}E{sign}{:03}", e.abs());
    };
    match v {
        Values::Float32(x) => sci(format!("{:E}", x[i]), out),
        Values::Float64(x) => sci(format!("{:E}", x[i]), out),
        Values::Int8(x) => {
            let _ = write!(out, "{}", x[i]);
        }
        Values::Binary(x) => {
            let _ = write!(out, "{}", x[i]);
        }
    }
}

fn list_text(v: &Values, out: &mut String) {
    out.push('[');
    for i in 0..v.len() {
        if i > 0 {
            out.push(',');
        }
        value_text(v, i, out);
    }
    out.push(']');
}

impl Vector {
    /// Oracle's text form: `[v1,v2,…]`, or `[dims,[indices],[values]]`
    /// for a sparse vector.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        match &self.indices {
            None => list_text(&self.values, &mut out),
            Some(ix) => {
                let ix: Vec<String> = ix.iter().map(u32::to_string).collect();
                out.push_str(&format!("[{},[{}],", self.dims, ix.join(",")));
                list_text(&self.values, &mut out);
                out.push(']');
            }
        }
        out
    }

    /// The same vector with every dimension present (zeros filled in).
    pub fn densified(&self) -> Vector {
        if self.indices.is_none() {
            return self.clone();
        }
        let d = self.to_dense_f64();
        let values = match self.values.format() {
            format::FLOAT32 => Values::Float32(d.iter().map(|&x| x as f32).collect()),
            format::INT8 => Values::Int8(d.iter().map(|&x| x as i8).collect()),
            _ => Values::Float64(d),
        };
        Vector::dense(values)
    }
}

/// A vector parsed from text, before a storage format is chosen: dense
/// numbers, or (sparse) the dimensions, indices and values.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub values: Vec<f64>,
    pub sparse: Option<(u32, Vec<u32>)>,
}

fn parse_err(msg: &str) -> ValueError {
    ValueError::new(
        51801,
        format!("ORA-51801: VECTOR string contains invalid characters: {msg}"),
    )
}

struct Text<'a> {
    s: &'a [u8],
    at: usize,
}

impl Text<'_> {
    fn blanks(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.blanks();
        if self.s.get(self.at) == Some(&c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> Result<f64, ValueError> {
        self.blanks();
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c))
        {
            self.at += 1;
        }
        let t = std::str::from_utf8(&self.s[start..self.at]).unwrap_or("");
        t.parse().map_err(|_| parse_err(t))
    }

    fn list(&mut self) -> Result<Vec<f64>, ValueError> {
        if !self.eat(b'[') {
            return Err(parse_err("expected ["));
        }
        let mut out = Vec::new();
        if self.eat(b']') {
            return Ok(out);
        }
        loop {
            out.push(self.number()?);
            if self.eat(b']') {
                return Ok(out);
            }
            if !self.eat(b',') {
                return Err(parse_err("expected , or ]"));
            }
        }
    }
}

/// Parses `[1, 2.5, -3e2]` or the sparse `[dims, [indices], [values]]`.
pub fn parse_text(s: &str) -> Result<Parsed, ValueError> {
    let mut t = Text {
        s: s.as_bytes(),
        at: 0,
    };
    let probe = {
        let mut p = Text {
            s: s.as_bytes(),
            at: 0,
        };
        p.eat(b'[') && p.number().is_ok() && p.eat(b',') && p.eat(b'[')
    };
    let parsed = if probe {
        t.eat(b'[');
        let dims = t.number()?;
        t.eat(b',');
        let ix = t.list()?;
        if !t.eat(b',') {
            return Err(parse_err("expected , after the indices"));
        }
        let values = t.list()?;
        if !t.eat(b']') {
            return Err(parse_err("expected ]"));
        }
        let whole = |x: f64| x >= 0.0 && x.fract() == 0.0 && x <= f64::from(MAX_DIMS);
        if !whole(dims) || !ix.iter().all(|&i| whole(i)) || ix.len() != values.len() {
            return Err(parse_err("bad sparse vector"));
        }
        let ix: Vec<u32> = ix.iter().map(|&i| i as u32).collect();
        if ix.iter().any(|&i| i >= dims as u32) {
            return Err(parse_err("sparse index out of range"));
        }
        Parsed {
            values,
            sparse: Some((dims as u32, ix)),
        }
    } else {
        Parsed {
            values: t.list()?,
            sparse: None,
        }
    };
    t.blanks();
    if t.at != t.s.len() {
        return Err(parse_err("text after the vector"));
    }
    Ok(parsed)
}

/// A value-based locator, as clients send with a bound VECTOR (readers
/// discard it: the image travels with it).
fn qlocator(len: u64) -> [u8; 40] {
    let mut l = [0u8; 40];
    l[1] = 38;
    l[3] = 4; // locator version
    l[4] = 0x20 | 0x01 | 0x40; // value based, BLOB, abstract
    l[5] = 0x08; // initialized
    l[9] = 1;
    l[10..18].copy_from_slice(&len.to_be_bytes());
    l
}

/// Writes a VECTOR column or bind value: LOB-like, the image prefetched
/// (`ub4` locator length, `ub8` size, `ub4` chunk size, image, locator);
/// NULL is `ub4 0`. With `bind`, the form a client binds: locator, image.
pub fn write_wire(w: &mut crate::buf::Writer, image: Option<&[u8]>, bind: bool) {
    let Some(img) = image else {
        w.ub4(0);
        return;
    };
    let loc = qlocator(img.len() as u64);
    w.ub4(loc.len() as u32);
    if bind {
        w.bytes(&loc).bytes(img);
    } else {
        w.ub8(img.len() as u64)
            .ub4(img.len() as u32)
            .bytes(img)
            .bytes(&loc);
    }
}

/// Reads what [`write_wire`] writes: the image, `None` for NULL.
pub fn read_wire(
    r: &mut crate::buf::Reader,
    bind: bool,
) -> crate::buf::DecodeResult<Option<Vec<u8>>> {
    if r.ub4()? == 0 {
        return Ok(None);
    }
    if bind {
        r.skip_bytes()?;
        return r.bytes();
    }
    r.ub8()?;
    r.ub4()?;
    let img = r.bytes()?;
    r.skip_bytes()?;
    Ok(img)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(v: Vector) {
        let img = encode(&v).unwrap();
        assert_eq!(decode(&img).unwrap(), v);
    }

    #[test]
    fn every_format_round_trips_dense_and_sparse() {
        round_trip(Vector::dense(Values::Float32(vec![1.5, -2.25, 0.0])));
        round_trip(Vector::dense(Values::Float64(vec![6423.5, -1e300])));
        round_trip(Vector::dense(Values::Int8(vec![-128, 0, 127])));
        round_trip(Vector::dense(Values::Binary(vec![0xA5, 0x01])));
        round_trip(Vector {
            dims: 8,
            values: Values::Float64(vec![34.6, 77.8]),
            indices: Some(vec![0, 7]),
        });
        round_trip(Vector {
            dims: 100,
            values: Values::Int8(vec![]),
            indices: Some(vec![]),
        });
    }

    #[test]
    fn dense_float64_image_matches_python_oracledb_bytes() {
        // array.array('d', [1, 2]) as python-oracledb 4.0 encodes it.
        let img = [
            0xDB, 0x00, 0x00, 0x12, 0x03, 0x00, 0x00, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0xBF,
            0xF0, 0, 0, 0, 0, 0, 0, 0xC0, 0x00, 0, 0, 0, 0, 0, 0,
        ];
        let v = decode(&img).unwrap();
        assert_eq!(v, Vector::dense(Values::Float64(vec![1.0, 2.0])));
        assert_eq!(encode(&v).unwrap(), img);
    }

    #[test]
    fn wire_forms_round_trip() {
        let img = encode(&Vector::dense(Values::Int8(vec![1, 2]))).unwrap();
        for bind in [false, true] {
            let mut w = crate::buf::Writer::new();
            write_wire(&mut w, Some(&img), bind);
            write_wire(&mut w, None, bind);
            let buf = w.into_inner();
            let mut r = crate::buf::Reader::new(&buf);
            assert_eq!(read_wire(&mut r, bind).unwrap(), Some(img.clone()));
            assert_eq!(read_wire(&mut r, bind).unwrap(), None);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn text_forms_parse_and_print() {
        let p = parse_text(" [1, -2.5e1 ,3]").unwrap();
        assert_eq!((p.values, p.sparse), (vec![1.0, -25.0, 3.0], None));
        let p = parse_text("[8, [0, 7], [34.6, 77.8]]").unwrap();
        assert_eq!(p.sparse, Some((8, vec![0, 7])));
        assert_eq!(p.values, vec![34.6, 77.8]);
        assert!(parse_text("[1, x]").is_err());
        assert!(parse_text("[1, 2").is_err());
        assert!(parse_text("[8, [9], [1]]").is_err());
        let v = Vector::dense(Values::Float64(vec![1.0, -1500.0, 0.125]));
        assert_eq!(v.to_text(), "[1.0E+000,-1.5E+003,1.25E-001]");
        let s = Vector {
            dims: 16,
            values: Values::Int8(vec![2, -45]),
            indices: Some(vec![1, 15]),
        };
        assert_eq!(s.to_text(), "[16,[1,15],[2,-45]]");
    }

    #[test]
    fn sparse_and_binary_expand_to_dense() {
        let v = Vector {
            dims: 4,
            values: Values::Float32(vec![2.0]),
            indices: Some(vec![2]),
        };
        assert_eq!(v.to_dense_f64(), vec![0.0, 0.0, 2.0, 0.0]);
        let b = Vector::dense(Values::Binary(vec![0b1000_0001]));
        assert_eq!(b.to_dense_f64(), vec![1., 0., 0., 0., 0., 0., 0., 1.]);
    }

    #[test]
    fn malformed_images_are_errors_not_panics() {
        let good = encode(&Vector {
            dims: 9,
            values: Values::Float32(vec![1.0, 2.0]),
            indices: Some(vec![1, 8]),
        })
        .unwrap();
        for n in 0..good.len() {
            let e = decode(&good[..n]).unwrap_err();
            assert_eq!(e.code, 51805);
        }
        let mut wrong = good.clone();
        wrong[0] = 0;
        assert!(decode(&wrong).is_err());
        let mut idx = good.clone();
        idx[22..26].copy_from_slice(&100u32.to_be_bytes());
        assert!(decode(&idx).is_err());
        let mut wide = good.clone();
        wide[5..9].copy_from_slice(&(MAX_DIMS + 1).to_be_bytes());
        assert!(decode(&wide).is_err());
        let mut huge = good.clone();
        huge[5..9].copy_from_slice(&u32::MAX.to_be_bytes());
        huge[2..4].copy_from_slice(&0x0010u16.to_be_bytes());
        assert!(decode(&huge).is_err());
        let mut fmt = good;
        fmt[4] = 9;
        assert!(decode(&fmt).is_err());
        // Every byte string of length up to 3 and a few random ones.
        let mut seed = 7u32;
        for _ in 0..2000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let len = (seed >> 24) as usize % 40;
            let mut b: Vec<u8> = (0..len).map(|i| (seed >> (i % 24)) as u8).collect();
            if !b.is_empty() {
                b[0] = MAGIC;
            }
            let _ = decode(&b);
        }
    }
}
