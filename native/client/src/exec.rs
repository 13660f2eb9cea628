//! Calls on one session: execute (queries, DML, DDL, PL/SQL), executemany,
//! fetch, commit/rollback/ping, close. Runs inside the connection task.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use oradb_protocol::buf::{DecodeError, Reader, Writer};
use oradb_protocol::codes;
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::describe::{DescribeColumn, DescribeInfo};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::execute::{exec_flags, options, ExecuteRequest, ReexecuteRequest};
use oradb_protocol::ttc::fetch::FetchRequest;
use oradb_protocol::ttc::piggyback::{CloseCursors, EndToEndAttrs};
use oradb_protocol::ttc::rows::{self, DmlRowCounts, IoVector, RowHeader};
use oradb_protocol::ttc::status::{SimpleCall, StatusMessage};
use oradb_protocol::ttc::{func, msg, Caps};
use oradb_protocol::value::ora_type;

use crate::binds::{resolve_types, BindValue, Binds, Dir};
use crate::conn::Control;
use crate::error::{Error, ErrorKind, Result};
use crate::options::ConnectOptions;
use crate::response::{self, Interrupted};
use crate::rowbuf::{tag, ColumnDecode, RowBuf};
use crate::sql::{self, Kind};
use crate::stmt_cache::StmtCache;
use crate::transport::{ResponseBuf, Transport};

#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    pub auto_commit: bool,
    pub prefetch_rows: u32,
    pub array_size: u32,
    /// Column indexes whose NUMBERs come back as exact text.
    pub fetch_as_string: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct ExecManyOptions {
    pub auto_commit: bool,
    pub batch_errors: bool,
    pub dml_row_counts: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub db_type: u8,
    pub size: u32,
    pub precision: i8,
    pub scale: i8,
    pub nullable: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Fetched {
    pub rows: RowBuf,
    pub done: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ExecResult {
    /// Open query cursor to fetch from; 0 when none remains.
    pub cursor_id: u32,
    pub columns: Option<Vec<Column>>,
    pub rows: Option<Fetched>,
    pub rows_affected: u64,
    pub out_binds: Option<RowBuf>,
    pub last_rowid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchErr {
    pub offset: u32,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct ExecManyResult {
    pub rows_affected: u64,
    pub dml_row_counts: Option<Vec<u64>>,
    pub batch_errors: Option<Vec<BatchErr>>,
}

/// A cached statement about to run again.
struct Again<'a> {
    sql: &'a str,
    cursor_id: u32,
    describe: Option<Vec<DescribeColumn>>,
    kind: Kind,
    prefetch: u32,
    rows_in: usize,
}

/// What a response carried, gathered while decoding it.
#[derive(Default)]
struct Acc {
    describe: Option<DescribeInfo>,
    rows: RowBuf,
    /// A BIT_VECTOR for the next row: its clear bits are columns that
    /// repeat the previous row's value and are not sent.
    bits: Option<rows::BitVector>,
    /// Where each column of the last decoded row sits in `rows.data`.
    spans: Vec<(usize, usize)>,
    /// The row being decoded: its spans, committed to `spans` on success.
    next_spans: Vec<(usize, usize)>,
    /// Where in `rows.data` a row cut short by the end of the bytes starts;
    /// its columns so far stay there for the next attempt.
    partial: Option<usize>,
    last_start: usize,
    /// The previous response's last row, for duplicates in this one's first.
    carry: Option<Carry>,
    io_dirs: Vec<u8>,
    outs: Vec<Option<Vec<u8>>>,
    returning: Vec<Vec<Vec<Option<Vec<u8>>>>>,
    row_counts: Option<Vec<u64>>,
}

pub(crate) struct State {
    t: Transport,
    caps: Caps,
    pub(crate) ctl: Arc<Control>,
    seq: u8,
    pending_close: Vec<u32>,
    cursors: HashMap<u32, Vec<ColumnDecode>>,
    buf: ResponseBuf,
    in_txn: bool,
    dead: bool,
    /// `close()` ended it (rather than the network or the server).
    pub(crate) closed_by_user: bool,
    prefetch: u32,
    cache: StmtCache,
    /// Batches fetched ahead of the caller, per cursor.
    ahead: HashMap<u32, Result<Fetched>>,
    /// Each open cursor's last row, for BIT_VECTOR duplicates.
    carry: HashMap<u32, Carry>,
    /// The cursor named by the last server error, so a failed first
    /// execute can release the cursor the server opened for it.
    error_cursor: u32,
}

fn bind_error(code: &str, msg: String) -> Error {
    Error::odb(ErrorKind::Bind, code, msg)
}

fn plan_for(cols: &[DescribeColumn], as_string: &[usize], lobs_as_long: bool) -> Vec<ColumnDecode> {
    cols.iter()
        .enumerate()
        .map(|(i, c)| {
            let wire_type = match c.ora_type {
                ora_type::CLOB if lobs_as_long => ora_type::LONG,
                ora_type::BLOB if lobs_as_long => ora_type::LONG_RAW,
                t => t,
            };
            ColumnDecode {
                wire_type,
                db_type: c.ora_type,
                csfrm: c.csfrm,
                as_string: as_string.contains(&i),
            }
        })
        .collect()
}

/// For each of the caller's binds, the first placeholder it fills (`kinds`
/// holds each placeholder's type and bind index).
fn first_placeholders(kinds: &[(u8, usize)], n_specs: usize) -> Vec<Option<usize>> {
    let mut first = vec![None; n_specs];
    for (p, &(_, s)) in kinds.iter().enumerate() {
        if let Some(slot @ None) = first.get_mut(s) {
            *slot = Some(p);
        }
    }
    first
}

/// The last row of a cursor's previous response, as decoded bytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Carry {
    data: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

impl Acc {
    /// The last decoded row (or the carry it started from), for the
    /// cursor's next response.
    fn take_carry(&mut self) -> Option<Carry> {
        if self.rows.rows == 0 {
            return self.carry.take();
        }
        let start = self.last_start;
        Some(Carry {
            data: self.rows.data[start..].to_vec(),
            spans: self
                .spans
                .iter()
                .map(|(s, e)| (s - start, e - start))
                .collect(),
        })
    }
}

/// Decodes one row; on a failure the state is left as before the row (the
/// pending bit vector and the previous row's spans must survive), except
/// that a row cut by a packet boundary keeps its whole columns: the reader's
/// mark says where the next attempt, with the rest of the bytes, goes on.
/// Columns a BIT_VECTOR marks as duplicates repeat the previous row's value.
fn decode_row(
    r: &mut Reader,
    plan: &[ColumnDecode],
    acc: &mut Acc,
) -> std::result::Result<(), DecodeError> {
    let bits = acc.bits.as_ref();
    let first = acc.rows.rows == 0;
    acc.spans.resize(plan.len(), (0, 0));
    let out = &mut acc.rows;
    let (start, done) = match (acc.partial.take(), r.mark()) {
        (Some(start), Some((pos, done))) => {
            r.set_pos(pos);
            (start, done)
        }
        (partial, _) => {
            // Not a retry: a partial row is left from bytes thrown away.
            if let Some(start) = partial {
                out.data.truncate(start);
            }
            acc.next_spans.clear();
            (out.data.len(), 0)
        }
    };
    for (i, c) in plan.iter().enumerate().skip(done) {
        let at = out.data.len();
        let column_pos = r.pos();
        if bits.is_some_and(|b| b.is_duplicate(i)) {
            let (s, e) = acc.spans[i];
            if !first {
                out.data.extend_from_within(s..e);
            } else if let Some(carry) = &acc.carry {
                let (s, e) = carry.spans.get(i).copied().unwrap_or((0, 0));
                out.data.extend_from_slice(&carry.data[s..e]);
            } else {
                out.data.truncate(start);
                return Err(DecodeError::Malformed(
                    "a repeated column value with no previous row".into(),
                ));
            }
            acc.next_spans.push((at, out.data.len()));
            continue;
        }
        let res = if matches!(c.wire_type, ora_type::LONG | ora_type::LONG_RAW) {
            rows::read_long_value(r).map(|v| out.value(c, v.as_deref()))
        } else {
            r.bytes_ref().map(|v| out.value(c, v.as_deref()))
        };
        match res {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                out.data.truncate(start);
                return Err(DecodeError::Malformed(e.message().to_string()));
            }
            Err(DecodeError::NeedMore) => {
                r.set_mark(column_pos, i);
                acc.partial = Some(start);
                return Err(DecodeError::NeedMore);
            }
            Err(e) => {
                out.data.truncate(start);
                return Err(e);
            }
        }
        acc.next_spans.push((at, out.data.len()));
    }
    out.rows += 1;
    acc.last_start = start;
    acc.bits = None;
    std::mem::swap(&mut acc.spans, &mut acc.next_spans);
    Ok(())
}

impl State {
    /// See [`Transport::probe_alive`]; a finished socket marks the state dead.
    pub(crate) fn probe_alive(&mut self) -> bool {
        if !self.dead && !self.t.probe_alive() {
            self.dead = true;
        }
        !self.dead
    }

    pub(crate) fn new(t: Transport, caps: Caps, ctl: Arc<Control>, opts: &ConnectOptions) -> Self {
        State {
            t,
            caps,
            ctl,
            seq: 2,
            pending_close: Vec::new(),
            cursors: HashMap::new(),
            buf: ResponseBuf::default(),
            in_txn: false,
            dead: false,
            closed_by_user: false,
            prefetch: opts.prefetch_rows.max(1),
            cache: StmtCache::new(opts.stmt_cache_size),
            ahead: HashMap::new(),
            carry: HashMap::new(),
            error_cursor: 0,
        }
    }

    pub(crate) fn is_dead(&self) -> bool {
        self.dead
    }

    fn next_seq(&mut self) -> u8 {
        self.seq = if self.seq == 255 { 1 } else { self.seq + 1 };
        self.seq
    }

    /// A request with the queued cursor closes and end-to-end attributes
    /// riding in front.
    fn request(&mut self) -> Writer {
        let mut w = Writer::with_capacity(512);
        let e2e = std::mem::take(&mut *self.ctl.e2e.lock().unwrap_or_else(|p| p.into_inner()));
        if e2e != EndToEndAttrs::default() {
            let seq = self.next_seq();
            e2e.encode(&mut w, &self.caps, seq);
        }
        if !self.pending_close.is_empty() {
            let ids = std::mem::take(&mut self.pending_close);
            let seq = self.next_seq();
            CloseCursors { ids }.encode(&mut w, &self.caps, seq);
        }
        w
    }

    /// Fetches the next batch of an open cursor while the caller is still
    /// decoding the previous one; the next `fetch` returns it at once.
    pub(crate) async fn read_ahead(&mut self, cursor_id: u32, n: u32) {
        if self.dead
            || !self.cursors.contains_key(&cursor_id)
            || self.ahead.contains_key(&cursor_id)
        {
            return;
        }
        let r = self.fetch(cursor_id, n).await;
        self.ahead.insert(cursor_id, r);
    }

    /// Done with a query cursor: a cached one is kept for reuse, others close.
    pub(crate) fn queue_close(&mut self, cursor_id: u32) {
        self.ahead.remove(&cursor_id);
        self.carry.remove(&cursor_id);
        if self.cursors.remove(&cursor_id).is_some() && !self.cache.release(cursor_id) {
            self.pending_close.push(cursor_id);
        }
    }

    fn close_all(&mut self, ids: Vec<u32>) {
        self.pending_close.extend(ids);
    }

    fn timeout(&self) -> Option<Duration> {
        let ms = self
            .ctl
            .call_timeout_ms
            .load(std::sync::atomic::Ordering::Relaxed);
        (ms > 0).then(|| Duration::from_millis(ms))
    }

    /// Sends `w` and decodes the response into `acc` until ERROR/STATUS.
    async fn round_trip(
        &mut self,
        w: Writer,
        acc: &mut Acc,
        plan: &[ColumnDecode],
        kind: Kind,
        want_counts: bool,
        as_string: &[usize],
    ) -> Result<ErrorMessage> {
        if let Err(e) = self.t.send_request(&w.buf).await {
            self.dead = true;
            return Err(e);
        }
        self.buf.clear();
        self.error_cursor = 0;
        let caps = self.caps;
        let timeout = self.timeout();
        let mut plan = plan.to_vec();
        let res = response::read(
            &mut self.t,
            &mut self.buf,
            &self.ctl,
            timeout,
            |k, r| match k {
                msg::DESCRIBE_INFO => {
                    let d = DescribeInfo::decode(r, &caps)?;
                    plan = plan_for(&d.columns, as_string, false);
                    acc.describe = Some(d);
                    Ok(None)
                }
                msg::ROW_HEADER => RowHeader::decode(r, &caps).map(|_| None),
                msg::BIT_VECTOR => {
                    acc.bits = Some(rows::BitVector::decode(r, plan.len())?);
                    Ok(None)
                }
                msg::ROW_DATA => {
                    match kind {
                        Kind::PlSql => {
                            let n = acc.io_dirs.iter().filter(|d| **d != rows::dir::IN).count();
                            let mut outs = Vec::with_capacity(n);
                            for _ in 0..n {
                                outs.push(rows::read_out_bind(r)?);
                            }
                            acc.outs = outs;
                        }
                        Kind::Dml => {
                            let n = acc.returning.first().map_or(0, Vec::len);
                            let row = rows::read_returning_row(r, n)?;
                            acc.returning.push(row);
                        }
                        _ => decode_row(r, &plan, acc)?,
                    }
                    Ok(None)
                }
                msg::IO_VECTOR => {
                    acc.io_dirs = IoVector::decode(r, &caps)?.directions;
                    Ok(None)
                }
                msg::PARAMETER => {
                    acc.row_counts = Some(DmlRowCounts::decode(r, &caps, want_counts)?.counts);
                    Ok(None)
                }
                msg::WARNING => {
                    r.ub2()?;
                    let len = r.ub2()?;
                    r.ub2()?;
                    if len > 0 {
                        r.skip_bytes()?;
                    }
                    Ok(None)
                }
                msg::ERROR => ErrorMessage::decode(r, &caps).map(Some),
                msg::STATUS => StatusMessage::decode(r, &caps)
                    .map(|s| Some(ErrorMessage::success(0, 0, s.call_status))),
                other => Err(DecodeError::Malformed(format!(
                    "unexpected message type {other}"
                ))),
            },
        )
        .await;
        let (m, why) = match res {
            Ok(v) => v,
            Err(e) => {
                if e.is_session_dead() {
                    self.dead = true;
                }
                return Err(e);
            }
        };
        self.in_txn = m.call_status & oradb_protocol::ttc::error::CALL_STATUS_TXN != 0;
        self.ctl
            .in_txn
            .store(self.in_txn, std::sync::atomic::Ordering::Relaxed);
        if why != Interrupted::No && m.error_num == 0 {
            // The call finished before the break took effect.
            return Ok(m);
        }
        if m.error_num != 0
            && m.error_num != 1403
            && (m.error_num != 24381 || m.batch_errors.is_empty())
        {
            self.error_cursor = u32::from(m.cursor_id);
            let e = Error::ora(
                m.error_num,
                m.message.as_deref().unwrap_or(""),
                m.error_pos.max(0) as u32,
            );
            return Err(response::interrupted_error(e, why));
        }
        Ok(m)
    }

    /// A first execute (or executemany) failed after the server opened a
    /// cursor for it: nobody will use that cursor, so it closes with the
    /// next call, as Oracle's clients do. Without this each failed call
    /// left a cursor open until ORA-01000.
    fn release_failed(&mut self, e: Error) -> Error {
        let c = std::mem::take(&mut self.error_cursor);
        if c != 0 && !self.pending_close.contains(&c) {
            self.pending_close.push(c);
        }
        e
    }

    /// Maps the user's binds onto the statement's placeholders.
    fn placeholders(&self, scan: &sql::Scan, binds: &Binds) -> Result<Vec<usize>> {
        let named = binds.specs.iter().any(|s| s.name.is_some());
        if !named {
            if binds.specs.len() != scan.binds.len() {
                return Err(bind_error(
                    codes::BIND_COUNT_MISMATCH,
                    format!(
                        "the statement has {} bind placeholders but {} values were given",
                        scan.binds.len(),
                        binds.specs.len()
                    ),
                ));
            }
            return Ok((0..scan.binds.len()).collect());
        }
        let map = scan
            .binds
            .iter()
            .map(|p| {
                binds
                    .specs
                    .iter()
                    .position(|s| {
                        s.name.as_deref().is_some_and(|n| {
                            n.trim_start_matches(':').eq_ignore_ascii_case(p)
                                || n.trim_start_matches(':') == p
                        })
                    })
                    .ok_or_else(|| {
                        bind_error(
                            codes::BIND_MISSING,
                            format!("no value was given for bind \"{p}\""),
                        )
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        // A value the statement never reads is most likely a typo'd name:
        // say so rather than drop it.
        if let Some(s) = (0..binds.specs.len()).find(|s| !map.contains(s)) {
            let name = binds.specs[s].name.as_deref().unwrap_or_default();
            return Err(bind_error(
                codes::BIND_NOT_IN_STATEMENT,
                format!("bind \"{name}\" is not a placeholder of the statement"),
            ));
        }
        Ok(map)
    }

    /// Bind metadata (all placeholders), value metadata and value rows.
    #[allow(clippy::type_complexity)]
    fn bind_parts(
        &self,
        scan: &sql::Scan,
        binds: &Binds,
    ) -> Result<(
        Vec<ColumnMeta>,
        Vec<ColumnMeta>,
        Vec<Vec<Option<Vec<u8>>>>,
        Vec<(u8, usize)>,
    )> {
        let map = self.placeholders(scan, binds)?;
        let types = resolve_types(binds, self.caps.max_string_size)?;
        let mut metas = Vec::with_capacity(map.len());
        let mut value_metas = Vec::new();
        let mut kinds = Vec::with_capacity(map.len());
        for (p, &s) in map.iter().enumerate() {
            let spec = &binds.specs[s];
            let (ty, mut size) = types[s];
            if spec.dir != Dir::In
                && matches!(ty, ora_type::VARCHAR | ora_type::RAW | ora_type::CHAR)
            {
                size = size.max(if spec.max_size > 0 {
                    spec.max_size
                } else {
                    4000
                });
            }
            let mut meta = ColumnMeta::bind(ty, size);
            if spec.dir != Dir::In {
                meta.max_chars = if matches!(ty, ora_type::VARCHAR | ora_type::CHAR) {
                    size
                } else {
                    0
                };
            }
            kinds.push((ty, s));
            if !scan.returning.get(p).copied().unwrap_or(false) {
                value_metas.push(meta.clone());
            }
            metas.push(meta);
        }
        // Names for errors, made once rather than once per value.
        let names: Vec<String> = binds
            .specs
            .iter()
            .enumerate()
            .map(|(s, spec)| spec.name.clone().unwrap_or_else(|| (s + 1).to_string()))
            .collect();
        let mut rows = Vec::with_capacity(binds.rows.len());
        for row in &binds.rows {
            let mut vals = Vec::with_capacity(value_metas.len());
            for (p, &s) in map.iter().enumerate() {
                if scan.returning.get(p).copied().unwrap_or(false) {
                    continue;
                }
                let spec = &binds.specs[s];
                let v = if spec.dir == Dir::Out {
                    &BindValue::Null
                } else {
                    &row[s]
                };
                vals.push(v.encode(kinds[p].0, &names[s])?);
            }
            rows.push(vals);
        }
        Ok((metas, value_metas, rows, kinds))
    }

    fn out_value(buf: &mut RowBuf, ty: u8, v: Option<&[u8]>) -> Result<()> {
        let c = ColumnDecode {
            wire_type: ty,
            db_type: ty,
            csfrm: oradb_protocol::ttc::column::csfrm_of(ty),
            as_string: false,
        };
        buf.value(&c, v)
    }

    pub(crate) async fn execute(
        &mut self,
        sql_text: &str,
        binds: Binds,
        opts: ExecOptions,
    ) -> Result<ExecResult> {
        let scan = sql::scan(sql_text);
        let rows_in = binds.rows.len().max(1);
        let binds = if binds.rows.is_empty() {
            Binds {
                rows: vec![vec![BindValue::Null; binds.specs.len()]],
                ..binds
            }
        } else {
            binds
        };
        let (metas, value_metas, rows, kinds) = self.bind_parts(&scan, &binds)?;
        let is_plsql = scan.kind == Kind::PlSql;
        let prefetch = if opts.prefetch_rows > 0 {
            opts.prefetch_rows
        } else {
            self.prefetch
        }
        .max(opts.array_size)
        .max(1);
        let cacheable =
            matches!(scan.kind, Kind::Query | Kind::Dml) && !scan.returning.iter().any(|r| *r);
        if cacheable {
            if let Some((cid, describe)) = self.cache.take(sql_text, &metas) {
                let again = Again {
                    sql: sql_text,
                    cursor_id: cid,
                    describe,
                    kind: scan.kind,
                    prefetch,
                    rows_in,
                };
                return self.reexecute(again, &value_metas, rows, &opts).await;
            }
        }
        let mut o = options::PARSE | options::EXECUTE;
        let mut al8i4 = [0u32; 13];
        al8i4[0] = 1;
        match scan.kind {
            Kind::Query => {
                o |= options::FETCH | options::NOT_PLSQL;
                al8i4[7] = 1;
            }
            Kind::PlSql => {
                o |= options::PLSQL_BIND;
                al8i4[1] = 1;
            }
            _ => {
                o |= options::NOT_PLSQL;
                al8i4[1] = rows_in as u32;
            }
        }
        if !metas.is_empty() {
            o |= options::BIND;
        }
        if opts.auto_commit && scan.kind != Kind::Query {
            o |= options::COMMIT;
        }
        let req = ExecuteRequest {
            seq: 0,
            options: o,
            sql: Some(sql_text.to_string()),
            prefetch_rows: if scan.kind == Kind::Query {
                prefetch
            } else {
                0
            },
            al8i4,
            binds: metas.clone(),
            iterations: rows_in as u32,
            rows,
            ..Default::default()
        };
        let mut acc = Acc::default();
        if scan.kind == Kind::Dml && scan.returning.iter().any(|r| *r) {
            // Tell the decoder how many RETURNING binds each row carries.
            acc.returning = vec![vec![
                Vec::new();
                scan.returning.iter().filter(|r| **r).count()
            ]];
        }
        let mut w = self.request();
        let seq = self.next_seq();
        ExecuteRequest { seq, ..req }.encode(&mut w, &self.caps, &value_metas, is_plsql);
        let m = match self
            .round_trip(w, &mut acc, &[], scan.kind, false, &opts.fetch_as_string)
            .await
        {
            Ok(m) => m,
            Err(e) => return Err(self.release_failed(e)),
        };
        if scan.kind == Kind::Dml && !acc.returning.is_empty() {
            acc.returning.remove(0);
        }
        let cursor_id = m.cursor_id as u32;
        match scan.kind {
            Kind::Query => {
                let cache = cacheable.then_some((sql_text, metas));
                self.finish_query(cursor_id, acc, m, &opts, prefetch, cache)
                    .await
            }
            Kind::PlSql => {
                if cursor_id != 0 {
                    self.pending_close.push(cursor_id);
                }
                // OUT values arrive in placeholder order; the caller reads them
                // in the order of its binds.
                let mut outs = acc.outs.into_iter();
                let by_placeholder: Vec<Option<Option<Vec<u8>>>> = (0..kinds.len())
                    .map(|p| match acc.io_dirs.get(p) {
                        Some(d) if *d != rows::dir::IN => Some(outs.next().flatten()),
                        _ => None,
                    })
                    .collect();
                let mut out = RowBuf::default();
                for p in first_placeholders(&kinds, binds.specs.len()) {
                    match p.and_then(|p| by_placeholder[p].as_ref().map(|v| (p, v))) {
                        Some((p, v)) => Self::out_value(&mut out, kinds[p].0, v.as_deref())?,
                        None => out.null(),
                    }
                }
                Ok(ExecResult {
                    rows_affected: m.row_count,
                    out_binds: Some(out),
                    ..Default::default()
                })
            }
            _ => {
                if cursor_id != 0 {
                    if cacheable && scan.kind == Kind::Dml {
                        let close = self.cache.put(sql_text, cursor_id, metas, None, false);
                        self.close_all(close);
                    } else {
                        self.pending_close.push(cursor_id);
                    }
                }
                let out_binds = if scan.returning.iter().any(|r| *r) {
                    Some(self.returning_buf(&scan, &kinds, binds.specs.len(), &acc)?)
                } else {
                    None
                };
                Ok(ExecResult {
                    rows_affected: m.row_count,
                    out_binds,
                    ..Default::default()
                })
            }
        }
    }

    /// Runs a cached statement again: no SQL text, no describe.
    async fn reexecute(
        &mut self,
        again: Again<'_>,
        value_metas: &[ColumnMeta],
        rows: Vec<Vec<Option<Vec<u8>>>>,
        opts: &ExecOptions,
    ) -> Result<ExecResult> {
        let query = again.kind == Kind::Query;
        let describe = again.describe.unwrap_or_default();
        let plan = plan_for(&describe, &opts.fetch_as_string, false);
        let mut w = self.request();
        let seq = self.next_seq();
        let req = ReexecuteRequest {
            function: if query {
                func::REEXECUTE_AND_FETCH
            } else {
                func::REEXECUTE
            },
            seq,
            cursor_id: again.cursor_id,
            iterations: if query {
                again.prefetch
            } else {
                again.rows_in as u32
            },
            options1: if query { options::EXECUTE } else { 0 },
            options2: u32::from(opts.auto_commit && !query),
            rows,
        };
        req.encode(&mut w, &self.caps, value_metas, false);
        let mut acc = Acc::default();
        let m = match self
            .round_trip(w, &mut acc, &plan, again.kind, false, &[])
            .await
        {
            Ok(m) => m,
            Err(e) => {
                // The cursor may be unusable now; parse afresh next time.
                if let Some(c) = self.cache.forget(again.sql) {
                    self.pending_close.push(c);
                }
                return Err(e);
            }
        };
        if !query {
            self.cache.release(again.cursor_id);
            return Ok(ExecResult {
                rows_affected: m.row_count,
                ..Default::default()
            });
        }
        let done = m.error_num == 1403;
        if done {
            self.cache.release(again.cursor_id);
        } else {
            self.cursors.insert(again.cursor_id, plan);
            if let Some(c) = acc.take_carry() {
                self.carry.insert(again.cursor_id, c);
            }
        }
        let columns = describe
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                db_type: c.ora_type,
                size: c.max_size,
                precision: c.precision,
                scale: c.scale,
                nullable: c.nullable,
            })
            .collect();
        Ok(ExecResult {
            cursor_id: if done { 0 } else { again.cursor_id },
            columns: Some(columns),
            rows: Some(Fetched {
                rows: acc.rows,
                done,
            }),
            rows_affected: m.row_count,
            ..Default::default()
        })
    }

    /// RETURNING values as one tagged value per bind, in the order of the
    /// binds (arrays for RETURNING binds, NULL for the others).
    fn returning_buf(
        &self,
        scan: &sql::Scan,
        kinds: &[(u8, usize)],
        n_specs: usize,
        acc: &Acc,
    ) -> Result<RowBuf> {
        let is_returning = |p: usize| scan.returning.get(p).copied().unwrap_or(false);
        let mut out = RowBuf::default();
        for p in first_placeholders(kinds, n_specs) {
            let Some(p) = p.filter(|&p| is_returning(p)) else {
                out.null();
                continue;
            };
            // Column of this placeholder in each RETURNING row.
            let k = (0..p).filter(|&q| is_returning(q)).count();
            let vals: Vec<&Option<Vec<u8>>> = acc
                .returning
                .iter()
                .filter_map(|row| row.get(k))
                .flatten()
                .collect();
            out.data.push(tag::ARRAY);
            out.data
                .extend_from_slice(&(vals.len() as u32).to_le_bytes());
            for v in vals {
                Self::out_value(&mut out, kinds[p].0, v.as_deref())?;
            }
        }
        Ok(out)
    }

    async fn finish_query(
        &mut self,
        cursor_id: u32,
        mut acc: Acc,
        m: ErrorMessage,
        opts: &ExecOptions,
        prefetch: u32,
        cache: Option<(&str, Vec<ColumnMeta>)>,
    ) -> Result<ExecResult> {
        let describe = acc.describe.take().unwrap_or_default();
        let has_lob = describe
            .columns
            .iter()
            .any(|c| matches!(c.ora_type, ora_type::CLOB | ora_type::BLOB));
        let plan = plan_for(&describe.columns, &opts.fetch_as_string, has_lob);
        let columns: Vec<Column> = describe
            .columns
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                db_type: c.ora_type,
                size: c.max_size,
                precision: c.precision,
                scale: c.scale,
                nullable: c.nullable,
            })
            .collect();
        let mut done = m.error_num == 1403;
        let carry = acc.take_carry();
        let mut rows = acc.rows;
        if has_lob && rows.rows == 0 && !done {
            let first = match self
                .define_lobs(cursor_id, &describe.columns, prefetch)
                .await
            {
                Ok(()) => self.fetch_plan(cursor_id, prefetch, &plan).await,
                Err(e) => Err(e),
            };
            match first {
                Ok(f) => {
                    rows = f.rows;
                    done = f.done;
                }
                Err(e) => {
                    // Nobody holds this cursor yet: release it with the next call.
                    self.carry.remove(&cursor_id);
                    self.pending_close.push(cursor_id);
                    return Err(e);
                }
            }
        }
        match cache {
            // LOB queries keep their define round trip: not cached.
            Some((sql, metas)) if !has_lob => {
                let close =
                    self.cache
                        .put(sql, cursor_id, metas, Some(describe.columns.clone()), !done);
                self.close_all(close);
            }
            _ if done => self.pending_close.push(cursor_id),
            _ => {}
        }
        if !done {
            self.cursors.insert(cursor_id, plan);
            if let Some(c) = carry {
                self.carry.insert(cursor_id, c);
            }
        }
        Ok(ExecResult {
            cursor_id: if done { 0 } else { cursor_id },
            columns: Some(columns),
            rows: Some(Fetched { rows, done }),
            rows_affected: m.row_count,
            ..Default::default()
        })
    }

    /// Tells the server to send LOB columns as LONG / LONG RAW.
    async fn define_lobs(
        &mut self,
        cursor_id: u32,
        cols: &[DescribeColumn],
        prefetch: u32,
    ) -> Result<()> {
        let defines = cols
            .iter()
            .map(|c| match c.ora_type {
                ora_type::CLOB => ColumnMeta::bind(ora_type::LONG, 0x7FFF_FFFF),
                ora_type::BLOB => ColumnMeta::bind(ora_type::LONG_RAW, 0x7FFF_FFFF),
                t => ColumnMeta::bind(t, c.buffer_size.max(1)),
            })
            .collect();
        let mut al8i4 = [0u32; 13];
        al8i4[1] = prefetch;
        al8i4[7] = 1;
        let mut w = self.request();
        let seq = self.next_seq();
        ExecuteRequest {
            seq,
            options: options::DEFINE | options::NOT_PLSQL,
            cursor_id,
            prefetch_rows: prefetch,
            al8i4,
            defines,
            ..Default::default()
        }
        .encode(&mut w, &self.caps, &[], false);
        let mut acc = Acc::default();
        self.round_trip(w, &mut acc, &[], Kind::Other, false, &[])
            .await
            .map(|_| ())
    }

    async fn fetch_plan(
        &mut self,
        cursor_id: u32,
        n: u32,
        plan: &[ColumnDecode],
    ) -> Result<Fetched> {
        let mut w = self.request();
        let seq = self.next_seq();
        FetchRequest {
            seq,
            cursor_id,
            rows: n.max(1),
        }
        .encode(&mut w, &self.caps);
        let mut acc = Acc {
            carry: self.carry.remove(&cursor_id),
            ..Default::default()
        };
        let m = self
            .round_trip(w, &mut acc, plan, Kind::Query, false, &[])
            .await?;
        let done = m.error_num == 1403;
        if !done {
            if let Some(c) = acc.take_carry() {
                self.carry.insert(cursor_id, c);
            }
        }
        Ok(Fetched {
            rows: acc.rows,
            done,
        })
    }

    pub(crate) async fn fetch(&mut self, cursor_id: u32, n: u32) -> Result<Fetched> {
        if let Some(r) = self.ahead.remove(&cursor_id) {
            return r;
        }
        let plan = self.cursors.get(&cursor_id).cloned().ok_or_else(|| {
            Error::usage(
                codes::CURSOR_CLOSED,
                format!("cursor {cursor_id} is not open"),
            )
        })?;
        let f = self.fetch_plan(cursor_id, n, &plan).await?;
        if f.done {
            self.queue_close(cursor_id);
        }
        Ok(f)
    }

    pub(crate) async fn execute_many(
        &mut self,
        sql_text: &str,
        binds: Binds,
        opts: ExecManyOptions,
    ) -> Result<ExecManyResult> {
        let scan = sql::scan(sql_text);
        if binds.rows.is_empty() {
            return Ok(ExecManyResult::default());
        }
        let (metas, value_metas, rows, _) = self.bind_parts(&scan, &binds)?;
        let mut o = options::PARSE | options::EXECUTE | options::BIND;
        o |= if scan.kind == Kind::PlSql {
            options::PLSQL_BIND
        } else {
            options::NOT_PLSQL
        };
        if opts.auto_commit {
            o |= options::COMMIT;
        }
        if opts.batch_errors {
            o |= options::BATCH_ERRORS;
        }
        let mut al8i4 = [0u32; 13];
        al8i4[0] = 1;
        al8i4[1] = rows.len() as u32;
        if opts.dml_row_counts {
            al8i4[9] |= exec_flags::DML_ROWCOUNTS;
        }
        let n = rows.len() as u32;
        let mut w = self.request();
        let seq = self.next_seq();
        ExecuteRequest {
            seq,
            options: o,
            sql: Some(sql_text.to_string()),
            al8i4,
            binds: metas,
            iterations: n,
            dml_row_counts: opts.dml_row_counts,
            rows,
            ..Default::default()
        }
        .encode(&mut w, &self.caps, &value_metas, scan.kind == Kind::PlSql);
        let mut acc = Acc::default();
        let m = match self
            .round_trip(w, &mut acc, &[], Kind::Other, opts.dml_row_counts, &[])
            .await
        {
            Ok(m) => m,
            Err(e) => return Err(self.release_failed(e)),
        };
        if m.cursor_id != 0 {
            self.pending_close.push(m.cursor_id as u32);
        }
        let batch_errors = opts.batch_errors.then(|| {
            m.batch_errors
                .iter()
                .map(|b| BatchErr {
                    offset: b.offset,
                    code: format!("ORA-{:05}", b.code),
                    message: b.message.clone(),
                })
                .collect()
        });
        Ok(ExecManyResult {
            rows_affected: m.row_count,
            dml_row_counts: acc.row_counts.filter(|_| opts.dml_row_counts),
            batch_errors,
        })
    }

    pub(crate) async fn simple(&mut self, code: u8) -> Result<()> {
        let mut w = self.request();
        let seq = self.next_seq();
        SimpleCall { code, seq }.encode(&mut w, &self.caps);
        let mut acc = Acc::default();
        self.round_trip(w, &mut acc, &[], Kind::Other, false, &[])
            .await
            .map(|_| ())
    }

    /// DRCP: gives the session back to the server's pool (one-way, no
    /// answer); the next call attaches one of the same class again. Queued
    /// cursor closes wait for that call, as the server may change session.
    pub(crate) async fn session_release(&mut self) -> Result<()> {
        if self.dead {
            return Ok(());
        }
        let mut w = Writer::with_capacity(32);
        let seq = self.next_seq();
        oradb_protocol::ttc::piggyback::SessionRelease { mode: 0 }.encode(&mut w, &self.caps, seq);
        if let Err(e) = self.t.send_request(&w.buf).await {
            self.dead = true;
            return Err(e);
        }
        Ok(())
    }

    /// Gives the session up without a logoff (see `Connection::force_close`).
    pub(crate) async fn abandon(&mut self) {
        self.closed_by_user = true;
        if !self.dead {
            self.dead = true;
            // Bounded: a peer that stopped reading must not hold us here.
            let _ =
                tokio::time::timeout(Duration::from_millis(200), self.t.send_eof_and_close()).await;
        }
    }

    pub(crate) async fn close(&mut self) -> Result<()> {
        // A connection that died already has nothing left to release.
        let was_dead = self.dead;
        self.closed_by_user = true;
        if was_dead {
            return Ok(());
        }
        if self.in_txn {
            let _ = self.simple(func::ROLLBACK).await;
        }
        let r = self.simple(func::LOGOFF).await;
        self.t.send_eof_and_close().await;
        self.dead = true;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oradb_protocol::ttc::describe::DescribeColumn;

    fn row_bytes(values: &[&str]) -> Vec<u8> {
        let mut w = Writer::new();
        for v in values {
            w.bytes(v.as_bytes());
        }
        w.buf
    }

    #[test]
    fn duplicates_repeat_the_previous_row_also_across_responses() {
        let cols = vec![
            DescribeColumn::new("A", ora_type::VARCHAR, 10, 0, 0, true),
            DescribeColumn::new("B", ora_type::VARCHAR, 10, 0, 0, true),
        ];
        let plan = plan_for(&cols, &[], false);
        let mut acc = Acc::default();
        decode_row(&mut Reader::new(&row_bytes(&["a", "x"])), &plan, &mut acc).unwrap();
        // Same response: column A repeats, only B is sent.
        acc.bits = Some(rows::BitVector::from_sent(&[false, true]));
        decode_row(&mut Reader::new(&row_bytes(&["y"])), &plan, &mut acc).unwrap();
        let mut whole = Acc::default();
        for r in [["a", "x"], ["a", "y"]] {
            decode_row(&mut Reader::new(&row_bytes(&r)), &plan, &mut whole).unwrap();
        }
        assert_eq!(acc.rows.data, whole.rows.data);
        // Next response: its first row repeats B of the previous response's last row.
        let mut next = Acc {
            carry: acc.take_carry(),
            ..Default::default()
        };
        next.bits = Some(rows::BitVector::from_sent(&[true, false]));
        decode_row(&mut Reader::new(&row_bytes(&["b"])), &plan, &mut next).unwrap();
        let mut want = Acc::default();
        decode_row(&mut Reader::new(&row_bytes(&["b", "y"])), &plan, &mut want).unwrap();
        assert_eq!(next.rows.data, want.rows.data);
        // A row cut short (more bytes to come) is decoded again later: the
        // bit vector and the previous row's spans must still be there.
        let mut cut = Acc::default();
        decode_row(&mut Reader::new(&row_bytes(&["a", "x"])), &plan, &mut cut).unwrap();
        cut.bits = Some(rows::BitVector::from_sent(&[true, false]));
        let full = row_bytes(&["bb"]);
        assert!(decode_row(&mut Reader::new(&full[..2]), &plan, &mut cut).is_err());
        decode_row(&mut Reader::new(&full), &plan, &mut cut).unwrap();
        let mut want2 = Acc::default();
        for r in [["a", "x"], ["bb", "x"]] {
            decode_row(&mut Reader::new(&row_bytes(&r)), &plan, &mut want2).unwrap();
        }
        assert_eq!(cut.rows.data, want2.rows.data);
        // A duplicate with no previous row at all is a protocol error, not a panic.
        let mut lone = Acc {
            bits: Some(rows::BitVector::from_sent(&[false, true])),
            ..Default::default()
        };
        assert!(decode_row(&mut Reader::new(&row_bytes(&["z"])), &plan, &mut lone).is_err());
        assert_eq!((lone.rows.rows, lone.rows.data.len()), (0, 0));
    }
}

#[cfg(test)]
mod cut_tests;
