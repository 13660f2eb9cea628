//! Server-side cursors: ids handed to the client, kept until it closes them
//! (close-cursors piggyback) or the session ends.

use std::collections::HashMap;

use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::value::Value;

use crate::sql::Prepared;

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
        }
    }
    pub fn exhausted(&self) -> bool {
        self.pos >= self.rows.len()
    }
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
    pub fn close(&mut self, id: u32) {
        if let Ok(id) = u16::try_from(id) {
            if self.map.remove(&id).is_some() {
                self.free.push(id);
            }
        }
    }
}
