//! Oracle's simple dot notation on JSON: `t.jcol.a.b` (and `t.jcol.arr[0]`)
//! where `t` is a table alias of the query, as Oracle requires. The
//! rewriter turns it into `ora_json_dot(t.jcol, '$.a.b')`; the describe
//! step types the item as its column's JSON type (JSON for a JSON column,
//! VARCHAR2(4000) for JSON kept as text), as Oracle does.

use oradb_protocol::value::ora_type;

use crate::lexer::{Tok, Token};
use crate::ColumnInfo;

/// Words that cannot name a table just before an alias.
const NOT_TABLES: [&str; 12] = [
    "SELECT", "FROM", "WHERE", "JOIN", "ON", "AND", "OR", "BY", "AS", "INTO", "SET", "UPDATE",
];

/// The table (`schema.table` or `table`) that `alias` stands for in
/// `toks`' FROM clauses; `None` when `alias` is no table alias there.
pub fn alias_table(toks: &[Token], alias: &str) -> Option<String> {
    (2..toks.len()).find_map(|i| {
        if toks[i].ident().as_deref() != Some(alias) {
            return None;
        }
        let table = toks[i - 1].ident()?;
        if !matches!(toks[i - 1].tok, Tok::Word(_) | Tok::Quoted(_))
            || NOT_TABLES.contains(&table.as_str())
        {
            return None;
        }
        let before = &toks[i - 2];
        if before.is_word("FROM") || before.is_word("JOIN") || before.is_op(",") {
            return Some(table);
        }
        let schema = toks.get(i.checked_sub(3)?)?.ident()?;
        let from = toks.get(i.checked_sub(4)?)?;
        (before.is_op(".") && (from.is_word("FROM") || from.is_word("JOIN") || from.is_op(",")))
            .then(|| format!("{schema}.{table}"))
    })
}

/// The JSON path of the steps after the column: fields as written (they
/// are case-sensitive in JSON), `[n]` array steps kept.
pub fn path(fields: &[&Token], subscripts: &[Vec<String>]) -> String {
    let mut p = String::from("$");
    for (f, subs) in fields.iter().zip(subscripts) {
        let name = match &f.tok {
            Tok::Word(w) | Tok::Quoted(w) => w.as_str(),
            _ => "",
        };
        p.push_str(&format!(".\"{}\"", name.replace('"', "")));
        for s in subs {
            p.push_str(&format!("[{s}]"));
        }
    }
    p
}

/// The type of a select item headed `ALIAS.COL.FIELD…` when ALIAS is a
/// table alias and COL one of its JSON columns (`decl` gives a column's
/// declared type from the table's name and the column's).
pub fn item_type(
    toks: &[Token],
    heading: &str,
    decl: &dyn Fn(&str, &str) -> Option<String>,
) -> Option<ColumnInfo> {
    let parts: Vec<&str> = heading.split('.').collect();
    let steps = parts.len() >= 3 || (parts.len() == 2 && heading.contains('['));
    if !steps || parts.iter().any(|p| p.is_empty() || p.contains('(')) {
        return None;
    }
    let alias = parts[0].trim_matches('"').to_ascii_uppercase();
    let table = alias_table(toks, &alias)?;
    let column = parts[1]
        .split('[')
        .next()?
        .trim_matches('"')
        .to_ascii_uppercase();
    let d = decl(&table, &column)?;
    let (info, _) = crate::types::from_decl(&d)?;
    match info.ora_type {
        ora_type::JSON => Some(info),
        ora_type::VARCHAR | ora_type::CLOB | ora_type::BLOB => {
            crate::types::oracle_type(&["VARCHAR2".to_string()], &[4000], false)
        }
        _ => None,
    }
}

impl crate::Session {
    /// The JSON-type columns of the tables named after FROM, JOIN or a
    /// comma, for a statement with a JSON constructor (empty otherwise:
    /// no look-up for the others).
    pub(crate) fn json_columns(&self, toks: &[Token]) -> Vec<String> {
        let ctor = toks.iter().any(|t| {
            t.ident()
                .is_some_and(|n| crate::rewrite::json_ctor::is_constructor(&n))
        });
        if !ctor {
            return Vec::new();
        }
        let mut out = Vec::new();
        for w in toks.windows(2) {
            let after = w[0].is_word("FROM") || w[0].is_word("JOIN") || w[0].is_op(",");
            let Some(table) = w[1].ident().filter(|_| after) else {
                continue;
            };
            let sql = "SELECT upper(name) FROM pragma_table_info(?1) WHERE type = 'TEXT_JS'";
            if let Ok(mut st) = self.conn.prepare(sql) {
                if let Ok(rows) = st.query_map([&table], |r| r.get::<_, String>(0)) {
                    out.extend(rows.flatten());
                }
            }
        }
        out
    }

    /// [`item_type`] with the tables' declared types from SQLite (a table
    /// named without its schema is in the current one).
    pub(crate) fn json_dot_type(&self, toks: &[Token], heading: &str) -> Option<ColumnInfo> {
        let decl = |table: &str, column: &str| -> Option<String> {
            let (schema, table) = match table.split_once('.') {
                Some((s, t)) => (s.to_string(), t),
                None => (self.schema(), table),
            };
            let sql = "SELECT type FROM pragma_table_info(?1, ?2) WHERE upper(name) = ?3";
            self.conn
                .query_row(sql, [table, &schema, column], |r| r.get(0))
                .or_else(|_| {
                    let sql = "SELECT type FROM pragma_table_info(?1) WHERE upper(name) = ?2";
                    self.conn.query_row(sql, [table, column], |r| r.get(0))
                })
                .ok()
        };
        item_type(toks, heading, &decl)
    }
}

/// Whether a select item's tokens are dot notation: `alias.col.field…` or
/// `alias.col[n]…` with `alias` a table alias of `toks`.
pub fn is_dot_item(toks: &[Token], item: &[Token]) -> bool {
    let dots = item.iter().filter(|t| t.is_op(".")).count();
    let subscripted = item.iter().any(|t| t.is_op("["));
    let plain = item.iter().all(|t| {
        t.ident().is_some()
            || t.is_op(".")
            || t.is_op("[")
            || t.is_op("]")
            || matches!(t.tok, Tok::Number(_))
    });
    plain
        && (dots >= 2 || (dots == 1 && subscripted))
        && item
            .first()
            .and_then(Token::ident)
            .is_some_and(|a| alias_table(toks, &a).is_some())
}

/// A token's text as a heading shows it (names upper case).
pub fn token_text(t: &Token) -> String {
    match &t.tok {
        Tok::Quoted(q) => format!("\"{q}\""),
        Tok::Word(w) => w.to_ascii_uppercase(),
        Tok::Number(n) | Tok::Op(n) => n.clone(),
        Tok::Str(s) => format!("'{s}'"),
        Tok::Bind(b) => format!(":{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    #[test]
    fn aliases_are_found_after_their_tables_only() {
        let toks = tokenize("select t.j.a from s.tab t, other o join x y on 1 = 1").unwrap();
        assert_eq!(alias_table(&toks, "T").as_deref(), Some("S.TAB"));
        assert_eq!(alias_table(&toks, "O").as_deref(), Some("OTHER"));
        assert_eq!(alias_table(&toks, "Y").as_deref(), Some("X"));
        assert_eq!(alias_table(&toks, "TAB"), None);
        assert_eq!(alias_table(&toks, "J"), None);
    }
}
