//! Where thick-mode acquires wait for their turn: a counted gate whose waiters are jobs, not
//! threads. A release that hands its permit on runs the next waiter's acquire on its own
//! thread, right after giving its session back to OCI, so the acquire finds that session free:
//! no thread sleeps in OCI's pool and no thread is woken to take the turn.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

/// A waiter's work: called with its permit's gate once it holds one, or with `None` when its
/// acquire was aborted while it waited (it must then settle its promise with that error).
/// Returns the permit when it does not keep it, for the caller to hand on.
pub(crate) type Job = Box<dyn FnOnce(Option<Arc<Gate>>) -> Option<Arc<Gate>> + Send>;

pub(crate) struct Gate {
    state: Mutex<State>,
}

struct State {
    free: usize,
    /// Waiters in arrival order, with their request id (0: not abortable).
    queue: VecDeque<(u32, Job)>,
}

impl Gate {
    pub(crate) fn new(permits: usize) -> Arc<Gate> {
        Arc::new(Gate {
            state: Mutex::new(State {
                free: permits,
                queue: VecDeque::new(),
            }),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a permit and gives `job` back to run now (holding it), or queues `job`.
    pub(crate) fn enter(&self, request: u32, job: Job) -> Option<Job> {
        let mut s = self.state();
        if s.free > 0 && s.queue.is_empty() {
            s.free -= 1;
            return Some(job);
        }
        s.queue.push_back((request, job));
        None
    }

    /// Hands a permit back: to the first waiter, whose job the caller runs at once (on its own
    /// thread, holding the permit), or to the gate.
    pub(crate) fn give_back(&self) -> Option<Job> {
        let mut s = self.state();
        match s.queue.pop_front() {
            Some((_, job)) => Some(job),
            None => {
                s.free += 1;
                None
            }
        }
    }

    /// Takes the waiting job of `request` out of the queue (it was aborted); `None` when it
    /// is not waiting here.
    pub(crate) fn cancel(&self, request: u32) -> Option<Job> {
        let mut s = self.state();
        let at = s
            .queue
            .iter()
            .position(|(r, _)| request != 0 && *r == request)?;
        s.queue.remove(at).map(|(_, job)| job)
    }
}

/// Gives a permit back to `gate` and runs, here, each waiter's job that it passes on to (a
/// job that does not keep it hands it on again: a loop, as a closed pool fails them all).
pub(crate) fn hand_on(gate: &Arc<Gate>) {
    let mut gate = gate.clone();
    while let Some(job) = gate.give_back() {
        match job(Some(gate.clone())) {
            Some(g) => gate = g,
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn counting(n: &Arc<AtomicU32>, add: u32) -> Job {
        let n = n.clone();
        Box::new(move |g| {
            n.fetch_add(if g.is_some() { add } else { 100 * add }, Ordering::SeqCst);
            None
        })
    }

    #[test]
    fn waiters_run_in_order_as_permits_come_back() {
        let g = Gate::new(1);
        let n = Arc::new(AtomicU32::new(0));
        assert!(g.enter(0, counting(&n, 1)).is_some());
        assert!(g.enter(0, counting(&n, 2)).is_none());
        assert!(g.enter(0, counting(&n, 4)).is_none());
        hand_on(&g);
        assert_eq!(n.load(Ordering::SeqCst), 2);
        hand_on(&g);
        assert_eq!(n.load(Ordering::SeqCst), 6);
        // Nobody waits: the permit is free again, and the next comer takes it.
        hand_on(&g);
        assert!(g.enter(0, counting(&n, 8)).is_some());
        assert!(g.enter(0, counting(&n, 8)).is_none());
    }

    #[test]
    fn a_permit_a_job_gives_back_goes_to_the_next_waiter() {
        let g = Gate::new(1);
        let n = Arc::new(AtomicU32::new(0));
        let pass: Job = Box::new(|g| g);
        assert!(g.enter(0, counting(&n, 1)).is_some());
        assert!(g.enter(0, pass).is_none());
        assert!(g.enter(0, counting(&n, 2)).is_none());
        hand_on(&g);
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn an_aborted_waiter_leaves_the_queue_and_others_keep_their_turn() {
        let g = Gate::new(0);
        let n = Arc::new(AtomicU32::new(0));
        assert!(g.enter(7, counting(&n, 1)).is_none());
        assert!(g.enter(8, counting(&n, 2)).is_none());
        let job = g.cancel(7).expect("request 7 waits");
        job(None);
        assert_eq!(n.load(Ordering::SeqCst), 100);
        assert!(g.cancel(7).is_none());
        assert!(g.cancel(0).is_none());
        hand_on(&g);
        assert_eq!(n.load(Ordering::SeqCst), 102);
    }
}
