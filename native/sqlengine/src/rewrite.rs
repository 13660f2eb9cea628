//! Oracle SQL → SQLite SQL. Works on tokens: placeholders become `?N`,
//! Oracle built-ins become our functions, arithmetic and `||` become calls
//! with Oracle semantics (exact-ish numbers, `1/0` fails, NULL-tolerant
//! concatenation), `seq.NEXTVAL` reads the sequence, `FETCH FIRST` and
//! `ROWNUM <= n` become LIMIT, and select items get Oracle's column names.

use super::lexer::{Tok, Token};
use super::oracle::timezone;

pub mod dml_alias;
pub(crate) mod hierarchy;
pub mod insert_default;
pub(crate) mod json_ctor;
mod json_dot;
pub mod merge;
pub(crate) mod num_compare;
pub mod returning;
mod rownum;

/// How bind placeholders map to value slots.
pub enum BindMode<'a> {
    /// SQL: the n-th placeholder is value n.
    Positional,
    /// PL/SQL: by name, into the block's distinct bind list.
    Named(&'a dyn Fn(&str) -> Option<usize>),
}

pub struct Ctx<'a> {
    pub binds: BindMode<'a>,
    pub next_bind: usize,
    pub user: &'a str,
    /// Local PL/SQL variables, replaced by their values' slots.
    pub locals: &'a dyn Fn(&str) -> Option<usize>,
}

const STOP_WORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IS",
    "IN",
    "BETWEEN",
    "LIKE",
    "AS",
    "ON",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "OUTER",
    "FULL",
    "CROSS",
    "GROUP",
    "BY",
    "ORDER",
    "HAVING",
    "UNION",
    "ALL",
    "MINUS",
    "INTERSECT",
    "EXCEPT",
    "DISTINCT",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "INTO",
    "VALUES",
    "SET",
    "UPDATE",
    "DELETE",
    "INSERT",
    "ASC",
    "DESC",
    "NULLS",
    "FIRST",
    "LAST",
    "FETCH",
    "OFFSET",
    "ROWS",
    "ROW",
    "ONLY",
    "EXISTS",
    "LIMIT",
    "WITH",
    "RETURNING",
    "RETURN",
    "ESCAPE",
    "ANY",
    "SOME",
    "USING",
    "NEXT",
    "FOR",
    "OVER",
    "PARTITION",
    "UNIQUE",
    "LOOP",
    "IF",
    "ELSIF",
];

fn is_stop(t: &Token) -> bool {
    match &t.tok {
        Tok::Word(w) => STOP_WORDS.iter().any(|s| s.eq_ignore_ascii_case(w)),
        _ => false,
    }
}

/// A numeric literal SQLite would round through a double (more than 15
/// significant digits) goes as text, which our functions read exactly.
fn exact_literal(n: &str) -> String {
    let mantissa = n.split(['e', 'E']).next().unwrap_or(n);
    let digits = mantissa
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect::<String>();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    if significant > 15 {
        quote_str(n)
    } else {
        n.to_string()
    }
}

fn quote_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A quoted identifier for SQLite. Headings may hold quotes themselves
/// (`:"a" + :"b"` is a column named with its binds' quotes).
fn quote_ident(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
}

/// Our function for an Oracle built-in name, if it differs.
fn map_function(name: &str) -> Option<&'static str> {
    Some(match name {
        "NVL" => "ora_nvl",
        "NVL2" => "ora_nvl2",
        "DECODE" => "ora_decode",
        "TO_CHAR" => "ora_to_char",
        "TO_DATE" => "ora_to_date",
        "TO_TIMESTAMP" => "ora_to_timestamp",
        "TO_TIMESTAMP_TZ" => "ora_to_timestamp_tz",
        "TO_NUMBER" => "ora_to_number",
        "SUBSTR" => "ora_substr",
        "INSTR" => "ora_instr",
        "LPAD" => "ora_lpad",
        "RPAD" => "ora_rpad",
        "MOD" => "ora_mod",
        "ROUND" => "ora_round",
        "TRUNC" => "ora_trunc",
        "FLOOR" => "ora_floor",
        "CEIL" => "ora_ceil",
        "POWER" => "ora_power",
        "SQRT" => "ora_sqrt",
        "ADD_MONTHS" => "ora_add_months",
        "LAST_DAY" => "ora_last_day",
        "CONCAT" => "ora_concat",
        "GREATEST" => "max",
        "LEAST" => "min",
        "LENGTH" => "ora_length",
        "ASCII" => "ora_ascii",
        "CHR" => "ora_chr",
        "SIGN" => "ora_sign",
        "SYS_GUID" => "ora_sys_guid",
        "TO_CLOB" | "TO_NCLOB" => "ora_to_clob",
        "TO_BINARY_DOUBLE" => "ora_to_binary_double",
        "TO_BINARY_FLOAT" => "ora_to_binary_float",
        "UNISTR" => "ora_unistr",
        "TO_DSINTERVAL" => "ora_to_dsinterval",
        "TO_YMINTERVAL" => "ora_to_yminterval",
        "NUMTODSINTERVAL" => "ora_numtodsinterval",
        "NUMTOYMINTERVAL" => "ora_numtoyminterval",
        "RAWTOHEX" => "ora_rawtohex",
        "HEXTORAW" => "ora_hextoraw",
        "DUMP" => "ora_dump",
        "TO_BLOB" => "ora_to_blob",
        "BFILENAME" => "ora_bfilename",
        "JSON_QUERY" => "ora_json_query",
        "JSON_VALUE" => "ora_json_value",
        "JSON_EXISTS" => "ora_json_exists",
        "JSON_SERIALIZE" => "ora_json_serialize",
        "JSON" => "ora_json",
        "JSON_SCALAR" => "ora_json_scalar",
        // A CURSOR column's payload (nested.rs).
        "ODB_SQLITE_JSON_ARRAY" => "json_array",
        _ => return None,
    })
}

pub struct Rewriter<'a, 'c> {
    toks: &'a [Token],
    i: usize,
    ctx: &'a mut Ctx<'c>,
}

impl<'a, 'c> Rewriter<'a, 'c> {
    pub fn new(toks: &'a [Token], ctx: &'a mut Ctx<'c>) -> Self {
        Rewriter { toks, i: 0, ctx }
    }

    fn peek(&self, k: usize) -> Option<&'a Token> {
        self.toks.get(self.i + k)
    }

    fn bind(&mut self, name: &str) -> String {
        match &self.ctx.binds {
            BindMode::Positional => {
                self.ctx.next_bind += 1;
                format!("?{}", self.ctx.next_bind)
            }
            BindMode::Named(f) => match f(name) {
                Some(i) => format!("?{}", i + 1),
                None => "NULL".into(),
            },
        }
    }

    /// Rewrites tokens until end or an unmatched `)`; returns SQL text.
    pub fn sequence(&mut self) -> String {
        let mut out: Vec<String> = Vec::new();
        while let Some(t) = self.peek(0) {
            if t.is_op(")") {
                break;
            }
            if let Some((n, test)) = super::json_fns::is_json_test(&self.toks[self.i..]) {
                if let Some(operand) = out.pop() {
                    self.i += n;
                    out.push(format!("(ora_is_json({operand}) = {test})"));
                    continue;
                }
            }
            if self.starts_operand() || self.negated_interval() {
                out.push(self.additive());
            } else {
                out.push(self.plain());
            }
        }
        out.join(" ")
    }

    /// `-INTERVAL '1' DAY` where an expression starts: SQLite's own minus
    /// would read the interval's text as a number.
    fn negated_interval(&self) -> bool {
        self.peek(0).is_some_and(|t| t.is_op("-"))
            && self.peek(1).is_some_and(|t| t.is_word("INTERVAL"))
            && !(self.i > 0 && self.toks[self.i - 1].is_op(")"))
    }

    /// Emits one token that is not the start of an operand.
    fn plain(&mut self) -> String {
        let t = &self.toks[self.i];
        self.i += 1;
        match &t.tok {
            Tok::Word(w) if w.eq_ignore_ascii_case("MINUS") => "EXCEPT".into(),
            Tok::Word(w) if w.contains(['#', '$']) => format!("\"{}\"", w.to_ascii_uppercase()),
            Tok::Word(w) => w.clone(),
            Tok::Quoted(q) => quote_ident(q),
            Tok::Op(o) if o == "(" => {
                let inner = self.sequence();
                self.eat(")");
                format!("({inner})")
            }
            Tok::Op(o) => o.clone(),
            Tok::Str(s) => quote_str(s),
            Tok::Number(n) => n.clone(),
            Tok::Bind(b) => {
                let b = b.clone();
                self.bind(&b)
            }
        }
    }

    fn eat(&mut self, op: &str) {
        if self.peek(0).is_some_and(|t| t.is_op(op)) {
            self.i += 1;
        }
    }

    fn starts_operand(&self) -> bool {
        let Some(t) = self.peek(0) else { return false };
        match &t.tok {
            Tok::Str(_) | Tok::Number(_) | Tok::Bind(_) | Tok::Quoted(_) => true,
            Tok::Word(w) => {
                w.eq_ignore_ascii_case("CASE") || w.eq_ignore_ascii_case("NULL") || !is_stop(t)
            }
            Tok::Op(o) => o == "(" && !self.paren_is_subquery(),
        }
    }

    fn paren_is_subquery(&self) -> bool {
        self.peek(1)
            .is_some_and(|t| t.is_word("SELECT") || t.is_word("WITH"))
    }

    fn additive(&mut self) -> String {
        let mut left = self.multiplicative();
        while let Some(t) = self.peek(0) {
            let f = if t.is_op("+") {
                "ora_add"
            } else if t.is_op("-") {
                "ora_sub"
            } else if t.is_op("||") {
                "ora_concat"
            } else {
                break;
            };
            self.i += 1;
            if !self.starts_operand_or_sign() {
                // Not an operator after all (e.g. a trailing '-'); emit raw.
                left = format!(
                    "{left} {}",
                    if f == "ora_add" {
                        "+"
                    } else if f == "ora_sub" {
                        "-"
                    } else {
                        "||"
                    }
                );
                break;
            }
            let right = self.multiplicative();
            left = format!("{f}({left}, {right})");
        }
        left
    }

    fn starts_operand_or_sign(&self) -> bool {
        self.starts_operand() || self.peek(0).is_some_and(|t| t.is_op("-") || t.is_op("+"))
    }

    fn multiplicative(&mut self) -> String {
        let mut left = self.unary();
        while let Some(t) = self.peek(0) {
            let f = if t.is_op("*") {
                "ora_mul"
            } else if t.is_op("/") {
                "ora_div"
            } else {
                break;
            };
            self.i += 1;
            let right = self.unary();
            left = format!("{f}({left}, {right})");
        }
        left
    }

    fn unary(&mut self) -> String {
        // A loop, not recursion: `- - - … 1` is not nesting (see too_deep).
        let mut negations = 0;
        while let Some(t) = self.peek(0).filter(|t| t.is_op("-") || t.is_op("+")) {
            negations += usize::from(t.is_op("-"));
            self.i += 1;
        }
        let mut out = self.primary();
        for _ in 0..negations {
            out = format!("ora_neg({out})");
        }
        out
    }

    fn primary(&mut self) -> String {
        let Some(t) = self.peek(0) else {
            return String::new();
        };
        self.i += 1;
        match &t.tok {
            Tok::Str(s) if s.is_empty() => "NULL".into(),
            Tok::Str(s) => quote_str(s),
            Tok::Number(n) => exact_literal(n),
            Tok::Bind(b) => {
                let b = b.clone();
                self.bind(&b)
            }
            Tok::Op(o) if o == "(" => {
                let inner = self.sequence();
                self.eat(")");
                format!("({inner})")
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("CASE") => self.case_expr(),
            Tok::Word(_) | Tok::Quoted(_) => self.name_or_call(t),
            Tok::Op(o) => o.clone(),
        }
    }

    fn case_expr(&mut self) -> String {
        let mut parts = vec!["CASE".to_string()];
        while let Some(t) = self.peek(0) {
            if t.is_word("END") {
                self.i += 1;
                break;
            }
            if t.is_op(")") {
                break;
            }
            if self.starts_operand() {
                parts.push(self.additive());
            } else {
                parts.push(self.plain());
            }
        }
        parts.push("END".into());
        parts.join(" ")
    }

    /// The fields after an INTERVAL literal (`DAY(3) TO SECOND(6)`), without
    /// their precisions, which do not change the value.
    fn interval_qualifier(&mut self) -> String {
        const FIELDS: [&str; 7] = ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TO"];
        let mut words = Vec::new();
        while let Some(t) = self.peek(0) {
            // The heading step may have taken a trailing field for an alias
            // (`interval '5' day` looks like `expr alias`) and quoted it.
            let quoted = |f: &str| matches!(&t.tok, Tok::Quoted(q) if q == f);
            if let Some(w) = FIELDS.iter().find(|f| t.is_word(f) || quoted(f)) {
                words.push(*w);
                self.i += 1;
            } else if t.is_op("(") && !words.is_empty() {
                while self.peek(0).is_some_and(|t| !t.is_op(")")) {
                    self.i += 1;
                }
                self.eat(")");
            } else {
                break;
            }
        }
        words.join(" ")
    }

    /// Identifiers, dotted names, sequences, pseudo-columns and calls.
    fn name_or_call(&mut self, first: &'a Token) -> String {
        // `INSERT INTO schema.t (cols)`: a table and its column list, not a call.
        let after_into = self
            .i
            .checked_sub(2)
            .and_then(|k| self.toks.get(k))
            .is_some_and(|t| t.is_word("INTO"));
        let mut parts = vec![first];
        while self.peek(0).is_some_and(|t| t.is_op("."))
            && self
                .peek(1)
                .is_some_and(|t| matches!(t.tok, Tok::Word(_) | Tok::Quoted(_)))
        {
            parts.push(&self.toks[self.i + 1]);
            self.i += 2;
        }
        let upper: Vec<String> = parts.iter().filter_map(|p| p.ident()).collect();
        let last = upper.last().cloned().unwrap_or_default();
        if upper.len() == 2 && upper[0] == "DBMS_DEBUG_JDWP" {
            match last.as_str() {
                "CURRENT_SESSION_ID" => return "ora_session_id()".into(),
                "CURRENT_SESSION_SERIAL" => return "ora_session_serial()".into(),
                _ => {}
            }
        }
        // `SYS.DBMS_ASSERT.X` is the package with its owner.
        let (owned, package) = match upper.as_slice() {
            [o, p, _] if o == "SYS" => (true, Some(p.as_str())),
            [p, _] => (false, Some(p.as_str())),
            _ => (false, None),
        };
        let package_fn = match (package, last.as_str()) {
            (Some("UTL_RAW"), "CAST_TO_RAW") => Some("ora_cast_to_raw"),
            (Some("DBMS_LOB"), "GETLENGTH") => Some("ora_lob_length"),
            (Some("DBMS_ASSERT"), "NOOP") => Some("ora_assert_noop"),
            (Some("DBMS_ASSERT"), "SIMPLE_SQL_NAME") => Some("ora_assert_simple_sql_name"),
            (Some("DBMS_ASSERT"), "QUALIFIED_SQL_NAME") => Some("ora_assert_qualified_sql_name"),
            (Some("DBMS_ASSERT"), "ENQUOTE_NAME") => Some("ora_assert_enquote_name"),
            (Some("DBMS_ASSERT"), "ENQUOTE_LITERAL") => Some("ora_assert_enquote_literal"),
            _ => None,
        };
        let plain = upper.len() == 2 || (owned && package == Some("DBMS_ASSERT"));
        if let Some(f) = package_fn.filter(|_| plain) {
            if self.peek(0).is_some_and(|t| t.is_op("(")) {
                self.i += 1;
                let args = self.sequence();
                self.eat(")");
                return format!("{f}({args})");
            }
        }
        if last == "ROWID"
            && matches!(parts.last().map(|p| &p.tok), Some(Tok::Word(_)))
            && !self.peek(0).is_some_and(|t| t.is_op("("))
            && (parts.len() > 1 || (self.ctx.locals)("ROWID").is_none())
        {
            // The pseudo-column: SQLite's row id in Oracle's text form.
            let qualifier = parts[..parts.len() - 1]
                .iter()
                .map(|p| match &p.tok {
                    Tok::Quoted(q) => format!("{}.", quote_ident(q)),
                    Tok::Word(w) => format!("{w}."),
                    _ => String::new(),
                })
                .collect::<String>();
            return format!("ora_rowid({qualifier}rowid)");
        }
        if parts.len() >= 2 && (last == "NEXTVAL" || last == "CURRVAL") {
            // `schema.seq.NEXTVAL` names the sequence with its schema.
            let seq = upper[upper.len().saturating_sub(3)..upper.len() - 1].join(".");
            let f = if last == "NEXTVAL" {
                "ora_nextval"
            } else {
                "ora_currval"
            };
            return format!("{f}({})", quote_str(&seq));
        }
        if last == "EXTRACT"
            && parts.len() == 1
            && self.peek(0).is_some_and(|t| t.is_op("("))
            && self.peek(2).is_some_and(|t| t.is_word("FROM"))
        {
            // EXTRACT(field FROM expr): the field is a keyword, not an operand.
            if let Some(Tok::Word(field)) = self.peek(1).map(|t| &t.tok) {
                let field = field.to_ascii_uppercase();
                self.i += 3;
                let arg = self.sequence();
                self.eat(")");
                return format!("ora_extract({}, {arg})", quote_str(&field));
            }
        }
        if let Some(sql) = self.json_dot(&parts) {
            return sql;
        }
        if self.peek(0).is_some_and(|t| t.is_op("("))
            && parts.len() == 1
            && json_ctor::is_constructor(&last)
        {
            return self.json_constructor(&last);
        }
        if self.peek(0).is_some_and(|t| t.is_op("(")) && parts.len() == 1 {
            self.i += 1;
            let args = self.sequence();
            self.eat(")");
            if last == "CAST" {
                return cast(&args);
            }
            let args = super::json_fns::drop_clauses(&last, args);
            let name = match &first.tok {
                Tok::Word(w) => map_function(&w.to_ascii_uppercase())
                    .or_else(|| crate::vector::map_function(&w.to_ascii_uppercase()))
                    .map(str::to_string)
                    .unwrap_or_else(|| w.clone()),
                _ => quote_ident(&last),
            };
            return format!("{name}({args})");
        }
        if self.peek(0).is_some_and(|t| t.is_op("(")) && parts.len() >= 2 && !after_into {
            // pkg.func(…) / schema.func(…): registered as "PKG.FUNC" (stored.rs).
            self.i += 1;
            let args = self.sequence();
            self.eat(")");
            let name = upper[upper.len() - 2..].join(".");
            return format!("\"{name}\"({args})");
        }
        if parts.len() == 1 {
            if let Tok::Word(w) = &first.tok {
                let u = w.to_ascii_uppercase();
                if let Some(slot) = (self.ctx.locals)(&u) {
                    return format!("?{}", slot + 1);
                }
                match u.as_str() {
                    "SYSDATE" | "CURRENT_DATE" => return "ora_sysdate()".into(),
                    "SYSTIMESTAMP" => return "ora_systimestamp()".into(),
                    "CURRENT_TIMESTAMP" => return "ora_current_timestamp()".into(),
                    "LOCALTIMESTAMP" => return "ora_localtimestamp()".into(),
                    "USER" => return quote_str(self.ctx.user),
                    "SESSIONTIMEZONE" => return "ora_sessiontimezone()".into(),
                    // The server keeps times in UTC (as a database created
                    // with DBCA's defaults does); node-oracledb 26 asks at connect.
                    "DBTIMEZONE" => return "'+00:00'".into(),
                    "TRUE" => return "1".into(),
                    "FALSE" => return "0".into(),
                    "INTERVAL" => {
                        if let Some(Tok::Str(s)) = self.peek(0).map(|t| &t.tok) {
                            self.i += 1;
                            let q = self.interval_qualifier();
                            return format!("ora_interval({}, {})", quote_str(s), quote_str(&q));
                        }
                    }
                    "DATE" | "TIMESTAMP" => {
                        if let Some(Tok::Str(s)) = self.peek(0).map(|t| &t.tok) {
                            self.i += 1;
                            if u == "TIMESTAMP" && timezone::split_zone(s).is_some() {
                                return format!("ora_to_timestamp_tz({})", quote_str(s));
                            }
                            return format!(
                                "ora_to_date({}, 'YYYY-MM-DD HH24:MI:SS.FF')",
                                quote_str(s)
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        parts
            .iter()
            .map(|p| match &p.tok {
                // SQLite has no `#` in names (V$ views' STATISTIC#, SERIAL#); quote them.
                Tok::Word(w) if w.contains(['#', '$']) => {
                    format!("\"{}\"", w.to_ascii_uppercase())
                }
                Tok::Word(w) => w.clone(),
                Tok::Quoted(q) => quote_ident(q),
                _ => String::new(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// `CAST(expr AS type)` for SQLite: datetimes are kept as ISO text already
/// (SQLite's NUMERIC affinity would turn '2024-…' into 2024), numbers get
/// Oracle's conversion (ORA-01722 for bad text); the rest is SQLite's CAST.
/// The column is described with the cast's type (`types::heading_type`).
fn cast(args: &str) -> String {
    let up = args.to_ascii_uppercase();
    let Some(at) = up.rfind(" AS ") else {
        return format!("CAST({args})");
    };
    let (expr, ty) = (&args[..at], up[at + 4..].trim());
    if ty.starts_with("DATE") || ty.starts_with("TIMESTAMP") {
        format!("ora_to_date({expr}, 'YYYY-MM-DD HH24:MI:SS.FF')")
    } else if ty.starts_with("INTERVAL") {
        // Before the numbers: INTERVAL starts with INT.
        let f = if ty.contains("YEAR") {
            "ora_to_yminterval"
        } else {
            "ora_to_dsinterval"
        };
        format!("{f}({expr})")
    } else if [
        "NUMBER", "INTEGER", "INT", "DECIMAL", "NUMERIC", "FLOAT", "SMALLINT",
    ]
    .iter()
    .any(|n| ty.starts_with(n))
    {
        format!("ora_to_number({expr})")
    } else if ty.starts_with("BINARY_DOUBLE") || ty.starts_with("BINARY_FLOAT") {
        format!("ora_to_binary_double({expr})")
    } else {
        format!("CAST({args})")
    }
}

/// Rewrites a whole statement (query or DML) given its tokens.
/// Levels of parentheses and CASE a statement may nest. The rewriter and the
/// PL/SQL evaluator recurse once (or more) per level; 2,000 levels overflowed
/// the server thread's stack and aborted the whole server. SQLite refuses
/// expressions deeper than 1,000 anyway; 200 leaves room for the deepest
/// frames (nested calls) in a debug build.
pub const MAX_NESTING: usize = 200;

/// The offset of the token where `toks` nests deeper than [`MAX_NESTING`].
pub fn too_deep(toks: &[Token]) -> Option<usize> {
    let mut open: Vec<bool> = Vec::new(); // true: a CASE, false: a parenthesis
    let mut prev_end = false;
    for t in toks {
        if t.is_op("(") || (t.is_word("CASE") && !prev_end) {
            open.push(t.is_word("CASE"));
            if open.len() > MAX_NESTING {
                return Some(t.pos);
            }
        } else if t.is_op(")") {
            // A CASE left open inside the parentheses (a syntax error) closes with them.
            while open.pop() == Some(true) {}
        } else if t.is_word("END") && open.last() == Some(&true) {
            open.pop();
        }
        prev_end = t.is_word("END");
    }
    None
}

pub fn rewrite(toks: &[Token], ctx: &mut Ctx) -> String {
    if let Some(sql) = hierarchy::row_generator(toks, ctx) {
        return sql;
    }
    // VECTOR functions' keyword arguments become strings first.
    let vec_args = crate::vector::rewrite_args(toks);
    let toks = vec_args.as_deref().unwrap_or(toks);
    let numbered = rownum::rewrite(toks);
    let (toks, limit, offset) = limit_clauses(numbered.as_deref().unwrap_or(toks));
    let mut r = Rewriter::new(&toks, ctx);
    let mut sql = r.sequence();
    if limit.is_none() && offset.is_none() {
        return sql;
    }
    // Binds are numbered in Oracle text order, where OFFSET comes before FETCH.
    let mut value = |v: Option<LimitVal>, default: &str| match v {
        Some(LimitVal::Text(n)) => n,
        Some(LimitVal::Bind(name)) => r.bind(&name),
        None => default.to_string(),
    };
    let offset = value(offset, "0");
    let limit = value(limit, "-1");
    sql.push_str(&format!(" LIMIT {limit} OFFSET {offset}"));
    sql
}

/// A row count of OFFSET / FETCH: a literal, or a bind (Kysely sends `OFFSET :1 ROWS`).
enum LimitVal {
    Text(String),
    Bind(String),
}

/// Removes `OFFSET n ROWS` / `FETCH FIRST n ROWS ONLY` at (ROWNUM: rownum.rs)
/// the top level and returns the row limit and offset for a SQLite LIMIT clause.
fn limit_clauses(toks: &[Token]) -> (Vec<Token>, Option<LimitVal>, Option<LimitVal>) {
    let mut out = Vec::with_capacity(toks.len());
    let (mut limit, mut offset) = (None::<LimitVal>, None::<LimitVal>);
    let mut depth = 0i32;
    let mut i = 0;
    let val = |t: &Token| match &t.tok {
        Tok::Number(n) => Some(LimitVal::Text(n.clone())),
        Tok::Bind(b) => Some(LimitVal::Bind(b.clone())),
        _ => None,
    };
    while i < toks.len() {
        let t = &toks[i];
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        }
        if depth == 0 && t.is_word("OFFSET") && toks.get(i + 1).and_then(val).is_some() {
            offset = toks.get(i + 1).and_then(&val);
            i += 2;
            if toks
                .get(i)
                .is_some_and(|t| t.is_word("ROWS") || t.is_word("ROW"))
            {
                i += 1;
            }
            continue;
        }
        if depth == 0
            && t.is_word("FETCH")
            && toks
                .get(i + 1)
                .is_some_and(|t| t.is_word("FIRST") || t.is_word("NEXT"))
        {
            limit = toks
                .get(i + 2)
                .and_then(&val)
                .or(Some(LimitVal::Text("1".into())));
            i += 2;
            while i < toks.len() && !toks[i].is_word("ONLY") {
                i += 1;
            }
            i += 1;
            continue;
        }
        out.push(t.clone());
        i += 1;
    }
    (out, limit, offset)
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn rw(sql: &str) -> String {
        let toks = tokenize(sql).unwrap();
        let none = |_: &str| None;
        let mut ctx = Ctx {
            binds: BindMode::Positional,
            next_bind: 0,
            user: "SCOTT",
            locals: &none,
        };
        rewrite(&toks, &mut ctx)
    }

    #[test]
    fn offset_and_fetch_take_binds_numbered_in_oracle_order() {
        assert_eq!(
            rw("select a from t where b = :b offset :o rows fetch next :n rows only"),
            "select a from t where b = ?1 LIMIT ?3 OFFSET ?2"
        );
        assert_eq!(
            rw("select a from t fetch first :n rows only"),
            "select a from t LIMIT ?1 OFFSET 0"
        );
        assert_eq!(
            rw("select a from t offset 5 rows"),
            "select a from t LIMIT -1 OFFSET 5"
        );
    }

    #[test]
    fn a_qualified_insert_target_is_not_a_package_call() {
        assert_eq!(
            rw("insert into scott.t (a, b) values (1, pkg.f(2))"),
            "insert into scott.t (a , b) values (1 , \"PKG.F\"(2))"
        );
    }

    #[test]
    fn arithmetic_concat_and_binds() {
        assert_eq!(rw("select 1/0 from dual"), "select ora_div(1, 0) from dual");
        assert_eq!(
            rw("select a + b * 2 - 1 from t"),
            "select ora_sub(ora_add(a, ora_mul(b, 2)), 1) from t"
        );
        assert_eq!(
            rw("select 'a' || x || :1 from t"),
            "select ora_concat(ora_concat('a', x), ?1) from t"
        );
        assert_eq!(
            rw("insert into t values (:a, :b, :a)"),
            "insert into t values (?1 , ?2 , ?3)"
        );
        assert_eq!(rw("select count(*) from t"), "select count(*) from t");
        assert_eq!(
            rw("select s.nextval, sysdate from dual"),
            "select ora_nextval('S') , ora_sysdate() from dual"
        );
        assert_eq!(
            rw("select nvl(x, '') from t where rownum <= 5"),
            "select ora_nvl(x , NULL) from t LIMIT 5"
        );
        assert_eq!(
            rw("select x from t order by x offset 2 rows fetch first 3 rows only"),
            "select x from t order by x LIMIT 3 OFFSET 2"
        );
        assert_eq!(
            rw("select 2 * -x from t where y > (select max(z) from u)"),
            "select ora_mul(2, ora_neg(x)) from t where y > (select max(z) from u)"
        );
    }
}
#[cfg(test)]
mod interval_tests {
    use super::super::lexer::tokenize;
    use super::*;

    #[test]
    fn interval_literals_and_casts() {
        let toks = tokenize("select interval '1 2:03' day(2) to minute, cast(:1 as date), cast(x as number(5)) from dual").unwrap();
        let none = |_: &str| None;
        let mut ctx = Ctx {
            binds: BindMode::Positional,
            next_bind: 0,
            user: "SCOTT",
            locals: &none,
        };
        assert_eq!(
            rewrite(&toks, &mut ctx),
            "select ora_interval('1 2:03', 'DAY TO MINUTE') , \
             ora_to_date(?1, 'YYYY-MM-DD HH24:MI:SS.FF') , ora_to_number(x) from dual"
        );
        let toks = tokenize(
            "select cast(x as interval day(3) to second), cast(y as interval year to month), \
             -interval '1' day from dual",
        )
        .unwrap();
        assert_eq!(
            rewrite(&toks, &mut ctx),
            "select ora_to_dsinterval(x) , ora_to_yminterval(y) , \
             ora_neg(ora_interval('1', 'DAY')) from dual"
        );
    }
}
