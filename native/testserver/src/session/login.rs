//! Protocol and data-type negotiation, then O5LOGON (12c verifier).

use oradb_protocol::buf::{Reader, Writer as TtcWriter};
use oradb_protocol::o5logon::ServerChallenge;
use oradb_protocol::ttc::auth::{AuthReply, AuthRequest};
use oradb_protocol::ttc::capabilities;
use oradb_protocol::ttc::data_types::{self, DataTypesReply, DataTypesRequest};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::function::FunctionHeader;
use oradb_protocol::ttc::protocol_msg::{ProtocolReply, ProtocolRequest};
use oradb_protocol::ttc::status::StatusMessage;
use oradb_protocol::ttc::version::{VersionReply, VersionRequest};
use oradb_protocol::ttc::{func, msg, Caps};

use super::{Conn, DrcpConn};
use crate::drcp::Purity;
use crate::sql::Session;

/// Packed 23.7.0.25.1 in the 18c+ layout (field version >= 11): the release whose
/// features (sparse and binary VECTORs) the server serves.
pub(crate) const VERSION_NO_NEW: u32 = (23 << 24) | (7 << 16) | (25 << 4) | 1;
/// The same release in the pre-18c layout.
pub(crate) const VERSION_NO_OLD: u32 = (23 << 24) | (7 << 20) | (25 << 8) | 1;

fn bad(what: &str) -> String {
    format!("unexpected message during logon: {what}")
}

async fn request(conn: &mut Conn) -> Result<Option<Vec<u8>>, String> {
    conn.next_request(0).await
}

/// Runs the logon; `Ok(None)` when the client gave up or was refused.
pub(crate) async fn login(conn: &mut Conn) -> Result<Option<Session>, String> {
    let fv = conn.shared.config.field_version;
    // 1. Protocol negotiation.
    let Some(req) = request(conn).await? else {
        return Ok(None);
    };
    let mut r = Reader::new(&req);
    if r.u8().map_err(|e| e.to_string())? != msg::PROTOCOL {
        return Err(bad("expected protocol negotiation"));
    }
    let pro = ProtocolRequest::decode(&mut r, &conn.caps).map_err(|e| e.to_string())?;
    // OCI needs a real server's FDO, and a foreign banner to stay on the
    // universal marshalling thin clients use (see `server_for_oci`).
    let oci = pro.names_a_platform();
    let reply = if oci {
        ProtocolReply::server_for_oci(fv)
    } else {
        ProtocolReply::server_default(fv)
    };
    let server_caps = reply.compile_caps.clone();
    conn.send_msg(|w, caps| reply.encode(w, caps)).await?;

    // 2. Data types; the client's compile capabilities fix the field version.
    let Some(req) = request(conn).await? else {
        return Ok(None);
    };
    let mut r = Reader::new(&req);
    if r.u8().map_err(|e| e.to_string())? != msg::DATA_TYPES {
        return Err(bad("expected data type negotiation"));
    }
    let dty = DataTypesRequest::decode(&mut r, &conn.caps).map_err(|e| e.to_string())?;
    conn.caps = capabilities::negotiate(&dty.compile_caps, &server_caps);
    conn.caps.max_string_size = 32767;
    conn.caps.oci = oci;
    conn.caps.raw_strings = !dty.length_prefixed_strings();
    // Thin clients take an empty table; OCI waits for a table, one
    // representation per type (see `oci_data_types`).
    let (dty_reply, sb1) = if oci {
        let reply = oci_data_types(&dty);
        let sb1 = reply.representation(data_types::TYPE_SB1);
        (reply, sb1)
    } else {
        (
            DataTypesReply::default(),
            dty.representation(data_types::TYPE_SB1),
        )
    };
    conn.caps.universal_scale = sb1 == Some(data_types::REPRESENTATION_UNIVERSAL);
    conn.send_msg(|w, caps| dty_reply.encode(w, caps)).await?;

    // 3. O5LOGON phase one: the challenge. OCI asks for the version first.
    let one = match first_auth(conn).await? {
        FirstAuth::PhaseOne(one) => one,
        FirstAuth::Gone => return Ok(None),
        FirstAuth::Denied(why) => {
            deny(conn, "", &why).await?;
            return Ok(None);
        }
    };
    // The user name shows which of the "raw strings" clients this is.
    conn.caps.raw_strings = one.raw_user;
    let user = one.user.clone();
    // Users created or changed with SQL override the configured list.
    let password = super::password::current(conn, &user);
    let challenge = match &password {
        Some(p) => ServerChallenge::new(p, &mut rand::thread_rng()),
        None => ServerChallenge::decoy(&mut rand::thread_rng()),
    };
    let pairs = vec![
        (
            "AUTH_SESSKEY".to_string(),
            challenge.sesskey_hex.clone().into_bytes(),
            0,
        ),
        (
            "AUTH_VFR_DATA".to_string(),
            challenge.vfr_hex.clone().into_bytes(),
            18453,
        ),
        (
            "AUTH_PBKDF2_CSK_SALT".to_string(),
            challenge.csk_salt_hex.clone().into_bytes(),
            0,
        ),
        (
            "AUTH_PBKDF2_VGEN_COUNT".to_string(),
            challenge.vgen_count.to_string().into_bytes(),
            0,
        ),
        (
            "AUTH_PBKDF2_SDER_COUNT".to_string(),
            challenge.sder_count.to_string().into_bytes(),
            0,
        ),
    ];
    conn.send_msg(|w, caps| {
        AuthReply { pairs }.encode(w, caps);
        end_of_call(w, caps);
    })
    .await?;

    // 4. Phase two: check the proof, answer with the session.
    let Some(req) = request(conn).await? else {
        return Ok(None);
    };
    let two = match decode_auth(&req, func::AUTH_PHASE_TWO, &conn.caps) {
        Ok(two) => two,
        Err(why) => {
            deny(conn, &user, &why).await?;
            return Ok(None);
        }
    };
    let verified = match (&password, two.get("AUTH_SESSKEY"), two.get("AUTH_PASSWORD")) {
        (Some(p), Some(key), Some(pw)) => challenge.verify(key, pw, p).ok(),
        _ => None,
    };
    let Some(verified) = verified else {
        deny(conn, &user, "wrong password or no proof").await?;
        return Ok(None);
    };
    // connect(newpassword=…): the new password holds from this logon on.
    if let Some(hex) = two.get("AUTH_NEWPASSWORD") {
        match super::password::open_new(&verified, hex) {
            Ok(new) => conn.shared.registry.set_user(&user, &new),
            Err((code, message)) => {
                let e = ErrorMessage::error(code, &message, 0, 0);
                conn.send_msg(|w, caps| e.encode(w, caps)).await?;
                return Ok(None);
            }
        }
    }
    // Proxy logon (`proxy[client]`): the proxy's password was checked; the
    // session belongs to the client user, who must exist. Grants
    // (CONNECT THROUGH) are not modelled, so any existing user is allowed.
    let client = two
        .get("PROXY_CLIENT_NAME")
        .map(|v| v.trim_end_matches('\0').trim().to_string())
        .filter(|v| !v.is_empty());
    let (user, proxy) = match client {
        Some(c) => {
            let known = conn
                .shared
                .registry
                .users()
                .iter()
                .any(|u| u.eq_ignore_ascii_case(&c));
            if !known {
                let e = ErrorMessage::error(
                    28150,
                    "ORA-28150: proxy not authorized to connect as client",
                    0,
                    0,
                );
                conn.send_msg(|w, caps| e.encode(w, caps)).await?;
                return Ok(None);
            }
            (c, user.to_ascii_uppercase())
        }
        None => (user, String::new()),
    };
    let opened = if conn.info.server_type.as_deref() == Some("POOLED") {
        // DRCP: a session from the server's pool, by user and class. Without
        // a class the connection gets one of its own, so it shares nothing.
        let given = |k: &str| {
            two.get(k)
                .or_else(|| one.get(k))
                .map(|v| v.trim_end_matches('\0').trim().to_string())
                .filter(|v| !v.is_empty())
        };
        // The connect descriptor's POOL_CONNECTION_CLASS / POOL_PURITY are
        // what the user wrote; node-oracledb reads but does not send them.
        let cclass = conn
            .info
            .pool_cclass
            .clone()
            .or_else(|| given("AUTH_KPPL_CONN_CLASS"))
            .unwrap_or_else(|| format!("SYS${}", conn.sid));
        let purity = match conn.info.pool_purity.as_deref() {
            Some("SELF") => Purity::SelfPurity,
            Some("NEW") => Purity::New,
            _ => Purity::from_auth(given("AUTH_KPPL_PURITY").as_deref()),
        };
        let epoch = conn.shared.drcp.epoch();
        let got = conn
            .shared
            .drcp
            .attach(&conn.shared.db, &user, &cclass, purity);
        conn.drcp = Some(DrcpConn {
            user: user.clone(),
            cclass,
            epoch,
        });
        got
    } else {
        Session::open(&conn.shared.db, &user).map(|s| (s, false))
    };
    let session = match opened {
        Ok((s, reused)) => {
            if reused {
                conn.set_sid(s.info().sid());
            }
            s
        }
        Err(e) => {
            let msg = ErrorMessage::error(e.code, &e.message, 0, 0);
            conn.send_msg(|w, caps| msg.encode(w, caps)).await?;
            return Ok(None);
        }
    };
    let svc = conn
        .info
        .service
        .clone()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let mut session = session;
    session.info().attrs().proxy_user = proxy;
    // connect(edition=…): the session's edition, which must exist.
    let edition = two
        .get("AUTH_ORA_EDITION")
        .or_else(|| one.get("AUTH_ORA_EDITION"));
    if let Some(ed) = edition.map(|e| e.trim_end_matches('\0').to_ascii_uppercase()) {
        if let Err(e) = session.set_edition(&ed) {
            let msg = ErrorMessage::error(e.code, &e.message, 0, 0);
            conn.send_msg(|w, caps| msg.encode(w, caps)).await?;
            return Ok(None);
        }
    }
    if !register(conn, &mut session, &one, &two, &svc) {
        let e = ErrorMessage::error(18, "ORA-00018: maximum number of sessions exceeded", 0, 0);
        conn.send_msg(|w, caps| e.encode(w, caps)).await?;
        tracing::info!(user = %user, "logon refused: session cap");
        return Ok(None);
    }
    let version_no = if conn.caps.field_version >= Caps::FV_18_1_EXT1 {
        VERSION_NO_NEW
    } else {
        VERSION_NO_OLD
    };
    let text = |k: &str, v: String| (k.to_string(), v.into_bytes(), 0u32);
    let mut pairs = vec![
        text(
            "AUTH_SVR_RESPONSE",
            verified.server_response_hex(&mut rand::thread_rng()),
        ),
        text("AUTH_VERSION_NO", version_no.to_string()),
        text("AUTH_VERSION_STRING", "- oradb-testserver".to_string()),
        text("AUTH_SESSION_ID", conn.sid.to_string()),
        text("AUTH_SERIAL_NUM", "1".to_string()),
        text("AUTH_MAX_OPEN_CURSORS", "300".to_string()),
        text("AUTH_MAX_IDEN_LENGTH", "128".to_string()),
        text("AUTH_SC_SERVICE_NAME", svc.clone()),
        text("AUTH_DBNAME", svc.clone()),
        // python-oracledb's Connection.db_name, as V$DATABASE names it.
        text(
            "AUTH_SC_DBUNIQUE_NAME",
            session.info().attrs().database_name().to_string(),
        ),
        text("AUTH_INSTANCENAME", "oradb".to_string()),
        text("AUTH_SC_DB_DOMAIN", String::new()),
    ];
    if oci {
        pairs.extend(oci_result_pairs().map(|(k, v)| text(k, v.to_string())));
    }
    // Native network encryption re-keys once this result is out, for OCI
    // and newer JDBC: go-ora never folds its keys (it fails with ORA-12599
    // if we do), nor does oradb's thin client.
    if oci || conn.w.peer_folds_keys() {
        conn.w.fold_after_next = Some(verified.fold_key().to_vec());
    }
    conn.send_msg(|w, caps| {
        AuthReply { pairs }.encode(w, caps);
        end_of_call(w, caps);
    })
    .await?;
    conn.auth = Some(verified);
    tracing::debug!(user = %user, sid = conn.sid, "logged on");
    Ok(Some(session))
}

enum FirstAuth {
    PhaseOne(AuthRequest),
    /// The client hung up.
    Gone,
    /// A logon this server cannot authenticate (external, or not O5LOGON).
    Denied(String),
}

/// Reads requests up to AUTH phase one, answering OVERSION on the way (OCI
/// asks for it first when it logs on with external credentials). Anything
/// else, such as external authentication going straight to phase two, is a
/// logon this server cannot check: ORA-01017, as Oracle answers a logon it
/// cannot authenticate, instead of a dropped connection.
async fn first_auth(conn: &mut Conn) -> Result<FirstAuth, String> {
    loop {
        let Some(req) = request(conn).await? else {
            return Ok(FirstAuth::Gone);
        };
        let mut r = Reader::new(&req);
        let head = match r.u8() {
            Ok(kind @ msg::FUNCTION) => FunctionHeader::decode(kind, &mut r, &conn.caps).ok(),
            _ => None,
        };
        match head {
            Some(h) if h.code == func::VERSION => version(conn, h.seq, &mut r).await?,
            Some(h) if h.code == func::AUTH_PHASE_ONE => {
                return Ok(match decode_auth(&req, func::AUTH_PHASE_ONE, &conn.caps) {
                    Ok(one) => FirstAuth::PhaseOne(one),
                    Err(why) => FirstAuth::Denied(why),
                });
            }
            Some(h) => return Ok(FirstAuth::Denied(bad(&format!("function {}", h.code)))),
            None => return Ok(FirstAuth::Denied(bad("not a function call"))),
        }
    }
}

/// OVERSION during logon: the same answer as after it (`calls::version`).
async fn version(conn: &mut Conn, seq: u8, r: &mut Reader<'_>) -> Result<(), String> {
    if let Err(e) = VersionRequest::decode_body(seq, r, &conn.caps) {
        return Err(bad(&format!("OVERSION: {e}")));
    }
    let reply = VersionReply {
        banner: super::calls::BANNER.to_string(),
        number: if conn.caps.oci {
            VERSION_NO_NEW
        } else {
            VERSION_NO_OLD
        },
    };
    conn.send_msg(|w, caps| {
        reply.encode(w, caps);
        StatusMessage::default().encode(w, caps);
    })
    .await
}

/// Refuses the logon with ORA-01017; `why` is for the log only (it never
/// says which of user or password was wrong to the client).
async fn deny(conn: &mut Conn, user: &str, why: &str) -> Result<(), String> {
    let e = ErrorMessage::error(
        1017,
        "ORA-01017: invalid credential or not authorized; logon denied",
        0,
        0,
    );
    conn.send_msg(|w, caps| e.encode(w, caps)).await?;
    tracing::info!(user = %user, why, "logon denied");
    Ok(())
}

/// Fills the session's registry entry from the CONNECT descriptor and the
/// AUTH key/values the client sent, applies its AUTH_ALTER_SESSION (the
/// client's time zone) and makes the session visible in V$SESSION; `false`
/// when fault injection caps sessions and the cap is reached.
fn register(
    conn: &Conn,
    session: &mut Session,
    one: &AuthRequest,
    two: &AuthRequest,
    svc: &str,
) -> bool {
    let info = session.info();
    info.sid
        .store(conn.sid, std::sync::atomic::Ordering::Relaxed);
    let pick = |key: &str, fallback: &Option<String>| {
        two.get(key)
            .or_else(|| one.get(key))
            .map(|v| v.trim_end_matches('\0').to_string())
            .or_else(|| fallback.clone())
            .unwrap_or_default()
    };
    {
        let mut a = info.attrs();
        a.service = svc.to_string();
        a.db_name = conn.shared.config.db_name.clone().unwrap_or_default();
        a.pooled = conn.info.server_type.as_deref() == Some("POOLED");
        a.program = pick("AUTH_PROGRAM_NM", &conn.info.program);
        a.machine = pick("AUTH_MACHINE", &conn.info.machine);
        a.os_user = pick("AUTH_SID", &conn.info.os_user);
        a.terminal = pick("AUTH_TERMINAL", &None);
        a.process = pick("AUTH_PID", &None);
        a.client_driver = pick("SESSION_CLIENT_DRIVER_NAME", &None).trim().to_string();
        a.logon_time = crate::sql::now_text();
        a.network = conn.info.nne;
    }
    // connect(appcontext=[(namespace, attribute, value), ...]): SYS_CONTEXT reads them.
    let (mut ns, mut attr) = (String::new(), String::new());
    for (key, value, _) in &two.pairs {
        let value = String::from_utf8_lossy(value);
        let value = value.trim_end_matches('\0');
        match key.trim_end_matches('\0') {
            "AUTH_APPCTX_NSPACE" => ns = value.to_string(),
            "AUTH_APPCTX_ATTR" => attr = value.to_string(),
            "AUTH_APPCTX_VALUE" => session.set_app_context(&ns, &attr, value),
            _ => {}
        }
    }
    if let Some(stmt) = two.get("AUTH_ALTER_SESSION") {
        let stmt = stmt.trim_end_matches('\0').trim();
        if let Ok(p) = session.prepare(stmt) {
            if let Err(e) = session.execute(&p, &[]) {
                tracing::debug!("AUTH_ALTER_SESSION not applied: {}", e.message);
            }
        }
    }
    let cap = conn.shared.faults.max_sessions();
    conn.shared.registry.add_within(info, cap)
}

/// What a real server adds to the logon result and OCI reads: without
/// AUTH_VERSION_SQL (the SQL interface version; 26 for 23ai) OCI 19.3 stops
/// with ORA-03108 "ORACLE does not support this interface version".
fn oci_result_pairs() -> [(&'static str, &'static str); 4] {
    [
        ("AUTH_VERSION_SQL", "26"),
        ("AUTH_VERSION_STATUS", "0"),
        ("AUTH_XACTION_TRAITS", "3"),
        ("AUTH_CAPABILITY_TABLE", ""),
    ]
}

/// OCI's DTY reply: for each type the last (conversion, representation)
/// OCI 19.3 offers. That is universal (1) for its integer types 25..=33, the
/// marshalling thin clients use (its first offers are native ones, and OCI
/// then switches OSESSKEY to native marshalling), and the oldest structure
/// versions it lists (OER8 for OER19/OER11, OAC122 for OAC): the newer OER
/// ones make OCI drop the connection on any server error (ORA-03120), as
/// the error form here is fitted to the old one. RXH10 is the exception:
/// under RXH7 OCI refuses every IO_VECTOR (PL/SQL OUT binds), under RXH10
/// it reads `IoVector::oci`, and row headers read the same under both.
fn oci_data_types(dty: &DataTypesRequest) -> DataTypesReply {
    DataTypesReply::choose(dty, |e| {
        if e.ty == TYPE_RXH10 {
            e.offers.first().copied()
        } else {
            e.offers.last().copied()
        }
    })
}

/// OCI's DTY entry for the row header, version 10: offers itself, then RXH7.
const TYPE_RXH10: u16 = 450;

/// Ends a successful logon call. Thin clients take an ERROR message with
/// error 0. OCI 19.3 does not: it reads that as a failed call (BREAK,
/// ORA-03106) and wants a STATUS message (see `Caps::oci`).
fn end_of_call(w: &mut TtcWriter, caps: &Caps) {
    if caps.oci {
        StatusMessage::default().encode(w, caps);
    } else {
        ErrorMessage::success(0, 0, 0).encode(w, caps);
    }
}

fn decode_auth(req: &[u8], code: u8, caps: &Caps) -> Result<AuthRequest, String> {
    let mut r = Reader::new(req);
    let kind = r.u8().map_err(|e| e.to_string())?;
    if kind != msg::FUNCTION {
        return Err(bad("expected an authentication call"));
    }
    let h = FunctionHeader::decode(kind, &mut r, caps).map_err(|e| e.to_string())?;
    if h.code != code {
        return Err(bad(&format!("function {} instead of {code}", h.code)));
    }
    let mut a = AuthRequest::decode_body(h.code, &mut r, caps).map_err(|e| e.to_string())?;
    a.seq = h.seq;
    Ok(a)
}
