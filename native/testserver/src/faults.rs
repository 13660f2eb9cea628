//! Fault injection: failures a test asks for, reached from the admin port
//! (`--admin-listen`) or from Rust through [`crate::TestServer::faults`].
//! User SQL has no way in: these only exist on this handle.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

/// Refusal codes the listener can answer CONNECT with.
pub const REFUSE_CODES: [u32; 2] = [12_516, 12_519];

/// The fault switches of one server. All default to off.
pub struct Faults {
    refuse: AtomicU32,
    delay_ms: AtomicU64,
    /// 0 = no cap.
    max_sessions: AtomicU32,
    stalled: Mutex<HashSet<u32>>,
    /// Bumped by `drop_all`: every live connection closes when it changes.
    drops: watch::Sender<u64>,
    /// Bumped by a restart request, carrying how long listeners stay down.
    restarts: watch::Sender<(u64, Duration)>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            refuse: AtomicU32::new(0),
            delay_ms: AtomicU64::new(0),
            max_sessions: AtomicU32::new(0),
            stalled: Mutex::new(HashSet::new()),
            drops: watch::channel(0).0,
            restarts: watch::channel((0, Duration::ZERO)).0,
        }
    }
}

impl Faults {
    /// Closes every client connection now (no goodbye on the wire, like a
    /// crashed server or a cut network); uncommitted work rolls back.
    pub fn drop_all(&self) {
        self.drops.send_modify(|g| *g += 1);
    }

    /// A receiver that changes when `drop_all` is called.
    pub(crate) fn drop_signal(&self) -> watch::Receiver<u64> {
        self.drops.subscribe()
    }

    /// Refuses new connections with TNS-12516 or TNS-12519 (`None` accepts again).
    pub fn refuse(&self, code: Option<u32>) -> Result<(), String> {
        match code {
            None => self.refuse.store(0, Ordering::SeqCst),
            Some(c) if REFUSE_CODES.contains(&c) => self.refuse.store(c, Ordering::SeqCst),
            Some(c) => return Err(format!("refuse expects 12516 or 12519, not {c}")),
        }
        Ok(())
    }

    pub fn refusing(&self) -> Option<u32> {
        Some(self.refuse.load(Ordering::SeqCst)).filter(|c| *c != 0)
    }

    /// Delays every response (logon and calls) by `ms` milliseconds; 0 turns it off.
    pub fn set_delay(&self, ms: u64) {
        self.delay_ms.store(ms, Ordering::SeqCst);
    }

    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms.load(Ordering::Relaxed))
    }

    /// Caps live sessions: a logon beyond `n` gets ORA-00018 (`None` lifts the cap).
    pub fn set_max_sessions(&self, n: Option<u32>) {
        self.max_sessions.store(n.unwrap_or(0), Ordering::SeqCst);
    }

    pub fn max_sessions(&self) -> Option<usize> {
        Some(self.max_sessions.load(Ordering::SeqCst) as usize).filter(|n| *n != 0)
    }

    /// Makes session `sid` stop answering FETCH calls (a cursor past its first
    /// batch) until `unstall`, a break from the client, or a drop.
    pub fn stall(&self, sid: u32) {
        lock(&self.stalled).insert(sid);
    }

    /// Lets `sid` (or every session, with `None`) fetch again.
    pub fn unstall(&self, sid: Option<u32>) {
        let mut s = lock(&self.stalled);
        match sid {
            Some(sid) => {
                s.remove(&sid);
            }
            None => s.clear(),
        }
    }

    pub fn is_stalled(&self, sid: u32) -> bool {
        lock(&self.stalled).contains(&sid)
    }

    /// Asks the listeners to close for `down` and open again on the same
    /// addresses; [`crate::TestServer::restart`] also drops every connection.
    pub(crate) fn request_restart(&self, down: Duration) {
        self.restarts.send_modify(|(g, d)| {
            *g += 1;
            *d = down;
        });
    }

    pub(crate) fn restart_signal(&self) -> watch::Receiver<(u64, Duration)> {
        self.restarts.subscribe()
    }

    /// Every switch back to off (stalled sessions resume).
    pub fn reset(&self) {
        self.refuse.store(0, Ordering::SeqCst);
        self.delay_ms.store(0, Ordering::SeqCst);
        self.max_sessions.store(0, Ordering::SeqCst);
        lock(&self.stalled).clear();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_and_their_bad_values() {
        let f = Faults::default();
        assert_eq!(f.refusing(), None);
        f.refuse(Some(12516)).unwrap();
        assert_eq!(f.refusing(), Some(12516));
        assert!(f.refuse(Some(1)).unwrap_err().contains("12516 or 12519"));
        assert_eq!(f.refusing(), Some(12516), "a bad value changes nothing");
        f.set_max_sessions(Some(3));
        assert_eq!(f.max_sessions(), Some(3));
        f.stall(7);
        assert!(f.is_stalled(7) && !f.is_stalled(8));
        f.set_delay(20);
        f.reset();
        assert_eq!(
            (f.refusing(), f.max_sessions(), f.is_stalled(7), f.delay()),
            (None, None, false, Duration::ZERO)
        );
        let rx = f.drop_signal();
        f.drop_all();
        assert!(rx.has_changed().unwrap());
    }
}
