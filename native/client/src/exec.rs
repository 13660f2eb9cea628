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

mod arrays;
mod bind_map;
mod decode;
mod lob;
mod many_out;
mod nested;
pub use lob::LobRead;
mod query;
mod round_trip;
mod session;

use bind_map::first_placeholders;
use decode::{decode_row, plan_for, Acc, Carry};

#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    pub auto_commit: bool,
    pub prefetch_rows: u32,
    pub array_size: u32,
    /// Column indexes whose NUMBERs come back as exact text.
    pub fetch_as_string: Vec<usize>,
    /// Column indexes of CLOB/BLOB columns fetched as locators (LOB
    /// objects) rather than whole values.
    pub fetch_lobs: Vec<usize>,
    /// A query with LOB columns returns after its describe, before any row:
    /// the caller does not know yet which LOBs it wants as locators, and a
    /// guess of whole values would bring every LOB over the wire.
    pub defer_lobs: bool,
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
    /// NCHAR, NVARCHAR2, NCLOB (character-set form 2).
    pub national: bool,
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
    /// A PL/SQL call's implicit results (DBMS_SQL.RETURN_RESULT): one
    /// `tag::CURSOR` value each, in the order the call returned them.
    pub implicit_results: Option<RowBuf>,
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
    /// With OUT binds: per iteration, one tagged value per bind (IN binds
    /// NULL; RETURNING binds an array each); `rows` counts the iterations.
    pub out_binds: Option<RowBuf>,
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
    /// Cursors holding open nested cursors (exec/nested.rs).
    nested: nested::Nested,
    /// The cursor named by the last server error, so a failed first
    /// execute can release the cursor the server opened for it.
    error_cursor: u32,
    /// Locators of the LOBs the caller holds (temporary, fetched, OUT), so
    /// that those never freed are freed when the session is given up.
    held_lobs: std::collections::HashSet<Vec<u8>>,
    /// LOBs to free; the free rides on the next call (see `request`).
    pending_free: Vec<Vec<u8>>,
    /// Scans of recent SQL texts (see scan_cache.rs).
    scans: crate::scan_cache::ScanCache,
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
            nested: Default::default(),
            error_cursor: 0,
            held_lobs: Default::default(),
            pending_free: Vec::new(),
            scans: Default::default(),
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
        self.free_lobs_piggyback(&mut w);
        w
    }

    /// Done with a query cursor: a cached one is kept for reuse, others close.
    pub(crate) fn queue_close(&mut self, cursor_id: u32) {
        self.ahead.remove(&cursor_id);
        self.carry.remove(&cursor_id);
        if self.cursors.remove(&cursor_id).is_some() && !self.cache.release(cursor_id) {
            self.close_or_hold(cursor_id);
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

    pub(crate) async fn execute(
        &mut self,
        sql_text: &str,
        binds: Binds,
        opts: ExecOptions,
    ) -> Result<ExecResult> {
        let scan = self.scans.get(sql_text);
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
        let mut acc = Acc {
            bind_types: kinds.iter().map(|k| k.0).collect(),
            bind_arrays: metas.iter().map(ColumnMeta::is_array).collect(),
            ..Default::default()
        };
        if scan.kind == Kind::Dml && scan.returning.iter().any(|r| *r) {
            // Tell the decoder how many RETURNING binds each row carries.
            acc.returning = vec![vec![
                Vec::new();
                scan.returning.iter().filter(|r| **r).count()
            ]];
            acc.returning_types = scan
                .returning
                .iter()
                .zip(&kinds)
                .filter(|(r, _)| **r)
                .map(|(_, k)| k.0)
                .collect();
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
                // REF CURSORs the block opened are fetched like queries (LOB
                // columns as locators: the server holds the rows already).
                let mut opened: HashMap<u32, Vec<DescribeColumn>> =
                    acc.ref_cursors.into_iter().collect();
                let mut handed = Vec::new();
                let built = (|| -> Result<RowBuf> {
                    let mut out = RowBuf::default();
                    for p in first_placeholders(&kinds, binds.specs.len()) {
                        match p.and_then(|p| by_placeholder[p].as_ref().map(|v| (p, v))) {
                            Some((p, Some(v))) if kinds[p].0 == ora_type::CURSOR => {
                                let id = v
                                    .get(..4)
                                    .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
                                match opened.remove(&id) {
                                    Some(cols) => {
                                        out.cursor(id, &query::columns_of(&cols));
                                        handed.push((id, cols));
                                    }
                                    // The same cursor in two binds: the first one owns it.
                                    None => out.null(),
                                }
                            }
                            Some((p, v)) if acc.bind_arrays[p] => {
                                arrays::out_value(&mut out, kinds[p].0, v.as_deref())?
                            }
                            Some((p, v)) => Self::out_value(&mut out, kinds[p].0, v.as_deref())?,
                            None => out.null(),
                        }
                    }
                    Ok(out)
                })();
                // Server cursors the caller never gets close with the next call.
                let unclaimed: Vec<u32> = opened.into_keys().collect();
                self.pending_close.extend(unclaimed);
                let mut out = match built {
                    Ok(out) => out,
                    Err(e) => {
                        let all = handed.iter().map(|(id, _)| *id);
                        let all = all.chain(acc.implicit.iter().map(|(id, _)| *id));
                        let all: Vec<u32> = all.collect();
                        self.pending_close.extend(all);
                        return Err(e);
                    }
                };
                for (id, cols) in handed {
                    self.cursors.insert(id, plan_for(&cols, &[], false, &[]));
                }
                let implicit_results = (!acc.implicit.is_empty()).then(|| {
                    let mut buf = RowBuf::default();
                    for (id, cols) in acc.implicit {
                        self.cursors.insert(id, plan_for(&cols, &[], false, &[]));
                        buf.cursor(id, &query::columns_of(&cols));
                    }
                    buf
                });
                self.hold_lobs(&mut out);
                Ok(ExecResult {
                    rows_affected: m.row_count,
                    out_binds: Some(out),
                    implicit_results,
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
                    Self::returning_cut_error(&scan, acc.returning_cut)?;
                    Some(self.returning_buf(&scan, &kinds, binds.specs.len(), &acc.returning)?)
                } else {
                    None
                };
                Ok(ExecResult {
                    rows_affected: m.row_count,
                    out_binds,
                    last_rowid: m.rowid.filter(|_| m.row_count > 0).map(|r| r.to_text()),
                    ..Default::default()
                })
            }
        }
    }
}

#[cfg(test)]
mod cut_tests;
