//! CURSOR(…) columns: as Oracle does, a row's nested cursor opens when the
//! row is fetched. Each becomes a server cursor of its own, a child of the
//! cursor whose row holds it (closed with it), and the row carries its
//! describe and id (`rows::write_cursor_value`).

use std::collections::HashMap;

use oradb_protocol::ttc::describe::DescribeInfo;
use oradb_protocol::value::{ora_type, Value};

use super::calls::State;
use crate::sql::SqlError;

/// The nested cursors opened for one batch of rows, by (row, column).
#[derive(Default)]
pub(crate) struct Opened {
    pub cursors: HashMap<(usize, usize), (DescribeInfo, u16)>,
    /// The first row whose nested cursor could not open, and why: the rows
    /// before it are sent, then this error.
    pub failed: Option<(usize, SqlError)>,
}

/// Opens the nested cursors of rows `pos..end` of cursor `cursor_id`, whose
/// columns have wire types `types`.
pub(crate) fn open_batch(st: &mut State, cursor_id: u16, types: &[u8], end: usize) -> Opened {
    let mut out = Opened::default();
    let cols: Vec<usize> = (0..types.len())
        .filter(|&i| types[i] == ora_type::CURSOR)
        .collect();
    if cols.is_empty() {
        return out;
    }
    let Some(cur) = st.cursors.get(u32::from(cursor_id)) else {
        return out;
    };
    let mut wanted = Vec::new();
    for (r, row) in cur.rows.iter().enumerate().take(end).skip(cur.pos) {
        for &i in &cols {
            // Anything else goes as a cursor with no columns and id 0.
            if let Some(Value::Varchar(payload)) = row.get(i) {
                wanted.push((r, i, payload.clone()));
            }
        }
    }
    let taken = st.session.lock().ok().and_then(|mut g| g.take());
    let Some(mut session) = taken else {
        return out;
    };
    for (r, i, payload) in wanted {
        let opened = session
            .open_nested(&payload)
            .and_then(|rc| super::refcursor::open(st, rc));
        match opened {
            Ok((info, id)) => {
                if let Some(parent) = st.cursors.get_mut(u32::from(cursor_id)) {
                    parent.children.push(id);
                }
                out.cursors.insert((r, i), (info, id));
            }
            Err(e) => {
                out.failed = Some((r, e));
                break;
            }
        }
    }
    if let Ok(mut g) = st.session.lock() {
        *g = Some(session);
    }
    out
}
