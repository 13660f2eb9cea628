//! The PL/SQL subset of anonymous blocks and stored procedures/functions.
//!
//! A block is parsed into a small statement tree (declarations, `NULL;`,
//! assignments, IF/ELSIF/ELSE, LOOP/WHILE/FOR with EXIT/CONTINUE, RETURN,
//! RAISE, nested blocks with EXCEPTION handlers, calls, SQL statements,
//! EXECUTE IMMEDIATE … USING, COMMIT/ROLLBACK, RAISE_APPLICATION_ERROR,
//! DBMS_OUTPUT and DBMS_SESSION.SLEEP). Expressions are not interpreted
//! here: they run as `SELECT expr` on SQLite with the variables as binds,
//! after calls of stored functions in them were evaluated and replaced.

use std::sync::Arc;
use std::time::{Duration, Instant};

use oradb_protocol::value::{DateTime, Value};
use rusqlite::types::{Value as Sql, ValueRef};

use super::errors::{self, err};
use super::lexer::{Tok, Token};
use super::query::{classify, to_sql, to_value};
use super::rewrite::{self, BindMode, Ctx};
use super::stored::{Kind, Unit};
use super::{BindDir, Outcome, Prepared, Session, SqlError, StmtKind};

/// Deepest nesting of stored calls; deeper recursion is an error, not a
/// blown thread stack.
const MAX_CALL_DEPTH: usize = 50;
/// Deepest nesting of blocks/IF/LOOP the parser accepts.
const MAX_NESTING: usize = 64;

/// The declared PL/SQL type of a variable, parameter or function result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ty {
    /// Unknown (binds, %TYPE): values keep what SQLite gives.
    #[default]
    Any,
    Number,
    Varchar,
    Date,
    Timestamp,
    Boolean,
    /// A user-defined exception name.
    Exception,
}

/// The type named by a declaration's type tokens.
pub fn ty_of(toks: &[Token]) -> Ty {
    if toks.iter().any(|t| t.is_op("%")) {
        return Ty::Any;
    }
    match toks
        .first()
        .and_then(Token::ident)
        .unwrap_or_default()
        .as_str()
    {
        "NUMBER" | "INTEGER" | "INT" | "PLS_INTEGER" | "BINARY_INTEGER" | "FLOAT" | "DECIMAL"
        | "NUMERIC" | "SMALLINT" | "NATURAL" | "POSITIVE" | "SIMPLE_INTEGER" | "BINARY_DOUBLE"
        | "BINARY_FLOAT" | "REAL" => Ty::Number,
        "VARCHAR2" | "VARCHAR" | "NVARCHAR2" | "CHAR" | "NCHAR" | "CLOB" | "NCLOB" | "LONG"
        | "STRING" => Ty::Varchar,
        "DATE" => Ty::Date,
        "TIMESTAMP" => Ty::Timestamp,
        "BOOLEAN" => Ty::Boolean,
        "EXCEPTION" => Ty::Exception,
        _ => Ty::Any,
    }
}

#[derive(Debug, Clone)]
pub struct Decl {
    pub name: String,
    pub ty: Ty,
    pub init: Option<Vec<Token>>,
}

#[derive(Debug, Clone)]
pub struct Handler {
    /// Exception names (upper case); OTHERS matches everything.
    pub names: Vec<String>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, Default)]
pub struct Block {
    pub decls: Vec<Decl>,
    pub body: Vec<Stmt>,
    pub handlers: Vec<Handler>,
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Null,
    Assign(Token, Vec<Token>),
    If(Vec<(Vec<Token>, Vec<Stmt>)>, Vec<Stmt>),
    Loop(Vec<Stmt>),
    While(Vec<Token>, Vec<Stmt>),
    For {
        var: String,
        reverse: bool,
        lo: Vec<Token>,
        hi: Vec<Token>,
        body: Vec<Stmt>,
    },
    Exit(Option<Vec<Token>>),
    Continue(Option<Vec<Token>>),
    Return(Option<Vec<Token>>),
    Raise(Option<String>),
    Block(Block),
    /// Calls, SQL and the built-in statements, up to their `;`.
    Simple(Vec<Token>),
}

/// `1..10` lexes as the number "1.." and `a..b` as two dots: make `..` one
/// operator so FOR ranges parse.
fn normalize(toks: &[Token]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(toks.len());
    for t in toks {
        if let Tok::Number(n) = &t.tok {
            if let Some((a, b)) = n.split_once("..") {
                if !a.is_empty() {
                    out.push(Token {
                        tok: Tok::Number(a.into()),
                        pos: t.pos,
                    });
                }
                out.push(Token {
                    tok: Tok::Op("..".into()),
                    pos: t.pos + a.len(),
                });
                if !b.is_empty() {
                    out.push(Token {
                        tok: Tok::Number(b.into()),
                        pos: t.pos + a.len() + 2,
                    });
                }
                continue;
            }
        }
        if t.is_op(".") && out.last().is_some_and(|p| p.is_op(".")) {
            if let Some(p) = out.last_mut() {
                p.tok = Tok::Op("..".into());
            }
            continue;
        }
        out.push(t.clone());
    }
    out
}

/// Recursive-descent parser over tokens.
pub struct Parser<'a> {
    t: Vec<Token>,
    i: usize,
    depth: usize,
    src: &'a str,
}

impl<'a> Parser<'a> {
    pub fn new(toks: &[Token], src: &'a str) -> Self {
        Parser {
            t: normalize(toks),
            i: 0,
            depth: 0,
            src,
        }
    }

    pub fn at_end(&self) -> bool {
        self.i >= self.t.len()
    }

    pub fn peek_word(&self, w: &str) -> bool {
        self.t.get(self.i).is_some_and(|t| t.is_word(w))
    }

    pub fn error(&self, expecting: &str) -> SqlError {
        let (pos, sym) = match self.t.get(self.i) {
            Some(t) => (
                t.pos,
                match &t.tok {
                    Tok::Word(w) | Tok::Op(w) | Tok::Number(w) => w.clone(),
                    Tok::Quoted(q) => format!("\"{q}\""),
                    Tok::Str(s) => format!("'{s}'"),
                    Tok::Bind(b) => format!(":{b}"),
                },
            ),
            None => (self.src.len(), "end-of-file".into()),
        };
        let before = &self.src[..pos.min(self.src.len())];
        let line = before.matches('\n').count() + 1;
        let col = pos - before.rfind('\n').map_or(0, |n| n + 1) + 1;
        SqlError {
            offset: pos as u32,
            ..err(
                6550,
                &format!(
                    "line {line}, column {col}:\nPLS-00103: Encountered the symbol \"{sym}\" when expecting one of the following: {expecting}"
                ),
            )
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.peek_word(w) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<(), SqlError> {
        if self.eat_word(w) {
            Ok(())
        } else {
            Err(self.error(w))
        }
    }

    fn eat_op(&mut self, o: &str) -> bool {
        if self.t.get(self.i).is_some_and(|t| t.is_op(o)) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// `;`, optional at the very end of the text.
    fn end_stmt(&mut self) -> Result<(), SqlError> {
        if self.eat_op(";") || self.at_end() {
            Ok(())
        } else {
            Err(self.error(";"))
        }
    }

    /// Tokens up to (not including) the word `stop` at paren depth 0.
    fn until_word(&mut self, stop: &str) -> Result<Vec<Token>, SqlError> {
        let start = self.i;
        let mut depth = 0i32;
        while let Some(t) = self.t.get(self.i) {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth -= 1;
            } else if depth == 0 && (t.is_word(stop) || t.is_op(";")) {
                break;
            }
            self.i += 1;
        }
        if !self.peek_word(stop) || self.i == start {
            return Err(self.error(stop));
        }
        Ok(self.t[start..self.i].to_vec())
    }

    /// Tokens up to the next `;` at paren depth 0 (consumed).
    fn until_semicolon(&mut self) -> Vec<Token> {
        let start = self.i;
        let mut depth = 0i32;
        while let Some(t) = self.t.get(self.i) {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth -= 1;
            } else if depth <= 0 && t.is_op(";") {
                break;
            }
            self.i += 1;
        }
        let out = self.t[start..self.i].to_vec();
        self.eat_op(";");
        out
    }

    /// Declarations up to BEGIN.
    pub fn decls(&mut self) -> Result<Vec<Decl>, SqlError> {
        let mut out = Vec::new();
        while !self.peek_word("BEGIN") {
            if self.at_end() {
                return Err(self.error("begin"));
            }
            let first = &self.t[self.i];
            let name = first.ident().ok_or_else(|| self.error("an identifier"))?;
            if [
                "PROCEDURE",
                "FUNCTION",
                "CURSOR",
                "TYPE",
                "PRAGMA",
                "SUBTYPE",
            ]
            .contains(&name.as_str())
                && first.ident().is_some()
                && matches!(first.tok, Tok::Word(_))
            {
                return Err(SqlError {
                    offset: first.pos as u32,
                    ..err(
                        6550,
                        &format!(
                            "PLS-00999: {name} declarations are not supported by the test server"
                        ),
                    )
                });
            }
            self.i += 1;
            let decl = self.until_semicolon();
            let decl: &[Token] = if decl.first().is_some_and(|t| t.is_word("CONSTANT")) {
                &decl[1..]
            } else {
                &decl
            };
            let init_at = decl
                .iter()
                .position(|t| t.is_op(":=") || t.is_word("DEFAULT"));
            let ty_toks = &decl[..init_at.unwrap_or(decl.len())];
            if ty_toks.is_empty() {
                return Err(self.error("a type"));
            }
            out.push(Decl {
                name,
                ty: ty_of(ty_toks),
                init: init_at.map(|k| decl[k + 1..].to_vec()),
            });
        }
        Ok(out)
    }

    /// `[DECLARE decls] BEGIN … [EXCEPTION …] END [label];`
    pub fn block(&mut self) -> Result<Block, SqlError> {
        let decls = if self.eat_word("DECLARE") {
            self.decls()?
        } else {
            Vec::new()
        };
        self.block_body(decls)
    }

    /// `BEGIN … END [label];` with the declarations already read.
    pub fn block_body(&mut self, decls: Vec<Decl>) -> Result<Block, SqlError> {
        self.enter()?;
        self.expect_word("BEGIN")?;
        let body = self.stmts(&["END", "EXCEPTION"])?;
        let mut handlers = Vec::new();
        if self.eat_word("EXCEPTION") {
            while self.eat_word("WHEN") {
                let mut names = Vec::new();
                loop {
                    let n = self
                        .t
                        .get(self.i)
                        .and_then(Token::ident)
                        .ok_or_else(|| self.error("an exception name"))?;
                    self.i += 1;
                    // A qualified name (pkg.exc) matches by its last part.
                    while self.eat_op(".") {
                        self.i += 1;
                    }
                    names.push(n);
                    if !self.eat_word("OR") {
                        break;
                    }
                }
                self.expect_word("THEN")?;
                let body = self.stmts(&["WHEN", "END"])?;
                handlers.push(Handler { names, body });
            }
        }
        self.expect_word("END")?;
        if self
            .t
            .get(self.i)
            .is_some_and(|t| t.ident().is_some() && !t.is_op(";"))
        {
            self.i += 1;
        }
        self.end_stmt()?;
        self.depth -= 1;
        Ok(Block {
            decls,
            body,
            handlers,
        })
    }

    fn enter(&mut self) -> Result<(), SqlError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(err(
                6550,
                "PLS-00123: program too large (nesting too deep for the test server)",
            ));
        }
        Ok(())
    }

    fn stmts(&mut self, terms: &[&str]) -> Result<Vec<Stmt>, SqlError> {
        let mut out = Vec::new();
        loop {
            if self.at_end() {
                return Err(self.error(&terms.join(" ").to_ascii_lowercase()));
            }
            if terms.iter().any(|w| self.peek_word(w)) {
                if out.is_empty() {
                    return Err(self.error("a statement"));
                }
                return Ok(out);
            }
            out.push(self.stmt()?);
        }
    }

    fn end_of(&mut self, what: &str) -> Result<(), SqlError> {
        self.expect_word("END")?;
        self.expect_word(what)?;
        if self
            .t
            .get(self.i)
            .is_some_and(|t| matches!(t.tok, Tok::Word(_)))
        {
            self.i += 1; // END LOOP label
        }
        self.end_stmt()
    }

    fn loop_body(&mut self) -> Result<Vec<Stmt>, SqlError> {
        self.expect_word("LOOP")?;
        self.enter()?;
        let body = self.stmts(&["END"])?;
        self.depth -= 1;
        self.end_of("LOOP")?;
        Ok(body)
    }

    /// `[WHEN cond];` after EXIT/CONTINUE (a label is ignored).
    fn when_clause(&mut self) -> Result<Option<Vec<Token>>, SqlError> {
        if self
            .t
            .get(self.i)
            .is_some_and(|t| matches!(t.tok, Tok::Word(_)) && !t.is_word("WHEN"))
        {
            self.i += 1;
        }
        if self.eat_word("WHEN") {
            let c = self.until_semicolon();
            if c.is_empty() {
                return Err(self.error("an expression"));
            }
            Ok(Some(c))
        } else {
            self.end_stmt()?;
            Ok(None)
        }
    }

    fn stmt(&mut self) -> Result<Stmt, SqlError> {
        // <<label>>
        while self.t.get(self.i).is_some_and(|t| t.is_op("<"))
            && self.t.get(self.i + 1).is_some_and(|t| t.is_op("<"))
        {
            self.i += 2;
            while self.t.get(self.i).is_some_and(|t| !t.is_op(">")) {
                self.i += 1;
            }
            self.i += 2;
        }
        if self.at_end() {
            return Err(self.error("a statement"));
        }
        if self.peek_word("BEGIN") || self.peek_word("DECLARE") {
            return Ok(Stmt::Block(self.block()?));
        }
        if self.eat_word("IF") {
            self.enter()?;
            let mut arms = Vec::new();
            let mut otherwise = Vec::new();
            loop {
                let cond = self.until_word("THEN")?;
                self.i += 1;
                let body = self.stmts(&["ELSIF", "ELSE", "END"])?;
                arms.push((cond, body));
                if self.eat_word("ELSIF") {
                    continue;
                }
                if self.eat_word("ELSE") {
                    otherwise = self.stmts(&["END"])?;
                }
                break;
            }
            self.depth -= 1;
            self.end_of("IF")?;
            return Ok(Stmt::If(arms, otherwise));
        }
        if self.peek_word("LOOP") {
            return Ok(Stmt::Loop(self.loop_body()?));
        }
        if self.eat_word("WHILE") {
            let cond = self.until_word("LOOP")?;
            return Ok(Stmt::While(cond, self.loop_body()?));
        }
        if self.eat_word("FOR") {
            let var = self
                .t
                .get(self.i)
                .and_then(Token::ident)
                .ok_or_else(|| self.error("an identifier"))?;
            self.i += 1;
            self.expect_word("IN")?;
            let reverse = self.eat_word("REVERSE");
            if self.t.get(self.i).is_some_and(|t| t.is_op("(")) {
                return Err(SqlError {
                    offset: self.t[self.i].pos as u32,
                    ..err(
                        6550,
                        "PLS-00999: cursor FOR loops are not supported by the test server",
                    )
                });
            }
            let start = self.i;
            let mut depth = 0i32;
            while let Some(t) = self.t.get(self.i) {
                if t.is_op("(") {
                    depth += 1;
                } else if t.is_op(")") {
                    depth -= 1;
                } else if depth == 0 && (t.is_op("..") || t.is_word("LOOP") || t.is_op(";")) {
                    break;
                }
                self.i += 1;
            }
            let lo = self.t[start..self.i].to_vec();
            if lo.is_empty() || !self.eat_op("..") {
                return Err(self.error(".."));
            }
            let hi = self.until_word("LOOP")?;
            let body = self.loop_body()?;
            return Ok(Stmt::For {
                var,
                reverse,
                lo,
                hi,
                body,
            });
        }
        if self.eat_word("EXIT") {
            return Ok(Stmt::Exit(self.when_clause()?));
        }
        if self.eat_word("CONTINUE") {
            return Ok(Stmt::Continue(self.when_clause()?));
        }
        if self.eat_word("RETURN") {
            let e = self.until_semicolon();
            return Ok(Stmt::Return((!e.is_empty()).then_some(e)));
        }
        if self.peek_word("RAISE") {
            self.i += 1;
            let e = self.until_semicolon();
            let name = e.last().and_then(Token::ident);
            return Ok(Stmt::Raise(name));
        }
        if self.peek_word("CASE") {
            return Err(SqlError {
                offset: self.t[self.i].pos as u32,
                ..err(
                    6550,
                    "PLS-00999: CASE statements are not supported by the test server",
                )
            });
        }
        let s = self.until_semicolon();
        if s.is_empty() {
            return Err(self.error("a statement"));
        }
        if s.len() == 1 && s[0].is_word("NULL") {
            return Ok(Stmt::Null);
        }
        if s.get(1).is_some_and(|t| t.is_op(":=")) {
            if s.len() < 3 {
                return Err(self.error("an expression"));
            }
            return Ok(Stmt::Assign(s[0].clone(), s[2..].to_vec()));
        }
        Ok(Stmt::Simple(s))
    }
}

/// Parses an anonymous block (or a `CALL name(args)` statement).
pub fn parse_anonymous(toks: &[Token], src: &str) -> Result<Block, SqlError> {
    if toks.first().is_some_and(|t| t.is_word("CALL")) {
        let call: Vec<Token> = toks[1..]
            .iter()
            .filter(|t| !t.is_op(";"))
            .cloned()
            .collect();
        return Ok(Block {
            body: vec![Stmt::Simple(call)],
            ..Block::default()
        });
    }
    let mut p = Parser::new(toks, src);
    let b = p.block()?;
    if !p.at_end() {
        return Err(p.error("end-of-file"));
    }
    Ok(b)
}

/// Parameter names and modes of a callable, by its (upper-case) name.
pub type ParamModes<'a> = dyn Fn(&str) -> Option<Vec<(String, BindDir)>> + 'a;

/// Bind names (distinct, first occurrence) and their directions: assigned
/// (`:x :=`, `INTO :x`, an OUT argument of a call) or read.
pub fn analyze(p: &mut Prepared, toks: &[Token], modes: &ParamModes) -> Result<(), SqlError> {
    let mut names: Vec<String> = Vec::new();
    let mut assigned = Vec::new();
    let mut read = Vec::new();
    let mut in_into = false;
    for (i, t) in toks.iter().enumerate() {
        if t.is_word("INTO") {
            in_into = true;
            continue;
        }
        let Tok::Bind(b) = &t.tok else {
            if !t.is_op(",") {
                in_into = false;
            }
            continue;
        };
        let idx = match names.iter().position(|n| n == b) {
            Some(i) => i,
            None => {
                names.push(b.clone());
                assigned.push(false);
                read.push(false);
                names.len() - 1
            }
        };
        if in_into || toks.get(i + 1).is_some_and(|n| n.is_op(":=")) {
            assigned[idx] = true;
            continue;
        }
        match call_arg_mode(toks, i, modes) {
            Some(BindDir::Out) => assigned[idx] = true,
            Some(BindDir::InOut) => {
                assigned[idx] = true;
                read[idx] = true;
            }
            _ => read[idx] = true,
        }
    }
    p.plsql_dirs = assigned
        .iter()
        .zip(&read)
        .map(|(a, r)| match (a, r) {
            (true, true) => BindDir::InOut,
            (true, false) => BindDir::Out,
            _ => BindDir::In,
        })
        .collect();
    p.bind_names = names;
    Ok(())
}

/// The mode of the parameter that the bind at `i` is passed to, when it is
/// a whole argument of a call (`p(:a, x => :b)`).
fn call_arg_mode(toks: &[Token], i: usize, modes: &ParamModes) -> Option<BindDir> {
    let prev = toks.get(i.checked_sub(1)?)?;
    let next = toks.get(i + 1)?;
    if !(prev.is_op("(") || prev.is_op(",") || prev.is_op("=>"))
        || !(next.is_op(",") || next.is_op(")"))
    {
        return None;
    }
    let named = prev
        .is_op("=>")
        .then(|| toks.get(i.checked_sub(2)?)?.ident())
        .flatten();
    let (mut j, mut depth, mut pos) = (i, 0i32, 0usize);
    let open = loop {
        j = j.checked_sub(1)?;
        let t = &toks[j];
        if t.is_op(")") {
            depth += 1;
        } else if t.is_op("(") {
            if depth == 0 {
                break j;
            }
            depth -= 1;
        } else if t.is_op(",") && depth == 0 {
            pos += 1;
        } else if t.is_op(";") {
            return None;
        }
    };
    let name = call_name(toks, open)?;
    let params = modes(&name)?;
    match named {
        Some(n) => params.iter().find(|(p, _)| *p == n).map(|(_, d)| *d),
        None => params.get(pos).map(|(_, d)| *d),
    }
}

/// `NAME` or `PKG.NAME` right before the `(` at `open`.
fn call_name(toks: &[Token], open: usize) -> Option<String> {
    let last = toks.get(open.checked_sub(1)?)?.ident()?;
    if open >= 3 && toks[open - 2].is_op(".") {
        if let Some(q) = toks[open - 3].ident() {
            return Some(format!("{q}.{last}"));
        }
    }
    Some(last)
}

/// Top-level pieces of an argument list, split at commas.
fn split_args(toks: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let (mut start, mut depth) = (0, 0);
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if t.is_op(",") && depth == 0 {
            out.push(&toks[start..i]);
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

/// Index of the `)` closing the `(` at `open`.
fn closing(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// An argument: positional or `name => expr`.
struct Arg<'a> {
    name: Option<String>,
    expr: &'a [Token],
}

fn args_of(toks: &[Token]) -> Vec<Arg<'_>> {
    split_args(toks)
        .into_iter()
        .map(|a| {
            if a.len() >= 3 && a[1].is_op("=>") {
                Arg {
                    name: a[0].ident(),
                    expr: &a[2..],
                }
            } else {
                Arg {
                    name: None,
                    expr: a,
                }
            }
        })
        .collect()
}

/// Variables: the block's binds first, then locals (innermost last).
pub struct Frame {
    names: Vec<String>,
    locals: Vec<String>,
    slots: Vec<Sql>,
    /// Declared types (locals) or the type of the last value assigned (binds).
    types: Vec<Ty>,
    /// The error a handler is running for (RAISE; re-raises it).
    handling: Vec<SqlError>,
    /// The user-defined exception last raised.
    raised: Option<String>,
    temps: usize,
    /// The client's buffer sizes of the binds (anonymous block only).
    limits: Vec<Option<super::BindLimit>>,
}

impl Frame {
    fn new(names: Vec<String>, slots: Vec<Sql>) -> Frame {
        let n = names.len();
        Frame {
            names,
            locals: Vec::new(),
            slots,
            types: vec![Ty::Any; n],
            handling: Vec::new(),
            raised: None,
            temps: 0,
            limits: Vec::new(),
        }
    }
    fn slot_of_bind(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
    fn slot_of_local(&self, name: &str) -> Option<usize> {
        self.locals
            .iter()
            .rposition(|n| n == name)
            .map(|i| i + self.names.len())
    }
    fn target(&self, t: &Token) -> Option<usize> {
        match &t.tok {
            Tok::Bind(b) => self.slot_of_bind(b),
            Tok::Word(_) | Tok::Quoted(_) => self.slot_of_local(&t.ident()?),
            _ => None,
        }
    }
    fn push(&mut self, name: String, ty: Ty, v: Sql) {
        self.locals.push(name);
        self.slots.push(v);
        self.types.push(ty);
    }
    fn truncate(&mut self, locals: usize) {
        self.locals.truncate(locals);
        self.slots.truncate(self.names.len() + locals);
        self.types.truncate(self.names.len() + locals);
    }
    /// Assigns, converting to a local's declared type; a bind takes the
    /// value's type along so its OUT value is sent as that type.
    fn set(&mut self, slot: usize, v: Sql, ty: Ty) -> Result<(), SqlError> {
        if slot < self.names.len() {
            if let Some(limit) = self.limits.get(slot).copied().flatten() {
                limit.check(&v)?;
            }
            self.slots[slot] = v;
            self.types[slot] = ty;
        } else {
            self.slots[slot] = coerce(v, self.types[slot])?;
        }
        Ok(())
    }
}

fn value_error(what: &str) -> SqlError {
    err(6502, &format!("PL/SQL: numeric or value error: {what}"))
}

/// A value converted to a declared PL/SQL type (Oracle's implicit conversion).
pub fn coerce(v: Sql, ty: Ty) -> Result<Sql, SqlError> {
    Ok(match (ty, v) {
        (_, Sql::Null) => Sql::Null,
        (Ty::Number, Sql::Text(t)) => match super::num::parse(&t) {
            Some(n) => n.into_sql(),
            None => return Err(value_error("character to number conversion error")),
        },
        (Ty::Varchar, Sql::Integer(i)) => Sql::Text(i.to_string()),
        (Ty::Varchar, Sql::Real(f)) => Sql::Text(super::num::f64_text(f)),
        (Ty::Boolean, Sql::Text(t)) => match t.to_ascii_uppercase().as_str() {
            "TRUE" | "1" => Sql::Integer(1),
            "FALSE" | "0" => Sql::Integer(0),
            _ => return Err(value_error("character to boolean conversion error")),
        },
        (Ty::Boolean, Sql::Real(f)) => Sql::Integer(i64::from(f != 0.0)),
        (Ty::Date | Ty::Timestamp, Sql::Text(t)) if DateTime::parse_iso(&t).is_err() => {
            return Err(err(1861, "literal does not match format string"))
        }
        (_, v) => v,
    })
}

/// A slot's value as sent back for an OUT bind.
fn out_value(v: &Sql, ty: Ty) -> Value {
    let parsed = |v: &Sql| match v {
        Sql::Text(t) => DateTime::parse_iso(t).ok(),
        _ => None,
    };
    match ty {
        Ty::Boolean => match v {
            Sql::Integer(i) => Value::Boolean(*i != 0),
            Sql::Real(f) => Value::Boolean(*f != 0.0),
            _ => sql_value(ValueRef::from(v)),
        },
        Ty::Date => match parsed(v) {
            Some(d) => Value::Date(DateTime { nanos: 0, ..d }),
            None => sql_value(ValueRef::from(v)),
        },
        Ty::Timestamp => match parsed(v) {
            Some(d) => Value::Timestamp(d),
            None => sql_value(ValueRef::from(v)),
        },
        Ty::Varchar => match v {
            Sql::Integer(i) => Value::Varchar(i.to_string()),
            Sql::Real(f) => Value::Varchar(super::num::f64_text(*f)),
            _ => sql_value(ValueRef::from(v)),
        },
        _ => sql_value(ValueRef::from(v)),
    }
}

fn sql_value(v: ValueRef) -> Value {
    let c = super::ColumnInfo {
        name: String::new(),
        ora_type: 0,
        size: 0,
        char_size: 0,
        precision: 0,
        scale: 0,
        nullable: true,
    };
    match v {
        ValueRef::Integer(_) | ValueRef::Real(_) => to_value(
            v,
            &super::ColumnInfo {
                ora_type: oradb_protocol::value::ora_type::NUMBER,
                ..c
            },
        ),
        ValueRef::Blob(_) => to_value(
            v,
            &super::ColumnInfo {
                ora_type: oradb_protocol::value::ora_type::RAW,
                ..c
            },
        ),
        _ => to_value(
            v,
            &super::ColumnInfo {
                ora_type: oradb_protocol::value::ora_type::VARCHAR,
                ..c
            },
        ),
    }
}

/// How a statement list ended.
enum Flow {
    Next,
    Exit,
    Continue,
    Return(Option<(Sql, Ty)>),
}

/// The Oracle error code a predefined exception name stands for.
fn exception_code(name: &str) -> Option<u32> {
    Some(match name {
        "NO_DATA_FOUND" => 1403,
        "TOO_MANY_ROWS" => 1422,
        "ZERO_DIVIDE" => 1476,
        "DUP_VAL_ON_INDEX" => 1,
        "VALUE_ERROR" => 6502,
        "INVALID_NUMBER" => 1722,
        "CASE_NOT_FOUND" => 6592,
        "PROGRAM_ERROR" => 6501,
        _ => return None,
    })
}

fn is_true(v: &Sql) -> bool {
    match v {
        Sql::Integer(i) => *i != 0,
        Sql::Real(f) => *f != 0.0,
        Sql::Text(t) => t.eq_ignore_ascii_case("TRUE") || t == "1",
        _ => false,
    }
}

fn as_i64(v: &Sql) -> Option<i64> {
    match v {
        Sql::Integer(i) => Some(*i),
        Sql::Real(f) => Some(f.round() as i64),
        Sql::Text(t) => super::num::parse(t).map(|n| n.to_f64().round() as i64),
        _ => None,
    }
}

fn as_text(v: &Sql) -> Option<String> {
    match v {
        Sql::Integer(i) => Some(i.to_string()),
        Sql::Real(f) => Some(super::num::f64_text(*f)),
        Sql::Text(t) => Some(t.clone()),
        _ => None,
    }
}

fn not_declared(t: &Token, name: &str) -> SqlError {
    SqlError {
        offset: t.pos as u32,
        ..err(
            6550,
            &format!("PLS-00201: identifier '{name}' must be declared"),
        )
    }
}

impl Session {
    pub(super) fn run_plsql(&mut self, p: &Prepared, binds: &[Value]) -> Result<Outcome, SqlError> {
        let block = parse_anonymous(&p.toks, &p.sql)?;
        let mut frame = Frame::new(p.bind_names.clone(), binds.iter().map(to_sql).collect());
        frame.slots.resize(frame.names.len(), Sql::Null);
        frame.limits = std::mem::take(&mut self.plsql.limits);
        // Typed IN values keep their type when copied to other binds.
        for (t, v) in frame.types.iter_mut().zip(binds) {
            *t = match v {
                Value::Boolean(_) => Ty::Boolean,
                Value::Date(_) => Ty::Date,
                Value::Timestamp(_) => Ty::Timestamp,
                _ => Ty::Any,
            };
        }
        self.plsql.depth = 0;
        match self.exec_block(&block, &mut frame)? {
            Flow::Return(Some(_)) => {
                return Err(err(
                    6550,
                    "PLS-00372: In a procedure, RETURN statement cannot contain an expression",
                ))
            }
            Flow::Next | Flow::Return(None) => {}
            Flow::Exit | Flow::Continue => {
                return Err(err(
                    6550,
                    "PLS-00376: illegal EXIT/CONTINUE statement; it must appear inside a loop",
                ))
            }
        }
        let out = frame.slots[..frame.names.len()]
            .iter()
            .zip(&frame.types)
            .zip(&p.plsql_dirs)
            .map(|((v, ty), d)| {
                if *d == BindDir::In {
                    Value::Null
                } else {
                    out_value(v, *ty)
                }
            })
            .collect();
        Ok(Outcome::PlSql { out })
    }

    fn exec_block(&mut self, b: &Block, frame: &mut Frame) -> Result<Flow, SqlError> {
        let mark = frame.locals.len();
        let r = self.exec_block_inner(b, frame);
        frame.truncate(mark);
        r
    }

    fn exec_block_inner(&mut self, b: &Block, frame: &mut Frame) -> Result<Flow, SqlError> {
        let mark = frame.locals.len();
        let run = |s: &mut Session, frame: &mut Frame| -> Result<Flow, SqlError> {
            for d in &b.decls {
                let v = match &d.init {
                    Some(e) => coerce(s.eval(e, frame)?.0, d.ty)?,
                    None => Sql::Null,
                };
                frame.push(d.name.clone(), d.ty, v);
            }
            s.exec_stmts(&b.body, frame)
        };
        let e = match run(self, frame) {
            Ok(f) => return Ok(f),
            Err(e) => e,
        };
        // A cancel is never caught; it ends the call.
        if e.code == 1013 || b.handlers.is_empty() {
            return Err(e);
        }
        let user = frame.raised.take();
        let handler = b.handlers.iter().find(|h| {
            h.names.iter().any(|n| {
                n == "OTHERS"
                    || exception_code(n) == Some(e.code)
                    || (e.code == 6510 && user.as_deref() == Some(n.as_str()))
            })
        });
        let Some(h) = handler else {
            frame.raised = user;
            return Err(e);
        };
        // The handler sees the block's declarations but no longer its
        // nested state; SQLCODE/SQLERRM read the error being handled.
        frame.truncate(mark + b.decls.len().min(frame.locals.len() - mark));
        let code = match e.code {
            1403 => 100,
            c if e.message.starts_with("ORA-") => -(c as i64),
            c => c as i64,
        };
        let hmark = frame.locals.len();
        frame.push("SQLCODE".into(), Ty::Number, Sql::Integer(code));
        frame.push("SQLERRM".into(), Ty::Varchar, Sql::Text(e.message.clone()));
        frame.handling.push(e);
        let r = self.exec_stmts(&h.body, frame);
        frame.handling.pop();
        frame.truncate(hmark);
        r
    }

    fn exec_stmts(&mut self, stmts: &[Stmt], frame: &mut Frame) -> Result<Flow, SqlError> {
        for s in stmts {
            self.check_interrupt()?;
            match self.exec_stmt(s, frame)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    fn cond(&mut self, c: &[Token], frame: &mut Frame) -> Result<bool, SqlError> {
        Ok(is_true(&self.eval(c, frame)?.0))
    }

    /// Runs a loop body once; `Some` ends the loop with that flow.
    fn iteration(&mut self, body: &[Stmt], frame: &mut Frame) -> Result<Option<Flow>, SqlError> {
        self.check_interrupt()?;
        Ok(match self.exec_stmts(body, frame)? {
            Flow::Exit => Some(Flow::Next),
            Flow::Return(v) => Some(Flow::Return(v)),
            Flow::Next | Flow::Continue => None,
        })
    }

    fn exec_stmt(&mut self, s: &Stmt, frame: &mut Frame) -> Result<Flow, SqlError> {
        match s {
            Stmt::Null => Ok(Flow::Next),
            Stmt::Assign(target, expr) => {
                let slot = frame.target(target).ok_or_else(|| {
                    not_declared(target, &target.ident().unwrap_or_else(|| "?".into()))
                })?;
                let (v, ty) = self.eval(expr, frame)?;
                frame.set(slot, v, ty)?;
                Ok(Flow::Next)
            }
            Stmt::If(arms, otherwise) => {
                for (c, body) in arms {
                    if self.cond(c, frame)? {
                        return self.exec_stmts(body, frame);
                    }
                }
                self.exec_stmts(otherwise, frame)
            }
            Stmt::Loop(body) => loop {
                if let Some(f) = self.iteration(body, frame)? {
                    return Ok(f);
                }
            },
            Stmt::While(c, body) => {
                while self.cond(c, frame)? {
                    if let Some(f) = self.iteration(body, frame)? {
                        return Ok(f);
                    }
                }
                Ok(Flow::Next)
            }
            Stmt::For {
                var,
                reverse,
                lo,
                hi,
                body,
            } => {
                let bound = |v: Sql| {
                    as_i64(&v).ok_or_else(|| value_error("FOR loop bound is NULL or not a number"))
                };
                let lo = bound(self.eval(lo, frame)?.0)?;
                let hi = bound(self.eval(hi, frame)?.0)?;
                let mark = frame.locals.len();
                frame.push(var.clone(), Ty::Number, Sql::Null);
                let slot = frame.slots.len() - 1;
                let mut flow = Flow::Next;
                let mut k = if *reverse { hi } else { lo };
                while lo <= hi && (lo..=hi).contains(&k) {
                    frame.slots[slot] = Sql::Integer(k);
                    match self.iteration(body, frame) {
                        Ok(None) => {}
                        Ok(Some(f)) => {
                            flow = f;
                            break;
                        }
                        Err(e) => {
                            frame.truncate(mark);
                            return Err(e);
                        }
                    }
                    k = if *reverse { k - 1 } else { k + 1 };
                }
                frame.truncate(mark);
                Ok(flow)
            }
            Stmt::Exit(c) => match c {
                Some(c) if !self.cond(c, frame)? => Ok(Flow::Next),
                _ => Ok(Flow::Exit),
            },
            Stmt::Continue(c) => match c {
                Some(c) if !self.cond(c, frame)? => Ok(Flow::Next),
                _ => Ok(Flow::Continue),
            },
            Stmt::Return(e) => match e {
                Some(e) => Ok(Flow::Return(Some(self.eval(e, frame)?))),
                None => Ok(Flow::Return(None)),
            },
            Stmt::Raise(name) => Err(match name {
                None => frame.handling.last().cloned().ok_or_else(|| {
                    err(
                        6550,
                        "PLS-00367: a RAISE statement with no exception name must be inside an exception handler",
                    )
                })?,
                Some(n) => match exception_code(n) {
                    Some(1403) => err(1403, "no data found"),
                    Some(1422) => err(1422, "exact fetch returns more than requested number of rows"),
                    Some(1476) => err(1476, "divisor is equal to zero"),
                    Some(1) => err(1, "unique constraint violated"),
                    Some(1722) => err(1722, "invalid number"),
                    Some(6502) => err(6502, "PL/SQL: numeric or value error"),
                    Some(c) => err(c, "PL/SQL error"),
                    None => {
                        frame.raised = Some(n.clone());
                        err(6510, "PL/SQL: unhandled user-defined exception")
                    }
                },
            }),
            Stmt::Block(b) => self.exec_block(b, frame),
            Stmt::Simple(s) => {
                self.statement(s, frame)?;
                Ok(Flow::Next)
            }
        }
    }

    fn rewrite_with(&self, toks: &[Token], frame: &Frame) -> String {
        let bind = |n: &str| frame.slot_of_bind(n);
        let local = |n: &str| frame.slot_of_local(n);
        let mut ctx = Ctx {
            binds: BindMode::Named(&bind),
            next_bind: 0,
            user: &self.user,
            locals: &local,
        };
        rewrite::rewrite(toks, &mut ctx)
    }

    /// Evaluates an expression; the type is known when it is a variable or
    /// a call of a stored function.
    fn eval(&mut self, expr: &[Token], frame: &mut Frame) -> Result<(Sql, Ty), SqlError> {
        let mark = frame.locals.len();
        let r = self.eval_inner(expr, frame);
        frame.truncate(mark);
        r
    }

    fn eval_inner(&mut self, expr: &[Token], frame: &mut Frame) -> Result<(Sql, Ty), SqlError> {
        let expr = self.substitute_calls(expr, frame, true)?;
        if let [one] = expr.as_slice() {
            if let Some(slot) = frame.target(one) {
                return Ok((frame.slots[slot].clone(), frame.types[slot]));
            }
        }
        let sql = format!("SELECT {}", self.rewrite_with(&expr, frame));
        let rows = self.query_slots(&sql, &expr, frame).map_err(|e| {
            // In a PL/SQL expression an unknown name is an undeclared
            // identifier, not a column.
            match (e.code, e.message.split('"').nth(1)) {
                (904, Some(name)) => SqlError {
                    offset: e.offset,
                    ..err(
                        6550,
                        &format!("PLS-00201: identifier '{name}' must be declared"),
                    )
                },
                _ => e,
            }
        })?;
        Ok((
            rows.into_iter()
                .next()
                .and_then(|r| r.into_iter().next())
                .unwrap_or(Sql::Null),
            Ty::Any,
        ))
    }

    /// Replaces calls of stored functions by temporary variables holding
    /// their results. In SQL statements (`plsql` false) a call whose
    /// arguments cannot be evaluated here (columns) is left to SQLite.
    fn substitute_calls(
        &mut self,
        toks: &[Token],
        frame: &mut Frame,
        plsql: bool,
    ) -> Result<Vec<Token>, SqlError> {
        let mut out: Vec<Token> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            let callable = matches!(t.tok, Tok::Word(_) | Tok::Quoted(_))
                && !out.last().is_some_and(|p| p.is_op("."))
                && !toks.get(i + 1).is_some_and(|n| n.is_op("."))
                && frame.target(t).is_none();
            let paren = toks.get(i + 1).is_some_and(|n| n.is_op("("));
            // A bare name is a call only in PL/SQL expressions (in SQL it
            // is a column).
            if callable && (paren || plsql) {
                if let Some(unit) = t.ident().and_then(|n| self.stored_function(&n)) {
                    let (args, next) = if paren {
                        match closing(toks, i + 1) {
                            Some(c) => (&toks[i + 2..c], c + 1),
                            None => (&toks[i + 1..i + 1], i + 1),
                        }
                    } else {
                        (&toks[i + 1..i + 1], i + 1)
                    };
                    let r = self.call_unit(&unit, args, frame, t);
                    let (v, ty) = match r {
                        Ok(Some(v)) => v,
                        Ok(None) => (Sql::Null, Ty::Any),
                        Err(e) if !plsql && e.code == 904 => {
                            out.push(t.clone());
                            i += 1;
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    frame.temps += 1;
                    let name = format!("ORA$T{}", frame.temps);
                    frame.push(name.clone(), ty, v);
                    out.push(Token {
                        tok: Tok::Word(name),
                        pos: t.pos,
                    });
                    i = next;
                    continue;
                }
            }
            out.push(t.clone());
            i += 1;
        }
        Ok(out)
    }

    fn query_slots(
        &mut self,
        sql: &str,
        toks: &[Token],
        frame: &Frame,
    ) -> Result<Vec<Vec<Sql>>, SqlError> {
        self.materialize_views(toks)?;
        let map = |e: rusqlite::Error| errors::map(&e, toks, &self.user);
        let mut stmt = self.conn.prepare(sql).map_err(map)?;
        let n = stmt.parameter_count();
        let params: Vec<&Sql> = frame.slots.iter().take(n).collect();
        let cols = stmt.column_count();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(|e| errors::map(&e, toks, &self.user))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| errors::map(&e, toks, &self.user))? {
            out.push(
                (0..cols)
                    .map(|i| r.get_ref(i).map(Sql::from).unwrap_or(Sql::Null))
                    .collect(),
            );
        }
        Ok(out)
    }

    /// The arguments of `NAME(args)` as written after the name.
    fn call_args(s: &[Token], after: usize) -> Option<&[Token]> {
        match s.get(after) {
            None if after <= s.len() => Some(&s[after..after]),
            None => None,
            Some(t) if t.is_op("(") => {
                let c = closing(s, after)?;
                (c + 1 == s.len()).then(|| &s[after + 1..c])
            }
            _ => None,
        }
    }

    fn statement(&mut self, s: &[Token], frame: &mut Frame) -> Result<(), SqlError> {
        if s.is_empty() {
            return Err(err(
                6550,
                "PLS-00103: Encountered the symbol \"end-of-file\"",
            ));
        }
        let head = s.first().and_then(Token::ident).unwrap_or_default();
        let dotted = s.get(1).is_some_and(|t| t.is_op("."));
        if dotted {
            let member = s.get(2).and_then(Token::ident).unwrap_or_default();
            let args = Self::call_args(s, 3);
            match (head.as_str(), member.as_str(), args) {
                ("DBMS_SESSION" | "DBMS_LOCK", "SLEEP", Some(a)) => {
                    let secs = match a.is_empty() {
                        true => Sql::Null,
                        false => self.eval(a, frame)?.0,
                    };
                    let secs = match secs {
                        Sql::Integer(i) => i as f64,
                        Sql::Real(f) => f,
                        _ => 0.0,
                    };
                    return self.sleep(Duration::from_secs_f64(secs.clamp(0.0, 86_400.0)));
                }
                ("DBMS_OUTPUT", m, Some(a)) => return self.dbms_output(m, a, frame, &s[2]),
                // Built-in packages win over stored procedures of the same
                // member name (`pkg.proc` is otherwise SCHEMA.PROC).
                (pkg @ ("DBMS_APPLICATION_INFO" | "DBMS_SESSION"), m, Some(a)) => {
                    let args = self.app_call_args(a, frame)?;
                    if self.app_info_call(pkg, m, &args)? {
                        return Ok(());
                    }
                    return Err(SqlError {
                        offset: s[2].pos as u32,
                        ..err(
                            6550,
                            &format!(
                                "PLS-00302: component '{m}' must be declared (not supported by the test server)"
                            ),
                        )
                    });
                }
                (_, _, Some(a)) => {
                    // SCHEMA.PROC(args): our schema is the only one.
                    if let Some(unit) = self.stored_unit(&member)? {
                        self.call_unit(&unit, a, frame, &s[2])?;
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        if head == "RAISE_APPLICATION_ERROR" {
            let inner = Self::call_args(s, 1).unwrap_or_default();
            let args = split_args(inner);
            let code = match args.first() {
                Some(c) => as_i64(&self.eval(c, frame)?.0),
                None => None,
            };
            let msg = match args.get(1) {
                Some(m) => as_text(&self.eval(m, frame)?.0),
                None => None,
            }
            .unwrap_or_default();
            return match code {
                Some(c @ -20999..=-20000) => Err(err(c.unsigned_abs() as u32, &msg)),
                _ => Err(err(
                    21000,
                    &format!(
                        "error number argument to raise_application_error of {} is out of range",
                        code.map_or("NULL".into(), |c| c.to_string())
                    ),
                )),
            };
        }
        match head.as_str() {
            "COMMIT" => return self.user_commit(),
            "ROLLBACK" => return self.user_rollback(),
            "EXECUTE" if s.get(1).is_some_and(|t| t.is_word("IMMEDIATE")) => {
                return self.execute_immediate(&s[2..], frame);
            }
            _ => {}
        }
        match classify(s) {
            Some(StmtKind::Query) => self.select_into(s, frame),
            Some(StmtKind::Dml) => {
                let mark = frame.locals.len();
                let r = self.dml(s, frame);
                frame.truncate(mark);
                r
            }
            Some(StmtKind::Ddl) => Err(SqlError {
                offset: s[0].pos as u32,
                ..err(
                    6550,
                    "PLS-00103: Encountered the symbol \"CREATE\" (DDL needs EXECUTE IMMEDIATE in PL/SQL)",
                )
            }),
            _ if !dotted && matches!(s[0].tok, Tok::Word(_) | Tok::Quoted(_)) => {
                let Some(args) = Self::call_args(s, 1) else {
                    return Err(SqlError {
                        offset: s[0].pos as u32,
                        ..err(6550, "PLS-00103: Encountered an unsupported statement")
                    });
                };
                match self.stored_unit(&head)? {
                    Some(unit) if unit.kind == Kind::Procedure => {
                        self.call_unit(&unit, args, frame, &s[0])?;
                        Ok(())
                    }
                    Some(_) => Err(SqlError {
                        offset: s[0].pos as u32,
                        ..err(
                            6550,
                            &format!("PLS-00221: '{head}' is not a procedure or is undefined"),
                        )
                    }),
                    None => Err(not_declared(&s[0], &head)),
                }
            }
            _ => Err(SqlError {
                offset: s.first().map_or(0, |t| t.pos as u32),
                ..err(6550, "PLS-00103: Encountered an unsupported statement")
            }),
        }
    }

    /// Evaluates the arguments of a built-in package call, `a, name => b, …`
    /// (inside the parentheses), to (parameter name, text value) pairs.
    #[allow(clippy::type_complexity)]
    fn app_call_args(
        &mut self,
        toks: &[Token],
        frame: &mut Frame,
    ) -> Result<Vec<(Option<String>, Option<String>)>, SqlError> {
        let mut out = Vec::new();
        for a in args_of(toks) {
            let v = match self.eval(a.expr, frame)?.0 {
                Sql::Null => None,
                Sql::Text(t) => Some(t),
                Sql::Integer(i) => Some(i.to_string()),
                Sql::Real(f) => Some(f.to_string()),
                Sql::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            };
            out.push((a.name, v));
        }
        Ok(out)
    }

    fn dml(&mut self, s: &[Token], frame: &mut Frame) -> Result<(), SqlError> {
        if self.plsql.in_query {
            return Err(err(14551, "cannot perform a DML operation inside a query"));
        }
        let s = self.substitute_calls(s, frame, false)?;
        self.register_stored_functions(&s);
        self.begin()?;
        self.materialize_views(&s)?;
        let sql = self.rewrite_with(&s, frame);
        let map = |e: rusqlite::Error| errors::map(&e, &s, &self.user);
        let mut stmt = self.conn.prepare(&sql).map_err(map)?;
        let n = stmt.parameter_count();
        let params: Vec<&Sql> = frame.slots.iter().take(n).collect();
        stmt.execute(rusqlite::params_from_iter(params))
            .map_err(|e| errors::map(&e, &s, &self.user))?;
        Ok(())
    }

    /// `EXECUTE IMMEDIATE expr [INTO vars] [USING args]`.
    fn execute_immediate(&mut self, s: &[Token], frame: &mut Frame) -> Result<(), SqlError> {
        let top = |w: &str| {
            let mut depth = 0;
            s.iter().position(|t| {
                if t.is_op("(") {
                    depth += 1;
                } else if t.is_op(")") {
                    depth -= 1;
                }
                depth == 0 && t.is_word(w)
            })
        };
        let using = top("USING");
        let into = top("INTO");
        let end = [using, into].into_iter().flatten().min().unwrap_or(s.len());
        let Some(sql) = as_text(&self.eval(&s[..end], frame)?.0) else {
            return Err(err(
                6535,
                "statement string in EXECUTE IMMEDIATE is NULL or 0 length",
            ));
        };
        let mut values = Vec::new();
        let mut outs = Vec::new();
        if let Some(u) = using {
            let stop = into.filter(|k| *k > u).unwrap_or(s.len());
            for (k, a) in split_args(&s[u + 1..stop]).into_iter().enumerate() {
                let (mode, a) = match a.first() {
                    Some(t) if t.is_word("OUT") => (BindDir::Out, &a[1..]),
                    Some(t) if t.is_word("IN") && a.get(1).is_some_and(|n| n.is_word("OUT")) => {
                        (BindDir::InOut, &a[2..])
                    }
                    Some(t) if t.is_word("IN") => (BindDir::In, &a[1..]),
                    _ => (BindDir::In, a),
                };
                if mode != BindDir::In {
                    let slot = a.first().and_then(|t| frame.target(t)).ok_or_else(|| {
                        err(
                            6550,
                            "PLS-00363: expression cannot be used as an assignment target",
                        )
                    })?;
                    outs.push((k, slot));
                }
                values.push(if mode == BindDir::Out {
                    Value::Null
                } else {
                    out_value(&self.eval(a, frame)?.0, Ty::Any)
                });
            }
        }
        let p = self.prepare(&sql)?;
        // Dynamic SQL binds by position, whatever the placeholders' names.
        match self.execute(&p, &values)? {
            Outcome::Rows { rows, .. } => {
                let Some(k) = into else { return Ok(()) };
                let stop = using.filter(|u| *u > k).unwrap_or(s.len());
                let targets: Vec<usize> = s[k + 1..stop]
                    .iter()
                    .filter(|t| !t.is_op(","))
                    .filter_map(|t| frame.target(t))
                    .collect();
                let row = match rows.len() {
                    0 => return Err(err(1403, "no data found")),
                    1 => rows.into_iter().next().unwrap_or_default(),
                    _ => {
                        return Err(err(
                            1422,
                            "exact fetch returns more than requested number of rows",
                        ))
                    }
                };
                for (slot, v) in targets.into_iter().zip(row) {
                    frame.set(slot, to_sql(&v), Ty::Any)?;
                }
            }
            Outcome::PlSql { out } => {
                for (k, slot) in outs {
                    let v = out.get(k).map(to_sql).unwrap_or(Sql::Null);
                    frame.set(slot, v, Ty::Any)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn select_into(&mut self, s: &[Token], frame: &mut Frame) -> Result<(), SqlError> {
        let into = s.iter().position(|t| t.is_word("INTO")).ok_or_else(|| {
            err(
                6550,
                "PLS-00428: an INTO clause is expected in this SELECT statement",
            )
        })?;
        let from = s
            .iter()
            .skip(into)
            .position(|t| t.is_word("FROM"))
            .map(|k| k + into)
            .unwrap_or(s.len());
        let targets: Vec<usize> = s[into + 1..from]
            .iter()
            .filter(|t| !t.is_op(","))
            .map(|t| {
                frame
                    .target(t)
                    .ok_or_else(|| not_declared(t, &t.ident().unwrap_or_default()))
            })
            .collect::<Result<_, _>>()?;
        let mut q: Vec<Token> = s[..into].to_vec();
        q.extend_from_slice(&s[from..]);
        let mark = frame.locals.len();
        let q = self.substitute_calls(&q, frame, false);
        let rows = q.and_then(|q| {
            self.register_stored_functions(&q);
            let sql = self.rewrite_with(&q, frame);
            self.query_slots(&sql, s, frame)
        });
        frame.truncate(mark);
        let rows = rows?;
        match rows.len() {
            0 => Err(err(1403, "no data found")),
            1 => {
                for (slot, v) in targets
                    .into_iter()
                    .zip(rows.into_iter().next().unwrap_or_default())
                {
                    frame.set(slot, v, Ty::Any)?;
                }
                Ok(())
            }
            _ => Err(err(
                1422,
                "exact fetch returns more than requested number of rows",
            )),
        }
    }

    /// DBMS_OUTPUT.ENABLE/DISABLE/PUT/PUT_LINE/NEW_LINE/GET_LINE(S).
    fn dbms_output(
        &mut self,
        member: &str,
        args: &[Token],
        frame: &mut Frame,
        at: &Token,
    ) -> Result<(), SqlError> {
        let args = args_of(args);
        let arg = |k: usize, name: &str| {
            args.iter()
                .find(|a| a.name.as_deref() == Some(name))
                .or_else(|| args.get(k).filter(|a| a.name.is_none()))
                .map(|a| a.expr)
        };
        // An OUT argument: a bind or a variable, named alone.
        let target = |e: Option<&[Token]>, frame: &Frame| {
            e.and_then(|e| (e.len() == 1).then(|| frame.target(&e[0])).flatten())
                .ok_or_else(|| wrong_args(member, at))
        };
        match member {
            "ENABLE" => {
                match arg(0, "BUFFER_SIZE") {
                    Some(e) => {
                        let size = as_i64(&self.eval(e, frame)?.0);
                        self.plsql.output.enable(size);
                    }
                    None => self.plsql.output.enable_default(),
                }
            }
            "DISABLE" => self.plsql.output.disable(),
            "NEW_LINE" => self.plsql.output.new_line(),
            "PUT" | "PUT_LINE" => {
                let e = arg(0, "A").ok_or_else(|| wrong_args(member, at))?;
                let v = as_text(&self.eval(e, frame)?.0).unwrap_or_default();
                if member == "PUT" {
                    self.plsql.output.put(&v)?;
                } else {
                    self.plsql.output.put_line(&v)?;
                }
            }
            "GET_LINE" => {
                let line = target(arg(0, "LINE"), frame)?;
                let status = target(arg(1, "STATUS"), frame)?;
                let (l, st) = match self.plsql.output.get_line() {
                    Some(l) => (Sql::Text(l), 0),
                    None => (Sql::Null, 1),
                };
                frame.set(line, l, Ty::Varchar)?;
                frame.set(status, Sql::Integer(st), Ty::Number)?;
            }
            "GET_LINES" => {
                let lines = target(arg(0, "LINES"), frame)?;
                let numlines = target(arg(1, "NUMLINES"), frame)?;
                // LINES must be an array bind: there are no collection
                // variables here, and a scalar cannot take several lines.
                let binds = frame.names.len();
                let Some(Some(array)) = (lines < binds)
                    .then(|| self.plsql.arrays.get(lines).cloned())
                    .flatten()
                else {
                    return Err(wrong_args(member, at));
                };
                // At most NUMLINES lines and at most what the array holds;
                // the rest stays buffered for the next read.
                let asked = as_i64(&frame.slots[numlines]).unwrap_or(0).max(0) as usize;
                let mut got = Vec::new();
                while got.len() < asked.min(array.max) {
                    match self.plsql.output.get_line() {
                        Some(l) => got.push(oradb_protocol::value::Value::Varchar(l)),
                        None => break,
                    }
                }
                let n = got.len() as i64;
                if let Some(slot) = self.plsql.arrays.get_mut(lines) {
                    *slot = Some(super::ArrayBind {
                        max: array.max,
                        values: got,
                    });
                }
                frame.set(numlines, Sql::Integer(n), Ty::Number)?;
            }
            _ => {
                return Err(SqlError {
                    offset: at.pos as u32,
                    ..err(
                        6550,
                        &format!(
                            "PLS-00302: component '{member}' must be declared (not supported by the test server)"
                        ),
                    )
                })
            }
        }
        Ok(())
    }

    /// Calls a stored procedure or function with the caller's argument
    /// tokens; OUT and IN OUT arguments are copied back on success.
    fn call_unit(
        &mut self,
        unit: &Arc<Unit>,
        args: &[Token],
        frame: &mut Frame,
        at: &Token,
    ) -> Result<Option<(Sql, Ty)>, SqlError> {
        let body = unit.body.as_ref().map_err(|_| SqlError {
            offset: at.pos as u32,
            ..err(
                6550,
                &format!(
                    "line 1, column {}:\nPLS-00905: object {}.{} is invalid",
                    at.pos + 1,
                    self.user,
                    unit.name
                ),
            )
        })?;
        if self.plsql.depth >= MAX_CALL_DEPTH {
            return Err(err(
                36,
                &format!("maximum number of recursive SQL levels ({MAX_CALL_DEPTH}) exceeded"),
            ));
        }
        let args = args_of(args);
        let wrong = || SqlError {
            offset: at.pos as u32,
            ..err(
                6550,
                &format!(
                    "PLS-00306: wrong number or types of arguments in call to '{}'",
                    unit.name
                ),
            )
        };
        let positional = args.iter().take_while(|a| a.name.is_none()).count();
        if positional > unit.params.len()
            || args[positional..].iter().any(|a| {
                a.name.is_none() || !unit.params.iter().any(|p| Some(&p.name) == a.name.as_ref())
            })
        {
            return Err(wrong());
        }
        let mut callee = Frame::new(Vec::new(), Vec::new());
        let mut copy_back = Vec::new();
        for (k, p) in unit.params.iter().enumerate() {
            let arg = if k < positional {
                Some(args[k].expr)
            } else {
                args.iter()
                    .find(|a| a.name.as_ref() == Some(&p.name))
                    .map(|a| a.expr)
            };
            let v = match (p.mode, arg) {
                (BindDir::In, Some(a)) => self.eval(a, frame)?.0,
                (BindDir::In, None) => match &p.default {
                    Some(d) => self.eval(d, &mut callee)?.0,
                    None => return Err(wrong()),
                },
                (_, Some(a)) => {
                    let slot = match a {
                        [one] => frame.target(one),
                        _ => None,
                    }
                    .ok_or_else(|| SqlError {
                        offset: a.first().map_or(at.pos, |t| t.pos) as u32,
                        ..err(
                            6550,
                            &format!(
                                "PLS-00363: expression '{}' cannot be used as an assignment target",
                                a.first().and_then(Token::ident).unwrap_or_default()
                            ),
                        )
                    })?;
                    copy_back.push((slot, callee.slots.len(), p.ty));
                    if p.mode == BindDir::InOut {
                        frame.slots[slot].clone()
                    } else {
                        Sql::Null
                    }
                }
                (_, None) => return Err(wrong()),
            };
            let v = coerce(v, p.ty)?;
            callee.push(p.name.clone(), p.ty, v);
        }
        self.plsql.depth += 1;
        let r = self.exec_block(body, &mut callee);
        self.plsql.depth -= 1;
        let flow = r?;
        let ret = match (unit.kind, flow) {
            (Kind::Function, Flow::Return(Some((v, _)))) => {
                let ty = unit.ret.unwrap_or(Ty::Any);
                Some((coerce(v, ty)?, ty))
            }
            (Kind::Function, _) => {
                return Err(err(6503, "PL/SQL: Function returned without value"))
            }
            (Kind::Procedure, _) => None,
        };
        for (slot, idx, ty) in copy_back {
            let v = callee.slots.get(idx).cloned().unwrap_or(Sql::Null);
            frame.set(slot, v, ty)?;
        }
        Ok(ret)
    }

    /// Calls a stored function with values (a call from SQL).
    pub(super) fn call_function_values(
        &mut self,
        name: &str,
        args: Vec<Sql>,
    ) -> Result<Sql, SqlError> {
        let unit = self
            .stored_function(name)
            .ok_or_else(|| err(904, &format!("\"{name}\": invalid identifier")))?;
        let names: Vec<String> = (1..=args.len()).map(|i| i.to_string()).collect();
        let mut toks = Vec::new();
        for (k, n) in names.iter().enumerate() {
            if k > 0 {
                toks.push(Token {
                    tok: Tok::Op(",".into()),
                    pos: 0,
                });
            }
            toks.push(Token {
                tok: Tok::Bind(n.clone()),
                pos: 0,
            });
        }
        let mut frame = Frame::new(names, args);
        let at = Token {
            tok: Tok::Word(name.into()),
            pos: 0,
        };
        self.plsql.depth = 0;
        Ok(self
            .call_unit(&unit, &toks, &mut frame, &at)?
            .map(|v| v.0)
            .unwrap_or(Sql::Null))
    }

    /// Sleeps in short slices so a break ends it promptly.
    fn sleep(&self, d: Duration) -> Result<(), SqlError> {
        let end = Instant::now() + d;
        while Instant::now() < end {
            self.check_interrupt()?;
            std::thread::sleep(
                Duration::from_millis(10).min(end.saturating_duration_since(Instant::now())),
            );
        }
        self.check_interrupt()
    }
}

fn wrong_args(member: &str, at: &Token) -> SqlError {
    SqlError {
        offset: at.pos as u32,
        ..err(
            6550,
            &format!("PLS-00306: wrong number or types of arguments in call to '{member}'"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn parse(src: &str) -> Result<Block, SqlError> {
        parse_anonymous(&tokenize(src).unwrap(), src)
    }

    #[test]
    fn parses_control_flow() {
        let b = parse(
            "declare n number := 0; s varchar2(10); begin
               for i in 1..10 loop n := n + i; end loop;
               while n > 0 loop n := n - 7; exit when n < 3; end loop;
               if n = 1 then null; elsif n = 2 then s := 'two'; else s := 'x'; end if;
               <<outer>> loop exit; end loop outer;
               begin raise no_data_found; exception when no_data_found or too_many_rows then null; end;
             end;",
        )
        .unwrap();
        assert_eq!(b.decls.len(), 2);
        assert_eq!(b.decls[0].ty, Ty::Number);
        assert_eq!(b.decls[1].ty, Ty::Varchar);
        assert_eq!(b.body.len(), 5);
        assert!(matches!(&b.body[0], Stmt::For { var, reverse: false, .. } if var == "I"));
        assert!(matches!(&b.body[2], Stmt::If(arms, other) if arms.len() == 2 && other.len() == 1));
        assert!(matches!(&b.body[4], Stmt::Block(inner) if inner.handlers[0].names.len() == 2));
    }

    #[test]
    fn malformed_blocks_are_errors_not_panics() {
        for src in [
            "begin",
            "begin end;",
            "begin if x then null; end;",
            "begin loop null; end if; end;",
            "begin for i in 1 loop null; end loop; end;",
            "begin x := ; end;",
            "declare x; begin null; end;",
            "begin null; end; extra",
            "begin while loop null; end loop; end;",
            "begin <<a begin null; end;",
            "begin exception when then null; end;",
        ] {
            assert!(parse(src).is_err(), "{src}");
        }
        let deep = format!("{}null;{}", "begin ".repeat(200), "end; ".repeat(200));
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn ranges_and_coercion() {
        let toks = normalize(&tokenize("1..n a .. 3").unwrap());
        let ops = toks.iter().filter(|t| t.is_op("..")).count();
        assert_eq!(ops, 2);
        assert_eq!(
            coerce(Sql::Text("42".into()), Ty::Number).unwrap(),
            Sql::Integer(42)
        );
        assert_eq!(
            coerce(Sql::Integer(7), Ty::Varchar).unwrap(),
            Sql::Text("7".into())
        );
        assert_eq!(
            coerce(Sql::Text("abc".into()), Ty::Number)
                .unwrap_err()
                .code,
            6502
        );
        assert_eq!(
            out_value(&Sql::Integer(1), Ty::Boolean),
            Value::Boolean(true)
        );
    }
}
