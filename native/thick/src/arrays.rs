//! Statements with PL/SQL associative-array binds (index-by tables). The `oracle` crate binds
//! one value per bind, so such a statement is prepared, bound and run through ODPI-C directly
//! (`dpiVar` with `isArray`), on the connection's own `dpiConn` and under its call lock. Every
//! `unsafe` says why it holds.

use std::os::raw::c_char;
use std::ptr::null_mut;

use odpic_sys::{
    dpiConn_newVar, dpiConn_prepareStmt, dpiData, dpiStmt, dpiStmt_bindByName, dpiStmt_bindByPos,
    dpiStmt_execute, dpiStmt_release, dpiTimestamp, dpiVar, dpiVar_getNumElementsInArray,
    dpiVar_release, dpiVar_setFromBytes, dpiVar_setNumElementsInArray,
    DPI_MODE_EXEC_COMMIT_ON_SUCCESS, DPI_MODE_EXEC_DEFAULT, DPI_NATIVE_TYPE_BOOLEAN,
    DPI_NATIVE_TYPE_BYTES, DPI_NATIVE_TYPE_DOUBLE, DPI_NATIVE_TYPE_TIMESTAMP,
    DPI_ORACLE_TYPE_BOOLEAN, DPI_ORACLE_TYPE_DATE, DPI_ORACLE_TYPE_NUMBER, DPI_ORACLE_TYPE_VARCHAR,
};

use crate::binds::Spec;
use crate::error::{codes, Error, Result};
use crate::lob::check;
use crate::raw_conn::RawConn;
use crate::values::Reader;

/// How a bind's values go to ODPI-C.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Text(u32),
    Date,
    Bool,
}

impl Kind {
    /// From the spec's Oracle type, or (0) the first non-null value's tag.
    fn of(s: &Spec, first_tag: Option<u8>) -> Result<Kind> {
        let text = Kind::Text(if s.max_size == 0 { 4000 } else { s.max_size });
        Ok(match (s.db_type, first_tag.filter(|t| *t != 0)) {
            (2, _) | (0, Some(1 | 7 | 11)) => Kind::Number,
            (1 | 96, _) | (0, Some(2) | None) => text,
            (12 | 180, _) | (0, Some(4 | 5)) => Kind::Date,
            (252, _) | (0, Some(6)) => Kind::Bool,
            (t, _) => {
                return Err(Error::odb(
                    crate::error::UNAVAILABLE,
                    format!(
                        "an associative-array statement binds NUMBER, VARCHAR2, DATE and \
                         BOOLEAN in thick mode, not Oracle type {t}"
                    ),
                ))
            }
        })
    }

    fn types(self) -> (u32, u32, u32) {
        match self {
            Kind::Number => (DPI_ORACLE_TYPE_NUMBER, DPI_NATIVE_TYPE_DOUBLE, 0),
            Kind::Text(n) => (DPI_ORACLE_TYPE_VARCHAR, DPI_NATIVE_TYPE_BYTES, n),
            Kind::Date => (DPI_ORACLE_TYPE_DATE, DPI_NATIVE_TYPE_TIMESTAMP, 0),
            Kind::Bool => (DPI_ORACLE_TYPE_BOOLEAN, DPI_NATIVE_TYPE_BOOLEAN, 0),
        }
    }
}

/// One bound variable: released when dropped.
struct Var {
    var: *mut dpiVar,
    data: *mut dpiData,
    kind: Kind,
    len: u32,
}

impl Drop for Var {
    fn drop(&mut self) {
        // SAFETY: the reference dpiConn_newVar gave, released once.
        unsafe { dpiVar_release(self.var) };
    }
}

struct Stmt(*mut dpiStmt);

impl Drop for Stmt {
    fn drop(&mut self) {
        // SAFETY: the reference dpiConn_prepareStmt gave, released once (back to OCI's cache).
        unsafe { dpiStmt_release(self.0) };
    }
}

impl Var {
    fn new(conn: &RawConn, kind: Kind, len: u32, array: bool) -> Result<Var> {
        let (ora, native, size) = kind.types();
        let (mut var, mut data) = (null_mut(), null_mut());
        // SAFETY: a referenced dpiConn, valid out pointers; `data` has `len` (≥ 1) elements.
        check(unsafe {
            dpiConn_newVar(
                conn.0,
                ora,
                native,
                len.max(1),
                size,
                1,
                i32::from(array),
                null_mut(),
                &mut var,
                &mut data,
            )
        })?;
        Ok(Var {
            var,
            data,
            kind,
            len: len.max(1),
        })
    }

    /// Element `i` of the variable's data, checked against its size.
    fn at(&self, i: u32) -> Result<*mut dpiData> {
        if i >= self.len {
            return Err(Error::odb(
                codes::MALFORMED_BIND_BUFFER,
                "array index past its size",
            ));
        }
        // SAFETY: `data` has `len` elements, owned by the variable while it lives.
        Ok(unsafe { self.data.add(i as usize) })
    }

    /// Sets element `i` from the next tagged value.
    fn set(&self, i: u32, r: &mut Reader) -> Result<()> {
        // SAFETY: an element in range; calls on the variable do not overlap (call lock), so
        // no other reference to it exists while this one lives.
        let d = unsafe { &mut *self.at(i)? };
        d.isNull = 0;
        let bad = || {
            Error::odb(
                codes::BIND_CONVERSION_FAILED,
                "an array element of another type",
            )
        };
        match (r.u8()?, self.kind) {
            (0, _) => d.isNull = 1,
            (1 | 11, Kind::Number) => d.value.asDouble = r.f64()?,
            (7, Kind::Number) => d.value.asDouble = r.text()?.parse().map_err(|_| bad())?,
            (2 | 7 | 8, Kind::Text(_)) => {
                let t = r.text()?;
                // SAFETY: a live variable, an element in range; ODPI-C copies the bytes.
                check(unsafe {
                    dpiVar_setFromBytes(self.var, i, t.as_ptr() as *const c_char, t.len() as u32)
                })?;
            }
            (t @ (4 | 5), Kind::Date) => {
                let v = r.datetime(t == 5)?;
                d.value.asTimestamp = dpiTimestamp {
                    year: v.year() as i16,
                    month: v.month() as u8,
                    day: v.day() as u8,
                    hour: v.hour() as u8,
                    minute: v.minute() as u8,
                    second: v.second() as u8,
                    fsecond: v.nanosecond(),
                    tzHourOffset: 0,
                    tzMinuteOffset: 0,
                };
            }
            (6, Kind::Bool) => d.value.asBoolean = i32::from(r.u8()? != 0),
            _ => return Err(bad()),
        }
        Ok(())
    }

    /// Element `i` in tagged form.
    fn put(&self, i: u32, out: &mut Vec<u8>) -> Result<()> {
        // SAFETY: as in `set`; only read here.
        let d = unsafe { &*self.at(i)? };
        if d.isNull != 0 {
            out.push(0);
            return Ok(());
        }
        // SAFETY: the union member ODPI-C fills for this variable's native type.
        unsafe {
            match self.kind {
                Kind::Number => {
                    out.push(1);
                    out.extend_from_slice(&d.value.asDouble.to_le_bytes());
                }
                Kind::Text(_) => {
                    let b = d.value.asBytes;
                    let s = std::slice::from_raw_parts(b.ptr as *const u8, b.length as usize);
                    out.push(2);
                    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
                    out.extend_from_slice(s);
                }
                Kind::Date => {
                    let t = d.value.asTimestamp;
                    out.push(4);
                    out.extend_from_slice(&t.year.to_le_bytes());
                    out.extend_from_slice(&[t.month, t.day, t.hour, t.minute, t.second]);
                }
                Kind::Bool => {
                    out.push(6);
                    out.push(u8::from(d.value.asBoolean != 0));
                }
            }
        }
        Ok(())
    }
}

/// Binds `specs` with `vals` (an array bind's value: a tag 10 array) and runs `sql`, a PL/SQL
/// block or DML; the execute-result buffer of BOUNDARY.md.
pub(crate) fn execute(
    conn: &RawConn,
    sql: &str,
    specs: &[Spec],
    vals: &[u8],
    auto_commit: bool,
) -> Result<Vec<u8>> {
    let mut raw = null_mut();
    // SAFETY: a referenced dpiConn, the SQL's bytes and length, no tag, a valid out pointer.
    check(unsafe {
        dpiConn_prepareStmt(
            conn.0,
            0,
            sql.as_ptr() as *const c_char,
            sql.len() as u32,
            null_mut(),
            0,
            &mut raw,
        )
    })?;
    let stmt = Stmt(raw);
    let mut r = Reader::new(vals);
    let mut vars = Vec::with_capacity(specs.len());
    for (i, s) in specs.iter().enumerate() {
        let var = bound(conn, s, &mut r)?;
        // SAFETY: a live statement and variable; ODPI-C adds its own reference to the variable.
        check(unsafe {
            match &s.name {
                Some(n) => {
                    dpiStmt_bindByName(stmt.0, n.as_ptr() as *const c_char, n.len() as u32, var.var)
                }
                None => dpiStmt_bindByPos(stmt.0, i as u32 + 1, var.var),
            }
        })?;
        vars.push(var);
    }
    let mode = if auto_commit {
        DPI_MODE_EXEC_COMMIT_ON_SUCCESS
    } else {
        DPI_MODE_EXEC_DEFAULT
    };
    let mut columns = 0u32;
    // SAFETY: a prepared statement with every bind set; a valid out pointer.
    check(unsafe { dpiStmt_execute(stmt.0, mode, &mut columns) })?;
    if columns > 0 {
        return Err(Error::odb(
            crate::error::UNAVAILABLE,
            "a query with associative-array binds is not available in thick mode",
        ));
    }
    result(specs, &vars)
}

/// The variable for one bind, with its IN value set.
fn bound(conn: &RawConn, s: &Spec, r: &mut Reader) -> Result<Var> {
    let Some(max) = s.array else {
        let var = Var::new(conn, Kind::of(s, r.peek())?, 1, false)?;
        var.set(0, r)?;
        return Ok(var);
    };
    if r.u8()? != 10 {
        return Err(Error::odb(
            codes::MALFORMED_BIND_BUFFER,
            "an array bind's value is a tag 10 array",
        ));
    }
    let n = r.u32()?;
    if n > max {
        return Err(Error::odb(
            codes::BIND_SHAPE_MISMATCH,
            format!("an array of {n} elements is over its maxArraySize of {max}"),
        ));
    }
    // The first non-null element's tag tells an untyped bind's type.
    let first = first_tag(r.clone(), n)?;
    let var = Var::new(conn, Kind::of(s, first)?, max, true)?;
    for i in 0..n {
        var.set(i, r)?;
    }
    // SAFETY: a live array variable; `n` is within its maxArraySize.
    check(unsafe { dpiVar_setNumElementsInArray(var.var, n) })?;
    Ok(var)
}

fn first_tag(mut r: Reader, n: u32) -> Result<Option<u8>> {
    for _ in 0..n {
        match r.peek() {
            Some(0) => {
                r.u8()?;
            }
            t => return Ok(t),
        }
    }
    Ok(None)
}

/// The execute result: no rows, OUT binds in tagged form (arrays as tag 10).
fn result(specs: &[Spec], vars: &[Var]) -> Result<Vec<u8>> {
    let outs = specs.iter().any(|s| s.dir != 1);
    let mut out = vec![if outs { 8 } else { 0 }];
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0f64.to_le_bytes());
    if outs {
        let mut b = Vec::new();
        for (s, v) in specs.iter().zip(vars) {
            if s.dir == 1 {
                b.push(0);
            } else if s.array.is_some() {
                let mut n = 0u32;
                // SAFETY: a live array variable and a valid out pointer.
                check(unsafe { dpiVar_getNumElementsInArray(v.var, &mut n) })?;
                b.push(10);
                b.extend_from_slice(&n.to_le_bytes());
                for i in 0..n {
                    v.put(i, &mut b)?;
                }
            } else {
                v.put(0, &mut b)?;
            }
        }
        out.extend_from_slice(&(b.len() as u32).to_le_bytes());
        out.extend_from_slice(&b);
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(db_type: u8, max_size: u32) -> Spec {
        Spec {
            dir: 1,
            db_type,
            max_size,
            array: Some(10),
            name: None,
        }
    }

    #[test]
    fn an_untyped_array_takes_its_first_non_null_elements_type() {
        // Tag 10 payload after the count: NULL, then a NUMBER (tag 1).
        let mut b = vec![0u8, 1];
        b.extend_from_slice(&2.5f64.to_le_bytes());
        let first = first_tag(Reader::new(&b), 2).unwrap();
        assert_eq!(first, Some(1));
        assert!(Kind::of(&spec(0, 0), first).unwrap() == Kind::Number);
        // All NULL (or empty): VARCHAR2 of the bind's size, 4000 bytes when none is given.
        assert!(
            Kind::of(&spec(0, 0), first_tag(Reader::new(&[0]), 1).unwrap()).unwrap()
                == Kind::Text(4000)
        );
        assert!(Kind::of(&spec(1, 30), None).unwrap() == Kind::Text(30));
        assert!(Kind::of(&spec(12, 0), Some(4)).unwrap() == Kind::Date);
    }

    #[test]
    fn other_array_element_types_are_refused_by_oracle_type() {
        let e = Kind::of(&spec(113, 0), None).err().unwrap();
        assert_eq!(e.code, crate::error::UNAVAILABLE);
        assert!(e.message.contains("not Oracle type 113"), "{}", e.message);
    }
}
