//! ROWNUM. Oracle numbers a query block's rows as they pass its WHERE,
//! before its ORDER BY. `ROWNUM <= n`, `ROWNUM < n` and `ROWNUM = 1` ANDed
//! into a block's WHERE become that block's LIMIT; any other ROWNUM outside
//! a WHERE (a select item an outer query filters on, as Knex pages) becomes
//! `row_number() over ()`, which SQLite numbers in the order the block's FROM
//! delivers its rows. A ROWNUM left in a WHERE stays, and fails as ORA-00904.

use super::super::lexer::{Tok, Token};

/// Words that end a WHERE clause within its block.
const AFTER_WHERE: &[&str] = &[
    "GROUP",
    "ORDER",
    "HAVING",
    "CONNECT",
    "START",
    "UNION",
    "INTERSECT",
    "MINUS",
    "EXCEPT",
    "WINDOW",
];
/// Words after which a block's LIMIT cannot simply be appended.
const SET_OR_FETCH: &[&str] = &[
    "UNION",
    "INTERSECT",
    "MINUS",
    "EXCEPT",
    "FETCH",
    "OFFSET",
    "LIMIT",
];

fn tok(t: Tok, pos: usize) -> Token {
    Token { tok: t, pos }
}

/// `toks` with every ROWNUM rewritten; `None` when there is none.
pub fn rewrite(toks: &[Token]) -> Option<Vec<Token>> {
    if !toks.iter().any(|t| t.is_word("ROWNUM")) {
        return None;
    }
    let mut depth = Vec::with_capacity(toks.len());
    let mut d = 0usize;
    for t in toks {
        if t.is_op(")") {
            d = d.saturating_sub(1);
        }
        depth.push(d);
        if t.is_op("(") {
            d += 1;
        }
    }
    let mut removed = vec![false; toks.len()];
    let mut numbered = vec![false; toks.len()];
    // (index before which to insert, tokens)
    let mut inserts: Vec<(usize, Vec<Token>)> = Vec::new();
    for i in (0..toks.len()).filter(|&i| toks[i].is_word("ROWNUM")) {
        let d = depth[i];
        let same = |k: usize| depth[k] == d;
        // The block: back to its SELECT, forward to its end.
        let Some(select) = (0..i)
            .rev()
            .take_while(|&k| depth[k] >= d)
            .find(|&k| depth[k] == d && toks[k].is_word("SELECT"))
        else {
            continue;
        };
        let end = (i..toks.len())
            .find(|&k| depth[k] < d || (same(k) && SET_OR_FETCH.iter().any(|w| toks[k].is_word(w))))
            .unwrap_or(toks.len());
        let where_at = (select..i)
            .rev()
            .find(|&k| depth[k] == d && toks[k].is_word("WHERE"));
        let in_where = where_at.is_some_and(|w| {
            !(w..i).any(|k| depth[k] == d && AFTER_WHERE.iter().any(|x| toks[k].is_word(x)))
        });
        if !in_where {
            numbered[i] = true;
            continue;
        }
        let Some(w) = where_at else { continue };
        if let Some((limit, next)) = limit_of(toks, i, end) {
            let where_end = (i..end)
                .find(|&k| depth[k] == d && AFTER_WHERE.iter().any(|x| toks[k].is_word(x)))
                .unwrap_or(end);
            let or_in_where = (w..where_end).any(|k| depth[k] == d && toks[k].is_word("OR"));
            let ends_block = end == toks.len() || toks[end].is_op(")");
            let binds_after = (next..end).any(|k| matches!(toks[k].tok, Tok::Bind(_)));
            let is_bind = matches!(limit.tok, Tok::Bind(_));
            let conjunct = toks[i - 1].is_word("AND") || i - 1 == w;
            if or_in_where || !ends_block || (is_bind && binds_after) || !conjunct {
                continue;
            }
            (i..next).for_each(|k| removed[k] = true);
            if toks[i - 1].is_word("AND") {
                removed[i - 1] = true;
            } else if toks.get(next).is_some_and(|t| t.is_word("AND")) {
                removed[next] = true;
            } else {
                removed[w] = true;
            }
            let pos = toks[i].pos;
            inserts.push((end, vec![tok(Tok::Word("LIMIT".into()), pos), limit]));
        }
    }
    let mut out = Vec::with_capacity(toks.len() + 8);
    for (k, t) in toks.iter().enumerate() {
        for (_, ins) in inserts.iter().filter(|(at, _)| *at == k) {
            out.extend(ins.iter().cloned());
        }
        if removed[k] {
            continue;
        }
        if numbered[k] {
            let p = t.pos;
            out.push(tok(Tok::Word("row_number".into()), p));
            out.push(tok(Tok::Op("(".into()), p));
            out.push(tok(Tok::Op(")".into()), p));
            out.push(tok(Tok::Word("OVER".into()), p));
            out.push(tok(Tok::Op("(".into()), p));
            out.push(tok(Tok::Op(")".into()), p));
            continue;
        }
        out.push(t.clone());
    }
    for (_, ins) in inserts.iter().filter(|(at, _)| *at == toks.len()) {
        out.extend(ins.iter().cloned());
    }
    Some(out)
}

/// For `ROWNUM op x` at `i`: the block's row limit and the index after `x`.
fn limit_of(toks: &[Token], i: usize, end: usize) -> Option<(Token, usize)> {
    let (op, x) = (toks.get(i + 1)?, toks.get(i + 2)?);
    if i + 2 >= end {
        return None;
    }
    let n = match &x.tok {
        Tok::Number(n) => n.parse::<i64>().ok(),
        Tok::Bind(_) => None,
        _ => return None,
    };
    let limit = match (op, n) {
        (o, _) if o.is_op("<=") => x.clone(),
        (o, Some(n)) if o.is_op("<") => tok(Tok::Number((n - 1).max(0).to_string()), x.pos),
        (o, Some(1)) if o.is_op("=") => x.clone(),
        _ => return None,
    };
    Some((limit, i + 3))
}

#[cfg(test)]
mod tests {
    use super::super::super::lexer::tokenize;
    use super::*;

    fn text(sql: &str) -> String {
        let toks = tokenize(sql).unwrap();
        rewrite(&toks)
            .unwrap()
            .iter()
            .map(|t| match &t.tok {
                Tok::Word(w) => w.clone(),
                Tok::Quoted(q) => format!("\"{q}\""),
                Tok::Op(o) => o.clone(),
                Tok::Str(s) => format!("'{s}'"),
                Tok::Number(n) => n.clone(),
                Tok::Bind(b) => format!(":{b}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn knex_pagination_numbers_the_middle_block_and_limits_it() {
        assert_eq!(
            text(
                "select * from (select row_.*, ROWNUM rownum_ from (select a from t order by a) \
                 row_ where rownum <= :1) where rownum_ > :2"
            ),
            "select * from ( select row_ . * , row_number ( ) OVER ( ) rownum_ from ( select a \
             from t order by a ) row_ LIMIT :1 ) where rownum_ > :2"
        );
    }

    #[test]
    fn where_conditions_become_a_limit_and_keep_the_rest() {
        assert_eq!(
            text("select a from t where rownum = 1"),
            "select a from t LIMIT 1"
        );
        assert_eq!(
            text("select a from t where b = 2 and rownum < 3"),
            "select a from t where b = 2 LIMIT 2"
        );
        assert_eq!(
            text("select a from t where rownum <= 5 and b = 2"),
            "select a from t where b = 2 LIMIT 5"
        );
    }

    #[test]
    fn conditions_it_cannot_turn_into_a_limit_stay() {
        // OR, `>`, and a bind before another bind (binds are numbered in text order).
        assert_eq!(
            text("select a from t where b = 1 or rownum <= 2"),
            "select a from t where b = 1 or rownum <= 2"
        );
        assert_eq!(
            text("select a from t where rownum > 1"),
            "select a from t where rownum > 1"
        );
        assert_eq!(
            text("select a from (select a from t where rownum <= :n and b = :b)"),
            "select a from ( select a from t where rownum <= :N and b = :B )"
        );
    }
}
