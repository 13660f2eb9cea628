//! `MERGE INTO t USING s ON (cond) WHEN MATCHED THEN UPDATE SET …
//! WHEN NOT MATCHED THEN INSERT … VALUES …` as two SQLite statements run in
//! order: an `UPDATE … FROM` for the matched rows, then an
//! `INSERT … SELECT … WHERE NOT EXISTS` for the rest (so rows just inserted
//! are not updated, as in Oracle). `DELETE WHERE` is not translated.

use super::super::lexer::{split_commas, Token};
use super::Ctx;

/// Separates the statements of a translated MERGE in `Prepared::translated`.
pub const SEPARATOR: char = '\u{1}';

/// Index of the first depth-0 token at or after `from` matching `f`.
fn find(toks: &[Token], from: usize, f: impl Fn(&Token) -> bool) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        if i >= from && depth == 0 && f(t) {
            return Some(i);
        }
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        }
    }
    None
}

/// `name [alias]` or `name AS alias`: the name tokens and the alias.
fn name_and_alias(toks: &[Token]) -> Option<(&[Token], Option<String>)> {
    let toks = match toks {
        [rest @ .., a, last] if a.is_word("AS") => return Some((rest, last.ident())),
        t => t,
    };
    match toks {
        [] => None,
        [rest @ .., prev, last]
            if last.ident().is_some() && (prev.ident().is_some() || prev.is_op(")")) =>
        {
            Some((rest_with(toks, rest.len() + 1), last.ident()))
        }
        t => Some((t, None)),
    }
}

fn rest_with(toks: &[Token], n: usize) -> &[Token] {
    &toks[..n]
}

/// The inside of a `( … )` slice, or None.
fn parenthesised(toks: &[Token]) -> Option<&[Token]> {
    match toks {
        [open, inner @ .., close] if open.is_op("(") && close.is_op(")") => Some(inner),
        _ => None,
    }
}

fn quote(alias: &str) -> String {
    format!("\"{}\"", alias.replace('"', "\"\""))
}

/// The SQLite statements of a MERGE, joined by [`SEPARATOR`]; None when
/// `toks` is not a MERGE this translation covers.
pub fn merge(toks: &[Token], ctx: &mut Ctx) -> Option<String> {
    if !(toks.first()?.is_word("MERGE") && toks.get(1)?.is_word("INTO")) {
        return None;
    }
    let using = find(toks, 2, |t| t.is_word("USING"))?;
    let on = find(toks, using + 1, |t| t.is_word("ON"))?;
    let first_when = find(toks, on + 1, |t| t.is_word("WHEN"))?;
    let (target, target_alias) = name_and_alias(&toks[2..using])?;
    let (source, source_alias) = name_and_alias(&toks[using + 1..on])?;
    let cond = &toks[on + 1..first_when];
    // Each part is rewritten once, in source order, so positional binds
    // keep their numbers in both statements.
    let target_sql = super::rewrite(target, ctx);
    let source_sql = match parenthesised(source) {
        Some(inner) => format!("({})", super::rewrite(inner, ctx)),
        None => super::rewrite(source, ctx),
    };
    let cond_sql = super::rewrite(cond, ctx);
    let source_as = source_alias
        .map(|a| format!(" AS {}", quote(&a)))
        .unwrap_or_default();
    let target_as = target_alias
        .map(|a| format!(" AS {}", quote(&a)))
        .unwrap_or_default();

    let mut update = None;
    let mut insert = None;
    let mut at = first_when;
    while at < toks.len() {
        let next = find(toks, at + 1, |t| t.is_word("WHEN")).unwrap_or(toks.len());
        let clause = &toks[at..next];
        let matched = clause.get(1)?.is_word("MATCHED");
        let not_matched = clause.get(1)?.is_word("NOT") && clause.get(2)?.is_word("MATCHED");
        if matched && clause.get(2)?.is_word("THEN") && clause.get(3)?.is_word("UPDATE") {
            if !clause.get(4)?.is_word("SET") || update.is_some() {
                return None;
            }
            let body = &clause[5..];
            if find(body, 0, |t| t.is_word("DELETE")).is_some() {
                return None;
            }
            let filter = find(body, 0, |t| t.is_word("WHERE"));
            let sets = &body[..filter.unwrap_or(body.len())];
            let mut assignments = Vec::new();
            for a in split_commas(sets) {
                let eq = a.iter().position(|t| t.is_op("="))?;
                // Oracle allows `t.col = …`; SQLite's SET takes the bare column.
                let column = a[..eq].last()?.ident()?;
                assignments.push(format!(
                    "{} = {}",
                    quote(&column),
                    super::rewrite(&a[eq + 1..], ctx)
                ));
            }
            let filter_sql = filter
                .map(|w| format!(" AND ({})", super::rewrite(&body[w + 1..], ctx)))
                .unwrap_or_default();
            update = Some(format!(
                "UPDATE {target_sql}{target_as} SET {} FROM {source_sql}{source_as} \
                 WHERE ({cond_sql}){filter_sql}",
                assignments.join(", ")
            ));
        } else if not_matched && clause.get(3)?.is_word("THEN") && clause.get(4)?.is_word("INSERT")
        {
            if insert.is_some() {
                return None;
            }
            let body = &clause[5..];
            let values = find(body, 0, |t| t.is_word("VALUES"))?;
            let columns = match parenthesised(&body[..values]) {
                Some(cols) => {
                    let names: Option<Vec<String>> = split_commas(cols)
                        .iter()
                        .map(|c| c.last().and_then(Token::ident).map(|n| quote(&n)))
                        .collect();
                    format!(" ({})", names?.join(", "))
                }
                None if values == 0 => String::new(),
                None => return None,
            };
            let filter = find(body, values + 1, |t| t.is_word("WHERE"));
            let vals = parenthesised(&body[values + 1..filter.unwrap_or(body.len())])?;
            let vals_sql = super::rewrite(vals, ctx);
            let filter_sql = filter
                .map(|w| format!(" AND ({})", super::rewrite(&body[w + 1..], ctx)))
                .unwrap_or_default();
            insert = Some(format!(
                "INSERT INTO {target_sql}{columns} SELECT {vals_sql} FROM {source_sql}{source_as} \
                 WHERE NOT EXISTS (SELECT 1 FROM {target_sql}{target_as} WHERE {cond_sql}){filter_sql}"
            ));
        } else {
            return None;
        }
        at = next;
    }
    let parts: Vec<String> = update.into_iter().chain(insert).collect();
    if parts.is_empty() {
        return None;
    }
    Some(parts.join(&SEPARATOR.to_string()))
}

/// Runs a translated MERGE: each statement gets the binds it numbers
/// (`?N` counts up to its highest N) and the row count is their sum.
pub fn run(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[rusqlite::types::Value],
) -> rusqlite::Result<u64> {
    let mut count = 0;
    for part in sql.split(SEPARATOR) {
        let mut stmt = conn.prepare_cached(part)?;
        for i in 1..=stmt.parameter_count() {
            let v = params
                .get(i - 1)
                .cloned()
                .unwrap_or(rusqlite::types::Value::Null);
            stmt.raw_bind_parameter(i, v)?;
        }
        count += stmt.raw_execute()? as u64;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::super::super::lexer::tokenize;
    use super::super::BindMode;
    use super::*;

    fn tr(sql: &str) -> Option<Vec<String>> {
        let toks = tokenize(sql).unwrap();
        let none = |_: &str| None;
        let mut ctx = Ctx {
            binds: BindMode::Positional,
            next_bind: 0,
            user: "SCOTT",
            locals: &none,
        };
        merge(&toks, &mut ctx).map(|s| s.split(SEPARATOR).map(str::to_string).collect())
    }

    #[test]
    fn update_then_insert_with_binds_in_source_order() {
        let parts = tr(
            "merge into t using (select :1 id, :2 v from dual) s on (t.id = s.id) \
             when matched then update set t.v = s.v \
             when not matched then insert (id, v) values (s.id, s.v)",
        )
        .unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[0],
            "UPDATE t SET \"V\" = s.v FROM (select ?1 id , ?2 v from dual) AS \"S\" WHERE ((t.id = s.id))"
        );
        assert_eq!(
            parts[1],
            "INSERT INTO t (\"ID\", \"V\") SELECT s.id , s.v FROM (select ?1 id , ?2 v from dual) AS \"S\" \
             WHERE NOT EXISTS (SELECT 1 FROM t WHERE (t.id = s.id))"
        );
        let parts = tr("merge into t x using src on (x.k = src.k) \
             when not matched then insert values (src.k, :1) where src.k > 0")
        .unwrap();
        assert_eq!(parts.len(), 1);
        assert!(
            parts[0].ends_with("FROM t AS \"X\" WHERE (x.k = src.k)) AND (src.k > 0)"),
            "{}",
            parts[0]
        );
        assert!(tr("merge into t using s on (t.k = s.k) when matched then update set v = 1 delete where v = 2").is_none());
        assert!(tr("update t set v = 1").is_none());
    }
}
