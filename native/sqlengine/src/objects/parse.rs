//! CREATE TYPE statements into [`ObjType`]s.

use crate::errors::err;
use crate::lexer::{split_commas, Tok, Token};
use crate::SqlError;

use super::{AttrType, ObjKind, ObjType};

/// Oracle's limit of attributes in an object type.
const MAX_ATTRS: usize = 1000;

fn syntax(t: Option<&Token>, what: &str) -> SqlError {
    let found = match t.map(|t| &t.tok) {
        None => "end-of-file".to_string(),
        Some(Tok::Word(w) | Tok::Quoted(w) | Tok::Number(w) | Tok::Op(w) | Tok::Str(w)) => {
            w.clone()
        }
        Some(Tok::Bind(b)) => format!(":{b}"),
    };
    SqlError {
        offset: t.map_or(0, |t| t.pos as u32),
        ..err(
            6550,
            &format!("PLS-00103: Encountered the symbol \"{found}\" when expecting {what}"),
        )
    }
}

/// A `[schema.]name` at `toks[i]`: the owner (`default` when unqualified),
/// the name and the index after it.
fn qualified(toks: &[Token], i: usize, default: &str) -> Option<(String, String, usize)> {
    let first = toks.get(i)?.ident()?;
    if toks.get(i + 1).is_some_and(|t| t.is_op(".")) {
        let second = toks.get(i + 2)?.ident()?;
        return Some((first, second, i + 3));
    }
    Some((default.to_string(), first, i + 1))
}

/// `CREATE [OR REPLACE] [EDITIONABLE] TYPE [schema.]name [FORCE] AS|IS
/// OBJECT (…) | VARRAY(n) OF t | VARYING ARRAY(n) OF t | TABLE OF t`, with
/// `toks[at]` the word TYPE. `exists(owner, name)` says whether a type an
/// attribute names exists; unqualified names are the new type's owner's.
pub(crate) fn parse_create(
    toks: &[Token],
    at: usize,
    schema: &str,
    exists: &dyn Fn(&str, &str) -> bool,
) -> Result<ObjType, SqlError> {
    let (owner, name, mut i) =
        qualified(toks, at + 1, schema).ok_or_else(|| syntax(toks.get(at + 1), "an identifier"))?;
    let word = |i: usize| toks.get(i).and_then(Token::ident).unwrap_or_default();
    if word(i) == "FORCE" {
        i += 1;
    }
    if word(i) == "AUTHID" {
        i += 2;
    }
    if !matches!(word(i).as_str(), "AS" | "IS") {
        return Err(syntax(toks.get(i), "AS or IS"));
    }
    i += 1;
    let resolve = |t: &[Token]| parse_type(t, &owner, exists);
    let (kind, end) = match word(i).as_str() {
        "OBJECT" => {
            let open = i + 1;
            if !toks.get(open).is_some_and(|t| t.is_op("(")) {
                return Err(syntax(toks.get(open), "("));
            }
            let close = closing(toks, open).ok_or_else(|| syntax(None, ")"))?;
            let mut attrs: Vec<(String, AttrType)> = Vec::new();
            for part in split_commas(&toks[open + 1..close]) {
                let n = part
                    .first()
                    .and_then(Token::ident)
                    .ok_or_else(|| syntax(part.first(), "an attribute name"))?;
                if matches!(
                    n.as_str(),
                    "MEMBER" | "STATIC" | "MAP" | "ORDER" | "CONSTRUCTOR"
                ) {
                    return Err(SqlError {
                        offset: part[0].pos as u32,
                        ..err(
                            6550,
                            "PLS-00103: methods of object types are not supported by the test server",
                        )
                    });
                }
                if attrs.iter().any(|(a, _)| *a == n) {
                    return Err(err(
                        6550,
                        &format!("PLS-00410: duplicate fields in RECORD,TABLE or argument list are not permitted ({n})"),
                    ));
                }
                attrs.push((n, resolve(&part[1..])?));
            }
            if attrs.is_empty() || attrs.len() > MAX_ATTRS {
                return Err(syntax(toks.get(close), "an attribute"));
            }
            (ObjKind::Object(attrs), close + 1)
        }
        "VARRAY" | "VARYING" => {
            let open = if word(i) == "VARYING" {
                if word(i + 1) != "ARRAY" {
                    return Err(syntax(toks.get(i + 1), "ARRAY"));
                }
                i + 2
            } else {
                i + 1
            };
            let limit = match (toks.get(open), toks.get(open + 1), toks.get(open + 2)) {
                (
                    Some(o),
                    Some(Token {
                        tok: Tok::Number(n),
                        ..
                    }),
                    Some(c),
                ) if o.is_op("(") && c.is_op(")") => n
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| err(22_914, "invalid VARRAY limit"))?,
                _ => return Err(syntax(toks.get(open + 1), "a VARRAY limit")),
            };
            if word(open + 3) != "OF" {
                return Err(syntax(toks.get(open + 3), "OF"));
            }
            let (elem, end) = element(toks, open + 4, &resolve)?;
            (ObjKind::Varray { limit, elem }, end)
        }
        "TABLE" => {
            if word(i + 1) != "OF" {
                return Err(syntax(toks.get(i + 1), "OF"));
            }
            let (elem, end) = element(toks, i + 2, &resolve)?;
            (ObjKind::Table { elem }, end)
        }
        _ => return Err(syntax(toks.get(i), "OBJECT, VARRAY or TABLE")),
    };
    trailer(&toks[end..])?;
    sql_types_only(&kind)?;
    Ok(ObjType { owner, name, kind })
}

/// PLS_INTEGER and BINARY_INTEGER are PL/SQL's: a SQL type refuses them.
fn sql_types_only(kind: &ObjKind) -> Result<(), SqlError> {
    let plsql = |a: &AttrType| matches!(a, AttrType::PlsInteger(_));
    let bad = match kind {
        ObjKind::Object(attrs) => attrs.iter().any(|(_, a)| plsql(a)),
        ObjKind::Varray { elem, .. } | ObjKind::Table { elem } | ObjKind::IndexBy { elem } => {
            plsql(elem)
        }
    };
    if bad {
        return Err(err(
            6550,
            "PLS-00530: Illegal type used for object type attribute: 'PLS_INTEGER'.",
        ));
    }
    Ok(())
}

/// A collection's element type, up to `NOT NULL` or the end.
fn element(
    toks: &[Token],
    from: usize,
    resolve: &dyn Fn(&[Token]) -> Result<AttrType, SqlError>,
) -> Result<(AttrType, usize), SqlError> {
    let mut end = from;
    while end < toks.len()
        && !toks[end].is_op(";")
        && !toks[end].is_word("NOT")
        && !toks[end].is_word("FINAL")
    {
        end += 1;
    }
    Ok((resolve(&toks[from..end])?, end))
}

/// What may follow the body: `[NOT] FINAL`, `[NOT] INSTANTIABLE`, `NOT
/// NULL` (collections), a `;`.
fn trailer(rest: &[Token]) -> Result<(), SqlError> {
    for t in rest {
        let ok = t.is_op(";")
            || ["NOT", "FINAL", "INSTANTIABLE", "NULL", "PERSISTABLE"]
                .iter()
                .any(|w| t.is_word(w));
        if !ok {
            return Err(syntax(Some(t), "end-of-file"));
        }
    }
    Ok(())
}

fn closing(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// The numbers in `(a [, b] [BYTE|CHAR])` at the start of `t`.
fn args(t: &[Token]) -> Result<Vec<i64>, SqlError> {
    if !t.first().is_some_and(|t| t.is_op("(")) {
        return Ok(Vec::new());
    }
    let close = closing(t, 0).ok_or_else(|| syntax(None, ")"))?;
    let mut out = Vec::new();
    for part in split_commas(&t[1..close]) {
        match part.first().map(|p| &p.tok) {
            Some(Tok::Number(n)) => {
                out.push(n.parse().map_err(|_| syntax(part.first(), "a number"))?)
            }
            Some(Tok::Op(o)) if o == "-" => match part.get(1).map(|p| &p.tok) {
                Some(Tok::Number(n)) => out.push(
                    -n.parse::<i64>()
                        .map_err(|_| syntax(part.get(1), "a number"))?,
                ),
                _ => return Err(syntax(part.get(1), "a number")),
            },
            _ => return Err(syntax(part.first(), "a number")),
        }
    }
    Ok(out)
}

fn invalid() -> SqlError {
    err(902, "invalid datatype")
}

fn size(v: Option<&i64>, default: i64, max: i64) -> Result<u16, SqlError> {
    let n = v.copied().unwrap_or(default);
    if !(1..=max).contains(&n) {
        return Err(err(910, "specified length too long for its datatype"));
    }
    Ok(n as u16)
}

/// An attribute's or element's type as written.
pub(super) fn parse_type(
    t: &[Token],
    owner: &str,
    exists: &dyn Fn(&str, &str) -> bool,
) -> Result<AttrType, SqlError> {
    let first = t.first().ok_or_else(|| syntax(None, "a type name"))?;
    let w = |i: usize| t.get(i).and_then(Token::ident).unwrap_or_default();
    let a = args(&t[1..])?;
    let frac = |a: &[i64]| -> Result<u8, SqlError> {
        match a.first() {
            None => Ok(6),
            Some(n @ 0..=9) => Ok(*n as u8),
            Some(_) => Err(err(30_088, "datetime/interval precision is out of range")),
        }
    };
    let quoted = matches!(first.tok, Tok::Quoted(_));
    let ty = match w(0).as_str() {
        _ if quoted => named(t, owner, exists)?,
        "NUMBER" | "NUMERIC" | "DECIMAL" | "DEC" => {
            let decimal = w(0) != "NUMBER";
            match (a.first(), a.get(1)) {
                (None, _) if decimal => AttrType::Number {
                    precision: 38,
                    scale: 0,
                },
                (None, _) => AttrType::Number {
                    precision: 0,
                    scale: -127,
                },
                (Some(p @ 1..=38), s) => match s.copied().unwrap_or(0) {
                    s @ -84..=127 => AttrType::Number {
                        precision: *p as u8,
                        scale: s as i8,
                    },
                    _ => {
                        return Err(err(
                            1728,
                            "numeric scale specifier is out of range (-84 to 127)",
                        ))
                    }
                },
                _ => {
                    return Err(err(
                        1727,
                        "numeric precision specifier is out of range (1 to 38)",
                    ))
                }
            }
        }
        "INTEGER" | "INT" => AttrType::Integer,
        "SMALLINT" => AttrType::SmallInt,
        "REAL" => AttrType::Real,
        "DOUBLE" if w(1) == "PRECISION" => AttrType::DoublePrecision,
        "FLOAT" => match a.first() {
            None => AttrType::Float(126),
            Some(p @ 1..=126) => AttrType::Float(*p as u8),
            _ => {
                return Err(err(
                    1724,
                    "floating point precision is out of range (1 to 126)",
                ))
            }
        },
        "VARCHAR2" | "VARCHAR" => AttrType::Varchar(size(a.first(), 0, 32_767)?),
        "NVARCHAR2" => AttrType::NVarchar(size(a.first(), 0, 16_383)?),
        "CHAR" | "CHARACTER" => AttrType::Char(size(a.first(), 1, 2000)?),
        "NCHAR" => AttrType::NChar(size(a.first(), 1, 1000)?),
        "RAW" => AttrType::Raw(size(a.first(), 0, 32_767)?),
        "BINARY_FLOAT" => AttrType::BinaryFloat,
        "BINARY_DOUBLE" => AttrType::BinaryDouble,
        "DATE" => AttrType::Date,
        "TIMESTAMP" => {
            let p = frac(&a)?;
            let after = if a.is_empty() {
                1
            } else {
                1 + closing(t, 1).unwrap_or(0)
            };
            match (w(after), w(after + 1)) {
                (x, y) if x == "WITH" && y == "LOCAL" => AttrType::TimestampLtz(p),
                (x, _) if x == "WITH" => AttrType::TimestampTz(p),
                _ => AttrType::Timestamp(p),
            }
        }
        "CLOB" => AttrType::Clob,
        "NCLOB" => AttrType::NClob,
        "BLOB" => AttrType::Blob,
        "BOOLEAN" => AttrType::Boolean,
        "PLS_INTEGER" => AttrType::PlsInteger(true),
        "BINARY_INTEGER" => AttrType::PlsInteger(false),
        "LONG" | "ROWID" | "UROWID" | "BFILE" | "XMLTYPE" | "INTERVAL" | "JSON" | "VECTOR" => {
            return Err(SqlError {
                offset: first.pos as u32,
                ..invalid()
            })
        }
        _ => named(t, owner, exists)?,
    };
    Ok(ty)
}

/// `[schema.]type` naming another object or collection type.
fn named(
    t: &[Token],
    owner: &str,
    exists: &dyn Fn(&str, &str) -> bool,
) -> Result<AttrType, SqlError> {
    let (o, n, end) = qualified(t, 0, owner).ok_or_else(|| syntax(t.first(), "a type name"))?;
    if end != t.len() {
        return Err(syntax(t.get(end), "a comma or )"));
    }
    if !exists(&o, &n) {
        return Err(SqlError {
            offset: t[0].pos as u32,
            ..err(
                6550,
                &format!("PLS-00201: identifier '{o}.{n}' must be declared"),
            )
        });
    }
    Ok(AttrType::Named { owner: o, name: n })
}
