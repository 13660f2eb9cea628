//! Nested cursors of CURSOR(…) columns. The server closes them with the
//! cursor whose rows hold them (as Oracle does), so that cursor stays open
//! while any of them is: when the caller is done with it (its rows ran out or
//! it was closed), its close waits for the last nested cursor's.

use std::collections::{HashMap, HashSet};

use super::*;

/// Which open cursors hold nested cursors, and which wait for theirs.
#[derive(Default)]
pub(crate) struct Nested {
    /// Each live nested cursor's parent.
    parent: HashMap<u32, u32>,
    /// How many live nested cursors each parent has.
    live: HashMap<u32, usize>,
    /// Parents the caller is done with, to close after their last child.
    waiting: HashSet<u32>,
}

impl Nested {
    fn adopt(&mut self, parent: u32, child: u32) {
        if self.parent.insert(child, parent).is_none() {
            *self.live.entry(parent).or_default() += 1;
        }
    }

    /// The caller is done with `id`: true while it must stay open.
    fn hold(&mut self, id: u32) -> bool {
        let held = self.live.get(&id).is_some_and(|n| *n > 0);
        if held {
            self.waiting.insert(id);
        }
        held
    }

    /// Nested cursor `id` closed: its parent, when that waited for it alone.
    fn release(&mut self, id: u32) -> Option<u32> {
        let p = self.parent.remove(&id)?;
        let n = self.live.get_mut(&p)?;
        *n -= 1;
        if *n > 0 {
            return None;
        }
        self.live.remove(&p);
        self.waiting.remove(&p).then_some(p)
    }
}

impl State {
    /// Makes the nested cursors a response's rows carried fetchable (LOB
    /// columns as locators: the server holds their rows already), children
    /// of `parent`.
    pub(super) fn adopt_nested(&mut self, parent: u32, acc: &mut Acc) {
        for (id, cols) in acc.nested.drain(..) {
            self.cursors.insert(id, plan_for(&cols, &[], false, &[]));
            if parent != 0 {
                self.nested.adopt(parent, id);
            }
        }
    }

    /// Closes server cursor `id` with the next call, unless nested cursors
    /// of its rows are still open; a parent that waited only for it closes
    /// too.
    pub(super) fn close_or_hold(&mut self, id: u32) {
        if self.nested.hold(id) {
            return;
        }
        self.pending_close.push(id);
        let mut next = self.nested.release(id);
        while let Some(p) = next {
            self.pending_close.push(p);
            next = self.nested.release(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Nested;

    #[test]
    fn a_parent_waits_for_its_nested_cursors() {
        let mut n = Nested::default();
        n.adopt(1, 10);
        n.adopt(1, 11);
        n.adopt(10, 20);
        // Done with the parent: it waits for 10 and 11; 10 waits for 20.
        assert!(n.hold(1));
        assert_eq!(n.release(11), None);
        assert!(n.hold(10));
        assert_eq!(n.release(20), Some(10));
        assert_eq!(n.release(10), Some(1));
        // A parent still in use is not closed when its children are.
        n.adopt(2, 30);
        assert_eq!(n.release(30), None);
        assert!(!n.hold(2));
        assert_eq!(n.release(99), None);
    }
}
