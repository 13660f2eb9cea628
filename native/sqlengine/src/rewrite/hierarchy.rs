//! `CONNECT BY` without `PRIOR`: Oracle's row generator (`select level from
//! dual connect by level <= :n`), which suites use to make n rows. It becomes
//! a recursive CTE over the levels joined to the query's FROM list; LEVEL and
//! ROWNUM read the level (over DUAL they are the same number). Hierarchical
//! queries proper (`PRIOR`, `START WITH`) are not translated and fail as
//! before.

use super::super::lexer::{Tok, Token};
use super::Ctx;

/// Past this many levels the generator is a loop, as Oracle reports it
/// (`connect by 1 = 1`), instead of running until memory runs out.
pub const MAX_LEVELS: i64 = 1_000_000;

const CTE: &str = "ora_cb";

fn word(w: &str, pos: usize) -> Token {
    Token {
        tok: Tok::Word(w.into()),
        pos,
    }
}

/// Index of the first depth-0 token in `toks[from..]` matching `f`.
pub(crate) fn top_level(toks: &[Token], from: usize, f: impl Fn(&Token) -> bool) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if depth == 0 && i >= from && f(t) {
            return Some(i);
        }
    }
    None
}

fn is_level(t: &Token) -> bool {
    t.is_word("LEVEL") || t.is_word("ROWNUM")
}

/// LEVEL / ROWNUM → the CTE's level (`next`: the candidate row's level).
fn with_level(toks: &[Token], next: bool) -> Vec<Token> {
    toks.iter()
        .map(|t| {
            if is_level(t) {
                let e = if next {
                    format!("({CTE}.lvl + 1)")
                } else {
                    format!("{CTE}.lvl")
                };
                word(&e, t.pos)
            } else {
                t.clone()
            }
        })
        .collect()
}

/// The SQLite text of a row-generator query, or None when `toks` is not one.
pub fn row_generator(toks: &[Token], ctx: &mut Ctx) -> Option<String> {
    let c = top_level(toks, 0, |t| t.is_word("CONNECT"))?;
    if !toks.get(c + 1).is_some_and(|t| t.is_word("BY"))
        || !toks.first().is_some_and(|t| t.is_word("SELECT"))
        || toks
            .iter()
            .any(|t| t.is_word("PRIOR") || t.is_word("START"))
    {
        return None;
    }
    let mut cond_start = c + 2;
    if toks.get(cond_start).is_some_and(|t| t.is_word("NOCYCLE")) {
        cond_start += 1;
    }
    let cond_end = top_level(toks, cond_start, |t| {
        [
            "ORDER",
            "GROUP",
            "UNION",
            "MINUS",
            "INTERSECT",
            "EXCEPT",
            "FETCH",
            "OFFSET",
        ]
        .iter()
        .any(|w| t.is_word(w))
    })
    .unwrap_or(toks.len());
    if cond_end == cond_start {
        return None;
    }
    let mut head = with_level(&toks[..c], false);
    let from = top_level(&head, 0, |t| t.is_word("FROM"))?;
    let at = top_level(&head, from, |t| t.is_word("WHERE")).unwrap_or(head.len());
    let pos = head.get(at).map_or(0, |t| t.pos);
    head.insert(
        at,
        Token {
            tok: Tok::Op(",".into()),
            pos,
        },
    );
    head.insert(at + 1, word(CTE, pos));
    // Source order, so positional binds keep their numbers.
    let head = super::rewrite(&head, ctx);
    let cond = super::rewrite(&with_level(&toks[cond_start..cond_end], true), ctx);
    let tail = super::rewrite(&with_level(&toks[cond_end..], false), ctx);
    Some(format!(
        "WITH RECURSIVE {CTE}(lvl) AS (SELECT 1 UNION ALL \
         SELECT ora_level_guard(lvl + 1, {MAX_LEVELS}) FROM {CTE} WHERE {cond}) {head} {tail}"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::super::lexer::tokenize;
    use super::super::BindMode;
    use super::*;

    fn gen(sql: &str) -> Option<String> {
        let toks = tokenize(sql).unwrap();
        let none = |_: &str| None;
        let mut ctx = Ctx {
            binds: BindMode::Positional,
            next_bind: 0,
            user: "SCOTT",
            locals: &none,
        };
        row_generator(&toks, &mut ctx)
    }

    #[test]
    fn level_and_rownum_generators_become_a_recursive_cte() {
        let s = gen("select level from dual connect by level <= 5").unwrap();
        assert!(s.starts_with("WITH RECURSIVE ora_cb(lvl)"), "{s}");
        assert!(s.contains("WHERE (ora_cb.lvl + 1) <= 5)"), "{s}");
        assert!(s.contains("select ora_cb.lvl from dual , ora_cb"), "{s}");
        // Binds keep source order: the select list's before the condition's.
        let s = gen("select :a, rownum from dual connect by rownum <= :b order by 2 desc").unwrap();
        assert!(s.contains("(ora_cb.lvl + 1) <= ?2"), "{s}");
        assert!(
            s.contains("select ?1 , ora_cb.lvl from dual , ora_cb"),
            "{s}"
        );
        assert!(s.ends_with("order by 2 desc"), "{s}");
        // Real hierarchies are not row generators.
        assert!(gen("select x from t start with y = 1 connect by prior x = y").is_none());
        assert!(gen("select x from t connect by prior x = y").is_none());
        assert!(gen("select x from t").is_none());
    }
}
