//! Calls of stored procedures and functions.

use std::sync::Arc;

use rusqlite::types::Value as Sql;

use crate::errors::err;
use crate::lexer::{Tok, Token};
use crate::stored::{Kind, Unit};
use crate::{BindDir, Session, SqlError};

use super::ast::*;
use super::binds::*;
use super::frame::*;
use super::interp::*;
use super::MAX_CALL_DEPTH;

impl Session {
    /// Calls a stored procedure or function with the caller's argument
    /// tokens; OUT and IN OUT arguments are copied back on success.
    pub(super) fn call_unit(
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
    pub(crate) fn call_function_values(
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
}
