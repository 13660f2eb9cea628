//! Recursive-descent parsing of PL/SQL blocks into the statement tree.

use crate::errors::err;
use crate::lexer::{Tok, Token};
use crate::SqlError;

use super::ast::*;
use super::MAX_NESTING;

mod decls;
pub use decls::parse_package;

/// `1..10` lexes as the number "1.." and `a..b` as two dots: make `..` one
/// operator so FOR ranges parse.
pub(super) fn normalize(toks: &[Token]) -> Vec<Token> {
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

    pub(super) fn eat_word(&mut self, w: &str) -> bool {
        if self.peek_word(w) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn expect_word(&mut self, w: &str) -> Result<(), SqlError> {
        if self.eat_word(w) {
            Ok(())
        } else {
            Err(self.error(w))
        }
    }

    pub(super) fn eat_op(&mut self, o: &str) -> bool {
        if self.t.get(self.i).is_some_and(|t| t.is_op(o)) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// `;`, optional at the very end of the text.
    pub(super) fn end_stmt(&mut self) -> Result<(), SqlError> {
        if self.eat_op(";") || self.at_end() {
            Ok(())
        } else {
            Err(self.error(";"))
        }
    }

    /// Advances to the first token at which `stop(token, paren depth)` holds
    /// (or the end); the tokens passed over.
    fn scan(&mut self, stop: impl Fn(&Token, i32) -> bool) -> Vec<Token> {
        let start = self.i;
        let mut depth = 0i32;
        while let Some(t) = self.t.get(self.i) {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth -= 1;
            } else if stop(t, depth) {
                break;
            }
            self.i += 1;
        }
        self.t[start..self.i].to_vec()
    }

    /// Tokens up to (not including) the word `stop` at paren depth 0.
    pub(super) fn until_word(&mut self, stop: &str) -> Result<Vec<Token>, SqlError> {
        let out = self.scan(|t, depth| depth == 0 && (t.is_word(stop) || t.is_op(";")));
        if !self.peek_word(stop) || out.is_empty() {
            return Err(self.error(stop));
        }
        Ok(out)
    }

    /// Tokens up to the next `;` at paren depth 0 (consumed).
    pub(super) fn until_semicolon(&mut self) -> Vec<Token> {
        let out = self.scan(|t, depth| depth <= 0 && t.is_op(";"));
        self.eat_op(";");
        out
    }

    /// Declarations up to BEGIN (or END: a package spec): variables,
    /// constants, exceptions, TYPE/SUBTYPE, CURSOR, PRAGMA, and local
    /// procedures and functions.
    pub fn decls(&mut self) -> Result<Block, SqlError> {
        let mut out = Block::default();
        while !self.peek_word("BEGIN") && !self.peek_word("END") {
            if self.at_end() {
                return Err(self.error("begin"));
            }
            let first = &self.t[self.i];
            let name = first.ident().ok_or_else(|| self.error("an identifier"))?;
            let keyword = matches!(first.tok, Tok::Word(_));
            self.i += 1;
            match name.as_str() {
                "PROCEDURE" | "FUNCTION" if keyword => {
                    let kind = if name == "FUNCTION" {
                        Kind::Function
                    } else {
                        Kind::Procedure
                    };
                    out.subs.push(std::sync::Arc::new(self.subprogram(kind)?));
                }
                "CURSOR" if keyword => out.cursors.push(self.cursor_decl()?),
                "TYPE" | "SUBTYPE" if keyword => {
                    let (n, def) = self.type_decl(name == "SUBTYPE")?;
                    out.types.push((n, def));
                }
                "PRAGMA" if keyword => {
                    let p = self.until_semicolon();
                    if p.first().is_some_and(|t| t.is_word("EXCEPTION_INIT")) {
                        out.pragmas.push(self.exception_init(&p)?);
                    }
                    // AUTONOMOUS_TRANSACTION, SERIALLY_REUSABLE, …: no effect here.
                }
                _ => out.decls.push(self.var_decl(name)?),
            }
        }
        Ok(out)
    }

    fn var_decl(&mut self, name: String) -> Result<Decl, SqlError> {
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
        Ok(Decl {
            name,
            ty: ty_of(ty_toks),
            ty_name: type_name(ty_toks),
            init: init_at.map(|k| decl[k + 1..].to_vec()),
        })
    }

    /// `(name, -code)` of `EXCEPTION_INIT(name, -code)`.
    fn exception_init(&self, p: &[Token]) -> Result<(String, u32), SqlError> {
        let inner = p.get(2..p.len().saturating_sub(1)).unwrap_or_default();
        let args = crate::lexer::split_commas(inner);
        let name = args.first().and_then(|a| a.first()).and_then(Token::ident);
        let code: String = args
            .get(1)
            .map(|a| a.iter().map(decls::text_of).collect())
            .unwrap_or_default();
        match (name, code.parse::<i64>()) {
            (Some(n), Ok(c)) if (-1_000_000..0).contains(&c) => Ok((n, c.unsigned_abs() as u32)),
            _ => Err(SqlError {
                offset: p.first().map_or(0, |t| t.pos as u32),
                ..err(
                    6550,
                    "PLS-00702: second argument to PRAGMA EXCEPTION_INIT must be a numeric literal",
                )
            }),
        }
    }

    /// `[DECLARE decls] BEGIN … [EXCEPTION …] END [label];`
    pub fn block(&mut self) -> Result<Block, SqlError> {
        let decls = if self.eat_word("DECLARE") {
            self.decls()?
        } else {
            Block::default()
        };
        self.block_body(decls)
    }

    /// `BEGIN … END [label];` with the declarations already read.
    pub fn block_body(&mut self, decls: Block) -> Result<Block, SqlError> {
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
            body,
            handlers,
            ..decls
        })
    }

    pub(super) fn enter(&mut self) -> Result<(), SqlError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(err(
                6550,
                "PLS-00123: program too large (nesting too deep for the test server)",
            ));
        }
        Ok(())
    }

    pub(super) fn stmts(&mut self, terms: &[&str]) -> Result<Vec<Stmt>, SqlError> {
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

    pub(super) fn end_of(&mut self, what: &str) -> Result<(), SqlError> {
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

    pub(super) fn loop_body(&mut self) -> Result<Vec<Stmt>, SqlError> {
        self.expect_word("LOOP")?;
        self.enter()?;
        let body = self.stmts(&["END"])?;
        self.depth -= 1;
        self.end_of("LOOP")?;
        Ok(body)
    }

    /// `[WHEN cond];` after EXIT/CONTINUE (a label is ignored).
    pub(super) fn when_clause(&mut self) -> Result<Option<Vec<Token>>, SqlError> {
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

    pub(super) fn stmt(&mut self) -> Result<Stmt, SqlError> {
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
            let start = self.i;
            let mut depth = 0i32;
            let mut range = false;
            while let Some(t) = self.t.get(self.i) {
                if t.is_op("(") {
                    depth += 1;
                } else if t.is_op(")") {
                    depth -= 1;
                } else if depth == 0 && (t.is_word("LOOP") || t.is_op(";")) {
                    break;
                } else if depth == 0 && t.is_op("..") {
                    range = true;
                }
                self.i += 1;
            }
            // `FOR i IN` at the end of the text has nothing at `start` (a fuzzer's find).
            let cursor_like = self
                .t
                .get(start)
                .is_some_and(|t| t.is_op("(") || matches!(t.tok, Tok::Word(_)));
            if !range && !reverse && self.peek_word("LOOP") && self.i > start && cursor_like {
                // FOR r IN (query) / cursor[(args)] LOOP
                let source = self.t[start..self.i].to_vec();
                let body = self.loop_body()?;
                return Ok(Stmt::ForCursor { var, source, body });
            }
            self.i = start;
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
        let mut depth = 0i32;
        let assign = s.iter().position(|t| {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth -= 1;
            }
            depth == 0 && t.is_op(":=")
        });
        if let Some(k) = assign {
            if k == 0 || k + 1 >= s.len() {
                return Err(self.error("an expression"));
            }
            return Ok(Stmt::Assign(s[..k].to_vec(), s[k + 1..].to_vec()));
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
