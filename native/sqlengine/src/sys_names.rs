//! Names of objects SYS owns, written with their owner: `SYS.DUAL`,
//! `SYS.USER_TABLES`, `SYS.V_$SESSION`. Tools and test suites qualify
//! dictionary views so a user's own table of the same name cannot shadow
//! them. Here those objects live unqualified (DUAL in the database, the
//! views as TEMP tables), so the owner is dropped before translation, and
//! `V_$name`, the view behind the public synonym `V$name`, becomes `V$name`.

use super::lexer::{Tok, Token};

/// The unqualified name `SYS.<name>` stands for, if it is one of SYS's
/// objects this server has.
fn sys_object(name: &str) -> Option<String> {
    let name = match name.strip_prefix("V_$") {
        Some(rest) => format!("V${rest}"),
        None => name.to_string(),
    };
    (name == "DUAL" || super::views::is_view(&name)).then_some(name)
}

/// `toks` with `SYS.` removed before DUAL and the dictionary views.
pub fn unqualify(toks: Vec<Token>) -> Vec<Token> {
    let sys_at = |i: usize| {
        toks[i].ident().as_deref() == Some("SYS")
            && toks.get(i + 1).is_some_and(|t| t.is_op("."))
            && !(i > 0 && toks[i - 1].is_op("."))
    };
    if !(0..toks.len()).any(sys_at) {
        return toks;
    }
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let target = toks.get(i + 2).and_then(|t| match &t.tok {
            Tok::Word(w) => sys_object(&w.to_ascii_uppercase()),
            Tok::Quoted(q) => sys_object(q),
            _ => None,
        });
        match target {
            Some(name) if sys_at(i) => {
                let quoted = matches!(toks[i + 2].tok, Tok::Quoted(_));
                let tok = if quoted || name.contains('$') {
                    Tok::Quoted(name)
                } else {
                    Tok::Word(name)
                };
                out.push(Token {
                    tok,
                    pos: toks[i].pos,
                });
                i += 3;
            }
            _ => {
                out.push(toks[i].clone());
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    fn names(sql: &str) -> Vec<String> {
        unqualify(tokenize(sql).unwrap())
            .iter()
            .map(|t| match &t.tok {
                Tok::Word(w) | Tok::Quoted(w) | Tok::Op(w) | Tok::Number(w) => w.clone(),
                Tok::Str(s) => format!("'{s}'"),
                Tok::Bind(b) => format!(":{b}"),
            })
            .collect()
    }

    #[test]
    fn drops_sys_before_its_objects_only() {
        assert_eq!(
            names("select 1 from sys.dual"),
            ["select", "1", "from", "DUAL"]
        );
        assert_eq!(
            names("select sid from SYS.V_$SESSION s, \"SYS\".\"USER_TABLES\""),
            [
                "select",
                "sid",
                "from",
                "V$SESSION",
                "s",
                ",",
                "USER_TABLES"
            ]
        );
        assert_eq!(
            names("begin sys.dbms_output.put_line('x'); end;"),
            [
                "begin",
                "sys",
                ".",
                "dbms_output",
                ".",
                "put_line",
                "(",
                "'x'",
                ")",
                ";",
                "end",
                ";"
            ]
        );
        assert_eq!(
            names("select t.sys.dual from t"),
            ["select", "t", ".", "sys", ".", "dual", "from", "t"]
        );
    }
}
