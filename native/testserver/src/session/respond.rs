//! Running a statement and writing its response: describe, rows, out binds,
//! RETURNING values, DML row counts, batch errors and the closing ERROR.

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::ttc::column::CONT_FLAG_LOB_PREFETCH;
use oradb_protocol::ttc::describe::{DescribeColumn, DescribeInfo};
use oradb_protocol::ttc::error::{BatchError, ErrorMessage};
use oradb_protocol::ttc::rows::{self, DmlRowCounts, IoVector};
use oradb_protocol::ttc::Caps;
use std::sync::Mutex;

use oradb_protocol::value::{self, ora_type, DateTime, Value};

use super::calls::{send_sql_error, State};
use super::exec::Run;
use super::returning::Returned;
use super::Conn;
use crate::sql::{BindDir, ColumnInfo, Outcome, Session, SqlError, StmtKind};

fn describe(w: &mut TtcWriter, caps: &Caps, cols: &[ColumnInfo]) {
    let mut info = describe_info(cols);
    if caps.oci {
        oci_long_buffers(&mut info);
    }
    info.encode(w, caps);
}

/// OCI 19.3 fails a LONG or LONG RAW value longer than the column's
/// described buffer with ORA-03120 (1 byte here, as thin clients are told)
/// and crashes on a buffer of 0; a buffer of 2^31 - 1 crashed it as soon as
/// another column came before the LONG. 32,760 reads every case tried
/// (tests/oci19/README.md, eighth round); the rows themselves go only after
/// OCI's define or fetch (`no_prefetch`), where OCI reads values of any length.
const OCI_LONG_BUFFER: u32 = 32760;

fn oci_long_buffers(info: &mut DescribeInfo) {
    let mut grew = false;
    for c in &mut info.columns {
        if matches!(c.ora_type, ora_type::LONG | ora_type::LONG_RAW) {
            c.buffer_size = OCI_LONG_BUFFER;
            c.max_size = OCI_LONG_BUFFER;
            grew = true;
        }
    }
    if grew {
        info.max_row_size = info
            .columns
            .iter()
            .fold(0u32, |n, c| n.saturating_add(c.buffer_size));
    }
}

pub(crate) fn describe_info(cols: &[ColumnInfo]) -> DescribeInfo {
    let columns = cols
        .iter()
        .map(|c| {
            let mut d = DescribeColumn::new(
                &c.name,
                c.ora_type,
                c.size,
                c.precision,
                c.scale,
                c.nullable,
            );
            // Oracle's maximum length in characters is 0 for numbers,
            // datetimes, LOBs, LONGs and nested cursors: clients derive their display size from
            // precision (python-oracledb's NUMBER(9) is 10 wide, not 22) and
            // give a LOB none.
            if matches!(
                c.ora_type,
                ora_type::NUMBER
                    | ora_type::BINARY_INTEGER
                    | ora_type::BINARY_FLOAT
                    | ora_type::BINARY_DOUBLE
                    | ora_type::DATE
                    | ora_type::TIMESTAMP
                    | ora_type::TIMESTAMP_LTZ
                    | ora_type::TIMESTAMP_TZ
                    | ora_type::INTERVAL_DS
                    | ora_type::INTERVAL_YM
                    | ora_type::CLOB
                    | ora_type::BLOB
                    | ora_type::LONG
                    | ora_type::LONG_RAW
                    | ora_type::CURSOR
            ) {
                d.max_size = 0;
            }
            if c.national {
                // AL16UTF16: the buffer holds the bytes, max_size counts
                // characters (python-oracledb's display size).
                d.csfrm = 2;
                d.charset = oradb_protocol::ttc::lob::CHARSET_UTF16 as u16;
                if matches!(c.ora_type, ora_type::VARCHAR | ora_type::CHAR) {
                    d.max_size = c.char_size;
                }
            }
            if c.ora_type == ora_type::VECTOR {
                super::vector::describe(&mut d, c);
            }
            d.uds_flags = c.uds_flags;
            if let Some(t) = &c.object_type {
                // Clients look the type up by these (python-oracledb by OID).
                d.type_schema = Some(t.owner.clone());
                d.type_name = Some(t.name.clone());
                d.type_oid = t.oid();
                d.type_version = 1;
                // No maximum size (clients show None); the buffer size
                // stays non-zero, as 0 says the column is always NULL.
                d.max_size = 0;
            }
            d
        })
        .collect();
    DescribeInfo::new(columns)
}

pub(crate) fn has_lob(cols: &[ColumnInfo]) -> bool {
    cols.iter().any(|c| {
        matches!(
            c.ora_type,
            ora_type::CLOB | ora_type::BLOB | ora_type::VECTOR | ora_type::JSON
        )
    })
}

/// Whether the client takes no rows before it has defined the columns.
/// Thin clients: LOB columns. OCI, as Oracle documents for its prefetch,
/// also LONG and LONG RAW: a LONG value prefetched in the execute answer
/// crashed OCI 19.3 over 4,096 bytes, fetched after its (dynamic) define
/// it reads any length.
pub(crate) fn no_prefetch(cols: &[ColumnInfo], caps: &Caps) -> bool {
    has_lob(cols)
        || (caps.oci
            && cols
                .iter()
                .any(|c| matches!(c.ora_type, ora_type::LONG | ora_type::LONG_RAW)))
}

/// Value bytes for a bind of `ty`, NULL as None. A value the bind's type
/// cannot hold is ORA-06502, never a silent NULL (PL/SQL assignments are
/// checked earlier, where Oracle raises it; this catches what slips past).
fn encoded(v: &Value, ty: u8, csfrm: u8) -> Result<Option<Vec<u8>>, SqlError> {
    if v.is_null() {
        return Ok(None);
    }
    value::encode_value_cs(v, ty, csfrm).map(Some).map_err(|e| {
        super::exec::sql_err(
            6502,
            &format!("PL/SQL: numeric or value error: cannot send {v:?} as Oracle type {ty} ({e})"),
        )
    })
}

/// An OUT value converted to the type the client bound (PL/SQL values are
/// typed by the expression that produced them, not by the bind). A value
/// without a zone bound as TIMESTAMP WITH TIME ZONE takes the session's
/// zone at its own date, as Oracle converts it (not UTC).
fn out_as(v: &Value, ty: u8, session: &Mutex<Option<Session>>) -> Value {
    let zone_at = |d: &DateTime| {
        let g = session.lock().ok();
        g.as_ref()
            .and_then(|g| g.as_ref())
            .map_or(0, |s| s.zone_offset_at(d))
    };
    match (v, ty) {
        (Value::Number(n), ora_type::BOOLEAN) => Value::Boolean(n.trim() != "0"),
        (Value::Varchar(s), ora_type::TIMESTAMP_TZ) => {
            match crate::sql::date_text::parse_zoned(s) {
                Some((d, off)) => Value::TimestampTz(d, off.unwrap_or_else(|| zone_at(&d))),
                None => v.clone(),
            }
        }
        (Value::Timestamp(d), ora_type::TIMESTAMP_TZ) => Value::TimestampTz(*d, zone_at(d)),
        (Value::Varchar(s), ora_type::DATE | ora_type::TIMESTAMP | ora_type::TIMESTAMP_LTZ) => {
            match crate::sql::date_text::parse_local(s) {
                Some(d) => Value::Timestamp(d),
                None => v.clone(),
            }
        }
        // PL/SQL keeps intervals as the engine's text; one that does not
        // parse stays text, which `encoded` refuses with ORA-06502.
        (Value::Varchar(s), ora_type::INTERVAL_DS | ora_type::INTERVAL_YM) => {
            crate::sql::oracle::interval::value_of_text(s, ty == ora_type::INTERVAL_YM)
                .unwrap_or_else(|| v.clone())
        }
        _ => v.clone(),
    }
}

/// The return-parameter message every execute answer carries: JDBC takes
/// the cursor id from it, go-ora its snapshot SCN. Not to OCI 19.3 unless it
/// carries array-DML row counts (OCI's executeMany reads them there): after a
/// re-execute (function 4, a pooled session's cached statement) it answers
/// this message with a BREAK and the next call fails with ORA-03108; it
/// takes the cursor id from the closing ERROR.
fn return_params(w: &mut TtcWriter, caps: &Caps, cursor_id: u16, counts: Option<&[u64]>) {
    if caps.oci && counts.is_none() {
        return;
    }
    DmlRowCounts {
        cursor_id,
        counts: counts.map(<[u64]>::to_vec).unwrap_or_default(),
        with_counts: counts.is_some(),
    }
    .encode(w, caps);
}

/// Response to a parse-only or define-only call.
pub(crate) async fn no_rows(
    conn: &mut Conn,
    st: &mut State,
    cursor_id: u16,
    with_describe: bool,
) -> Result<(), String> {
    let caps = conn.caps;
    let mut w = TtcWriter::new();
    if with_describe {
        if let Some(c) = st.cursors.get_mut(cursor_id as u32) {
            describe(&mut w, &caps, &c.prepared.columns);
        }
    }
    return_params(&mut w, &caps, cursor_id, None);
    st.closing(ErrorMessage::success(cursor_id, 0, 0))
        .encode(&mut w, &caps);
    conn.send_data(&w.buf).await
}

pub(crate) async fn run(conn: &mut Conn, st: &mut State, run: Run) -> Result<(), String> {
    let Some(cur) = st.cursors.get_mut(run.cursor_id as u32) else {
        return Ok(());
    };
    let mut prepared = cur.prepared.clone();
    let mut reparsed = false;
    if !run.describe && matches!(prepared.kind, StmtKind::Query | StmtKind::Dml) {
        // DDL since this cursor was parsed: parse it again (a dropped table is ORA-00942 now).
        // The check is an atomic load, done inline: a trip to the blocking pool on every
        // re-execute tripled the server's CPU per cached `select 1` (two thread wakes).
        let p = prepared.clone();
        let stale = st.engine(true, move |s| s.is_stale(&p)).await?;
        let p = prepared.clone();
        match if stale {
            st.blocking(move |s| s.refresh(&p)).await?
        } else {
            Ok(None)
        } {
            Ok(None) => {}
            Ok(Some(fresh)) => {
                if let Some(cur) = st.cursors.get_mut(run.cursor_id as u32) {
                    // The columns the client was last described stay, for `query` to compare.
                    let described = std::mem::take(&mut cur.prepared.columns);
                    cur.prepared = fresh.clone();
                    cur.prepared.columns = described;
                }
                prepared = fresh;
                reparsed = true;
            }
            Err(e) => return send_sql_error(conn, st, &e, run.cursor_id, 0).await,
        }
    }
    match prepared.kind {
        StmtKind::Query => query(conn, st, run, prepared, reparsed).await,
        StmtKind::Dml => dml(conn, st, run, prepared).await,
        StmtKind::PlSql => plsql(conn, st, run, prepared).await,
        StmtKind::Ddl | StmtKind::Other => {
            let p = prepared.clone();
            let binds = run.rows.into_iter().next().unwrap_or_default();
            let res = st
                .blocking(move |s| s.execute(&p, &binds).map(|_| s.take_compile_warning()))
                .await?;
            if let Ok(true) = res {
                // CREATE of stored code that does not compile: success with
                // the compilation-error warning flag (ORA-24344).
                let mut m = st.closing(ErrorMessage::success(run.cursor_id, 0, 0));
                m.warning_flags = 0x20;
                return conn.send_msg(|w, caps| m.encode(w, caps)).await;
            }
            finish(conn, st, run.cursor_id, run.commit, res.map(|_| 0)).await
        }
    }
}

/// Commits if asked, then sends the closing ERROR (or the error).
async fn finish(
    conn: &mut Conn,
    st: &mut State,
    cursor_id: u16,
    commit: bool,
    res: Result<u64, SqlError>,
) -> Result<(), String> {
    let count = match res {
        Ok(n) => n,
        Err(e) => return send_sql_error(conn, st, &e, cursor_id, 0).await,
    };
    if commit {
        if let Err(e) = st.blocking(|s| s.user_commit()).await? {
            return send_sql_error(conn, st, &e, cursor_id, count).await;
        }
    }
    let m = st.closing(ErrorMessage::success(cursor_id, count, 0));
    conn.send_msg(|w, caps| {
        return_params(w, caps, cursor_id, None);
        m.encode(w, caps)
    })
    .await
}

/// Whether a cached query's columns now differ from those it was described with (a table
/// dropped and created again, a column added or retyped): count and names always; types and a
/// larger size only after DDL made the statement `reparsed`, because without DDL the types of
/// expression columns the engine infers from values may vary from run to run.
fn select_list_changed(old: &[ColumnInfo], new: &[ColumnInfo], reparsed: bool) -> bool {
    old.len() != new.len()
        || old.iter().zip(new).any(|(a, b)| {
            a.name != b.name
                || (reparsed && (a.ora_type != b.ora_type || b.size > a.size))
                || became_long(a, b)
        })
}

/// A select-list bind whose value outgrew VARCHAR2 or RAW is LONG now (`describe::bind_column`):
/// a client reads no more than the size it was described, and OCI then waits for the rest.
fn became_long(old: &ColumnInfo, new: &ColumnInfo) -> bool {
    matches!(new.ora_type, ora_type::LONG | ora_type::LONG_RAW) && new.ora_type != old.ora_type
}

/// A query that ran faster than this runs inline next time (`State::engine`).
const QUICK_QUERY: std::time::Duration = std::time::Duration::from_micros(500);

async fn query(
    conn: &mut Conn,
    st: &mut State,
    run: Run,
    p: crate::sql::Prepared,
    reparsed: bool,
) -> Result<(), String> {
    let binds = run.rows.into_iter().next().unwrap_or_default();
    let q = p.clone();
    let quick = st
        .cursors
        .get_mut(run.cursor_id as u32)
        .is_some_and(|c| c.quick);
    // Object binds' types, for a select list that names them (rare: none
    // is the common case and costs nothing).
    let oids: Vec<Option<Vec<u8>>> = st
        .cursors
        .get_mut(run.cursor_id as u32)
        .filter(|c| c.binds.iter().any(|m| m.ora_type == ora_type::OBJECT))
        .map(|c| c.binds.iter().map(|m| m.oid.clone()).collect())
        .unwrap_or_default();
    let (res, lob_rows, took) = st
        .engine(quick, move |s| {
            let t = std::time::Instant::now();
            let objects = !oids.is_empty();
            if objects {
                s.set_bind_object_oids(oids);
            }
            let res = s.execute(&q, &binds);
            if objects {
                s.set_bind_object_oids(Vec::new());
            }
            (res, s.take_lob_rows(), t.elapsed())
        })
        .await?;
    if let Some(c) = st.cursors.get_mut(run.cursor_id as u32) {
        c.quick = took < QUICK_QUERY;
    }
    let (columns, rows) = match res {
        Ok(Outcome::Rows { columns, rows }) => (columns, rows),
        Ok(_) => (p.columns.clone(), Vec::new()),
        Err(e) => return send_sql_error(conn, st, &e, run.cursor_id, 0).await,
    };
    let caps = conn.caps;
    let mut w = TtcWriter::with_capacity(8192);
    // The nested cursors of the last run's rows close as it runs again.
    st.cursors.close_children(u32::from(run.cursor_id));
    let (needs_define, described, redescribe) = {
        let Some(cur) = st.cursors.get_mut(run.cursor_id as u32) else {
            return Ok(());
        };
        // Columns are fixed by the first describe; later runs keep them, unless DDL changed
        // the select list under the cached cursor (Oracle re-parses it): then the new shape is
        // described again, so no value is sent for a column type the client no longer has.
        let redescribe =
            run.describe || select_list_changed(&cur.prepared.columns, &columns, reparsed);
        if redescribe {
            if !run.describe {
                cur.defines =
                    super::cursor::retyped_defines(&cur.prepared.columns, &cur.defines, &columns);
            }
            cur.prepared.columns = columns;
        }
        cur.rows = rows;
        cur.lob_rows = lob_rows;
        cur.pos = 0;
        (
            no_prefetch(&cur.prepared.columns, &caps) && cur.defines.is_empty(),
            cur.prepared.columns.clone(),
            redescribe,
        )
    };
    if redescribe {
        describe(&mut w, &caps, &described);
    }
    return_params(&mut w, &caps, run.cursor_id, None);
    match run.fetch {
        // LOB columns: the client must send its defines before any row.
        Some(n) if !needs_define => {
            super::fetch_rows::write_rows(&mut w, &caps, st, run.cursor_id, n)
        }
        _ => st
            .closing(ErrorMessage::success(run.cursor_id, 0, 0))
            .encode(&mut w, &caps),
    }
    conn.send_data(&w.buf).await
}

struct DmlResult {
    total: u64,
    counts: Vec<u64>,
    returning: Vec<Vec<Vec<Value>>>,
    /// Per execution with RETURNING: the written rows of its plain LOB
    /// columns, which go back as the rows' own (persistent) locators.
    lob_rows: Vec<Option<crate::sql::LobRows>>,
    batch: Vec<(usize, SqlError)>,
    fatal: Option<(usize, SqlError)>,
    /// The ROWID of the last row an execution touched (the client's last rowid).
    last_rowid: Option<oradb_protocol::ttc::rowid::Rowid>,
}

async fn dml(
    conn: &mut Conn,
    st: &mut State,
    run: Run,
    p: crate::sql::Prepared,
) -> Result<(), String> {
    let batch_errors = run.batch_errors;
    let rows = run.rows;
    let q = p.clone();
    let r = st
        .blocking(move |s| {
            let mut r = DmlResult {
                total: 0,
                counts: Vec::new(),
                returning: Vec::new(),
                lob_rows: Vec::new(),
                batch: Vec::new(),
                fatal: None,
                last_rowid: None,
            };
            s.execute_many(&q, &rows, |row| {
                match row.result {
                    Ok(Outcome::Dml {
                        row_count,
                        returning,
                    }) => {
                        r.last_rowid = row.last_rowid.or(r.last_rowid);
                        r.total += row_count;
                        r.counts.push(row_count);
                        r.returning.push(returning);
                        r.lob_rows.push(row.lob_rows);
                    }
                    Ok(_) => r.counts.push(0),
                    Err(e) if batch_errors => {
                        r.counts.push(0);
                        r.returning.push(Vec::new());
                        r.lob_rows.push(None);
                        r.batch.push((row.index, e));
                    }
                    Err(e) => {
                        r.fatal = Some((row.index, e));
                        return false;
                    }
                }
                true
            });
            r
        })
        .await?;
    let caps = conn.caps;
    let cur_binds = st
        .cursors
        .get_mut(run.cursor_id as u32)
        .map(|c| c.binds.clone())
        .unwrap_or_default();
    let mut w = TtcWriter::with_capacity(1024);
    if !p.returning.is_empty() {
        if caps.oci {
            let (binds, execs) = (cur_binds.len(), r.returning.len());
            super::returning::write_oci_io_vector(&mut w, &caps, binds, &p.returning, execs);
        }
        for (n, iteration) in r.returning.iter().enumerate() {
            let lob_rows = r.lob_rows.get(n).and_then(Option::as_ref);
            let mut per_bind = Vec::with_capacity(p.returning.len());
            for (k, &bind) in p.returning.iter().enumerate() {
                let meta = cur_binds.get(bind);
                let ty = meta.map_or(ora_type::VARCHAR, |m| m.ora_type);
                let csfrm = meta.map_or(1, |m| m.csfrm);
                let vals = iteration.get(k).map(Vec::as_slice).unwrap_or_default();
                let mut one = |(j, v): (usize, &Value)| -> Result<Returned, SqlError> {
                    if ty == ora_type::JSON {
                        return crate::json::image(v)
                            .map(Returned::Json)
                            .map_err(|e| SqlError {
                                code: e.code,
                                message: e.message,
                                offset: 0,
                            });
                    }
                    if matches!(ty, ora_type::CLOB | ora_type::BLOB) {
                        let row = lob_rows.map(|l| super::lob::RowAt {
                            lob_rows: Some(l),
                            index: j,
                        });
                        return super::returning::lob_locator(&mut st.lobs, v, ty, csfrm, row, k)
                            .map(Returned::Lob);
                    }
                    if ty == ora_type::VECTOR {
                        return super::vector::image_of(v).map(Returned::Vector);
                    }
                    if ty == super::returning::UROWID {
                        return super::returning::urowid(v).map(Returned::Urowid);
                    }
                    if ty == ora_type::OBJECT {
                        // Its image under the bind's type, as for a PL/SQL OUT bind.
                        let col = meta
                            .and_then(|m| m.oid.as_deref())
                            .and_then(|o| super::objects::bind_shape(&st.session, o));
                        let mut b = TtcWriter::new();
                        return super::objects::write_object(&mut b, v, col.as_ref(), &mut st.lobs)
                            .map(|()| Returned::Object(b.into_inner(), v.is_null()))
                            .map_err(|e| SqlError {
                                code: e.code,
                                message: e.message,
                                offset: 0,
                            });
                    }
                    let cap = meta.map_or(0, |m| m.buffer_size);
                    encoded(v, ty, csfrm).map(|b| super::returning::fit(b, ty, csfrm, cap))
                };
                match vals
                    .iter()
                    .enumerate()
                    .map(&mut one)
                    .collect::<Result<Vec<_>, _>>()
                {
                    Ok(values) => per_bind.push(values),
                    Err(e) => return send_sql_error(conn, st, &e, run.cursor_id, 0).await,
                }
            }
            super::returning::write_row(&mut w, &per_bind, caps.oci);
        }
    }
    let counts = run.dml_row_counts.then_some(&r.counts[..]);
    return_params(&mut w, &caps, run.cursor_id, counts);
    if let Some((i, e)) = r.fatal {
        let _ = i;
        let m = ErrorMessage::error(e.code, &e.message, run.cursor_id, e.offset as u16);
        let mut m = st.closing(m);
        m.row_count = r.total;
        m.encode(&mut w, &caps);
    } else if !r.batch.is_empty() {
        if run.commit {
            st.blocking(|s| s.user_commit()).await?.ok();
        }
        // Oracle reports a NUMBER too large for its column (ORA-01438)
        // before the array's other errors (python-oracledb's test_3222
        // expects it ahead of an earlier row's ORA-00001); the rest stay in
        // row order, ORA-12899 included (examples/execute_many.ts).
        let converting = |code: u32| code == 1438;
        let mut batch = r.batch;
        batch.sort_by_key(|(_, e)| !converting(e.code));
        if caps.oci {
            // OCI 19.3 takes ORA-24381 without the arrays as "no batch
            // errors" (its layout for them is not known yet), so the rows
            // would fail silently: the first row error is the call's error.
            let (i, e) = &batch[0];
            let text = format!(
                "{} (array row {i}; {} row(s) failed: this server cannot send batch errors to OCI \
                 clients yet)",
                e.message,
                batch.len()
            );
            let mut m = st.closing(ErrorMessage::error(e.code, &text, run.cursor_id, 0));
            m.row_count = r.total;
            m.encode(&mut w, &caps);
            return conn.send_data(&w.buf).await;
        }
        let m = ErrorMessage::error(24381, "ORA-24381: error(s) in array DML", run.cursor_id, 0);
        let mut m = st.closing(m);
        m.row_count = r.total;
        m.batch_errors = batch
            .iter()
            .map(|(i, e)| BatchError {
                code: e.code,
                offset: *i as u32,
                message: e.message.clone(),
            })
            .collect();
        m.encode(&mut w, &caps);
    } else {
        if run.commit {
            if let Err(e) = st.blocking(|s| s.user_commit()).await? {
                return send_sql_error(conn, st, &e, run.cursor_id, r.total).await;
            }
        }
        let mut m = st.closing(ErrorMessage::success(run.cursor_id, r.total, 0));
        m.rowid = r.last_rowid;
        m.encode(&mut w, &caps);
    }
    conn.send_data(&w.buf).await
}

/// Bind flags OCI 19.3 sets for its string binds (7, where NUMBER has 1):
/// such an OUT value takes one more field after the indicator (0), measured
/// with VARCHAR2 OUT binds (tests/oci19/README.md, round 10).
const OCI_BIND_EXTRAS: u8 = 0x06;

/// Whether OCI reads one more field (a ub2) after each OUT value of this
/// bind: its string binds (bind flags 0x06), lone or in an index-by table
/// (tests/oci19/README.md round 10; arrays measured in round 13).
fn oci_extras(caps: &Caps, m: Option<&oradb_protocol::ttc::column::ColumnMeta>) -> bool {
    caps.oci && m.is_some_and(|m| m.flags & OCI_BIND_EXTRAS != 0)
}

/// Whether OCI 19.3 can take this block's OUT values: scalars, index-by
/// tables of them, REF CURSORs and LOBs (rounds 13 and 14), not object or
/// VECTOR OUT binds, whose OCI forms are not known.
fn oci_out_binds_readable(dirs: &[BindDir], st: &mut State, cursor_id: u16) -> bool {
    let Some(c) = st.cursors.get_mut(cursor_id as u32) else {
        return true;
    };
    dirs.iter().zip(c.binds.iter()).all(|(d, m)| {
        *d == BindDir::In || !matches!(m.ora_type, ora_type::OBJECT | ora_type::VECTOR)
    })
}

async fn plsql(
    conn: &mut Conn,
    st: &mut State,
    run: Run,
    p: crate::sql::Prepared,
) -> Result<(), String> {
    if conn.caps.oci && !oci_out_binds_readable(&p.plsql_dirs, st, run.cursor_id) {
        // Only scalar, LOB and REF CURSOR OUT values were measured with OCI
        // 19.3 (the IO_VECTOR form, tests/oci19/README.md rounds 10 and 13);
        // refuse the others before the block runs rather than risk a client
        // crash.
        let e = super::exec::sql_err(
            3001,
            "unimplemented feature (PL/SQL OUT binds of this type over OCI)",
        );
        return send_sql_error(conn, st, &e, run.cursor_id, 0).await;
    }
    // executemany of a block runs it once per bind row, as Oracle does; the
    // OUT values of every run go back, one ROW_DATA each.
    let mut rows_in = run.rows;
    tracing::debug!(rows = rows_in.len(), "plsql execute");
    if rows_in.is_empty() {
        rows_in.push(Vec::new());
    }
    let q = p.clone();
    let arrays = run.arrays;
    let limits = st
        .cursors
        .get_mut(run.cursor_id as u32)
        .map(|c| super::exec::out_limits(&p.plsql_dirs, &c.binds))
        .unwrap_or_default();
    let oids: Vec<Option<Vec<u8>>> = st
        .cursors
        .get_mut(run.cursor_id as u32)
        .map(|c| {
            c.binds
                .iter()
                .map(|m| {
                    (m.ora_type == ora_type::OBJECT)
                        .then(|| m.oid.clone())
                        .flatten()
                })
                .collect()
        })
        .unwrap_or_default();
    let types: Vec<u8> = st
        .cursors
        .get_mut(run.cursor_id as u32)
        .map(|c| c.binds.iter().map(|m| m.ora_type).collect())
        .unwrap_or_default();
    let (res, arrays, refs, implicit) = st
        .blocking(move |s| {
            s.set_bind_limits(limits);
            s.set_bind_object_oids(oids);
            s.set_bind_types(types);
            let run_all = |s: &mut crate::sql::Session| {
                s.set_array_binds(&q, arrays).map_err(|e| (e, 0))?;
                let mut outs = Vec::with_capacity(rows_in.len());
                for (row, binds) in rows_in.iter().enumerate() {
                    match s.execute(&q, binds) {
                        Ok(Outcome::PlSql { out }) => outs.push(out),
                        Ok(_) => outs.push(Vec::new()),
                        Err(e) => return Err((e, row)),
                    }
                }
                Ok(outs)
            };
            let res = run_all(s);
            (
                res,
                s.take_array_binds(),
                s.take_ref_cursors(),
                s.take_implicit_results(),
            )
        })
        .await?;
    let outs = match res {
        Ok(outs) => outs,
        Err((e, row)) => return send_sql_error(conn, st, &e, run.cursor_id, row as u64).await,
    };
    if run.commit {
        if let Err(e) = st.blocking(|s| s.user_commit()).await? {
            return send_sql_error(conn, st, &e, run.cursor_id, 0).await;
        }
    }
    let caps = conn.caps;
    let cur_binds = st
        .cursors
        .get_mut(run.cursor_id as u32)
        .map(|c| c.binds.clone())
        .unwrap_or_default();
    let mut w = TtcWriter::with_capacity(256);
    // OCI 19.3 takes a block with IN binds only without an IO_VECTOR.
    let oci_in_only = caps.oci && p.plsql_dirs.iter().all(|d| *d == BindDir::In);
    if !p.plsql_dirs.is_empty() && !oci_in_only {
        let dirs: Vec<u8> = p
            .plsql_dirs
            .iter()
            .map(|d| match d {
                BindDir::In => 32,
                BindDir::Out => 16,
                BindDir::InOut => 48,
            })
            .collect();
        let iov = if caps.oci {
            IoVector::oci(dirs.clone(), outs.len() as u32)
        } else {
            IoVector {
                directions: dirs.clone(),
                ..Default::default()
            }
        };
        iov.encode(&mut w, &caps);
        let with_out = dirs.iter().any(|d| *d != 32);
        for (row, out) in outs.iter().enumerate().filter(|_| with_out) {
            w.u8(oradb_protocol::ttc::msg::ROW_DATA);
            for (i, d) in dirs.iter().enumerate() {
                if *d == 32 {
                    continue;
                }
                let ty = cur_binds
                    .get(i)
                    .map(|m| m.ora_type)
                    .unwrap_or(ora_type::VARCHAR);
                let form = cur_binds.get(i).map_or(1, |m| m.csfrm);
                if ty == ora_type::CURSOR {
                    let rc = refs.get(i).cloned().flatten();
                    if let Err(e) = super::refcursor::write_out(&mut w, &caps, st, rc) {
                        return send_sql_error(conn, st, &e, run.cursor_id, 0).await;
                    }
                    continue;
                }
                if cur_binds.get(i).is_some_and(|m| m.is_array()) {
                    // An index-by table: what the call left in it (an IN
                    // OUT array the call did not change goes back as it came).
                    let elements: Result<Vec<Option<Vec<u8>>>, SqlError> = arrays
                        .get(i)
                        .and_then(|a| a.as_ref())
                        .map(|a| {
                            a.values
                                .iter()
                                .map(|v| encoded(&out_as(v, ty, &st.session), ty, form))
                                .collect()
                        })
                        .unwrap_or(Ok(Vec::new()));
                    match elements {
                        Ok(elements) if oci_extras(&caps, cur_binds.get(i)) => {
                            // After each element, as after a lone value.
                            w.ub4(elements.len() as u32);
                            for e in &elements {
                                rows::write_out_bind(&mut w, e.as_deref());
                                w.ub2(0);
                            }
                        }
                        Ok(elements) => rows::write_out_array(&mut w, &elements),
                        Err(e) => return send_sql_error(conn, st, &e, run.cursor_id, 0).await,
                    }
                    continue;
                }
                if ty == ora_type::OBJECT {
                    // An object OUT bind: its image under the bind's type.
                    let v = out.get(i).cloned().unwrap_or(Value::Null);
                    let oid = cur_binds.get(i).and_then(|m| m.oid.clone());
                    let col = oid.and_then(|o| super::objects::bind_shape(&st.session, &o));
                    let null = v == Value::Null;
                    let r = super::objects::write_object(&mut w, &v, col.as_ref(), &mut st.lobs);
                    // The indicator every OUT value ends with.
                    w.sb4(if null { -1 } else { 0 });
                    if let Err(e) = r {
                        let e = SqlError {
                            code: e.code,
                            message: e.message,
                            offset: 0,
                        };
                        return send_sql_error(conn, st, &e, run.cursor_id, 0).await;
                    }
                    continue;
                }
                if matches!(ty, ora_type::CLOB | ora_type::BLOB) {
                    // A LOB OUT bind: a temporary LOB holding the value.
                    let csfrm = cur_binds.get(i).map_or(1, |m| m.csfrm);
                    // Thin clients keep the form they were measured with, whatever they ask.
                    let prefetch = !conn.caps.oci
                        || cur_binds
                            .get(i)
                            .is_some_and(|m| m.cont_flags & CONT_FLAG_LOB_PREFETCH != 0);
                    let v = out.get(i).cloned().unwrap_or(Value::Null);
                    let sent = run.lob_locators.get(row).and_then(|r| r.get(i)).cloned();
                    if let (true, Some(Some(loc)), false) = (caps.oci, sent, v.is_null()) {
                        // OCI frees a temporary LOB its bind held when the
                        // answer names another LOB, in the middle of reading
                        // it, and fails (measured, tests/oci19/README.md round
                        // 14 b): the value goes back in the LOB it sent.
                        match st.lobs.overwrite(&loc, &v, ty) {
                            Ok(Some(n)) => {
                                super::returning::write_lob_out(&mut w, Some(&(loc, n)), prefetch);
                                continue;
                            }
                            Ok(None) => {}
                            Err(e) => return send_sql_error(conn, st, &e, run.cursor_id, 0).await,
                        }
                    }
                    match st.lobs.value_locator(&v, ty, csfrm, true) {
                        Ok(loc) => super::returning::write_lob_out(&mut w, loc.as_ref(), prefetch),
                        Err(e) => return send_sql_error(conn, st, &e, run.cursor_id, 0).await,
                    }
                    continue;
                }
                if ty == ora_type::VECTOR {
                    match super::vector::image_of(out.get(i).unwrap_or(&Value::Null)) {
                        Ok(img) => super::vector::write_out(&mut w, img.as_deref()),
                        Err(e) => return send_sql_error(conn, st, &e, run.cursor_id, 0).await,
                    }
                    continue;
                }
                let b = match out
                    .get(i)
                    .map(|v| encoded(&out_as(v, ty, &st.session), ty, form))
                {
                    Some(Ok(b)) => b,
                    None => None,
                    Some(Err(e)) => return send_sql_error(conn, st, &e, run.cursor_id, 0).await,
                };
                rows::write_out_bind(&mut w, b.as_deref());
                if oci_extras(&caps, cur_binds.get(i)) {
                    w.ub2(0);
                }
            }
        }
    }
    // OCI 19.3 reads message 27 as thin clients do (tests/oci19/README.md,
    // round 13).
    if let Err(e) = super::refcursor::write_implicit(&mut w, &caps, st, implicit) {
        return send_sql_error(conn, st, &e, run.cursor_id, 0).await;
    }
    return_params(&mut w, &caps, run.cursor_id, None);
    st.closing(ErrorMessage::success(run.cursor_id, 0, 0))
        .encode(&mut w, &caps);
    conn.send_data(&w.buf).await
}
