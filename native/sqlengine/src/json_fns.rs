//! Oracle's SQL/JSON functions over JSON kept as extended JSON text (a JSON
//! column, see `oson::text`), plain JSON text (VARCHAR2/CLOB) or an OSON
//! image (BLOB). Paths are evaluated in Oracle's lax mode: a field step on
//! an array applies to each element, so `$.employees.name` finds the names
//! inside an array of employees. SQLite's json1 is strict and would not.
//! Not covered: RETURNING, ON ERROR and WRAPPER clauses (the rewriter passes
//! only the document and the path).

use oradb_protocol::value::oson::{self, text, Json};
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;

fn ora(msg: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.into().into())
}

/// The document in argument 0; None for NULL or (lax) text that is not JSON.
fn doc(c: &Context) -> rusqlite::Result<Option<Json>> {
    Ok(match c.get_raw(0) {
        ValueRef::Null => None,
        ValueRef::Blob(b) if oson::is_oson(b) => oson::decode(b).ok(),
        ValueRef::Blob(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| text::parse(s, true).ok()),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| text::parse(s, true).ok()),
        ValueRef::Integer(i) => Some(Json::Number(i.to_string())),
        ValueRef::Real(f) => Some(Json::Double(f)),
    })
}

#[derive(Debug, PartialEq)]
enum Step {
    Field(String),
    AnyField,
    Index(usize),
    AnyIndex,
}

/// `$`, `.name`, `."name"`, `.*`, `[n]`, `[*]`.
fn parse_path(p: &str) -> rusqlite::Result<Vec<Step>> {
    let bad = || {
        ora(format!(
            "ORA-40597: JSON path expression syntax error ('{p}')"
        ))
    };
    let p = p.trim();
    let mut rest = p.strip_prefix('$').ok_or_else(bad)?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            if let Some(r) = r.strip_prefix('*') {
                steps.push(Step::AnyField);
                rest = r;
            } else if let Some(r) = r.strip_prefix('"') {
                let end = r.find('"').ok_or_else(bad)?;
                steps.push(Step::Field(r[..end].to_string()));
                rest = &r[end + 1..];
            } else {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                if end == 0 {
                    return Err(bad());
                }
                steps.push(Step::Field(r[..end].trim().to_string()));
                rest = &r[end..];
            }
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(bad)?;
            let inner = r[..end].trim();
            steps.push(if inner == "*" {
                Step::AnyIndex
            } else {
                Step::Index(inner.parse().map_err(|_| bad())?)
            });
            rest = &r[end + 1..];
        } else {
            return Err(bad());
        }
    }
    Ok(steps)
}

/// The nodes `steps` select from `v`, lax.
fn select<'a>(v: &'a Json, steps: &[Step], out: &mut Vec<&'a Json>) {
    let Some((step, rest)) = steps.split_first() else {
        out.push(v);
        return;
    };
    match (step, v) {
        (Step::Field(_) | Step::AnyField, Json::Array(items)) => {
            for i in items {
                if !matches!(i, Json::Array(_)) {
                    select(i, steps, out);
                }
            }
        }
        (Step::Field(name), Json::Object(fields)) => {
            if let Some((_, child)) = fields.iter().find(|(k, _)| k == name) {
                select(child, rest, out);
            }
        }
        (Step::AnyField, Json::Object(fields)) => {
            for (_, child) in fields {
                select(child, rest, out);
            }
        }
        (Step::Index(i), Json::Array(items)) => {
            if let Some(child) = items.get(*i) {
                select(child, rest, out);
            }
        }
        (Step::AnyIndex, Json::Array(items)) => {
            for child in items {
                select(child, rest, out);
            }
        }
        // Lax: a non-array is an array of itself.
        (Step::Index(0) | Step::AnyIndex, other) => select(other, rest, out),
        _ => {}
    }
}

fn matches(c: &Context) -> rusqlite::Result<Option<Vec<Json>>> {
    let Some(d) = doc(c)? else {
        return Ok(None);
    };
    let path: String = c.get(1)?;
    let steps = parse_path(&path)?;
    let mut out = Vec::new();
    select(&d, &steps, &mut out);
    Ok(Some(out.into_iter().cloned().collect()))
}

/// JSON_VALUE's text of a scalar (objects and arrays: NULL, as Oracle's
/// default NULL ON ERROR).
fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::Null | Json::Array(_) | Json::Object(_) => None,
        Json::String(s) => Some(s.clone()),
        other => Some(text::to_text(other, false).trim_matches('"').to_string()),
    }
}

/// The arguments of a SQL/JSON function call without its trailing clauses
/// (`EXTENDED`, `RETURNING …`, `PRETTY`, `… ON ERROR`), which our functions
/// do not take; other calls' arguments unchanged.
pub fn drop_clauses(function: &str, args: String) -> String {
    const FUNCTIONS: [&str; 5] = [
        "JSON",
        "JSON_QUERY",
        "JSON_VALUE",
        "JSON_EXISTS",
        "JSON_SERIALIZE",
    ];
    const CLAUSES: [&str; 12] = [
        "EXTENDED",
        "RETURNING",
        "PRETTY",
        "ASCII",
        "WITH",
        "WITHOUT",
        "ERROR",
        "EMPTY",
        "DEFAULT",
        "ALLOW",
        "DISALLOW",
        "TRUNCATE",
    ];
    if !FUNCTIONS.contains(&function) {
        return args;
    }
    let b = args.as_bytes();
    let (mut depth, mut quoted) = (0i32, false);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            c if c.is_ascii_whitespace() && !quoted && depth == 0 => {
                let word: String = args[i + 1..]
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic() || *c == '_')
                    .collect::<String>()
                    .to_ascii_uppercase();
                let rest = args[i + 1..].trim_start()[word.len()..]
                    .trim_start()
                    .to_ascii_uppercase();
                let on_clause =
                    ["NULL", "TRUE", "FALSE"].contains(&word.as_str()) && rest.starts_with("ON ");
                if CLAUSES.contains(&word.as_str()) || on_clause {
                    return args[..i].to_string();
                }
            }
            _ => {}
        }
    }
    args
}

/// `IS [NOT] JSON [FORMAT JSON|OSON] [STRICT|LAX] [WITH|WITHOUT UNIQUE KEYS]`
/// at the start of `toks`: the tokens it takes and the value
/// `ora_is_json(operand)` must equal (1, or 0 for NOT).
pub fn is_json_test(toks: &[crate::lexer::Token]) -> Option<(usize, u8)> {
    let word = |i: usize, w: &str| toks.get(i).is_some_and(|t| t.is_word(w));
    if !word(0, "IS") {
        return None;
    }
    let negated = word(1, "NOT");
    let mut i = 1 + usize::from(negated);
    if !word(i, "JSON") {
        return None;
    }
    i += 1;
    if word(i, "FORMAT") && (word(i + 1, "JSON") || word(i + 1, "OSON")) {
        i += 2;
    }
    if word(i, "STRICT") || word(i, "LAX") {
        i += 1;
    }
    if (word(i, "WITH") || word(i, "WITHOUT")) && word(i + 1, "UNIQUE") && word(i + 2, "KEYS") {
        i += 3;
    }
    Some((i, u8::from(!negated)))
}

/// The JSON scalar of a stored SQL value: numbers, text, and the types the
/// engine keeps as text (dates, timestamps with or without a zone, intervals)
/// or bytes (RAW) as OSON's own scalar types.
pub(crate) fn scalar(v: ValueRef) -> Option<Json> {
    use oradb_protocol::value::Value;
    Some(match v {
        ValueRef::Null => return None,
        ValueRef::Integer(i) => Json::Number(i.to_string()),
        ValueRef::Real(f) => Json::Number(crate::num::f64_text(f)),
        ValueRef::Blob(b) => Json::Raw(b.to_vec()),
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            if let Some((d, off)) = crate::date_text::parse_stored(&s) {
                return Some(Json::TimestampTz(d, off));
            }
            if let Ok(d) = oradb_protocol::value::DateTime::parse_iso(&s) {
                // Stored DATE text has no fraction; a TIMESTAMP's may.
                return Some(if d.nanos == 0 && s.len() == 19 {
                    Json::Date(d)
                } else {
                    Json::Timestamp(d)
                });
            }
            match crate::oracle::interval::Interval::from_text(&s).and_then(|i| i.to_value()) {
                Some(Value::IntervalYM(i)) => return Some(Json::IntervalYm(i)),
                Some(Value::IntervalDS(i)) => return Some(Json::IntervalDs(i)),
                _ => {}
            }
            Json::String(s.into_owned())
        }
    })
}

pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ora_json_query", 2, det, |c| {
        Ok(match matches(c)?.as_deref() {
            Some([one]) => Sql::Text(text::to_text(one, true)),
            _ => Sql::Null,
        })
    })?;
    // Dot notation (json_dot.rs): one match as itself, several wrapped in an
    // array, none NULL, as Oracle's.
    conn.create_scalar_function("ora_json_dot", 2, det, |c| {
        Ok(match matches(c)? {
            Some(mut m) if m.len() == 1 => Sql::Text(text::to_text(&m.remove(0), true)),
            Some(m) if !m.is_empty() => Sql::Text(text::to_text(&Json::Array(m), true)),
            _ => Sql::Null,
        })
    })?;
    conn.create_scalar_function("ora_json_value", 2, det, |c| {
        Ok(match matches(c)?.as_deref() {
            Some([one]) => scalar_text(one).map_or(Sql::Null, Sql::Text),
            _ => Sql::Null,
        })
    })?;
    conn.create_scalar_function("ora_json_exists", 2, det, |c| {
        Ok(Sql::Integer(i64::from(
            matches(c)?.is_some_and(|m| !m.is_empty()),
        )))
    })?;
    conn.create_scalar_function("ora_json_serialize", 1, det, |c| {
        Ok(doc(c)?.map_or(Sql::Null, |d| Sql::Text(text::to_text(&d, false))))
    })?;
    // JSON(text): the document, checked (ORA-40441 for text that is not JSON).
    conn.create_scalar_function("ora_json", 1, det, |c| {
        let s = match c.get_raw(0) {
            ValueRef::Null => return Ok(Sql::Null),
            ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            ValueRef::Blob(b) if oson::is_oson(b) => {
                return oson::text_from_image(b)
                    .map(Sql::Text)
                    .map_err(|e| ora(format!("ORA-40441: JSON syntax error: {e}")))
            }
            _ => return Err(ora("ORA-40441: JSON syntax error")),
        };
        let v =
            text::parse(&s, true).map_err(|e| ora(format!("ORA-40441: JSON syntax error: {e}")))?;
        Ok(Sql::Text(text::to_text(&v, true)))
    })?;
    // JSON_SCALAR(x): x as a JSON scalar of its own type (SQL NULL stays NULL).
    conn.create_scalar_function("ora_json_scalar", 1, det, |c| {
        Ok(scalar(c.get_raw(0)).map_or(Sql::Null, |j| Sql::Text(text::to_text(&j, true))))
    })?;
    // NULL IS JSON is unknown, as any test of NULL; so is an empty LOB's
    // (an IS JSON column takes EMPTY_CLOB() and EMPTY_BLOB(), as Oracle's do).
    conn.create_scalar_function("ora_is_json", 1, det, |c| {
        if matches!(
            c.get_raw(0),
            ValueRef::Null | ValueRef::Text(b"") | ValueRef::Blob(b"")
        ) {
            return Ok(Sql::Null);
        }
        Ok(Sql::Integer(i64::from(doc(c)?.is_some())))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> Option<String> {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn lax_paths_reach_into_arrays() {
        let d = r#"'{"employees":[{"employee1":{"name":"John"}},{"employee2":{"name":"M"}}]}'"#;
        assert_eq!(
            run(&format!(
                "select ora_json_query({d}, '$.employees.employee1.name')"
            )),
            Some("\"John\"".into())
        );
        assert_eq!(
            run(&format!(
                "select ora_json_value({d}, '$.employees[1].employee2.name')"
            )),
            Some("M".into())
        );
        assert_eq!(
            run(&format!("select ora_json_exists({d}, '$.employees') || ''")),
            Some("1".into())
        );
        assert_eq!(
            run(&format!("select ora_json_exists({d}, '$.nope') || ''")),
            Some("0".into())
        );
        assert_eq!(
            run(r#"select ora_json_serialize('{"a": 12.50, "b": {"$numberDouble": 1.5}}')"#),
            Some(r#"{"a":12.5,"b":1.5}"#.into())
        );
        assert_eq!(run("select ora_json_value('[1,2]', '$')"), None);
    }

    #[test]
    fn is_json_tests_text_and_oson_and_leaves_null_unknown() {
        let img = oson::image_from_text("[1]", Default::default()).unwrap();
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let got: (Option<i64>, Option<i64>, Option<i64>, Option<i64>) = conn
            .query_row(
                "select ora_is_json('{\"a\":1}'), ora_is_json('{a'), ora_is_json(?1), ora_is_json(null)",
                [img],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(got, (Some(1), Some(0), Some(1), None));
        let empty: (Option<i64>, Option<i64>) = conn
            .query_row("select ora_is_json(''), ora_is_json(x'')", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(empty, (None, None));
        let toks =
            crate::lexer::tokenize("is not json format oson strict with unique keys and").unwrap();
        assert_eq!(is_json_test(&toks), Some((9, 0)));
        let toks = crate::lexer::tokenize("is null").unwrap();
        assert_eq!(is_json_test(&toks), None);
    }

    #[test]
    fn trailing_clauses_are_dropped_from_json_calls_only() {
        let d = |f: &str, a: &str| drop_clauses(f, a.to_string());
        assert_eq!(
            d("JSON", "'{\"a\": \"x extended\"}' extended"),
            "'{\"a\": \"x extended\"}'"
        );
        assert_eq!(
            d("JSON_VALUE", "j, '$.a' returning number null on error"),
            "j, '$.a'"
        );
        assert_eq!(
            d("JSON_QUERY", "f(a, b) , '$' with wrapper"),
            "f(a, b) , '$'"
        );
        assert_eq!(d("NVL", "a extended"), "a extended");
    }

    #[test]
    fn bad_paths_and_documents_are_oracle_errors() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let e = conn
            .query_row("select ora_json_query('{}', 'a.b')", [], |r| {
                r.get::<_, String>(0)
            })
            .unwrap_err();
        assert!(e.to_string().contains("ORA-40597"), "{e}");
        let e = conn
            .query_row("select ora_json('{x')", [], |r| r.get::<_, String>(0))
            .unwrap_err();
        assert!(e.to_string().contains("ORA-40441"), "{e}");
        assert_eq!(parse_path("$.a[2].*").unwrap().len(), 3);
    }

    #[test]
    fn json_scalar_keeps_each_values_own_type() {
        let r = |sql: &str| run(sql).unwrap_or_else(|| "NULL".into());
        assert_eq!(r("select ora_json_scalar(12.5)"), "12.5");
        assert_eq!(r("select ora_json_scalar('a\"b')"), r#""a\"b""#);
        assert_eq!(
            r("select ora_json_scalar('2024-01-02 00:00:00')"),
            r#"{"$oracleDate":"2024-01-02T00:00:00"}"#
        );
        assert!(r("select ora_json_scalar('+000000008-04')").contains("$intervalYearMonth"));
        assert!(
            r("select ora_json_scalar('2024-01-02 03:04:05 +00:00 +05:30')")
                .contains("$oracleTimestampTZ")
        );
        assert_eq!(
            r("select ora_json_scalar(x'0102')"),
            r#"{"$rawhex":"0102"}"#
        );
        assert_eq!(r("select ora_json_scalar(null)"), "NULL");
    }
}
