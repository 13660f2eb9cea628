//! Row-level triggers: CREATE [OR REPLACE] TRIGGER … {BEFORE|AFTER}
//! {INSERT|UPDATE [OF cols]|DELETE} [OR …] ON table FOR EACH ROW [WHEN (…)]
//! block, DROP TRIGGER, ALTER TRIGGER … ENABLE/DISABLE, and USER_/ALL_TRIGGERS.
//! Kept in SYS."ORA$TRIGGERS" so every session sees them; the PL/SQL
//! interpreter runs the block for each row a statement touches (fire.rs).
//! What the engine cannot run (statement-level, INSTEAD OF, compound,
//! REFERENCING) is refused with ORA-03001 naming it, never ignored.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rusqlite::types::Value as Sql;

use super::errors::{self, err};
use super::lexer::{Tok, Token};
use super::{Prepared, Session, SqlError};

mod fire;
mod insert;

const TABLE: &str = "SYS.\"ORA$TRIGGERS\"";
const VC128: &str = "TEXT_VC_128_128";
const VC4000: &str = "TEXT_VC_4000_4000";

pub const USER_TRIGGERS: &[(&str, &str)] = &[
    ("TRIGGER_NAME", VC128),
    ("TRIGGER_TYPE", VC128),
    ("TRIGGERING_EVENT", VC128),
    ("TABLE_OWNER", VC128),
    ("BASE_OBJECT_TYPE", VC128),
    ("TABLE_NAME", VC128),
    ("COLUMN_NAME", VC4000),
    ("WHEN_CLAUSE", VC4000),
    ("STATUS", VC128),
    ("ACTION_TYPE", VC128),
    ("TRIGGER_BODY", VC4000),
];

pub const ALL_TRIGGERS: &[(&str, &str)] = &[
    ("OWNER", VC128),
    ("TRIGGER_NAME", VC128),
    ("TRIGGER_TYPE", VC128),
    ("TRIGGERING_EVENT", VC128),
    ("TABLE_OWNER", VC128),
    ("BASE_OBJECT_TYPE", VC128),
    ("TABLE_NAME", VC128),
    ("COLUMN_NAME", VC4000),
    ("WHEN_CLAUSE", VC4000),
    ("STATUS", VC128),
    ("ACTION_TYPE", VC128),
    ("TRIGGER_BODY", VC4000),
];

/// One stored row trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub owner: String,
    pub name: String,
    pub table_owner: String,
    pub table: String,
    pub before: bool,
    /// "INSERT", "UPDATE", "DELETE" it fires on.
    pub events: Vec<String>,
    /// UPDATE OF these columns only (empty: any).
    pub of_cols: Vec<String>,
    pub when: Option<String>,
    /// The PL/SQL block, as written.
    pub body: String,
    pub enabled: bool,
}

/// The triggers of every table, read again after any DDL.
#[derive(Default)]
pub struct Cache {
    generation: Option<u64>,
    by_table: HashMap<(String, String), Vec<Arc<Trigger>>>,
}

fn unsupported(what: &str) -> SqlError {
    err(
        3001,
        &format!("unimplemented feature: {what} (the test server runs row-level triggers only)"),
    )
}

/// `[schema .] name` at `i`: (schema, name, index after).
fn name_at(toks: &[Token], i: usize) -> Result<(Option<String>, String, usize), SqlError> {
    super::schemas::qualified_name(toks, i)
}

/// Parses CREATE TRIGGER `toks` (its source `sql`) from the TRIGGER word at `at`.
pub fn parse(toks: &[Token], sql: &str, at: usize, schema: &str) -> Result<Trigger, SqlError> {
    let w = |i: usize| toks.get(i).and_then(Token::ident).unwrap_or_default();
    let (owner, name, mut i) = name_at(toks, at + 1)?;
    let before = match w(i).as_str() {
        "BEFORE" => true,
        "AFTER" => false,
        "INSTEAD" => return Err(unsupported("INSTEAD OF triggers")),
        "FOR" => return Err(unsupported("compound triggers")),
        _ => return Err(err(969, "missing ON keyword")),
    };
    i += 1;
    let (mut events, mut of_cols) = (Vec::new(), Vec::new());
    loop {
        let e = w(i);
        if !matches!(e.as_str(), "INSERT" | "UPDATE" | "DELETE") {
            return Err(err(969, "missing ON keyword"));
        }
        i += 1;
        if e == "UPDATE" && w(i) == "OF" {
            i += 1;
            while let Some(c) = toks.get(i).and_then(Token::ident) {
                if c == "ON" || c == "OR" {
                    break;
                }
                of_cols.push(c);
                i += 1;
                if toks.get(i).is_some_and(|t| t.is_op(",")) {
                    i += 1;
                }
            }
        }
        events.push(e);
        if w(i) == "OR" {
            i += 1;
            continue;
        }
        break;
    }
    if w(i) != "ON" {
        return Err(err(969, "missing ON keyword"));
    }
    let (table_owner, table, next) = name_at(toks, i + 1)?;
    i = next;
    if w(i) == "REFERENCING" {
        return Err(unsupported("the REFERENCING clause"));
    }
    if !(w(i) == "FOR" && w(i + 1) == "EACH" && w(i + 2) == "ROW") {
        return Err(unsupported("statement-level triggers (no FOR EACH ROW)"));
    }
    i += 3;
    if matches!(w(i).as_str(), "FOLLOWS" | "PRECEDES") {
        return Err(unsupported("FOLLOWS / PRECEDES"));
    }
    let mut enabled = true;
    if matches!(w(i).as_str(), "ENABLE" | "DISABLE") {
        enabled = w(i) == "ENABLE";
        i += 1;
    }
    let mut when = None;
    if w(i) == "WHEN" {
        if !toks.get(i + 1).is_some_and(|t| t.is_op("(")) {
            return Err(err(906, "missing left parenthesis"));
        }
        let mut depth = 0;
        let close = (i + 1..toks.len()).find(|&k| {
            if toks[k].is_op("(") {
                depth += 1;
            } else if toks[k].is_op(")") {
                depth -= 1;
            }
            depth == 0
        });
        let close = close.ok_or_else(|| err(907, "missing right parenthesis"))?;
        when = Some(
            sql[toks[i + 2].pos.min(toks[close].pos)..toks[close].pos]
                .trim()
                .to_string(),
        );
        i = close + 1;
    }
    if !matches!(w(i).as_str(), "DECLARE" | "BEGIN") {
        return Err(unsupported("a trigger body other than a PL/SQL block"));
    }
    let body = sql[toks[i].pos..]
        .trim_end()
        .trim_end_matches('/')
        .trim_end();
    let schema = schema.to_string();
    Ok(Trigger {
        owner: owner.unwrap_or_else(|| schema.clone()),
        name,
        table_owner: table_owner.unwrap_or(schema),
        table,
        before,
        events,
        of_cols,
        when,
        body: body.to_string(),
        enabled,
    })
}

impl Session {
    /// CREATE/DROP/ALTER TRIGGER; `None` for any other DDL. DROP TABLE
    /// drops the table's triggers and then runs as usual (`None`).
    pub(super) fn trigger_ddl(&mut self, p: &Prepared) -> Option<Result<(), SqlError>> {
        let toks = &p.toks;
        let w = |i: usize| toks.get(i).and_then(Token::ident).unwrap_or_default();
        let out = match (w(0).as_str(), w(1).as_str()) {
            ("CREATE", _) => {
                let replace = w(1) == "OR" && w(2) == "REPLACE";
                let mut at = if replace { 3 } else { 1 };
                while matches!(w(at).as_str(), "EDITIONABLE" | "NONEDITIONABLE") {
                    at += 1;
                }
                if w(at) != "TRIGGER" {
                    return None;
                }
                let schema = self.schema();
                parse(toks, &p.sql, at, &schema).and_then(|t| self.store_trigger(&t, replace))
            }
            ("DROP", "TRIGGER") => name_at(toks, 2).and_then(|(owner, name, _)| {
                let owner = owner.unwrap_or_else(|| self.schema());
                self.change_trigger(
                    &owner,
                    &name,
                    "DELETE FROM {T} WHERE owner = ?1 AND name = ?2",
                )
            }),
            ("ALTER", "TRIGGER") => name_at(toks, 2).and_then(|(owner, name, next)| {
                let owner = owner.unwrap_or_else(|| self.schema());
                let sql = match w(next).as_str() {
                    "ENABLE" => "UPDATE {T} SET enabled = 1 WHERE owner = ?1 AND name = ?2",
                    "DISABLE" => "UPDATE {T} SET enabled = 0 WHERE owner = ?1 AND name = ?2",
                    _ => return Err(unsupported("ALTER TRIGGER other than ENABLE / DISABLE")),
                };
                self.change_trigger(&owner, &name, sql)
            }),
            ("DROP", "TABLE") => {
                if let Ok((owner, table, _)) = name_at(toks, 2) {
                    let owner = owner.unwrap_or_else(|| self.schema());
                    let sql =
                        format!("DELETE FROM {TABLE} WHERE table_owner = ?1 AND table_name = ?2");
                    let _ = self.conn.execute(&sql, [&owner, &table]);
                }
                return None;
            }
            _ => return None,
        };
        // Statements cached triggers by DDL generation: they look again.
        self.db.ddl_generation.fetch_add(1, Ordering::AcqRel);
        Some(out)
    }

    fn ensure_trigger_table(&mut self) -> Result<(), SqlError> {
        self.exec_sql(
            &format!(
                "CREATE TABLE IF NOT EXISTS {TABLE} (owner TEXT NOT NULL, name TEXT NOT NULL, \
                 table_owner TEXT NOT NULL, table_name TEXT NOT NULL, before INTEGER NOT NULL, \
                 events TEXT NOT NULL, of_cols TEXT NOT NULL, when_clause TEXT, body TEXT NOT NULL, \
                 enabled INTEGER NOT NULL, PRIMARY KEY (owner, name))"
            ),
            &[],
        )
    }

    fn store_trigger(&mut self, t: &Trigger, replace: bool) -> Result<(), SqlError> {
        self.ensure_trigger_table()?;
        let table_schema = self.table_schema(Some(t.table_owner.clone()), &t.table)?;
        if !self.has_object(&table_schema, &t.table) {
            return Err(err(942, "table or view does not exist"));
        }
        let exists = self
            .conn
            .query_row(
                &format!("SELECT 1 FROM {TABLE} WHERE owner = ?1 AND name = ?2"),
                [&t.owner, &t.name],
                |_| Ok(()),
            )
            .is_ok();
        if exists && !replace {
            return Err(err(4081, &format!("trigger '{}' already exists", t.name)));
        }
        self.conn
            .execute(
                &format!(
                    "INSERT OR REPLACE INTO {TABLE} (owner, name, table_owner, table_name, before, \
                     events, of_cols, when_clause, body, enabled) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                ),
                rusqlite::params![
                    t.owner,
                    t.name,
                    t.table_owner,
                    t.table,
                    t.before,
                    t.events.join(" OR "),
                    t.of_cols.join(","),
                    t.when,
                    t.body,
                    t.enabled
                ],
            )
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        Ok(())
    }

    /// Runs `sql` (`{T}`: the trigger table) on one trigger; ORA-04080 when there is none.
    fn change_trigger(&mut self, owner: &str, name: &str, sql: &str) -> Result<(), SqlError> {
        self.commit()?;
        let missing = || err(4080, &format!("trigger '{name}' does not exist"));
        let n = self
            .conn
            .execute(&sql.replace("{T}", TABLE), [owner, name])
            .map_err(|_| missing())?;
        if n == 0 {
            return Err(missing());
        }
        Ok(())
    }

    /// Every stored trigger (none when the table was never created).
    fn all_triggers(&self) -> Vec<Trigger> {
        let sql = format!(
            "SELECT owner, name, table_owner, table_name, before, events, of_cols, when_clause, \
             body, enabled FROM {TABLE} ORDER BY owner, name"
        );
        let Ok(mut stmt) = self.conn.prepare(&sql) else {
            return Vec::new();
        };
        let split = |s: String, sep: &str| -> Vec<String> {
            s.split(sep)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        stmt.query_map([], |r| {
            Ok(Trigger {
                owner: r.get(0)?,
                name: r.get(1)?,
                table_owner: r.get(2)?,
                table: r.get(3)?,
                before: r.get(4)?,
                events: split(r.get(5)?, " OR "),
                of_cols: split(r.get(6)?, ","),
                when: r.get(7)?,
                body: r.get(8)?,
                enabled: r.get(9)?,
            })
        })
        .map(|it| it.filter_map(Result::ok).collect())
        .unwrap_or_default()
    }

    /// The enabled triggers of `schema.table`, from the cache (read again after DDL).
    pub(super) fn table_triggers(&mut self, schema: &str, table: &str) -> Vec<Arc<Trigger>> {
        let now = self.db.ddl_generation.load(Ordering::Acquire);
        if self.triggers.generation != Some(now) {
            let mut by_table: HashMap<(String, String), Vec<Arc<Trigger>>> = HashMap::new();
            for t in self.all_triggers().into_iter().filter(|t| t.enabled) {
                by_table
                    .entry((t.table_owner.clone(), t.table.clone()))
                    .or_default()
                    .push(Arc::new(t));
            }
            self.triggers = Cache {
                generation: Some(now),
                by_table,
            };
        }
        if self.triggers.by_table.is_empty() {
            return Vec::new();
        }
        self.triggers
            .by_table
            .get(&(schema.to_string(), table.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    /// USER_TRIGGERS rows, or with `all` ALL_TRIGGERS rows.
    pub(super) fn trigger_rows(&mut self, all: bool) -> Vec<Vec<Sql>> {
        let me = self.schema();
        let t = |s: &str| Sql::Text(s.to_string());
        self.all_triggers()
            .into_iter()
            .filter(|tr| all || tr.owner == me)
            .map(|tr| {
                let timing = if tr.before {
                    "BEFORE EACH ROW"
                } else {
                    "AFTER EACH ROW"
                };
                let mut row = vec![
                    t(&tr.name),
                    t(timing),
                    t(&tr.events.join(" OR ")),
                    t(&tr.table_owner),
                    t("TABLE"),
                    t(&tr.table),
                    if tr.of_cols.is_empty() {
                        Sql::Null
                    } else {
                        t(&tr.of_cols.join(","))
                    },
                    tr.when.as_deref().map_or(Sql::Null, t),
                    t(if tr.enabled { "ENABLED" } else { "DISABLED" }),
                    t("PL/SQL"),
                    t(&tr.body),
                ];
                if all {
                    row.insert(0, t(&tr.owner));
                }
                row
            })
            .collect()
    }
}

/// `:new.col` / `:old.col` (and in a WHEN condition `new.col`) rewritten
/// to the binds `:NEW_k` / `:OLD_k`, k the column's place in `columns`;
/// PLS-00049 for a column the table does not have.
pub fn bind_pseudo_records(src: &str, columns: &[String], colon: bool) -> Result<String, SqlError> {
    let toks = super::lexer::tokenize(src).map_err(|e| err(6550, &e.message))?;
    let mut out = String::with_capacity(src.len());
    let mut copied = 0;
    for (i, t) in toks.iter().enumerate() {
        let record = match &t.tok {
            Tok::Bind(b) if colon => b.to_ascii_uppercase(),
            Tok::Word(w) if !colon => w.to_ascii_uppercase(),
            _ => continue,
        };
        if !(record == "NEW" || record == "OLD") || !toks.get(i + 1).is_some_and(|d| d.is_op(".")) {
            continue;
        }
        // In a WHEN condition, `x.new.y` is not the record.
        if !colon && i > 0 && toks[i - 1].is_op(".") {
            continue;
        }
        let Some(col_tok) = toks.get(i + 2) else {
            continue;
        };
        let (col, len) = match &col_tok.tok {
            Tok::Word(w) => (w.to_ascii_uppercase(), w.len()),
            Tok::Quoted(q) => (q.clone(), q.len() + 2 + q.matches('"').count()),
            _ => continue,
        };
        let Some(k) = columns.iter().position(|c| *c == col) else {
            return Err(err(
                6550,
                &format!("PLS-00049: bad bind variable '{record}.{col}'"),
            ));
        };
        out.push_str(&src[copied..t.pos]);
        out.push_str(&format!(":{record}_{k}"));
        copied = col_tok.pos + len;
    }
    out.push_str(&src[copied..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    #[test]
    fn parses_knex_autoincrement_trigger() {
        let sql = "create or replace trigger \"t_autoinc_trg\" BEFORE INSERT on \"t\" for each row \
                   declare checking number := 1; begin if (:new.\"id\" is null) then null; end if; end;";
        let toks = tokenize(sql).unwrap();
        let t = parse(&toks, sql, 3, "SCOTT").unwrap();
        assert_eq!(
            (t.owner.as_str(), t.name.as_str()),
            ("SCOTT", "t_autoinc_trg")
        );
        assert_eq!((t.table.as_str(), t.before), ("t", true));
        assert_eq!(t.events, ["INSERT"]);
        assert!(t.body.starts_with("declare checking"), "{}", t.body);
    }

    #[test]
    fn parses_events_of_columns_and_when() {
        let sql = "create trigger s.trg after update of a, b or delete on s.t for each row \
                   when (new.a > 0) begin null; end;";
        let toks = tokenize(sql).unwrap();
        let t = parse(&toks, sql, 1, "SCOTT").unwrap();
        assert_eq!(t.events, ["UPDATE", "DELETE"]);
        assert_eq!(t.of_cols, ["A", "B"]);
        assert_eq!(t.when.as_deref(), Some("new.a > 0"));
        assert_eq!((t.table_owner.as_str(), t.before), ("S", false));
    }

    #[test]
    fn refuses_what_it_cannot_run() {
        for (sql, what) in [
            ("create trigger x after insert on t begin null; end;", "statement-level"),
            ("create trigger x instead of insert on v for each row begin null; end;", "INSTEAD OF"),
            (
                "create trigger x before insert on t referencing new as n for each row begin null; end;",
                "REFERENCING",
            ),
        ] {
            let toks = tokenize(sql).unwrap();
            let e = parse(&toks, sql, 1, "SCOTT").unwrap_err();
            assert_eq!(e.code, 3001);
            assert!(e.message.contains(what), "{}", e.message);
        }
    }

    #[test]
    fn pseudo_records_become_binds() {
        let cols = vec!["id".to_string(), "NAME".to_string()];
        assert_eq!(
            bind_pseudo_records("begin :new.\"id\" := :old.name; end;", &cols, true).unwrap(),
            "begin :NEW_0 := :OLD_1; end;"
        );
        assert_eq!(
            bind_pseudo_records("new.\"id\" is null", &cols, false).unwrap(),
            ":NEW_0 is null"
        );
        let e = bind_pseudo_records("begin :new.x := 1; end;", &cols, true).unwrap_err();
        assert!(e.message.contains("PLS-00049"), "{}", e.message);
    }
}
