//! Running an INSERT, UPDATE or DELETE on a table with row triggers: row by
//! row, with each trigger's block run by the PL/SQL interpreter, `:new` and
//! `:old` bound as `:NEW_k` / `:OLD_k` (k the column's place). An INSERT's
//! rows are computed first, so BEFORE triggers set `:new` before the row is
//! stored (NOT NULL columns they fill, as Knex's increments() does); an
//! UPDATE is applied and its rows then corrected with what BEFORE triggers
//! assign. Tables without triggers never come here (query.rs checks a cache).

use std::sync::Arc;

use oradb_protocol::value::Value;
use rusqlite::types::{Value as Sql, ValueRef};

use super::super::errors::{self, err};
use super::super::lexer::{Tok, Token};
use super::super::query::{push_returned, to_sql, to_value};
use super::super::rewrite::{self, BindMode, Ctx};
use super::super::schemas::{collapse_name, quote};
use super::super::types::from_decl;
use super::super::{BindDir, ColumnInfo, Outcome, Prepared, Session, SqlError, StmtKind};
use super::{bind_pseudo_records, unsupported, Trigger};

/// A trigger's block prepared for one statement, and where its binds go.
pub(super) struct Compiled {
    trigger: Arc<Trigger>,
    block: Prepared,
    /// Per bind of the block: (is :new, column index).
    binds: Vec<(bool, usize)>,
}

/// The table a statement writes, its columns and the triggers to fire.
pub(crate) struct Target {
    pub(super) schema: String,
    pub(super) table: String,
    pub(super) alias: Option<String>,
    pub(super) columns: Vec<(String, ColumnInfo)>,
    triggers: Vec<Arc<Trigger>>,
}

pub(super) fn word_at(toks: &[Token], i: usize) -> String {
    toks.get(i).and_then(Token::ident).unwrap_or_default()
}

/// The index of the first `word` at parenthesis depth 0 from `from`.
pub(super) fn top(toks: &[Token], from: usize, words: &[&str]) -> Option<usize> {
    let mut depth = 0i32;
    (from..toks.len()).find(|&k| {
        let t = &toks[k];
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        }
        depth == 0 && words.iter().any(|w| t.is_word(w))
    })
}

/// The index of the `)` matching the `(` at `open`.
pub(super) fn matching(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    (open..toks.len()).find(|&k| {
        if toks[k].is_op("(") {
            depth += 1;
        } else if toks[k].is_op(")") {
            depth -= 1;
        }
        depth == 0
    })
}

pub(super) fn positional(toks: &[Token], user: &str) -> String {
    let none = |_: &str| None;
    let mut ctx = Ctx {
        binds: BindMode::Positional,
        next_bind: 0,
        user,
        locals: &none,
    };
    rewrite::rewrite(toks, &mut ctx)
}

/// A trigger's error fails the statement, as Oracle reports it.
fn wrap(e: SqlError, t: &Trigger) -> SqlError {
    SqlError {
        message: format!(
            "{}\nORA-04088: error during execution of trigger '{}.{}'",
            e.message, t.owner, t.name
        ),
        ..e
    }
}

impl Session {
    /// The table `p` writes and its triggers for that event; `None` when
    /// it fires none (the usual path runs it).
    pub(crate) fn row_triggers(&mut self, p: &Prepared) -> Result<Option<Target>, SqlError> {
        self.triggers_for(&p.toks)
    }

    /// PL/SQL runs its DML without this module: a statement that would fire
    /// triggers is refused there rather than run without them.
    pub(crate) fn refuse_triggered_dml(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        match self.triggers_for(toks)? {
            Some(_) => Err(unsupported(
                "DML in PL/SQL on a table with triggers (run it as a SQL statement)",
            )),
            None => Ok(()),
        }
    }

    fn triggers_for(&mut self, toks: &[Token]) -> Result<Option<Target>, SqlError> {
        // Cheap checks first: statements on tables without triggers pay only these.
        if self.no_triggers() {
            return Ok(None);
        }
        let (event, at) = match word_at(toks, 0).as_str() {
            "MERGE" if word_at(toks, 1) == "INTO" => ("MERGE", 2),
            "INSERT" if word_at(toks, 1) == "INTO" => ("INSERT", 2),
            "UPDATE" => ("UPDATE", 1),
            "DELETE" if word_at(toks, 1) == "FROM" => ("DELETE", 2),
            _ => return Ok(None),
        };
        let Ok((owner, table, _)) = super::super::schemas::qualified_name(toks, at) else {
            return Ok(None);
        };
        if !self.triggers.by_table.keys().any(|(_, t)| *t == table) {
            return Ok(None);
        }
        let Ok((_, named)) = collapse_name(toks, at) else {
            return Ok(None);
        };
        let schema = self.table_schema(owner, &table)?;
        let mut triggers = self.table_triggers(&schema, &table);
        if event == "MERGE" && !triggers.is_empty() {
            return Err(unsupported("MERGE into a table with triggers"));
        }
        triggers.retain(|t| t.events.iter().any(|e| e == event));
        if event == "UPDATE" {
            let set = set_columns(&named);
            triggers.retain(|t| t.of_cols.is_empty() || t.of_cols.iter().any(|c| set.contains(c)));
        }
        if triggers.is_empty() {
            return Ok(None);
        }
        let alias = named
            .get(at + 1)
            .filter(|t| {
                ![
                    "VALUES",
                    "SELECT",
                    "WITH",
                    "SET",
                    "WHERE",
                    "RETURNING",
                    "RETURN",
                ]
                .iter()
                .any(|w| t.is_word(w))
            })
            .and_then(Token::ident);
        let columns = self.table_columns(&schema, &table);
        Ok(Some(Target {
            schema,
            table,
            alias,
            columns,
            triggers,
        }))
    }

    /// True when no trigger exists at all (the common case).
    fn no_triggers(&mut self) -> bool {
        let _ = self.table_triggers("", "");
        self.triggers.by_table.is_empty()
    }

    fn table_columns(&self, schema: &str, table: &str) -> Vec<(String, ColumnInfo)> {
        let sql = format!("PRAGMA {}.table_info({})", quote(schema), quote(table));
        let Ok(mut stmt) = self.conn.prepare(&sql) else {
            return Vec::new();
        };
        stmt.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .map(|it| {
                it.filter_map(Result::ok)
                    .map(|(name, decl)| {
                        let info = from_decl(&decl)
                            .map(|(c, _)| c)
                            .unwrap_or_else(|| super::super::describe::char_column(4000, 4000));
                        (name.clone(), ColumnInfo { name, ..info })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn compile(&mut self, target: &Target, before: bool) -> Result<Vec<Compiled>, SqlError> {
        let names: Vec<String> = target.columns.iter().map(|(n, _)| n.clone()).collect();
        let mut out = Vec::new();
        for t in target.triggers.iter().filter(|t| t.before == before) {
            let mut text = bind_pseudo_records(&t.body, &names, true).map_err(|e| wrap(e, t))?;
            if let Some(w) = &t.when {
                let cond = bind_pseudo_records(w, &names, false).map_err(|e| wrap(e, t))?;
                text = format!("BEGIN IF ({cond}) THEN {text} END IF; END;");
            }
            let block = self.prepare(&text).map_err(|e| wrap(e, t))?;
            if block.kind != StmtKind::PlSql {
                return Err(wrap(err(6550, "trigger body is not a PL/SQL block"), t));
            }
            let binds = block
                .bind_names
                .iter()
                .map(|b| {
                    let b = b.to_ascii_uppercase();
                    let (new, k) = match b.split_once('_') {
                        Some(("NEW", k)) => (true, k),
                        Some(("OLD", k)) => (false, k),
                        _ => (true, ""),
                    };
                    k.parse::<usize>().map(|k| (new, k)).map_err(|_| {
                        wrap(err(6550, &format!("PLS-00049: bad bind variable '{b}'")), t)
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Compiled {
                trigger: t.clone(),
                block,
                binds,
            });
        }
        Ok(out)
    }

    /// Runs `compiled` for one row; BEFORE triggers may change `new`.
    pub(super) fn fire(
        &mut self,
        compiled: &[Compiled],
        new: &mut [Value],
        old: &[Value],
    ) -> Result<(), SqlError> {
        for c in compiled {
            let values: Vec<Value> = c
                .binds
                .iter()
                .map(|&(is_new, k)| {
                    let row: &[Value] = if is_new { new } else { old };
                    row.get(k).cloned().unwrap_or(Value::Null)
                })
                .collect();
            let out = self
                .run_plsql(&c.block, &values)
                .map_err(|e| wrap(e, &c.trigger))?;
            let Outcome::PlSql { out } = out else {
                continue;
            };
            if !c.trigger.before {
                continue;
            }
            for (i, &(is_new, k)) in c.binds.iter().enumerate() {
                if is_new && c.block.plsql_dirs.get(i).is_some_and(|d| *d != BindDir::In) {
                    if let (Some(slot), Some(v)) = (new.get_mut(k), out.get(i)) {
                        *slot = v.clone();
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn row_by_rowid(
        &self,
        target: &Target,
        rowid: &Sql,
    ) -> Result<Vec<Value>, SqlError> {
        let cols: Vec<String> = target.columns.iter().map(|(n, _)| quote(n)).collect();
        let sql = format!(
            "SELECT {} FROM {}.{} WHERE rowid = ?1",
            cols.join(", "),
            quote(&target.schema),
            quote(&target.table)
        );
        let map = |e: rusqlite::Error| errors::map(&e, &[], &self.user);
        let mut stmt = self.conn.prepare_cached(&sql).map_err(map)?;
        stmt.query_row([rowid], |r| {
            Ok((0..target.columns.len())
                .map(|k| to_value(r.get_ref(k).unwrap_or(ValueRef::Null), &target.columns[k].1))
                .collect())
        })
        .map_err(map)
    }

    /// Rows of `SELECT …` (SQLite text) with `params`.
    pub(super) fn sql_rows(
        &self,
        sql: &str,
        params: &[Sql],
        toks: &[Token],
    ) -> Result<Vec<Vec<Sql>>, SqlError> {
        let map = |e: rusqlite::Error| errors::map(&e, toks, &self.user);
        let mut stmt = self.conn.prepare(sql).map_err(map)?;
        let n = stmt.column_count();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                Ok((0..n)
                    .map(|k| r.get_ref(k).map(Sql::from).unwrap_or(Sql::Null))
                    .collect())
            })
            .map_err(map)?;
        rows.collect::<Result<Vec<Vec<Sql>>, _>>().map_err(map)
    }

    /// The statement `p` on `target`, firing its triggers row by row.
    pub(crate) fn run_dml_fired(
        &mut self,
        p: &Prepared,
        binds: &[Value],
        target: Target,
    ) -> Result<Outcome, SqlError> {
        if !p.returning.is_empty() && p.reread.is_none() {
            return Err(unsupported(
                "RETURNING these expressions from a table with triggers",
            ));
        }
        let params: Vec<Sql> = binds
            .iter()
            .enumerate()
            .filter(|(i, _)| !p.returning.contains(i))
            .map(|(_, v)| to_sql(v))
            .collect();
        let before = self.compile(&target, true)?;
        let after = self.compile(&target, false)?;
        let rowids = match word_at(&p.toks, 0).as_str() {
            "INSERT" => self.insert_fired(p, &params, &target, &before, &after)?,
            "UPDATE" => self.update_fired(p, &params, &target, &before, &after)?,
            _ => self.delete_fired(p, &params, &target, &before, &after)?,
        };
        let mut returning: Vec<Vec<Value>> = vec![Vec::new(); p.returning.len()];
        if let Some(reread) = &p.reread {
            let map = |e: rusqlite::Error| errors::map(&e, &p.toks, &self.user);
            let mut stmt = self.conn.prepare_cached(reread).map_err(map)?;
            for rowid in &rowids {
                let mut rows = stmt.query([rowid]).map_err(map)?;
                match rows.next().map_err(map)? {
                    Some(r) => push_returned(&mut returning, r, p.returning.len()),
                    None => returning.iter_mut().for_each(|o| o.push(Value::Null)),
                }
            }
        }
        Ok(Outcome::Dml {
            row_count: rowids.len() as u64,
            returning,
        })
    }

    /// `rowid` and the columns of the rows an UPDATE or DELETE matches.
    fn matched_rows(
        &mut self,
        p: &Prepared,
        params: &[Sql],
        target: &Target,
    ) -> Result<Vec<(Sql, Vec<Value>)>, SqlError> {
        let toks = &p.toks;
        let start = if word_at(toks, 0) == "UPDATE" { 1 } else { 2 };
        let end = top(toks, start, &["RETURNING", "RETURN"]).unwrap_or(toks.len());
        let (where_sql, skip) = match top(toks, start, &["WHERE"]).filter(|w| *w < end) {
            Some(w) => {
                let skip = toks[..w]
                    .iter()
                    .filter(|t| matches!(t.tok, Tok::Bind(_)))
                    .count();
                (positional(&toks[w..end], &self.user.clone()), skip)
            }
            None => (String::new(), 0),
        };
        let cols: Vec<String> = target.columns.iter().map(|(n, _)| quote(n)).collect();
        let alias = target.alias.as_deref().map(quote).unwrap_or_default();
        let sql = format!(
            "SELECT rowid, {} FROM {}.{} {alias} {where_sql}",
            cols.join(", "),
            quote(&target.schema),
            quote(&target.table)
        );
        let rows = self.sql_rows(&sql, params.get(skip..).unwrap_or(&[]), toks)?;
        Ok(rows
            .into_iter()
            .map(|mut r| {
                let rowid = r.remove(0);
                let values = r
                    .iter()
                    .zip(&target.columns)
                    .map(|(v, (_, c))| to_value(ValueRef::from(v), c))
                    .collect();
                (rowid, values)
            })
            .collect())
    }

    fn update_fired(
        &mut self,
        p: &Prepared,
        params: &[Sql],
        target: &Target,
        before: &[Compiled],
        after: &[Compiled],
    ) -> Result<Vec<Sql>, SqlError> {
        let old_rows = self.matched_rows(p, params, target)?;
        {
            let map = |e: rusqlite::Error| errors::map(&e, &p.toks, &self.user);
            let mut stmt = self.conn.prepare_cached(&p.translated).map_err(map)?;
            if p.reread.is_some() {
                let mut rows = stmt
                    .query(rusqlite::params_from_iter(params.iter()))
                    .map_err(map)?;
                while rows.next().map_err(map)?.is_some() {}
            } else {
                stmt.execute(rusqlite::params_from_iter(params.iter()))
                    .map_err(map)?;
            }
        }
        let mut rowids = Vec::with_capacity(old_rows.len());
        for (rowid, old) in old_rows {
            let mut new = self.row_by_rowid(target, &rowid)?;
            let updated = new.clone();
            self.fire(before, &mut new, &old)?;
            let changed: Vec<usize> = (0..new.len()).filter(|&k| new[k] != updated[k]).collect();
            if !changed.is_empty() {
                let sets: Vec<String> = changed
                    .iter()
                    .enumerate()
                    .map(|(n, &k)| format!("{} = ?{}", quote(&target.columns[k].0), n + 2))
                    .collect();
                let sql = format!(
                    "UPDATE {}.{} SET {} WHERE rowid = ?1",
                    quote(&target.schema),
                    quote(&target.table),
                    sets.join(", ")
                );
                let mut values = vec![rowid.clone()];
                values.extend(changed.iter().map(|&k| to_sql(&new[k])));
                self.conn
                    .execute(&sql, rusqlite::params_from_iter(values.iter()))
                    .map_err(|e| errors::map(&e, &p.toks, &self.user))?;
            }
            if !after.is_empty() {
                let mut stored = self.row_by_rowid(target, &rowid)?;
                self.fire(after, &mut stored, &old)?;
            }
            rowids.push(rowid);
        }
        Ok(rowids)
    }

    fn delete_fired(
        &mut self,
        p: &Prepared,
        params: &[Sql],
        target: &Target,
        before: &[Compiled],
        after: &[Compiled],
    ) -> Result<Vec<Sql>, SqlError> {
        let old_rows = self.matched_rows(p, params, target)?;
        let sql = format!(
            "DELETE FROM {}.{} WHERE rowid = ?1",
            quote(&target.schema),
            quote(&target.table)
        );
        let width = target.columns.len();
        let mut rowids = Vec::with_capacity(old_rows.len());
        for (rowid, old) in old_rows {
            let mut none = vec![Value::Null; width];
            self.fire(before, &mut none, &old)?;
            self.conn
                .execute(&sql, [&rowid])
                .map_err(|e| errors::map(&e, &p.toks, &self.user))?;
            self.fire(after, &mut none, &old)?;
            rowids.push(rowid);
        }
        Ok(rowids)
    }
}

/// The columns an UPDATE's SET assigns (`col =` at the SET's level).
fn set_columns(toks: &[Token]) -> Vec<String> {
    let Some(set) = top(toks, 0, &["SET"]) else {
        return Vec::new();
    };
    let end = top(toks, set, &["WHERE", "RETURNING", "RETURN"]).unwrap_or(toks.len());
    let mut out = Vec::new();
    let mut depth = 0i32;
    for k in set + 1..end {
        let t = &toks[k];
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        }
        let before_eq = toks
            .get(k + 1)
            .is_some_and(|n| n.is_op("=") || n.is_op(",") || n.is_op(")"));
        let starts = k == set + 1
            || toks[k - 1].is_op(",")
            || toks[k - 1].is_op("(")
            || toks[k - 1].is_op(".");
        if depth <= 1 && before_eq && starts {
            if let Some(c) = t.ident() {
                out.push(c);
            }
        }
    }
    out
}
