//! `alias.col.field…` (JSON simple dot notation, see `json_dot.rs`) in the
//! rewriter: the fields and `[n]` steps after a table alias's column
//! become a path for `ora_json_dot`; a trailing `.number()` or `.string()`
//! item method reads the scalar there instead (JSON_VALUE).

use super::{quote_ident, quote_str, Rewriter};
use crate::lexer::{Tok, Token};

impl<'a> Rewriter<'a, '_> {
    /// `parts` (a dotted name already read) as dot notation, when its head
    /// is a table alias and JSON steps follow the column; `None` otherwise,
    /// nothing consumed.
    pub(super) fn json_dot(&mut self, parts: &[&'a Token]) -> Option<String> {
        let start = self.i;
        let out = self.json_dot_steps(parts);
        if out.is_none() {
            self.i = start;
        }
        out
    }

    /// An item method (`number()`, `string()`) at `peek(at)`: its name,
    /// the `()` consumed.
    fn item_method(&mut self, at: usize) -> Option<String> {
        let name = self.peek(at)?.ident()?;
        let known = ["NUMBER", "STRING"];
        let call = self.peek(at + 1)?.is_op("(") && self.peek(at + 2)?.is_op(")");
        (call && known.contains(&name.as_str())).then(|| {
            self.i += at + 3;
            name
        })
    }

    fn json_dot_steps(&mut self, parts: &[&'a Token]) -> Option<String> {
        let subscript_next = self.peek(0).is_some_and(|t| t.is_op("["));
        // `t.col.number()`: the name read ends with the method.
        let (parts, mut method) = if parts.len() >= 3 && self.peek(0).is_some_and(|t| t.is_op("("))
        {
            self.i -= 1;
            let m = self.item_method(0)?;
            (&parts[..parts.len() - 1], Some(m))
        } else {
            (parts, None)
        };
        if parts.len() < 2 || (parts.len() == 2 && !subscript_next && method.is_none()) {
            return None;
        }
        if self.peek(0).is_some_and(|t| t.is_op("(")) {
            return None;
        }
        crate::json_dot::alias_table(self.toks, &parts[0].ident()?)?;
        let mut fields: Vec<&Token> = parts[2..].to_vec();
        // Subscripts of the column itself, then of each field.
        let mut subs: Vec<Vec<String>> = vec![Vec::new(); fields.len() + 1];
        loop {
            if self.peek(0).is_some_and(|t| t.is_op("[")) {
                let mut k = 1;
                let mut text = String::new();
                while let Some(t) = self.peek(k).filter(|t| !t.is_op("]")) {
                    match &t.tok {
                        Tok::Number(n) => text.push_str(n),
                        Tok::Op(o) if o == "*" || o == "," => text.push_str(o),
                        Tok::Word(w) if w.eq_ignore_ascii_case("TO") => text.push_str(" to "),
                        _ => return None,
                    }
                    k += 1;
                }
                self.i += k + 1;
                if let Some(s) = subs.last_mut() {
                    s.push(text);
                }
            } else if method.is_some() {
                break;
            } else if self.peek(0).is_some_and(|t| t.is_op("."))
                && self.peek(2).is_some_and(|t| t.is_op("("))
            {
                method = Some(self.item_method(1)?);
            } else if self.peek(0).is_some_and(|t| t.is_op("."))
                && self
                    .peek(1)
                    .is_some_and(|t| matches!(t.tok, Tok::Word(_) | Tok::Quoted(_)))
            {
                fields.push(&self.toks[self.i + 1]);
                subs.push(Vec::new());
                self.i += 2;
            } else {
                break;
            }
        }
        let mut column_subs = subs.remove(0);
        let mut path = crate::json_dot::path(&fields, &subs);
        if !column_subs.is_empty() {
            let head: String = column_subs.drain(..).map(|s| format!("[{s}]")).collect();
            path = format!("${head}{}", &path[1..]);
        }
        let name = |t: &Token| match &t.tok {
            Tok::Quoted(q) => quote_ident(q),
            Tok::Word(w) => w.clone(),
            _ => String::new(),
        };
        let column = format!("{}.{}", name(parts[0]), name(parts[1]));
        let path = quote_str(&path);
        Some(match method.as_deref() {
            Some("NUMBER") => format!("ora_to_number(ora_json_value({column}, {path}))"),
            Some(_) => format!("ora_json_value({column}, {path})"),
            None => format!("ora_json_dot({column}, {path})"),
        })
    }
}
