//! Rows of a thick-mode cursor appended in the tagged format of BOUNDARY.md, for a query or a
//! REF CURSOR (a nested `CURSOR(…)` column or an OUT bind).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use oracle::sql_type::{OracleType, RefCursor};
use oracle::{ColumnInfo, ResultSet, Row, RowValue};

use crate::error::Result;
use crate::values::{self, type_number, Mode};

/// An open cursor of a connection, and how each of its columns goes to JS.
pub(crate) struct Cursor {
    rows: Rows,
    modes: Vec<Mode>,
    /// How columns past `modes` go.
    rest: Mode,
    /// Ids of the nested cursors its rows gave (while open, the server needs this cursor).
    pub(crate) children: Vec<u32>,
    /// The query a nested cursor came from, kept open for it after its last row.
    pub(crate) parent: Option<Arc<Mutex<Cursor>>>,
    /// The PL/SQL call an implicit result came from: closing it would close the result
    /// (ODPI-C, DPI-1039).
    pub(crate) call: Option<Arc<HeldStatement>>,
}

/// A statement kept open only for the cursors it returned; never used, only dropped.
pub(crate) struct HeldStatement(#[allow(dead_code)] pub(crate) oracle::Statement);

// SAFETY: the statement is never used through this, only dropped, and cursors are dropped
// under their connection's call lock (`conn::Calls`), one thread at a time.
unsafe impl Send for HeldStatement {}
unsafe impl Sync for HeldStatement {}

enum Rows {
    Query(ResultSet<'static, Appended>),
    Nested(NestedCursor),
}

struct NestedCursor(RefCursor);

// SAFETY: as the oracle crate's own `Send` for `ResultSet<'static, _>`: the statement handle
// is used by one thread at a time, under its connection's call lock (`conn::Calls`).
unsafe impl Send for NestedCursor {}

impl Cursor {
    pub(crate) fn query(rs: ResultSet<'static, Appended>, modes: Vec<Mode>) -> Cursor {
        Cursor {
            rows: Rows::Query(rs),
            modes,
            rest: Mode::Plain,
            children: Vec::new(),
            parent: None,
            call: None,
        }
    }

    /// A REF CURSOR's rows; its LOB columns go as locators, as in thin mode (JS makes them
    /// `Lob`s).
    pub(crate) fn nested(rc: RefCursor) -> Cursor {
        Cursor {
            rows: Rows::Nested(NestedCursor(rc)),
            modes: Vec::new(),
            rest: Mode::Locator,
            children: Vec::new(),
            parent: None,
            call: None,
        }
    }

    pub(crate) fn column_info(&self) -> &[ColumnInfo] {
        match &self.rows {
            Rows::Query(rs) => rs.column_info(),
            // Only queries report columns with the execute; nested cursors did when read.
            Rows::Nested(_) => &[],
        }
    }

    /// Reads the next row into this thread's `FETCHED` buffer; `None` at the end.
    fn next_row(&mut self) -> Option<oracle::Result<Appended>> {
        match &mut self.rows {
            Rows::Query(rs) => rs.next(),
            Rows::Nested(n) => match n.0.query_as::<Appended>() {
                Ok(mut rs) => rs.next(),
                Err(e) => Some(Err(e)),
            },
        }
    }
}

thread_local! {
    /// The buffer rows are appended to while `fetch_into` runs on this thread, and how each
    /// column goes.
    static FETCHED: RefCell<(Vec<u8>, Vec<Mode>, Mode)> =
        const { RefCell::new((Vec::new(), Vec::new(), Mode::Plain)) };
}

/// A row appended to this thread's `FETCHED` buffer as the cursor reads it. The oracle crate's
/// `Row` copies every column value of every row; this reads them in place (a 100,000-row
/// fetch made a million of those copies).
pub(crate) struct Appended;

impl RowValue for Appended {
    fn get(row: &Row) -> oracle::Result<Appended> {
        FETCHED.with(|f| {
            let (out, modes, rest) = &mut *f.borrow_mut();
            for (i, v) in row.sql_values().iter().enumerate() {
                values::put(out, v, modes.get(i).copied().unwrap_or(*rest))?;
            }
            Ok(Appended)
        })
    }
}

/// Appends up to `max` rows (0: none); true when the cursor has no rows left. Run it under
/// `Calls::collect`, which keeps the LOBs and REF CURSORs read.
pub(crate) fn fetch_into(cur: &mut Cursor, max: u32, out: &mut Vec<u8>) -> Result<(u32, bool)> {
    FETCHED.with(|f| *f.borrow_mut() = (std::mem::take(out), cur.modes.clone(), cur.rest));
    let mut read = || {
        let mut n = 0;
        while n < max {
            match cur.next_row() {
                None => return Ok((n, true)),
                Some(row) => {
                    row?;
                    n += 1;
                }
            }
        }
        Ok((n, false))
    };
    let r: Result<(u32, bool)> = read();
    // Taken back whatever happened, so the next fetch on this thread starts empty.
    FETCHED.with(|f| *out = std::mem::take(&mut f.borrow_mut().0));
    r
}

/// Column count and descriptions, as in the execute result.
pub(crate) fn columns(cols: &[ColumnInfo], out: &mut Vec<u8>) {
    out.extend_from_slice(&(cols.len() as u32).to_le_bytes());
    for c in cols {
        let t = c.oracle_type();
        let (size, precision, scale) = match t {
            OracleType::Varchar2(n) | OracleType::Char(n) | OracleType::Raw(n) => (*n, 0, 0),
            // The oracle crate gives national sizes in characters; thin mode's byteSize counts
            // AL16UTF16 bytes, two a character.
            OracleType::NVarchar2(n) | OracleType::NChar(n) => (n.saturating_mul(2), 0, 0),
            OracleType::Number(p, s) => (0, *p as i8, *s),
            OracleType::Float(p) => (0, *p as i8, -127),
            // Leading and fractional precisions, as thin mode describes them.
            OracleType::IntervalDS(l, f) => (0, *l as i8, *f as i8),
            OracleType::IntervalYM(l) => (0, *l as i8, 0),
            _ => (0, 0, 0),
        };
        out.push(type_number(t));
        out.extend_from_slice(&size.to_le_bytes());
        out.push(precision as u8);
        out.push(scale as u8);
        let national = matches!(
            t,
            OracleType::NVarchar2(_) | OracleType::NChar(_) | OracleType::NCLOB
        );
        out.push(u8::from(c.nullable()) | (u8::from(national) << 1));
        out.extend_from_slice(&(c.name().len() as u32).to_le_bytes());
        out.extend_from_slice(c.name().as_bytes());
    }
}
