//! SQLite failures → Oracle errors (codes, texts and, where the original
//! SQL shows it, the offset of the offending name).

use super::lexer::Token;
use super::SqlError;

pub fn err(code: u32, text: &str) -> SqlError {
    SqlError {
        code,
        message: format!("ORA-{code:05}: {text}"),
        offset: 0,
    }
}

/// Offset of the first token naming `name` (case-insensitive).
fn offset_of(toks: &[Token], name: &str) -> u32 {
    toks.iter()
        .find(|t| t.ident().is_some_and(|i| i.eq_ignore_ascii_case(name)))
        .map(|t| t.pos as u32)
        .unwrap_or(0)
}

/// An error message that already is Oracle text ("ORA-01476: ...").
pub fn from_ora_text(m: &str) -> Option<SqlError> {
    let start = m.find("ORA-")?;
    let text = m[start..].trim();
    let code: u32 = text.get(4..9)?.parse().ok()?;
    Some(SqlError {
        code,
        message: text.to_string(),
        offset: 0,
    })
}

pub fn map(e: &rusqlite::Error, toks: &[Token], user: &str) -> SqlError {
    let msg = match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    };
    if let Some(o) = from_ora_text(&msg) {
        return o;
    }
    let after = |p: &str| msg.split_once(p).map(|(_, r)| r.trim().to_string());
    // The schema authorizer's refusal: another schema's table named
    // without its owner (schemas.rs).
    if msg.ends_with("is prohibited") || msg == "not authorized" {
        return err(942, "table or view does not exist");
    }
    if let Some(t) = after("no such table:") {
        let name = t.rsplit('.').next().unwrap_or(&t).to_string();
        return SqlError {
            offset: offset_of(toks, &name),
            ..err(942, "table or view does not exist")
        };
    }
    if let Some(c) = after("no such column:").or_else(|| after("no such function:")) {
        let name = c.rsplit('.').next().unwrap_or(&c).to_ascii_uppercase();
        return SqlError {
            offset: offset_of(toks, &name),
            ..err(904, &format!("\"{name}\": invalid identifier"))
        };
    }
    if let Some(c) =
        after("UNIQUE constraint failed:").or_else(|| after("PRIMARY KEY constraint failed:"))
    {
        let table = c.split('.').next().unwrap_or("T").to_ascii_uppercase();
        return err(
            1,
            &format!("unique constraint ({user}.SYS_C_{table}) violated"),
        );
    }
    if let Some(c) = after("NOT NULL constraint failed:") {
        let (t, col) = c.split_once('.').unwrap_or(("T", &c));
        return err(
            1400,
            &format!(
                "cannot insert NULL into (\"{user}\".\"{}\".\"{}\")",
                t.to_ascii_uppercase(),
                col.to_ascii_uppercase()
            ),
        );
    }
    if let Some(c) = after("CHECK constraint failed:") {
        let name = c.trim_matches('"').to_ascii_uppercase();
        let name = if name.is_empty() || name.contains(' ') {
            "SYS_C_CHECK".into()
        } else {
            name
        };
        return err(2290, &format!("check constraint ({user}.{name}) violated"));
    }
    if msg.contains("FOREIGN KEY constraint failed") {
        return err(2291, "integrity constraint violated - parent key not found");
    }
    if msg.contains("already exists") {
        return err(955, "name is already used by an existing object");
    }
    if msg.contains("interrupted") {
        return err(1013, "user requested cancel of current operation");
    }
    if msg.contains("database is locked") || msg.contains("database table is locked") {
        return err(
            54,
            "resource busy and acquire with NOWAIT specified or timeout expired",
        );
    }
    if msg.contains("incomplete input") {
        return err(921, "unexpected end of SQL command");
    }
    if msg.contains("syntax error") {
        return err(933, "SQL command not properly ended");
    }
    if msg.contains("datatype mismatch") {
        return err(932, "inconsistent datatypes");
    }
    err(900, &format!("invalid SQL statement ({msg})"))
}
