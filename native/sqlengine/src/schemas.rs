//! Users' schemas. Each schema is a SQLite file of its own in the data
//! directory, ATTACHed to a session's connection under the schema's name, so
//! `schema.table` and `schema.table.column` resolve in SQLite itself. SYS's
//! schema is `oradb.sqlite` (DUAL, stored code, synonyms, and the tables of
//! data directories written before schemas existed).
//!
//! A connection's `main` is an empty in-memory database: every CREATE is
//! qualified with its schema, and unqualified names resolve, in SQLite's
//! search order, in TEMP (the dictionary views), then the current schema
//! (attached first), then SYS (attached second). Other schemas are attached
//! on first mention (SQLite allows 10 attached databases per connection);
//! the authorizer keeps an unqualified name from reaching them (ORA-00942,
//! as in Oracle, where another user's table needs its owner or a synonym).

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::Connection;

use super::errors::{self, err};
use super::lexer::{Tok, Token};
use super::{Database, Session, SqlError};

/// SQLite's compiled-in limit of attached databases.
const MAX_ATTACHED: usize = 10;

/// Tables of SYS's schema that are the engine's own bookkeeping.
pub(crate) fn is_internal(table: &str) -> bool {
    table == "DUAL" || table.starts_with("ORA$") || table.starts_with("sqlite_")
}

/// A schema name as a file-name part: letters, digits and `_` kept, every
/// other byte as `%XX`, so any quoted user name maps to one file.
fn file_part(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The schemas a connection may read without naming them, and those the
/// running statement names, for the authorizer.
#[derive(Default)]
pub(crate) struct Visible {
    pub current: String,
    pub named: HashSet<String>,
}

impl Database {
    pub(crate) fn schema_file(&self, schema: &str) -> PathBuf {
        if schema == "SYS" {
            self.path.clone()
        } else {
            self.dir
                .join(format!("schema_{}.sqlite", file_part(schema)))
        }
    }

    /// Creates the schema's file in WAL mode, once per process (the journal
    /// mode cannot change inside a session's transaction), and gives tables
    /// of an older data directory their type checks (column_check.rs).
    pub(crate) fn prepare_schema_file(&self, schema: &str) -> Result<(), SqlError> {
        let mut done = self
            .wal_ready
            .lock()
            .map_err(|_| err(600, "internal error code, arguments: [schemas]"))?;
        if done.contains(schema) {
            return Ok(());
        }
        let conn = Connection::open(self.schema_file(schema))
            .map_err(|e| err(1157, &format!("cannot identify/lock data file - {e}")))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| errors::map(&e, &[], "SYS"))?;
        conn.execute_batch("PRAGMA journal_mode=WAL;")
            .map_err(|e| errors::map(&e, &[], "SYS"))?;
        super::column_check::install_missing(&conn).map_err(|e| errors::map(&e, &[], "SYS"))?;
        done.insert(schema.to_string());
        Ok(())
    }

    /// Every schema: SYS and each user's.
    pub(crate) fn schemas(&self) -> Vec<String> {
        let mut v = vec!["SYS".to_string()];
        for u in self.directory.users() {
            if !v.contains(&u) {
                v.push(u);
            }
        }
        v
    }
}

/// Denies reading or writing a table of a schema the statement neither
/// names nor resolves unqualified (TEMP, `main`, current schema, SYS).
pub(crate) fn install_authorizer(conn: &Connection, visible: Arc<Mutex<Visible>>) {
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        let table = match ctx.action {
            AuthAction::Read { table_name, .. }
            | AuthAction::Insert { table_name }
            | AuthAction::Update { table_name, .. }
            | AuthAction::Delete { table_name } => table_name,
            _ => return Authorization::Allow,
        };
        // The catalog: the engine's own lookups, DDL's bookkeeping.
        if table.starts_with("sqlite_") {
            return Authorization::Allow;
        }
        let db = ctx.database_name;
        let Some(db) = db else {
            return Authorization::Allow;
        };
        if ctx.accessor.is_some() || matches!(db, "main" | "temp" | "SYS") {
            return Authorization::Allow;
        }
        let ok = visible
            .lock()
            .map(|v| v.current.eq_ignore_ascii_case(db) || v.named.contains(db))
            .unwrap_or(true);
        if ok {
            Authorization::Allow
        } else {
            Authorization::Deny
        }
    }));
}

/// Schema-qualified names `S . X` in `toks` (S not itself after a dot).
pub(crate) fn qualifiers(toks: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if i > 0 && toks[i - 1].is_op(".") {
            continue;
        }
        if !toks.get(i + 1).is_some_and(|t| t.is_op("."))
            || toks.get(i + 2).is_none_or(|t| t.ident().is_none())
        {
            continue;
        }
        if let Some(s) = toks[i].ident() {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// `[schema .] name` at `i`: (schema, name, index after).
pub(crate) fn qualified_name(
    toks: &[Token],
    i: usize,
) -> Result<(Option<String>, String, usize), SqlError> {
    let id = |k: usize| {
        toks.get(k).and_then(Token::ident).ok_or_else(|| SqlError {
            offset: toks.get(k).map_or(0, |t| t.pos as u32),
            ..err(903, "invalid table name")
        })
    };
    let first = id(i)?;
    if toks.get(i + 1).is_some_and(|t| t.is_op(".")) {
        Ok((Some(first), id(i + 2)?, i + 3))
    } else {
        Ok((None, first, i + 1))
    }
}

/// `toks` with the name at `i` collapsed to one quoted token; its schema.
pub(crate) fn collapse_name(
    toks: &[Token],
    i: usize,
) -> Result<(Option<String>, Vec<Token>), SqlError> {
    let (schema, name, next) = qualified_name(toks, i)?;
    let mut out = toks[..i].to_vec();
    out.push(Token {
        tok: Tok::Quoted(name),
        pos: toks[i].pos,
    });
    out.extend_from_slice(&toks[next..]);
    Ok((schema, out))
}

impl Session {
    /// The current schema (ALTER SESSION SET CURRENT_SCHEMA), where
    /// unqualified names resolve and unqualified objects are created.
    pub(crate) fn schema(&self) -> String {
        self.info.attrs().schema.clone()
    }

    pub(crate) fn is_schema(&self, name: &str) -> bool {
        name == "SYS" || name == self.user || self.db.directory.users().iter().any(|u| u == name)
    }

    /// Attaches `schema`'s file under its name if not yet attached, and
    /// lets the running statement use it; ORA-01918 for a name that is no user.
    pub(crate) fn attach(&mut self, schema: &str) -> Result<(), SqlError> {
        if self.attached.iter().any(|a| a == schema) {
            if let Ok(mut v) = self.visible.lock() {
                v.named.insert(schema.to_string());
            }
            return Ok(());
        }
        if !self.is_schema(schema) {
            return Err(err(1918, &format!("user '{schema}' does not exist")));
        }
        if self.attached.len() >= MAX_ATTACHED {
            return Err(err(
                2020,
                "too many schemas in use: a session can name at most 10 schemas",
            ));
        }
        self.db.prepare_schema_file(schema)?;
        let path = self.db.schema_file(schema);
        self.conn
            .execute(
                &format!("ATTACH DATABASE ?1 AS {}", quote(schema)),
                [path.to_string_lossy()],
            )
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        let _ = self
            .conn
            .execute_batch(&format!("PRAGMA {}.synchronous=NORMAL", quote(schema)));
        self.attached.push(schema.to_string());
        if let Ok(mut v) = self.visible.lock() {
            v.named.insert(schema.to_string());
        }
        Ok(())
    }

    /// Makes the attachments follow the current schema: it first, SYS
    /// second, so unqualified names resolve there. Reordering needs a
    /// DETACH, which SQLite refuses inside a transaction: there the new
    /// schema is attached, and reordered at the next statement outside one.
    pub(crate) fn sync_schema(&mut self) -> Result<(), SqlError> {
        let cur = self.schema();
        self.schema_syncs += 1;
        if let Ok(mut v) = self.visible.lock() {
            v.current = cur.clone();
            v.named.clear();
        }
        if let Ok(mut s) = self.shared.schema.lock() {
            s.clone_from(&cur);
        }
        if self.attached.first() == Some(&cur) {
            return Ok(());
        }
        if self.in_txn || !self.conn.is_autocommit() {
            return self.attach(&cur);
        }
        self.conn.flush_prepared_statement_cache();
        for a in std::mem::take(&mut self.attached) {
            if let Err(e) = self.conn.execute_batch(&format!("DETACH {}", quote(&a))) {
                self.attached.push(a);
                return Err(errors::map(&e, &[], &self.user));
            }
        }
        self.attach(&cur)?;
        if cur != "SYS" {
            self.attach("SYS")?;
        }
        Ok(())
    }

    /// Attaches the schemas a statement names and lets the authorizer
    /// admit them.
    pub(crate) fn attach_named(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        self.sync_schema()?;
        for s in qualifiers(toks) {
            if self.is_schema(&s) {
                self.attach(&s)?;
            }
        }
        Ok(())
    }

    /// The schema holding table or view `name`: `owner` if given, else the
    /// current schema, else SYS if it has it (tables of older data
    /// directories), else the current schema (where SQLite reports it
    /// missing).
    pub(crate) fn table_schema(
        &mut self,
        owner: Option<String>,
        name: &str,
    ) -> Result<String, SqlError> {
        if let Some(o) = owner {
            self.attach(&o)
                .map_err(|_| err(942, "table or view does not exist"))?;
            return Ok(o);
        }
        let cur = self.schema();
        self.attach(&cur)?;
        if self.has_object(&cur, name) || !self.has_object("SYS", name) {
            Ok(cur)
        } else {
            Ok("SYS".into())
        }
    }

    pub(crate) fn has_object(&self, schema: &str, name: &str) -> bool {
        self.conn
            .query_row(
                &format!(
                    "SELECT 1 FROM {}.sqlite_master WHERE name = ?1 AND type IN ('table', 'view')",
                    quote(schema)
                ),
                [name],
                |_| Ok(()),
            )
            .is_ok()
    }

    /// Tables (and with `views`, views) of an attached schema, by name,
    /// without the engine's own.
    pub(crate) fn objects_of(&self, schema: &str, kinds: &str) -> Vec<String> {
        let sql = format!(
            "SELECT name FROM {}.sqlite_master WHERE type IN ({kinds}) ORDER BY name",
            quote(schema)
        );
        let Ok(mut stmt) = self.conn.prepare(&sql) else {
            return Vec::new();
        };
        stmt.query_map([], |r| r.get::<_, String>(0))
            .map(|it| {
                it.filter_map(Result::ok)
                    .filter(|n| !is_internal(n))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// DROP USER: ORA-01922 without CASCADE if the schema has objects;
    /// with it, its tables, views and sequences go.
    pub(crate) fn drop_schema(&mut self, user: &str, cascade: bool) -> Result<(), SqlError> {
        self.commit()?;
        self.attach(user)?;
        let objects = self.objects_of(user, "'table', 'view'");
        let prefix = format!("{user}.");
        let has_seq = self
            .db
            .sequences
            .list()
            .iter()
            .any(|(n, _, _)| n.starts_with(&prefix));
        if !cascade && (!objects.is_empty() || has_seq) {
            return Err(err(
                1922,
                &format!("CASCADE must be specified to drop '{user}'"),
            ));
        }
        let kinds = self.objects_with_kind(user);
        for (kind, name) in kinds {
            self.conn
                .execute_batch(&format!(
                    "DROP {kind} IF EXISTS {}.{}",
                    quote(user),
                    quote(&name)
                ))
                .map_err(|e| errors::map(&e, &[], &self.user))?;
        }
        self.db.sequences.drop_prefix(&prefix);
        Ok(())
    }

    fn objects_with_kind(&self, schema: &str) -> Vec<(String, String)> {
        let sql = format!(
            "SELECT upper(type), name FROM {}.sqlite_master \
             WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             ORDER BY type DESC",
            quote(schema)
        );
        let Ok(mut stmt) = self.conn.prepare(&sql) else {
            return Vec::new();
        };
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map(|it| it.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use oradb_protocol::value::Value;

    use crate::{Database, Outcome, Session, SqlError};

    fn run(s: &mut Session, sql: &str) -> Result<Outcome, SqlError> {
        let p = s.prepare(sql)?;
        s.execute(&p, &[])
    }

    fn rows(s: &mut Session, sql: &str) -> Vec<Vec<String>> {
        match run(s, sql).unwrap() {
            Outcome::Rows { rows, .. } => rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|v| match v {
                            Value::Number(n) | Value::Varchar(n) => n,
                            Value::Null => "NULL".into(),
                            other => format!("{other:?}"),
                        })
                        .collect()
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn code(r: Result<Outcome, SqlError>) -> u32 {
        r.err().map_or(0, |e| e.code)
    }

    fn two_users() -> (Arc<Database>, Session, Session) {
        let db = Database::open(None).unwrap();
        let mut sys = Session::open(&db, "system").unwrap();
        run(&mut sys, "create user scott identified by tiger").unwrap();
        run(&mut sys, "create user alice identified by pw").unwrap();
        let scott = Session::open(&db, "scott").unwrap();
        let alice = Session::open(&db, "alice").unwrap();
        (db, scott, alice)
    }

    #[test]
    fn each_user_has_its_own_namespace() {
        let (_db, mut scott, mut alice) = two_users();
        run(&mut scott, "create table t (x number)").unwrap();
        run(&mut scott, "insert into t values (1)").unwrap();
        run(&mut scott, "commit").unwrap();
        // The same name in another schema is another table.
        run(&mut alice, "create table t (x number, y varchar2(5))").unwrap();
        run(&mut alice, "insert into t values (2, 'a')").unwrap();
        run(&mut alice, "commit").unwrap();
        assert_eq!(rows(&mut alice, "select x from t"), [["2"]]);
        assert_eq!(rows(&mut alice, "select x from scott.t"), [["1"]]);
        assert_eq!(rows(&mut alice, "select scott.t.x from scott.t"), [["1"]]);
        // Another user's table without its owner: as in Oracle, no such table,
        // even once the schema is attached to the session.
        run(&mut scott, "create table only_scott (z number)").unwrap();
        assert_eq!(code(run(&mut alice, "select z from only_scott")), 942);
        assert_eq!(code(run(&mut alice, "select * from nobody.t")), 942);
        assert_eq!(
            rows(&mut alice, "select table_name from user_tables"),
            [["T"]]
        );
        assert_eq!(
            rows(
                &mut alice,
                "select owner, table_name from all_tables where owner <> 'SYS' order by 1, 2"
            ),
            [["ALICE", "T"], ["SCOTT", "ONLY_SCOTT"], ["SCOTT", "T"]]
        );
        assert_eq!(
            rows(
                &mut alice,
                "select owner, column_name from all_tab_columns where table_name = 'T' order by 1, 2"
            ),
            [["ALICE", "X"], ["ALICE", "Y"], ["SCOTT", "X"]]
        );
        // DUAL (SYS) resolves from every schema.
        assert_eq!(rows(&mut scott, "select dummy from dual"), [["X"]]);
    }

    #[test]
    fn qualified_ddl_dml_and_sequences() {
        let (_db, mut scott, mut alice) = two_users();
        let mut sys = Session::open(&_db, "system").unwrap();
        run(
            &mut sys,
            "create table scott.nums (id number generated always as identity, v varchar2(3) not null)",
        )
        .unwrap();
        run(&mut sys, "create index scott.nums_ix on scott.nums (v)").unwrap();
        run(&mut sys, "create sequence scott.s start with 10").unwrap();
        run(&mut sys, "insert into scott.nums (v) values ('a')").unwrap();
        assert_eq!(
            code(run(
                &mut sys,
                "insert into scott.nums (id, v) values (5, 'b')"
            )),
            32795
        );
        run(
            &mut sys,
            "update scott.nums set v = 'b' where scott.nums.id = 1",
        )
        .unwrap();
        assert_eq!(rows(&mut sys, "select scott.s.nextval from dual"), [["10"]]);
        run(&mut sys, "commit").unwrap();
        // Unqualified in the owner's session.
        assert_eq!(rows(&mut scott, "select id, v from nums"), [["1", "b"]]);
        assert_eq!(rows(&mut scott, "select s.nextval from dual"), [["11"]]);
        assert_eq!(
            rows(&mut scott, "select sequence_name from user_sequences"),
            [["ISEQ$$_NUMS_ID"], ["S"]]
        );
        assert_eq!(code(run(&mut alice, "select s.nextval from dual")), 2289);
        // A view, ALTER, TRUNCATE and DROP, qualified from another session.
        run(&mut sys, "create view scott.v as select v from nums").unwrap();
        assert_eq!(rows(&mut scott, "select v from v"), [["b"]]);
        run(&mut sys, "alter table scott.nums add (w number)").unwrap();
        run(&mut sys, "truncate table scott.nums").unwrap();
        assert_eq!(rows(&mut scott, "select count(*) from nums"), [["0"]]);
        run(&mut sys, "drop view scott.v").unwrap();
        run(&mut sys, "drop table scott.nums").unwrap();
        assert_eq!(code(run(&mut scott, "select * from nums")), 942);
        assert_eq!(
            code(run(&mut sys, "create table nobody.t (x number)")),
            1918
        );
    }

    #[test]
    fn current_schema_and_synonyms() {
        let (db, mut scott, mut alice) = two_users();
        run(&mut scott, "create table t (x number)").unwrap();
        run(&mut scott, "insert into t values (7)").unwrap();
        run(&mut scott, "commit").unwrap();
        run(&mut alice, "alter session set current_schema = scott").unwrap();
        assert_eq!(rows(&mut alice, "select x from t"), [["7"]]);
        assert_eq!(
            rows(&mut alice, "select table_name from user_tables"),
            [["T"]]
        );
        run(&mut alice, "alter session set current_schema = alice").unwrap();
        assert_eq!(code(run(&mut alice, "select x from t")), 942);
        run(&mut alice, "create synonym st for scott.t").unwrap();
        assert_eq!(rows(&mut alice, "select st.x from st"), [["7"]]);
        run(&mut alice, "insert into st values (8)").unwrap();
        assert_eq!(rows(&mut alice, "select count(*) from st"), [["2"]]);
        run(&mut alice, "rollback").unwrap();
        let mut sys = Session::open(&db, "system").unwrap();
        run(&mut sys, "create public synonym pt for scott.t").unwrap();
        assert_eq!(rows(&mut alice, "select x from pt p"), [["7"]]);
        run(&mut alice, "drop synonym st").unwrap();
        assert_eq!(code(run(&mut alice, "select x from st")), 942);
        assert_eq!(code(run(&mut alice, "drop synonym st")), 1434);
        assert_eq!(code(run(&mut sys, "drop public synonym nope")), 1432);
    }

    #[test]
    fn drop_user_needs_cascade_for_a_schema_with_objects() {
        let (db, mut scott, _alice) = two_users();
        run(&mut scott, "create table t (x number)").unwrap();
        drop(scott);
        let mut sys = Session::open(&db, "system").unwrap();
        assert_eq!(code(run(&mut sys, "drop user scott")), 1922);
        run(&mut sys, "drop user scott cascade").unwrap();
        run(&mut sys, "create user scott identified by tiger").unwrap();
        let mut scott = Session::open(&db, "scott").unwrap();
        assert_eq!(code(run(&mut scott, "select * from t")), 942);
        run(&mut sys, "drop user alice").unwrap();
    }

    #[test]
    fn tables_of_an_older_data_directory_stay_readable() {
        let dir = tempfile::tempdir().unwrap();
        {
            // As written before schemas: tables and an unqualified sequence in oradb.sqlite.
            let c = rusqlite::Connection::open(dir.path().join("oradb.sqlite")).unwrap();
            c.execute_batch(
                "CREATE TABLE \"OLD\" (\"X\" INT_NUM_0_U); INSERT INTO \"OLD\" VALUES (3);",
            )
            .unwrap();
            std::fs::write(dir.path().join("sequences.txt"), "OLDSEQ\t5\t1\n").unwrap();
        }
        let db = Database::open(Some(dir.path())).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        assert_eq!(rows(&mut s, "select x from old"), [["3"]]);
        assert_eq!(rows(&mut s, "select oldseq.nextval from dual"), [["5"]]);
        run(&mut s, "insert into old values (4)").unwrap();
        run(&mut s, "drop table old").unwrap();
        assert_eq!(code(run(&mut s, "select x from old")), 942);
    }

    /// A user's own table named like a dictionary view (ALL_TYPES) is the
    /// one its statements reach, before and after the view was used.
    #[test]
    fn own_table_hides_a_dictionary_view_of_its_name() {
        let (_db, mut scott, _alice) = two_users();
        run(&mut scott, "select count(*) from all_types").unwrap();
        run(
            &mut scott,
            "create table all_types (n number, s varchar2(5))",
        )
        .unwrap();
        run(&mut scott, "insert into all_types values (1, 'a')").unwrap();
        assert_eq!(rows(&mut scott, "select n, s from all_types"), [["1", "a"]]);
        run(&mut scott, "drop table all_types").unwrap();
        // Gone: the view is what the name reaches again.
        run(&mut scott, "select type_name from all_types").unwrap();
    }

    /// Interval columns order and compare by value, negatives first, also
    /// against a literal of another form and text stored as written.
    #[test]
    fn intervals_compare_by_value() {
        let (_db, mut scott, _alice) = two_users();
        run(
            &mut scott,
            "create table iv (n number, d interval day(3) to second(2))",
        )
        .unwrap();
        for (n, d) in [
            (1, "interval '1' day"),
            (2, "interval '-2' day"),
            (3, "interval '-10 00:00:01' day to second"),
            (4, "interval '3 4' day to hour"),
            (5, "interval '-0 00:00:00.5' day to second"),
        ] {
            run(&mut scott, &format!("insert into iv values ({n}, {d})")).unwrap();
        }
        let order = rows(&mut scott, "select n from iv order by d");
        assert_eq!(order, [["3"], ["2"], ["5"], ["1"], ["4"]]);
        let neg = rows(
            &mut scott,
            "select n from iv where d < interval '0' day order by n",
        );
        assert_eq!(neg, [["2"], ["3"], ["5"]]);
        let eq = rows(&mut scott, "select n from iv where d = interval '76' hour");
        assert_eq!(eq, [["4"]]);
        let mm = rows(
            &mut scott,
            "select count(*) from iv where d = (select min(d) from iv) or d = (select max(d) from iv)",
        );
        assert_eq!(mm, [["2"]]);
        let lo = rows(
            &mut scott,
            "select n from iv where d = (select min(d) from iv)",
        );
        assert_eq!(lo, [["3"]]);
    }
}
