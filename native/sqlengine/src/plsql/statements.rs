//! SQL inside a block: DML, SELECT INTO, EXECUTE IMMEDIATE, calls of
//! procedures and the built-in package procedures.

use std::time::Duration;

use oradb_protocol::value::Value;
use rusqlite::types::Value as Sql;

use super::ast::Kind;
use crate::errors::{self, err};
use crate::lexer::{split_commas, Tok, Token};
use crate::query::{classify, to_sql};
use crate::{BindDir, Outcome, Session, SqlError, StmtKind};

use super::ast::*;
use super::binds::*;
use super::frame::*;
use super::interp::*;

impl Session {
    /// The arguments of `NAME(args)` as written after the name.
    pub(super) fn call_args(s: &[Token], after: usize) -> Option<&[Token]> {
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

    pub(super) fn statement(&mut self, s: &[Token], frame: &mut Frame) -> Result<(), SqlError> {
        if s.is_empty() {
            return Err(err(
                6550,
                "PLS-00103: Encountered the symbol \"end-of-file\"",
            ));
        }
        let head = s.first().and_then(Token::ident).unwrap_or_default();
        if self.coll_statement(s, frame)?
            || self.obj_statement(s, frame)?
            || self.cursor_statement(s, frame)?
        {
            return Ok(());
        }
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
                ("DBMS_SQL", "RETURN_RESULT", Some(a)) => return self.return_result(a, frame),
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
                _ => {}
            }
        }
        if let Some(r) = self.call_statement(s, frame)? {
            return r;
        }
        if head == "RAISE_APPLICATION_ERROR" {
            let inner = Self::call_args(s, 1).unwrap_or_default();
            let args = split_commas(inner);
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
                Err(not_declared(&s[0], &head))
            }
            _ => Err(SqlError {
                offset: s.first().map_or(0, |t| t.pos as u32),
                ..err(6550, "PLS-00103: Encountered an unsupported statement")
            }),
        }
    }

    /// `name[(args)]`, `pkg.name[(args)]` or `schema.pkg.name[(args)]` as a
    /// procedure call; `None` when `s` is not of that shape or names
    /// nothing callable.
    fn call_statement(
        &mut self,
        s: &[Token],
        frame: &mut Frame,
    ) -> Result<Option<Result<(), SqlError>>, SqlError> {
        let mut parts = Vec::new();
        let mut j = 0;
        loop {
            match s.get(j) {
                Some(t) if matches!(t.tok, Tok::Word(_) | Tok::Quoted(_)) => {
                    parts.push(t.ident().unwrap_or_default())
                }
                _ => return Ok(None),
            }
            if s.get(j + 1).is_some_and(|t| t.is_op(".")) && parts.len() < 3 {
                j += 2;
            } else {
                break;
            }
        }
        let Some(args) = Self::call_args(s, j + 1) else {
            return Ok(None);
        };
        if classify(s).is_some() {
            return Ok(None);
        }
        let nargs = if args.is_empty() {
            0
        } else {
            split_commas(args).len()
        };
        let at = &s[j];
        match self.resolve_call(&parts, nargs, frame)? {
            Some((unit, home)) if unit.kind == Kind::Procedure => {
                self.call_unit(&unit, &home, args, frame, at)?;
                Ok(Some(Ok(())))
            }
            Some(_) => Ok(Some(Err(SqlError {
                offset: at.pos as u32,
                ..err(
                    6550,
                    &format!(
                        "PLS-00221: '{}' is not a procedure or is undefined",
                        parts.last().cloned().unwrap_or_default()
                    ),
                )
            }))),
            None => Ok(None),
        }
    }

    /// Evaluates the arguments of a built-in package call, `a, name => b, …`
    /// (inside the parentheses), to (parameter name, text value) pairs.
    #[allow(clippy::type_complexity)]
    pub(super) fn app_call_args(
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

    pub(super) fn dml(&mut self, s: &[Token], frame: &mut Frame) -> Result<(), SqlError> {
        if self.plsql.in_query {
            return Err(err(14551, "cannot perform a DML operation inside a query"));
        }
        let s = self.substitute_calls(s, frame, false)?;
        self.register_stored_functions(&s);
        self.begin()?;
        self.materialize_views(&s)?;
        self.refuse_triggered_dml(&s)?;
        if let Some((ret, into)) = crate::query::split_returning(&s) {
            return self.dml_returning(&s, ret, into, frame);
        }
        let sql = self.rewrite_with(&s, frame);
        let map = |e: rusqlite::Error| errors::map(&e, &s, &self.user);
        let mut stmt = self.conn.prepare(&sql).map_err(map)?;
        let n = stmt.parameter_count();
        let params: Vec<&Sql> = frame.slots.iter().take(n).collect();
        let n = stmt
            .execute(rusqlite::params_from_iter(params))
            .map_err(|e| errors::map(&e, &s, &self.user))?;
        frame.sql_rowcount = Some(n as i64);
        Ok(())
    }

    /// DML with `RETURNING exprs INTO targets` (variables or binds): the
    /// values of the one row it changed, NULLs when it changed none (as
    /// Oracle does), ORA-01422 when it changed more.
    fn dml_returning(
        &mut self,
        s: &[Token],
        ret: usize,
        into: usize,
        frame: &mut Frame,
    ) -> Result<(), SqlError> {
        if s[into - 1].is_word("COLLECT") {
            return Err(err(
                6550,
                "PLS-00103: RETURNING BULK COLLECT INTO is not supported by this server",
            ));
        }
        let targets: Vec<usize> = s[into + 1..]
            .iter()
            .filter(|t| !t.is_op(",") && !t.is_op(";"))
            .map(|t| {
                frame
                    .target(t)
                    .ok_or_else(|| not_declared(t, &t.ident().unwrap_or_default()))
            })
            .collect::<Result<_, _>>()?;
        let main = self.rewrite_with(&s[..ret], frame);
        // INSERT/UPDATE read the rows back as stored (after the type-check
        // triggers, see rewrite/returning.rs); the rowid goes in as a literal.
        let rows = match crate::rewrite::returning::reread_select(s, ret, into) {
            Some(select) => {
                let select = self.rewrite_with(&select, frame);
                let rowids = self.query_slots(&format!("{main} RETURNING rowid"), s, frame)?;
                let mut rows = Vec::new();
                for id in rowids.iter().filter_map(|r| match r.first() {
                    Some(Sql::Integer(i)) => Some(*i),
                    _ => None,
                }) {
                    let q = format!("{select} WHERE rowid = {id}");
                    rows.extend(self.query_slots(&q, s, frame)?);
                }
                rows
            }
            None => {
                let exprs = self.rewrite_with(&s[ret + 1..into], frame);
                self.query_slots(&format!("{main} RETURNING {exprs}"), s, frame)?
            }
        };
        frame.sql_rowcount = Some(rows.len() as i64);
        let row = match rows.len() {
            0 => vec![Sql::Null; targets.len()],
            1 => rows.into_iter().next().unwrap_or_default(),
            _ => {
                return Err(err(
                    1422,
                    "exact fetch returns more than requested number of rows",
                ))
            }
        };
        for (slot, v) in targets.into_iter().zip(row) {
            frame.set(slot, v, Ty::Any)?;
        }
        Ok(())
    }

    /// `EXECUTE IMMEDIATE expr [INTO vars] [USING args]`.
    pub(super) fn execute_immediate(
        &mut self,
        s: &[Token],
        frame: &mut Frame,
    ) -> Result<(), SqlError> {
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
            for (k, a) in split_commas(&s[u + 1..stop]).into_iter().enumerate() {
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

    pub(super) fn select_into(&mut self, s: &[Token], frame: &mut Frame) -> Result<(), SqlError> {
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
                let row = rows.into_iter().next().unwrap_or_default();
                if let [slot] = targets[..] {
                    if let Some(rec) = frame.coll(slot).filter(|c| c.is_record()) {
                        // Into a record: its fields in order.
                        let mut rec = rec.clone();
                        match rec.fields.len().cmp(&row.len()) {
                            std::cmp::Ordering::Less => return Err(err(913, "too many values")),
                            std::cmp::Ordering::Greater => {
                                return Err(err(947, "not enough values"))
                            }
                            std::cmp::Ordering::Equal => {}
                        }
                        let names: Vec<String> =
                            rec.fields.iter().map(|(n, _)| n.clone()).collect();
                        for (n, v) in names.iter().zip(row) {
                            rec.set_field(n, v)?;
                        }
                        frame.colls[slot] = Some(rec);
                        return Ok(());
                    }
                }
                for (slot, v) in targets.into_iter().zip(row) {
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
}
