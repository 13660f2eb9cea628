//! Where a request ends. node-oracledb marks the last DATA packet of each
//! request; python-oracledb (without END_OF_REQUEST negotiated), JDBC,
//! go-ora and OCI do not, and their packet sizes say nothing either:
//! python-oracledb does not split a 2-byte field across packets (so at an
//! odd SDU every packet of a long request is one byte short), and a request
//! may end exactly on a full packet. So, as Oracle does, the request's own
//! TTC content decides: decoded to its end, it is whole; cut inside a field,
//! more is coming. Only what this cannot tell falls back on packet size.
//! Each judgement goes on from where the previous packet's stopped
//! ([`Progress`]): judging a request costs its size, not its size times its
//! packets (python-oracledb's executemany, OCI's long binds).

use oradb_protocol::buf::{DecodeError, Reader, Resume};
use oradb_protocol::ttc::auth::AuthRequest;
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::data_types::DataTypesRequest;
use oradb_protocol::ttc::execute::{options, read_bind_row, ExecuteRequest, ReexecuteRequest};
use oradb_protocol::ttc::fetch::FetchRequest;
use oradb_protocol::ttc::function::FunctionHeader;
use oradb_protocol::ttc::lob::LobOpRequest;
use oradb_protocol::ttc::piggyback::Piggyback;
use oradb_protocol::ttc::protocol_msg::ProtocolRequest;
use oradb_protocol::ttc::version::VersionRequest;
use oradb_protocol::ttc::{func, msg, Caps};

use super::cursor::Cursors;
use crate::sql::{BindDir, StmtKind};

/// What the bytes of a request received so far say about its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Decoded to the end: answer it.
    Whole,
    /// Cut inside a field or before its last bind row: wait for more.
    Cut,
    /// A message this check does not model.
    Unknown,
}

/// A packet this many bytes or more under the SDU is short on purpose, not
/// because a field did not fit: python-oracledb leaves at most a few bytes,
/// OCI 19.3 fills its packets to SDU − 81 (8,111 bytes at 8,192), so a
/// smaller margin ended OCI's long requests after their first full packet
/// (ORA-03115 for a 300-row executemany, a 5,000-character CLOB, a LONG).
const SHORT_BY: usize = 96;

/// Whether the request in `buf` is complete, given the last packet's size
/// (`packet_len`, header included) and the SDU. A `Cut` verdict on a packet
/// clearly under the SDU is delivered anyway: the client has stopped, and a
/// request that cannot be decoded is answered with an error, not waited on.
pub(crate) fn request_ends(verdict: Verdict, packet_len: usize, sdu: usize) -> bool {
    match verdict {
        Verdict::Whole => true,
        Verdict::Cut => packet_len + SHORT_BY <= sdu,
        Verdict::Unknown => packet_len < sdu,
    }
}

/// What judging a request so far learned, kept between its packets so that
/// each judgement costs about its new bytes, not the whole request again:
/// the chunks of a long value joined so far, and the offset after the last
/// whole bind row with the count of rows before it (see [`Resume`]). Valid
/// for one request only: reset when it is delivered or thrown away.
#[derive(Debug, Default)]
pub(crate) struct Progress(Resume);

impl Progress {
    pub(crate) fn reset(&mut self) {
        self.0 = Resume::default();
    }
}

/// Judges `buf` (the TTC bytes of one request so far), going on from what
/// judging a shorter prefix of the same request left in `progress`.
/// `cursors` gives the bind metadata re-executes rely on (none during logon).
pub(crate) fn judge(
    buf: &[u8],
    caps: &Caps,
    cursors: Option<&Cursors>,
    progress: &mut Progress,
) -> Verdict {
    let mut r = Reader::resuming(buf, std::mem::take(&mut progress.0));
    let verdict = judge_from(&mut r, caps, cursors);
    if verdict == Verdict::Cut {
        progress.0 = r.take_resume();
    }
    verdict
}

fn judge_from(r: &mut Reader, caps: &Caps, cursors: Option<&Cursors>) -> Verdict {
    loop {
        let Ok(kind) = r.u8() else {
            // Nothing yet, or only piggybacks: a function call must follow.
            return Verdict::Cut;
        };
        let step = match kind {
            msg::PROTOCOL => ProtocolRequest::decode(r, caps).map(|_| Verdict::Whole),
            msg::DATA_TYPES => DataTypesRequest::decode(r, caps).map(|d| {
                if d.table_is_whole() {
                    Verdict::Whole
                } else {
                    Verdict::Cut
                }
            }),
            msg::PIGGYBACK => FunctionHeader::decode(kind, r, caps)
                .and_then(|h| match h.code {
                    func::LOB_OP => LobOpRequest::decode(r, caps).map(|_| ()),
                    code => Piggyback::decode(code, r, caps).map(|_| ()),
                })
                .map(|_| Verdict::Cut),
            msg::FUNCTION => function(r, caps, cursors),
            _ => Ok(Verdict::Unknown),
        };
        match step {
            // A piggyback decoded: go on to what it rides on.
            Ok(Verdict::Cut) if kind == msg::PIGGYBACK => continue,
            Ok(v) => return v,
            Err(DecodeError::NeedMore) => return Verdict::Cut,
            Err(DecodeError::Malformed(_)) => return Verdict::Unknown,
        }
    }
}

fn function(
    r: &mut Reader,
    caps: &Caps,
    cursors: Option<&Cursors>,
) -> Result<Verdict, DecodeError> {
    let h = FunctionHeader::decode(msg::FUNCTION, r, caps)?;
    match h.code {
        func::AUTH_PHASE_ONE | func::AUTH_PHASE_TWO => {
            AuthRequest::decode_body(h.code, r, caps)?;
        }
        func::FETCH => {
            FetchRequest::decode(r, caps)?;
        }
        func::VERSION => {
            VersionRequest::decode_body(h.seq, r, caps)?;
        }
        func::COMMIT | func::ROLLBACK | func::PING | func::LOGOFF => {}
        // A LOB write's data can span many packets.
        func::LOB_OP => {
            LobOpRequest::decode(r, caps)?;
        }
        func::EXECUTE => return execute(r, caps, cursors),
        func::REEXECUTE | func::REEXECUTE_AND_FETCH => return reexecute(r, caps, h.code, cursors),
        _ => return Ok(Verdict::Unknown),
    }
    Ok(Verdict::Whole)
}

/// Bind rows decoded to the end of the buffer: whole once at least the
/// rows the call announced are there (a cut can fall between two rows).
fn rows_verdict(rows: usize, expected: usize) -> Verdict {
    if rows >= expected {
        Verdict::Whole
    } else {
        Verdict::Cut
    }
}

fn execute(r: &mut Reader, caps: &Caps, cursors: Option<&Cursors>) -> Result<Verdict, DecodeError> {
    let head = ExecuteRequest::decode_head(r, caps)?;
    let (metas, is_plsql, is_query) = match &head.sql {
        Some(sql) => {
            let words = sql.trim_start().to_ascii_uppercase();
            // RETURNING binds carry no value, and which they are needs
            // the parse; leave those to the packet size.
            // OCI parses DML RETURNING with a value for every bind (`FD 01`
            // for RETURNING ones: oci19 README, 13a).
            if words.contains("RETURN") && !caps.oci {
                return Ok(Verdict::Unknown);
            }
            let first = |w: &str| words.starts_with(w);
            let is_plsql = first("BEGIN") || first("DECLARE") || first("CALL");
            (
                head.binds.clone(),
                is_plsql,
                first("SELECT") || first("WITH"),
            )
        }
        None => match shape(
            cursors,
            head.cursor_id,
            super::exec::oci_reexecute(caps, &head),
        ) {
            Some((mut metas, is_plsql, is_query)) => {
                if !head.binds.is_empty() {
                    metas = head.binds.clone();
                }
                (metas, is_plsql, is_query)
            }
            // An unknown cursor is answered with ORA-01001 at once.
            None => return Ok(Verdict::Whole),
        },
    };
    let rows = count_rows(r, caps, &metas, is_plsql)?;
    let expected = if metas.is_empty() || head.options & options::EXECUTE == 0 {
        0
    } else if is_query || is_plsql {
        1
    } else {
        // python-oracledb's executemany gives its row count in al8i4[1]
        // with 0 iterations; read as 1, a packet that ended on a row
        // boundary passed for the whole request.
        head.iterations.max(head.al8i4[1]).max(1) as usize
    };
    Ok(rows_verdict(rows, expected))
}

/// Counts the bind rows from the reader's position to the end of its bytes
/// with the decoder `exec.rs` reads them with, going on after the last
/// whole row an earlier judgement of this request saw (its mark).
fn count_rows(
    r: &mut Reader,
    caps: &Caps,
    metas: &[ColumnMeta],
    is_plsql: bool,
) -> Result<usize, DecodeError> {
    if metas.is_empty() {
        return Ok(0);
    }
    let mut rows = 0;
    if let Some((pos, done)) = r.mark() {
        if pos >= r.pos() {
            r.set_pos(pos);
            rows = done;
        }
    }
    while read_bind_row(r, caps, metas, is_plsql)?.is_some() {
        rows += 1;
        r.set_mark(r.pos(), rows);
    }
    Ok(rows)
}

fn reexecute(
    r: &mut Reader,
    caps: &Caps,
    code: u8,
    cursors: Option<&Cursors>,
) -> Result<Verdict, DecodeError> {
    // Not `r.clone()`: that would copy the chunks of a long value joined
    // so far, once a packet.
    let id = Reader::new(r.rest()).ub4()?;
    let Some((metas, is_plsql, _)) = shape(cursors, id, true) else {
        return Ok(Verdict::Whole);
    };
    let q = ReexecuteRequest::decode_head(r)?;
    let rows = count_rows(r, caps, &metas, is_plsql)?;
    let expected = match (metas.is_empty(), code) {
        (true, _) => 0,
        (false, func::REEXECUTE) => q.iterations.max(1) as usize,
        (false, _) => 1,
    };
    Ok(rows_verdict(rows, expected))
}

/// The value-carrying binds of a cursor, as `exec.rs` reads them: RETURNING
/// binds, and on a re-execute (`reexec`) PL/SQL OUT binds, carry no value.
/// Returns the binds, whether it is PL/SQL and whether it is a query.
fn shape(
    cursors: Option<&Cursors>,
    id: u32,
    reexec: bool,
) -> Option<(Vec<ColumnMeta>, bool, bool)> {
    let c = cursors?.get(id)?;
    let p = &c.prepared;
    let is_plsql = p.kind == StmtKind::PlSql;
    let metas = c
        .binds
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let out = reexec && is_plsql && p.plsql_dirs.get(*i) == Some(&BindDir::Out);
            !p.returning.contains(i) && !out
        })
        .map(|(_, m)| m.clone())
        .collect();
    Some((metas, is_plsql, p.kind == StmtKind::Query))
}

#[cfg(test)]
mod tests;
