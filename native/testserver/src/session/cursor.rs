//! Server-side cursors: ids handed to the client, kept until it closes them
//! (close-cursors piggyback) or the session ends.

use std::collections::HashMap;

use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::value::{ora_type, Value};

use oradb_protocol::ttc::execute::{options, ExecuteRequest};

use crate::sql::{ColumnInfo, Prepared, SqlError, StmtKind};

/// al8i4[9] bit of an execute on a scrollable cursor: the server keeps the
/// result set after its end (with NO_CANCEL_ON_EOF) and fetches from the row
/// the request names.
pub const EXEC_FLAG_SCROLLABLE: u32 = 0x02;

/// Fetch orientations (al8i4[10] of a scrollable cursor's execute; the row,
/// 1-based, is in al8i4[11]).
pub(crate) mod orientation {
    pub const CURRENT: u32 = 0x01;
    pub const NEXT: u32 = 0x02;
    pub const FIRST: u32 = 0x04;
    pub const LAST: u32 = 0x08;
    pub const PRIOR: u32 = 0x10;
    pub const ABSOLUTE: u32 = 0x20;
    pub const RELATIVE: u32 = 0x40;
}

/// Open cursors per session; Oracle's default OPEN_CURSORS-like cap.
pub const MAX_CURSORS: usize = 300;

pub(crate) struct Cursor {
    pub prepared: Prepared,
    /// Bind metadata from the last full execute (re-executes reuse it).
    pub binds: Vec<ColumnMeta>,
    /// Client defines (e.g. CLOB fetched as LONG); empty = described types.
    pub defines: Vec<ColumnMeta>,
    pub rows: Vec<Vec<Value>>,
    pub pos: usize,
    /// Its last execution was a query that took well under a millisecond:
    /// the next one runs inline (see `State::engine`).
    pub quick: bool,
    /// Rowids and sources of the LOB columns that name rows.
    pub lob_rows: Option<crate::sql::LobRows>,
    /// Nested cursors its rows' CURSOR(…) columns opened: they close with
    /// it, or when it runs again, as Oracle's do (clients such as
    /// python-oracledb never close them themselves).
    pub children: Vec<u16>,
    /// Opened by PL/SQL (a REF CURSOR, an implicit result) or a CURSOR(…) column: clients
    /// fetch it with execute calls without SQL, and a call that asks for rows gets them
    /// without the FETCH option.
    pub from_plsql: bool,
    /// Executed as scrollable: its whole result is kept, so a batch that
    /// reaches the last row already knows it is the end.
    pub scrollable: bool,
}

impl Cursor {
    pub fn new(prepared: Prepared) -> Self {
        Cursor {
            prepared,
            binds: Vec::new(),
            defines: Vec::new(),
            rows: Vec::new(),
            pos: 0,
            quick: false,
            lob_rows: None,
            children: Vec::new(),
            from_plsql: false,
            scrollable: false,
        }
    }
    pub fn exhausted(&self) -> bool {
        self.pos >= self.rows.len()
    }

    /// Moves a scrollable cursor to where the fetch of `orient` and row
    /// `row` (1-based) starts; the rows from there are then sent as usual.
    /// A row outside the result set leaves it exhausted, so the fetch sends
    /// no rows and ORA-01403, which the client reports as out of the result
    /// set (or, for first/last of an empty set, as no rows).
    pub fn scroll(&mut self, orient: u32, row: u32) -> Result<(), SqlError> {
        self.pos = scroll_start(orient, row, self.pos, self.rows.len())?;
        Ok(())
    }
}

/// Where a scrollable fetch starts (0-based) in `len` rows, the last fetch
/// having ended before `pos`; `len` when it falls outside them.
fn scroll_start(orient: u32, row: u32, pos: usize, len: usize) -> Result<usize, SqlError> {
    use orientation::*;
    let start = match orient {
        // RELATIVE too names the row itself: python-oracledb sends its
        // own row count plus the offset, since only the client knows
        // how far into the last batch its caller has read.
        CURRENT | ABSOLUTE | RELATIVE => (row as usize).checked_sub(1),
        NEXT => Some(pos),
        FIRST => Some(0),
        LAST => len.checked_sub(1),
        // The row before the last one sent (the current row).
        PRIOR => pos.checked_sub(2),
        _ => {
            return Err(SqlError {
                code: 24391,
                message: format!(
                    "ORA-24391: invalid fetch operation (fetch orientation {orient:#x})"
                ),
                offset: 0,
            })
        }
    };
    Ok(start.filter(|&s| s < len).unwrap_or(len))
}

/// The orientation and row of an execute that fetches from a scrollable
/// cursor's kept rows instead of running the query again: a scroll (no
/// execute bit, an orientation), or the next batch, which python-oracledb
/// asks for with the execute bit, orientation CURRENT and the row after
/// those it has (row 1 is a real execute). `parsed`: SQL came with the call.
pub(crate) fn scroll_fetch(
    head: &ExecuteRequest,
    parsed: bool,
    kind: StmtKind,
) -> Option<(u32, u32)> {
    let (orient, row) = (head.al8i4[10], head.al8i4[11]);
    if head.al8i4[9] & EXEC_FLAG_SCROLLABLE == 0 || parsed || kind != StmtKind::Query {
        return None;
    }
    if head.options & options::EXECUTE == 0 {
        return (orient != 0).then_some((orient, row));
    }
    (orient == orientation::CURRENT && row > 1).then_some((orient, row))
}

#[derive(Default)]
pub(crate) struct Cursors {
    map: HashMap<u16, Cursor>,
    free: Vec<u16>,
    next: u16,
}

impl Cursors {
    /// Stores a cursor under a fresh id, or `None` when too many are open.
    pub fn insert(&mut self, c: Cursor) -> Option<u16> {
        if self.map.len() >= MAX_CURSORS {
            return None;
        }
        let id = match self.free.pop() {
            Some(id) => id,
            None => {
                self.next = self.next.checked_add(1)?;
                self.next
            }
        };
        self.map.insert(id, c);
        Some(id)
    }
    /// How many cursors are open (the "opened cursors current" statistic).
    pub fn open_count(&self) -> usize {
        self.map.len()
    }
    pub fn replace(&mut self, id: u16, c: Cursor) {
        self.close_children(u32::from(id));
        self.map.insert(id, c);
    }
    pub fn get_mut(&mut self, id: u32) -> Option<&mut Cursor> {
        u16::try_from(id).ok().and_then(|id| self.map.get_mut(&id))
    }
    pub fn get(&self, id: u32) -> Option<&Cursor> {
        u16::try_from(id).ok().and_then(|id| self.map.get(&id))
    }
    pub fn contains(&self, id: u32) -> bool {
        u16::try_from(id).is_ok_and(|id| self.map.contains_key(&id))
    }
    /// Closes cursor `id` and the nested cursors its rows opened.
    pub fn close(&mut self, id: u32) {
        self.close_children(id);
        if let Ok(id) = u16::try_from(id) {
            if self.map.remove(&id).is_some() {
                self.free.push(id);
            }
        }
    }
    /// Ends cursor `id`'s fetch (OCI's cancel): its unfetched rows and the
    /// nested cursors they opened go, the parsed statement stays for a
    /// re-execute.
    pub fn cancel(&mut self, id: u32) {
        self.close_children(id);
        if let Some(c) = self.get_mut(id) {
            c.rows = Vec::new();
            c.pos = 0;
            c.lob_rows = None;
        }
    }
    /// Closes the nested cursors cursor `id`'s rows opened (it runs again).
    pub fn close_children(&mut self, id: u32) {
        let mut pending = match self.get_mut(id) {
            Some(c) => std::mem::take(&mut c.children),
            None => return,
        };
        // A nested cursor's own nested cursors too, without recursion.
        while let Some(child) = pending.pop() {
            if let Some(c) = self.map.remove(&child) {
                pending.extend(c.children);
                self.free.push(child);
            }
        }
    }
}

/// The defines a cached query keeps when DDL retypes its select list under it: Oracle
/// sends a column that became CLOB (BLOB) after CHAR, VARCHAR or LONG (RAW, LONG RAW) as
/// LONG (LONG RAW), as if the client had defined it so, and the client reads it that way
/// without a define of its own. Empty (the described types) unless some column changed so
/// and no other LOB is left, which the client would define first.
pub(crate) fn retyped_defines(
    old: &[ColumnInfo],
    old_defines: &[ColumnMeta],
    new: &[ColumnInfo],
) -> Vec<ColumnMeta> {
    let was = |i: usize| match old_defines.get(i).map(|d| d.ora_type) {
        Some(t @ (ora_type::LONG | ora_type::LONG_RAW)) => Some(t),
        _ => old.get(i).map(|c| c.ora_type),
    };
    let types: Vec<u8> = new
        .iter()
        .enumerate()
        .map(|(i, c)| match (c.ora_type, was(i)) {
            (ora_type::CLOB, Some(ora_type::CHAR | ora_type::VARCHAR | ora_type::LONG)) => {
                ora_type::LONG
            }
            (ora_type::BLOB, Some(ora_type::RAW | ora_type::LONG_RAW)) => ora_type::LONG_RAW,
            (t, _) => t,
        })
        .collect();
    let changed = types.iter().zip(new).any(|(t, c)| *t != c.ora_type);
    let lob_left = types
        .iter()
        .any(|t| matches!(*t, ora_type::CLOB | ora_type::BLOB));
    if !changed || lob_left {
        return Vec::new();
    }
    // The client reads the value in the character-set form of the column it had (an
    // NVARCHAR2 that became CLOB comes as national LONG): the form goes with the old type.
    let form = |i: usize| match old_defines.get(i).map(|d| d.csfrm) {
        Some(f) if f != 0 => f,
        _ if old.get(i).is_some_and(|c| c.national) => 2,
        _ => 1,
    };
    types
        .into_iter()
        .enumerate()
        .map(|(i, ora_type)| ColumnMeta {
            ora_type,
            csfrm: form(i),
            ..ColumnMeta::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::orientation::*;
    use super::scroll_start;

    #[test]
    fn scroll_starts() {
        // Five rows, the last fetch sent rows 3 and 4 (pos 4).
        let at = |o, row| scroll_start(o, row, 4, 5).unwrap();
        assert_eq!(at(FIRST, 0), 0);
        assert_eq!(at(LAST, 0), 4);
        assert_eq!(at(ABSOLUTE, 2), 1);
        assert_eq!(at(RELATIVE, 5), 4);
        assert_eq!(at(CURRENT, 5), 4);
        assert_eq!(at(NEXT, 0), 4);
        assert_eq!(at(PRIOR, 0), 2);
        // Outside the rows: exhausted (no rows, ORA-01403).
        assert_eq!(at(ABSOLUTE, 0), 5);
        assert_eq!(at(ABSOLUTE, 6), 5);
        assert_eq!(scroll_start(PRIOR, 0, 1, 5).unwrap(), 5);
        // An empty set: first and last find nothing either.
        assert_eq!(scroll_start(FIRST, 0, 0, 0).unwrap(), 0);
        assert_eq!(scroll_start(LAST, 0, 0, 0).unwrap(), 0);
        assert_eq!(scroll_start(0x03, 0, 0, 5).unwrap_err().code, 24391);
        assert_eq!(scroll_start(0, 0, 0, 5).unwrap_err().code, 24391);
    }

    #[test]
    fn retyped_columns_keep_the_long_define_oracle_implies() {
        use super::retyped_defines;
        use crate::sql::ColumnInfo;
        use oradb_protocol::value::ora_type::*;
        let col = |ora_type| ColumnInfo {
            name: "C".into(),
            ora_type,
            size: 0,
            char_size: 0,
            precision: 0,
            scale: 0,
            nullable: true,
            object_type: None,
            national: false,
            uds_flags: 0,
        };
        let types = |d: Vec<super::ColumnMeta>| d.iter().map(|m| m.ora_type).collect::<Vec<_>>();
        let r = retyped_defines(&[col(VARCHAR), col(RAW)], &[], &[col(CLOB), col(BLOB)]);
        assert_eq!(types(r), [LONG, LONG_RAW]);
        // An NVARCHAR2 that became CLOB or NCLOB comes as national LONG: the client
        // reads it in the form of the column it had (python-oracledb test_4603, 4610).
        let nvarchar = ColumnInfo {
            national: true,
            ..col(VARCHAR)
        };
        let nclob = ColumnInfo {
            national: true,
            ..col(CLOB)
        };
        let r = retyped_defines(&[nvarchar.clone(), col(VARCHAR)], &[], &[col(CLOB), nclob]);
        let forms: Vec<u8> = r.iter().map(|m| m.csfrm).collect();
        assert_eq!((types(r), forms), (vec![LONG, LONG], vec![2, 1]));
        // A LOB that was a LOB already, or came from another type, is defined by the
        // client itself first: no implied defines then.
        assert!(
            retyped_defines(&[col(VARCHAR), col(CLOB)], &[], &[col(CLOB), col(CLOB)]).is_empty()
        );
        assert!(retyped_defines(&[col(NUMBER)], &[], &[col(CLOB)]).is_empty());
        assert!(retyped_defines(&[col(VARCHAR)], &[], &[col(NUMBER)]).is_empty());
    }
}
