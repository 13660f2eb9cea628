//! Declarations that have structure of their own: procedures and functions
//! (local, in packages, stored), cursors, TYPE/SUBTYPE, packages.

use crate::errors::err;
use crate::lexer::{split_commas, Tok, Token};
use crate::{BindDir, SqlError};

use super::super::ast::*;
use super::Parser;

/// A token's text as written (words upper-cased), for literals in pragmas.
pub(super) fn text_of(t: &Token) -> String {
    match &t.tok {
        Tok::Word(w) => w.to_ascii_uppercase(),
        Tok::Op(w) | Tok::Number(w) | Tok::Quoted(w) | Tok::Str(w) | Tok::Bind(w) => w.clone(),
    }
}

impl Parser<'_> {
    fn ident_here(&mut self) -> Result<String, SqlError> {
        let n = self
            .t
            .get(self.i)
            .and_then(Token::ident)
            .ok_or_else(|| self.error("an identifier"))?;
        self.i += 1;
        Ok(n)
    }

    /// `(p1 …, p2 …)` at the current token, if any.
    fn param_list(&mut self) -> Result<Vec<Param>, SqlError> {
        if !self.eat_op("(") {
            return Ok(Vec::new());
        }
        let inner = self.scan_close()?;
        split_commas(&inner)
            .into_iter()
            .map(|p| parse_param(p).map_err(|m| self.error_at(p, &m)))
            .collect()
    }

    /// Tokens up to the `)` closing an already consumed `(` (consumed too).
    fn scan_close(&mut self) -> Result<Vec<Token>, SqlError> {
        let start = self.i;
        let mut depth = 0;
        while let Some(t) = self.t.get(self.i) {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                if depth == 0 {
                    let out = self.t[start..self.i].to_vec();
                    self.i += 1;
                    return Ok(out);
                }
                depth -= 1;
            }
            self.i += 1;
        }
        Err(self.error(")"))
    }

    fn error_at(&self, toks: &[Token], msg: &str) -> SqlError {
        SqlError {
            offset: toks
                .first()
                .or_else(|| self.t.get(self.i))
                .map_or(0, |t| t.pos as u32),
            ..err(6550, msg)
        }
    }

    /// After PROCEDURE/FUNCTION: `name [(params)] [RETURN type] [options]`
    /// then `;` (a declaration only) or `IS|AS decls BEGIN … END;`.
    pub fn subprogram(&mut self, kind: Kind) -> Result<Unit, SqlError> {
        let mut name = self.ident_here()?;
        // schema.name: the name is what counts.
        if self.eat_op(".") {
            name = self.ident_here()?;
        }
        self.subprogram_rest(name, kind)
    }

    pub fn subprogram_rest(&mut self, name: String, kind: Kind) -> Result<Unit, SqlError> {
        let params = self.param_list()?;
        let mut ret = None;
        if kind == Kind::Function {
            if !self.eat_word("RETURN") {
                return Err(self.error("return"));
            }
            let start = self.i;
            while let Some(t) = self.t.get(self.i) {
                if t.is_word("IS") || t.is_word("AS") || t.is_op(";") {
                    break;
                }
                self.i += 1;
            }
            if self.i == start {
                return Err(self.error("a type"));
            }
            ret = Some(ty_of(&self.t[start..self.i]));
        }
        // Options (DETERMINISTIC, PIPELINED, AUTHID …) up to IS/AS or `;`.
        while let Some(t) = self.t.get(self.i) {
            if t.is_word("IS") || t.is_word("AS") || t.is_op(";") {
                break;
            }
            self.i += 1;
        }
        if self.eat_op(";") {
            let body = Err(err(
                6550,
                &format!("PLS-00328: A subprogram body must be defined for the forward declaration of {name}."),
            ));
            return Ok(Unit {
                name,
                kind,
                params,
                ret,
                body,
            });
        }
        if !(self.eat_word("IS") || self.eat_word("AS")) {
            return Err(self.error("is as"));
        }
        let decls = self.decls()?;
        let body = self.block_body(decls)?;
        Ok(Unit {
            name,
            kind,
            params,
            ret,
            body: Ok(body),
        })
    }

    /// After CURSOR: `name [(params)] IS query;`
    pub(super) fn cursor_decl(&mut self) -> Result<CursorDecl, SqlError> {
        let name = self.ident_here()?;
        let params = self.param_list()?;
        // `RETURN rowtype` of a cursor spec is not needed to run it.
        if self.eat_word("RETURN") {
            while !self.peek_word("IS") && !self.at_end() && !self.eat_op(";") {
                self.i += 1;
            }
        }
        self.expect_word("IS")?;
        let query = self.until_semicolon();
        if query.is_empty() {
            return Err(self.error("select"));
        }
        Ok(CursorDecl {
            name,
            params,
            query,
        })
    }

    /// After TYPE/SUBTYPE: `name IS …;`
    pub(super) fn type_decl(&mut self, subtype: bool) -> Result<(String, TypeDef), SqlError> {
        let name = self.ident_here()?;
        self.expect_word("IS")?;
        let def = self.until_semicolon();
        let word = |k: usize, w: &str| def.get(k).is_some_and(|t| t.is_word(w));
        let of_ty = |from: usize| {
            let end = def
                .iter()
                .position(|t| t.is_word("INDEX") || t.is_word("NOT"))
                .unwrap_or(def.len());
            ty_of(def.get(from..end).unwrap_or_default())
        };
        let td = if subtype {
            TypeDef::Scalar(ty_of(&def))
        } else if word(0, "TABLE") && word(1, "OF") {
            let index = def.iter().position(|t| t.is_word("INDEX"));
            let by_text = index.is_some_and(|k| {
                matches!(ty_of(def.get(k + 2..).unwrap_or_default()), Ty::Varchar)
            });
            TypeDef::Table {
                elem: of_ty(2),
                by_text,
            }
        } else if word(0, "VARRAY") || (word(0, "VARYING") && word(1, "ARRAY")) {
            let of = def
                .iter()
                .position(|t| t.is_word("OF"))
                .unwrap_or(def.len());
            TypeDef::Table {
                elem: of_ty(of + 1),
                by_text: false,
            }
        } else if word(0, "RECORD") && def.get(1).is_some_and(|t| t.is_op("(")) {
            let inner = def.get(2..def.len().saturating_sub(1)).unwrap_or_default();
            let fields = split_commas(inner)
                .into_iter()
                .filter_map(|f| Some((f.first()?.ident()?, ty_of(f.get(1..)?))))
                .collect();
            TypeDef::Record(fields)
        } else if word(0, "REF") && word(1, "CURSOR") {
            TypeDef::Scalar(Ty::RefCursor)
        } else {
            return Err(self.error_at(&def, "PLS-00103: Encountered an unsupported TYPE"));
        };
        Ok((name, td))
    }
}

/// `name [IN] [OUT] [NOCOPY] type [:= | DEFAULT expr]`.
fn parse_param(p: &[Token]) -> Result<Param, String> {
    let name = p
        .first()
        .and_then(Token::ident)
        .ok_or("PLS-00103: Encountered a symbol when expecting an identifier")?;
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
        return Err(format!("PLS-00103: parameter {name} has no type"));
    }
    let default = def.map(|d| p[d + 1..].to_vec());
    if default.is_some() && mode != BindDir::In {
        return Err(
            "PLS-00230: OUT and IN OUT formal parameters may not have default expressions".into(),
        );
    }
    Ok(Param {
        name,
        mode,
        ty: ty_of(ty_toks),
        ty_name: type_name(ty_toks),
        default,
    })
}

/// `PACKAGE [BODY] [schema.]name … IS|AS decls [BEGIN …] END [name];` after
/// CREATE [OR REPLACE] [EDITIONABLE]: (name, is body, parsed declarations or
/// the compilation error). The name must parse; the rest may fail.
pub fn parse_package(
    toks: &[Token],
    src: &str,
) -> Result<(String, bool, Result<Block, SqlError>), SqlError> {
    let mut p = Parser::new(toks, src);
    p.expect_word("PACKAGE")?;
    let body = p.eat_word("BODY");
    let mut name = p.ident_here().map_err(|e| SqlError {
        code: 4050,
        message: "ORA-04050: invalid or missing procedure, function, or package name".into(),
        ..e
    })?;
    if p.eat_op(".") {
        name = p.ident_here()?;
    }
    let rest = (|| {
        // AUTHID …, ACCESSIBLE BY (…), SHARING = … up to IS/AS.
        while !p.peek_word("IS") && !p.peek_word("AS") {
            if p.at_end() {
                return Err(p.error("is as"));
            }
            p.i += 1;
        }
        p.i += 1;
        let decls = p.decls()?;
        let block = if p.peek_word("BEGIN") {
            p.block_body(decls)?
        } else {
            p.expect_word("END")?;
            if p.t.get(p.i).is_some_and(|t| t.ident().is_some()) {
                p.i += 1;
            }
            p.end_stmt()?;
            decls
        };
        if !p.at_end() {
            return Err(p.error("end-of-file"));
        }
        if !body {
            if let Some(u) = block.subs.iter().find(|u| u.body.is_ok()) {
                return Err(err(
                    6550,
                    &format!(
                        "PLS-00103: subprogram body {} in a package specification",
                        u.name
                    ),
                ));
            }
        }
        Ok(block)
    })();
    Ok((name, body, rest))
}
