//! DRCP for OCI. OCI takes a pooled session only when the answer of its
//! first call after the logon (or after a session release) starts with a
//! SESS_RET piggyback naming the session; without it OCI raises ORA-56600
//! "DRCP: Illegal call [First call inconsistency]" and logs off. It releases
//! the session with function 163 as an ordinary call that waits for an
//! answer (thin clients send it one-way and get none).

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::piggyback::SessionRelease;
use oradb_protocol::ttc::session_return::{SessionReturn, SESSION_CHANGED};

use super::calls::{detach, send_status, unsupported, State};
use super::Conn;

/// Queues the session's announcement for the next answer, for OCI on a
/// pooled connection.
pub(crate) fn arm(conn: &mut Conn) {
    if conn.caps.oci && conn.drcp.is_some() {
        conn.announce = Some(SessionReturn {
            flags: SESSION_CHANGED,
            sid: conn.sid,
            serial: 1,
        });
    }
}

/// OCI's session release (function 163): the session goes back to the
/// server's pool and the call ends with a STATUS.
pub(crate) async fn release(
    conn: &mut Conn,
    st: &mut State,
    r: &mut Reader<'_>,
) -> Result<(), String> {
    if conn.drcp.is_none() {
        return unsupported(conn, st, "session release without DRCP").await;
    }
    if let Err(e) = SessionRelease::decode(r, &conn.caps) {
        return unsupported(conn, st, &format!("session release: {e}")).await;
    }
    detach(conn, st).await?;
    send_status(conn, st).await
}
