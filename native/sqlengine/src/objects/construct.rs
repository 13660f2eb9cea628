//! Constructors in SQL (`udt_Object(1, 'x', udt_Sub(…))`) and the pickled
//! images they build. Before translation a call of a type's name becomes
//! `ORA_OBJ_NEW('spec', args…)`, the spec saying how to encode each
//! argument; the SQLite function returns the image as a BLOB, which is how
//! OBJECT columns keep their values. LOB attributes hold their contents in
//! the stored image: the server swaps them for locators when it sends one.

use oradb_protocol::value::pickle::{encode_image, Datum, LobKind, Shape};
use oradb_protocol::value::{encode_value, ora_type, DateTime, Value};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;

use crate::lexer::{Tok, Token};
use crate::Session;

use super::{AttrType, ObjKind, ObjType, TypeRef};

/// Nesting of named types followed when describing one.
const MAX_DEPTH: usize = 16;
/// Parts of one type's layout (attributes, elements, nested types) at most.
const MAX_SHAPE_NODES: usize = 10_000;

fn ora(msg: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.into().into())
}

impl Session {
    /// The image layout of type `t`.
    pub fn object_shape(&self, t: &TypeRef) -> Option<Shape> {
        let mut path = vec![(t.owner.clone(), t.name.clone())];
        let mut budget = MAX_SHAPE_NODES;
        self.shape_of(
            &self.object_type(&t.owner, &t.name)?,
            &mut path,
            &mut budget,
        )
    }

    /// `None` for a type that names itself through its attributes (a cycle a
    /// replaced or force-dropped type can leave) or whose layout has more
    /// than `MAX_SHAPE_NODES` parts: both would make every use of it hang.
    fn shape_of(
        &self,
        t: &ObjType,
        path: &mut Vec<(String, String)>,
        budget: &mut usize,
    ) -> Option<Shape> {
        *budget = budget.checked_sub(1)?;
        let mut member = |a: &AttrType| -> Option<Shape> {
            Some(match a {
                AttrType::Clob => Shape::Lob(LobKind::Clob),
                AttrType::NClob => Shape::Lob(LobKind::NClob),
                AttrType::Blob => Shape::Lob(LobKind::Blob),
                AttrType::Named { owner, name } if path.len() < MAX_DEPTH => {
                    let key = (owner.clone(), name.clone());
                    if path.contains(&key) {
                        return None;
                    }
                    let inner = self.object_type(owner, name)?;
                    path.push(key);
                    let shape = self.shape_of(&inner, path, budget);
                    path.pop();
                    shape?
                }
                AttrType::Named { .. } => return None,
                _ => Shape::Scalar,
            })
        };
        Some(match &t.kind {
            ObjKind::Object(attrs) => Shape::Object(
                attrs
                    .iter()
                    .map(|(_, a)| member(a))
                    .collect::<Option<_>>()?,
            ),
            ObjKind::Varray { elem, .. } | ObjKind::Table { elem } | ObjKind::IndexBy { elem } => {
                Shape::Collection(Box::new(member(elem)?))
            }
        })
    }

    /// The spec ORA_OBJ_NEW reads: the type (as [`TypeRef::decl_part`]),
    /// `|`, `O:` or `C<limit>:` then one code per attribute (or the
    /// element's), `;`-separated.
    pub(super) fn constructor_spec(&self, t: &ObjType) -> String {
        let code = |a: &AttrType| -> String {
            match a {
                AttrType::Varchar(_) => "S".into(),
                AttrType::Char(n) => format!("S{n}"),
                AttrType::NVarchar(_) => "U".into(),
                AttrType::NChar(n) => format!("U{n}"),
                AttrType::Raw(_) => "R".into(),
                AttrType::Date => "D".into(),
                AttrType::Timestamp(_) => "T".into(),
                AttrType::TimestampLtz(_) => "TL".into(),
                AttrType::TimestampTz(_) => "TZ".into(),
                AttrType::BinaryFloat => "F".into(),
                AttrType::BinaryDouble => "B".into(),
                AttrType::Clob => "L".into(),
                AttrType::NClob => "NL".into(),
                AttrType::Blob => "BL".into(),
                AttrType::Boolean => "Z".into(),
                AttrType::PlsInteger(_) => "P".into(),
                AttrType::Named { owner, name } => match self.object_type(owner, name) {
                    Some(ObjType {
                        kind: ObjKind::Object(_),
                        ..
                    }) => "O".into(),
                    _ => "K".into(),
                },
                _ => "N".into(),
            }
        };
        let body = match &t.kind {
            ObjKind::Object(attrs) => {
                let codes: Vec<String> = attrs.iter().map(|(_, a)| code(a)).collect();
                format!("O:{}", codes.join(";"))
            }
            ObjKind::Varray { limit, elem } => format!("C{limit}:{}", code(elem)),
            ObjKind::Table { elem } => format!("C0:{}", code(elem)),
            // Index-by tables carry each element's key in their images.
            ObjKind::IndexBy { elem } => format!("I:{}", code(elem)),
        };
        let r = TypeRef {
            owner: t.owner.clone(),
            name: t.name.clone(),
        };
        format!("{}|{body}", r.decl_part())
    }
}

/// The column a select item that is a constructor call describes as.
pub(crate) fn constructor_column(item: &[Token]) -> Option<crate::ColumnInfo> {
    let [call, open, spec, ..] = item else {
        return None;
    };
    let Tok::Str(spec) = &spec.tok else {
        return None;
    };
    if !call.is_word("ORA_OBJ_NEW") || !open.is_op("(") || !item.last()?.is_op(")") {
        return None;
    }
    let t = TypeRef::from_decl_part(spec.split_once('|')?.0)?;
    Some(object_column(t))
}

/// An unnamed, nullable column holding objects of type `t`.
pub(crate) fn object_column(t: TypeRef) -> crate::ColumnInfo {
    crate::ColumnInfo {
        name: String::new(),
        ora_type: ora_type::OBJECT,
        size: 2000,
        char_size: 2000,
        precision: 0,
        scale: 0,
        nullable: true,
        object_type: Some(t),
        national: false,
        uds_flags: 0,
    }
}

/// Registers ORA_OBJ_NEW on a session's connection.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ora_obj_new", -1, flags, construct)
}

fn construct(ctx: &Context) -> rusqlite::Result<Sql> {
    let spec: String = ctx.get(0)?;
    let args: Vec<ValueRef> = (1..ctx.len()).map(|i| ctx.get_raw(i)).collect();
    build(&spec, &args)
}

/// The image a constructor spec (see `constructor_spec`) builds of `args`.
pub(super) fn build(spec: &str, args: &[ValueRef]) -> rusqlite::Result<Sql> {
    build_keyed(spec, args, None)
}

/// [`build`], an index-by table's elements under `keys` (1, 2, … without).
pub(super) fn build_keyed(
    spec: &str,
    args: &[ValueRef],
    keys: Option<&[i32]>,
) -> rusqlite::Result<Sql> {
    let spec = spec.split_once('|').map_or(spec, |(_, s)| s);
    let (head, codes) = spec
        .split_once(':')
        .ok_or_else(|| ora("ORA-22800: invalid user-defined type"))?;
    let codes: Vec<&str> = codes.split(';').collect();
    if head == "I" {
        let code = codes.first().copied().unwrap_or("N");
        let code = if code == "O" { "K" } else { code };
        let (shapes, vals) = members(args, &vec![code; args.len()])?;
        let elem = shapes.into_iter().next().unwrap_or(Shape::Scalar);
        let keys: Vec<i32> = match keys {
            Some(k) if k.len() == vals.len() => k.to_vec(),
            _ => (1..).take(vals.len()).collect(),
        };
        let vals = keys
            .into_iter()
            .zip(vals)
            .map(|(k, v)| Datum::Keyed(k, Box::new(v)))
            .collect();
        return Ok(Sql::Blob(encode_image(
            &Shape::Collection(Box::new(elem)),
            &Datum::Collection(Some(vals)),
        )));
    }
    if let Some(limit) = head.strip_prefix('C') {
        let limit: usize = limit.parse().unwrap_or(0);
        if limit > 0 && args.len() > limit {
            return Err(ora("ORA-22909: exceeded maximum VARRAY limit"));
        }
        let code = codes.first().copied().unwrap_or("N");
        // Objects in a collection are whole images, as collections are.
        let code = if code == "O" { "K" } else { code };
        let (shape, vals) = members(args, &vec![code; args.len()])?;
        let shape = Shape::Collection(Box::new(shape.into_iter().next().unwrap_or(Shape::Scalar)));
        return Ok(Sql::Blob(encode_image(
            &shape,
            &Datum::Collection(Some(vals)),
        )));
    }
    if args.len() != codes.len() {
        return Err(ora(
            "ORA-02315: incorrect number of arguments for default constructor",
        ));
    }
    let (shapes, vals) = members(args, &codes)?;
    Ok(Sql::Blob(encode_image(
        &Shape::Object(shapes),
        &Datum::Object(Some(vals)),
    )))
}

/// Each argument as an image member, with the shape it is written as.
fn members(args: &[ValueRef], codes: &[&str]) -> rusqlite::Result<(Vec<Shape>, Vec<Datum>)> {
    let mut shapes = Vec::with_capacity(args.len());
    let mut vals = Vec::with_capacity(args.len());
    for (a, code) in args.iter().zip(codes) {
        let (s, d) = member(*a, code)?;
        shapes.push(s);
        vals.push(d);
    }
    Ok((shapes, vals))
}

/// An embedded object's attributes, read back from its own image: an
/// object inside an object is inline, so its shape is what its image says.
fn inline(image: &[u8]) -> rusqlite::Result<(Shape, Datum)> {
    // Header: flags, version, FE + u32 length; objects have no prefix.
    let body = image
        .get(7..)
        .ok_or_else(|| ora("ORA-22800: invalid user-defined type"))?;
    Ok((Shape::Scalar, Datum::Encoded(body.to_vec())))
}

fn text(v: ValueRef) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(crate::num::f64_text(f)),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}

fn bytes_of(v: ValueRef) -> rusqlite::Result<Vec<u8>> {
    match v {
        ValueRef::Blob(b) => Ok(b.to_vec()),
        other => {
            let t = text(other).unwrap_or_default();
            hex(&t).ok_or_else(|| ora("ORA-01465: invalid hex number"))
        }
    }
}

fn hex(t: &str) -> Option<Vec<u8>> {
    let t = t.trim();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(t.get(i..i + 2)?, 16).ok())
        .collect()
}

fn datetime(v: ValueRef) -> rusqlite::Result<DateTime> {
    let t = text(v).unwrap_or_default();
    crate::date_text::parse_local(t.trim())
        .ok_or_else(|| ora("ORA-01861: literal does not match format string"))
}

/// A TIMESTAMP WITH TIME ZONE attribute: its own zone, or (zone-less text)
/// the session's at that date, as a TSTZ column takes it (the instant kept,
/// not the wall clock read as UTC).
fn zoned(v: ValueRef) -> rusqlite::Result<Value> {
    let t = text(v).unwrap_or_default();
    let (d, off) = crate::date_text::parse_zoned(t.trim())
        .ok_or_else(|| ora("ORA-01861: literal does not match format string"))?;
    let off = off.unwrap_or_else(|| crate::date_text::session_offset_at(&d));
    Ok(Value::TimestampTz(d, off))
}

fn encoded(v: &Value, ty: u8) -> rusqlite::Result<Vec<u8>> {
    encode_value(v, ty).map_err(|e| ora(e.to_string()))
}

fn padded(s: String, n: Option<usize>) -> String {
    match n {
        Some(n) => {
            let have = s.chars().count();
            s + &" ".repeat(n.saturating_sub(have))
        }
        None => s,
    }
}

fn member(v: ValueRef, code: &str) -> rusqlite::Result<(Shape, Datum)> {
    let shape = match code {
        "L" => Shape::Lob(LobKind::Clob),
        "NL" => Shape::Lob(LobKind::NClob),
        "BL" => Shape::Lob(LobKind::Blob),
        _ => Shape::Scalar,
    };
    if matches!(v, ValueRef::Null) {
        return Ok(match code {
            "O" => (Shape::Object(Vec::new()), Datum::Object(None)),
            "K" => (
                Shape::Collection(Box::new(Shape::Scalar)),
                Datum::Collection(None),
            ),
            _ => (shape, Datum::Null),
        });
    }
    let num = |c: &str| c[1..].parse::<usize>().ok();
    let bytes = match code {
        "O" => {
            let ValueRef::Blob(b) = v else {
                return Err(ora("ORA-00932: inconsistent datatypes: expected an object"));
            };
            return inline(b);
        }
        "K" => {
            let ValueRef::Blob(b) = v else {
                return Err(ora(
                    "ORA-00932: inconsistent datatypes: expected a collection",
                ));
            };
            // A nested image, written length-prefixed as it is.
            return Ok((Shape::Scalar, Datum::Bytes(b.to_vec())));
        }
        c if c.starts_with('S') => padded(text(v).unwrap_or_default(), num(c)).into_bytes(),
        c if c.starts_with('U') => padded(text(v).unwrap_or_default(), num(c))
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect(),
        "R" | "BL" => bytes_of(v)?,
        "L" | "NL" => text(v).unwrap_or_default().into_bytes(),
        "D" => encoded(
            &Value::Date(DateTime {
                nanos: 0,
                ..datetime(v)?
            }),
            ora_type::DATE,
        )?,
        "T" | "TL" => encoded(&Value::Timestamp(datetime(v)?), ora_type::TIMESTAMP)?,
        "TZ" => encoded(&zoned(v)?, ora_type::TIMESTAMP_TZ)?,
        "F" | "B" => {
            let f: f64 = text(v)
                .and_then(|t| t.trim().parse().ok())
                .ok_or_else(|| ora("ORA-01722: invalid number"))?;
            let ty = if code == "F" {
                ora_type::BINARY_FLOAT
            } else {
                ora_type::BINARY_DOUBLE
            };
            encoded(&Value::Double(f), ty)?
        }
        "P" => {
            let n: i64 = text(v)
                .and_then(|t| t.trim().parse::<f64>().ok())
                .map(|f| f.round() as i64)
                .ok_or_else(|| ora("ORA-01722: invalid number"))?;
            let n = i32::try_from(n).map_err(|_| ora("ORA-01426: numeric overflow"))?;
            n.to_be_bytes().to_vec()
        }
        "Z" => {
            let on = text(v).is_some_and(|t| t != "0" && !t.eq_ignore_ascii_case("FALSE"));
            vec![0, 0, 0, u8::from(on)]
        }
        _ => {
            let t = text(v).unwrap_or_default();
            encoded(&Value::Number(t.trim().to_string()), ora_type::NUMBER)?
        }
    };
    Ok((shape, Datum::Bytes(bytes)))
}
