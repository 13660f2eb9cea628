//! VECTOR columns and functions (Oracle 23ai). A column is kept as a BLOB
//! holding the wire image (`oradb_protocol::value::vector`); its declared
//! type carries dimensions, storage format and flags, which `ColumnInfo`
//! holds as size, precision and scale. Writes go through the column checks
//! (column_check.rs): a value of another format is converted, a wrong
//! dimension count is ORA-51803, an INT8 value out of range ORA-51806.

use crate::describe::Hint;
use oradb_protocol::value::ora_type;
use oradb_protocol::value::vector::{self, format, meta_flag, Values, Vector};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;

use super::lexer::{Tok, Token};
use super::{ColumnInfo, SqlError};

fn ora(msg: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.into().into())
}

fn format_code(w: &str) -> Option<u8> {
    Some(match w.to_ascii_uppercase().as_str() {
        "*" => format::FLEX,
        "FLOAT32" => format::FLOAT32,
        "FLOAT64" => format::FLOAT64,
        "INT8" => format::INT8,
        "BINARY" => format::BINARY,
        _ => return None,
    })
}

fn format_name(f: u8) -> &'static str {
    match f {
        format::FLOAT32 => "FLOAT32",
        format::FLOAT64 => "FLOAT64",
        format::INT8 => "INT8",
        format::BINARY => "BINARY",
        _ => "*",
    }
}

/// The column of a VECTOR type: dimensions (0: any), format, metadata flags.
pub fn column(dims: u32, fmt: u8, sparse: bool) -> ColumnInfo {
    let mut flags = if sparse { meta_flag::SPARSE } else { 0 };
    if dims == 0 {
        flags |= meta_flag::FLEXIBLE_DIM;
    }
    ColumnInfo {
        name: String::new(),
        ora_type: ora_type::VECTOR,
        size: dims,
        char_size: dims,
        precision: fmt as i8,
        scale: flags as i8,
        nullable: true,
        object_type: None,
        national: false,
        uds_flags: 0,
    }
}

/// The hint of a compound query's VECTOR item from its first branch's
/// (`h`) and the later branches' (`other`): dimensions and format where
/// they agree, flexible where they differ (so `INT8 UNION ALL FLOAT32` is
/// of any format); values decide when a later branch's is not known.
/// Other hints are kept.
pub(crate) fn merge_hint(h: Hint, other: Option<&Hint>) -> Hint {
    let Hint::Typed(a) = &h else { return h };
    if a.ora_type != ora_type::VECTOR {
        return h;
    }
    let Some(Hint::Typed(b)) =
        other.filter(|o| matches!(o, Hint::Typed(b) if b.ora_type == ora_type::VECTOR))
    else {
        return Hint::Unknown;
    };
    let ((da, fa, la), (db, fb, lb)) = (spec(a), spec(b));
    let dims = if da == db { da } else { 0 };
    let fmt = if fa == fb { fa } else { format::FLEX };
    let sparse = la & lb & meta_flag::SPARSE != 0;
    Hint::Typed(column(dims, fmt, sparse))
}

/// `(dims, format, flags)` of a VECTOR column.
pub fn spec(c: &ColumnInfo) -> (u32, u8, u8) {
    (c.size, c.precision as u8, c.scale as u8)
}

/// The arguments of `VECTOR(…)` in DDL: `[n|*][, fmt|*][, DENSE|SPARSE]`,
/// as the numbers `oracle_type` takes (dims, format, sparse).
pub fn type_args(inner: &[Token]) -> Result<Vec<i64>, SqlError> {
    let bad = || super::errors::err(902, "invalid datatype");
    let parts: Vec<&[Token]> = inner.split(|t| t.is_op(",")).collect();
    if parts.len() > 3 || parts.iter().any(|p| p.len() != 1) {
        return Err(bad());
    }
    let word = |p: &[Token]| match &p[0].tok {
        Tok::Word(w) | Tok::Op(w) | Tok::Number(w) => w.to_ascii_uppercase(),
        _ => String::new(),
    };
    let dims = match parts.first().map(|p| word(p)).as_deref() {
        None | Some("*") => 0,
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|&n| n <= 65535)
            .ok_or_else(bad)?,
    };
    let fmt = match parts.get(1) {
        None => format::FLEX,
        Some(p) => format_code(&word(p)).ok_or_else(bad)?,
    };
    let sparse = match parts.get(2).map(|p| word(p)).as_deref() {
        None | Some("DENSE") => 0,
        Some("SPARSE") => 1,
        _ => return Err(bad()),
    };
    Ok(vec![i64::from(dims), i64::from(fmt), sparse])
}

/// `VEC_<dims>_<format>_<flags>`: the declared-type part of a column.
pub fn decl_part(c: &ColumnInfo) -> String {
    let (d, f, fl) = spec(c);
    format!("BLOB_VEC_{d}_{f}_{fl}")
}

/// Reads back [`decl_part`]'s numbers.
pub fn from_decl(nums: &[Option<i64>]) -> ColumnInfo {
    let n = |i: usize| nums.get(i).copied().flatten().unwrap_or(0);
    let flags = n(2) as u8;
    column(n(0) as u32, n(1) as u8, flags & meta_flag::SPARSE != 0)
}

fn parse_text(s: &str) -> Result<Vector, rusqlite::Error> {
    let p = vector::parse_text(s).map_err(|e| ora(e.message))?;
    let dims = p.sparse.as_ref().map_or(p.values.len() as u32, |s| s.0);
    Ok(Vector {
        dims,
        values: Values::Float64(p.values),
        indices: p.sparse.map(|s| s.1),
    })
}

/// The vector in a stored or bound value: an image, or text to parse.
pub fn read(v: ValueRef) -> Result<Option<Vector>, rusqlite::Error> {
    match v {
        ValueRef::Null => Ok(None),
        ValueRef::Blob(b) => vector::decode(b).map(Some).map_err(|e| ora(e.message)),
        ValueRef::Text(t) => parse_text(&String::from_utf8_lossy(t)).map(Some),
        _ => Err(ora(
            "ORA-00932: inconsistent datatypes: expected VECTOR got NUMBER",
        )),
    }
}

/// `v` in `fmt` (FLEX keeps its own; text parsed as FLOAT64 becomes FLOAT32
/// there, as Oracle's default), checked against `dims` (0: any).
pub fn coerce(v: Vector, dims: u32, fmt: u8, sparse: bool) -> Result<Vector, rusqlite::Error> {
    if v.dims == 0 {
        return Err(ora(
            "ORA-51803: Vector dimension count must match the dimension count specified in \
             the column definition (actual=0, required=at least 1)",
        ));
    }
    if dims != 0 && v.dims != dims {
        return Err(ora(format!(
            "ORA-51803: Vector dimension count must match the dimension count specified in \
             the column definition (actual={}, required={dims})",
            v.dims
        )));
    }
    let v = if sparse || v.indices.is_none() {
        v
    } else {
        v.densified()
    };
    let v = if sparse && v.indices.is_none() {
        sparsify(v)
    } else if !sparse && v.indices.is_some() {
        v.densified()
    } else {
        v
    };
    let target = if fmt == format::FLEX {
        v.values.format()
    } else {
        fmt
    };
    if target == v.values.format() {
        return Ok(v);
    }
    if matches!(v.values, Values::Binary(_)) || target == format::BINARY {
        return Err(ora(format!(
            "ORA-51805: Vector of format {} cannot be converted to {}",
            format_name(v.values.format()),
            format_name(target)
        )));
    }
    let all: Vec<f64> = (0..v.values.len()).map(|i| v.values.get(i)).collect();
    let values = match target {
        format::FLOAT32 => Values::Float32(all.iter().map(|&x| x as f32).collect()),
        format::FLOAT64 => Values::Float64(all),
        _ => {
            let mut out = Vec::with_capacity(all.len());
            for x in all {
                if !(-128.0..=127.0).contains(&x) {
                    return Err(ora(format!(
                        "ORA-51806: Vector column is not properly formatted \
                         (dimension value {x} is outside the allowed precision range)"
                    )));
                }
                out.push(x.round_ties_even() as i8);
            }
            Values::Int8(out)
        }
    };
    Ok(Vector { values, ..v })
}

fn sparsify(v: Vector) -> Vector {
    let d = v.to_dense_f64();
    let ix: Vec<u32> = (0..d.len() as u32)
        .filter(|&i| d[i as usize] != 0.0)
        .collect();
    let pick = |i: &u32| d[*i as usize];
    let values = match v.values {
        Values::Float32(_) => Values::Float32(ix.iter().map(|i| pick(i) as f32).collect()),
        Values::Int8(_) => Values::Int8(ix.iter().map(|i| pick(i) as i8).collect()),
        _ => Values::Float64(ix.iter().map(pick).collect()),
    };
    Vector {
        dims: v.dims,
        values,
        indices: Some(ix),
    }
}

fn image(v: &Vector) -> Result<Sql, rusqlite::Error> {
    vector::encode(v).map(Sql::Blob).map_err(|e| ora(e.message))
}

/// Column checks: whether a stored value must be rewritten (an error if it
/// cannot be stored at all).
pub fn needs_fix(v: ValueRef, dims: u32, fmt: u8, sparse: bool) -> rusqlite::Result<bool> {
    let Some(vec) = read(v)? else {
        return Ok(false);
    };
    let text = matches!(v, ValueRef::Text(_));
    let fixed = coerce(vec.clone(), dims, text_format(v, fmt), sparse)?;
    Ok(text || fixed != vec)
}

/// Text stored in a column of any format is FLOAT32, Oracle's default.
fn text_format(v: ValueRef, fmt: u8) -> u8 {
    if fmt == format::FLEX && matches!(v, ValueRef::Text(_)) {
        format::FLOAT32
    } else {
        fmt
    }
}

/// The stored form of `v` for the column.
pub fn stored(v: ValueRef, dims: u32, fmt: u8, sparse: bool) -> rusqlite::Result<Sql> {
    let fmt = text_format(v, fmt);
    match read(v)? {
        None => Ok(Sql::Null),
        Some(vec) => image(&coerce(vec, dims, fmt, sparse)?),
    }
}

fn text_arg(c: &Context, i: usize) -> String {
    match c.get_raw(i) {
        ValueRef::Text(t) => String::from_utf8_lossy(t).to_ascii_uppercase(),
        ValueRef::Integer(n) => n.to_string(),
        _ => String::new(),
    }
}

/// `ora_to_vector(v[, dims[, fmt[, 'DENSE'|'SPARSE']]])`.
fn to_vector(c: &Context) -> rusqlite::Result<Sql> {
    let Some(v) = read(c.get_raw(0))? else {
        return Ok(Sql::Null);
    };
    let dims = if c.len() > 1 {
        text_arg(c, 1).parse().unwrap_or(0)
    } else {
        0
    };
    let fmt = if c.len() > 2 {
        format_code(&text_arg(c, 2)).unwrap_or(format::FLEX)
    } else {
        format::FLEX
    };
    // Text is FLOAT32 unless a format says otherwise (Oracle's default).
    let fmt = if fmt == format::FLEX && matches!(c.get_raw(0), ValueRef::Text(_)) {
        format::FLOAT32
    } else {
        fmt
    };
    let sparse = c.len() > 3 && text_arg(c, 3) == "SPARSE";
    let sparse = sparse || (c.len() <= 3 && v.indices.is_some());
    // BINARY text lists bytes (8 dimensions each).
    let v = if fmt == format::BINARY && v.indices.is_none() {
        let bytes: Vec<u8> = (0..v.values.len())
            .map(|i| v.values.get(i))
            .map(|x| u8::try_from(x as i64).map_err(|_| ora("ORA-51806: value out of range")))
            .collect::<Result<_, _>>()?;
        Vector::dense(Values::Binary(bytes))
    } else {
        v
    };
    image(&coerce(v, dims, fmt, sparse)?)
}

/// `ora_from_vector(v[, returning type[, 'SPARSE'|'DENSE']])`: text.
fn from_vector(c: &Context) -> rusqlite::Result<Sql> {
    let Some(v) = read(c.get_raw(0))? else {
        return Ok(Sql::Null);
    };
    let dense = c.len() > 2 && text_arg(c, 2) == "DENSE";
    let v = if dense { v.densified() } else { v };
    Ok(Sql::Text(v.to_text()))
}

fn distance(a: &Vector, b: &Vector, metric: &str) -> rusqlite::Result<Option<f64>> {
    if a.dims != b.dims {
        return Err(ora(format!(
            "ORA-51808: VECTOR_DISTANCE() is not supported for vectors with different \
             dimension counts ({}, {})",
            a.dims, b.dims
        )));
    }
    let (x, y) = (a.to_dense_f64(), b.to_dense_f64());
    let dot: f64 = x.iter().zip(&y).map(|(p, q)| p * q).sum();
    let sq: f64 = x.iter().zip(&y).map(|(p, q)| (p - q) * (p - q)).sum();
    let norm = |v: &[f64]| v.iter().map(|p| p * p).sum::<f64>().sqrt();
    let binary = matches!(a.values, Values::Binary(_));
    Ok(Some(match metric {
        "EUCLIDEAN" | "L2" => sq.sqrt(),
        "EUCLIDEAN_SQUARED" | "L2_SQUARED" => sq,
        "DOT" => -dot,
        "MANHATTAN" | "L1" => x.iter().zip(&y).map(|(p, q)| (p - q).abs()).sum(),
        "HAMMING" => x.iter().zip(&y).filter(|(p, q)| p != q).count() as f64,
        "JACCARD" => {
            let both = x
                .iter()
                .zip(&y)
                .filter(|(p, q)| **p != 0.0 && **q != 0.0)
                .count();
            let any = x
                .iter()
                .zip(&y)
                .filter(|(p, q)| **p != 0.0 || **q != 0.0)
                .count();
            if any == 0 {
                return Ok(None);
            }
            1.0 - both as f64 / any as f64
        }
        "" if binary => x.iter().zip(&y).filter(|(p, q)| p != q).count() as f64,
        _ => {
            let n = norm(&x) * norm(&y);
            if n == 0.0 {
                return Ok(None);
            }
            1.0 - dot / n
        }
    }))
}

fn vector_distance(c: &Context, metric: Option<&str>) -> rusqlite::Result<Sql> {
    let (Some(a), Some(b)) = (read(c.get_raw(0))?, read(c.get_raw(1))?) else {
        return Ok(Sql::Null);
    };
    let m = match metric {
        Some(m) => m.to_string(),
        None if c.len() > 2 => text_arg(c, 2),
        None => String::new(),
    };
    Ok(distance(&a, &b, &m)?.map_or(Sql::Null, Sql::Real))
}

/// Registers the VECTOR functions and the column conversion.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ora_to_vector", -1, det, to_vector)?;
    conn.create_scalar_function("ora_from_vector", -1, det, from_vector)?;
    conn.create_scalar_function("ora_vector_distance", -1, det, |c| vector_distance(c, None))?;
    for (name, m) in [
        ("ora_l2_distance", "EUCLIDEAN"),
        ("ora_l1_distance", "MANHATTAN"),
        ("ora_cosine_distance", "COSINE"),
        ("ora_hamming_distance", "HAMMING"),
        ("ora_jaccard_distance", "JACCARD"),
    ] {
        conn.create_scalar_function(name, 2, det, move |c| vector_distance(c, Some(m)))?;
    }
    conn.create_scalar_function("ora_inner_product", 2, det, |c| {
        Ok(match vector_distance(c, Some("DOT"))? {
            Sql::Real(d) => Sql::Real(-d),
            other => other,
        })
    })?;
    conn.create_scalar_function("ora_vector_dims", 1, det, |c| {
        Ok(read(c.get_raw(0))?.map_or(Sql::Null, |v| Sql::Integer(i64::from(v.dims))))
    })?;
    conn.create_scalar_function("ora_vector_format", 1, det, |c| {
        Ok(read(c.get_raw(0))?.map_or(Sql::Null, |v| {
            Sql::Text(format_name(v.values.format()).to_string())
        }))
    })?;
    conn.create_scalar_function("ora_vector_norm", 1, det, |c| {
        Ok(read(c.get_raw(0))?.map_or(Sql::Null, |v| {
            Sql::Real(v.to_dense_f64().iter().map(|x| x * x).sum::<f64>().sqrt())
        }))
    })?;
    conn.create_scalar_function("ora_col_vec_set", 4, det, |c| {
        let n = |i| match c.get_raw(i) {
            ValueRef::Integer(n) => n,
            _ => 0,
        };
        stored(c.get_raw(0), n(1) as u32, n(2) as u8, n(3) & 2 != 0)
    })?;
    Ok(())
}

/// Our function for a VECTOR built-in.
pub fn map_function(name: &str) -> Option<&'static str> {
    Some(match name {
        "TO_VECTOR" | "VECTOR" => "ora_to_vector",
        "FROM_VECTOR" | "VECTOR_SERIALIZE" => "ora_from_vector",
        "VECTOR_DISTANCE" => "ora_vector_distance",
        "L2_DISTANCE" => "ora_l2_distance",
        "L1_DISTANCE" => "ora_l1_distance",
        "COSINE_DISTANCE" => "ora_cosine_distance",
        "HAMMING_DISTANCE" => "ora_hamming_distance",
        "JACCARD_DISTANCE" => "ora_jaccard_distance",
        "INNER_PRODUCT" => "ora_inner_product",
        "VECTOR_DIMENSION_COUNT" | "VECTOR_DIMS" => "ora_vector_dims",
        "VECTOR_DIMENSION_FORMAT" => "ora_vector_format",
        "VECTOR_NORM" => "ora_vector_norm",
        _ => return None,
    })
}

const KEYWORDS: &[&str] = &[
    "FLOAT32",
    "FLOAT64",
    "INT8",
    "BINARY",
    "DENSE",
    "SPARSE",
    "EUCLIDEAN",
    "EUCLIDEAN_SQUARED",
    "L2_SQUARED",
    "COSINE",
    "DOT",
    "MANHATTAN",
    "HAMMING",
    "JACCARD",
];

/// In calls to the VECTOR functions, the bare keywords Oracle takes as
/// arguments (`float32`, `*`, `euclidean`, `RETURNING clob FORMAT sparse`)
/// become string literals SQLite can pass on; `None` when there are none.
pub fn rewrite_args(toks: &[Token]) -> Option<Vec<Token>> {
    let is_call = |i: usize| {
        matches!(&toks[i].tok, Tok::Word(w) if map_function(&w.to_ascii_uppercase()).is_some())
            && toks.get(i + 1).is_some_and(|t| t.is_op("("))
    };
    if !(0..toks.len()).any(is_call) {
        return None;
    }
    let mut out = Vec::with_capacity(toks.len());
    // Depth of the parentheses of each open vector call.
    let mut calls: Vec<i32> = Vec::new();
    let mut depth = 0i32;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let lit = |s: &str| Token {
            tok: Tok::Str(s.to_ascii_uppercase()),
            pos: t.pos,
        };
        let comma = Token {
            tok: Tok::Op(",".into()),
            pos: t.pos,
        };
        if is_call(i) {
            calls.push(depth + 1);
        }
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            if calls.last() == Some(&depth) {
                calls.pop();
            }
            depth -= 1;
        }
        let inside = calls.last() == Some(&depth);
        match &t.tok {
            Tok::Word(w) if inside && w.eq_ignore_ascii_case("RETURNING") => {
                // RETURNING type [FORMAT fmt] → , 'type' [, 'fmt']
                i += 1;
                let mut ty = String::new();
                while let Some(Tok::Word(w)) = toks.get(i).map(|t| &t.tok) {
                    if w.eq_ignore_ascii_case("FORMAT") {
                        break;
                    }
                    ty = w.clone();
                    i += 1;
                }
                if toks.get(i).is_some_and(|t| t.is_op("(")) {
                    while i < toks.len() && !toks[i].is_op(")") {
                        i += 1;
                    }
                    i += 1;
                }
                out.push(comma.clone());
                out.push(lit(&ty));
                if toks.get(i).is_some_and(|t| t.is_word("FORMAT")) {
                    if let Some(Tok::Word(f)) = toks.get(i + 1).map(|t| &t.tok) {
                        out.push(comma);
                        out.push(lit(f));
                    }
                    i += 2;
                }
                continue;
            }
            Tok::Word(w) if inside && KEYWORDS.contains(&w.to_ascii_uppercase().as_str()) => {
                out.push(lit(w));
            }
            Tok::Op(o) if inside && o == "*" => out.push(lit("*")),
            _ => out.push(t.clone()),
        }
        i += 1;
    }
    Some(out)
}

/// How a select item is described from its heading (upper case, no
/// blanks), for the VECTOR functions.
pub fn heading_type(h: &str) -> Option<ColumnInfo> {
    // A compound query's items are headed by their rewritten text.
    let h = h.strip_prefix("ORA_").unwrap_or(h);
    let starts = |ps: &[&str]| ps.iter().any(|p| h.starts_with(p));
    let num = |ty| super::types::oracle_type(&[ty], &[], false);
    if starts(&["TO_VECTOR(", "VECTOR("]) {
        // The call's arguments after the first, up to its closing
        // parenthesis (a compound query's hint runs on past it).
        let inner = h.split_once('(')?.1;
        let mut args = Vec::new();
        let (mut depth, mut quoted, mut cur) = (0, false, String::new());
        for ch in inner.chars() {
            match ch {
                '\'' => quoted = !quoted,
                ')' if !quoted && depth == 0 => break,
                '[' | '(' if !quoted => depth += 1,
                ']' | ')' if !quoted => depth -= 1,
                ',' if !quoted && depth == 0 => {
                    args.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(ch);
        }
        args.push(cur);
        let arg = |i: usize| args.get(i).map(|a| a.trim().trim_matches('\'').to_string());
        let dims = arg(1).and_then(|a| a.parse().ok()).unwrap_or(0);
        let fmt = arg(2).and_then(|a| format_code(&a)).unwrap_or(format::FLEX);
        let sparse = args.get(3).is_some_and(|a| a.contains("SPARSE"));
        return Some(column(dims, fmt, sparse));
    }
    if starts(&["FROM_VECTOR(", "VECTOR_SERIALIZE("]) {
        return if h.contains("RETURNINGCLOB") {
            num("CLOB".into())
        } else {
            super::types::oracle_type(&["VARCHAR2".into()], &[32767], false)
        };
    }
    if starts(&[
        "VECTOR_DISTANCE(",
        "L1_DISTANCE(",
        "L2_DISTANCE(",
        "COSINE_DISTANCE(",
        "INNER_PRODUCT(",
        "HAMMING_DISTANCE(",
        "JACCARD_DISTANCE(",
        "VECTOR_NORM(",
    ]) {
        return num("BINARY_DOUBLE".into());
    }
    if starts(&["VECTOR_DIMENSION_COUNT(", "VECTOR_DIMS("]) {
        return num("NUMBER".into());
    }
    if starts(&["VECTOR_DIMENSION_FORMAT("]) {
        return super::types::oracle_type(&["VARCHAR2".into()], &[8], false);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64s(v: &[f64]) -> Vector {
        Vector::dense(Values::Float64(v.to_vec()))
    }

    #[test]
    fn coerce_converts_formats_and_checks_dimensions() {
        let v = coerce(f64s(&[1.0, 2.5]), 2, format::FLOAT32, false).unwrap();
        assert_eq!(v.values, Values::Float32(vec![1.0, 2.5]));
        let e = coerce(f64s(&[1.0; 4]), 16, format::FLOAT64, false).unwrap_err();
        assert!(e.to_string().contains("ORA-51803"), "{e}");
        let e = coerce(f64s(&[]), 0, format::FLEX, false).unwrap_err();
        assert!(e.to_string().contains("ORA-51803"), "{e}");
        let e = coerce(f64s(&[300.0]), 0, format::INT8, false).unwrap_err();
        assert!(e.to_string().contains("ORA-51806"), "{e}");
        let s = coerce(f64s(&[0.0, 3.0, 0.0]), 3, format::FLEX, true).unwrap();
        assert_eq!(s.indices, Some(vec![1]));
        let d = coerce(s, 0, format::FLEX, false).unwrap();
        assert_eq!(d, f64s(&[0.0, 3.0, 0.0]));
    }

    #[test]
    fn distances_follow_their_metrics() {
        let (a, b) = (f64s(&[1.0, 2.0, 3.0]), f64s(&[4.0, 6.0, 3.0]));
        assert_eq!(distance(&a, &b, "EUCLIDEAN").unwrap(), Some(5.0));
        assert_eq!(distance(&a, &b, "EUCLIDEAN_SQUARED").unwrap(), Some(25.0));
        assert_eq!(distance(&a, &b, "DOT").unwrap(), Some(-25.0));
        assert_eq!(distance(&a, &b, "MANHATTAN").unwrap(), Some(7.0));
        assert!(distance(&a, &f64s(&[1.0]), "COSINE").is_err());
        let z = f64s(&[0.0, 0.0, 0.0]);
        assert_eq!(distance(&a, &z, "COSINE").unwrap(), None);
    }

    #[test]
    fn keyword_arguments_become_strings() {
        let toks = crate::lexer::tokenize(
            "select to_vector('[1]', *, float32), from_vector(v returning clob format dense) from t",
        )
        .unwrap();
        let out = rewrite_args(&toks).unwrap();
        let strs: Vec<String> = out
            .iter()
            .filter_map(|t| match &t.tok {
                Tok::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(strs, ["[1]", "*", "FLOAT32", "CLOB", "DENSE"]);
        let plain = crate::lexer::tokenize("select dense from t").unwrap();
        assert!(rewrite_args(&plain).is_none());
    }

    #[test]
    fn headings_describe_vector_results() {
        let c = heading_type("TO_VECTOR('[34.6,77.8]',2,FLOAT32)").unwrap();
        assert_eq!(spec(&c), (2, format::FLOAT32, 0));
        let c = heading_type("TO_VECTOR('[8,[0,7],[1,2]]',8,FLOAT64,SPARSE)").unwrap();
        assert_eq!(spec(&c), (8, format::FLOAT64, meta_flag::SPARSE));
        let c = heading_type("ORA_TO_VECTOR('[34.6, 77.8]' , 2 , 'FLOAT32')").unwrap();
        assert_eq!(spec(&c), (2, format::FLOAT32, 0));
        let c = heading_type("TO_VECTOR('[1]',1,INT8)UNIONALLSELECTTO_VECTOR('[2]')").unwrap();
        assert_eq!(spec(&c), (1, format::INT8, 0));
        let c = heading_type("VECTOR_DISTANCE(A,B)").unwrap();
        assert_eq!(c.ora_type, ora_type::BINARY_DOUBLE);
    }
}
