//! The scans of a session's recent SQL texts. Scanning (statement kind,
//! bind names, RETURNING) allocates a string per word; an application runs
//! the same few statements again and again, so each execute looked the same
//! text over anew. A hit costs one hash of the text.

use std::collections::HashMap;
use std::sync::Arc;

use crate::sql::{self, Scan};

/// Texts kept; past this the cache starts over (cheaper than an LRU, and a
/// session running more distinct texts than this gains little either way).
const MAX_TEXTS: usize = 64;

/// Texts longer than this are scanned each time: they are rarely repeated
/// (generated IN lists, anonymous blocks) and would pin memory.
const MAX_TEXT_LEN: usize = 4096;

#[derive(Debug, Default)]
pub(crate) struct ScanCache(HashMap<Box<str>, Arc<Scan>>);

impl ScanCache {
    /// The scan of `sql`, from the cache when it was scanned before.
    pub(crate) fn get(&mut self, sql: &str) -> Arc<Scan> {
        if let Some(s) = self.0.get(sql) {
            return s.clone();
        }
        let s = Arc::new(sql::scan(sql));
        if sql.len() <= MAX_TEXT_LEN {
            if self.0.len() >= MAX_TEXTS {
                self.0.clear();
            }
            self.0.insert(sql.into(), s.clone());
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_is_the_same_scan_as_a_fresh_one() {
        let mut c = ScanCache::default();
        let text = "insert into t values (:a, :b) returning id into :c";
        let first = c.get(text);
        let again = c.get(text);
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(*again, sql::scan(text));
        assert_eq!(again.binds, ["A", "B", "C"]);
    }

    #[test]
    fn past_its_size_the_cache_starts_over_and_still_answers() {
        let mut c = ScanCache::default();
        for i in 0..MAX_TEXTS + 3 {
            let text = format!("select :x{i} from dual");
            assert_eq!(c.get(&text).binds, [format!("X{i}")]);
        }
        assert!(c.0.len() <= MAX_TEXTS);
        let long = format!(
            "select {} from dual where 1 = :n",
            "1 + ".repeat(MAX_TEXT_LEN)
        );
        assert_eq!(c.get(&long).binds, ["N"]);
        assert!(!c.0.contains_key(long.as_str()));
    }
}
