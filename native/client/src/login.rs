//! Reaching the database: connect string → addresses → CONNECT/ACCEPT →
//! protocol and data-type negotiation → O5LOGON.

use std::time::Duration;

use oradb_protocol::buf::{DecodeError, Reader, Writer};
use oradb_protocol::codes;
use oradb_protocol::connect_string::{self, Address, Description};
use oradb_protocol::o5logon;
use oradb_protocol::packet::{accept::Accept, connect::Connect, kind, refuse::Refuse};
use oradb_protocol::sharding;
use oradb_protocol::ttc::auth::{AuthReply, AuthRequest};
use oradb_protocol::ttc::capabilities;
use oradb_protocol::ttc::data_types::{DataTypesReply, DataTypesRequest};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::protocol_msg::{ProtocolReply, ProtocolRequest};
use oradb_protocol::ttc::{msg, Caps};

use crate::error::{Error, ErrorKind, Result};
use crate::options::{ConnectOptions, Purity};
use crate::transport::{Inbound, ResponseBuf, Transport};

/// What the logon learnt about the session.
#[derive(Debug, Clone, Default)]
pub struct SessionInfo {
    /// The user logged on, as given at connect.
    pub user: String,
    pub sid: u32,
    pub serial: u32,
    pub server_version: String,
    pub service_name: String,
    /// Connected with `(SERVER=POOLED)`: the session is a DRCP pooled server's.
    pub drcp: bool,
    /// Native network encryption and integrity in use.
    pub network: oradb_protocol::ano::Negotiated,
}

fn tnsnames(opts: &ConnectOptions) -> Option<String> {
    let dir = opts
        .config_dir
        .clone()
        .or_else(|| std::env::var_os("TNS_ADMIN").map(Into::into))?;
    std::fs::read_to_string(dir.join("tnsnames.ora")).ok()
}

fn connect_error(e: connect_string::ConnectStringError) -> Error {
    Error::odb(ErrorKind::Connect, e.code, e.message)
}

/// Addresses in the order to try: as written (failover), or shuffled when
/// the descriptor asks for LOAD_BALANCE so clients spread over listeners.
fn address_order(d: &Description) -> Vec<&Address> {
    let mut order: Vec<&Address> = d.addresses.iter().collect();
    if d.load_balance {
        use rand::seq::SliceRandom;
        order.shuffle(&mut rand::thread_rng());
    }
    order
}

/// Connects and logs on, trying each address in order (failover).
pub async fn connect(opts: &ConnectOptions) -> Result<(Transport, Caps, SessionInfo)> {
    let descriptions = connect_string::resolve(&opts.connect_string, tnsnames(opts).as_deref())
        .map_err(connect_error)?;
    let mut last = None;
    for d in &descriptions {
        let retries = d.retry_count as usize + 1;
        for attempt in 0..retries {
            if attempt > 0 {
                tokio::time::sleep(d.retry_delay).await;
            }
            for a in address_order(d) {
                tracing::debug!("connecting to {}:{} ({:?})", a.host, a.port, a.protocol);
                match connect_one(opts, d, a).await {
                    Ok(v) => {
                        tracing::info!(
                            "logged on to {}:{} as {}, sid {}, server {}",
                            a.host,
                            a.port,
                            v.2.user,
                            v.2.sid,
                            v.2.server_version
                        );
                        return Ok(v);
                    }
                    // Credentials are wrong everywhere; don't hammer other addresses.
                    Err(e) if e.errno() == 1017 => return Err(e),
                    Err(e) => {
                        tracing::debug!("{}:{} failed: {}", a.host, a.port, e.message());
                        last = Some(e);
                    }
                }
            }
        }
    }
    Err(last.unwrap_or_else(|| {
        Error::odb(
            ErrorKind::Connect,
            codes::NO_ADDRESS,
            "the connect string has no address",
        )
    }))
}

async fn connect_one(
    opts: &ConnectOptions,
    d: &Description,
    a: &Address,
) -> Result<(Transport, Caps, SessionInfo)> {
    let timeout = d
        .transport_connect_timeout
        .or(d.connect_timeout)
        .unwrap_or(opts.connect_timeout);
    // A tcps address is TLS or nothing: never a fallback to plain TCP.
    let tls = (a.protocol == connect_string::Protocol::Tcps).then(|| crate::tls::TlsSettings {
        wallet_location: d
            .wallet_location
            .as_ref()
            .map(Into::into)
            .or_else(|| opts.wallet_location.clone()),
        dn_match: d.ssl_server_dn_match.unwrap_or(opts.ssl_server_dn_match),
        cert_dn: d
            .ssl_server_cert_dn
            .clone()
            .or_else(|| opts.ssl_server_cert_dn.clone()),
    });
    let ask_nne = crate::nne::wanted(&opts.network, tls.is_some())?;
    let mut t = Transport::open(&a.host, a.port, timeout, tls.as_ref(), d.expire_time).await?;
    let mut extra = vec![(
        "CID".to_string(),
        format!(
            "(PROGRAM={})(HOST={})(USER={})",
            opts.program, opts.machine, opts.os_user
        ),
    )];
    // Checked when the options were built; an error here would be a bug, not bad input.
    for (name, key) in [
        (sharding::SHARDING_KEY, &opts.sharding_key),
        (sharding::SUPER_SHARDING_KEY, &opts.super_sharding_key),
    ] {
        if !key.is_empty() {
            let v = sharding::encode(key)
                .map_err(|e| Error::usage(codes::INVALID_OPTION, e.message.clone()))?;
            extra.push((name.to_string(), v));
        }
    }
    let descriptor = d.to_connect_descriptor(a, &extra);
    let login = async {
        let server_nne = negotiate_tns(&mut t, &descriptor, d.sdu.unwrap_or(8192), ask_nne).await?;
        let network = match (ask_nne, server_nne) {
            (true, true) => crate::nne::negotiate(&mut t, &opts.network).await?,
            (true, false) => crate::nne::without_negotiation(&opts.network)?,
            (false, _) => Default::default(),
        };
        let caps = negotiate_ttc(&mut t).await?;
        let mut info = authenticate(&mut t, &caps, opts).await?;
        info.network = network;
        Ok::<_, Error>((caps, info))
    };
    let (caps, mut info) =
        tokio::time::timeout(opts.connect_timeout.max(Duration::from_millis(1)), login)
            .await
            .map_err(|_| {
                Error::odb(
                    ErrorKind::Connect,
                    codes::CONNECT_TIMEOUT,
                    format!("timed out logging on to {}:{}", a.host, a.port),
                )
            })??;
    info.drcp = descriptor
        .to_ascii_uppercase()
        .split_whitespace()
        .collect::<String>()
        .contains("(SERVER=POOLED)");
    Ok((t, caps, info))
}

/// CONNECT/ACCEPT; true when the server's ACCEPT says the native network
/// negotiation follows (only when `ask_nne` asked for it).
async fn negotiate_tns(
    t: &mut Transport,
    descriptor: &str,
    sdu: u32,
    ask_nne: bool,
) -> Result<bool> {
    let mut connect = Connect::client(descriptor, sdu);
    if ask_nne {
        connect.na_flags = crate::nne::CONNECT_NSI_NEGOTIATE;
    }
    t.send_packet(kind::CONNECT, &connect.encode_body()).await?;
    if connect.descriptor.is_none() {
        let mut body = vec![0, 0];
        body.extend_from_slice(descriptor.as_bytes());
        t.send_packet(kind::DATA, &body).await?;
    }
    let p = t.recv_packet().await?;
    match p.kind {
        kind::ACCEPT => {
            let a = Accept::decode_body(&p.body).map_err(|e| Error::protocol(e.to_string()))?;
            if a.version < 315 {
                return Err(Error::odb(
                    ErrorKind::Connect,
                    codes::UNSUPPORTED_SERVER_VERSION,
                    format!("server TNS version {} is too old", a.version),
                ));
            }
            t.sdu = a.sdu as usize;
            t.set_large_lengths();
            Ok(ask_nne && crate::nne::server_negotiates(a.na_flags))
        }
        kind::REFUSE => {
            let r = Refuse::decode_body(&p.body).map_err(|e| Error::protocol(e.to_string()))?;
            let code = r.error_code().unwrap_or(12564);
            let text = match code {
                12514 => "ORA-12514: Cannot connect to database. Service is not registered with the listener",
                12505 => "ORA-12505: Cannot connect to database. SID is not registered with the listener",
                12660 => "ORA-12660: Encryption or crypto-checksumming parameters incompatible",
                _ => "the listener refused the connection",
            };
            Err(Error::ora(code, text, 0))
        }
        other => Err(Error::protocol(format!(
            "unexpected packet type {other} in reply to CONNECT"
        ))),
    }
}

/// Reads TTC messages until `f` returns a value; `f` gets the reader at a
/// message boundary and the message type.
pub async fn read_until<T>(
    t: &mut Transport,
    buf: &mut ResponseBuf,
    mut f: impl FnMut(u8, &mut Reader) -> std::result::Result<Option<T>, DecodeError>,
) -> Result<T> {
    loop {
        while !buf.is_empty() {
            let mut r = Reader::new(buf.unread());
            let kind = r.u8().map_err(|e| Error::protocol(e.to_string()))?;
            match f(kind, &mut r) {
                Ok(v) => {
                    let used = r.pos();
                    buf.advance(used);
                    if let Some(v) = v {
                        return Ok(v);
                    }
                }
                Err(DecodeError::NeedMore) => break,
                Err(DecodeError::Malformed(m)) => return Err(Error::protocol(m)),
            }
        }
        match t.recv().await? {
            Inbound::Data { payload, .. } => buf.push(&payload),
            Inbound::Marker(_) => return Err(Error::protocol("unexpected marker during logon")),
            Inbound::Other(p) => {
                return Err(Error::protocol(format!(
                    "unexpected packet type {}",
                    p.kind
                )))
            }
        }
    }
}

async fn negotiate_ttc(t: &mut Transport) -> Result<Caps> {
    let mut w = Writer::new();
    ProtocolRequest {
        driver_name: "oradb".into(),
    }
    .encode(&mut w, &Caps::default());
    t.send_request(&w.buf).await?;
    let mut buf = ResponseBuf::default();
    let pro = read_until(t, &mut buf, |k, r| {
        if k != msg::PROTOCOL {
            return Err(DecodeError::Malformed(format!(
                "message {k} instead of the protocol reply"
            )));
        }
        ProtocolReply::decode(r, &Caps::default()).map(Some)
    })
    .await?;
    let compile = capabilities::client_compile_caps();
    let runtime = capabilities::client_runtime_caps();
    let caps = capabilities::negotiate_with_runtime(&compile, &pro.compile_caps, &pro.runtime_caps);
    let mut w = Writer::new();
    DataTypesRequest::thin_client(compile, runtime).encode(&mut w, &caps);
    t.send_request(&w.buf).await?;
    buf.clear();
    read_until(t, &mut buf, |k, r| {
        if k != msg::DATA_TYPES {
            return Err(DecodeError::Malformed(format!(
                "message {k} instead of the data types reply"
            )));
        }
        DataTypesReply::decode(r, &caps).map(Some)
    })
    .await?;
    Ok(caps)
}

/// One auth round trip: PARAMETER pairs then the closing ERROR.
async fn auth_call(
    t: &mut Transport,
    caps: &Caps,
    req: &AuthRequest,
) -> Result<Vec<(String, Vec<u8>, u32)>> {
    let mut w = Writer::new();
    req.encode(&mut w, caps);
    t.send_request(&w.buf).await?;
    let mut buf = ResponseBuf::default();
    let mut pairs = Vec::new();
    let err = read_until(t, &mut buf, |k, r| match k {
        msg::PARAMETER => {
            pairs = AuthReply::decode(r, caps)?.pairs;
            Ok(None)
        }
        msg::ERROR => ErrorMessage::decode(r, caps).map(Some),
        other => Err(DecodeError::Malformed(format!(
            "unexpected message {other} during logon"
        ))),
    })
    .await?;
    if err.error_num != 0 {
        return Err(Error::ora(
            err.error_num,
            err.message.as_deref().unwrap_or(""),
            0,
        ));
    }
    Ok(pairs)
}

/// The logon's ALTER SESSION for a time zone: an offset (`+05:30`) or a
/// region name; anything else (a quote would end the literal) sends none.
fn alter_time_zone(tz: &str) -> Option<String> {
    let ok = !tz.is_empty()
        && tz.len() <= 64
        && tz
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | ':' | '/' | '_'));
    ok.then(|| format!("ALTER SESSION SET TIME_ZONE='{tz}'\0"))
}

/// "23.4.0.24.5" from the packed AUTH_VERSION_NO (layout depends on the field version).
fn version_text(n: u32, field_version: u8) -> String {
    if field_version >= Caps::FV_18_1_EXT1 {
        format!(
            "{}.{}.{}.{}.{}",
            n >> 24,
            (n >> 16) & 0xFF,
            (n >> 12) & 0xF,
            (n >> 4) & 0xFF,
            n & 0xF
        )
    } else {
        format!(
            "{}.{}.{}.{}.{}",
            n >> 24,
            (n >> 20) & 0xF,
            (n >> 12) & 0xFF,
            (n >> 8) & 0xF,
            n & 0xFF
        )
    }
}

fn pair<'a>(pairs: &'a [(String, Vec<u8>, u32)], key: &str) -> Option<(&'a str, u32)> {
    pairs
        .iter()
        .find(|(k, _, _)| k == key)
        .and_then(|(_, v, f)| std::str::from_utf8(v).ok().map(|s| (s, *f)))
}

async fn authenticate(
    t: &mut Transport,
    caps: &Caps,
    opts: &ConnectOptions,
) -> Result<SessionInfo> {
    let one = AuthRequest::phase_one(
        &opts.user,
        "unknown",
        &opts.program,
        &opts.machine,
        &std::process::id().to_string(),
        &opts.os_user,
    );
    let challenge = auth_call(t, caps, &one).await?;
    let missing = |k: &str| Error::protocol(format!("the server's logon challenge lacks {k}"));
    let (sesskey, _) = pair(&challenge, "AUTH_SESSKEY").ok_or_else(|| missing("AUTH_SESSKEY"))?;
    let (vfr, verifier) =
        pair(&challenge, "AUTH_VFR_DATA").ok_or_else(|| missing("AUTH_VFR_DATA"))?;
    let salt = pair(&challenge, "AUTH_PBKDF2_CSK_SALT")
        .map(|p| p.0)
        .unwrap_or("");
    let vgen = pair(&challenge, "AUTH_PBKDF2_VGEN_COUNT")
        .and_then(|p| p.0.parse().ok())
        .unwrap_or(4096);
    let sder = pair(&challenge, "AUTH_PBKDF2_SDER_COUNT")
        .and_then(|p| p.0.parse().ok())
        .unwrap_or(3);
    if verifier != 18453 {
        return Err(Error::odb(
            ErrorKind::Connect,
            codes::UNSUPPORTED_VERIFIER,
            format!("password verifier type {verifier:#x} is not supported (only 12c verifiers)"),
        ));
    }
    let resp = o5logon::client_response(
        &opts.password,
        sesskey,
        vfr,
        salt,
        vgen,
        sder,
        &mut rand::thread_rng(),
    )
    .map_err(|e| {
        Error::odb(
            ErrorKind::Connect,
            codes::LOGON_FAILED,
            format!("logon failed: {e}"),
        )
    })?;
    let mut pairs: Vec<(String, Vec<u8>, u32)> = vec![
        (
            "AUTH_SESSKEY".into(),
            resp.sesskey_hex.clone().into_bytes(),
            1,
        ),
        (
            "AUTH_PBKDF2_SPEEDY_KEY".into(),
            resp.speedy_key_hex.clone().into_bytes(),
            0,
        ),
        (
            "AUTH_PASSWORD".into(),
            resp.password_hex.clone().into_bytes(),
            0,
        ),
        ("SESSION_CLIENT_CHARSET".into(), b"873".to_vec(), 0),
        (
            "SESSION_CLIENT_DRIVER_NAME".into(),
            opts.driver_name.clone().into_bytes(),
            0,
        ),
        ("SESSION_CLIENT_VERSION".into(), b"385875968".to_vec(), 0),
    ];
    if let Some(cc) = &opts.connection_class {
        pairs.push(("AUTH_KPPL_CONN_CLASS".into(), cc.clone().into_bytes(), 0));
    }
    if let Some(stmt) = opts.time_zone.as_deref().and_then(alter_time_zone) {
        pairs.push(("AUTH_ALTER_SESSION".into(), stmt.into_bytes(), 1));
    }
    match opts.purity {
        Purity::New => pairs.push(("AUTH_KPPL_PURITY".into(), b"1".to_vec(), 0)),
        Purity::SelfPurity => pairs.push(("AUTH_KPPL_PURITY".into(), b"2".to_vec(), 0)),
        Purity::Default => {}
    }
    let two = AuthRequest::phase_two(&opts.user, pairs);
    let session = auth_call(t, caps, &two).await?;
    let (proof, _) =
        pair(&session, "AUTH_SVR_RESPONSE").ok_or_else(|| missing("AUTH_SVR_RESPONSE"))?;
    resp.check_server_response(proof).map_err(|_| {
        Error::odb(
            ErrorKind::Connect,
            codes::SERVER_AUTH_FAILED,
            "the server could not prove it knows the password",
        )
    })?;
    let num = |k: &str| {
        pair(&session, k)
            .and_then(|p| p.0.parse().ok())
            .unwrap_or(0)
    };
    Ok(SessionInfo {
        user: opts.user.clone(),
        sid: num("AUTH_SESSION_ID"),
        serial: num("AUTH_SERIAL_NUM"),
        server_version: version_text(num("AUTH_VERSION_NO"), caps.field_version),
        service_name: pair(&session, "AUTH_SC_SERVICE_NAME")
            .map(|p| p.0.to_string())
            .unwrap_or_default(),
        drcp: false,
        network: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn description(lb: &str) -> Description {
        let cs = format!(
            "(DESCRIPTION=(LOAD_BALANCE={lb})(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=a)(PORT=1))\
             (ADDRESS=(PROTOCOL=TCP)(HOST=b)(PORT=2))(ADDRESS=(PROTOCOL=TCP)(HOST=c)(PORT=3)))\
             (CONNECT_DATA=(SERVICE_NAME=s)))"
        );
        connect_string::resolve(&cs, None).unwrap().remove(0)
    }

    #[test]
    fn failover_keeps_the_written_order_and_load_balance_spreads_it() {
        let hosts = |d: &Description| -> Vec<String> {
            address_order(d).iter().map(|a| a.host.clone()).collect()
        };
        let fixed = description("OFF");
        assert_eq!(hosts(&fixed), ["a", "b", "c"]);
        let lb = description("ON");
        assert!(lb.load_balance);
        let mut firsts = std::collections::HashSet::new();
        for _ in 0..200 {
            let mut h = hosts(&lb);
            firsts.insert(h[0].clone());
            h.sort();
            assert_eq!(h, ["a", "b", "c"]);
        }
        assert_eq!(firsts.len(), 3, "every address comes first sometimes");
    }

    #[test]
    fn the_logon_sets_only_well_formed_time_zones() {
        assert_eq!(
            alter_time_zone("+05:30").as_deref(),
            Some("ALTER SESSION SET TIME_ZONE='+05:30'\0")
        );
        assert!(alter_time_zone("Europe/Paris").is_some());
        for bad in ["", "+01:00'; drop table t --", "x y"] {
            assert_eq!(alter_time_zone(bad), None, "{bad}");
        }
    }
}
