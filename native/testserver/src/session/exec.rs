//! EXECUTE, RE-EXECUTE and FETCH: parse → bind → execute → define → fetch,
//! in that order, as the options of the request ask.

use oradb_protocol::buf::{Reader, Writer as TtcWriter};
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::execute::{
    decode_array, options, read_bind_rows, ExecuteRequest, ReexecuteRequest,
};
use oradb_protocol::ttc::fetch::FetchRequest;
use oradb_protocol::ttc::{func, Caps};
use oradb_protocol::value::{self, Value};

use super::calls::{send_sql_error, State};
use super::cursor::Cursor;
use super::{respond, Conn};
use crate::registry::stat;
use crate::sql::{ArrayBind, BindDir, BindLimit, SqlError, StmtKind};

/// al8i4[9] bit: the client wants per-iteration DML row counts.
const EXEC_FLAG_DML_ROWCOUNTS: u32 = 0x4000;

pub(crate) struct Run {
    pub cursor_id: u16,
    pub rows: Vec<Vec<Value>>,
    /// Array (index-by table) binds of a PL/SQL call, by bind position.
    pub arrays: Vec<Option<ArrayBind>>,
    /// The locators of the LOB binds, by row and bind position: OCI takes an
    /// IN OUT LOB back only as the LOB it sent (respond.rs).
    pub lob_locators: Vec<Vec<Option<Vec<u8>>>>,
    pub describe: bool,
    pub fetch: Option<u32>,
    pub commit: bool,
    pub batch_errors: bool,
    pub dml_row_counts: bool,
}

pub(crate) fn sql_err(code: u32, text: &str) -> SqlError {
    SqlError {
        code,
        message: format!("ORA-{code:05}: {text}"),
        offset: 0,
    }
}

type BoundValues = (
    Vec<Vec<Value>>,
    Vec<Option<ArrayBind>>,
    Vec<Vec<Option<Vec<u8>>>>,
);

/// The buffer sizes the client declared for a PL/SQL call's OUT and IN OUT
/// character and RAW binds: characters when it sent a character count, else
/// bytes. Other types and IN binds are not limited here.
pub(crate) fn out_limits(dirs: &[BindDir], meta: &[ColumnMeta]) -> Vec<Option<BindLimit>> {
    use oradb_protocol::value::ora_type;
    dirs.iter()
        .zip(meta)
        .map(|(d, m)| {
            if *d == BindDir::In || m.is_array() || m.buffer_size == 0 {
                return None;
            }
            match m.ora_type {
                ora_type::VARCHAR | ora_type::CHAR if m.max_chars > 0 => {
                    Some(BindLimit::Chars(m.max_chars))
                }
                ora_type::VARCHAR | ora_type::CHAR => Some(BindLimit::TextBytes(m.buffer_size)),
                ora_type::RAW => Some(BindLimit::RawBytes(m.buffer_size)),
                ora_type::NUMBER | ora_type::BINARY_INTEGER => Some(BindLimit::Number),
                ora_type::BINARY_DOUBLE | ora_type::BINARY_FLOAT => Some(BindLimit::Numeric),
                ora_type::DATE
                | ora_type::TIMESTAMP
                | ora_type::TIMESTAMP_LTZ
                | ora_type::TIMESTAMP_TZ => Some(BindLimit::Temporal),
                _ => None,
            }
        })
        .collect()
}

/// Converts bind bytes to values using the bind metadata types. Array binds
/// (PL/SQL index-by tables) come back apart, with their declared maximum;
/// their place in the rows holds NULL.
fn bind_values(
    meta: &mut [ColumnMeta],
    rows: Vec<Vec<Option<Vec<u8>>>>,
    returning: &[bool],
    lobs: &super::lob::Lobs,
    session: &std::sync::Mutex<Option<crate::sql::Session>>,
) -> Result<BoundValues, SqlError> {
    use oradb_protocol::value::ora_type;
    let decode = |b: &[u8], m: &ColumnMeta| {
        if m.ora_type == ora_type::OBJECT {
            let oid = m.oid.as_deref().unwrap_or_default();
            return super::objects::bound_object(b, oid, session, lobs);
        }
        if matches!(m.ora_type, ora_type::CLOB | ora_type::BLOB) {
            // A LOB bind is a locator: the value is the LOB it names.
            return lobs.bound_value(b, session);
        }
        if m.ora_type == ora_type::VECTOR {
            return super::vector::bound(b);
        }
        value::decode_value(b, m.ora_type, m.csfrm).map_err(|e| sql_err(3115, &e.to_string()))
    };
    // Every array bind has its place and size, even with no value sent (an
    // OUT array, or a re-execute, which sends none for OUT binds).
    let mut arrays: Vec<Option<ArrayBind>> = Vec::new();
    if meta.iter().any(ColumnMeta::is_array) {
        arrays = meta
            .iter()
            .map(|m| {
                m.is_array().then(|| ArrayBind {
                    max: m.max_array_elements as usize,
                    values: Vec::new(),
                })
            })
            .collect();
    }
    let mut out = Vec::with_capacity(rows.len().max(1));
    let mut locators = Vec::with_capacity(rows.len());
    for (r, row) in rows.into_iter().enumerate() {
        let mut vals = Vec::with_capacity(meta.len());
        let mut locs = vec![None; meta.len()];
        let mut it = row.into_iter();
        for (i, m) in meta.iter_mut().enumerate() {
            if returning.get(i).copied().unwrap_or(false) {
                vals.push(Value::Null);
                continue;
            }
            let raw = it.next().flatten();
            if matches!(m.ora_type, ora_type::CLOB | ora_type::BLOB) && !m.is_array() {
                locs[i].clone_from(&raw);
            }
            if let (Some(b), ora_type::OBJECT) = (&raw, m.ora_type) {
                // The value names its type: a statement re-executed with an
                // object of another type sends no new metadata.
                if let Some(oid) = super::objects::value_oid(b) {
                    m.oid = Some(oid);
                }
            }
            if !m.is_array() {
                vals.push(match raw {
                    None => Value::Null,
                    Some(b) => decode(&b, m)?,
                });
                continue;
            }
            vals.push(Value::Null);
            let (Some(packed), 0) = (raw, r) else {
                continue;
            };
            let elements = decode_array(&packed).map_err(|e| sql_err(3115, &e.to_string()))?;
            let mut values = Vec::with_capacity(elements.len());
            for e in elements {
                values.push(match e {
                    Some(b) => decode(&b, m)?,
                    None => Value::Null,
                });
            }
            if let Some(Some(a)) = arrays.get_mut(i) {
                a.values = values;
            }
        }
        out.push(vals);
        locators.push(locs);
    }
    if out.is_empty() {
        out.push(vec![Value::Null; meta.len()]);
    }
    Ok((out, arrays, locators))
}

fn returning_mask(c: &Cursor) -> Vec<bool> {
    let mut mask = vec![false; c.prepared.bind_names.len()];
    for &i in &c.prepared.returning {
        if let Some(m) = mask.get_mut(i) {
            *m = true;
        }
    }
    mask
}

pub(crate) async fn execute(
    conn: &mut Conn,
    st: &mut State,
    r: &mut Reader<'_>,
) -> Result<(), String> {
    let caps = conn.caps;
    let head = match ExecuteRequest::decode_head(r, &caps) {
        Ok(h) => {
            tracing::debug!(
                options = h.options,
                prefetch = h.prefetch_rows,
                al8i4_1 = h.al8i4[1],
                iterations = h.iterations,
                "execute"
            );
            h
        }
        Err(e) => {
            return send_sql_error(
                conn,
                st,
                &sql_err(
                    3115,
                    &format!("unsupported network datatype or representation ({e})"),
                ),
                0,
                0,
            )
            .await
        }
    };
    // Parse: a new cursor (or a DDL re-parse in place) when SQL text came.
    let (cursor_id, parsed) = match head.sql.clone() {
        Some(sql) => {
            let prepared = match st.blocking(move |s| s.prepare(&sql)).await? {
                Ok(p) => p,
                Err(e) => return send_sql_error(conn, st, &e, 0, 0).await,
            };
            let cur = Cursor::new(prepared);
            if head.cursor_id != 0 && st.cursors.contains(head.cursor_id) {
                st.cursors.replace(head.cursor_id as u16, cur);
                (head.cursor_id as u16, true)
            } else {
                match st.cursors.insert(cur) {
                    Some(id) => {
                        st.info.bump(stat::CURSORS_CUMULATIVE);
                        (id, true)
                    }
                    None => {
                        return send_sql_error(
                            conn,
                            st,
                            &sql_err(1000, "maximum open cursors exceeded"),
                            0,
                            0,
                        )
                        .await
                    }
                }
            }
        }
        None if st.cursors.contains(head.cursor_id) => (head.cursor_id as u16, false),
        None => return send_sql_error(conn, st, &sql_err(1001, "invalid cursor"), 0, 0).await,
    };
    conn.call_cursor = cursor_id;
    let Some(cur) = st.cursors.get_mut(cursor_id as u32) else {
        return Ok(());
    };
    // A statement re-run with binds of other types is described again (as
    // Oracle does: a new child cursor), so `select :1` run with a number,
    // then a string, answers with the string's column.
    let rebound = !parsed && !head.binds.is_empty() && bind_types_differ(&cur.binds, &head.binds);
    if !head.binds.is_empty() {
        cur.binds = head.binds.clone();
    }
    if head.options & options::DEFINE != 0 {
        cur.defines = head.defines.clone();
    }
    cur.scrollable = head.al8i4[9] & super::cursor::EXEC_FLAG_SCROLLABLE != 0;
    if let Some((orient, row)) = super::cursor::scroll_fetch(&head, parsed, cur.prepared.kind) {
        if let Err(e) = cur.scroll(orient, row) {
            return send_sql_error(conn, st, &e, cursor_id, 0).await;
        }
        let n = rows_to_send(&head).unwrap_or(head.prefetch_rows);
        let mut w = TtcWriter::with_capacity(8192);
        super::fetch_rows::write_rows(&mut w, &caps, st, cursor_id, n);
        return conn.send_data(&w.buf).await;
    }
    let mut mask = returning_mask(cur);
    let is_plsql = cur.prepared.kind == StmtKind::PlSql;
    if oci_reexecute(&caps, &head) && is_plsql {
        // OCI runs a block again (executeMany's next rows) with an OALL8
        // that names the cursor alone: no values for its OUT binds, as in a
        // REEXECUTE (measured: python-oracledb Thick's executemany).
        for (m, d) in mask.iter_mut().zip(&cur.prepared.plsql_dirs) {
            *m |= *d == crate::sql::BindDir::Out;
        }
    }
    // OCI 19.3 sends a value for each RETURNING bind too (`FD 01`, or an
    // empty one) when it parses (SQL text), none when it re-executes a
    // cursor: read with the others and dropped (oci19 README, 13a).
    let oci_ret = caps.oci && head.sql.is_some() && mask.contains(&true);
    let value_binds: Vec<ColumnMeta> = cur
        .binds
        .iter()
        .zip(mask.iter().chain(std::iter::repeat(&false)))
        .filter(|(_, ret)| oci_ret || !**ret)
        .map(|(m, _)| m.clone())
        .collect();
    let raw = match read_bind_rows(r, &caps, &value_binds, is_plsql) {
        Ok(rows) if oci_ret => super::returning::without_returned(rows, &mask),
        Ok(rows) => rows,
        Err(e) => {
            return send_sql_error(
                conn,
                st,
                &sql_err(
                    3115,
                    &format!("unsupported network datatype or representation ({e})"),
                ),
                cursor_id,
                0,
            )
            .await
        }
    };
    let (mut binds, arrays, lob_locators) =
        match bind_values(&mut cur.binds, raw, &mask, &st.lobs, &st.session) {
            Ok(b) => b,
            Err(e) => return send_sql_error(conn, st, &e, cursor_id, 0).await,
        };
    // DML without binds run by executemany (python-oracledb's `executemany(sql, n)` or a
    // list of empty rows) comes with no bind rows, only its count in al8i4[1]: it runs that
    // many times, as Oracle runs it.
    if cur.prepared.kind == StmtKind::Dml && cur.binds.is_empty() {
        binds.resize(
            (head.al8i4[1] as usize).clamp(1, MAX_ITERATIONS),
            Vec::new(),
        );
    }
    if !arrays.is_empty() && cur.prepared.kind != StmtKind::PlSql {
        let e = sql_err(1484, "arrays can only be bound to PL/SQL statements");
        return send_sql_error(conn, st, &e, cursor_id, 0).await;
    }
    if head.options & options::EXECUTE == 0 {
        // On a cursor PL/SQL opened, a call without EXECUTE that asks for rows (al8i4[1])
        // gets them, FETCH option or not: python-oracledb and node-oracledb fetch a REF
        // CURSOR with LOB columns so (a define, then plain calls, never FETCH as LOB queries
        // are not prefetched), and take an answer without rows as its end. A define call
        // that asks for rows gets them too, as from Oracle: python-oracledb's first batch
        // of a LOB query is what its define call brought (fetch_df_batches, test_8054).
        let asks_rows = (cur.from_plsql || head.options & options::DEFINE != 0)
            && !caps.oci
            && head.options & options::DESCRIBE == 0
            && head.al8i4[1] > 0;
        let fetch = head.options & options::FETCH != 0 || asks_rows;
        if !parsed && fetch && cur.prepared.kind == StmtKind::Query {
            // A fetch sent as an execute without SQL (python-oracledb's for
            // a REF CURSOR): rows from where the cursor stands.
            let n = if caps.oci {
                oci_fetch_rows(&head)
            } else {
                rows_to_send(&head).unwrap_or(head.prefetch_rows)
            };
            // A fetch all the same (OCI fetches so): the stall fault holds it.
            conn.wait_while_stalled().await;
            let mut w = TtcWriter::with_capacity(8192);
            super::fetch_rows::write_rows(&mut w, &caps, st, cursor_id, n);
            return conn.send_data(&w.buf).await;
        }
        // Parse-only (describe) or a define call: no execution, no rows.
        let describe = parsed && cur.prepared.kind == StmtKind::Query;
        return respond::no_rows(conn, st, cursor_id, describe).await;
    }
    let run = Run {
        cursor_id,
        rows: binds,
        arrays,
        lob_locators,
        describe: parsed || rebound,
        fetch: rows_to_send(&head),
        commit: head.options & options::COMMIT != 0,
        batch_errors: head.options & options::BATCH_ERRORS != 0,
        dml_row_counts: head.al8i4[9] & EXEC_FLAG_DML_ROWCOUNTS != 0,
    };
    respond::run(conn, st, run).await
}

/// Whether the binds of a new execute differ in type or character set form
/// from those the cursor last ran with, or need a larger buffer (Oracle's
/// bind length upgrade: a described `:1` column grows with its bind).
fn bind_types_differ(old: &[ColumnMeta], new: &[ColumnMeta]) -> bool {
    old.len() != new.len()
        || old.iter().zip(new).any(|(a, b)| {
            (a.ora_type, a.csfrm) != (b.ora_type, b.csfrm) || b.buffer_size > a.buffer_size
        })
}

/// Rows a query's execute answer carries: the prefetch count when the call
/// also fetches; else al8i4[1] if set, else the prefetch count again. go-ora
/// executes without the fetch bit, al8i4[1] 0 and its prefetch rows in the
/// header, and never sends a FETCH when the answer has no rows; JDBC (same
/// options, prefetch 10) takes rows in that answer as well as none.
fn rows_to_send(head: &ExecuteRequest) -> Option<u32> {
    let some = |n: u32| (n > 0).then_some(n);
    if head.options & options::FETCH != 0 {
        Some(head.prefetch_rows)
    } else {
        some(head.al8i4[1]).or(some(head.prefetch_rows))
    }
}

/// Rows OCI 19.3 asks for in its fetch-only OALL8 (options FETCH, no SQL):
/// the prefetch field is 0 there and the count is al8i4[1], the array size
/// less the rows it already holds (captured: `oci19/oall8_fetch.hex`).
fn oci_fetch_rows(head: &ExecuteRequest) -> u32 {
    if head.prefetch_rows > 0 {
        head.prefetch_rows
    } else {
        head.al8i4[1]
    }
}

/// The most executions one executemany of DML without binds runs (a bad count must not
/// run a statement billions of times).
const MAX_ITERATIONS: usize = 1 << 20;

pub(crate) async fn reexecute(
    conn: &mut Conn,
    st: &mut State,
    code: u8,
    r: &mut Reader<'_>,
) -> Result<(), String> {
    let caps: Caps = conn.caps;
    // The cursor id comes first; peek it to find the stored bind metadata.
    let mut peek = r.clone();
    let id = peek.ub4().unwrap_or(0);
    let Some(cur) = st.cursors.get_mut(id) else {
        return send_sql_error(conn, st, &sql_err(1001, "invalid cursor"), 0, 0).await;
    };
    let mut mask = returning_mask(cur);
    if cur.prepared.kind == StmtKind::PlSql {
        // A re-execute sends no values for PL/SQL OUT binds.
        for (m, d) in mask.iter_mut().zip(&cur.prepared.plsql_dirs) {
            *m |= *d == crate::sql::BindDir::Out;
        }
    }
    let is_plsql = cur.prepared.kind == StmtKind::PlSql;
    let value_binds: Vec<ColumnMeta> = cur
        .binds
        .iter()
        .zip(mask.iter().chain(std::iter::repeat(&false)))
        .filter(|(_, ret)| !**ret)
        .map(|(m, _)| m.clone())
        .collect();
    let req = match ReexecuteRequest::decode(r, &caps, &value_binds, is_plsql) {
        Ok(q) => q,
        Err(e) => {
            return send_sql_error(
                conn,
                st,
                &sql_err(
                    3115,
                    &format!("unsupported network datatype or representation ({e})"),
                ),
                id as u16,
                0,
            )
            .await
        }
    };
    let (mut binds, arrays, lob_locators) =
        match bind_values(&mut cur.binds, req.rows, &mask, &st.lobs, &st.session) {
            Ok(b) => b,
            Err(e) => return send_sql_error(conn, st, &e, id as u16, 0).await,
        };
    // A block re-run by executemany whose binds are all OUT comes with no
    // bind rows, only its iteration count: it still runs that many times.
    if is_plsql && code == func::REEXECUTE && binds.len() < req.iterations as usize {
        binds.resize(req.iterations as usize, vec![Value::Null; cur.binds.len()]);
    }
    // So does DML without binds (python-oracledb's `executemany(None, n)`).
    if cur.prepared.kind == StmtKind::Dml && cur.binds.is_empty() && code == func::REEXECUTE {
        binds.resize(
            (req.iterations as usize).clamp(1, MAX_ITERATIONS),
            Vec::new(),
        );
    }
    // OCI takes no prefetched rows for a query with LOB (as locators or
    // defined as text) or LONG columns: rows in the re-execute answer made
    // it fail (ORA-24813, ORA-03106); without them it sends its fetch.
    let prefetch = !(caps.oci && super::respond::no_prefetch(&cur.prepared.columns, &caps));
    let run = Run {
        cursor_id: id as u16,
        rows: binds,
        arrays,
        lob_locators,
        describe: false,
        fetch: (code == func::REEXECUTE_AND_FETCH && prefetch).then_some(req.iterations),
        commit: req.options2 & 0x1 != 0,
        batch_errors: false,
        dml_row_counts: false,
    };
    respond::run(conn, st, run).await
}

pub(crate) async fn fetch(
    conn: &mut Conn,
    st: &mut State,
    r: &mut Reader<'_>,
) -> Result<(), String> {
    let req = match FetchRequest::decode(r, &conn.caps) {
        Ok(q) => q,
        Err(e) => return send_sql_error(conn, st, &sql_err(3115, &e.to_string()), 0, 0).await,
    };
    if !st.cursors.contains(req.cursor_id) {
        return send_sql_error(conn, st, &sql_err(1001, "invalid cursor"), 0, 0).await;
    }
    conn.wait_while_stalled().await;
    let mut w = TtcWriter::with_capacity(8192);
    super::fetch_rows::write_rows(&mut w, &conn.caps, st, req.cursor_id as u16, req.rows);
    conn.send_data(&w.buf).await
}

/// Whether an OALL8 from OCI runs a parsed cursor again with the binds it
/// had (no SQL text, no bind metadata).
pub(crate) fn oci_reexecute(caps: &Caps, head: &ExecuteRequest) -> bool {
    caps.oci && head.sql.is_none() && head.binds.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use oradb_protocol::ttc::function::FunctionHeader;
    use oradb_protocol::ttc::Caps;
    use oradb_protocol::value::ora_type;

    fn head(wire: &[u8], fv: u8) -> ExecuteRequest {
        let caps = Caps {
            field_version: fv,
            ..Caps::default()
        };
        let mut r = Reader::new(&wire[1..]);
        FunctionHeader::decode(wire[0], &mut r, &caps).unwrap();
        ExecuteRequest::decode_head(&mut r, &caps).unwrap()
    }

    #[test]
    fn go_ora_gets_its_prefetch_rows_in_the_execute_answer() {
        // go-ora v2.8.24's OALL8 for `select 1 from dual` (captured, field
        // version 11): parse + execute, no fetch bit, al8i4[1] = 0, 25 rows
        // to prefetch in the header.
        let mut wire = vec![
            0x03, 0x5e, 0x00, 0x02, 0x80, 0x21, 0x00, 0x01, 0x01, 0x12, 0x01, 0x01, 0x0d, 0x00,
            0x00, 0x00, 0x01, 0x19, 0x04, 0x3f, 0xff, 0xff, 0xff,
        ];
        wire.extend([0; 11]);
        wire.push(0x01);
        wire.extend([0; 15]);
        wire.push(0x12);
        wire.extend(b"select 1 from dual");
        wire.extend([
            0x01, 0x01, 0, 0, 0, 0, 0, 0, 0x01, 0x01, 0, 0x02, 0x80, 0, 0, 0, 0,
        ]);
        let q = head(&wire, 11);
        assert_eq!(q.sql.as_deref(), Some("select 1 from dual"));
        assert_eq!((q.options, q.prefetch_rows, q.al8i4[1]), (0x8021, 25, 0));
        assert_eq!(rows_to_send(&q), Some(25));
    }

    #[test]
    fn out_limits_follow_the_bind_metadata() {
        let mut chars = ColumnMeta::bind(ora_type::VARCHAR, 4);
        chars.max_chars = 1;
        let metas = [
            chars,
            ColumnMeta::bind(ora_type::VARCHAR, 10),
            ColumnMeta::bind(ora_type::RAW, 3),
            ColumnMeta::bind(ora_type::NUMBER, 22),
            ColumnMeta::bind(ora_type::VARCHAR, 5),
        ];
        let dirs = [
            BindDir::Out,
            BindDir::InOut,
            BindDir::Out,
            BindDir::Out,
            BindDir::In,
        ];
        assert_eq!(
            out_limits(&dirs, &metas),
            [
                Some(BindLimit::Chars(1)),
                Some(BindLimit::TextBytes(10)),
                Some(BindLimit::RawBytes(3)),
                Some(BindLimit::Number),
                None
            ]
        );
    }
}
