//! Server-wide registry of live sessions and of users created with SQL.
//! The session views (V$SESSION, V$SESSTAT, …) and ALTER SYSTEM KILL SESSION
//! read it; each session updates its own entry (counters are atomics so the
//! views never wait on a running call).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use oradb_protocol::ano::Negotiated;
pub use oradb_sqlengine::directory::{host_name, kill, stat, Attrs, KillError, SessionInfo, STATS};
use oradb_sqlengine::directory::{PoolInfo, SessionDirectory};

use crate::drcp;

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

/// The engine reaches the other sessions, the users and the pool through this.
impl SessionDirectory for Registry {
    fn sessions(&self) -> Vec<Arc<SessionInfo>> {
        Registry::sessions(self)
    }
    fn kill(&self, sid: u32, serial: u32, own_sid: u32, immediate: bool) -> Result<(), KillError> {
        Registry::kill(self, sid, serial, own_sid, immediate)
    }
    fn users(&self) -> Vec<String> {
        Registry::users(self)
    }
    fn set_user(&self, user: &str, password: &str) {
        Registry::set_user(self, user, password)
    }
    fn drop_user(&self, user: &str) {
        Registry::drop_user(self, user)
    }
    fn pool(&self) -> PoolInfo {
        let d = &self.drcp;
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        PoolInfo {
            name: drcp::POOL_NAME.into(),
            min_size: drcp::MIN_SIZE,
            max_size: drcp::MAX_SIZE,
            incr_size: drcp::INCR_SIZE,
            inactivity_timeout: drcp::INACTIVITY_TIMEOUT,
            max_think_time: drcp::MAX_THINK_TIME,
            max_use_session: drcp::MAX_USE_SESSION,
            max_lifetime_session: drcp::MAX_LIFETIME_SESSION,
            busy: drcp::busy_sessions(self),
            idle: load(&d.idle),
            purged: load(&d.purged),
            historic_max: load(&d.historic_max),
            total: d.total(),
            by_class: d.by_class(),
        }
    }
    fn network_banners(&self, network: Negotiated) -> Vec<String> {
        crate::nne::banners(network)
    }
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
