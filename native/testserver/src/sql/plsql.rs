//! The PL/SQL subset of anonymous blocks: DECLARE'd locals, `NULL;`,
//! assignments, SQL statements (SELECT … INTO included), EXECUTE IMMEDIATE,
//! COMMIT/ROLLBACK, RAISE_APPLICATION_ERROR and DBMS_SESSION.SLEEP.

use std::time::{Duration, Instant};

use oradb_protocol::value::Value;
use rusqlite::types::{Value as Sql, ValueRef};

use super::errors::{self, err};
use super::lexer::{Tok, Token};
use super::query::{classify, to_sql, to_value};
use super::rewrite::{self, BindMode, Ctx};
use super::{BindDir, Outcome, Prepared, Session, SqlError, StmtKind};

/// Bind names (distinct, first occurrence) and their directions.
pub fn analyze(p: &mut Prepared, toks: &[Token]) -> Result<(), SqlError> {
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
        } else {
            read[idx] = true;
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

fn split_statements(toks: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let (mut start, mut depth) = (0, 0);
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if t.is_op(";") && depth == 0 {
            if i > start {
                out.push(&toks[start..i]);
            }
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

struct Frame {
    names: Vec<String>,
    locals: Vec<String>,
    slots: Vec<Sql>,
}

impl Frame {
    fn slot_of_bind(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
    fn slot_of_local(&self, name: &str) -> Option<usize> {
        self.locals
            .iter()
            .position(|n| n == name)
            .map(|i| i + self.names.len())
    }
    fn target(&self, t: &Token) -> Option<usize> {
        match &t.tok {
            Tok::Bind(b) => self.slot_of_bind(b),
            Tok::Word(_) | Tok::Quoted(_) => self.slot_of_local(&t.ident()?),
            _ => None,
        }
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

impl Session {
    pub(super) fn run_plsql(&mut self, p: &Prepared, binds: &[Value]) -> Result<Outcome, SqlError> {
        let toks = &p.toks;
        let mut frame = Frame {
            names: p.bind_names.clone(),
            locals: Vec::new(),
            slots: binds.iter().map(to_sql).collect(),
        };
        frame.slots.resize(frame.names.len(), Sql::Null);
        let mut i = 0;
        if toks.first().is_some_and(|t| t.is_word("DECLARE")) {
            i = 1;
            let begin = toks
                .iter()
                .position(|t| t.is_word("BEGIN"))
                .ok_or_else(|| {
                    err(
                        6550,
                        "line 1, column 1: PLS-00103: Encountered the symbol \"end-of-file\"",
                    )
                })?;
            for decl in split_statements(&toks[1..begin]) {
                let name = decl
                    .first()
                    .and_then(Token::ident)
                    .ok_or_else(|| err(6550, "PLS-00103: invalid declaration"))?;
                frame.locals.push(name);
                frame.slots.push(Sql::Null);
                if let Some(k) = decl
                    .iter()
                    .position(|t| t.is_op(":=") || t.is_word("DEFAULT"))
                {
                    let v = self.eval(&decl[k + 1..], &frame)?;
                    let last = frame.slots.len() - 1;
                    frame.slots[last] = v;
                }
            }
            i = begin.max(i);
        }
        if toks.get(i).is_some_and(|t| t.is_word("BEGIN")) {
            i += 1;
        } else if toks.first().is_some_and(|t| t.is_word("CALL")) {
            return Err(err(
                6550,
                "PLS-00201: stored procedures are not supported yet",
            ));
        }
        let mut end = toks.len();
        while end > i && (toks[end - 1].is_op(";") || toks[end - 1].is_word("END")) {
            end -= 1;
        }
        for stmt in split_statements(&toks[i..end]) {
            self.check_interrupt()?;
            self.statement(stmt, &mut frame)?;
        }
        let out = frame.slots[..frame.names.len()]
            .iter()
            .zip(&p.plsql_dirs)
            .map(|(v, d)| {
                if *d == BindDir::In {
                    Value::Null
                } else {
                    sql_value(ValueRef::from(v))
                }
            })
            .collect();
        Ok(Outcome::PlSql { out })
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

    fn eval(&mut self, expr: &[Token], frame: &Frame) -> Result<Sql, SqlError> {
        let sql = format!("SELECT {}", self.rewrite_with(expr, frame));
        let rows = self.query_slots(&sql, expr, frame)?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .unwrap_or(Sql::Null))
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

    fn statement(&mut self, s: &[Token], frame: &mut Frame) -> Result<(), SqlError> {
        let head = s.first().and_then(Token::ident).unwrap_or_default();
        if s.len() == 1 && head == "NULL" {
            return Ok(());
        }
        if s.get(1).is_some_and(|t| t.is_op(":=")) {
            let slot = frame
                .target(&s[0])
                .ok_or_else(|| err(6550, "PLS-00201: identifier must be declared"))?;
            frame.slots[slot] = self.eval(&s[2..], frame)?;
            return Ok(());
        }
        let dotted = |a: &str, b: &str| {
            s.first().is_some_and(|t| t.is_word(a)) && s.get(2).is_some_and(|t| t.is_word(b))
        };
        if dotted("DBMS_SESSION", "SLEEP") || dotted("DBMS_LOCK", "SLEEP") {
            let secs = self.eval(&s[3..], frame)?;
            let secs = match secs {
                Sql::Integer(i) => i as f64,
                Sql::Real(f) => f,
                _ => 0.0,
            };
            return self.sleep(Duration::from_secs_f64(secs.clamp(0.0, 86_400.0)));
        }
        if let (true, Some(pkg), Some(proc_name)) = (
            s.get(1).is_some_and(|t| t.is_op(".")),
            s.first().and_then(Token::ident),
            s.get(2).and_then(Token::ident),
        ) {
            if pkg == "DBMS_APPLICATION_INFO" || pkg == "DBMS_SESSION" {
                let args = self.call_args(&s[3..], frame)?;
                if self.app_info_call(&pkg, &proc_name, &args)? {
                    return Ok(());
                }
            }
        }
        if dotted("DBMS_OUTPUT", "PUT_LINE")
            || dotted("DBMS_OUTPUT", "ENABLE")
            || dotted("DBMS_OUTPUT", "DISABLE")
        {
            return Ok(());
        }
        if head == "RAISE_APPLICATION_ERROR" {
            let args = self.eval(&s[1..], frame);
            let inner: Vec<&[Token]> = s
                .get(2..s.len().saturating_sub(1))
                .map(|a| a.split(|t| t.is_op(",")).collect())
                .unwrap_or_default();
            let code = inner
                .first()
                .map(|c| self.eval(c, frame))
                .transpose()?
                .and_then(|v| {
                    if let Sql::Integer(i) = v {
                        Some(i)
                    } else {
                        None
                    }
                })
                .unwrap_or(-20000);
            let msg = inner
                .get(1)
                .map(|m| self.eval(m, frame))
                .transpose()?
                .and_then(|v| if let Sql::Text(t) = v { Some(t) } else { None })
                .unwrap_or_default();
            drop(args);
            return Err(err(code.unsigned_abs() as u32, &msg));
        }
        match head.as_str() {
            "COMMIT" => return self.user_commit(),
            "ROLLBACK" => return self.user_rollback(),
            "EXECUTE" if s.get(1).is_some_and(|t| t.is_word("IMMEDIATE")) => {
                let Sql::Text(sql) = self.eval(&s[2..], frame)? else {
                    return Err(err(
                        6535,
                        "statement string in EXECUTE IMMEDIATE is NULL or 0 length",
                    ));
                };
                let p = self.prepare(&sql)?;
                self.execute(&p, &[])?;
                return Ok(());
            }
            _ => {}
        }
        match classify(s) {
            Some(StmtKind::Query) => self.select_into(s, frame),
            Some(StmtKind::Dml) => {
                self.begin()?;
                let sql = self.rewrite_with(s, frame);
                let map = |e: rusqlite::Error| errors::map(&e, s, &self.user);
                let mut stmt = self.conn.prepare(&sql).map_err(map)?;
                let n = stmt.parameter_count();
                let params: Vec<&Sql> = frame.slots.iter().take(n).collect();
                stmt.execute(rusqlite::params_from_iter(params))
                    .map_err(|e| errors::map(&e, s, &self.user))?;
                Ok(())
            }
            Some(StmtKind::Ddl) => Err(err(
                6550,
                "PLS-00103: DDL needs EXECUTE IMMEDIATE in PL/SQL",
            )),
            _ => Err(SqlError {
                offset: s.first().map_or(0, |t| t.pos as u32),
                ..err(6550, "PLS-00103: Encountered an unsupported statement")
            }),
        }
    }

    /// Evaluates `(a, name => b, …)` to (parameter name, text value) pairs.
    #[allow(clippy::type_complexity)]
    fn call_args(
        &mut self,
        toks: &[Token],
        frame: &Frame,
    ) -> Result<Vec<(Option<String>, Option<String>)>, SqlError> {
        let inner = match (toks.first(), toks.last()) {
            (Some(a), Some(b)) if a.is_op("(") && b.is_op(")") && toks.len() >= 2 => {
                &toks[1..toks.len() - 1]
            }
            _ => return Ok(Vec::new()),
        };
        let mut out = Vec::new();
        let mut depth = 0;
        let mut start = 0;
        let mut parts = Vec::new();
        for (i, t) in inner.iter().enumerate() {
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth -= 1;
            } else if t.is_op(",") && depth == 0 {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
        }
        if start < inner.len() {
            parts.push(&inner[start..]);
        }
        for p in parts {
            let (name, expr) = if p.get(1).is_some_and(|t| t.is_op("=>")) {
                (p.first().and_then(Token::ident), &p[2..])
            } else if p.get(1).is_some_and(|t| t.is_op("="))
                && p.get(2).is_some_and(|t| t.is_op(">"))
            {
                (p.first().and_then(Token::ident), &p[3..])
            } else {
                (None, p)
            };
            let v = match self.eval(expr, frame)? {
                Sql::Null => None,
                Sql::Text(t) => Some(t),
                Sql::Integer(i) => Some(i.to_string()),
                Sql::Real(f) => Some(f.to_string()),
                Sql::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            };
            out.push((name, v));
        }
        Ok(out)
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
            .filter_map(|t| frame.target(t))
            .collect();
        let mut q: Vec<Token> = s[..into].to_vec();
        q.extend_from_slice(&s[from..]);
        let sql = self.rewrite_with(&q, frame);
        let rows = self.query_slots(&sql, s, frame)?;
        match rows.len() {
            0 => Err(err(1403, "no data found")),
            1 => {
                for (slot, v) in targets
                    .into_iter()
                    .zip(rows.into_iter().next().unwrap_or_default())
                {
                    frame.slots[slot] = v;
                }
                Ok(())
            }
            _ => Err(err(
                1422,
                "exact fetch returns more than requested number of rows",
            )),
        }
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
