//! `callTimeout` in thick mode: a call that overruns is broken (`dpiConn_breakExecution`), as
//! thin mode does, and fails with ODB-5011.
//!
//! OCI's own call timeout (OCI_ATTR_CALL_TIMEOUT) loses the cursor of the call it ends: the
//! server's ORA-01013 names the cursor, but OCI reports ORA-03156 and never closes it, one
//! cursor leaked on the server per timeout. After a break, OCI reads that error and closes the
//! cursor with its next call. OCI's timeout stays set, later (`backstop`), for a server that
//! does not answer the break at all.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::{Duration, Instant};

use oracle::Connection;

use crate::error::{codes, Error};

/// OCI's own call timeout for a `callTimeout` of `ms` (0: none): late enough for the break
/// to end the call first.
pub(crate) fn backstop(ms: u32) -> Option<Duration> {
    (ms > 0).then(|| Duration::from_millis(u64::from(ms) + u64::from(ms.max(1000))))
}

/// A call being timed.
struct Armed {
    conn: Arc<RwLock<Connection>>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The call returned: no break after that.
    ended: bool,
    /// The break was sent.
    fired: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Armed {
    fn fire(&self) {
        let mut s = lock(&self.state);
        if s.ended {
            return;
        }
        // Under the state lock: `Timed::end` waits for the break to be sent, so the break
        // never reaches the session after the call returned (a break on an idle session
        // costs a round trip, and OCI 19.3 under network encryption cannot resume from one).
        let sent = self
            .conn
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .break_execution();
        s.fired = sent.is_ok();
    }
}

/// The calls being timed by deadline (a sequence number tells equal ones apart), and the
/// last number given.
type Due = (BTreeMap<(Instant, u64), Arc<Armed>>, u64);

/// The calls being timed, served by one thread for the process.
struct Timer {
    due: Mutex<Due>,
    wake: Condvar,
}

fn timer() -> &'static Timer {
    static TIMER: OnceLock<&'static Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        let t: &'static Timer = Box::leak(Box::new(Timer {
            due: Mutex::new((BTreeMap::new(), 0)),
            wake: Condvar::new(),
        }));
        // A failure to start the thread leaves calls untimed by breaks; OCI's backstop
        // still ends them.
        let _ = std::thread::Builder::new()
            .name("oradb-thick-timeout".into())
            .spawn(move || t.run());
        t
    })
}

impl Timer {
    fn run(&self) {
        let mut due = lock(&self.due);
        loop {
            let next = due.0.first_key_value().map(|(k, _)| k.0);
            let now = Instant::now();
            match next {
                None => due = self.wake.wait(due).unwrap_or_else(|p| p.into_inner()),
                Some(at) if at > now => {
                    due = self
                        .wake
                        .wait_timeout(due, at - now)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                Some(_) => {
                    let fired = due.0.pop_first();
                    drop(due);
                    if let Some((_, a)) = fired {
                        a.fire();
                    }
                    due = lock(&self.due);
                }
            }
        }
    }
}

/// A call timed by `arm`; `end` once it returned.
pub(crate) struct Timed {
    key: (Instant, u64),
    armed: Arc<Armed>,
    ms: u32,
}

/// Times a call on `conn` of at most `ms` (0: untimed, `None`).
pub(crate) fn arm(conn: &Arc<RwLock<Connection>>, ms: u32) -> Option<Timed> {
    if ms == 0 {
        return None;
    }
    let t = timer();
    let armed = Arc::new(Armed {
        conn: conn.clone(),
        state: Mutex::new(State::default()),
    });
    let mut due = lock(&t.due);
    due.1 += 1;
    let key = (Instant::now() + Duration::from_millis(u64::from(ms)), due.1);
    let first = due.0.first_key_value().is_none_or(|(k, _)| key < *k);
    due.0.insert(key, armed.clone());
    drop(due);
    if first {
        t.wake.notify_one();
    }
    Some(Timed { key, armed, ms })
}

impl Timed {
    /// Ends the timing (waiting for a break being sent); true when the call was broken.
    fn end(&self) -> bool {
        let fired = {
            let mut s = lock(&self.armed.state);
            s.ended = true;
            s.fired
        };
        if !fired {
            lock(&timer().due).0.remove(&self.key);
        }
        fired
    }

    /// The call's result: its error is ODB-5011 when the timeout broke it.
    pub(crate) fn settle<T>(self, r: crate::Result<T>) -> crate::Result<T> {
        if !self.end() {
            return r;
        }
        r.map_err(|e| match e.code.as_str() {
            "ORA-01013" | codes::CALL_TIMEOUT => Error::odb(
                codes::CALL_TIMEOUT,
                format!(
                    "call timeout of {} ms exceeded (ORA-01013: user requested cancel of current operation)",
                    self.ms
                ),
            ),
            _ => e,
        })
    }
}

impl Drop for Timed {
    fn drop(&mut self) {
        self.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backstop_leaves_the_break_time_to_end_the_call() {
        assert_eq!(backstop(0), None);
        assert_eq!(backstop(50), Some(Duration::from_millis(1050)));
        assert_eq!(backstop(5000), Some(Duration::from_millis(10_000)));
        assert_eq!(
            backstop(u32::MAX),
            Some(Duration::from_millis(2 * u64::from(u32::MAX)))
        );
    }
}
