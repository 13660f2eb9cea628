//! Preparing and running queries and DML: classification, translation,
//! describe, value conversion between protocol values and SQLite storage.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use oradb_protocol::value::{number, ora_type, DateTime, Value};
use rusqlite::types::{Value as Sql, ValueRef};

use super::describe::{self, Hint};
use super::errors::{self, err};
use super::json_dot::token_text;
use super::lexer::{self, Tok, Token};
use super::lob_rows::lob_rowid;
use super::num;
use super::oracle::interval::{self, Interval};
use super::rewrite::{self, BindMode, Ctx};
use super::types::from_decl;
use super::{ColumnInfo, Outcome, Prepared, Session, SqlError, StmtKind};

pub fn classify(toks: &[Token]) -> Option<StmtKind> {
    let first = toks.iter().find(|t| !t.is_op("("))?.ident()?;
    Some(match first.as_str() {
        "SELECT" | "WITH" => StmtKind::Query,
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" => StmtKind::Dml,
        "CREATE" | "DROP" | "ALTER" | "TRUNCATE" | "GRANT" | "REVOKE" | "COMMENT" | "ANALYZE"
        | "AUDIT" | "RENAME" | "PURGE" => StmtKind::Ddl,
        "BEGIN" | "DECLARE" | "CALL" => StmtKind::PlSql,
        "COMMIT" | "ROLLBACK" | "SAVEPOINT" | "SET" => StmtKind::Other,
        _ => return None,
    })
}

/// How a NaN BINARY_DOUBLE/FLOAT is stored.
pub const NAN: &str = "NaN";

/// Protocol value → SQLite storage (Oracle's '' is NULL, but an empty
/// LOB is not: it stays a zero-length value, as EMPTY_CLOB() stores).
pub fn to_sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Number(s) => num::storage_of_text(s),
        Value::Varchar(s) if s.is_empty() => Sql::Null,
        Value::Varchar(s) | Value::Clob(s) => Sql::Text(s.clone()),
        Value::Raw(b) if b.is_empty() => Sql::Null,
        Value::Raw(b) | Value::Blob(b) | Value::Vector(b) => Sql::Blob(b.clone()),
        Value::Date(d) | Value::Timestamp(d) => Sql::Text(super::date_text::date_text(d)),
        // In the session's own zone it is zone-less text, which SQL then
        // compares with zone-less values (TRUNC of a TSTZ, a DATE column) as
        // Oracle does after converting them to the session's zone.
        Value::TimestampTz(d, off) if *off == super::date_text::session_offset_at(d) => {
            Sql::Text(super::date_text::date_text(d))
        }
        // Out of range only from a client's bytes, which decode refuses first.
        Value::TimestampTz(d, off) => super::date_text::tz_text(d, *off)
            .map(Sql::Text)
            .unwrap_or(Sql::Null),
        // SQLite turns a NaN REAL into NULL: NaN is kept as text, which the
        // BINARY_DOUBLE/FLOAT conversions read back (infinities are REALs).
        Value::Double(f) if f.is_nan() => Sql::Text(NAN.into()),
        Value::Float(f) if f.is_nan() => Sql::Text(NAN.into()),
        Value::Double(f) => Sql::Real(*f),
        Value::Float(f) => Sql::Real(*f as f64),
        Value::Boolean(b) => Sql::Integer(i64::from(*b)),
        Value::IntervalDS(_) | Value::IntervalYM(_) => Interval::of_value(v)
            .map(|i| Sql::Text(i.to_text()))
            .unwrap_or(Sql::Null),
    }
}

fn canonical_number(s: &str) -> Option<String> {
    number::encode_str(s.trim())
        .ok()
        .and_then(|b| number::decode_str(&b).ok())
}

/// SQLite storage → protocol value of the described column type.
pub fn to_value(v: ValueRef, c: &ColumnInfo) -> Value {
    let text = |v: ValueRef| match v {
        ValueRef::Integer(i) => Some(num::int_text(i)),
        ValueRef::Real(f) => Some(num::f64_text(f)),
        ValueRef::Text(t) => Some(match std::str::from_utf8(t) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(t).into_owned(),
        }),
        _ => None,
    };
    if matches!(v, ValueRef::Null) {
        return Value::Null;
    }
    match c.ora_type {
        ora_type::NUMBER => match v {
            ValueRef::Integer(i) => Value::Number(num::int_text(i)),
            ValueRef::Real(f) => Value::Number(num::f64_text(f)),
            other => text(other)
                .and_then(|s| canonical_number(&s))
                .map(Value::Number)
                .unwrap_or(Value::Null),
        },
        ora_type::TIMESTAMP_TZ => {
            // Stored TSTZ text; zone-less text (an expression's, a bind's
            // in the session's zone) is in the session's time zone.
            let parsed = match v {
                ValueRef::Text(t) => std::str::from_utf8(t)
                    .ok()
                    .and_then(super::date_text::parse_zoned),
                other => text(other).and_then(|s| super::date_text::parse_zoned(&s)),
            };
            parsed.map_or(Value::Null, |(d, off)| {
                Value::TimestampTz(
                    d,
                    off.unwrap_or_else(|| super::date_text::session_offset_at(&d)),
                )
            })
        }
        // Kept as an instant, shown in the session's time zone.
        ora_type::TIMESTAMP_LTZ => {
            let parsed = match v {
                ValueRef::Text(t) => std::str::from_utf8(t)
                    .ok()
                    .and_then(super::date_text::parse_zoned),
                other => text(other).and_then(|s| super::date_text::parse_zoned(&s)),
            };
            parsed
                .and_then(|(d, off)| match off {
                    Some(off) => {
                        let utc = super::date_text::shift(&d, -off)?;
                        let session = super::date_text::session_offset_at_utc(&utc);
                        super::date_text::shift(&utc, session)
                    }
                    None => Some(d),
                })
                .map_or(Value::Null, Value::Timestamp)
        }
        ora_type::DATE | ora_type::TIMESTAMP => {
            let parsed = match v {
                // Stored dates are text; parse them in place, without a copy.
                ValueRef::Text(t) => super::date_text::parse_stored_local(t).or_else(|| {
                    std::str::from_utf8(t)
                        .ok()
                        .and_then(super::date_text::parse_local)
                }),
                other => text(other).and_then(|s| super::date_text::parse_local(&s)),
            };
            match parsed {
                Some(d) if c.ora_type == ora_type::DATE => Value::Date(DateTime { nanos: 0, ..d }),
                Some(d) => Value::Timestamp(d),
                None => Value::Null,
            }
        }
        ora_type::RAW | ora_type::BLOB | ora_type::LONG_RAW | ora_type::OBJECT => {
            let b = match v {
                ValueRef::Blob(b) => b.to_vec(),
                other => text(other).unwrap_or_default().into_bytes(),
            };
            if c.ora_type == ora_type::BLOB {
                Value::Blob(b)
            } else {
                Value::Raw(b)
            }
        }
        ora_type::BINARY_DOUBLE | ora_type::BINARY_FLOAT => match v {
            ValueRef::Integer(i) => Value::Double(i as f64),
            ValueRef::Real(f) => Value::Double(f),
            other => text(other)
                .and_then(|s| s.parse().ok())
                .map(Value::Double)
                .unwrap_or(Value::Null),
        },
        ora_type::BOOLEAN => match crate::boolean::read(v) {
            Some(b) => Value::Boolean(b),
            // Text no BOOLEAN takes stays text: sending it fails, no guess.
            None => Value::Varchar(text(v).unwrap_or_default()),
        },
        ora_type::CLOB | ora_type::JSON => Value::Clob(text(v).unwrap_or_default()),
        // A stored value that is no vector stays what it is, so sending it
        // as VECTOR fails (ORA-00932) rather than passing as a NULL.
        ora_type::VECTOR => match crate::vector::read(v) {
            Ok(None) => Value::Null,
            Ok(Some(vec)) => match oradb_protocol::value::vector::encode(&vec) {
                Ok(img) => Value::Vector(img),
                Err(_) => Value::Raw(Vec::new()),
            },
            Err(_) => match v {
                ValueRef::Blob(b) => Value::Raw(b.to_vec()),
                other => Value::Varchar(text(other).unwrap_or_default()),
            },
        },
        ora_type::INTERVAL_DS | ora_type::INTERVAL_YM => text(v)
            .and_then(|s| interval::value_of_text(&s, c.ora_type == ora_type::INTERVAL_YM))
            .unwrap_or(Value::Null),
        ora_type::CHAR => {
            let s = text(v).unwrap_or_default();
            let pad = (c.char_size as usize).saturating_sub(s.chars().count());
            Value::Varchar(s + &" ".repeat(pad))
        }
        _ => Value::Varchar(match v {
            ValueRef::Real(f) => {
                let s = num::f64_text(f);
                s.strip_prefix("0.").map(|r| format!(".{r}")).unwrap_or(s)
            }
            ValueRef::Blob(b) => b.iter().map(|x| format!("{x:02X}")).collect(),
            other => text(other).unwrap_or_default(),
        }),
    }
}

/// `to_value` for a row sent to a client: a stored value the column's type cannot carry (text
/// in a NUMBER or DATE column, which SQLite's loose typing allows) is an error naming the
/// column, never a silent NULL.
pub(crate) fn row_value(v: ValueRef, c: &ColumnInfo) -> Result<Value, SqlError> {
    let out = to_value(v, c);
    if !out.is_null() || matches!(v, ValueRef::Null) {
        return Ok(out);
    }
    match c.ora_type {
        ora_type::NUMBER | ora_type::BINARY_DOUBLE | ora_type::BINARY_FLOAT => Err(err(
            1722,
            &format!(
                "invalid number: column {} holds a value that is not a number",
                c.name
            ),
        )),
        ora_type::DATE | ora_type::TIMESTAMP | ora_type::TIMESTAMP_TZ | ora_type::TIMESTAMP_LTZ => {
            Err(err(
                1861,
                &format!(
                "literal does not match format string: column {} holds a value that is not a date",
                c.name
            ),
            ))
        }
        ora_type::INTERVAL_DS | ora_type::INTERVAL_YM => Err(err(
            1867,
            &format!(
                "the interval is invalid: column {} holds a value that is not an interval",
                c.name
            ),
        )),
        _ => Ok(out),
    }
}

fn column(name: String, ora_type: u8, size: u32, precision: i8, scale: i8) -> ColumnInfo {
    ColumnInfo {
        name,
        ora_type,
        size,
        char_size: size,
        precision,
        scale,
        nullable: true,
        object_type: None,
        national: false,
        uds_flags: 0,
    }
}

/// Best static guess for an expression column, from its Oracle heading.
fn guess(name: &str) -> ColumnInfo {
    let n = name.to_ascii_uppercase();
    let starts = |ps: &[&str]| ps.iter().any(|p| n.starts_with(p));
    if starts(&[
        "SYSDATE",
        "TO_DATE(",
        "ADD_MONTHS(",
        "LAST_DAY(",
        "TRUNC(SYSDATE",
        "CURRENT_DATE",
    ]) {
        column(name.into(), ora_type::DATE, 7, 0, 0)
    } else if starts(&["SYSTIMESTAMP", "CURRENT_TIMESTAMP", "TO_TIMESTAMP_TZ("]) {
        column(name.into(), ora_type::TIMESTAMP_TZ, 13, 0, 6)
    } else if starts(&["TO_TIMESTAMP(", "LOCALTIMESTAMP"]) {
        column(name.into(), ora_type::TIMESTAMP, 11, 0, 6)
    } else if n.starts_with('\'') {
        let len = n.len().saturating_sub(2).max(1) as u32;
        ColumnInfo {
            nullable: false,
            ..column(name.into(), ora_type::CHAR, len, 0, 0)
        }
    } else if n
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'-' || b == b'(')
        || starts(&[
            "COUNT(",
            "SUM(",
            "AVG(",
            "LENGTH(",
            "INSTR(",
            "TO_NUMBER(",
            "ROUND(",
            "TRUNC(",
            "MOD(",
            "ABS(",
            "FLOOR(",
            "CEIL(",
            "POWER(",
            "SQRT(",
            "SIGN(",
            "ROWNUM",
        ])
        || n.ends_with(".NEXTVAL")
        || n.ends_with(".CURRVAL")
    {
        column(name.into(), ora_type::NUMBER, 22, 0, -127)
    } else {
        column(name.into(), ora_type::VARCHAR, 4000, 0, 0)
    }
}

/// The type shown by actual values, for columns SQLite cannot describe.
/// Whether `t` is date/time text. Such text is short: a long value (a big
/// string bind) is neither scanned nor copied into a parse error.
fn is_datetime(t: &str) -> bool {
    t.len() <= 64 && super::date_text::parse_zoned(t).is_some()
}

/// A TO_CHAR item: VARCHAR2 as long as its longest value.
fn text_column(rows: &[Vec<Sql>], i: usize, base: &ColumnInfo) -> ColumnInfo {
    let len = rows
        .iter()
        .filter_map(|r| match &r[i] {
            Sql::Text(t) => Some(t.len()),
            Sql::Integer(n) => Some(n.to_string().len()),
            Sql::Real(f) => Some(num::f64_text(*f).len()),
            _ => None,
        })
        .max()
        .unwrap_or(1)
        .clamp(1, 32767);
    column(base.name.clone(), ora_type::VARCHAR, len as u32, 0, 0)
}

/// `base` is the column as prepared: a NUMBER there (from the heading or
/// an arithmetic item) keeps exact decimal text a NUMBER.
fn infer(rows: &[Vec<Sql>], i: usize, base: &ColumnInfo) -> ColumnInfo {
    let name = base.name.as_str();
    let mut max_len = 1;
    let mut kind = None;
    for r in rows {
        match &r[i] {
            Sql::Null => continue,
            Sql::Integer(n) => {
                max_len = max_len.max(n.to_string().len());
                kind = kind.or(Some(ora_type::NUMBER));
            }
            Sql::Real(f) => {
                max_len = max_len.max(num::f64_text(*f).len());
                kind = kind.or(Some(ora_type::NUMBER));
            }
            Sql::Text(t) if base.ora_type == ora_type::NUMBER && num::parse(t).is_some() => {
                // Exact decimals beyond a double's 15 digits are kept as text.
                kind = kind.or(Some(ora_type::NUMBER));
            }
            Sql::Text(t)
                if matches!(
                    kind,
                    None | Some(ora_type::INTERVAL_DS | ora_type::INTERVAL_YM)
                ) && t.len() <= 29
                    && Interval::from_text(t).is_some() =>
            {
                // Interval expressions yield the stored text form.
                kind = Some(match Interval::from_text(t) {
                    Some(Interval::YearMonth(_)) => ora_type::INTERVAL_YM,
                    _ => ora_type::INTERVAL_DS,
                });
            }
            Sql::Text(t) => {
                max_len = max_len.max(t.len());
                if kind.is_none() && t.len() >= 19 && is_datetime(t) {
                    kind = Some(if super::date_text::parse_stored(t).is_some() {
                        ora_type::TIMESTAMP_TZ
                    } else if t.len() > 19 {
                        ora_type::TIMESTAMP
                    } else {
                        ora_type::DATE
                    });
                } else if kind.is_none()
                    || matches!(
                        kind,
                        Some(ora_type::DATE | ora_type::TIMESTAMP | ora_type::TIMESTAMP_TZ)
                    ) && !is_datetime(t)
                    // Numbers and text in one column (DECODE, CASE): text carries both.
                    || kind == Some(ora_type::NUMBER) && num::parse(t).is_none()
                {
                    kind = Some(ora_type::VARCHAR);
                }
            }
            Sql::Blob(b) => {
                max_len = max_len.max(b.len());
                kind = kind.or(Some(ora_type::RAW));
            }
        }
    }
    match kind {
        Some(ora_type::NUMBER) => column(name.into(), ora_type::NUMBER, 22, 0, -127),
        Some(ora_type::DATE) => column(name.into(), ora_type::DATE, 7, 0, 0),
        Some(ora_type::TIMESTAMP) => column(name.into(), ora_type::TIMESTAMP, 11, 0, 6),
        Some(ora_type::TIMESTAMP_TZ) => column(name.into(), ora_type::TIMESTAMP_TZ, 13, 0, 6),
        Some(ora_type::RAW) => column(name.into(), ora_type::RAW, max_len.min(32767) as u32, 0, 0),
        Some(ora_type::INTERVAL_DS) => column(name.into(), ora_type::INTERVAL_DS, 11, 9, 9),
        Some(ora_type::INTERVAL_YM) => column(name.into(), ora_type::INTERVAL_YM, 5, 9, 0),
        Some(_) => column(
            name.into(),
            ora_type::VARCHAR,
            max_len.min(32767) as u32,
            0,
            0,
        ),
        None => base.clone(),
    }
}

/// Adds `AS "HEADING"` to each top-level select item that has no alias so
/// SQLite reports Oracle's column names; also returns each item's static
/// type hint, or none when the items do not map one-to-one onto columns.
pub(crate) fn alias_select_items(toks: &[Token], sql: &str) -> (Vec<Token>, Vec<Hint>) {
    let mut out = toks.to_vec();
    let mut hints = Vec::new();
    let mut depth = 0;
    let Some(sel) = toks.iter().position(|t| {
        let at0 = depth == 0;
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        }
        at0 && t.is_word("SELECT")
    }) else {
        return (out, hints);
    };
    let mut i = sel + 1;
    while toks
        .get(i)
        .is_some_and(|t| t.is_word("DISTINCT") || t.is_word("UNIQUE") || t.is_word("ALL"))
    {
        i += 1;
    }
    let mut items = Vec::new();
    let (mut start, mut d) = (i, 0);
    while i < toks.len() {
        let t = &toks[i];
        if t.is_op("(") {
            d += 1;
        } else if t.is_op(")") {
            d -= 1;
        }
        // A FROM-less select (23ai) ends its list at the next clause.
        let clause = [
            "UNION",
            "INTERSECT",
            "MINUS",
            "EXCEPT",
            "WHERE",
            "GROUP",
            "ORDER",
        ]
        .iter()
        .any(|w| t.is_word(w));
        let end = d == 0 && (t.is_op(",") || t.is_word("FROM") || t.is_word("INTO") || clause);
        if end || d < 0 {
            items.push((start, i));
            start = i + 1;
            if !t.is_op(",") {
                break;
            }
        }
        i += 1;
    }
    if i >= toks.len() && start < toks.len() {
        items.push((start, toks.len()));
    }
    // A set operation's branches may differ: only the values decide there.
    let set_op = toks.iter().any(|t| {
        t.is_word("UNION") || t.is_word("INTERSECT") || t.is_word("MINUS") || t.is_word("EXCEPT")
    });
    let mut stars = false;
    for &(s, e) in items.iter().rev() {
        let item = &toks[s..e];
        let Some(last) = item.last() else { continue };
        if last.is_op("*") {
            stars = true;
            continue;
        }
        let binds_before = toks[..s]
            .iter()
            .filter(|t| matches!(t.tok, Tok::Bind(_)))
            .count();
        let typed = |body: &[Token]| match describe::item_hint(body, binds_before) {
            Hint::Char { .. } | Hint::Number if set_op => Hint::Unknown,
            Hint::Unknown if super::objects::constructor_column(body).is_some() => {
                super::objects::constructor_column(body).map_or(Hint::Unknown, Hint::Typed)
            }
            Hint::Unknown if super::json_dot::is_dot_item(toks, body) => {
                Hint::JsonDot(body.iter().map(token_text).collect())
            }
            Hint::Unknown if !body.is_empty() => {
                // An aliased CAST/TO_CLOB/...: typed by its text, as unaliased.
                let end = toks.get(s + body.len()).map_or(sql.len(), |t| t.pos);
                let text: String = sql
                    .get(body[0].pos..end)
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                super::types::heading_type(&text).map_or(Hint::Unknown, Hint::Typed)
            }
            h => h,
        };
        let has_alias = item.len() >= 2 && last.ident().is_some() && {
            let prev = &item[item.len() - 2];
            prev.is_word("AS")
                || (!matches!(prev.tok, Tok::Op(ref o) if o != ")")
                    && !last.is_word("END")
                    && !prev.is_op("."))
        };
        if has_alias {
            let body = if item[item.len() - 2].is_word("AS") {
                &item[..item.len() - 2]
            } else {
                &item[..item.len() - 1]
            };
            hints.push(typed(body));
            // Unquoted aliases are upper-cased like every Oracle identifier.
            if let Tok::Word(w) = &last.tok {
                out[e - 1] = Token {
                    tok: Tok::Quoted(w.to_ascii_uppercase()),
                    pos: last.pos,
                };
            }
            continue;
        }
        let name = if item.len() == 1
            || (item.len() >= 3
                && item[item.len() - 2].is_op(".")
                && item.iter().all(|t| t.ident().is_some() || t.is_op(".")))
        {
            match last.ident() {
                Some(n) => n,
                None => {
                    let end_pos = toks.get(e).map_or(sql.len(), |t| t.pos);
                    sql[item[0].pos..end_pos].trim().to_ascii_uppercase()
                }
            }
        } else {
            let end_pos = toks.get(e).map_or(sql.len(), |t| t.pos);
            sql[item[0].pos..end_pos]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_uppercase()
        };
        hints.push(typed(item));
        let pos = last.pos;
        out.insert(
            e,
            Token {
                tok: Tok::Quoted(name),
                pos,
            },
        );
        out.insert(
            e,
            Token {
                tok: Tok::Word("AS".into()),
                pos,
            },
        );
    }
    if stars {
        hints.clear();
    }
    hints.reverse();
    if set_op {
        // A VECTOR item's type is its branches' common one.
        let rest = next_branch(toks, i).map(|b| alias_select_items(&toks[b..], sql).1);
        for (k, h) in hints.iter_mut().enumerate() {
            let other = rest.as_ref().and_then(|r| r.get(k));
            *h = crate::vector::merge_hint(std::mem::replace(h, Hint::Unknown), other);
        }
    }
    (out, hints)
}

/// Where the select after the next top-level set operator from `from`
/// starts (after its ALL or DISTINCT).
fn next_branch(toks: &[Token], from: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, t) in toks.iter().enumerate().skip(from) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if depth == 0
            && ["UNION", "INTERSECT", "MINUS", "EXCEPT"]
                .iter()
                .any(|w| t.is_word(w))
        {
            let skip = toks
                .get(k + 1)
                .is_some_and(|n| n.is_word("ALL") || n.is_word("DISTINCT"));
            return Some(k + 1 + usize::from(skip));
        }
    }
    None
}

/// Splits `... RETURNING exprs INTO :a, :b` at the top level.
pub(crate) fn split_returning(toks: &[Token]) -> Option<(usize, usize)> {
    let mut depth = 0;
    let mut ret = None;
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if depth == 0 && (t.is_word("RETURNING") || t.is_word("RETURN")) {
            ret = Some(i);
        } else if depth == 0 && t.is_word("INTO") {
            if let Some(r) = ret {
                return Some((r, i));
            }
        }
    }
    None
}

impl Session {
    pub fn prepare(&mut self, sql: &str) -> Result<Prepared, SqlError> {
        self.info.bump(crate::directory::stat::PARSE_COUNT);
        self.catch_up_ddl();
        let toks = lexer::tokenize(sql).map_err(|e| SqlError {
            offset: e.pos as u32,
            ..err(1756, &e.message)
        })?;
        if let Some(pos) = rewrite::too_deep(&toks) {
            return Err(SqlError {
                offset: pos as u32,
                ..err(
                    900,
                    &format!(
                        "invalid SQL statement (nested more than {} levels deep)",
                        rewrite::MAX_NESTING
                    ),
                )
            });
        }
        let kind = classify(&toks).ok_or_else(|| err(900, "invalid SQL statement"))?;
        let mut toks = super::sys_names::unqualify(toks);
        // DELETE's FROM is optional in Oracle (`delete TestTempTable`).
        if toks.first().is_some_and(|t| t.is_word("DELETE"))
            && toks
                .get(1)
                .is_some_and(|t| !t.is_word("FROM") && t.ident().is_some())
        {
            let pos = toks[1].pos;
            toks.insert(
                1,
                lexer::Token {
                    tok: lexer::Tok::Word("FROM".into()),
                    pos,
                },
            );
        }
        if matches!(kind, StmtKind::Query | StmtKind::Dml) {
            super::reserved::check_bind_names(sql, &toks)?;
            self.attach_named(&toks)?;
            toks = self.resolve_synonyms(toks);
            toks = self.rewrite_constructors(toks)?;
        }
        if kind != StmtKind::PlSql {
            while toks.last().is_some_and(|t| t.is_op(";")) {
                toks.pop();
            }
        }
        if kind == StmtKind::Query {
            super::lob_rows::strip_for_update(&mut toks);
        }
        let mut p = Prepared {
            kind,
            bind_names: Vec::new(),
            returning: Vec::new(),
            reread: None,
            reread_lobs: Vec::new(),
            plsql_dirs: Vec::new(),
            columns: Vec::new(),
            sql: sql.to_string(),
            toks: Arc::new(Vec::new()),
            translated: String::new(),
            inferred: Vec::new(),
            hints: Vec::new(),
            ddl_generation: self.db.ddl_generation.load(Ordering::Acquire),
            lob: None,
        };
        match kind {
            StmtKind::Query | StmtKind::Dml => self.prepare_sql(&mut p, &toks)?,
            StmtKind::PlSql => super::plsql::analyze(&mut p, &toks, &|n| self.param_modes(n))?,
            StmtKind::Ddl | StmtKind::Other => {}
        }
        p.toks = Arc::new(toks);
        Ok(p)
    }

    fn prepare_sql(&mut self, p: &mut Prepared, toks: &[Token]) -> Result<(), SqlError> {
        p.bind_names = toks
            .iter()
            .filter_map(|t| {
                if let Tok::Bind(b) = &t.tok {
                    Some(b.clone())
                } else {
                    None
                }
            })
            .collect();
        let stripped = rewrite::insert_default::strip_default_values(toks)
            .or_else(|| rewrite::dml_alias::as_before_target_alias(toks));
        let toks = stripped.as_deref().unwrap_or(toks);
        let numbered = self.number_comparisons(toks);
        let toks = numbered.as_deref().unwrap_or(toks);
        let none = |_: &str| None;
        let user = self.user.clone();
        let _json_columns = rewrite::json_ctor::JsonColumns::set(self.json_columns(toks));
        let mut ctx = Ctx {
            binds: BindMode::Positional,
            next_bind: 0,
            user: &user,
            locals: &none,
        };
        if p.kind == StmtKind::Query {
            let (aliased, mut hints) = alias_select_items(toks, &p.sql);
            // CURSOR(subquery) items become nested cursors (nested.rs).
            let aliased = self.nest_cursors(aliased, &mut hints, &p.sql)?;
            p.hints = hints;
            p.translated = rewrite::rewrite(&aliased, &mut ctx);
        } else if let Some(sql) = toks
            .first()
            .filter(|t| t.is_word("MERGE"))
            .and_then(|_| rewrite::merge::merge(toks, &mut ctx))
        {
            p.translated = sql;
        } else if let Some((ret, into)) = split_returning(toks) {
            let main = rewrite::rewrite(&toks[..ret], &mut ctx);
            let exprs = rewrite::rewrite(&toks[ret + 1..into], &mut ctx);
            let before = toks[..into]
                .iter()
                .filter(|t| matches!(t.tok, Tok::Bind(_)))
                .count();
            p.returning = (before..p.bind_names.len()).collect();
            p.translated = format!("{main} RETURNING {exprs}");
            if let Some(select) = rewrite::returning::reread_select(toks, ret, into) {
                let select = rewrite::rewrite(&select, &mut ctx);
                let reread = format!("{select} WHERE rowid = ?1");
                // One that SQLite refuses keeps RETURNING as written, and its error.
                if self.conn.prepare_cached(&reread).is_ok() {
                    p.reread_lobs = super::lob_rows::returned_lobs(&self.conn, &reread);
                    p.reread = Some(reread);
                    p.translated = format!("{main} RETURNING rowid");
                }
            }
        } else {
            p.translated = rewrite::rewrite(toks, &mut ctx);
        }
        self.materialize_views(toks)?;
        self.check_identity_always(toks)?;
        self.register_stored_functions(toks);
        if p.translated.contains(rewrite::merge::SEPARATOR) {
            for part in p.translated.split(rewrite::merge::SEPARATOR) {
                self.conn
                    .prepare(part)
                    .map_err(|e| errors::map(&e, toks, &self.user))?;
            }
            return Ok(());
        }
        let stmt = self
            .conn
            .prepare(&p.translated)
            .map_err(|e| errors::map(&e, toks, &self.user))?;
        if p.kind == StmtKind::Query {
            if p.hints.len() != stmt.column_count() {
                p.hints.clear();
            }
            for (i, c) in stmt.columns().iter().enumerate() {
                let name = c.name().to_string();
                let hint = p.hints.get(i).cloned().unwrap_or(Hint::Unknown);
                let fixed = match &hint {
                    Hint::Char { bytes, chars } => Some(describe::char_column(*bytes, *chars)),
                    Hint::Typed(c) => Some(c.clone()),
                    Hint::JsonDot(h) => self.json_dot_type(toks, h),
                    _ => None,
                };
                if let Some(info) = fixed {
                    p.columns.push(ColumnInfo { name, ..info });
                    p.inferred.push(false);
                    continue;
                }
                match c.decl_type().and_then(from_decl) {
                    Some((info, _)) => {
                        p.columns.push(ColumnInfo { name, ..info });
                        p.inferred.push(false);
                    }
                    None => match super::types::heading_type(&name) {
                        Some(info) => {
                            p.columns.push(ColumnInfo { name, ..info });
                            p.inferred.push(false);
                        }
                        None => {
                            if let Some(info) = self.view_column_type(toks, &name) {
                                p.columns.push(ColumnInfo { name, ..info });
                                p.inferred.push(false);
                                continue;
                            }
                            let mut c = guess(&name);
                            if hint == Hint::Number {
                                c = column(name, ora_type::NUMBER, 22, 0, -127);
                            }
                            p.columns.push(c);
                            p.inferred.push(true);
                        }
                    },
                }
            }
            drop(stmt);
            p.lob = self.lob_query(p, toks);
        }
        Ok(())
    }

    /// ORA-32795 for an explicit value into a GENERATED ALWAYS column.
    fn check_identity_always(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        if !(toks.first().is_some_and(|t| t.is_word("INSERT"))
            && toks.get(1).is_some_and(|t| t.is_word("INTO")))
        {
            return Ok(());
        }
        let Ok((owner, table)) = super::schemas::collapse_name(toks, 2) else {
            return Ok(());
        };
        let toks = &table[..];
        let Some(table) = toks.get(2).and_then(Token::ident) else {
            return Ok(());
        };
        let schema = self.table_schema(owner, &table)?;
        let mut always = Vec::new();
        let Ok(mut stmt) = self.conn.prepare(&format!(
            "PRAGMA {}.table_info({})",
            super::schemas::quote(&schema),
            super::schemas::quote(&table)
        )) else {
            return Ok(());
        };
        let cols: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map(|it| it.filter_map(Result::ok).collect())
            .unwrap_or_default();
        for (name, decl) in &cols {
            if from_decl(decl).is_some_and(|(_, id)| id == Some("ALWAYS")) {
                always.push(name.clone());
            }
        }
        if always.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = if toks.get(3).is_some_and(|t| t.is_op("(")) {
            toks[4..]
                .iter()
                .take_while(|t| !t.is_op(")"))
                .filter_map(Token::ident)
                .collect()
        } else {
            cols.iter().map(|c| c.0.clone()).collect()
        };
        if listed.iter().any(|c| always.contains(c)) {
            return Err(err(
                32795,
                "cannot insert into a generated always identity column",
            ));
        }
        Ok(())
    }

    /// A query or DML statement prepared before DDL ran since (in any session), prepared
    /// again from its text, as Oracle re-parses a cursor DDL invalidated; `None` when `p` is
    /// still current. The caller keeps the new one and describes it again if its columns moved.
    pub fn refresh(&mut self, p: &Prepared) -> Result<Option<Prepared>, SqlError> {
        if !self.is_stale(p) {
            return Ok(None);
        }
        self.prepare(&p.sql).map(Some)
    }

    /// Whether `refresh` would prepare `p` again: one atomic load, so a caller can check on
    /// its own thread and hand only the parse itself to a blocking one.
    pub fn is_stale(&self, p: &Prepared) -> bool {
        let now = self.db.ddl_generation.load(Ordering::Acquire);
        p.ddl_generation != now && matches!(p.kind, StmtKind::Query | StmtKind::Dml)
    }

    /// After DDL anywhere since this session last looked: cached SQLite statements still
    /// carry the old columns until they are stepped, and another session's DDL reaches this
    /// connection's schema only when it next reads each attached file. Touch them all, so a
    /// prepare describes the current tables.
    fn catch_up_ddl(&mut self) {
        let now = self.db.ddl_generation.load(Ordering::Acquire);
        if self.seen_ddl_generation == now {
            return;
        }
        self.seen_ddl_generation = now;
        self.conn.flush_prepared_statement_cache();
        let names: Vec<String> = self
            .conn
            .prepare("PRAGMA database_list")
            .and_then(|mut st| st.query_map([], |r| r.get::<_, String>(1))?.collect())
            .unwrap_or_default();
        for n in names {
            let sql = format!(
                "SELECT count(*) FROM {}.sqlite_master",
                super::schemas::quote(&n)
            );
            let _ = self.conn.query_row(&sql, [], |r| r.get::<_, i64>(0));
        }
    }

    pub fn execute(&mut self, p: &Prepared, binds: &[Value]) -> Result<Outcome, SqlError> {
        self.check_interrupt()?;
        super::date_text::set_session_zone(self.shared.zone());
        self.info.bump(crate::directory::stat::EXECUTE_COUNT);
        self.last_rowid = None;
        // A caller that kept a statement across DDL (the server refreshes its cursors itself,
        // so it pays this parse once) still runs it against the current tables.
        let fresh = self.refresh(p)?;
        let p = fresh.as_ref().unwrap_or(p);
        let out = self.execute_now(p, binds);
        // ALTER SESSION / SYSTEM change no table: cached statements stay as they are.
        let session_only = p.toks.first().is_some_and(|t| t.is_word("ALTER"))
            && p.toks
                .get(1)
                .is_some_and(|t| t.is_word("SESSION") || t.is_word("SYSTEM"));
        if matches!(p.kind, StmtKind::Ddl | StmtKind::PlSql) && !session_only {
            // After running (even on failure: DDL may have done part of its work), so a
            // statement prepared before or during it is prepared again.
            self.db.ddl_generation.fetch_add(1, Ordering::AcqRel);
        }
        out
    }

    fn execute_now(&mut self, p: &Prepared, binds: &[Value]) -> Result<Outcome, SqlError> {
        match p.kind {
            StmtKind::Query => self.run_query(p, binds),
            StmtKind::Dml => {
                // A statement of its own, not one inside a PL/SQL block's.
                let top = !self.guard_active();
                let watch = self.watch(p);
                let out = self.atomic(|s| s.run_dml(p, binds, top));
                self.last_rowid = self.touched(watch, &out);
                out
            }
            StmtKind::Ddl => match self.trigger_ddl(p).or_else(|| self.stored_ddl(p)) {
                Some(r) => r,
                None => self.ddl(&p.toks),
            }
            .map(|_| Outcome::Ddl),
            StmtKind::PlSql => self.atomic(|s| s.run_plsql(p, binds)),
            StmtKind::Other => {
                let first = p.toks.first().and_then(Token::ident).unwrap_or_default();
                match first.as_str() {
                    "COMMIT" => self.user_commit()?,
                    "ROLLBACK"
                        if p.toks.len() == 1
                            || p.toks.get(1).is_some_and(|t| t.is_word("WORK")) =>
                    {
                        self.user_rollback()?
                    }
                    "ROLLBACK" | "SAVEPOINT" => {
                        self.begin()?;
                        let sql = p
                            .toks
                            .iter()
                            .filter_map(|t| t.ident())
                            .collect::<Vec<_>>()
                            .join(" ");
                        self.conn
                            .execute_batch(&sql)
                            .map_err(|e| errors::map(&e, &p.toks, &self.user))?;
                    }
                    _ => {}
                }
                Ok(Outcome::Ddl)
            }
        }
    }

    fn params(binds: &[Value], skip: &[usize]) -> Vec<Sql> {
        binds
            .iter()
            .enumerate()
            .filter(|(i, _)| !skip.contains(i))
            .map(|(_, v)| to_sql(v))
            .collect()
    }

    fn run_query(&mut self, p: &Prepared, binds: &[Value]) -> Result<Outcome, SqlError> {
        self.materialize_views(&p.toks)?;
        self.lob_rows = None;
        let sql = p.lob.as_ref().map_or(&p.translated, |l| &l.translated);
        let mut stmt = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| errors::map(&e, &p.toks, &self.user))?;
        let params = Self::params(binds, &[]);
        let n = p.columns.len();
        // The hidden rowid column of a query with persistent LOBs.
        let mut rowids = Vec::new();
        let mut rowid_of = |r: &rusqlite::Row| {
            if p.lob.is_some() {
                rowids.push(lob_rowid(r.get_ref(n).ok()));
            }
        };
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(|e| errors::map(&e, &p.toks, &self.user))?;
        if !p.inferred.iter().any(|i| *i) {
            // Every column has a declared type: convert straight from SQLite's values.
            let out = super::row_reader::read_all(
                &mut rows,
                &p.columns[..n],
                row_value,
                &mut rowid_of,
                &|e| errors::map(e, &p.toks, &self.user),
            )?;
            drop(rows);
            drop(stmt);
            self.keep_lob_rows(p, rowids);
            return Ok(Outcome::Rows {
                columns: p.columns.clone(),
                rows: out,
            });
        }
        let mut raw: Vec<Vec<Sql>> = Vec::new();
        while let Some(r) = rows
            .next()
            .map_err(|e| errors::map(&e, &p.toks, &self.user))?
        {
            rowid_of(r);
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(r.get_ref(i).map(Sql::from).unwrap_or(Sql::Null));
            }
            raw.push(row);
        }
        drop(rows);
        drop(stmt);
        self.keep_lob_rows(p, rowids);
        let columns: Vec<ColumnInfo> = p
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if !p.inferred[i] {
                    return c.clone();
                }
                let bound = match p.hints.get(i) {
                    Some(Hint::Bind(k)) => self
                        .object_bind_column(*k, binds.get(*k))
                        .or_else(|| binds.get(*k).and_then(describe::bind_column)),
                    _ => None,
                };
                match bound {
                    Some(b) => ColumnInfo {
                        name: c.name.clone(),
                        ..b
                    },
                    None if p.hints.get(i) == Some(&Hint::Text) => text_column(&raw, i, c),
                    None => infer(&raw, i, c),
                }
            })
            .collect();
        let rows = raw
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&columns)
                    .map(|(v, c)| row_value(ValueRef::from(v), c))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Outcome::Rows { columns, rows })
    }

    fn run_dml(&mut self, p: &Prepared, binds: &[Value], top: bool) -> Result<Outcome, SqlError> {
        self.lob_rows = None;
        // A statement that is one SQLite statement needs no savepoint of ours: SQLite backs
        // out a failed statement's own changes (ON CONFLICT ABORT) and keeps the
        // transaction's earlier ones. Setting and releasing one per executeMany row was a
        // fifth of the server's CPU. Inside a PL/SQL block the block's savepoint is needed.
        let one_statement =
            top && p.returning.is_empty() && !p.translated.contains(rewrite::merge::SEPARATOR);
        if one_statement {
            self.begin_unmarked()?;
        } else {
            self.begin()?;
        }
        if !self.views_attached {
            self.materialize_views(&p.toks)?;
        }
        if let Some(target) = self.row_triggers(p)? {
            // Triggers run as several statements.
            self.begin()?;
            return self.run_dml_fired(p, binds, target);
        }
        let params = Self::params(binds, &p.returning);
        let map = |e: rusqlite::Error| errors::map(&e, &p.toks, &self.user);
        if p.translated.contains(rewrite::merge::SEPARATOR) {
            let row_count = rewrite::merge::run(&self.conn, &p.translated, &params).map_err(map)?;
            return Ok(Outcome::Dml {
                row_count,
                returning: Vec::new(),
            });
        }
        let mut stmt = self.conn.prepare_cached(&p.translated).map_err(map)?;
        if p.returning.is_empty() {
            let n = stmt
                .execute(rusqlite::params_from_iter(params.iter()))
                .map_err(|e| errors::map(&e, &p.toks, &self.user))?;
            return Ok(Outcome::Dml {
                row_count: n as u64,
                returning: Vec::new(),
            });
        }
        let width = p.returning.len();
        let mut returning: Vec<Vec<Value>> = vec![Vec::new(); width];
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params.iter()))
            .map_err(|e| errors::map(&e, &p.toks, &self.user))?;
        let mut count = 0;
        let mut written = Vec::new();
        while let Some(r) = rows
            .next()
            .map_err(|e| errors::map(&e, &p.toks, &self.user))?
        {
            count += 1;
            if p.reread.is_some() {
                written.push(r.get_ref(0).map(Sql::from).unwrap_or(Sql::Null));
                continue;
            }
            push_returned(&mut returning, r, width);
        }
        drop(rows);
        drop(stmt);
        if let Some(reread) = &p.reread {
            // The rows as stored, once the statement and its triggers are done.
            let mut stmt = self.conn.prepare_cached(reread).map_err(map)?;
            let mut rowids = Vec::with_capacity(written.len());
            for rowid in &written {
                let mut rows = stmt.query([rowid]).map_err(map)?;
                match rows.next().map_err(map)? {
                    Some(r) => {
                        push_returned(&mut returning, r, width);
                        rowids.push(lob_rowid(Some(ValueRef::from(rowid))));
                        // A LOB column's value as a LOB: EMPTY_CLOB() is
                        // not NULL, as a VARCHAR2 '' would be.
                        for (k, _, ty) in &p.reread_lobs {
                            if let (Some(out), Ok(v)) = (returning.get_mut(*k), r.get_ref(*k)) {
                                if let Some(last) = out.last_mut() {
                                    *last = super::lob_rows::lob_value_of(v, *ty);
                                }
                            }
                        }
                    }
                    // Gone already (a trigger deleted it): NULLs keep the rows aligned.
                    None => {
                        returning.iter_mut().for_each(|out| out.push(Value::Null));
                        rowids.push(None);
                    }
                }
            }
            if !p.reread_lobs.is_empty() {
                // The written rows, for the server's persistent locators.
                self.lob_rows = Some(super::lob_rows::LobRows {
                    columns: p
                        .reread_lobs
                        .iter()
                        .map(|(k, s, _)| (*k, s.clone()))
                        .collect(),
                    rowids,
                });
            }
        }
        Ok(Outcome::Dml {
            row_count: count,
            returning,
        })
    }
}

/// Appends one row's RETURNING values, one per bind.
pub(crate) fn push_returned(returning: &mut [Vec<Value>], r: &rusqlite::Row, width: usize) {
    for (k, out) in returning.iter_mut().enumerate().take(width) {
        let v = r.get_ref(k).map(Sql::from).unwrap_or(Sql::Null);
        let c = infer(&[vec![v.clone()]], 0, &guess(""));
        out.push(to_value(ValueRef::from(&v), &c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sql: &str) -> Vec<String> {
        let toks = lexer::tokenize(sql).unwrap();
        alias_select_items(&toks, sql)
            .0
            .iter()
            .filter_map(|t| {
                if let Tok::Quoted(q) = &t.tok {
                    Some(q.clone())
                } else {
                    None
                }
            })
            .collect()
    }

    #[test]
    fn oracle_column_headings() {
        assert_eq!(
            names("select 1+1, count(*), x, t.y, 'abc' from t"),
            vec!["1+1", "COUNT(*)", "X", "Y", "'ABC'"]
        );
        // Existing aliases are kept, upper-cased like any unquoted identifier.
        assert_eq!(names("select a b, c as d, * from t"), vec!["B", "D"]);
        assert_eq!(
            names("select case when x = 1 then 2 end from t"),
            vec!["CASEWHENX=1THEN2END"]
        );
    }

    #[test]
    fn a_statement_prepared_before_ddl_is_prepared_again() {
        use crate::{Database, Session};
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        let mut other = Session::open(&db, "scott").unwrap();
        let ddl = |s: &mut Session, sql: &str| {
            let p = s.prepare(sql).unwrap();
            s.execute(&p, &[]).unwrap();
        };
        ddl(&mut s, "create table g (a number)");
        let q = s.prepare("select * from g").unwrap();
        assert!(
            s.refresh(&q).unwrap().is_none(),
            "no DDL since: still current"
        );
        // DDL in another session invalidates it too, as in Oracle.
        ddl(&mut other, "drop table g");
        ddl(&mut other, "create table g (a varchar2(5), b date)");
        let fresh = s.refresh(&q).unwrap().expect("prepared again");
        let cols: Vec<_> = fresh
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.ora_type))
            .collect();
        assert_eq!(cols, [("A", ora_type::VARCHAR), ("B", ora_type::DATE)]);
        assert!(s.refresh(&fresh).unwrap().is_none());
        ddl(&mut other, "drop table g");
        assert_eq!(s.refresh(&fresh).unwrap_err().code, 942);
    }

    /// Deep nesting is refused with an error, not a stack overflow that
    /// aborts the server (2,000 parentheses did, on the server's 2 MiB
    /// threads; tests run on threads of that size too).
    #[test]
    fn statements_nested_too_deep_are_refused_not_fatal() {
        let db = crate::Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        let n = 2000;
        let deep = [
            format!("select {}1{} from dual", "(".repeat(n), ")".repeat(n)),
            format!("select {}1{} from dual", "abs(".repeat(n), ")".repeat(n)),
            format!(
                "select {}1{} from dual",
                "case when 1=1 then ".repeat(n),
                " end".repeat(n)
            ),
            format!(
                "declare x number; begin x := {}1{}; end;",
                "(".repeat(n),
                ")".repeat(n)
            ),
        ];
        for sql in &deep {
            let e = s.prepare(sql).expect_err("too deep");
            assert_eq!(e.code, 900, "{}", e.message);
            assert!(
                e.message.contains("nested more than 200 levels"),
                "{}",
                e.message
            );
        }
        // As deep as allowed runs, in a debug build too.
        let sql = format!(
            "select {}-1{} from dual",
            "abs(".repeat(rewrite::MAX_NESTING),
            ")".repeat(rewrite::MAX_NESTING)
        );
        let p = s.prepare(&sql).unwrap();
        match s.execute(&p, &[]).unwrap() {
            crate::Outcome::Rows { rows, .. } => {
                assert_eq!(rows, vec![vec![Value::Number("1".into())]])
            }
            other => panic!("{other:?}"),
        }
        // Signs are no nesting: a long run of them is an error or a value.
        let signs = format!("select {}1 from dual", "- ".repeat(5000));
        let _ = s.prepare(&signs).and_then(|p| s.execute(&p, &[]));
        // END CASE closes a CASE statement: PL/SQL with many is not "deep".
        let many = format!(
            "declare x number := 1; begin {} end;",
            "case x when 1 then null; else null; end case; ".repeat(300)
        );
        s.prepare(&many).unwrap();
    }
}
