//! Binds of one execute: the specs buffer (BOUNDARY.md), the values bound to a statement, and
//! OUT values read back in tagged form.

use oracle::sql_type::ToSql;
use oracle::Statement;

use crate::conn_lob::LobStore;
use crate::error::{Error, Result};
use crate::values::{out_type, Reader, Tagged};

/// One bind of the specs buffer.
pub(crate) struct Spec {
    /// 1 IN, 2 OUT, 3 IN OUT (the associative-array flag taken off: see `array`).
    pub dir: u8,
    pub db_type: u8,
    pub max_size: u32,
    /// An associative-array bind: its maxArraySize.
    pub array: Option<u32>,
    pub name: Option<String>,
}

/// OUT binds of `executeMany` on a statement that is neither PL/SQL nor DML.
pub(crate) fn unavailable_out() -> Error {
    Error::odb(
        crate::error::UNAVAILABLE,
        "executeMany() takes OUT binds for PL/SQL blocks and DML RETURNING INTO only",
    )
}

pub(crate) fn specs(b: &[u8]) -> Result<Vec<Spec>> {
    if b.is_empty() {
        return Ok(Vec::new());
    }
    let mut r = Reader::new(b);
    let n = r.u32()?;
    let named = r.u8()? != 0;
    (0..n)
        .map(|_| {
            let dir = r.u8()?;
            let db_type = r.u8()?;
            let max_size = r.u32()?;
            let array = if dir & 0x10 != 0 {
                Some(r.u32()?)
            } else {
                None
            };
            Ok(Spec {
                dir: dir & !0x10,
                db_type,
                max_size,
                array,
                name: if named { Some(r.text()?) } else { None },
            })
        })
        .collect()
}

pub(crate) fn bind_all(
    stmt: &mut Statement,
    specs: &[Spec],
    vals: &[u8],
    lobs: &LobStore,
) -> Result<()> {
    bind_row(stmt, specs, &mut Reader::new(vals), lobs)
}

/// Binds the next row of values `r` holds (one per spec).
pub(crate) fn bind_row(
    stmt: &mut Statement,
    specs: &[Spec],
    r: &mut Reader,
    lobs: &LobStore,
) -> Result<()> {
    for (i, s) in specs.iter().enumerate() {
        // A `Lob` (tag 13: u8 Oracle type, then its locator) binds the LOB it names.
        if r.peek() == Some(13) {
            r.u8()?;
            r.u8()?;
            let lob = lobs.get(r.sized()?)?.as_sql()?;
            match &s.name {
                Some(n) => stmt.bind(n.as_str(), lob)?,
                None => stmt.bind(i + 1, lob)?,
            }
            continue;
        }
        check_interval(r.peek(), s, i)?;
        let v = r.value()?;
        let ty = out_type(s.db_type, s.max_size);
        let value: &dyn ToSql = &v;
        let with_type = (&v, &ty);
        let as_bound: &dyn ToSql = match s.dir {
            2 => &ty,
            3 => &with_type,
            _ => value,
        };
        match &s.name {
            Some(n) => stmt.bind(n.as_str(), as_bound)?,
            None => stmt.bind(i + 1, as_bound)?,
        }
    }
    Ok(())
}

/// An interval value binds only as its own interval type, and an interval type takes only
/// that value (as in thin mode): OCI would convert between the two kinds silently.
fn check_interval(tag: Option<u8>, s: &Spec, i: usize) -> Result<()> {
    // Tags 14 and 15: IntervalDS and IntervalYM values; 183 and 182 their Oracle types.
    let (kind, own) = match tag {
        Some(14) => ("IntervalDS", 183),
        Some(15) => ("IntervalYM", 182),
        Some(0) | None => return Ok(()),
        Some(_) if matches!(s.db_type, 182 | 183) => ("non-interval", s.db_type),
        Some(_) => return Ok(()),
    };
    if s.db_type == 0 || (s.db_type == own && tag.is_some_and(|t| t == 14 || t == 15)) {
        return Ok(());
    }
    let name = s.name.clone().unwrap_or_else(|| (i + 1).to_string());
    Err(Error::odb(
        crate::error::codes::BIND_CONVERSION_FAILED,
        format!(
            "bind \"{name}\": a {kind} value cannot be bound as Oracle type {}",
            s.db_type
        ),
    ))
}

/// Tagged OUT values, one per bind (IN binds as NULL); RETURNING binds as arrays (tag 10).
pub(crate) fn out_binds(stmt: &Statement, specs: &[Spec]) -> Result<Option<Vec<u8>>> {
    if specs.iter().all(|s| s.dir == 1) {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (i, s) in specs.iter().enumerate() {
        if s.dir == 1 {
            out.push(0);
            continue;
        }
        // Named binds are read back by name: OCI numbers them in the SQL's order, not the
        // order the caller gave them in (by position, `{ b, a }` swapped the values).
        if stmt.is_returning() {
            let vs: Vec<Tagged> = match &s.name {
                Some(n) => stmt.returned_values(n.as_str())?,
                None => stmt.returned_values(i + 1)?,
            };
            out.push(10);
            out.extend_from_slice(&(vs.len() as u32).to_le_bytes());
            vs.into_iter().for_each(|v| out.extend_from_slice(&v.0));
        } else {
            let v = match &s.name {
                Some(n) => stmt.bind_value::<_, Tagged>(n.as_str())?,
                None => stmt.bind_value::<_, Tagged>(i + 1)?,
            };
            out.extend_from_slice(&v.0);
        }
    }
    Ok(Some(out))
}
