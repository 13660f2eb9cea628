//! DBMS_ASSERT's checks of names and literals that applications (and OCI's
//! PL/SQL session fix-up, which runs `sys.dbms_assert.qualified_sql_name`)
//! call before building SQL text. SCHEMA_NAME and SQL_OBJECT_NAME, which look
//! in the catalog, are not here.

use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;

fn ora(msg: &str) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.to_string().into())
}

fn text(v: ValueRef) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

/// The length of the simple SQL name at the start of `s` (a quoted name or
/// letter, then letters, digits, `_`, `$`, `#`), or `None`.
fn simple_name_len(s: &str) -> Option<usize> {
    if let Some(rest) = s.strip_prefix('"') {
        // A quoted name: anything but a quote, at least one character.
        let end = rest.find('"')?;
        return (end > 0 && end <= 128).then_some(end + 2);
    }
    let mut chars = s.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_alphabetic() {
        return None;
    }
    let end = chars
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '#')))
        .map_or(s.len(), |(i, _)| i);
    (end <= 128).then_some(end)
}

/// SIMPLE_SQL_NAME: the whole text (blanks around it aside) is one name.
pub fn is_simple_name(s: &str) -> bool {
    let t = s.trim();
    simple_name_len(t) == Some(t.len())
}

/// QUALIFIED_SQL_NAME: names joined by dots, optionally `@` a database link
/// (itself dotted names).
pub fn is_qualified_name(s: &str) -> bool {
    let t = s.trim();
    let (names, link) = match t.split_once('@') {
        Some((n, l)) => (n, Some(l)),
        None => (t, None),
    };
    let dotted = |mut r: &str| loop {
        let Some(n) = simple_name_len(r) else {
            return false;
        };
        r = &r[n..];
        match r.strip_prefix('.') {
            Some(rest) => r = rest,
            None => return r.is_empty(),
        }
    };
    dotted(names) && link.is_none_or(dotted)
}

/// ENQUOTE_NAME: a quoted name is checked and kept; anything else is
/// upper-cased (when asked) and quoted; a quote inside is ORA-44003.
pub fn enquote_name(s: &str, capitalize: bool) -> Option<String> {
    if s.starts_with('"') {
        return (simple_name_len(s) == Some(s.len())).then(|| s.to_string());
    }
    if s.contains('"') {
        return None;
    }
    let body = if capitalize {
        s.to_uppercase()
    } else {
        s.to_string()
    };
    Some(format!("\"{body}\""))
}

/// ENQUOTE_LITERAL: quotes the text unless it is quoted already; a lone
/// quote inside (not doubled) is refused.
pub fn enquote_literal(s: &str) -> Option<String> {
    let inner = s.strip_prefix('\'').unwrap_or(s);
    let inner = inner.strip_suffix('\'').unwrap_or(inner);
    let mut quotes = inner.split('\'').skip(1);
    // Between doubled quotes the piece is empty; a lone quote leaves text.
    let mut paired = true;
    while let Some(piece) = quotes.next() {
        if !piece.is_empty() {
            paired = false;
            break;
        }
        if quotes.next().is_none() {
            paired = false;
        }
    }
    paired.then(|| format!("'{inner}'"))
}

pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ora_assert_noop", 1, det, |c| {
        Ok(text(c.get_raw(0)).map_or(Sql::Null, Sql::Text))
    })?;
    conn.create_scalar_function("ora_assert_simple_sql_name", 1, det, |c| {
        match text(c.get_raw(0)) {
            Some(s) if is_simple_name(&s) => Ok(Sql::Text(s)),
            _ => Err(ora("ORA-44003: invalid SQL name")),
        }
    })?;
    conn.create_scalar_function("ora_assert_qualified_sql_name", 1, det, |c| {
        match text(c.get_raw(0)) {
            Some(s) if is_qualified_name(&s) => Ok(Sql::Text(s)),
            _ => Err(ora("ORA-44004: invalid qualified SQL name")),
        }
    })?;
    conn.create_scalar_function("ora_assert_enquote_name", -1, det, |c| {
        let capitalize = c.len() < 2
            || !matches!(
                text(c.get_raw(1))
                    .as_deref()
                    .map(str::to_ascii_uppercase)
                    .as_deref(),
                Some("0" | "FALSE")
            );
        match text(c.get_raw(0)).and_then(|s| enquote_name(&s, capitalize)) {
            Some(q) => Ok(Sql::Text(q)),
            None => Err(ora("ORA-44003: invalid SQL name")),
        }
    })?;
    conn.create_scalar_function("ora_assert_enquote_literal", 1, det, |c| {
        match text(c.get_raw(0)) {
            None => Ok(Sql::Text("''".into())),
            Some(s) => enquote_literal(&s)
                .map(Sql::Text)
                .ok_or_else(|| ora("ORA-06502: PL/SQL: numeric or value error")),
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["emp", " emp ", "EMP_1$#", "\"my table\"", "é"] {
            assert!(is_simple_name(ok), "{ok}");
        }
        for bad in ["", "1emp", "emp;drop", "a b", "\"\"", "\"open", "emp--"] {
            assert!(!is_simple_name(bad), "{bad}");
        }
        for ok in [
            "scott.emp",
            "pkg.proc",
            "\"S\".\"T\".c",
            "emp@link",
            "a.b@l.d",
        ] {
            assert!(is_qualified_name(ok), "{ok}");
        }
        for bad in ["scott.", ".emp", "a..b", "emp@", "x; drop table t", "a.b c"] {
            assert!(!is_qualified_name(bad), "{bad}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(enquote_name("emp", true).as_deref(), Some("\"EMP\""));
        assert_eq!(enquote_name("emp", false).as_deref(), Some("\"emp\""));
        assert_eq!(
            enquote_name("\"Mixed\"", true).as_deref(),
            Some("\"Mixed\"")
        );
        assert_eq!(enquote_name("a\"b", true), None);
        assert_eq!(enquote_literal("it''s").as_deref(), Some("'it''s'"));
        assert_eq!(enquote_literal("'quoted'").as_deref(), Some("'quoted'"));
        assert_eq!(enquote_literal("it's"), None);
    }
}
