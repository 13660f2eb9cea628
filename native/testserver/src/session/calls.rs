//! The call loop after logon: piggybacks, then one function per request.

use oradb_protocol::buf::{DecodeError, Reader};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::function::FunctionHeader;
use oradb_protocol::ttc::lob::LobOpRequest;
use oradb_protocol::ttc::piggyback::Piggyback;
use oradb_protocol::ttc::status::StatusMessage;
use oradb_protocol::ttc::version::{VersionReply, VersionRequest};
use oradb_protocol::ttc::{func, msg};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::cursor::Cursors;
use super::{exec, Conn, End};
use crate::registry::{kill, stat, SessionInfo};
use crate::sql::{InterruptHandle, Session, SqlError};

/// Call status bit: the session has uncommitted changes.
pub(crate) const TXN_IN_PROGRESS: u32 = 0x2;

pub(crate) struct State {
    // A Mutex only to make State Sync (it is held across awaits by reference);
    // the session is moved out while a call runs.
    pub(crate) session: std::sync::Mutex<Option<Session>>,
    interrupt: InterruptHandle,
    pub cursors: Cursors,
    pub in_txn: bool,
    /// This session's registry entry (statistics, attributes, kill state).
    pub info: Arc<SessionInfo>,
    /// The last call was answered with ORA-00028: the session ends now.
    kill_reported: AtomicBool,
    /// A DRCP release gave the session back to the server's pool; the next
    /// request attaches one again.
    detached: bool,
    /// Sequence number of the call being answered (its function header's).
    pub call_seq: u8,
    /// LOBs the client holds locators for (temporary and fetched).
    pub lobs: super::lob::Lobs,
}

impl State {
    pub fn call_status(&self) -> u32 {
        if self.in_txn {
            TXN_IN_PROGRESS
        } else {
            0
        }
    }

    /// `m` as the ERROR that ends the current call: with the session's call
    /// status and the call's sequence number, which JDBC Thin matches
    /// against its request (a mismatch turns even ORA-01403 into an error).
    pub fn closing(&self, m: ErrorMessage) -> ErrorMessage {
        m.in_call(self.call_status(), self.call_seq)
    }

    /// Runs blocking engine work off the async threads. A panic in the
    /// engine ends this session only.
    pub async fn blocking<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut Session) -> T + Send + 'static,
    ) -> Result<T, String> {
        self.engine(false, f).await
    }

    /// Runs engine work: `quick` work (a read-only query that ran in well
    /// under a millisecond last time) right here on the async thread, the
    /// rest on the blocking pool. Handing each call to the blocking pool and
    /// back costs two thread wake-ups, more than such a query itself: it was
    /// half the server's CPU on a pool benchmark. Queries take no locks in
    /// WAL mode, so a quick one cannot wait here for another session, and a
    /// break still reaches it through the connection's reader task.
    pub async fn engine<T: Send + 'static>(
        &mut self,
        quick: bool,
        f: impl FnOnce(&mut Session) -> T + Send + 'static,
    ) -> Result<T, String> {
        let taken = self.session.lock().ok().and_then(|mut g| g.take());
        let mut s = taken.ok_or("session already lost")?;
        self.interrupt.clear();
        self.info
            .set(stat::CURSORS_CURRENT, self.cursors.open_count() as u64);
        let (s, out) = if quick {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut s)))
                .map_err(|_| "engine failure: panic".to_string())?;
            (s, out)
        } else {
            tokio::task::spawn_blocking(move || {
                let out = f(&mut s);
                (s, out)
            })
            .await
            .map_err(|e| format!("engine failure: {e}"))?
        };
        self.in_txn = s.in_transaction();
        if let Ok(mut g) = self.session.lock() {
            *g = Some(s);
        }
        Ok(out)
    }

    fn take_session(&mut self) -> Option<Session> {
        self.session.lock().ok().and_then(|mut g| g.take())
    }

    /// Makes `session` the one this connection's calls run in.
    fn attach(&mut self, conn: &Conn, session: Session) {
        let interrupt = session.interrupt_handle();
        let handler = interrupt.clone();
        conn.breaks
            .set_handler(Box::new(move || handler.interrupt()));
        self.interrupt = interrupt;
        self.info = session.info();
        self.in_txn = session.in_transaction();
        if let Ok(mut g) = self.session.lock() {
            *g = Some(session);
        }
        self.detached = false;
    }
}

/// DRCP release: the transaction goes, the session (with its other state)
/// returns to the server's pool and leaves V$SESSION. Cursors stay: they
/// belong to the connection here, and clients keep their statement caches.
pub(super) async fn detach(conn: &mut Conn, st: &mut State) -> Result<(), String> {
    st.blocking(|s| s.rollback()).await?.ok();
    let Some(session) = st.take_session() else {
        return Ok(());
    };
    conn.shared.registry.remove(conn.sid);
    if let Some(d) = &conn.drcp {
        conn.shared.drcp.park(&d.user, &d.cclass, d.epoch, session);
    }
    st.detached = true;
    Ok(())
}

/// The next request after a DRCP release: a session of the connection's
/// class again (purity SELF, as for a client pool's reuse).
async fn reattach(conn: &mut Conn, st: &mut State) -> Result<(), String> {
    let Some(d) = &conn.drcp else {
        return Err("no session to attach".into());
    };
    let (user, cclass) = (d.user.clone(), d.cclass.clone());
    let db = conn.shared.db.clone();
    let shared = conn.shared.clone();
    let (session, reused) = tokio::task::spawn_blocking(move || {
        shared
            .drcp
            .attach(&db, &user, &cclass, crate::drcp::Purity::SelfPurity)
    })
    .await
    .map_err(|e| format!("engine failure: {e}"))?
    .map_err(|e| e.message)?;
    let info = session.info();
    let sid = if reused {
        info.sid()
    } else {
        conn.shared.next_sid()
    };
    if !reused {
        let mut a = info.attrs();
        let old = st.info.attrs();
        a.service = old.service.clone();
        a.pooled = true;
        a.program = old.program.clone();
        a.machine = old.machine.clone();
        a.os_user = old.os_user.clone();
        a.terminal = old.terminal.clone();
        a.process = old.process.clone();
        a.logon_time = crate::sql::now_text();
    }
    info.sid.store(sid, Ordering::Relaxed);
    conn.set_sid(sid);
    conn.shared.registry.add(info);
    st.attach(conn, session);
    Ok(())
}

/// The connection is over: a DRCP session goes back to the server's pool
/// (unless it was killed), any other one ends.
fn finish(conn: &Conn, st: &mut State) {
    let Some(d) = &conn.drcp else { return };
    if st.detached {
        return;
    }
    if let Some(s) = st.take_session() {
        if st.info.killed() == kill::NONE && !s.in_transaction() {
            conn.shared.registry.remove(conn.sid);
            conn.shared.drcp.park(&d.user, &d.cclass, d.epoch, s);
        }
    }
}

pub(crate) async fn run(conn: &mut Conn, session: Session) -> End {
    let interrupt = session.interrupt_handle();
    let mut st = State {
        session: std::sync::Mutex::new(None),
        interrupt,
        cursors: Cursors::default(),
        in_txn: false,
        info: session.info(),
        kill_reported: AtomicBool::new(false),
        detached: false,
        call_seq: 0,
        lobs: Default::default(),
    };
    st.attach(conn, session);
    super::drcp_oci::arm(conn);
    super::session_sync::watch(conn, &st.info);
    let end = loop {
        let info = st.info.clone();
        let status = st.call_status();
        let next = tokio::select! {
            r = conn.next_call(status, &st.cursors) => Some(r),
            _ = info.kill_notify.notified() => None,
        };
        let req = match next {
            Some(Ok(Some(r))) => r,
            Some(Ok(None)) => break End::Closed,
            Some(Err(e)) => break End::Failed(e),
            None => {
                // Killed while idle: its transaction goes at once (freeing the
                // write lock); IMMEDIATE also drops the connection now.
                let _ = st.blocking(|s| s.rollback()).await;
                if info.killed() == kill::IMMEDIATE {
                    break End::Closed;
                }
                continue;
            }
        };
        let release = req.first() == Some(&oradb_protocol::ttc::msg::ONEWAY_FN);
        if st.detached && !release {
            if let Err(e) = reattach(conn, &mut st).await {
                break End::Failed(e);
            }
            super::drcp_oci::arm(conn);
            super::session_sync::watch(conn, &st.info);
        }
        let info = st.info.clone();
        // A one-way DRCP release gets no answer, so it is not a round trip.
        if !release {
            info.bump(stat::ROUNDTRIPS);
        }
        info.add(stat::BYTES_RECEIVED, req.len() as u64);
        if info.killed() != kill::NONE {
            let e = crate::sql::ora_error(28, "your session has been killed");
            let _ = send_sql_error(conn, &st, &e, 0, 0).await;
            break End::Closed;
        }
        info.set_active(true);
        let res = handle_request(conn, &mut st, &req).await;
        info.set_active(false);
        match res {
            Ok(true) if st.kill_reported.load(Ordering::Relaxed) => break End::Closed,
            Ok(true) => {}
            Ok(false) => break End::Closed,
            Err(e) => break End::Failed(e),
        }
    };
    // Whatever was left uncommitted goes, as Oracle does on disconnect.
    if !st.detached {
        let _ = st.blocking(|s| s.rollback()).await;
    }
    finish(conn, &mut st);
    end
}

/// Handles one request; `Ok(false)` after LOGOFF.
async fn handle_request(conn: &mut Conn, st: &mut State, req: &[u8]) -> Result<bool, String> {
    let mut r = Reader::new(req);
    conn.call_cursor = 0;
    loop {
        let Ok(kind) = r.u8() else { return Ok(true) };
        let outcome = match kind {
            msg::PIGGYBACK => piggyback(conn, st, &mut r),
            msg::FUNCTION => {
                let h = FunctionHeader::decode(kind, &mut r, &conn.caps);
                return match h {
                    Ok(h) => {
                        tracing::trace!(code = h.code, bytes = req.len(), "call");
                        call(conn, st, h, &mut r).await
                    }
                    Err(e) => unsupported(conn, st, &e.to_string()).await.map(|_| true),
                };
            }
            msg::ONEWAY_FN => {
                // DRCP session release: answer nothing. On a pooled
                // connection the session goes back to the server's pool.
                if conn.drcp.is_some() && !st.detached {
                    detach(conn, st).await?;
                } else if !st.detached {
                    st.blocking(|s| s.rollback()).await?.ok();
                }
                return Ok(true);
            }
            other => Err(DecodeError::Malformed(format!(
                "unexpected message type {other}"
            ))),
        };
        if let Err(e) = outcome {
            unsupported(conn, st, &e.to_string()).await?;
            return Ok(true);
        }
    }
}

fn piggyback(conn: &mut Conn, st: &mut State, r: &mut Reader) -> Result<(), DecodeError> {
    let h = FunctionHeader::decode(msg::PIGGYBACK, r, &conn.caps)?;
    tracing::trace!(code = h.code, "piggyback");
    if h.code == func::LOB_OP {
        // The client's bulk free of the temporary LOBs it dropped.
        let req = LobOpRequest::decode(r, &conn.caps)?;
        if let Err(e) = st.lobs.apply(&req) {
            tracing::debug!(code = e.code, "LOB piggyback ignored");
        }
        return Ok(());
    }
    match Piggyback::decode(h.code, r, &conn.caps)? {
        Piggyback::CloseCursors(c) => {
            for id in c.ids {
                st.cursors.close(id);
            }
        }
        Piggyback::CancelCursors(c) => {
            for id in c.ids {
                st.cursors.cancel(id);
            }
        }
        // python-oracledb's conn.module/action/client_identifier/clientinfo.
        Piggyback::EndToEnd(e) => {
            let mut guard = st.info.attrs();
            let a = &mut *guard;
            let fields = [
                (e.module, &mut a.module),
                (e.action, &mut a.action),
                (e.client_id, &mut a.client_identifier),
                (e.client_info, &mut a.client_info),
                (e.ecid, &mut a.ecid),
                (e.dbop, &mut a.dbop),
            ];
            for (v, slot) in fields {
                if let Some(v) = v {
                    *slot = v;
                }
            }
        }
        Piggyback::SetSchema(s) if !s.is_empty() => {
            st.info.attrs().schema = s.to_ascii_uppercase();
        }
        other => tracing::debug!(?other, "piggyback accepted"),
    }
    Ok(())
}

/// ORA-03115 for anything we cannot parse; the session stays usable because
/// requests are delimited by packets, not by our parse.
pub(super) async fn unsupported(conn: &mut Conn, st: &State, why: &str) -> Result<(), String> {
    tracing::info!("unsupported request: {why}");
    let e = st.closing(ErrorMessage::error(
        3115,
        "ORA-03115: unsupported network datatype or representation",
        0,
        0,
    ));
    conn.send_msg(|w, caps| e.encode(w, caps)).await
}

pub(crate) async fn send_sql_error(
    conn: &mut Conn,
    st: &State,
    e: &SqlError,
    cursor_id: u16,
    row_count: u64,
) -> Result<(), String> {
    // A call cut short by ALTER SYSTEM KILL SESSION reports the kill.
    let killed;
    let e = if st.info.killed() != kill::NONE && (e.code == 1013 || e.code == 28) {
        st.kill_reported.store(true, Ordering::Relaxed);
        // Gone from V$SESSION before the client hears of it.
        conn.shared.registry.remove(conn.sid);
        killed = crate::sql::ora_error(28, "your session has been killed");
        &killed
    } else {
        e
    };
    let mut m = st.closing(ErrorMessage::error(
        e.code,
        &e.message,
        cursor_id,
        e.offset as u16,
    ));
    m.row_count = row_count;
    conn.send_msg(|w, caps| m.encode(w, caps)).await
}

pub(super) async fn send_status(conn: &mut Conn, st: &State) -> Result<(), String> {
    let m = StatusMessage {
        call_status: st.call_status(),
        end_to_end_seq: 0,
    };
    conn.send_msg(|w, caps| m.encode(w, caps)).await
}

/// What V$VERSION's BANNER column says (`sql/views.rs`).
pub(crate) const BANNER: &str = "Oracle Database 23ai (oradb-testserver, SQLite based)";

/// OVERSION: the banner V$VERSION shows and the release the logon announced.
async fn version(conn: &mut Conn, st: &State, seq: u8, r: &mut Reader<'_>) -> Result<(), String> {
    if let Err(e) = VersionRequest::decode_body(seq, r, &conn.caps) {
        return unsupported(conn, st, &format!("OVERSION: {e}")).await;
    }
    let reply = VersionReply {
        banner: BANNER.to_string(),
        number: if conn.caps.oci {
            super::login::VERSION_NO_NEW
        } else {
            super::login::VERSION_NO_OLD
        },
    };
    let done = StatusMessage {
        call_status: st.call_status(),
        end_to_end_seq: 0,
    };
    conn.send_msg(|w, caps| {
        reply.encode(w, caps);
        done.encode(w, caps);
    })
    .await
}

async fn call(
    conn: &mut Conn,
    st: &mut State,
    h: FunctionHeader,
    r: &mut Reader<'_>,
) -> Result<bool, String> {
    st.info.bump(stat::USER_CALLS);
    // After this request's piggybacked frees, before anything can query it.
    let (temp, abstract_lobs) = st.lobs.counts();
    st.info.set_lob_counts(temp, abstract_lobs);
    st.call_seq = h.seq;
    conn.call_seq = h.seq;
    conn.call_status = st.call_status();
    if h.code != func::LOB_OP {
        st.lobs.forget_rows();
    }
    match h.code {
        func::COMMIT | func::ROLLBACK => {
            let commit = h.code == func::COMMIT;
            let res = st
                .blocking(move |s| {
                    if commit {
                        s.user_commit()
                    } else {
                        s.user_rollback()
                    }
                })
                .await?;
            match res {
                Ok(()) => send_status(conn, st).await?,
                Err(e) => send_sql_error(conn, st, &e, 0, 0).await?,
            }
        }
        func::PING => send_status(conn, st).await?,
        func::LOGOFF => {
            st.blocking(|s| s.rollback()).await?.ok();
            // Out of V$SESSION before the client sees the logoff complete.
            conn.shared.registry.remove(conn.sid);
            st.in_txn = false;
            send_status(conn, st).await?;
            return Ok(false);
        }
        func::EXECUTE => exec::execute(conn, st, r).await?,
        func::REEXECUTE | func::REEXECUTE_AND_FETCH => exec::reexecute(conn, st, h.code, r).await?,
        func::FETCH => exec::fetch(conn, st, r).await?,
        func::VERSION => version(conn, st, h.seq, r).await?,
        func::AUTH_PHASE_TWO => super::password::change(conn, st, r).await?,
        func::SESSION_RELEASE if conn.caps.oci => super::drcp_oci::release(conn, st, r).await?,
        func::LOB_OP => match LobOpRequest::decode(r, &conn.caps) {
            Ok(req) => super::lob::call(conn, st, req).await?,
            Err(e) => unsupported(conn, st, &format!("LOB_OP: {e}")).await?,
        },
        other => unsupported(conn, st, &format!("function {other}")).await?,
    }
    Ok(true)
}
