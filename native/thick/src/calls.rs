//! The state of a thick connection's calls, behind its call lock: open cursors (queries and
//! the REF CURSORs their rows or OUT binds gave) and the LOBs handed to JS.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::conn_lob::{self, Collected, LobStore};
use crate::error::Result;
use crate::fetch::{fetch_into, Cursor, HeldStatement};

#[derive(Default)]
pub(crate) struct Calls {
    pub(crate) next_cursor: u32,
    pub(crate) cursors: HashMap<u32, Cursor>,
    /// The connection's own `dpiConn`, once a statement with associative arrays needed it.
    pub(crate) raw: Option<crate::raw_conn::RawConn>,
    /// LOBs handed to JS as locators (`crate::conn_lob`).
    pub(crate) lobs: LobStore,
    /// Deferred queries (LOB columns, no rows read yet) by cursor id: dropped from OCI's
    /// statement cache when closed (`ThickConnection::close_cursor`).
    pub(crate) deferred: HashMap<u32, String>,
    /// Queries with `CURSOR(…)` columns: kept out of OCI's statement cache, which would hold
    /// their cursor open on the server after the nested ones closed (thin mode closes it).
    pub(crate) nesting: HashSet<String>,
}

impl Calls {
    /// Runs `f` with the LOBs and REF CURSORs it reads kept for JS: LOBs in `lobs`, cursors
    /// among the open ones. The ids of the new cursors.
    pub(crate) fn collect<T>(&mut self, f: impl FnOnce() -> T) -> (T, Vec<u32>) {
        let mut c = Collected {
            lobs: std::mem::take(&mut self.lobs),
            next_cursor: self.next_cursor,
            cursors: Vec::new(),
        };
        let r = conn_lob::collecting(&mut c, f);
        self.lobs = c.lobs;
        self.next_cursor = c.next_cursor;
        let ids = c.cursors.iter().map(|(id, _)| *id).collect();
        for (id, rc) in c.cursors {
            self.cursors.insert(id, Cursor::nested(rc));
        }
        (r, ids)
    }

    /// Keeps `stmt` open while any of the cursors `ids` (its implicit results) is.
    pub(crate) fn hold(&mut self, ids: &[u32], stmt: oracle::Statement) {
        let held = Arc::new(HeldStatement(stmt));
        for id in ids {
            if let Some(c) = self.cursors.get_mut(id) {
                c.call = Some(held.clone());
            }
        }
    }

    /// Up to `max` rows of `cur` into `out`; true when it has none left.
    pub(crate) fn fetch_rows(
        &mut self,
        cur: &mut Cursor,
        max: u32,
        out: &mut Vec<u8>,
    ) -> Result<(u32, bool)> {
        let (r, ids) = self.collect(|| fetch_into(cur, max, out));
        cur.children.extend(ids);
        r
    }

    /// Keeps `cur` open under `id` while it has rows; after its last row, while a nested
    /// cursor it gave is open (closing the query would close them on the server: ORA-01001).
    pub(crate) fn settle(&mut self, id: u32, cur: Cursor, done: bool) {
        if !done {
            self.cursors.insert(id, cur);
            return;
        }
        let children = cur.children.clone();
        let hold = Arc::new(Mutex::new(cur));
        for c in children {
            if let Some(child) = self.cursors.get_mut(&c) {
                child.parent = Some(hold.clone());
            }
        }
    }
}
