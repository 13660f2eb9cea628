//! The statement tree a PL/SQL block parses into, and declared types.

use crate::lexer::Token;

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
