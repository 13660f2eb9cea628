//! JSON_OBJECT / JSON_ARRAY / JSON_OBJECTAGG / JSON_ARRAYAGG calls rewritten
//! to the engine's functions (`json_ctor.rs` says what they take): entries
//! `KEY k VALUE v`, `k VALUE v`, `k : v` (`'k':col` too, which the lexer
//! reads as a bind), values with `FORMAT JSON`, and the trailing clauses
//! `NULL|ABSENT ON NULL`, `RETURNING JSON|VARCHAR2|CLOB|BLOB`, `STRICT`,
//! `WITH UNIQUE KEYS` and, in the aggregates, `ORDER BY`.

use super::Rewriter;
use crate::lexer::{split_commas, Tok, Token};

thread_local! {
    /// The JSON-type columns (upper case) of the tables the statement being
    /// prepared reads, set around its rewrite ([`JsonColumns`]): a value
    /// that names one is JSON to embed, as Oracle embeds a JSON column's.
    static JSON_COLUMNS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Keeps the statement's JSON-type columns for its rewrite; dropping it
/// forgets them, so no other statement sees them.
pub struct JsonColumns;

impl JsonColumns {
    pub fn set(columns: Vec<String>) -> JsonColumns {
        JSON_COLUMNS.with(|c| *c.borrow_mut() = columns);
        JsonColumns
    }
}

impl Drop for JsonColumns {
    fn drop(&mut self) {
        JSON_COLUMNS.with(|c| c.borrow_mut().clear());
    }
}

/// Whether a value's tokens name a JSON-type column (`col`, `alias.col`).
fn is_json_column(toks: &[Token]) -> bool {
    let name = match toks {
        [c] => c.ident(),
        [_, dot, c] if dot.is_op(".") => c.ident(),
        _ => None,
    };
    name.is_some_and(|n| JSON_COLUMNS.with(|c| c.borrow().contains(&n)))
}

/// The constructors this file rewrites, by name (upper case).
pub fn is_constructor(name: &str) -> bool {
    matches!(
        name,
        "JSON_OBJECT" | "JSON_ARRAY" | "JSON_OBJECTAGG" | "JSON_ARRAYAGG"
    )
}

/// Whether a value's tokens are JSON already, to embed, not quote.
fn is_json_expr(toks: &[Token]) -> bool {
    let head = toks.first().and_then(|t| t.ident()).unwrap_or_default();
    is_constructor(&head)
        || (matches!(head.as_str(), "JSON_QUERY" | "JSON" | "JSON_SCALAR")
            && toks.get(1).is_some_and(|t| t.is_op("(")))
}

/// Whether a trailing clause starts at `toks[i]` (ORDER BY when `order`).
fn starts_clause(toks: &[Token], i: usize, order: bool) -> bool {
    let w = |i: usize, s: &str| toks.get(i).is_some_and(|t| t.is_word(s));
    let on_null = (w(i, "NULL") || w(i, "ABSENT")) && w(i + 1, "ON") && w(i + 2, "NULL");
    let unique = (w(i, "WITH") || w(i, "WITHOUT")) && w(i + 1, "UNIQUE");
    let order = order && w(i, "ORDER") && w(i + 1, "BY");
    on_null || unique || order || w(i, "RETURNING") || w(i, "STRICT")
}

/// Where the trailing clauses start in the last entry, at top level after
/// `from` (its length if none).
fn clauses_at(toks: &[Token], from: usize, aggregate: bool) -> usize {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        }
        if depth == 0 && i >= from && starts_clause(toks, i, aggregate) {
            return i;
        }
    }
    toks.len()
}

/// The clauses' null mode and output character ([`crate::json_ctor`]),
/// and the ORDER BY tokens of an aggregate.
fn clauses(toks: &[Token], absent_by_default: bool) -> (char, char, &[Token]) {
    let w = |i: usize, s: &str| toks.get(i).is_some_and(|t| t.is_word(s));
    let (mut absent, mut out, mut order): (bool, char, &[Token]) = (absent_by_default, 't', &[]);
    let mut i = 0;
    while i < toks.len() {
        if w(i + 1, "ON") && w(i + 2, "NULL") && (w(i, "NULL") || w(i, "ABSENT")) {
            absent = w(i, "ABSENT");
            i += 3;
        } else if w(i, "RETURNING") {
            out = match toks.get(i + 1).and_then(|t| t.ident()).as_deref() {
                Some("JSON") => 'J',
                Some("BLOB") => 'B',
                _ => 'T',
            };
            i += 2;
        } else if w(i, "ORDER") && w(i + 1, "BY") {
            let end = clauses_at(toks, i + 2, false);
            order = &toks[i..end];
            i = end;
        } else {
            i += 1;
        }
    }
    (if absent { 'A' } else { 'N' }, out, order)
}

/// A value's tokens without a trailing FORMAT JSON, and whether it is JSON.
fn value_of(toks: &[Token]) -> (&[Token], bool) {
    let n = toks.len();
    if n >= 2 && toks[n - 2].is_word("FORMAT") && toks[n - 1].is_word("JSON") {
        return (&toks[..n - 2], true);
    }
    (toks, is_json_expr(toks) || is_json_column(toks))
}

/// An object entry's key and value tokens.
fn entry(toks: &[Token]) -> (&[Token], &[Token]) {
    let toks = match toks.first() {
        Some(t) if t.is_word("KEY") && toks.len() > 2 => &toks[1..],
        _ => toks,
    };
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if depth == 0 && i > 0 && (t.is_word("VALUE") || t.is_op(":")) {
            return (&toks[..i], &toks[i + 1..]);
        }
    }
    (toks, &[])
}

impl Rewriter<'_, '_> {
    /// The SQL of `toks`, rewritten as an expression (binds keep their order).
    fn expr_of(&mut self, toks: &[Token]) -> String {
        let mut sub = Rewriter {
            toks,
            i: 0,
            ctx: &mut *self.ctx,
        };
        sub.sequence()
    }

    /// A value's SQL, and its format character. A nested constructor with no
    /// RETURNING of its own gives JSON type to its parent, keeping the types
    /// of its scalars (dates, vectors) as Oracle's do.
    fn ctor_value(&mut self, toks: &[Token]) -> (String, char) {
        let (toks, json) = value_of(toks);
        let mut sql = self.expr_of(toks);
        if json && sql.starts_with("ora_json_") {
            if let Some(at) = sql.find("('").map(|a| a + 3) {
                if sql.as_bytes().get(at) == Some(&b't') {
                    sql.replace_range(at..=at, "J");
                }
            }
        }
        // A string literal stays a string even when it reads as a date.
        let literal = matches!(
            toks,
            [Token {
                tok: Tok::Str(_),
                ..
            }]
        );
        (
            sql,
            if json {
                '1'
            } else if literal {
                's'
            } else {
                '0'
            },
        )
    }

    /// `name(` … `)` of a constructor, after its name; the `(` is next.
    pub(super) fn json_constructor(&mut self, name: &str) -> String {
        let start = self.i + 1;
        let mut depth = 0i32;
        let mut end = start;
        while let Some(t) = self.toks.get(end) {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            end += 1;
        }
        let all: &[Token] = self.toks;
        self.i = (end + 1).min(all.len());
        let inner = &all[start..end];
        let aggregate = name.ends_with("AGG");
        let mut entries = split_commas(inner);
        let last = entries.pop().unwrap_or(&[]);
        let at = clauses_at(last, 1, aggregate);
        let (null_mode, out, order) = clauses(&last[at..], name.starts_with("JSON_ARRAY"));
        if !last[..at].is_empty() {
            entries.push(&last[..at]);
        }
        let (mut args, mut formats) = (Vec::new(), String::new());
        for e in entries {
            if name.starts_with("JSON_OBJECT") {
                let (k, v) = entry(e);
                let k = match k {
                    // `'k':col`: the lexer made `:col` a bind.
                    [key @ Token {
                        tok: Tok::Str(_), ..
                    }, Token {
                        tok: Tok::Bind(col),
                        ..
                    }] if v.is_empty() => {
                        let key = self.expr_of(std::slice::from_ref(key));
                        args.push(key);
                        args.push(col.clone());
                        formats.push('0');
                        continue;
                    }
                    k => self.expr_of(k),
                };
                let (v, f) = self.ctor_value(v);
                args.extend([k, if v.is_empty() { "NULL".into() } else { v }]);
                formats.push(f);
            } else {
                let (v, f) = self.ctor_value(e);
                args.push(v);
                formats.push(f);
            }
        }
        let order = if order.is_empty() {
            String::new()
        } else {
            format!(" {}", self.expr_of(order))
        };
        let mode = format!("'{null_mode}{out}{formats}'");
        let f = name.to_ascii_lowercase();
        if args.is_empty() {
            return format!("ora_{f}({mode})");
        }
        format!("ora_{f}({mode}, {}{order})", args.join(", "))
    }
}
