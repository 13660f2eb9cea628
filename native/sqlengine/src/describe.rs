//! Static typing of select-list items SQLite cannot describe: what Oracle
//! would describe from the item's shape alone (a literal, a bind, an
//! arithmetic expression), before or without looking at any value.

use oradb_protocol::value::{ora_type, Value};

use super::lexer::{Tok, Token};
use super::ColumnInfo;

/// What an item's tokens say about its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Hint {
    /// Nothing: the heading and the values decide.
    Unknown,
    /// A string literal: CHAR of its length, as Oracle describes `'abc'`.
    Char { bytes: u32, chars: u32 },
    /// A lone bind (possibly parenthesized): the bound value's type. The
    /// index counts bind occurrences in the statement.
    Bind(usize),
    /// Arithmetic: NUMBER unless the values are datetimes (date ± days).
    Number,
    /// TO_CHAR(...): VARCHAR2 sized by the values, even when they read as
    /// dates or numbers.
    Text,
    /// A conversion with a fixed result type (CAST, TO_CLOB, ...), known
    /// from the item's text even when it has an alias.
    Typed(ColumnInfo),
    /// JSON dot notation (`t.jcol.a`, json_dot.rs), its text without blanks:
    /// typed by the column it reads.
    JsonDot(String),
}

/// The hint of one select item (alias removed); `binds_before` is the number
/// of bind placeholders ahead of it in the statement.
pub fn item_hint(item: &[Token], binds_before: usize) -> Hint {
    let mut inner = item;
    while inner.len() >= 3 && inner[0].is_op("(") && inner[inner.len() - 1].is_op(")") {
        inner = &inner[1..inner.len() - 1];
    }
    match inner {
        [Token {
            tok: Tok::Str(s), ..
        }] if !s.is_empty() => {
            return Hint::Char {
                bytes: s.len() as u32,
                chars: s.chars().count() as u32,
            }
        }
        [Token {
            tok: Tok::Bind(_), ..
        }] => {
            return Hint::Bind(binds_before);
        }
        [f, open, .., close]
            if (f.is_word("TO_CHAR") || f.is_word("TO_NCHAR"))
                && open.is_op("(")
                && close.is_op(")")
                && one_call(&inner[1..]) =>
        {
            return Hint::Text;
        }
        _ => {}
    }
    let mut depth = 0i32;
    let mut arithmetic = false;
    for (i, t) in item.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if depth == 0 {
            if t.is_op("||") {
                return Hint::Unknown;
            }
            // `t.*` is not a product; a leading `-` is a negation.
            let star_of_name = t.is_op("*") && i > 0 && item[i - 1].is_op(".");
            if (t.is_op("+") || t.is_op("-") || t.is_op("/") || t.is_op("*")) && !star_of_name {
                arithmetic = true;
            }
        }
    }
    if arithmetic {
        Hint::Number
    } else {
        Hint::Unknown
    }
}

/// Whether `toks`, starting at "(", is one parenthesized group to its end.
fn one_call(toks: &[Token]) -> bool {
    super::rewrite::hierarchy::top_level(toks, 1, |_| true).is_none()
}

/// Oracle SQL text of `toks` (comments and layout lost), to prepare a part
/// of a statement on its own.
pub fn render(toks: &[Token]) -> String {
    let mut out = String::new();
    for t in toks {
        if !out.is_empty() {
            out.push(' ');
        }
        match &t.tok {
            Tok::Word(w) | Tok::Number(w) | Tok::Op(w) => out.push_str(w),
            Tok::Quoted(q) => out.push_str(&format!("\"{q}\"")),
            Tok::Str(s) => out.push_str(&format!("'{}'", s.replace('\'', "''"))),
            Tok::Bind(b) => out.push_str(&format!(":{b}")),
        }
    }
    out
}

fn column(ora_type: u8, size: u32, char_size: u32, precision: i8, scale: i8) -> ColumnInfo {
    ColumnInfo {
        name: String::new(),
        ora_type,
        size,
        char_size,
        precision,
        scale,
        nullable: true,
        object_type: None,
        national: false,
        uds_flags: 0,
    }
}

/// The column a string literal is described as.
pub fn char_column(bytes: u32, chars: u32) -> ColumnInfo {
    ColumnInfo {
        nullable: false,
        ..column(ora_type::CHAR, bytes, chars, 0, 0)
    }
}

/// The column a select-list bind is described as, from its value; `None`
/// for a NULL, whose type the protocol value does not carry.
pub fn bind_column(v: &Value) -> Option<ColumnInfo> {
    let len = |n: usize| (n.max(1) as u32).min(32767);
    Some(match v {
        Value::Null => return None,
        Value::Number(_) => column(ora_type::NUMBER, 22, 22, 0, -127),
        // Past 32,767 bytes only LONG holds the value (OCI reads no more
        // than a VARCHAR2's size and waits for the rest).
        Value::Varchar(s) if s.len() > 32767 => column(ora_type::LONG, 0, 0, 0, 0),
        Value::Raw(b) if b.len() > 32767 => column(ora_type::LONG_RAW, 0, 0, 0, 0),
        Value::Varchar(s) => column(
            ora_type::VARCHAR,
            len(s.len()),
            len(s.chars().count()),
            0,
            0,
        ),
        Value::Clob(_) => column(ora_type::CLOB, 4000, 4000, 0, 0),
        Value::Raw(b) => column(ora_type::RAW, len(b.len()), len(b.len()), 0, 0),
        Value::Blob(_) => column(ora_type::BLOB, 4000, 4000, 0, 0),
        Value::Date(_) => column(ora_type::DATE, 7, 7, 0, 0),
        // A bound TIMESTAMP carries nanoseconds: Oracle describes TIMESTAMP(9).
        Value::Timestamp(_) => column(ora_type::TIMESTAMP, 11, 11, 0, 9),
        Value::TimestampTz(..) => column(ora_type::TIMESTAMP_TZ, 13, 13, 0, 9),
        Value::Double(_) => column(ora_type::BINARY_DOUBLE, 8, 8, 0, 0),
        Value::Float(_) => column(ora_type::BINARY_FLOAT, 4, 4, 0, 0),
        Value::Boolean(_) => column(ora_type::BOOLEAN, 4, 4, 0, 0),
        // Bound intervals carry every digit: Oracle describes the widest.
        Value::IntervalDS(_) => column(ora_type::INTERVAL_DS, 11, 11, 9, 9),
        Value::IntervalYM(_) => column(ora_type::INTERVAL_YM, 5, 5, 9, 0),
        Value::Vector(_) => crate::vector::column(0, 0, false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    fn hint(sql: &str) -> Hint {
        item_hint(&tokenize(sql).unwrap(), 0)
    }

    #[test]
    fn items_are_typed_by_shape() {
        assert_eq!(hint("'abc'"), Hint::Char { bytes: 3, chars: 3 });
        assert_eq!(hint("'é'"), Hint::Char { bytes: 2, chars: 1 });
        assert_eq!(hint("to_char(d, 'YYYY')"), Hint::Text);
        assert_eq!(hint("to_char(d) || 'x'"), Hint::Unknown);
        assert_eq!(hint("to_char(a) - to_char(b)"), Hint::Number);
        // '' is NULL in Oracle: no CHAR(0).
        assert_eq!(hint("''"), Hint::Unknown);
        assert_eq!(hint(":big"), Hint::Bind(0));
        assert_eq!(item_hint(&tokenize("(:2)").unwrap(), 3), Hint::Bind(3));
        assert_eq!(hint("IntCol / 7"), Hint::Number);
        assert_eq!(hint("NumberCol * 1.5"), Hint::Number);
        assert_eq!(hint("-x"), Hint::Number);
        assert_eq!(hint("a || '-' || b"), Hint::Unknown);
        assert_eq!(hint("t.*"), Hint::Unknown);
        assert_eq!(hint("substr(a, 1 + 2)"), Hint::Unknown);
        assert_eq!(hint("col"), Hint::Unknown);
    }

    #[test]
    fn binds_are_described_by_their_value() {
        let big = bind_column(&Value::Number("9007199254740993".into())).unwrap();
        assert_eq!((big.ora_type, big.scale), (ora_type::NUMBER, -127));
        let s = bind_column(&Value::Varchar("héllo".into())).unwrap();
        assert_eq!((s.ora_type, s.size, s.char_size), (ora_type::VARCHAR, 6, 5));
        let r = bind_column(&Value::Raw(vec![1, 2, 3])).unwrap();
        assert_eq!((r.ora_type, r.size), (ora_type::RAW, 3));
        assert_eq!(
            bind_column(&Value::Double(f64::NAN)).unwrap().ora_type,
            ora_type::BINARY_DOUBLE
        );
        assert!(bind_column(&Value::Null).is_none());
    }
}
