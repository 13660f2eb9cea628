//! Server-wide registry of live sessions and of users created with SQL.
//! The session views (V$SESSION, V$SESSTAT, …) and ALTER SYSTEM KILL SESSION
//! read it; each session updates its own entry (counters are atomics so the
//! views never wait on a running call).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::sql::InterruptHandle;

/// Statistics kept per session: (STATISTIC#, NAME). Numbers are ours, not Oracle's.
pub const STATS: &[(u32, &str)] = &[
    (0, "logons cumulative"),
    (1, "logons current"),
    (2, "opened cursors cumulative"),
    (3, "opened cursors current"),
    (4, "user commits"),
    (5, "user rollbacks"),
    (6, "user calls"),
    (7, "execute count"),
    (8, "parse count (total)"),
    (9, "SQL*Net roundtrips to/from client"),
    (10, "bytes received via SQL*Net from client"),
];

pub mod stat {
    pub const LOGONS_CUMULATIVE: usize = 0;
    pub const LOGONS_CURRENT: usize = 1;
    pub const CURSORS_CUMULATIVE: usize = 2;
    pub const CURSORS_CURRENT: usize = 3;
    pub const USER_COMMITS: usize = 4;
    pub const USER_ROLLBACKS: usize = 5;
    pub const USER_CALLS: usize = 6;
    pub const EXECUTE_COUNT: usize = 7;
    pub const PARSE_COUNT: usize = 8;
    pub const ROUNDTRIPS: usize = 9;
    pub const BYTES_RECEIVED: usize = 10;
}

/// Kill states: not killed, killed (next call gets ORA-00028), killed IMMEDIATE.
pub mod kill {
    pub const NONE: u8 = 0;
    pub const MARKED: u8 = 1;
    pub const IMMEDIATE: u8 = 2;
}

/// Descriptive, mutable attributes of a session (what V$SESSION and SYS_CONTEXT show).
#[derive(Debug, Clone, Default)]
pub struct Attrs {
    pub username: String,
    /// The authenticating user of a proxy logon (`proxy[client]`); "" otherwise.
    pub proxy_user: String,
    pub schema: String,
    pub program: String,
    pub machine: String,
    pub os_user: String,
    pub terminal: String,
    pub process: String,
    pub service: String,
    pub pooled: bool,
    pub module: String,
    pub action: String,
    pub client_identifier: String,
    pub client_info: String,
    pub logon_time: String,
    /// NLS parameters and TIME_ZONE as ALTER SESSION set them (name, value), in view order.
    pub nls: Vec<(String, String)>,
    pub time_zone: String,
    /// Native network encryption and integrity the connection negotiated.
    pub network: oradb_protocol::ano::Negotiated,
}

impl Attrs {
    pub fn nls(&self, name: &str) -> Option<&str> {
        self.nls
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One session's entry.
pub struct SessionInfo {
    pub sid: AtomicU32,
    pub serial: AtomicU32,
    attrs: Mutex<Attrs>,
    stats: [AtomicU64; STATS.len()],
    active: AtomicBool,
    killed: AtomicU8,
    /// Wakes the session's call loop when it is killed while idle.
    pub kill_notify: tokio::sync::Notify,
    interrupt: Mutex<Option<InterruptHandle>>,
}

impl SessionInfo {
    pub fn new(attrs: Attrs) -> Arc<SessionInfo> {
        Arc::new(SessionInfo {
            sid: AtomicU32::new(0),
            serial: AtomicU32::new(1),
            attrs: Mutex::new(attrs),
            stats: Default::default(),
            active: AtomicBool::new(false),
            killed: AtomicU8::new(kill::NONE),
            kill_notify: tokio::sync::Notify::new(),
            interrupt: Mutex::new(None),
        })
    }
    pub fn sid(&self) -> u32 {
        self.sid.load(Ordering::Relaxed)
    }
    pub fn serial(&self) -> u32 {
        self.serial.load(Ordering::Relaxed)
    }
    /// The attributes; a poisoned lock (a panic elsewhere) still yields them.
    pub fn attrs(&self) -> MutexGuard<'_, Attrs> {
        self.attrs.lock().unwrap_or_else(|p| p.into_inner())
    }
    pub fn bump(&self, which: usize) {
        self.add(which, 1);
    }
    pub fn add(&self, which: usize, n: u64) {
        if let Some(s) = self.stats.get(which) {
            s.fetch_add(n, Ordering::Relaxed);
        }
    }
    pub fn set(&self, which: usize, n: u64) {
        if let Some(s) = self.stats.get(which) {
            s.store(n, Ordering::Relaxed);
        }
    }
    pub fn stat(&self, which: usize) -> u64 {
        self.stats
            .get(which)
            .map_or(0, |s| s.load(Ordering::Relaxed))
    }
    pub fn set_active(&self, on: bool) {
        self.active.store(on, Ordering::Relaxed);
    }
    pub fn status(&self) -> &'static str {
        if self.killed() != kill::NONE {
            "KILLED"
        } else if self.active.load(Ordering::Relaxed) {
            "ACTIVE"
        } else {
            "INACTIVE"
        }
    }
    pub fn killed(&self) -> u8 {
        self.killed.load(Ordering::SeqCst)
    }
    pub fn set_interrupt(&self, h: InterruptHandle) {
        if let Ok(mut g) = self.interrupt.lock() {
            *g = Some(h);
        }
    }
    /// Marks the session killed, cancels its running call and wakes its loop.
    fn kill(&self, immediate: bool) {
        let mode = if immediate {
            kill::IMMEDIATE
        } else {
            kill::MARKED
        };
        self.killed.fetch_max(mode, Ordering::SeqCst);
        if let Ok(g) = self.interrupt.lock() {
            if let Some(h) = g.as_ref() {
                h.interrupt();
            }
        }
        self.kill_notify.notify_one();
    }
}

/// Why a kill request failed.
#[derive(Debug, PartialEq, Eq)]
pub enum KillError {
    NoSuchSession,
    Own,
}

#[derive(Default)]
pub struct Registry {
    sessions: Mutex<BTreeMap<u32, Arc<SessionInfo>>>,
    /// Users created or re-passworded with SQL, by upper-case name; they
    /// override the configured list.
    users: Mutex<HashMap<String, String>>,
    /// Users removed with DROP USER (even configured ones).
    dropped: Mutex<Vec<String>>,
    /// Logons so far, for "logons cumulative".
    logons: AtomicU64,
    /// Users from the server configuration (upper case).
    configured: Mutex<Vec<String>>,
    /// DRCP counters (the pool itself lives with the server).
    pub drcp: Arc<crate::drcp::Stats>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Registry {
    pub fn add(&self, info: Arc<SessionInfo>) {
        let n = self.logons.fetch_add(1, Ordering::Relaxed) + 1;
        info.set(stat::LOGONS_CUMULATIVE, n);
        info.set(stat::LOGONS_CURRENT, 1);
        lock(&self.sessions).insert(info.sid(), info);
    }
    /// Adds the session unless `cap` sessions are live already (ORA-00018).
    pub fn add_within(&self, info: Arc<SessionInfo>, cap: Option<usize>) -> bool {
        let mut sessions = lock(&self.sessions);
        if cap.is_some_and(|c| sessions.len() >= c) {
            return false;
        }
        let n = self.logons.fetch_add(1, Ordering::Relaxed) + 1;
        info.set(stat::LOGONS_CUMULATIVE, n);
        info.set(stat::LOGONS_CURRENT, 1);
        sessions.insert(info.sid(), info);
        true
    }
    pub fn remove(&self, sid: u32) {
        lock(&self.sessions).remove(&sid);
    }
    pub fn sessions(&self) -> Vec<Arc<SessionInfo>> {
        lock(&self.sessions).values().cloned().collect()
    }
    pub fn kill(
        &self,
        sid: u32,
        serial: u32,
        own_sid: u32,
        immediate: bool,
    ) -> Result<(), KillError> {
        let s = lock(&self.sessions).get(&sid).cloned();
        match s {
            Some(s) if s.serial() == serial => {
                if sid == own_sid {
                    return Err(KillError::Own);
                }
                s.kill(immediate);
                Ok(())
            }
            _ => Err(KillError::NoSuchSession),
        }
    }

    /// The password of a user created or changed with SQL; `Some(None)` when dropped.
    pub fn password_override(&self, user: &str) -> Option<Option<String>> {
        let up = user.to_ascii_uppercase();
        if let Some(p) = lock(&self.users).get(&up) {
            return Some(Some(p.clone()));
        }
        lock(&self.dropped).contains(&up).then_some(None)
    }
    pub fn set_user(&self, user: &str, password: &str) {
        let up = user.to_ascii_uppercase();
        lock(&self.dropped).retain(|u| *u != up);
        lock(&self.users).insert(up, password.to_string());
    }
    pub fn drop_user(&self, user: &str) {
        let up = user.to_ascii_uppercase();
        lock(&self.users).remove(&up);
        lock(&self.dropped).push(up);
    }
    pub fn set_configured_users(&self, users: Vec<String>) {
        *lock(&self.configured) = users.iter().map(|u| u.to_ascii_uppercase()).collect();
    }
    /// Every user that can log on now: configured ones not dropped, then created ones.
    pub fn users(&self) -> Vec<String> {
        let dropped = self.dropped_users();
        let mut v: Vec<String> = lock(&self.configured)
            .iter()
            .filter(|u| !dropped.contains(u))
            .cloned()
            .collect();
        for u in self.created_users() {
            if !v.contains(&u) {
                v.push(u);
            }
        }
        v
    }
    pub fn created_users(&self) -> Vec<String> {
        let mut v: Vec<String> = lock(&self.users).keys().cloned().collect();
        v.sort();
        v
    }
    pub fn dropped_users(&self) -> Vec<String> {
        lock(&self.dropped).clone()
    }
}

/// The server's host name, for SERVER_HOST and V$INSTANCE.
pub fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kill_needs_the_right_serial_and_not_oneself() {
        let r = Registry::default();
        let a = SessionInfo::new(Attrs::default());
        a.sid.store(7, Ordering::Relaxed);
        r.add(a.clone());
        assert_eq!(r.kill(7, 2, 1, false), Err(KillError::NoSuchSession));
        assert_eq!(r.kill(8, 1, 1, false), Err(KillError::NoSuchSession));
        assert_eq!(r.kill(7, 1, 7, false), Err(KillError::Own));
        assert_eq!(r.kill(7, 1, 1, false), Ok(()));
        assert_eq!(a.killed(), kill::MARKED);
        assert_eq!(a.status(), "KILLED");
        r.remove(7);
        assert!(r.sessions().is_empty());
    }

    #[test]
    fn sql_users_override_and_drop() {
        let r = Registry::default();
        assert_eq!(r.password_override("bob"), None);
        r.set_user("bob", "pw");
        assert_eq!(r.password_override("BOB"), Some(Some("pw".into())));
        r.drop_user("Bob");
        assert_eq!(r.password_override("bob"), Some(None));
    }
}
