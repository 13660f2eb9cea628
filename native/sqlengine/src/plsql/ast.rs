//! The statement tree a PL/SQL block parses into, and declared types.

use std::sync::Arc;

use crate::lexer::Token;
use crate::{BindDir, SqlError};

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
    /// A collection or record: the value lives in the frame's `colls`.
    Coll,
    /// A REF CURSOR: the value is a handle to the session's open ones.
    RefCursor,
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
        "SYS_REFCURSOR" => Ty::RefCursor,
        _ => Ty::Any,
    }
}

/// The dotted name a declaration's type tokens start with when it is not
/// a built-in type (a declared TYPE, `pkg.type`), upper case.
pub fn type_name(toks: &[Token]) -> Option<String> {
    // `[schema.]name%ROWTYPE`: a record of a table's or cursor's columns.
    if let [stem @ .., pct, rowtype] = toks {
        if pct.is_op("%") && rowtype.is_word("ROWTYPE") && !stem.is_empty() {
            return type_name(stem).map(|n| format!("{n}%ROWTYPE"));
        }
    }
    if ty_of(toks) != Ty::Any || toks.iter().any(|t| t.is_op("%")) {
        return None;
    }
    let mut parts = vec![toks.first()?.ident()?];
    let mut k = 1;
    while toks.get(k).is_some_and(|t| t.is_op(".")) {
        parts.push(toks.get(k + 1)?.ident()?);
        k += 2;
    }
    Some(parts.join("."))
}

#[derive(Debug, Clone)]
pub struct Decl {
    pub name: String,
    pub ty: Ty,
    /// A user-declared type the variable is of (collections, records).
    pub ty_name: Option<String>,
    pub init: Option<Vec<Token>>,
}

/// A TYPE or SUBTYPE declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    /// `TABLE OF t [INDEX BY key]` or `VARRAY(n) OF t`; `by_text` when
    /// indexed by a string type.
    Table { elem: Ty, by_text: bool },
    /// `RECORD (field type, …)`.
    Record(Vec<(String, Ty)>),
    /// `REF CURSOR`, a SUBTYPE, or what the test server keeps as a scalar.
    Scalar(Ty),
}

/// `CURSOR name [(params)] IS query;`
#[derive(Debug, Clone)]
pub struct CursorDecl {
    pub name: String,
    pub params: Vec<Param>,
    pub query: Vec<Token>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Procedure,
    Function,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
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
    pub ty_name: Option<String>,
    pub default: Option<Vec<Token>>,
}

/// A procedure or function: stored, local to a block or in a package.
#[derive(Debug)]
pub struct Unit {
    pub name: String,
    pub kind: Kind,
    pub params: Vec<Param>,
    pub ret: Option<Ty>,
    /// The parsed body, or the compilation error that made it INVALID (or
    /// the missing body of a declaration in a package spec).
    pub body: Result<Block, SqlError>,
}

/// A package: its spec's declarations and its body (declarations and the
/// initialization section), when created.
#[derive(Debug, Default)]
pub struct Package {
    pub name: String,
    pub spec: Block,
    pub body: Option<Block>,
}

impl Package {
    /// The subprograms called `name`: the body's first (they have code),
    /// then the spec's.
    pub fn subs(&self, name: &str) -> impl Iterator<Item = &Arc<Unit>> {
        let n = name.to_string();
        self.body
            .iter()
            .flat_map(|b| b.subs.iter())
            .chain(self.spec.subs.iter())
            .filter(move |u| u.name == n)
    }
    pub fn typedef(&self, name: &str) -> Option<&TypeDef> {
        self.spec
            .types
            .iter()
            .chain(self.body.iter().flat_map(|b| b.types.iter()))
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
    }
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
    /// Local (or package) procedures and functions.
    pub subs: Vec<Arc<Unit>>,
    pub types: Vec<(String, TypeDef)>,
    pub cursors: Vec<CursorDecl>,
    /// PRAGMA EXCEPTION_INIT(name, -code).
    pub pragmas: Vec<(String, u32)>,
    pub body: Vec<Stmt>,
    pub handlers: Vec<Handler>,
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Null,
    /// `target := expr`; the target is a variable, `coll(key)` or `rec.field`.
    Assign(Vec<Token>, Vec<Token>),
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
    /// `FOR r IN (query) LOOP` or `FOR r IN cursor[(args)] LOOP`.
    ForCursor {
        var: String,
        source: Vec<Token>,
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
