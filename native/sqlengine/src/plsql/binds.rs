//! Bind analysis before a block runs (which binds are assigned), and
//! the argument lists of calls.

use crate::lexer::{split_commas, Tok, Token};
use crate::{BindDir, Prepared, SqlError};

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
        let opened = i > 0
            && toks[i - 1].is_word("OPEN")
            && toks.get(i + 1).is_some_and(|n| n.is_word("FOR"));
        if in_into || opened || toks.get(i + 1).is_some_and(|n| n.is_op(":=")) {
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
pub(super) fn call_arg_mode(toks: &[Token], i: usize, modes: &ParamModes) -> Option<BindDir> {
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
pub(super) fn call_name(toks: &[Token], open: usize) -> Option<String> {
    let last = toks.get(open.checked_sub(1)?)?.ident()?;
    if open >= 3 && toks[open - 2].is_op(".") {
        if let Some(q) = toks[open - 3].ident() {
            return Some(format!("{q}.{last}"));
        }
    }
    Some(last)
}

/// Index of the `)` closing the `(` at `open`.
pub(super) fn closing(toks: &[Token], open: usize) -> Option<usize> {
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
pub(super) struct Arg<'a> {
    pub(super) name: Option<String>,
    pub(super) expr: &'a [Token],
}

pub(super) fn args_of(toks: &[Token]) -> Vec<Arg<'_>> {
    split_commas(toks)
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
