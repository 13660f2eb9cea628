//! The execute result of a query (BOUNDARY.md): its first rows and column descriptions; the
//! cursor stays open for `fetch` while it has rows.

use oracle::sql_type::OracleType;
use oracle::ResultSet;

use crate::calls::Calls;
use crate::conn::ExecOpts;
use crate::error::Result;
use crate::fetch::{columns, Appended, Cursor};
use crate::values::Mode;

/// The execute-result buffer of a query: its first rows and columns; the cursor stays open
/// under a new id while it has rows.
pub(crate) fn query_result(
    calls: &mut Calls,
    rs: ResultSet<'static, Appended>,
    sql: &str,
    o: &ExecOpts,
) -> Result<Vec<u8>> {
    let info = rs.column_info();
    if info
        .iter()
        .any(|c| *c.oracle_type() == OracleType::RefCursor)
    {
        // Bounded: a program generating such SQL without end must not grow it forever.
        if calls.nesting.len() >= 256 {
            calls.nesting.clear();
        }
        calls.nesting.insert(sql.to_string());
    }
    let mut modes = vec![Mode::Plain; rs.column_info().len()];
    let marked = [
        (&o.fetch_as_string, Mode::Text),
        (&o.lob_columns, Mode::Locator),
    ];
    for (cols, mode) in marked {
        for i in cols {
            if let Some(m) = modes.get_mut(*i) {
                *m = mode;
            }
        }
    }
    let lobs = rs.column_info().iter().any(|c| {
        matches!(
            c.oracle_type(),
            OracleType::CLOB | OracleType::NCLOB | OracleType::BLOB
        )
    });
    let deferred = o.defer_lobs && lobs;
    let first = if deferred { 0 } else { o.prefetch_rows };
    let mut cur = Cursor::query(rs, modes);
    let mut out = Vec::new();
    let (n, done) = calls.fetch_rows(&mut cur, first, &mut out)?;
    let meta_at = out.len() as u32;
    let id = if done {
        0
    } else {
        calls.next_cursor = calls.next_cursor.wrapping_add(1).max(1);
        calls.next_cursor
    };
    out.push(1 | 2 | if done { 4 } else { 0 });
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&0f64.to_le_bytes());
    columns(cur.column_info(), &mut out);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&meta_at.to_le_bytes());
    if deferred && id != 0 {
        calls.deferred.insert(id, sql.to_string());
    }
    calls.settle(id, cur, done);
    Ok(out)
}
