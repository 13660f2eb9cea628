//! LOB locators and the LOB_OP call. Every LOB a client holds a locator
//! for lives in the session's table here: temporary LOBs (CREATE_TEMP, and
//! PL/SQL OUT binds), and the values of LOB columns a query sent as
//! locators. The latter are value-based (Oracle's "abstract" LOBs), so
//! clients free them like temporary ones; all go with the session.
//!
//! CLOB data travels as UTF-16BE and its offsets and lengths count UTF-16
//! code units: the locator sets the variable-width character set flag, as
//! Oracle does for an AL32UTF8 database. BLOBs count bytes.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::ttc::lob::{self, op, LobOpReply, LobOpRequest, ReplyShape};
use oradb_protocol::ttc::status::StatusMessage;
use oradb_protocol::value::{self, ora_type, Value};

use super::calls::{send_sql_error, State};
use super::exec::sql_err;
use super::Conn;
use crate::sql::{LobSource, Session, SqlError};

/// Locator length: python-oracledb sends 40 zero bytes to CREATE_TEMP and
/// reads back as many.
const LOCATOR_LEN: usize = 40;
const MAGIC: [u8; 2] = *b"OD";
/// Flag bytes python-oracledb and node-oracledb look at.
const FLAG1_BLOB: u8 = 0x01;
/// Oracle's persistent locators name the type in flag byte 1 (0x02 CLOB,
/// 0x04 NCLOB); OCI refuses a locator without one with ORA-24813.
const FLAG1_CLOB: u8 = 0x02;
const FLAG1_NCLOB: u8 = 0x04;
const FLAG1_VALUE_BASED: u8 = 0x20;
const FLAG1_ABSTRACT: u8 = 0x40;
const FLAG2_INIT: u8 = 0x08;
/// An NCLOB's character set form: OCI compares it with the form it reads
/// or writes in (ORA-24806 "LOB form mismatch" without it, measured).
const FLAG2_NCHAR: u8 = 0x40;
const FLAG3_VAR_LENGTH_CHARSET: u8 = 0x80;
const FLAG4_TEMP: u8 = 0x01;
/// OCI_DURATION_SESSION, the duration of every temporary LOB here.
const DURATION_SESSION: u16 = 10;
/// What GET_CHUNK_SIZE answers (Oracle's for an 8 KiB block).
pub(crate) const CHUNK_SIZE: u32 = 8132;
/// TEMP LOBs a session may hold before CREATE_TEMP fails (a client that
/// never frees them should not take the server's memory).
const MAX_LOBS: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
enum Data {
    /// UTF-16 code units.
    Text(Vec<u16>),
    Bytes(Vec<u8>),
}

impl Data {
    fn len(&self) -> usize {
        match self {
            Data::Text(u) => u.len(),
            Data::Bytes(b) => b.len(),
        }
    }
}

#[derive(Debug)]
struct Lob {
    data: Data,
    open: bool,
    /// A temporary LOB (else an abstract one: a value a query or OUT bind sent).
    temp: bool,
}

/// The session's LOBs, by the id their locators carry. Persistent
/// locators (a LOB column of a table row) carry their row instead and hold
/// no entry: only their source (schema, table, column) is kept, once.
#[derive(Debug, Default)]
pub(crate) struct Lobs {
    next: u64,
    map: HashMap<u64, Lob>,
    sources: Vec<LobSource>,
    /// Persistent LOBs opened (by source index and rowid).
    open_rows: HashSet<(u32, i64)>,
    /// The row LOB the running LOB_OP works on, read from the table.
    staged: Option<((u32, i64), Lob)>,
    /// Entries of `map` that are temporary LOBs (the rest are abstract).
    temp_count: u64,
    /// The row LOB the last LOB_OP worked on, kept for the next one: a
    /// stream of reads costs one read of the row, not one per piece (a
    /// 200 MiB BLOB was read whole 200 times). Any other call drops it,
    /// as its statement may change the row.
    row_cache: Option<((u32, i64), Data)>,
    /// BFILEs the session has open (directory, file name): see bfile.rs.
    pub(crate) files: HashSet<(String, String)>,
}

/// Where a fetched row sits among its query's rows (for its rowid).
#[derive(Clone, Copy)]
pub(crate) struct RowAt<'a> {
    pub lob_rows: Option<&'a crate::sql::LobRows>,
    pub index: usize,
}

/// What a locator names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Entry(u64),
    /// Source index and rowid.
    Row(u32, i64),
}

/// Byte 20 of our locators: a row (persistent) LOB.
const KIND_ROW: u8 = 1;

fn ora(code: u32, text: &str) -> SqlError {
    sql_err(code, text)
}

impl Lobs {
    /// How many LOBs the session holds (tests check frees with it).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    fn add(&mut self, data: Data, csfrm: u8, temp: bool) -> Result<Vec<u8>, SqlError> {
        if self.map.len() >= MAX_LOBS {
            return Err(ora(
                1652,
                "unable to extend temp segment: too many LOBs held by this session",
            ));
        }
        self.next += 1;
        let id = self.next;
        let blob = matches!(data, Data::Bytes(_));
        self.map.insert(
            id,
            Lob {
                data,
                open: false,
                temp,
            },
        );
        self.temp_count += u64::from(temp);
        Ok(locator(id, blob, csfrm, temp))
    }

    /// Registers `v` as a value LOB of type `ty` and returns its locator and
    /// size. A value that cannot be a LOB of that type is an error.
    pub fn value_locator(
        &mut self,
        v: &Value,
        ty: u8,
        csfrm: u8,
        temp: bool,
    ) -> Result<Option<(Vec<u8>, u64)>, SqlError> {
        if v.is_null() {
            return Ok(None);
        }
        let data = lob_data(v, ty)?;
        let size = data.len() as u64;
        let loc = self.add(data, csfrm.max(1), temp)?;
        Ok(Some((loc, size)))
    }

    /// Puts `v` into the temporary LOB `locator` names and returns its size;
    /// `None` when the locator names no temporary LOB of this session.
    pub fn overwrite(
        &mut self,
        locator: &[u8],
        v: &Value,
        ty: u8,
    ) -> Result<Option<u64>, SqlError> {
        let Some(Target::Entry(id)) = Self::target(locator) else {
            return Ok(None);
        };
        let data = lob_data(v, ty)?;
        let size = data.len() as u64;
        match self.map.get_mut(&id) {
            Some(l) if l.temp && matches!(data, Data::Bytes(_)) == (ty == ora_type::BLOB) => {
                l.data = data;
                Ok(Some(size))
            }
            _ => Ok(None),
        }
    }

    /// The locator of column `col`'s LOB `v` in a fetched row: naming the
    /// row when the query's LOB columns come from a table, else a copy.
    pub fn fetched_locator(
        &mut self,
        v: &Value,
        ty: u8,
        csfrm: u8,
        at: RowAt,
        col: usize,
    ) -> Result<Option<(Vec<u8>, u64)>, SqlError> {
        let row = at.lob_rows.and_then(|r| {
            let rowid = (*r.rowids.get(at.index)?)?;
            let (_, src) = r.columns.iter().find(|(i, _)| *i == col)?;
            Some((src, rowid))
        });
        match (row, v) {
            (_, Value::Null) => Ok(None),
            (Some((src, rowid)), Value::Clob(t)) => {
                let n = t.encode_utf16().count() as u64;
                Ok(Some((self.row_locator(src, rowid, ty, csfrm), n)))
            }
            (Some((src, rowid)), Value::Blob(b)) => {
                Ok(Some((self.row_locator(src, rowid, ty, 1), b.len() as u64)))
            }
            _ => self.value_locator(v, ty, csfrm, false),
        }
    }

    /// The value behind a locator a client bound (for INSERT, UPDATE,
    /// PL/SQL): ORA-22922 when this session holds no such LOB. A persistent
    /// one is read from its row (`session`: the session's engine, idle
    /// while binds are decoded).
    pub fn bound_value(
        &self,
        locator: &[u8],
        session: &Mutex<Option<Session>>,
    ) -> Result<Value, SqlError> {
        if let Some((src, rowid, ty)) = self.row_of(locator) {
            let mut g = session
                .lock()
                .map_err(|_| ora(22922, "nonexistent LOB value"))?;
            let s = g
                .as_mut()
                .ok_or_else(|| ora(22922, "nonexistent LOB value"))?;
            return s.lob_value(&src, rowid, ty);
        }
        data_value(self.get(locator)?.data.clone())
    }

    fn target(locator: &[u8]) -> Option<Target> {
        if locator.len() < 25 || locator[8..10] != MAGIC {
            return None;
        }
        let n = u64::from_be_bytes(locator[12..20].try_into().ok()?);
        Some(if locator[20] == KIND_ROW {
            Target::Row(
                u32::from_be_bytes(locator[21..25].try_into().ok()?),
                n as i64,
            )
        } else {
            Target::Entry(n)
        })
    }

    fn get(&self, locator: &[u8]) -> Result<&Lob, SqlError> {
        match Self::target(locator) {
            Some(Target::Entry(id)) => self.map.get(&id),
            Some(Target::Row(s, r)) => self
                .staged
                .as_ref()
                .filter(|(k, _)| *k == (s, r))
                .map(|(_, l)| l),
            None => None,
        }
        .ok_or_else(|| ora(22922, "nonexistent LOB value"))
    }

    fn get_mut(&mut self, locator: &[u8]) -> Result<&mut Lob, SqlError> {
        match Self::target(locator) {
            Some(Target::Entry(id)) => self.map.get_mut(&id),
            Some(Target::Row(s, r)) => self
                .staged
                .as_mut()
                .filter(|(k, _)| *k == (s, r))
                .map(|(_, l)| l),
            None => None,
        }
        .ok_or_else(|| ora(22922, "nonexistent LOB value"))
    }

    /// Frees a LOB; freeing one twice (or one never held) is harmless, as
    /// a client's bulk free after a failed call may name it again. A
    /// persistent LOB holds nothing to free.
    pub fn free(&mut self, locator: &[u8]) {
        if let Some(Target::Entry(id)) = Self::target(locator) {
            if let Some(l) = self.map.remove(&id) {
                self.temp_count -= u64::from(l.temp);
            }
        }
    }

    /// (temporary, abstract) LOBs held, for V$TEMPORARY_LOBS.
    pub fn counts(&self) -> (u64, u64) {
        let all = self.map.len() as u64;
        (self.temp_count, all - self.temp_count)
    }

    /// A persistent locator for the LOB in column `src` of row `rowid`.
    pub fn row_locator(&mut self, src: &LobSource, rowid: i64, ty: u8, csfrm: u8) -> Vec<u8> {
        let i = match self.sources.iter().position(|s| s == src) {
            Some(i) => i,
            None => {
                self.sources.push(src.clone());
                self.sources.len() - 1
            }
        };
        let mut l = locator(rowid as u64, ty == ora_type::BLOB, csfrm.max(1), false);
        // Not value-based: clients keep it as Oracle's, without freeing it.
        l[4] &= !(FLAG1_VALUE_BASED | FLAG1_ABSTRACT);
        l[20] = KIND_ROW;
        l[21..25].copy_from_slice(&(i as u32).to_be_bytes());
        l
    }

    /// The row a persistent locator names: its source, rowid and type.
    fn row_of(&self, locator: &[u8]) -> Option<(LobSource, i64, u8)> {
        let Some(Target::Row(s, r)) = Self::target(locator) else {
            return None;
        };
        let src = self.sources.get(s as usize)?.clone();
        Some((src, r, locator[11]))
    }

    /// Forgets the cached row LOB (every call but LOB_OP).
    pub fn forget_rows(&mut self) {
        self.row_cache = None;
    }

    /// The cached value of the row a persistent locator names, taken out.
    fn take_cached(&mut self, locator: &[u8]) -> Option<Data> {
        let Some(Target::Row(s, r)) = Self::target(locator) else {
            return None;
        };
        match self.row_cache.take() {
            Some((k, d)) if k == (s, r) => Some(d),
            _ => None,
        }
    }

    /// Makes the row's current value the one the next operation works on.
    fn stage(&mut self, locator: &[u8], v: &Value) -> Result<(), SqlError> {
        let data = match v {
            Value::Blob(b) => Data::Bytes(b.clone()),
            Value::Clob(t) => Data::Text(t.encode_utf16().collect()),
            // A NULL LOB column has no locator to work through.
            _ => return Err(ora(22275, "invalid LOB locator specified")),
        };
        self.stage_data(locator, data);
        Ok(())
    }

    fn stage_data(&mut self, locator: &[u8], data: Data) {
        let Some(Target::Row(s, r)) = Self::target(locator) else {
            return;
        };
        let open = self.open_rows.contains(&(s, r));
        self.staged = Some((
            (s, r),
            Lob {
                data,
                open,
                temp: false,
            },
        ));
    }

    /// Ends a staged operation: its open state stays, its value (returned
    /// for writing back) goes.
    #[cfg(test)]
    fn unstage(&mut self) -> Option<Value> {
        let (_, data) = self.unstage_data()?;
        Some(data_value(data).unwrap_or(Value::Null))
    }

    fn unstage_data(&mut self) -> Option<((u32, i64), Data)> {
        let ((s, r), lob) = self.staged.take()?;
        if lob.open {
            self.open_rows.insert((s, r));
        } else {
            self.open_rows.remove(&(s, r));
        }
        Some(((s, r), lob.data))
    }

    /// Runs one operation; the reply's fields, or the ORA- error.
    pub fn apply(&mut self, req: &LobOpRequest) -> Result<LobOpReply, SqlError> {
        let source = req.source.clone().unwrap_or_default();
        let mut reply = LobOpReply {
            locator: source.clone(),
            ..Default::default()
        };
        match req.operation {
            op::CREATE_TEMP => {
                let ty = req.dest_offset as u8;
                let csfrm = (req.source_offset as u8).max(1);
                let data = match ty {
                    ora_type::BLOB => Data::Bytes(Vec::new()),
                    ora_type::CLOB => Data::Text(Vec::new()),
                    _ => return Err(ora(22275, "invalid LOB locator specified")),
                };
                let mut loc = self.add(data, csfrm, true)?;
                // The reply's locator is as long as the one the client sent.
                loc.resize(source.len().max(LOCATOR_LEN), 0);
                reply.locator = loc;
                // OCI's amount is the duration; it reads it back.
                reply.amount = req.amount.map(|a| a as i64);
                reply.charset = if csfrm == 2 {
                    lob::CHARSET_UTF16 as u16
                } else {
                    lob::CHARSET_UTF8 as u16
                };
            }
            op::FREE_TEMP => self.free(&source),
            o if o == op::FREE_TEMP | op::ARRAY => {
                for l in req.locators().map_err(|e| ora(3115, &e.to_string()))? {
                    self.free(l);
                }
            }
            op::GET_LENGTH => reply.amount = Some(self.get(&source)?.data.len() as i64),
            op::GET_CHUNK_SIZE => {
                self.get(&source)?;
                reply.amount = Some(i64::from(CHUNK_SIZE));
            }
            op::READ => {
                let lob = self.get(&source)?;
                let (data, n) = read(&lob.data, req.source_offset, req.amount.unwrap_or(0))?;
                reply.data = data;
                reply.amount = Some(n as i64);
            }
            op::WRITE => {
                let lob = self.get_mut(&source)?;
                let bytes = req.data.as_deref().unwrap_or_default();
                write(&mut lob.data, req.source_offset, bytes)?;
                // OCI asks for the amount written back (in characters for a CLOB).
                if req.amount.is_some() {
                    let units = match lob.data {
                        Data::Text(_) => bytes.len() / 2,
                        Data::Bytes(_) => bytes.len(),
                    };
                    reply.amount = Some(units as i64);
                }
            }
            op::TRIM => {
                let lob = self.get_mut(&source)?;
                let n = req.amount.unwrap_or(0) as usize;
                if n > lob.data.len() {
                    return Err(ora(
                        22926,
                        "specified trim length is greater than current LOB value's length",
                    ));
                }
                match &mut lob.data {
                    Data::Text(u) => u.truncate(n),
                    Data::Bytes(b) => b.truncate(n),
                }
                reply.amount = req.amount.map(|a| a as i64);
            }
            op::OPEN => {
                let lob = self.get_mut(&source)?;
                if lob.open {
                    return Err(ora(22293, "LOB already opened in the same transaction"));
                }
                lob.open = true;
                reply.amount = req.amount.map(|a| a as i64);
            }
            op::CLOSE => {
                let lob = self.get_mut(&source)?;
                if !lob.open {
                    return Err(ora(
                        22289,
                        "cannot perform operation on an unopened file or LOB",
                    ));
                }
                lob.open = false;
            }
            op::IS_OPEN => reply.flag = Some(self.get(&source)?.open),
            other => {
                return Err(ora(
                    3115,
                    &format!(
                        "unsupported network datatype or representation (LOB operation {other:#x})"
                    ),
                ))
            }
        }
        Ok(reply)
    }
}

/// The contents of a LOB of type `ty` holding `v`.
fn lob_data(v: &Value, ty: u8) -> Result<Data, SqlError> {
    let b = value::encode_value(v, ty).map_err(|e| ora(e.code, &e.message))?;
    if ty == ora_type::BLOB {
        return Ok(Data::Bytes(b));
    }
    let s = String::from_utf8(b).map_err(|_| ora(22275, "invalid LOB locator specified"))?;
    Ok(Data::Text(s.encode_utf16().collect()))
}

fn data_value(data: Data) -> Result<Value, SqlError> {
    Ok(match data {
        Data::Bytes(b) => Value::Blob(b),
        Data::Text(u) => Value::Clob(String::from_utf16(&u).map_err(|_| {
            ora(
                29275,
                "partial multibyte character (a lone UTF-16 surrogate in the CLOB)",
            )
        })?),
    })
}

/// A 40-byte locator: Oracle's header bytes (length, version, flags), then
/// ours: a magic, the character set form, the type and the LOB's id.
/// Version 1 and the type bit are what Oracle's persistent locators carry:
/// OCI 19.3 refuses the value-based version 4 (ORA-24801, ORA-24813).
fn locator(id: u64, blob: bool, csfrm: u8, temp: bool) -> Vec<u8> {
    let mut l = vec![0u8; LOCATOR_LEN];
    l[0..2].copy_from_slice(&((LOCATOR_LEN - 2) as u16).to_be_bytes());
    l[2..4].copy_from_slice(&1u16.to_be_bytes());
    l[4] = if blob {
        FLAG1_BLOB
    } else if csfrm == 2 {
        FLAG1_NCLOB
    } else {
        FLAG1_CLOB
    } | if temp {
        0
    } else {
        FLAG1_VALUE_BASED | FLAG1_ABSTRACT
    };
    l[5] = FLAG2_INIT | if csfrm == 2 { FLAG2_NCHAR } else { 0 };
    l[6] = if blob { 0 } else { FLAG3_VAR_LENGTH_CHARSET };
    l[7] = if temp { FLAG4_TEMP } else { 0 };
    l[8..10].copy_from_slice(&MAGIC);
    l[10] = csfrm;
    l[11] = if blob { ora_type::BLOB } else { ora_type::CLOB };
    l[12..20].copy_from_slice(&id.to_be_bytes());
    // Temporary and value LOBs last the session: OCI reads their duration
    // here and dumps "kolrcrfc-Wrong duration [0]" when it frees one that
    // has none (measured). Row locators put their source here instead.
    l[22..24].copy_from_slice(&DURATION_SESSION.to_be_bytes());
    l
}

/// `amount` units from 1-based `offset`; nothing past the end.
fn read(data: &Data, offset: u64, amount: u64) -> Result<(Option<Vec<u8>>, usize), SqlError> {
    if offset == 0 {
        return Err(ora(1428, "argument '0' is out of range"));
    }
    let start = (offset - 1) as usize;
    let len = data.len();
    if start >= len {
        return Ok((None, 0));
    }
    let end = len.min(start.saturating_add(amount as usize));
    Ok(match data {
        Data::Bytes(b) => (Some(b[start..end].to_vec()), end - start),
        Data::Text(u) => (
            Some(u[start..end].iter().flat_map(|c| c.to_be_bytes()).collect()),
            end - start,
        ),
    })
}

/// Writes `bytes` (UTF-16BE for a CLOB) at 1-based `offset`; a gap before
/// it fills with spaces (CLOB) or zero bytes (BLOB), as Oracle does.
fn write(data: &mut Data, offset: u64, bytes: &[u8]) -> Result<(), SqlError> {
    if offset == 0 {
        return Err(ora(1428, "argument '0' is out of range"));
    }
    let start = (offset - 1) as usize;
    fn splice<T: Copy>(v: &mut Vec<T>, start: usize, new: &[T], fill: T) {
        if v.len() < start {
            v.resize(start, fill);
        }
        let end = (start + new.len()).min(v.len());
        v.splice(start..end, new.iter().copied());
    }
    match data {
        Data::Bytes(b) => splice(b, start, bytes, 0),
        Data::Text(u) => {
            if !bytes.len().is_multiple_of(2) {
                return Err(ora(29275, "partial multibyte character"));
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            splice(u, start, &units, u16::from(b' '));
        }
    }
    Ok(())
}

/// LOB_OP: runs it and answers LOB_DATA/PARAMETER then STATUS, or the error.
pub(crate) async fn call(conn: &mut Conn, st: &mut State, req: LobOpRequest) -> Result<(), String> {
    let shape = ReplyShape {
        flag_wide: conn.caps.oci,
        ..ReplyShape::of(&req)
    };
    tracing::debug!(
        op = req.operation,
        offset = req.source_offset,
        amount = ?req.amount,
        locator = ?req.source.as_deref().map(|l| &l[..l.len().min(24)]),
        "LOB_OP"
    );
    let row = req.source.as_deref().and_then(|l| st.lobs.row_of(l));
    let file = req.source.as_deref().and_then(super::bfile::names);
    let result = match (file, row) {
        (Some(file), _) => super::bfile::apply(st, &req, file).await?,
        (None, Some(row)) => apply_to_row(st, &req, row).await?,
        (None, None) => st.lobs.apply(&req),
    };
    match result {
        Ok(reply) => {
            let mut w = TtcWriter::with_capacity(64 + reply.data.as_ref().map_or(0, Vec::len));
            reply.encode(&mut w, &shape);
            let status = StatusMessage {
                call_status: st.call_status(),
                end_to_end_seq: 0,
            };
            status.encode(&mut w, &conn.caps);
            conn.send_data(&w.buf).await
        }
        Err(e) => send_sql_error(conn, st, &e, 0, 0).await,
    }
}

/// An operation on a persistent LOB: on its row's current value, written
/// back (in the session's transaction) when the operation changed it.
async fn apply_to_row(
    st: &mut State,
    req: &LobOpRequest,
    (src, rowid, ty): (LobSource, i64, u8),
) -> Result<Result<LobOpReply, SqlError>, String> {
    let loc = req.source.clone().unwrap_or_default();
    match st.lobs.take_cached(&loc) {
        Some(data) => st.lobs.stage_data(&loc, data),
        None => {
            let s2 = src.clone();
            let v = match st
                .engine(true, move |s| s.lob_value(&s2, rowid, ty))
                .await?
            {
                Ok(v) => v,
                Err(e) => return Ok(Err(e)),
            };
            if let Err(e) = st.lobs.stage(&loc, &v) {
                return Ok(Err(e));
            }
        }
    }
    let reply = st.lobs.apply(req);
    let Some((key, data)) = st.lobs.unstage_data() else {
        return Ok(reply);
    };
    let changes = matches!(req.operation, op::WRITE | op::TRIM);
    if let (Ok(_), true) = (&reply, changes) {
        let new = match data_value(data.clone()) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        // A write may wait for another session's transaction: off the
        // runtime's threads.
        if let Err(e) = st
            .engine(false, move |s| s.set_lob_value(&src, rowid, &new))
            .await?
        {
            return Ok(Err(e));
        }
    }
    st.lobs.row_cache = Some((key, data));
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(operation: u32, loc: &[u8]) -> LobOpRequest {
        LobOpRequest {
            operation,
            source: Some(loc.to_vec()),
            ..Default::default()
        }
    }

    fn temp(lobs: &mut Lobs, ty: u8) -> Vec<u8> {
        let r = LobOpRequest {
            operation: op::CREATE_TEMP,
            source: Some(vec![0; 40]),
            source_offset: 1,
            dest_offset: ty as u64,
            ..Default::default()
        };
        lobs.apply(&r).unwrap().locator
    }

    #[test]
    fn clob_offsets_count_utf16_units() {
        let mut lobs = Lobs::default();
        let loc = temp(&mut lobs, ora_type::CLOB);
        assert_eq!(loc.len(), 40);
        assert_eq!(
            loc[22..24],
            [0, 10],
            "a session's duration, as OCI reads it"
        );
        let data: Vec<u8> = "a😀b"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        let w = LobOpRequest {
            source_offset: 1,
            data: Some(data),
            ..req(op::WRITE, &loc)
        };
        lobs.apply(&w).unwrap();
        let len = lobs.apply(&LobOpRequest {
            amount: Some(0),
            ..req(op::GET_LENGTH, &loc)
        });
        assert_eq!(len.unwrap().amount, Some(4));
        let r = lobs
            .apply(&LobOpRequest {
                source_offset: 4,
                amount: Some(10),
                ..req(op::READ, &loc)
            })
            .unwrap();
        assert_eq!(r.data, Some(vec![0, b'b']));
        // Writing past the end pads with spaces.
        let w = LobOpRequest {
            source_offset: 7,
            data: Some(vec![0, b'z']),
            ..req(op::WRITE, &loc)
        };
        lobs.apply(&w).unwrap();
        assert_eq!(
            lobs.bound_value(&loc, &Mutex::new(None)).unwrap(),
            Value::Clob("a😀b  z".into())
        );
    }

    #[test]
    fn trim_open_close_and_errors() {
        let mut lobs = Lobs::default();
        let loc = temp(&mut lobs, ora_type::BLOB);
        lobs.apply(&LobOpRequest {
            source_offset: 1,
            data: Some(vec![1, 2, 3, 4]),
            ..req(op::WRITE, &loc)
        })
        .unwrap();
        let trim = |n| LobOpRequest {
            amount: Some(n),
            ..req(op::TRIM, &loc)
        };
        assert_eq!(lobs.apply(&trim(9)).unwrap_err().code, 22926);
        lobs.apply(&trim(2)).unwrap();
        assert_eq!(
            lobs.bound_value(&loc, &Mutex::new(None)).unwrap(),
            Value::Blob(vec![1, 2])
        );
        assert_eq!(lobs.apply(&req(op::CLOSE, &loc)).unwrap_err().code, 22289);
        lobs.apply(&req(op::OPEN, &loc)).unwrap();
        assert_eq!(lobs.apply(&req(op::OPEN, &loc)).unwrap_err().code, 22293);
        assert_eq!(
            lobs.apply(&req(op::IS_OPEN, &loc)).unwrap().flag,
            Some(true)
        );
        lobs.apply(&req(op::CLOSE, &loc)).unwrap();
        assert_eq!(
            lobs.apply(&req(op::IS_OPEN, &loc)).unwrap().flag,
            Some(false)
        );
        assert_eq!(
            lobs.apply(&req(op::GET_LENGTH, b"junk")).unwrap_err().code,
            22922
        );
    }

    #[test]
    fn a_row_locator_is_persistent_and_works_on_its_staged_row() {
        let mut lobs = Lobs::default();
        let src = LobSource {
            schema: "main".into(),
            table: "T".into(),
            column: "C".into(),
        };
        let a = lobs.row_locator(&src, 7, ora_type::CLOB, 1);
        let b = lobs.row_locator(&src, 8, ora_type::CLOB, 1);
        assert_eq!(a[4] & (FLAG1_ABSTRACT | FLAG1_VALUE_BASED), 0);
        // Oracle's header: length 38, version 1, CLOB, initialised,
        // variable-width character set (what OCI 19.3 checks).
        assert_eq!(a[..8], [0, 38, 0, 1, FLAG1_CLOB, FLAG2_INIT, 0x80, 0]);
        assert_ne!(a[22..24], [0, 10], "a row locator names its source there");
        let n = lobs.row_locator(&src, 9, ora_type::CLOB, 2);
        assert_eq!(n[4], FLAG1_NCLOB);
        assert_eq!(n[5], FLAG2_INIT | FLAG2_NCHAR, "an NCLOB says its form");
        assert_eq!(a[5] & FLAG2_NCHAR, 0);
        assert_eq!(lobs.row_locator(&src, 9, ora_type::BLOB, 1)[4], FLAG1_BLOB);
        assert_eq!(a[7] & FLAG4_TEMP, 0);
        assert_eq!(lobs.sources.len(), 1, "one source for both rows");
        assert_eq!(lobs.row_of(&b), Some((src, 8, ora_type::CLOB)));
        // Not staged: nothing to work on.
        assert_eq!(
            lobs.apply(&req(op::GET_LENGTH, &a)).unwrap_err().code,
            22922
        );
        lobs.stage(&a, &Value::Clob("abc".into())).unwrap();
        lobs.apply(&req(op::OPEN, &a)).unwrap();
        lobs.apply(&LobOpRequest {
            amount: Some(1),
            ..req(op::TRIM, &a)
        })
        .unwrap();
        assert_eq!(lobs.unstage(), Some(Value::Clob("a".into())));
        lobs.stage(&a, &Value::Clob("a".into())).unwrap();
        assert_eq!(lobs.apply(&req(op::IS_OPEN, &a)).unwrap().flag, Some(true));
        lobs.unstage();
        lobs.free(&a);
        assert_eq!(lobs.len(), 0);
        assert!(lobs.stage(&b, &Value::Null).is_err(), "a NULL has no LOB");
    }

    #[test]
    fn frees_one_and_in_bulk_leave_nothing() {
        let mut lobs = Lobs::default();
        let a = temp(&mut lobs, ora_type::CLOB);
        let b = temp(&mut lobs, ora_type::BLOB);
        let (c, _) = lobs
            .value_locator(&Value::Varchar("x".into()), ora_type::CLOB, 1, false)
            .unwrap()
            .unwrap();
        assert_eq!(c[4] & FLAG1_ABSTRACT, FLAG1_ABSTRACT);
        assert_eq!(a[7] & FLAG4_TEMP, FLAG4_TEMP);
        assert_eq!(lobs.len(), 3);
        assert_eq!(lobs.counts(), (2, 1));
        lobs.apply(&req(op::FREE_TEMP, &a)).unwrap();
        // Twice is harmless and counts once.
        lobs.apply(&req(op::FREE_TEMP, &a)).unwrap();
        assert_eq!(lobs.counts(), (1, 1));
        let bulk = LobOpRequest {
            operation: op::FREE_TEMP | op::ARRAY,
            source: Some([b, c].concat()),
            ..Default::default()
        };
        lobs.apply(&bulk).unwrap();
        assert_eq!(lobs.len(), 0);
        assert_eq!(lobs.counts(), (0, 0));
    }
}
