//! Built-in packages the interpreter runs itself: DBMS_OUTPUT and
//! DBMS_SESSION.SLEEP.

use std::time::{Duration, Instant};

use rusqlite::types::Value as Sql;

use crate::errors::err;
use crate::lexer::Token;
use crate::{Session, SqlError};

use super::ast::Ty;
use super::binds::*;
use super::frame::*;
use super::interp::{as_i64, as_text};

impl Session {
    /// DBMS_OUTPUT.ENABLE/DISABLE/PUT/PUT_LINE/NEW_LINE/GET_LINE(S).
    pub(super) fn dbms_output(
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
                // A collection (an array bind) is not a VARCHAR2 argument.
                if matches!(e, [one] if frame.target(one).is_some_and(|k| frame.coll(k).is_some())) {
                    return Err(wrong_args(member, at));
                }
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
                let mut lines_out = super::colls::Coll::from_values(&got);
                lines_out.elem = Ty::Varchar;
                frame.colls[lines] = Some(lines_out);
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

    /// Sleeps in short slices so a break ends it promptly.
    pub(super) fn sleep(&self, d: Duration) -> Result<(), SqlError> {
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

pub(super) fn wrong_args(member: &str, at: &Token) -> SqlError {
    SqlError {
        offset: at.pos as u32,
        ..err(
            6550,
            &format!("PLS-00306: wrong number or types of arguments in call to '{member}'"),
        )
    }
}
