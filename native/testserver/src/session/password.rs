//! Password changes: `connect(newpassword=…)` at logon and
//! `Connection.changepassword()` later, both an AUTH phase-two call that
//! carries AUTH_NEWPASSWORD sealed with the logon's combo key (the later one
//! with the old password in AUTH_PASSWORD). The new password then holds for
//! every later logon of that user on this server.

use oradb_protocol::buf::Reader;
use oradb_protocol::o5logon::ServerSession;
use oradb_protocol::ttc::auth::{AuthReply, AuthRequest};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::func;

use super::calls::State;
use super::Conn;

/// The longest password the server takes (23ai's limit), in bytes.
const MAX_PASSWORD: usize = 1024;

/// An Oracle error: its number and message.
pub(crate) type Refusal = (u32, String);

/// Opens and checks AUTH_NEWPASSWORD: an unquoted password starts with a
/// letter (ORA-00988) and is at most [`MAX_PASSWORD`] bytes (ORA-28218).
pub(crate) fn open_new(session: &ServerSession, hex: &str) -> Result<String, Refusal> {
    let invalid = || (988, "ORA-00988: missing or invalid password(s)".to_string());
    let plain = session.open_password(hex).map_err(|_| invalid())?;
    let new = String::from_utf8(plain).map_err(|_| invalid())?;
    if !new.chars().next().is_some_and(char::is_alphabetic) {
        return Err(invalid());
    }
    if new.len() > MAX_PASSWORD {
        return Err((
            28218,
            format!("ORA-28218: password length more than {MAX_PASSWORD} bytes"),
        ));
    }
    Ok(new)
}

/// The password `user` logs on with now: one set with SQL or here, else the configured one.
pub(crate) fn current(conn: &Conn, user: &str) -> Option<String> {
    match conn.shared.registry.password_override(user) {
        Some(p) => p,
        None => conn.shared.config.password_of(user).map(str::to_string),
    }
}

/// `changepassword(old, new)` on a logged-on connection.
pub(crate) async fn change(conn: &mut Conn, st: &State, r: &mut Reader<'_>) -> Result<(), String> {
    let outcome = match AuthRequest::decode_body(func::AUTH_PHASE_TWO, r, &conn.caps) {
        Ok(req) => check(conn, &req).map(|new| (req.user, new)),
        Err(e) => Err((
            3115,
            format!("ORA-03115: unsupported network datatype or representation ({e})"),
        )),
    };
    match outcome {
        Ok((user, new)) => {
            conn.shared.registry.set_user(&user, &new);
            tracing::info!(user = %user, "password changed");
            let end = st.closing(ErrorMessage::success(0, 0, 0));
            conn.send_msg(|w, caps| {
                AuthReply { pairs: Vec::new() }.encode(w, caps);
                end.encode(w, caps);
            })
            .await
        }
        Err((code, message)) => {
            let e = st.closing(ErrorMessage::error(code, &message, 0, 0));
            conn.send_msg(|w, caps| e.encode(w, caps)).await
        }
    }
}

/// The new password, once the old one (of the user the call names) is proven.
fn check(conn: &Conn, req: &AuthRequest) -> Result<String, Refusal> {
    let user = req.user.as_str();
    let invalid_old = || (28008, "ORA-28008: invalid old password".to_string());
    let session = conn.auth.as_ref().ok_or_else(invalid_old)?;
    let (Some(old_hex), Some(new_hex)) = (req.get("AUTH_PASSWORD"), req.get("AUTH_NEWPASSWORD"))
    else {
        return Err((988, "ORA-00988: missing or invalid password(s)".to_string()));
    };
    let old = session.open_password(old_hex).map_err(|_| invalid_old())?;
    if current(conn, user).is_none_or(|p| p.as_bytes() != old.as_slice()) {
        return Err(invalid_old());
    }
    open_new(session, new_hex)
}
