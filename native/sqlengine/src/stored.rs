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
use super::plsql::{ty_of, Block, Parser, Ty};
use super::{BindDir, Prepared, Session, SqlError};

// In SYS's schema (schemas.rs), shared by every schema as before.
const TABLE: &str = "SYS.\"ORA$STORED_CODE\"";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Procedure,
    Function,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Procedure => "PROCEDURE",
            Kind::Function => "FUNCTION",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub mode: BindDir,
    pub ty: Ty,
    pub default: Option<Vec<Token>>,
}

#[derive(Debug)]
pub struct Unit {
    pub name: String,
    pub kind: Kind,
    pub params: Vec<Param>,
    pub ret: Option<Ty>,
    /// The parsed body, or the compilation error that made it INVALID.
    pub body: Result<Block, SqlError>,
}

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
    /// Nesting of stored calls in the running block.
    pub depth: usize,
    /// The last CREATE stored code that does not compile.
    pub warning: bool,
    /// This session runs a function called from SQL: no DML (ORA-14551).
    pub in_query: bool,
    /// Stored functions registered as SQLite functions on this connection.
    udfs: HashSet<String>,
    cache: HashMap<String, (String, Arc<Unit>)>,
}

fn syntax(toks: &[Token], i: usize, text: &str) -> SqlError {
    SqlError {
        offset: toks.get(i).or(toks.last()).map_or(0, |t| t.pos as u32),
        ..err(6550, text)
    }
}

/// Parses `CREATE [OR REPLACE] PROCEDURE|FUNCTION …`. The header (kind and
/// name) must parse; a bad parameter list or body yields a Unit whose body
/// is the error.
pub fn parse_unit(src: &str) -> Result<Unit, SqlError> {
    let toks = lexer::tokenize(src).map_err(|e| SqlError {
        offset: e.pos as u32,
        ..err(1756, &e.message)
    })?;
    let mut i = 0;
    let word = |i: usize, w: &str| toks.get(i).is_some_and(|t| t.is_word(w));
    if word(i, "CREATE") {
        i += 1;
        if word(i, "OR") && word(i + 1, "REPLACE") {
            i += 2;
        }
    }
    while word(i, "EDITIONABLE") || word(i, "NONEDITIONABLE") {
        i += 1;
    }
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
    let rest = parse_rest(&toks, i, kind, src);
    Ok(match rest {
        Ok((params, ret, body)) => Unit {
            name,
            kind,
            params,
            ret,
            body,
        },
        Err(e) => Unit {
            name,
            kind,
            params: Vec::new(),
            ret: None,
            body: Err(e),
        },
    })
}

type Rest = (Vec<Param>, Option<Ty>, Result<Block, SqlError>);

fn parse_rest(toks: &[Token], mut i: usize, kind: Kind, src: &str) -> Result<Rest, SqlError> {
    let mut params = Vec::new();
    if toks.get(i).is_some_and(|t| t.is_op("(")) {
        let mut depth = 0;
        let close = (i..toks.len())
            .find(|&k| {
                if toks[k].is_op("(") {
                    depth += 1;
                } else if toks[k].is_op(")") {
                    depth -= 1;
                }
                depth == 0
            })
            .ok_or_else(|| syntax(toks, toks.len(), "PLS-00103: Encountered the symbol \"end-of-file\" when expecting one of the following: )"))?;
        let mut start = i + 1;
        let mut d = 0;
        for k in i + 1..=close {
            let t = &toks[k];
            if t.is_op("(") {
                d += 1;
            } else if t.is_op(")") && k != close {
                d -= 1;
            } else if (t.is_op(",") && d == 0) || k == close {
                params.push(parse_param(toks, start, k)?);
                start = k + 1;
            }
        }
        i = close + 1;
    }
    let mut ret = None;
    if kind == Kind::Function {
        if !toks.get(i).is_some_and(|t| t.is_word("RETURN")) {
            return Err(syntax(
                toks,
                i,
                "PLS-00103: Encountered a symbol when expecting one of the following: return",
            ));
        }
        ret = Some(ty_of(&toks[i + 1..]));
        i += 2;
    }
    // Options (DETERMINISTIC, AUTHID …, a return type's size) up to IS/AS.
    while i < toks.len() && !toks[i].is_word("IS") && !toks[i].is_word("AS") {
        i += 1;
    }
    if i >= toks.len() {
        return Err(syntax(
            toks,
            i,
            "PLS-00103: Encountered the symbol \"end-of-file\" when expecting one of the following: is as",
        ));
    }
    let mut p = Parser::new(&toks[i + 1..], src);
    let body = p
        .decls()
        .and_then(|d| p.block_body(d))
        .and_then(|b| match p.at_end() {
            true => Ok(b),
            false => Err(p.error("end-of-file")),
        });
    Ok((params, ret, body))
}

/// `name [IN] [OUT] [NOCOPY] type [:= | DEFAULT expr]` in toks[start..end].
fn parse_param(toks: &[Token], start: usize, end: usize) -> Result<Param, SqlError> {
    let p = &toks[start..end];
    let name = p.first().and_then(Token::ident).ok_or_else(|| {
        syntax(
            toks,
            start,
            "PLS-00103: Encountered a symbol when expecting an identifier",
        )
    })?;
    let mut k = 1;
    let mut mode = BindDir::In;
    if p.get(k).is_some_and(|t| t.is_word("IN")) {
        k += 1;
    }
    if p.get(k).is_some_and(|t| t.is_word("OUT")) {
        mode = if k == 2 { BindDir::InOut } else { BindDir::Out };
        k += 1;
    }
    if p.get(k).is_some_and(|t| t.is_word("NOCOPY")) {
        k += 1;
    }
    let def = p.iter().position(|t| t.is_op(":=") || t.is_word("DEFAULT"));
    let ty_toks = &p[k.min(p.len())..def.unwrap_or(p.len()).max(k.min(p.len()))];
    if ty_toks.is_empty() {
        return Err(syntax(
            toks,
            start + k,
            &format!("PLS-00103: parameter {name} has no type"),
        ));
    }
    let default = def.map(|d| p[d + 1..].to_vec());
    if default.is_some() && mode != BindDir::In {
        return Err(syntax(
            toks,
            start,
            "PLS-00230: OUT and IN OUT formal parameters may not have default expressions",
        ));
    }
    Ok(Param {
        name,
        mode,
        ty: ty_of(ty_toks),
        default,
    })
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
        for w in toks.windows(2) {
            if !w[1].is_op("(") {
                continue;
            }
            let Some(name) = w[0].ident() else { continue };
            if self.plsql.udfs.contains(&name) {
                continue;
            }
            if !matches!(self.stored_source(&name), Some((k, _)) if k == "FUNCTION") {
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

    /// A stored function called `name`, for calls inside expressions.
    pub(super) fn stored_function(&mut self, name: &str) -> Option<Arc<Unit>> {
        self.stored_unit(name)
            .ok()
            .flatten()
            .filter(|u| u.kind == Kind::Function)
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
            // Other built-in package members take IN arguments only here;
            // a stored procedure of the same member name must not lend
            // them its modes.
            n if n.starts_with("DBMS_APPLICATION_INFO.") || n.starts_with("DBMS_SESSION.") => {
                return None
            }
            _ => {}
        }
        let name = name.rsplit('.').next().unwrap_or(name);
        let (_, src) = self.stored_source(name)?;
        let unit = parse_unit(&src).ok()?;
        Some(unit.params.into_iter().map(|p| (p.name, p.mode)).collect())
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
                if w(i) != "PROCEDURE" && w(i) != "FUNCTION" {
                    return None;
                }
                Some(self.create_stored(&p.sql, replace))
            }
            "DROP" if w(1) == "PROCEDURE" || w(1) == "FUNCTION" => {
                let mut name = w(2);
                if toks.get(3).is_some_and(|t| t.is_op(".")) {
                    name = w(4);
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

    fn drop_stored(&mut self, name: &str, kind: &str) -> Result<(), SqlError> {
        self.commit()?;
        let missing = || err(4043, &format!("object {name} does not exist"));
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
