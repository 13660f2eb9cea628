//! Stored procedures and functions: CREATE [OR REPLACE] / DROP, kept in the
//! table ORA$STORED_CODE of the database file so every session sees them and
//! they survive a restart. Code is kept as written and parsed when called
//! (cached per session while its text is unchanged). A body that does not
//! parse is stored INVALID: CREATE succeeds with a compilation warning
//! (ORA-24344 / "success with compilation error") and calls fail with
//! PLS-00905, as in Oracle.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value as Sql;
use rusqlite::Connection;

use super::dbms_output::Output;
use super::errors::{self, err};
use super::lexer::{self, Token};
use super::plsql::{parse_package, Package, Parser, PkgVars};
use super::{BindDir, Prepared, Session, SqlError};

// In SYS's schema (schemas.rs), shared by every schema as before.
pub(crate) const TABLE: &str = "SYS.\"ORA$STORED_CODE\"";

pub use super::plsql::{Kind, Unit};

/// A PL/SQL index-by table bound by the client (array bind): its declared
/// maximum size and its elements (IN values before the call, OUT after).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArrayBind {
    pub max: usize,
    pub values: Vec<oradb_protocol::value::Value>,
}

/// Per-session PL/SQL state.
#[derive(Debug, Default)]
pub struct PlsqlState {
    pub output: Output,
    /// Array binds of the running block, by bind position.
    pub arrays: Vec<Option<ArrayBind>>,
    /// Buffer sizes of the next block's OUT binds, by bind position.
    pub limits: Vec<Option<super::BindLimit>>,
    /// Type OIDs of the next block's object binds, by bind position.
    pub bind_oids: Vec<Option<Vec<u8>>>,
    /// The client's wire type of each of the next block's binds (0 unknown).
    pub bind_types: Vec<u8>,
    /// REF CURSORs opened by the running block (a handle is an index).
    pub ref_cursors: Vec<crate::plsql::RefCursor>,
    /// REF CURSORs the last block left in its binds, by bind position.
    pub ref_outs: Vec<Option<crate::plsql::RefCursor>>,
    /// REF CURSORs the running call passed to DBMS_SQL.RETURN_RESULT.
    pub implicit: Vec<crate::plsql::RefCursor>,
    /// Nesting of stored calls in the running block.
    pub depth: usize,
    /// The last CREATE stored code that does not compile.
    pub warning: bool,
    /// This session runs a function called from SQL: no DML (ORA-14551).
    pub in_query: bool,
    /// Stored functions registered as SQLite functions on this connection.
    udfs: HashSet<String>,
    cache: HashMap<String, (String, Arc<Unit>)>,
    /// Parsed packages by name, with the spec and body text they came from.
    pkg_cache: HashMap<String, (String, Option<String>, Arc<Package>)>,
    /// Package variables of this session.
    pub packages: HashMap<String, PkgVars>,
}

/// The row of a PACKAGE BODY or TYPE BODY: its spec's row has the name.
fn body_key(name: &str) -> String {
    format!("{name} BODY")
}

/// Parses `CREATE [OR REPLACE] PROCEDURE|FUNCTION …`. The header (kind and
/// name) must parse; a bad parameter list or body yields a Unit whose body
/// is the error.
pub fn parse_unit(src: &str) -> Result<Unit, SqlError> {
    let toks = lexer::tokenize(src).map_err(|e| SqlError {
        offset: e.pos as u32,
        ..err(1756, &e.message)
    })?;
    let mut i = skip_create(&toks);
    let word = |i: usize, w: &str| toks.get(i).is_some_and(|t| t.is_word(w));
    let kind = if word(i, "PROCEDURE") {
        Kind::Procedure
    } else if word(i, "FUNCTION") {
        Kind::Function
    } else {
        return Err(err(900, "invalid SQL statement"));
    };
    i += 1;
    let mut name = toks.get(i).and_then(Token::ident).ok_or_else(|| SqlError {
        offset: toks.get(i).map_or(src.len(), |t| t.pos) as u32,
        ..err(
            4050,
            "invalid or missing procedure, function, or package name",
        )
    })?;
    i += 1;
    // schema.name: there is one schema, the name is what counts.
    if toks.get(i).is_some_and(|t| t.is_op(".")) {
        if let Some(n) = toks.get(i + 1).and_then(Token::ident) {
            name = n;
            i += 2;
        }
    }
    let mut p = Parser::new(&toks[i..], src);
    let unit = p.subprogram_rest(name.clone(), kind).and_then(|u| {
        if u.body.is_err() {
            return Err(p.error("is as"));
        }
        match p.at_end() {
            true => Ok(u),
            false => Err(p.error("end-of-file")),
        }
    });
    Ok(unit.unwrap_or_else(|e| Unit {
        name,
        kind,
        params: Vec::new(),
        ret: None,
        body: Err(e),
    }))
}

/// The index after `CREATE [OR REPLACE] [EDITIONABLE|NONEDITIONABLE]`.
fn skip_create(toks: &[Token]) -> usize {
    let word = |i: usize, w: &str| toks.get(i).is_some_and(|t| t.is_word(w));
    let mut i = 0;
    if word(i, "CREATE") {
        i += 1;
        if word(i, "OR") && word(i + 1, "REPLACE") {
            i += 2;
        }
    }
    while word(i, "EDITIONABLE") || word(i, "NONEDITIONABLE") {
        i += 1;
    }
    i
}

/// Nesting of SQL → stored function → SQL … on this thread.
const MAX_SQL_NESTING: usize = 8;

thread_local! {
    static SQL_NESTING: Cell<usize> = const { Cell::new(0) };
}

/// Makes the stored function `name` callable from SQL on `conn`. It runs in
/// a private session of its own (the calling connection is busy running the
/// statement), so it sees committed data only and may not change any
/// (Oracle too forbids DML in a function called from a query).
fn register_udf(conn: &Connection, parent: &Session, name: &str) {
    let (db, user, fname) = (parent.db.clone(), parent.user.clone(), name.to_string());
    let state = (parent.shared.clone(), parent.info.clone());
    let private: Mutex<Option<Session>> = Mutex::new(None);
    let fail = |e: SqlError| rusqlite::Error::UserFunctionError(e.message.into());
    let r = conn.create_scalar_function(name, -1, FunctionFlags::SQLITE_UTF8, move |ctx| {
        let args: Vec<Sql> = (0..ctx.len()).map(|i| ctx.get_raw(i).into()).collect();
        let depth = SQL_NESTING.with(|d| d.get());
        if depth >= MAX_SQL_NESTING {
            return Err(fail(err(
                36,
                &format!("maximum number of recursive SQL levels ({MAX_SQL_NESTING}) exceeded"),
            )));
        }
        let mut guard = private
            .lock()
            .map_err(|_| fail(err(600, "internal error: poisoned function session")))?;
        if guard.is_none() {
            let mut s = Session::open_with(&db, &user, Some(state.clone())).map_err(fail)?;
            s.plsql.in_query = true;
            *guard = Some(s);
        }
        let Some(s) = guard.as_mut() else {
            return Err(fail(err(600, "internal error: no function session")));
        };
        SQL_NESTING.with(|d| d.set(depth + 1));
        let r = s.call_function_values(&fname, args);
        SQL_NESTING.with(|d| d.set(depth));
        r.map_err(fail)
    });
    if let Err(e) = r {
        tracing::warn!("cannot register {name} as an SQL function: {e}");
    }
}

impl Session {
    /// Registers the stored functions called in `toks` (`name(`) as SQLite
    /// functions, so SQL such as `select f(x) from t` can call them.
    pub(super) fn register_stored_functions(&mut self, toks: &[Token]) {
        for (k, w) in toks.windows(2).enumerate() {
            if !w[1].is_op("(") {
                continue;
            }
            let Some(mut name) = w[0].ident() else {
                continue;
            };
            // PKG.FUNC( or SCHEMA.FUNC(: the rewrite calls it "PKG.FUNC".
            let dotted = k >= 2 && toks[k - 1].is_op(".");
            if dotted {
                let Some(q) = toks[k - 2].ident() else {
                    continue;
                };
                name = format!("{q}.{name}");
            }
            if self.plsql.udfs.contains(&name) {
                continue;
            }
            let is_function = match name.split_once('.') {
                Some((q, f)) => match self.stored_package(q).ok().flatten() {
                    Some(p) => p.subs(f).any(|u| u.kind == Kind::Function),
                    None => matches!(self.stored_source(f), Some((k, _)) if k == "FUNCTION"),
                },
                None => matches!(self.stored_source(&name), Some((k, _)) if k == "FUNCTION"),
            };
            if !is_function {
                continue;
            }
            register_udf(&self.conn, self, &name);
            self.plsql.udfs.insert(name);
        }
    }

    /// The stored text and kind of `name`, if any.
    fn stored_source(&self, name: &str) -> Option<(String, String)> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT kind, source FROM {TABLE} WHERE name = ?1"))
            .ok()?;
        stmt.query_row([name], |r| Ok((r.get(0)?, r.get(1)?))).ok()
    }

    /// A stored procedure or function, parsed (cached while unchanged).
    pub(super) fn stored_unit(&mut self, name: &str) -> Result<Option<Arc<Unit>>, SqlError> {
        let Some((_, src)) = self.stored_source(name) else {
            return Ok(None);
        };
        if let Some((cached, unit)) = self.plsql.cache.get(name) {
            if *cached == src {
                return Ok(Some(unit.clone()));
            }
        }
        let unit = Arc::new(parse_unit(&src)?);
        self.plsql
            .cache
            .insert(name.to_string(), (src, unit.clone()));
        Ok(Some(unit))
    }

    /// Parameter names and modes of a callable, for the bind directions of
    /// a block that calls it.
    pub(super) fn param_modes(&self, name: &str) -> Option<Vec<(String, BindDir)>> {
        let p = |n: &str, d| (n.to_string(), d);
        match name {
            "DBMS_OUTPUT.GET_LINE" => {
                return Some(vec![p("LINE", BindDir::Out), p("STATUS", BindDir::Out)])
            }
            "DBMS_OUTPUT.GET_LINES" => {
                return Some(vec![
                    p("LINES", BindDir::Out),
                    p("NUMLINES", BindDir::InOut),
                ])
            }
            "DBMS_PICKLER.GET_TYPE_SHAPE" => return Some(super::plsql::pickler_modes()),
            // Other built-in package members take IN arguments only here;
            // a stored procedure of the same member name must not lend
            // them its modes.
            n if n.starts_with("DBMS_APPLICATION_INFO.") || n.starts_with("DBMS_SESSION.") => {
                return None
            }
            _ => {}
        }
        let modes = |u: &Unit| u.params.iter().map(|p| (p.name.clone(), p.mode)).collect();
        if let Some((q, member)) = name.split_once('.') {
            if let Some(pkg) = self.package_spec(q) {
                return pkg.subs(member).next().map(|u| modes(u));
            }
        }
        let name = name.rsplit('.').next().unwrap_or(name);
        let (_, src) = self.stored_source(name)?;
        let unit = parse_unit(&src).ok()?;
        Some(modes(&unit))
    }

    /// A package's spec parsed without caching (bind analysis has `&self`).
    fn package_spec(&self, name: &str) -> Option<Package> {
        let (kind, src) = self.stored_source(name)?;
        if kind != "PACKAGE" {
            return None;
        }
        let toks = lexer::tokenize(&src).ok()?;
        let (name, _, spec) = parse_package(&toks[skip_create(&toks)..], &src).ok()?;
        Some(Package {
            name,
            spec: spec.ok()?,
            body: None,
        })
    }

    /// A package, parsed from its spec and body (cached while unchanged);
    /// a package that does not compile is PLS-00905 when used.
    pub(super) fn stored_package(&mut self, name: &str) -> Result<Option<Arc<Package>>, SqlError> {
        let Some((kind, spec)) = self.stored_source(name) else {
            return Ok(None);
        };
        if kind != "PACKAGE" {
            return Ok(None);
        }
        let body = self.stored_source(&body_key(name)).map(|b| b.1);
        if let Some((s, b, p)) = self.plsql.pkg_cache.get(name) {
            if *s == spec && *b == body {
                return Ok(Some(p.clone()));
            }
        }
        let invalid = || {
            err(
                6550,
                &format!("PLS-00905: object {}.{name} is invalid", self.user),
            )
        };
        let parse = |src: &str| -> Result<super::plsql::Block, SqlError> {
            let toks = lexer::tokenize(src).map_err(|_| invalid())?;
            parse_package(&toks[skip_create(&toks)..], src)?
                .2
                .map_err(|_| invalid())
        };
        let pkg = Arc::new(Package {
            name: name.to_string(),
            spec: parse(&spec)?,
            body: body.as_deref().map(parse).transpose()?,
        });
        self.plsql
            .pkg_cache
            .insert(name.to_string(), (spec, body, pkg.clone()));
        Ok(Some(pkg))
    }

    /// Whether the last DDL created stored code with compilation errors.
    pub fn take_compile_warning(&mut self) -> bool {
        std::mem::take(&mut self.plsql.warning)
    }

    /// CREATE/DROP PROCEDURE/FUNCTION; `None` for any other DDL.
    pub(super) fn stored_ddl(&mut self, p: &Prepared) -> Option<Result<(), SqlError>> {
        let toks = &p.toks;
        let w = |i: usize| toks.get(i).and_then(Token::ident).unwrap_or_default();
        let mut i = 1;
        match w(0).as_str() {
            "CREATE" => {
                let replace = w(1) == "OR" && w(2) == "REPLACE";
                if replace {
                    i = 3;
                }
                while w(i) == "EDITIONABLE" || w(i) == "NONEDITIONABLE" {
                    i += 1;
                }
                match w(i).as_str() {
                    "PROCEDURE" | "FUNCTION" => Some(self.create_stored(&p.sql, replace)),
                    "TYPE" if !toks.get(i + 1).is_some_and(|t| t.is_word("BODY")) => {
                        Some(self.create_object_type(&p.sql, toks, i, replace))
                    }
                    "PACKAGE" | "TYPE" => Some(self.create_typed(&p.sql, toks, i, replace)),
                    _ => None,
                }
            }
            "DROP" if matches!(w(1).as_str(), "PROCEDURE" | "FUNCTION" | "PACKAGE" | "TYPE") => {
                let body = w(2) == "BODY";
                let at = if body { 3 } else { 2 };
                let mut name = w(at);
                if toks.get(at + 1).is_some_and(|t| t.is_op(".")) {
                    name = w(at + 2);
                }
                if body {
                    return Some(self.drop_stored(&body_key(&name), &format!("{} BODY", w(1))));
                }
                if w(1) == "TYPE" {
                    return Some(self.drop_object_type(toks));
                }
                if w(1) == "PACKAGE" || w(1) == "TYPE" {
                    // Dropping a package or type drops its body too.
                    let key = body_key(&name);
                    if let Some((k, _)) = self.stored_source(&key) {
                        if let Err(e) = self.drop_stored(&key, &k) {
                            return Some(Err(e));
                        }
                    }
                }
                Some(self.drop_stored(&name, &w(1)))
            }
            _ => None,
        }
    }

    fn ensure_table(&mut self) -> Result<(), SqlError> {
        self.exec_sql(
            &format!(
                "CREATE TABLE IF NOT EXISTS {TABLE} (name TEXT PRIMARY KEY, kind TEXT NOT NULL, \
                 source TEXT NOT NULL, status TEXT NOT NULL, errors TEXT)"
            ),
            &[],
        )
    }

    fn create_stored(&mut self, sql: &str, replace: bool) -> Result<(), SqlError> {
        let src = sql.trim_end().trim_end_matches('/').trim_end();
        let unit = parse_unit(src)?;
        self.ensure_table()?;
        if let Some((kind, _)) = self.stored_source(&unit.name) {
            if !replace || kind != unit.kind.as_str() {
                return Err(err(955, "name is already used by an existing object"));
            }
        }
        let (status, errors) = match &unit.body {
            Ok(_) => ("VALID", None),
            Err(e) => ("INVALID", Some(e.message.clone())),
        };
        self.conn
            .execute(
                &format!(
                    "INSERT OR REPLACE INTO {TABLE} (name, kind, source, status, errors) \
                     VALUES (?1, ?2, ?3, ?4, ?5)"
                ),
                rusqlite::params![unit.name, unit.kind.as_str(), src, status, errors],
            )
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        self.plsql.cache.remove(&unit.name);
        self.plsql.warning = unit.body.is_err();
        Ok(())
    }

    /// CREATE PACKAGE [BODY] / TYPE [BODY]: stored as written. A package
    /// that does not compile is stored INVALID (a warning, as in Oracle);
    /// a type is kept for the DDL that names it (the test server has no
    /// object values).
    fn create_typed(
        &mut self,
        sql: &str,
        toks: &[Token],
        at: usize,
        replace: bool,
    ) -> Result<(), SqlError> {
        let src = sql.trim_end().trim_end_matches('/').trim_end();
        let what = toks[at].ident().unwrap_or_default();
        let (name, body, errors) = if what == "PACKAGE" {
            let (name, body, block) = parse_package(&toks[at..], src)?;
            (name, body, block.err().map(|e| e.message))
        } else {
            let body = toks.get(at + 1).is_some_and(|t| t.is_word("BODY"));
            let mut k = at + 1 + usize::from(body);
            if toks.get(k + 1).is_some_and(|t| t.is_op(".")) {
                k += 2;
            }
            let name = toks.get(k).and_then(Token::ident).ok_or_else(|| {
                err(
                    6550,
                    "PLS-00103: Encountered the symbol \"end-of-file\" when expecting an identifier",
                )
            })?;
            (name, body, None)
        };
        let kind = if body { format!("{what} BODY") } else { what };
        let key = if body { body_key(&name) } else { name };
        self.ensure_table()?;
        if let Some((k, _)) = self.stored_source(&key) {
            if !replace || k != kind {
                return Err(err(955, "name is already used by an existing object"));
            }
        }
        let status = if errors.is_some() { "INVALID" } else { "VALID" };
        self.conn
            .execute(
                &format!(
                    "INSERT OR REPLACE INTO {TABLE} (name, kind, source, status, errors) \
                     VALUES (?1, ?2, ?3, ?4, ?5)"
                ),
                rusqlite::params![key, kind, src, status, errors],
            )
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        self.plsql.warning = errors.is_some();
        Ok(())
    }

    fn drop_stored(&mut self, name: &str, kind: &str) -> Result<(), SqlError> {
        self.commit()?;
        let shown = name.trim_end_matches(" BODY");
        let missing = || err(4043, &format!("object {shown} does not exist"));
        match self.stored_source(name) {
            Some((k, _)) if k == kind => {}
            _ => return Err(missing()),
        }
        self.conn
            .execute(&format!("DELETE FROM {TABLE} WHERE name = ?1"), [name])
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        self.plsql.cache.remove(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::plsql::Ty;
    use super::*;

    #[test]
    fn headers_and_params() {
        let u = parse_unit(
            "create or replace procedure scott.p(a in number, b out varchar2, c in out date, d boolean default true) is
               x number := 1;
             begin b := 'x'; end p;",
        )
        .unwrap();
        assert_eq!(u.name, "P");
        assert_eq!(u.kind, Kind::Procedure);
        let modes: Vec<_> = u
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.mode, p.ty))
            .collect();
        assert_eq!(
            modes,
            vec![
                ("A", BindDir::In, Ty::Number),
                ("B", BindDir::Out, Ty::Varchar),
                ("C", BindDir::InOut, Ty::Date),
                ("D", BindDir::In, Ty::Boolean),
            ]
        );
        assert!(u.params[3].default.is_some());
        let b = u.body.unwrap();
        assert_eq!(b.decls.len(), 1);

        let f = parse_unit("create function f return number deterministic as begin return 1; end;")
            .unwrap();
        assert_eq!(f.kind, Kind::Function);
        assert_eq!(f.ret, Some(Ty::Number));
        assert!(f.params.is_empty());
        assert!(f.body.is_ok());
    }

    #[test]
    fn bad_bodies_are_invalid_units() {
        for src in [
            "create procedure p is begin if x then null; end;",
            "create procedure p(a in) is begin null; end;",
            "create procedure p(a out number := 1) is begin null; end;",
            "create function f is begin return 1; end;",
            "create procedure p is",
            "create procedure p(a number is begin null; end;",
        ] {
            let u = parse_unit(src).unwrap();
            assert!(u.body.is_err(), "{src}");
        }
        assert!(parse_unit("create procedure").is_err());
        assert!(parse_unit("create procedure (").is_err());
    }
}

#[cfg(test)]
mod session_tests {
    use oradb_protocol::value::Value;

    use super::super::{Database, Outcome, Session};

    fn run(s: &mut Session, sql: &str, binds: &[Value]) -> Result<Vec<Value>, super::SqlError> {
        let p = s.prepare(sql)?;
        Ok(match s.execute(&p, binds)? {
            Outcome::PlSql { out } => out,
            Outcome::Rows { rows, .. } => rows.into_iter().flatten().collect(),
            _ => Vec::new(),
        })
    }

    fn num(v: &Value) -> String {
        match v {
            Value::Number(n) => n.clone(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn create_call_replace_drop() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        run(
            &mut s,
            "create or replace procedure p(a number, b out number, c in out varchar2) is
               t number := 0;
             begin
               for i in 1..a loop t := t + i; end loop;
               b := t;
               c := c || '!';
             end;",
            &[],
        )
        .unwrap();
        assert!(!s.take_compile_warning());
        let p = s.prepare("begin p(:1, :2, :3); end;").unwrap();
        assert_eq!(
            p.plsql_dirs,
            vec![
                super::BindDir::In,
                super::BindDir::Out,
                super::BindDir::InOut
            ]
        );
        let out = run(
            &mut s,
            "begin p(:1, :2, :3); end;",
            &[
                Value::Number("4".into()),
                Value::Null,
                Value::Varchar("hi".into()),
            ],
        )
        .unwrap();
        assert_eq!(num(&out[1]), "10");
        assert_eq!(out[2], Value::Varchar("hi!".into()));

        run(
            &mut s,
            "create function f(x number) return number is begin return x * 2; end;",
            &[],
        )
        .unwrap();
        let out = run(
            &mut s,
            "begin :r := f(f(:x)) + 1; end;",
            &[Value::Null, Value::Number("3".into())],
        )
        .unwrap();
        assert_eq!(num(&out[0]), "13");
        let rows = run(&mut s, "select f(21) from dual", &[]).unwrap();
        assert_eq!(num(&rows[0]), "42");
        // Another session sees it.
        let mut other = Session::open(&db, "scott").unwrap();
        let rows = run(&mut other, "select f(1) from dual", &[]).unwrap();
        assert_eq!(num(&rows[0]), "2");

        let e = run(
            &mut s,
            "create function f return number is begin return 1; end;",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.code, 955);
        run(
            &mut s,
            "create or replace procedure bad is begin loop null; end;",
            &[],
        )
        .unwrap();
        assert!(s.take_compile_warning());
        let e = run(&mut s, "begin bad; end;", &[]).unwrap_err();
        assert!(e.message.contains("PLS-00905"), "{}", e.message);
        run(&mut s, "drop function f", &[]).unwrap();
        let e = run(&mut s, "drop function f", &[]).unwrap_err();
        assert_eq!(e.code, 4043);
        let e = run(&mut s, "begin :r := f(1); end;", &[Value::Null]).unwrap_err();
        assert_eq!(e.code, 6550);
    }

    #[test]
    fn errors_handlers_and_output() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        let e = run(
            &mut s,
            "begin raise_application_error(-20042, 'bad ' || 'thing'); end;",
            &[],
        )
        .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (20042, "ORA-20042: bad thing")
        );
        let out = run(
            &mut s,
            "declare e exception; begin raise e; exception when e then :r := 'caught'; end;",
            &[Value::Null],
        )
        .unwrap();
        assert_eq!(out[0], Value::Varchar("caught".into()));
        let out = run(
            &mut s,
            "begin :r := 1/0; exception when zero_divide then :r := sqlcode; end;",
            &[Value::Null],
        )
        .unwrap();
        assert_eq!(num(&out[0]), "-1476");
        run(
            &mut s,
            "begin dbms_output.put_line('before enable'); dbms_output.enable; dbms_output.put_line('x'); end;",
            &[],
        )
        .unwrap();
        let out = run(
            &mut s,
            "begin dbms_output.get_line(:l, :s); end;",
            &[Value::Null, Value::Null],
        )
        .unwrap();
        assert_eq!(out[0], Value::Varchar("x".into()));
        assert_eq!(num(&out[1]), "0");
        let out = run(
            &mut s,
            "begin dbms_output.get_line(:l, :s); end;",
            &[Value::Null, Value::Null],
        )
        .unwrap();
        assert_eq!((out[0].clone(), num(&out[1])), (Value::Null, "1".into()));
        // Runaway recursion stops with an error instead of exhausting the stack.
        run(
            &mut s,
            "create procedure r(n number) is begin r(n + 1); end;",
            &[],
        )
        .unwrap();
        assert_eq!(run(&mut s, "begin r(1); end;", &[]).unwrap_err().code, 36);
    }
}
