//! `alias.col.field…` (JSON simple dot notation, see `json_dot.rs`) in the
//! rewriter: the fields and `[n]` steps after a table alias's column
//! become a path for `ora_json_dot`.

use super::{quote_ident, quote_str, Rewriter};
use crate::lexer::{Tok, Token};

impl<'a> Rewriter<'a, '_> {
    /// `parts` (a dotted name already read) as dot notation, when its head
    /// is a table alias and JSON steps follow the column; `None` otherwise,
    /// nothing consumed.
    pub(super) fn json_dot(&mut self, parts: &[&'a Token]) -> Option<String> {
        let subscript_next = self.peek(0).is_some_and(|t| t.is_op("["));
        if parts.len() < 2 || (parts.len() == 2 && !subscript_next) {
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
        Some(format!(
            "ora_json_dot({}.{}, {})",
            name(parts[0]),
            name(parts[1]),
            quote_str(&path)
        ))
    }
}
