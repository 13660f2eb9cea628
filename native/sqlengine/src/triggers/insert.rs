//! A triggered INSERT: its rows are computed first (the VALUES list or the
//! subquery), so BEFORE triggers set `:new` before each row is stored, and
//! columns they fill count as given (a NOT NULL key, as Knex's increments()).

use oradb_protocol::value::Value;
use rusqlite::types::{Value as Sql, ValueRef};

use super::super::errors::{self, err};
use super::super::lexer::{Tok, Token};
use super::super::query::{to_sql, to_value};
use super::super::rewrite;
use super::super::schemas::{collapse_name, quote};
use super::super::{Prepared, Session, SqlError};
use super::fire::{matching, positional, top, Compiled, Target};

impl Session {
    pub(super) fn insert_fired(
        &mut self,
        p: &Prepared,
        params: &[Sql],
        target: &Target,
        before: &[Compiled],
        after: &[Compiled],
    ) -> Result<Vec<Sql>, SqlError> {
        let stripped = rewrite::insert_default::strip_default_values(&p.toks);
        let toks = stripped.as_deref().unwrap_or(&p.toks);
        let (_, toks) = collapse_name(toks, 2)?;
        let mut i = 3 + usize::from(target.alias.is_some());
        let mut listed: Vec<usize> = (0..target.columns.len()).collect();
        if toks.get(i).is_some_and(|t| t.is_op("("))
            && !(toks
                .get(i + 1)
                .is_some_and(|t| t.is_word("SELECT") || t.is_word("WITH")))
        {
            let close = matching(&toks, i).ok_or_else(|| err(907, "missing right parenthesis"))?;
            listed = Vec::new();
            for t in &toks[i + 1..close] {
                let Some(name) = t.ident() else { continue };
                let k = target
                    .columns
                    .iter()
                    .position(|(n, _)| *n == name)
                    .ok_or_else(|| SqlError {
                        offset: t.pos as u32,
                        ..err(904, &format!("\"{name}\": invalid identifier"))
                    })?;
                listed.push(k);
            }
            i = close + 1;
        }
        let end = top(&toks, i, &["RETURNING", "RETURN"]).unwrap_or(toks.len());
        let pos = toks.get(i).map_or(0, |t| t.pos);
        let select = if toks.get(i).is_some_and(|t| t.is_word("VALUES")) {
            let close =
                matching(&toks, i + 1).ok_or_else(|| err(907, "missing right parenthesis"))?;
            let mut s = vec![Token {
                tok: Tok::Word("SELECT".into()),
                pos,
            }];
            s.extend_from_slice(&toks[i + 2..close]);
            s
        } else {
            toks[i..end].to_vec()
        };
        let sql = positional(&select, &self.user.clone());
        let rows = self.sql_rows(&sql, params, &p.toks)?;
        let width = target.columns.len();
        let mut rowids = Vec::with_capacity(rows.len());
        for row in rows {
            if row.len() != listed.len() {
                let (code, text) = if row.len() < listed.len() {
                    (947, "not enough values")
                } else {
                    (913, "too many values")
                };
                return Err(err(code, text));
            }
            let mut new = vec![Value::Null; width];
            for (v, &k) in row.iter().zip(&listed) {
                new[k] = to_value(ValueRef::from(v), &target.columns[k].1);
            }
            let given = new.clone();
            self.fire(before, &mut new, &vec![Value::Null; width])?;
            // Listed columns keep the statement's value unless a trigger changed it.
            let mut cols = Vec::new();
            let mut values = Vec::new();
            for k in 0..width {
                let at = listed.iter().position(|&l| l == k);
                if at.is_none() && new[k] == Value::Null {
                    continue;
                }
                cols.push(quote(&target.columns[k].0));
                values.push(match at {
                    Some(j) if new[k] == given[k] => row[j].clone(),
                    _ => to_sql(&new[k]),
                });
            }
            let into = format!("{}.{}", quote(&target.schema), quote(&target.table));
            let sql = if cols.is_empty() {
                format!("INSERT INTO {into} DEFAULT VALUES RETURNING rowid")
            } else {
                let marks: Vec<String> = (1..=cols.len()).map(|n| format!("?{n}")).collect();
                format!(
                    "INSERT INTO {into} ({}) VALUES ({}) RETURNING rowid",
                    cols.join(", "),
                    marks.join(", ")
                )
            };
            let rowid = {
                let map = |e: rusqlite::Error| errors::map(&e, &p.toks, &self.user);
                let mut stmt = self.conn.prepare_cached(&sql).map_err(map)?;
                stmt.query_row(rusqlite::params_from_iter(values.iter()), |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(map)?
            };
            let rowid = Sql::Integer(rowid);
            if !after.is_empty() {
                let mut stored = self.row_by_rowid(target, &rowid)?;
                self.fire(after, &mut stored, &vec![Value::Null; width])?;
            }
            rowids.push(rowid);
        }
        Ok(rowids)
    }
}
