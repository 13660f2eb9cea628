//! JSON_OBJECT, JSON_ARRAY, JSON_OBJECTAGG and JSON_ARRAYAGG on SQLite.
//! The rewriter (`rewrite::json_ctor`) turns each call into
//! `ora_json_object(mode, k1, v1, …)`, `ora_json_array(mode, v1, …)` or the
//! aggregates `ora_json_objectagg(mode, k, v)` / `ora_json_arrayagg(mode, v)`.
//!
//! `mode` is text: its first character says what a NULL value does (`N`: a
//! JSON null, `A`: left out), its second what the result is (`J`: JSON type,
//! kept as the extended text JSON columns hold; `T` or `t`: JSON text, `t`
//! when no RETURNING asked for it; `B`: JSON text as BLOB bytes), then one
//! character per value: `1` when the value is JSON already (FORMAT JSON, a
//! nested constructor, JSON_QUERY), to embed rather than quote.

use oradb_protocol::value::oson::{self, text, Json};
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;

fn ora(msg: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.into().into())
}

/// The parsed `mode` argument.
#[derive(Clone, Copy)]
struct Mode<'m> {
    absent_on_null: bool,
    out: u8,
    formats: &'m [u8],
}

fn mode(c: &Context) -> rusqlite::Result<String> {
    match c.get_raw(0) {
        ValueRef::Text(t) if t.len() >= 2 => Ok(String::from_utf8_lossy(t).into_owned()),
        _ => Err(ora("ORA-00600: internal error: JSON constructor mode")),
    }
}

fn parse_mode(m: &str) -> Mode<'_> {
    let b = m.as_bytes();
    Mode {
        absent_on_null: b[0] == b'A',
        out: b[1],
        formats: &b[2..],
    }
}

/// The JSON value of a SQL value, by its format character (see above).
/// A BLOB that is a VECTOR image embeds as a vector (`TO_VECTOR` yields
/// one), any other as binary. `None` for SQL NULL.
fn value(v: ValueRef, format: Option<&u8>) -> rusqlite::Result<Option<Json>> {
    if let (Some(b's'), ValueRef::Text(t)) = (format, v) {
        return Ok(Some(Json::String(String::from_utf8_lossy(t).into_owned())));
    }
    if format == Some(&b'1') {
        let text = match v {
            ValueRef::Null => return Ok(None),
            ValueRef::Blob(b) if oson::is_oson(b) => {
                return oson::decode(b)
                    .map(Some)
                    .map_err(|e| ora(format!("ORA-40441: JSON syntax error: {e}")))
            }
            ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
            ValueRef::Integer(i) => i.to_string(),
            ValueRef::Real(f) => crate::num::f64_text(f),
        };
        return text::parse(&text, true)
            .map(Some)
            .map_err(|e| ora(format!("ORA-40441: JSON syntax error: {e}")));
    }
    if let ValueRef::Blob(b) = v {
        if oradb_protocol::value::vector::decode(b).is_ok() {
            return Ok(Some(Json::Vector(b.to_vec())));
        }
    }
    Ok(crate::json_fns::scalar(v))
}

/// A field name: text, or a number's text; NULL is ORA-40458 as in Oracle.
fn key(v: ValueRef) -> rusqlite::Result<String> {
    match v {
        ValueRef::Text(t) => Ok(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Ok(i.to_string()),
        ValueRef::Real(f) => Ok(crate::num::f64_text(f)),
        ValueRef::Null => Err(ora("ORA-40458: JSON key name cannot be NULL")),
        ValueRef::Blob(_) => Err(ora(
            "ORA-00932: inconsistent datatypes: expected CHAR got BINARY",
        )),
    }
}

/// The constructed value as the result type asks.
fn output(v: &Json, out: u8) -> Sql {
    match out {
        b'J' => Sql::Text(text::to_text(v, true)),
        b'B' => Sql::Blob(text::to_text(v, false).into_bytes()),
        _ => Sql::Text(text::to_text(v, false)),
    }
}

/// Adds one value to an array or object under construction, by the NULL
/// clause; an object's field names stay unique (the last one wins).
fn push(into: &mut Json, k: Option<String>, v: Option<Json>, absent_on_null: bool) {
    let v = match v {
        Some(v) => v,
        None if absent_on_null => return,
        None => Json::Null,
    };
    match (into, k) {
        (Json::Array(items), _) => items.push(v),
        (Json::Object(fields), Some(k)) => {
            fields.retain(|(name, _)| *name != k);
            fields.push((k, v));
        }
        _ => {}
    }
}

fn json_object(c: &Context) -> rusqlite::Result<Sql> {
    let m = mode(c)?;
    let m = parse_mode(&m);
    if !(c.len() - 1).is_multiple_of(2) {
        return Err(ora("ORA-00909: invalid number of arguments"));
    }
    let mut obj = Json::Object(Vec::new());
    for (n, at) in (1..c.len()).step_by(2).enumerate() {
        let v = value(c.get_raw(at + 1), m.formats.get(n))?;
        push(&mut obj, Some(key(c.get_raw(at))?), v, m.absent_on_null);
    }
    Ok(output(&obj, m.out))
}

fn json_array(c: &Context) -> rusqlite::Result<Sql> {
    let m = mode(c)?;
    let m = parse_mode(&m);
    let mut arr = Json::Array(Vec::new());
    for at in 1..c.len() {
        let v = value(c.get_raw(at), m.formats.get(at - 1))?;
        push(&mut arr, None, v, m.absent_on_null);
    }
    Ok(output(&arr, m.out))
}

/// JSON_ARRAYAGG / JSON_OBJECTAGG: the rows' values gathered in order; no
/// rows give NULL, as in Oracle.
struct Agg {
    object: bool,
}

impl Aggregate<Option<(String, Json)>, Sql> for Agg {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Option<(String, Json)>> {
        Ok(None)
    }

    fn step(&self, c: &mut Context<'_>, acc: &mut Option<(String, Json)>) -> rusqlite::Result<()> {
        let m = mode(c)?;
        let (mode_text, into) = acc.get_or_insert_with(|| {
            let empty = if self.object {
                Json::Object(Vec::new())
            } else {
                Json::Array(Vec::new())
            };
            (m.clone(), empty)
        });
        let m = parse_mode(mode_text);
        let f = m.formats.first();
        if self.object {
            let k = key(c.get_raw(1))?;
            push(into, Some(k), value(c.get_raw(2), f)?, m.absent_on_null);
        } else {
            push(into, None, value(c.get_raw(1), f)?, m.absent_on_null);
        }
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        acc: Option<Option<(String, Json)>>,
    ) -> rusqlite::Result<Sql> {
        Ok(match acc.flatten() {
            Some((m, v)) => output(&v, parse_mode(&m).out),
            None => Sql::Null,
        })
    }
}

pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ora_json_object", -1, det, json_object)?;
    conn.create_scalar_function("ora_json_array", -1, det, json_array)?;
    conn.create_aggregate_function("ora_json_arrayagg", 2, det, Agg { object: false })?;
    conn.create_aggregate_function("ora_json_objectagg", 3, det, Agg { object: true })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> Option<String> {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    #[test]
    fn objects_and_arrays_follow_their_null_clauses() {
        assert_eq!(
            run("select ora_json_object('Nt00', 'a', 1, 'b', NULL)"),
            Some(r#"{"a":1,"b":null}"#.into())
        );
        assert_eq!(
            run("select ora_json_object('At00', 'a', 'x', 'b', NULL)"),
            Some(r#"{"a":"x"}"#.into())
        );
        assert_eq!(
            run("select ora_json_array('At000', 1, NULL, 'q\"')"),
            Some(r#"[1,"q\""]"#.into())
        );
        assert_eq!(
            run("select ora_json_array('Nt01', 2.5, '{\"n\":[1]}')"),
            Some(r#"[2.5,{"n":[1]}]"#.into())
        );
    }

    #[test]
    fn aggregates_gather_rows_in_order_and_no_rows_give_null() {
        let rows = "(select 2 as n, 'b' as k union all select 1, 'a' union all select NULL, 'c')";
        assert_eq!(
            run(&format!(
                "select ora_json_arrayagg('At0', n order by k) from {rows}"
            )),
            Some("[1,2]".into())
        );
        assert_eq!(
            run(&format!(
                "select ora_json_objectagg('Nt0', k, n order by k) from {rows}"
            )),
            Some(r#"{"a":1,"b":2,"c":null}"#.into())
        );
        assert_eq!(
            run("select ora_json_arrayagg('At0', 1) from (select 1 where 0)"),
            None
        );
    }

    #[test]
    fn bad_input_is_an_ora_error() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let err = |sql: &str| {
            conn.query_row(sql, [], |r| r.get::<_, Option<String>>(0))
                .unwrap_err()
                .to_string()
        };
        assert!(err("select ora_json_object('Nt0', NULL, 1)").contains("ORA-40458"));
        assert!(err("select ora_json_array('Nt1', '{bad')").contains("ORA-40441"));
    }
}
