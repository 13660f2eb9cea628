//! Session state: ALTER SESSION SET (NLS, TIME_ZONE, CURRENT_SCHEMA),
//! SYS_CONTEXT('USERENV', …), the DBMS_APPLICATION_INFO / DBMS_SESSION
//! attribute calls, ALTER SYSTEM KILL SESSION and the user DDL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::Connection;

use super::errors::err;
use super::lexer::{Tok, Token};
use super::oracle::datefmt;
use super::oracle::datefmt::{DEFAULT_DATE_FORMAT, DEFAULT_TIMESTAMP_FORMAT};
use super::userenv::{userenv, Env};
use super::{Database, Session, SqlError};
use crate::directory::{self, stat, Attrs, KillError, SessionInfo};

/// NLS_SESSION_PARAMETERS rows at logon, in Oracle's order.
fn default_nls() -> Vec<(String, String)> {
    [
        ("NLS_LANGUAGE", "AMERICAN"),
        ("NLS_TERRITORY", "AMERICA"),
        ("NLS_CURRENCY", "$"),
        ("NLS_ISO_CURRENCY", "AMERICA"),
        ("NLS_NUMERIC_CHARACTERS", ".,"),
        ("NLS_CALENDAR", "GREGORIAN"),
        ("NLS_DATE_FORMAT", DEFAULT_DATE_FORMAT),
        ("NLS_DATE_LANGUAGE", "AMERICAN"),
        ("NLS_SORT", "BINARY"),
        ("NLS_TIME_FORMAT", "HH.MI.SSXFF AM"),
        ("NLS_TIMESTAMP_FORMAT", DEFAULT_TIMESTAMP_FORMAT),
        ("NLS_TIME_TZ_FORMAT", "HH.MI.SSXFF AM TZR"),
        ("NLS_TIMESTAMP_TZ_FORMAT", "DD-MON-RR HH.MI.SSXFF AM TZR"),
        ("NLS_DUAL_CURRENCY", "$"),
        ("NLS_COMP", "BINARY"),
        ("NLS_LENGTH_SEMANTICS", "BYTE"),
        ("NLS_NCHAR_CONV_EXCP", "FALSE"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

const LANGUAGES: &[&str] = &[
    "AMERICAN",
    "ENGLISH",
    "GERMAN",
    "FRENCH",
    "SPANISH",
    "ITALIAN",
    "DUTCH",
    "PORTUGUESE",
    "BRAZILIAN PORTUGUESE",
    "JAPANESE",
    "KOREAN",
    "SIMPLIFIED CHINESE",
    "TRADITIONAL CHINESE",
    "SWEDISH",
    "DANISH",
    "NORWEGIAN",
    "FINNISH",
    "POLISH",
    "RUSSIAN",
];

const TERRITORIES: &[&str] = &[
    "AMERICA",
    "UNITED KINGDOM",
    "GERMANY",
    "FRANCE",
    "SPAIN",
    "ITALY",
    "THE NETHERLANDS",
    "PORTUGAL",
    "BRAZIL",
    "JAPAN",
    "KOREA",
    "CHINA",
    "TAIWAN",
    "SWEDEN",
    "DENMARK",
    "NORWAY",
    "FINLAND",
    "POLAND",
    "RUSSIA",
    "CANADA",
    "AUSTRALIA",
    "INDIA",
    "SWITZERLAND",
    "AUSTRIA",
    "IRELAND",
];

/// Parameters ALTER SESSION accepts without effect (optimizer, tracing, …).
const IGNORED: &[&str] = &[
    "OPTIMIZER_MODE",
    "STATISTICS_LEVEL",
    "SQL_TRACE",
    "EVENTS",
    "CURSOR_SHARING",
    "DDL_LOCK_TIMEOUT",
    "CONTAINER",
    "ISOLATION_LEVEL",
    "WORKAREA_SIZE_POLICY",
    "SORT_AREA_SIZE",
    "HASH_AREA_SIZE",
    "TRACEFILE_IDENTIFIER",
    "RESULT_CACHE_MODE",
    "DB_FILE_MULTIBLOCK_READ_COUNT",
    "SKIP_UNUSABLE_INDEXES",
    "RECYCLEBIN",
    "COMMIT_WRITE",
    "COMMIT_LOGGING",
    "COMMIT_WAIT",
    "MAX_DUMP_FILE_SIZE",
    "TIMED_STATISTICS",
    "GLOBAL_NAMES",
    "ERROR_ON_OVERLAP_TIME",
    "SESSION_CACHED_CURSORS",
    "QUERY_REWRITE_ENABLED",
    "STAR_TRANSFORMATION_ENABLED",
];

/// A fresh entry for a session of `user` (not yet registered).
pub fn new_info(user: &str) -> Arc<SessionInfo> {
    let up = user.to_ascii_uppercase();
    SessionInfo::new(Attrs {
        username: up.clone(),
        schema: up,
        nls: default_nls(),
        time_zone: "+00:00".into(),
        ..Attrs::default()
    })
}

fn text(v: ValueRef) -> Option<String> {
    match v {
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        _ => None,
    }
}

/// SQL functions that read the session entry: SYS_CONTEXT, SESSIONTIMEZONE
/// and the session's SID and SERIAL#.
pub fn register(
    conn: &Connection,
    info: Arc<SessionInfo>,
    db: Arc<Database>,
    app_context: Arc<Mutex<HashMap<(String, String), String>>>,
) -> rusqlite::Result<()> {
    let vol = FunctionFlags::SQLITE_UTF8;
    let host = directory::host_name();
    let i = info.clone();
    // User ids as ALL_USERS numbers them.
    let user_id = move |u: &str| {
        let users = db.directory.users();
        users.iter().position(|x| x == u).map(|k| 100 + k as i64)
    };
    conn.create_scalar_function("sys_context", -1, vol, move |c| {
        if c.len() < 2 || c.len() > 3 {
            return Err(rusqlite::Error::UserFunctionError(
                "ORA-00909: invalid number of arguments".into(),
            ));
        }
        let ns = text(c.get_raw(0)).unwrap_or_default().to_ascii_uppercase();
        let name = text(c.get_raw(1)).unwrap_or_default().to_ascii_uppercase();
        if ns != "USERENV" {
            // An application context attribute nobody set reads as NULL.
            let m = app_context.lock().map_err(|_| {
                rusqlite::Error::UserFunctionError("ORA-00600: context lock".into())
            })?;
            return Ok(m.get(&(ns, name)).cloned().map_or(Sql::Null, Sql::Text));
        }
        let env = Env {
            host: &host,
            user_id: &user_id,
        };
        let v =
            userenv(&i, &name, &env).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))?;
        let max = if c.len() == 3 {
            match c.get_raw(2) {
                ValueRef::Integer(n) => n.clamp(1, 4000) as usize,
                _ => 256,
            }
        } else {
            256
        };
        Ok(match v {
            Sql::Text(t) if t.len() > max => {
                let mut end = max;
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                Sql::Text(t[..end].to_string())
            }
            other => other,
        })
    })?;
    let i = info.clone();
    conn.create_scalar_function("ora_sessiontimezone", 0, vol, move |_| {
        Ok(Sql::Text(i.attrs().time_zone.clone()))
    })?;
    // DBMS_DEBUG_JDWP.CURRENT_SESSION_ID / _SERIAL: how python-oracledb's
    // suite finds a session's SID and SERIAL# to kill it.
    let i = info.clone();
    conn.create_scalar_function("ora_session_id", 0, vol, move |_| {
        Ok(Sql::Integer(i64::from(i.sid())))
    })?;
    conn.create_scalar_function("ora_session_serial", 0, vol, move |_| {
        Ok(Sql::Integer(i64::from(info.serial())))
    })?;
    Ok(())
}

fn at(toks: &[Token], i: usize, e: SqlError) -> SqlError {
    let pos = toks.get(i).or(toks.last()).map_or(0, |t| {
        if toks.get(i).is_some() {
            t.pos
        } else {
            t.pos + 1
        }
    });
    SqlError {
        offset: pos as u32,
        ..e
    }
}

/// The text of a value token: string, identifier (as written) or number.
fn value_text(t: &Token) -> Option<String> {
    match &t.tok {
        Tok::Str(s) | Tok::Quoted(s) | Tok::Word(s) | Tok::Number(s) => Some(s.clone()),
        _ => None,
    }
}

/// A TIME_ZONE value as SESSIONTIMEZONE shows it: an offset `[+|-]h[h]:m[m]`
/// within Oracle's -12:00..+14:00, written `+hh:mi` (clients send it loosely:
/// node-oracledb writes `-00:0` for UTC, others `00:00` without a sign), or
/// a region name as written; `None` for anything else (ORA-01857).
fn normalize_time_zone(tz: &str) -> Option<String> {
    let (negative, rest) = match tz.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, tz.strip_prefix('+').unwrap_or(tz)),
    };
    if let Some((h, m)) = rest.split_once(':') {
        let digits = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || !digits(m) {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        let minutes = (h * 60 + m) as i32 * if negative { -1 } else { 1 };
        if m >= 60 || !(-12 * 60..=14 * 60).contains(&minutes) {
            return None;
        }
        let sign = if minutes < 0 { '-' } else { '+' };
        return Some(format!("{sign}{h:02}:{m:02}"));
    }
    let region = matches!(
        crate::oracle::timezone::Zone::parse(tz),
        Some(crate::oracle::timezone::Zone::Region(_))
    ) || ["UTC", "GMT"].iter().any(|n| tz.eq_ignore_ascii_case(n));
    region.then(|| tz.to_string())
}

/// What one `name = value` of ALTER SESSION SET does.
enum Change {
    Nls(String, String),
    TimeZone(String),
    Schema(String),
    Edition(String),
    Ignore,
}

/// Truncates to Oracle's byte limit for an attribute, on a character boundary.
fn limit(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

impl Session {
    /// This session's entry.
    pub fn info(&self) -> Arc<SessionInfo> {
        self.info.clone()
    }

    /// A user's COMMIT (call, statement, autocommit or PL/SQL): counted in V$MYSTAT.
    pub fn user_commit(&mut self) -> Result<(), SqlError> {
        self.commit()?;
        self.info.bump(stat::USER_COMMITS);
        Ok(())
    }

    pub fn user_rollback(&mut self) -> Result<(), SqlError> {
        self.rollback()?;
        self.info.bump(stat::USER_ROLLBACKS);
        Ok(())
    }

    pub(super) fn alter_session(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let bad = |i: usize| at(toks, i, err(922, "missing or invalid option"));
        if !toks.get(2).is_some_and(|t| t.is_word("SET")) {
            // ENABLE/DISABLE PARALLEL DML, FORCE PARALLEL, ADVISE, CLOSE DATABASE LINK…
            let ok = ["ENABLE", "DISABLE", "FORCE", "ADVISE", "CLOSE", "SYNC"];
            return if toks.get(2).is_some_and(|t| ok.iter().any(|w| t.is_word(w))) {
                Ok(())
            } else {
                Err(bad(2))
            };
        }
        let mut changes = Vec::new();
        let mut i = 3;
        if toks.len() <= i {
            return Err(bad(i));
        }
        while i < toks.len() {
            let name_tok = &toks[i];
            let Some(name) = (match &name_tok.tok {
                Tok::Word(w) => Some(w.to_ascii_uppercase()),
                _ => None,
            }) else {
                return Err(bad(i));
            };
            if !toks.get(i + 1).is_some_and(|t| t.is_op("=")) {
                return Err(bad(i + 1));
            }
            let Some(value) = toks.get(i + 2).and_then(value_text) else {
                return Err(at(toks, i + 2, err(922, "missing or invalid option")));
            };
            let vpos = i + 2;
            i += 3;
            let invalid_value = |code: u32, text: &str| at(toks, vpos, err(code, text));
            let change = match name.as_str() {
                "NLS_DATE_FORMAT" | "NLS_TIMESTAMP_FORMAT" => {
                    let sample = oradb_protocol::value::DateTime {
                        year: 2000,
                        month: 1,
                        day: 1,
                        hour: 0,
                        minute: 0,
                        second: 0,
                        nanos: 0,
                    };
                    datefmt::to_char_date(&sample, &value, true)
                        .map_err(|_| invalid_value(1821, "date format not recognized"))?;
                    Change::Nls(name, value)
                }
                "NLS_LANGUAGE" | "NLS_DATE_LANGUAGE" => {
                    let v = value.to_ascii_uppercase();
                    if !LANGUAGES.contains(&v.as_str()) {
                        return Err(invalid_value(
                            12705,
                            "Cannot access NLS data files or invalid environment specified",
                        ));
                    }
                    Change::Nls(name, v)
                }
                "NLS_TERRITORY" | "NLS_ISO_CURRENCY" => {
                    let v = value.to_ascii_uppercase();
                    if !TERRITORIES.contains(&v.as_str()) {
                        return Err(invalid_value(
                            12705,
                            "Cannot access NLS data files or invalid environment specified",
                        ));
                    }
                    Change::Nls(name, v)
                }
                "NLS_SORT"
                | "NLS_COMP"
                | "NLS_CALENDAR"
                | "NLS_LENGTH_SEMANTICS"
                | "NLS_NCHAR_CONV_EXCP" => Change::Nls(name, value.to_ascii_uppercase()),
                "NLS_NUMERIC_CHARACTERS"
                | "NLS_CURRENCY"
                | "NLS_DUAL_CURRENCY"
                | "NLS_TIME_FORMAT"
                | "NLS_TIME_TZ_FORMAT"
                | "NLS_TIMESTAMP_TZ_FORMAT" => Change::Nls(name, value),
                "TIME_ZONE" => {
                    let v = value.trim().to_string();
                    let v = if v.eq_ignore_ascii_case("LOCAL")
                        || v.eq_ignore_ascii_case("DBTIMEZONE")
                    {
                        "+00:00".to_string()
                    } else {
                        v
                    };
                    match normalize_time_zone(&v) {
                        Some(tz) => Change::TimeZone(tz),
                        // A name that is not an offset: a region the database does not know.
                        None if v.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                            return Err(invalid_value(1882, "timezone region not found"))
                        }
                        None => return Err(invalid_value(1857, "not a valid time zone")),
                    }
                }
                "CURRENT_SCHEMA" => {
                    let v = match &toks[vpos].tok {
                        Tok::Quoted(q) => q.clone(),
                        _ => value.to_ascii_uppercase(),
                    };
                    if !self.db.directory.users().contains(&v) {
                        return Err(invalid_value(1435, "user does not exist"));
                    }
                    Change::Schema(v)
                }
                "EDITION" => match crate::editions::name_of(&toks[vpos]) {
                    Some(e) if self.edition_exists(&e) => Change::Edition(e),
                    Some(e) => return Err(crate::editions::no_such(&e)),
                    None => return Err(invalid_value(2248, "invalid option for ALTER SESSION")),
                },
                n if IGNORED.contains(&n)
                    || n.starts_with("OPTIMIZER_")
                    || n.starts_with("PLSQL_")
                    || n.starts_with("PARALLEL_")
                    || n.starts_with('_') =>
                {
                    Change::Ignore
                }
                _ => {
                    return Err(at(
                        toks,
                        vpos - 2,
                        err(2248, "invalid option for ALTER SESSION"),
                    ))
                }
            };
            changes.push(change);
        }
        // Everything checked: apply all or nothing.
        for c in changes {
            match c {
                Change::Nls(name, value) => self.set_nls(&name, &value),
                Change::TimeZone(tz) => self.info.attrs().time_zone = tz,
                Change::Schema(s) => self.info.attrs().schema = s,
                Change::Edition(e) => self.set_edition(&e)?,
                Change::Ignore => {}
            }
        }
        Ok(())
    }

    fn set_nls(&mut self, name: &str, value: &str) {
        let slot = match name {
            "NLS_DATE_FORMAT" => Some(&self.shared.date_format),
            "NLS_TIMESTAMP_FORMAT" => Some(&self.shared.timestamp_format),
            _ => None,
        };
        if let Some(m) = slot {
            if let Ok(mut g) = m.lock() {
                *g = value.to_string();
            }
        }
        let mut a = self.info.attrs();
        let mut put = |n: &str, v: &str| match a.nls.iter_mut().find(|(k, _)| k == n) {
            Some(e) => e.1 = v.to_string(),
            None => a.nls.push((n.to_string(), v.to_string())),
        };
        put(name, value);
        // As in Oracle, the language also sets the date language.
        if name == "NLS_LANGUAGE" {
            put("NLS_DATE_LANGUAGE", value);
        }
    }

    /// Current schema set by the SET_SCHEMA piggyback (python-oracledb's `current_schema`).
    pub fn set_schema(&self, schema: &str) {
        if !schema.is_empty() {
            self.info.attrs().schema = schema.to_ascii_uppercase();
        }
    }

    pub(super) fn alter_system(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let kill = toks.get(2).is_some_and(|t| t.is_word("KILL"));
        let disconnect = toks.get(2).is_some_and(|t| t.is_word("DISCONNECT"));
        if !kill && !disconnect {
            // FLUSH, CHECKPOINT, SET parameter, SWITCH LOGFILE…: accepted without effect.
            return Ok(());
        }
        if !toks.get(3).is_some_and(|t| t.is_word("SESSION")) {
            return Err(at(toks, 3, err(922, "missing or invalid option")));
        }
        let invalid = || at(toks, 4, err(26, "missing or invalid session ID"));
        let Some(Tok::Str(spec)) = toks.get(4).map(|t| &t.tok) else {
            return Err(invalid());
        };
        let mut parts = spec.split(',').map(str::trim);
        let (Some(sid), Some(serial)) = (parts.next(), parts.next()) else {
            return Err(invalid());
        };
        // An optional third part names the instance (`@1`); there is one.
        if parts.next().is_some_and(|p| p != "@1" && p != "1") || parts.next().is_some() {
            return Err(invalid());
        }
        let (Ok(sid), Ok(serial)) = (sid.parse::<u32>(), serial.parse::<u32>()) else {
            return Err(invalid());
        };
        let mut immediate = disconnect;
        for (k, t) in toks.iter().enumerate().skip(5) {
            if t.is_word("IMMEDIATE") || t.is_word("NOREPLAY") {
                immediate |= t.is_word("IMMEDIATE");
            } else if !(t.is_word("POST_TRANSACTION") || t.is_word("FORCE")) {
                return Err(at(toks, k, err(933, "SQL command not properly ended")));
            }
        }
        match self
            .db
            .directory
            .kill(sid, serial, self.info.sid(), immediate)
        {
            Ok(()) => Ok(()),
            Err(KillError::Own) => Err(err(27, "cannot kill current session")),
            Err(KillError::NoSuchSession) => Err(err(30, "User session ID does not exist.")),
        }
    }

    /// CREATE USER / ALTER USER / DROP USER against the server's user list.
    pub(super) fn user_ddl(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let verb = toks.first().and_then(Token::ident).unwrap_or_default();
        let name = match toks.get(2).map(|t| &t.tok) {
            Some(Tok::Word(w)) => w.to_ascii_uppercase(),
            Some(Tok::Quoted(q)) => q.to_ascii_uppercase(),
            _ => return Err(at(toks, 2, err(1935, "missing user or role name"))),
        };
        let reg = &self.db.directory;
        let exists = reg.users().contains(&name);
        let password = toks
            .iter()
            .position(|t| t.is_word("IDENTIFIED"))
            .map(|k| {
                if !toks.get(k + 1).is_some_and(|t| t.is_word("BY")) {
                    return Err(at(toks, k + 1, err(922, "missing or invalid option")));
                }
                toks.get(k + 2)
                    .and_then(value_text)
                    .ok_or_else(|| at(toks, k + 2, err(988, "missing or invalid password(s)")))
            })
            .transpose()?;
        match verb.as_str() {
            "CREATE" => {
                if exists || ["SYS", "SYSTEM", "PUBLIC"].contains(&name.as_str()) {
                    return Err(at(
                        toks,
                        2,
                        err(
                            1920,
                            &format!("user name '{name}' conflicts with another user or role name"),
                        ),
                    ));
                }
                let Some(p) = password else {
                    return Err(at(toks, 3, err(922, "missing or invalid option")));
                };
                reg.set_user(&name, &p);
                // The new user's schema: its (empty) file.
                self.db.prepare_schema_file(&name)
            }
            "ALTER" | "DROP" if !exists => Err(at(
                toks,
                2,
                err(1918, &format!("user '{name}' does not exist")),
            )),
            "ALTER" => {
                if let Some(p) = password {
                    reg.set_user(&name, &p);
                }
                Ok(())
            }
            _ => {
                if reg.sessions().iter().any(|s| s.attrs().username == name) {
                    return Err(err(1940, "cannot drop a user that is currently connected"));
                }
                let cascade = toks.iter().any(|t| t.is_word("CASCADE"));
                self.drop_schema(&name, cascade)?;
                self.db.directory.drop_user(&name);
                Ok(())
            }
        }
    }

    /// DBMS_APPLICATION_INFO.SET_MODULE/SET_ACTION/SET_CLIENT_INFO and
    /// DBMS_SESSION.SET_IDENTIFIER/CLEAR_IDENTIFIER with evaluated
    /// arguments (name for named notation, value); `false` if not one of them.
    pub(super) fn app_info_call(
        &mut self,
        package: &str,
        proc_name: &str,
        args: &[(Option<String>, Option<String>)],
    ) -> Result<bool, SqlError> {
        let arg = |pos: usize, name: &str| -> String {
            args.iter()
                .find(|(n, _)| n.as_deref() == Some(name))
                .or_else(|| args.get(pos).filter(|(n, _)| n.is_none()))
                .and_then(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut a = self.info.attrs();
        match (package, proc_name) {
            ("DBMS_APPLICATION_INFO", "SET_MODULE") => {
                a.module = limit(&arg(0, "MODULE_NAME"), 64);
                a.action = limit(&arg(1, "ACTION_NAME"), 64);
            }
            ("DBMS_APPLICATION_INFO", "SET_ACTION") => a.action = limit(&arg(0, "ACTION_NAME"), 64),
            ("DBMS_APPLICATION_INFO", "SET_CLIENT_INFO") => {
                a.client_info = limit(&arg(0, "CLIENT_INFO"), 64)
            }
            ("DBMS_SESSION", "SET_IDENTIFIER") => {
                a.client_identifier = limit(&arg(0, "CLIENT_ID"), 64)
            }
            ("DBMS_SESSION", "CLEAR_IDENTIFIER") => a.client_identifier.clear(),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones() {
        for (given, shown) in [
            ("+00:00", "+00:00"),
            ("-00:0", "+00:00"),
            ("00:00", "+00:00"),
            ("5:00", "+05:00"),
            ("+1:0", "+01:00"),
            ("-05:30", "-05:30"),
            ("+14:00", "+14:00"),
            ("-12:00", "-12:00"),
            ("UTC", "UTC"),
            ("Europe/London", "Europe/London"),
            ("Etc/GMT+5", "Etc/GMT+5"),
        ] {
            assert_eq!(
                normalize_time_zone(given).as_deref(),
                Some(shown),
                "{given}"
            );
        }
        for bad in [
            "+25:00", "+14:01", "-12:30", "+05:60", "", "+05", "+005:00", "x y",
        ] {
            assert_eq!(normalize_time_zone(bad), None, "{bad}");
        }
    }
}
