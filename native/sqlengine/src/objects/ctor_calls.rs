//! Calls of types' names in a statement (`udt_Obj(1, 'x')`) rewritten as
//! the ORA_OBJ_NEW calls that build their images.

use crate::lexer::{Tok, Token};
use crate::{Session, SqlError};

impl Session {
    /// Calls of types' names in `toks` as ORA_OBJ_NEW calls. The catalog
    /// is read once per statement (its names), and only at the first
    /// `name(`: most statements call no constructor.
    pub(crate) fn rewrite_constructors(&self, toks: Vec<Token>) -> Result<Vec<Token>, SqlError> {
        let is_name = |t: &Token| matches!(t.tok, Tok::Word(_) | Tok::Quoted(_));
        let mut names: Option<std::collections::HashSet<(String, String)>> = None;
        let mut schema: Option<String> = None;
        let mut out: Vec<Token> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            let after_dot = out.last().is_some_and(|p| p.is_op("."));
            let dotted = is_name(t)
                && toks.get(i + 1).is_some_and(|d| d.is_op("."))
                && toks.get(i + 2).is_some_and(is_name);
            let next = if dotted { i + 3 } else { i + 1 };
            let call = !after_dot
                && is_name(t)
                && toks.get(next).is_some_and(|p| p.is_op("("))
                && (dotted || !is_builtin(t));
            let found = if call {
                let (owner, name) = if dotted {
                    (t.ident(), toks[i + 2].ident())
                } else {
                    (
                        Some(schema.get_or_insert_with(|| self.schema()).clone()),
                        t.ident(),
                    )
                };
                let known = names.get_or_insert_with(|| self.type_names());
                match (owner, name) {
                    (Some(o), Some(n)) if known.contains(&(o.clone(), n.clone())) => {
                        self.object_type(&o, &n)
                    }
                    _ => None,
                }
            } else {
                None
            };
            let Some(ty) = found else {
                out.push(t.clone());
                i += 1;
                continue;
            };
            let pos = t.pos;
            let tok = |tok: Tok| Token { tok, pos };
            out.push(tok(Tok::Word("ORA_OBJ_NEW".into())));
            out.push(tok(Tok::Op("(".into())));
            out.push(tok(Tok::Str(self.constructor_spec(&ty))));
            let empty = toks.get(next + 1).is_some_and(|c| c.is_op(")"));
            if !empty {
                out.push(tok(Tok::Op(",".into())));
            }
            i = next + 1;
        }
        Ok(out)
    }
}

/// SQL functions PL/SQL expressions call all the time: never a type's
/// constructor, so they cost no catalog read (a loop evaluates its
/// expressions once per iteration).
fn is_builtin(t: &Token) -> bool {
    const NAMES: &[&str] = &[
        "ABS",
        "ADD_MONTHS",
        "ASCII",
        "CAST",
        "CEIL",
        "CHR",
        "COALESCE",
        "CONCAT",
        "COUNT",
        "DECODE",
        "EXTRACT",
        "FLOOR",
        "GREATEST",
        "INITCAP",
        "INSTR",
        "LAST_DAY",
        "LEAST",
        "LENGTH",
        "LOWER",
        "LPAD",
        "LTRIM",
        "MAX",
        "MIN",
        "MOD",
        "MONTHS_BETWEEN",
        "NULLIF",
        "NVL",
        "NVL2",
        "POWER",
        "REPLACE",
        "ROUND",
        "RPAD",
        "RTRIM",
        "SIGN",
        "SQRT",
        "SUBSTR",
        "SUM",
        "TO_CHAR",
        "TO_CLOB",
        "TO_DATE",
        "TO_NUMBER",
        "TO_TIMESTAMP",
        "TRIM",
        "TRUNC",
        "UPPER",
    ];
    matches!(&t.tok, Tok::Word(w) if NAMES.iter().any(|n| n.eq_ignore_ascii_case(w)))
}
