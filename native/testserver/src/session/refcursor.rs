//! REF CURSOR OUT binds and implicit results: a cursor the block opened
//! becomes a server cursor holding its rows, and the client gets its
//! description and id to fetch.

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::ttc::describe::DescribeInfo;
use oradb_protocol::ttc::implicit::{ImplicitResult, ImplicitResults};
use oradb_protocol::ttc::rows;
use oradb_protocol::ttc::Caps;

use super::calls::State;
use super::cursor::Cursor;
use crate::sql::{RefCursor, SqlError};

/// Writes the value of a REF CURSOR OUT bind (`rows::write_out_cursor`). A
/// cursor the block never opened goes as no columns and id 0 (the client
/// cannot fetch it).
pub(crate) fn write_out(
    w: &mut TtcWriter,
    caps: &Caps,
    st: &mut State,
    rc: Option<RefCursor>,
) -> Result<(), SqlError> {
    let Some(rc) = rc else {
        rows::write_out_cursor(w, caps, &DescribeInfo::new(Vec::new()), 0);
        return Ok(());
    };
    let (info, id) = open(st, rc)?;
    rows::write_out_cursor(w, caps, &info, id);
    Ok(())
}

/// Writes the implicit results of a PL/SQL call (DBMS_SQL.RETURN_RESULT),
/// each a server cursor holding its rows. Nothing when there are none.
pub(crate) fn write_implicit(
    w: &mut TtcWriter,
    caps: &Caps,
    st: &mut State,
    results: Vec<RefCursor>,
) -> Result<(), SqlError> {
    if results.is_empty() {
        return Ok(());
    }
    let mut msg = ImplicitResults::default();
    for rc in results {
        match open(st, rc) {
            Ok((describe, cursor_id)) => msg.results.push(ImplicitResult {
                describe,
                cursor_id,
            }),
            Err(e) => {
                // The client hears of none of them: none stays open.
                for r in &msg.results {
                    st.cursors.close(u32::from(r.cursor_id));
                }
                return Err(e);
            }
        }
    }
    msg.encode(w, caps);
    Ok(())
}

/// Makes `rc` a server cursor the client can fetch from: its describe and id.
pub(crate) fn open(st: &mut State, rc: RefCursor) -> Result<(DescribeInfo, u16), SqlError> {
    let info = super::respond::describe_info(&rc.prepared.columns);
    let mut cur = Cursor::new(rc.prepared);
    cur.rows = rc.rows;
    cur.from_plsql = true;
    let id = st
        .cursors
        .insert(cur)
        .ok_or_else(|| super::exec::sql_err(1000, "maximum open cursors exceeded"))?;
    st.info
        .bump(crate::sql::directory::stat::CURSORS_CUMULATIVE);
    Ok((info, id))
}
