//! What the engine sees of the server around it: each session's entry
//! (attributes, statistics, kill state), shared with the server, and the
//! `SessionDirectory` the server implements so the session views, KILL
//! SESSION and the user DDL can reach the other sessions, the users and the
//! DRCP pool without the engine knowing how the server keeps them.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::InterruptHandle;

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
    /// The driver the client names at logon (SESSION_CLIENT_DRIVER_NAME), V$SESSION_CONNECT_INFO.CLIENT_DRIVER.
    pub client_driver: String,
    pub terminal: String,
    pub process: String,
    pub service: String,
    /// The database's name when it is not the service's (a shard's name); "" = the service.
    pub db_name: String,
    pub pooled: bool,
    pub module: String,
    pub action: String,
    pub client_identifier: String,
    pub client_info: String,
    /// Execution context id (end-to-end attribute), V$SESSION.ECID.
    pub ecid: String,
    /// The session's edition; "" is ORA$BASE.
    pub edition: String,
    /// Database operation the client names (end-to-end attribute), a row
    /// of V$SQL_MONITOR while set.
    pub dbop: String,
    pub logon_time: String,
    /// NLS parameters and TIME_ZONE as ALTER SESSION set them (name, value), in view order.
    pub nls: Vec<(String, String)>,
    pub time_zone: String,
    /// Native network encryption and integrity the connection negotiated.
    pub network: oradb_protocol::ano::Negotiated,
}

impl Attrs {
    /// DB_NAME, V$DATABASE.NAME: the shard's name on a shard, else the service name.
    pub fn database_name(&self) -> &str {
        if self.db_name.is_empty() {
            &self.service
        } else {
            &self.db_name
        }
    }

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
    /// Temporary and abstract (value) LOBs the session holds, for V$TEMPORARY_LOBS.
    lobs: [AtomicU64; 2],
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
            lobs: Default::default(),
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
    /// Publishes how many temporary and abstract LOBs the session holds.
    pub fn set_lob_counts(&self, temporary: u64, abstract_lobs: u64) {
        self.lobs[0].store(temporary, Ordering::Relaxed);
        self.lobs[1].store(abstract_lobs, Ordering::Relaxed);
    }
    /// (temporary, abstract) LOBs held, as last published.
    pub fn lob_counts(&self) -> (u64, u64) {
        (
            self.lobs[0].load(Ordering::Relaxed),
            self.lobs[1].load(Ordering::Relaxed),
        )
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
    pub fn kill(&self, immediate: bool) {
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

/// Request counters of one DRCP connection class (or of the whole pool).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolCounts {
    pub requests: u64,
    pub hits: u64,
    pub misses: u64,
    pub authentications: u64,
}

/// The DRCP pool as V$CPOOL_STATS, V$CPOOL_CC_STATS and DBA_CPOOL_INFO show it.
#[derive(Debug, Clone, Default)]
pub struct PoolInfo {
    pub name: String,
    pub min_size: u32,
    pub max_size: u32,
    pub incr_size: u32,
    pub inactivity_timeout: u32,
    pub max_think_time: u32,
    pub max_use_session: u32,
    pub max_lifetime_session: u32,
    /// Pooled sessions in use now.
    pub busy: u64,
    /// Pooled sessions kept for reuse now.
    pub idle: u64,
    pub purged: u64,
    pub historic_max: u64,
    pub total: PoolCounts,
    /// Per class, named `USER.CLASS` as Oracle's CCLASS_NAME is.
    pub by_class: Vec<(String, PoolCounts)>,
}

/// The server's side of the engine: live sessions, users and the pool.
pub trait SessionDirectory: Send + Sync {
    /// Every live session's entry, by SID.
    fn sessions(&self) -> Vec<Arc<SessionInfo>>;
    /// Kills session `sid`/`serial` on behalf of session `own_sid`.
    fn kill(&self, sid: u32, serial: u32, own_sid: u32, immediate: bool) -> Result<(), KillError>;
    /// Every user that can log on now (upper case).
    fn users(&self) -> Vec<String>;
    /// CREATE USER / ALTER USER … IDENTIFIED BY.
    fn set_user(&self, user: &str, password: &str);
    /// DROP USER.
    fn drop_user(&self, user: &str);
    /// The DRCP pool's configuration and counters.
    fn pool(&self) -> PoolInfo;
    /// V$SESSION_CONNECT_INFO's banner lines for what a session negotiated.
    fn network_banners(&self, network: oradb_protocol::ano::Negotiated) -> Vec<String>;
}

/// A directory for a database used without a server (tests, tools): no
/// other sessions, the users created with SQL, an empty pool.
#[derive(Default)]
pub struct Standalone {
    users: Mutex<Vec<String>>,
}

impl SessionDirectory for Standalone {
    fn sessions(&self) -> Vec<Arc<SessionInfo>> {
        Vec::new()
    }
    fn kill(&self, _: u32, _: u32, _: u32, _: bool) -> Result<(), KillError> {
        Err(KillError::NoSuchSession)
    }
    fn users(&self) -> Vec<String> {
        self.users.lock().map(|u| u.clone()).unwrap_or_default()
    }
    fn set_user(&self, user: &str, _password: &str) {
        if let Ok(mut u) = self.users.lock() {
            let up = user.to_ascii_uppercase();
            if !u.contains(&up) {
                u.push(up);
            }
        }
    }
    fn drop_user(&self, user: &str) {
        if let Ok(mut u) = self.users.lock() {
            u.retain(|x| !x.eq_ignore_ascii_case(user));
        }
    }
    fn pool(&self) -> PoolInfo {
        PoolInfo::default()
    }
    fn network_banners(&self, _: oradb_protocol::ano::Negotiated) -> Vec<String> {
        Vec::new()
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
