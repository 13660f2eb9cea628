//! Database Resident Connection Pooling: connections made with
//! `(SERVER=POOLED)` get their session from a server-side pool. A session
//! given back (a DRCP release, or the client leaving) keeps its state and
//! waits under its user and connection class; a later request of the same
//! class with purity SELF gets it back, state and SID included. Purity NEW
//! always gets a clean session. Counters feed V$CPOOL_STATS and
//! V$CPOOL_CC_STATS; the fixed configuration is DBA_CPOOL_INFO.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::sql::directory::SessionDirectory;
use crate::sql::{Database, Session, SqlError};

pub const POOL_NAME: &str = "SYS_DEFAULT_CONNECTION_POOL";
/// DBA_CPOOL_INFO's sizes. MAXSIZE bounds the sessions kept for reuse.
pub const MIN_SIZE: u32 = 4;
pub const MAX_SIZE: u32 = 40;
pub const INCR_SIZE: u32 = 2;
pub const INACTIVITY_TIMEOUT: u32 = 300;
pub const MAX_THINK_TIME: u32 = 120;
pub const MAX_USE_SESSION: u32 = 500_000;
pub const MAX_LIFETIME_SESSION: u32 = 86_400;

/// AUTH_KPPL_PURITY values clients send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purity {
    Default,
    New,
    SelfPurity,
}

impl Purity {
    pub fn from_auth(v: Option<&str>) -> Purity {
        match v.map(|s| s.trim_end_matches('\0').trim()) {
            Some("1") => Purity::New,
            Some("2") => Purity::SelfPurity,
            _ => Purity::Default,
        }
    }
}

/// Request counters of one connection class (or of the whole pool).
pub use oradb_sqlengine::directory::PoolCounts as Counts;

/// The pool's counters, readable by the session views.
#[derive(Default)]
pub struct Stats {
    by_class: Mutex<BTreeMap<String, Counts>>,
    /// Pooled sessions kept for reuse right now.
    pub idle: AtomicU64,
    /// Sessions discarded because the pool kept MAXSIZE already.
    pub purged: AtomicU64,
    pub historic_max: AtomicU64,
}

impl Stats {
    fn counts(&self) -> MutexGuard<'_, BTreeMap<String, Counts>> {
        self.by_class.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// Per class, named `USER.CLASS` as Oracle's CCLASS_NAME is.
    pub fn by_class(&self) -> Vec<(String, Counts)> {
        self.counts()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
    pub fn total(&self) -> Counts {
        self.counts().values().fold(Counts::default(), |mut t, c| {
            t.requests += c.requests;
            t.hits += c.hits;
            t.misses += c.misses;
            t.authentications += c.authentications;
            t
        })
    }
}

/// Sessions waiting for reuse, by (user, class).
#[derive(Default)]
pub struct Pool {
    parked: Mutex<HashMap<(String, String), Vec<Session>>>,
    /// Bumped by `clear` (a restart): sessions attached before it are not
    /// kept, even when their connection ends after the restart began.
    epoch: std::sync::atomic::AtomicU64,
    /// Shared with the database's registry, where the views read it.
    pub stats: Arc<Stats>,
}

impl Pool {
    pub fn new(stats: Arc<Stats>) -> Pool {
        Pool {
            parked: Mutex::default(),
            epoch: Default::default(),
            stats,
        }
    }

    fn parked(&self) -> MutexGuard<'_, HashMap<(String, String), Vec<Session>>> {
        self.parked.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current epoch, to hand back to `park`.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Relaxed)
    }

    /// Sessions kept for reuse now.
    pub fn idle(&self) -> usize {
        self.stats.idle.load(Ordering::Relaxed) as usize
    }

    /// A session for `user` of class `cclass`: a kept one for SELF (a hit),
    /// else a new one (a miss). Returns the session and whether it was reused.
    pub fn attach(
        &self,
        db: &Arc<Database>,
        user: &str,
        cclass: &str,
        purity: Purity,
    ) -> Result<(Session, bool), SqlError> {
        let key = (user.to_ascii_uppercase(), cclass.to_string());
        let reused = match purity {
            Purity::New => None,
            Purity::SelfPurity | Purity::Default => {
                self.parked().get_mut(&key).and_then(|v| v.pop())
            }
        };
        if reused.is_some() {
            self.stats.idle.fetch_sub(1, Ordering::Relaxed);
        }
        let hit = reused.is_some();
        tracing::debug!(user, cclass, ?purity, hit, "DRCP attach");
        let session = match reused {
            Some(s) => s,
            None => Session::open(db, user)?,
        };
        {
            let mut counts = self.stats.counts();
            let c = counts.entry(format!("{}.{}", key.0, key.1)).or_default();
            c.requests += 1;
            c.authentications += 1;
            if hit {
                c.hits += 1;
            } else {
                c.misses += 1;
            }
        }
        // Busy pooled sessions are the registry's POOLED ones (so a dropped
        // connection can never leave a stale count); this one joins them.
        let open = busy_sessions(db.directory()) + 1 + self.stats.idle.load(Ordering::Relaxed);
        self.stats.historic_max.fetch_max(open, Ordering::Relaxed);
        Ok((session, hit))
    }

    /// Ends every kept session (a restart).
    pub fn clear(&self) {
        let n: usize = {
            let mut parked = self.parked();
            self.epoch.fetch_add(1, Ordering::Relaxed);
            let n = parked.values().map(Vec::len).sum();
            parked.clear();
            n
        };
        self.stats.idle.fetch_sub(n as u64, Ordering::Relaxed);
    }

    /// Takes a session back for reuse by its class (its transaction must be
    /// over). With MAXSIZE sessions kept already, or when it was attached
    /// before a restart (`epoch` is stale), it ends instead.
    pub fn park(&self, user: &str, cclass: &str, epoch: u64, session: Session) {
        tracing::debug!(user, cclass, sid = session.info().sid(), "DRCP park");
        let mut parked = self.parked();
        if epoch != self.epoch() {
            return;
        }
        if parked.values().map(Vec::len).sum::<usize>() >= MAX_SIZE as usize {
            self.stats.purged.fetch_add(1, Ordering::Relaxed);
            return;
        }
        parked
            .entry((user.to_ascii_uppercase(), cclass.to_string()))
            .or_default()
            .push(session);
        self.stats.idle.fetch_add(1, Ordering::Relaxed);
    }
}

/// Pooled sessions attached to a connection now (V$CPOOL_STATS NUM_BUSY_SERVERS).
pub fn busy_sessions(directory: &dyn SessionDirectory) -> u64 {
    directory
        .sessions()
        .iter()
        .filter(|s| s.attrs().pooled)
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_reuses_by_class_and_new_never_does() {
        let db = Database::open(None).unwrap();
        let pool = Pool::default();
        let (a, hit) = pool.attach(&db, "scott", "C1", Purity::SelfPurity).unwrap();
        assert!(!hit);
        let sid = a.info().sid();
        pool.park("scott", "C1", pool.epoch(), a);
        assert_eq!(pool.idle(), 1);
        // Another class, or NEW, does not take it.
        let (b, hit) = pool.attach(&db, "scott", "C2", Purity::SelfPurity).unwrap();
        assert!(!hit);
        let (c, hit) = pool.attach(&db, "scott", "C1", Purity::New).unwrap();
        assert!(!hit);
        let (d, hit) = pool.attach(&db, "SCOTT", "C1", Purity::SelfPurity).unwrap();
        assert!(hit);
        assert_eq!(d.info().sid(), sid);
        assert_eq!(pool.idle(), 0);
        for s in [b, c, d] {
            pool.park("scott", "C1", pool.epoch(), s);
        }
        let total = pool.stats.total();
        assert_eq!((total.requests, total.hits, total.misses), (4, 1, 3));
        assert_eq!(
            pool.stats
                .by_class()
                .iter()
                .map(|(k, c)| (k.as_str(), c.requests))
                .collect::<Vec<_>>(),
            [("SCOTT.C1", 3), ("SCOTT.C2", 1)]
        );
    }

    #[test]
    fn a_session_attached_before_a_clear_is_not_kept() {
        let db = Database::open(None).unwrap();
        let pool = Pool::default();
        let epoch = pool.epoch();
        let (a, _) = pool.attach(&db, "scott", "C1", Purity::SelfPurity).unwrap();
        let (b, _) = pool.attach(&db, "scott", "C1", Purity::SelfPurity).unwrap();
        pool.park("scott", "C1", epoch, a);
        pool.clear();
        assert_eq!(pool.idle(), 0);
        // Its connection ended after the restart began: it goes, too.
        pool.park("scott", "C1", epoch, b);
        assert_eq!(pool.idle(), 0);
        let (_, hit) = pool.attach(&db, "scott", "C1", Purity::SelfPurity).unwrap();
        assert!(!hit);
    }
}
