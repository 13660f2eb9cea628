//! Statement cache: open server cursors kept per SQL text, so running the
//! same statement again is a re-execute without SQL text or describe.

use std::collections::{HashMap, VecDeque};

use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::describe::DescribeColumn;

struct Cached {
    cursor_id: u32,
    binds: Vec<ColumnMeta>,
    describe: Option<Vec<DescribeColumn>>,
    in_use: bool,
}

pub(crate) struct StmtCache {
    cap: usize,
    map: HashMap<String, Cached>,
    /// Least recently used first.
    order: VecDeque<String>,
}

impl StmtCache {
    pub fn new(cap: usize) -> Self {
        StmtCache {
            cap,
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    fn touch(&mut self, sql: &str) {
        if let Some(i) = self.order.iter().position(|s| s == sql) {
            self.order.remove(i);
        }
        self.order.push_back(sql.to_string());
    }

    /// A free cached cursor for `sql` whose binds have the same types and
    /// big-enough buffers; marks it in use.
    pub fn take(
        &mut self,
        sql: &str,
        binds: &[ColumnMeta],
    ) -> Option<(u32, Option<Vec<DescribeColumn>>)> {
        let e = self.map.get_mut(sql)?;
        let fits = !e.in_use
            && e.binds.len() == binds.len()
            && e.binds
                .iter()
                .zip(binds)
                .all(|(a, b)| a.ora_type == b.ora_type && a.buffer_size >= b.buffer_size);
        if !fits {
            return None;
        }
        e.in_use = true;
        let out = (e.cursor_id, e.describe.clone());
        self.touch(sql);
        Some(out)
    }

    /// Remembers a cursor; returns cursors that must now be closed (evicted
    /// or replaced).
    pub fn put(
        &mut self,
        sql: &str,
        cursor_id: u32,
        binds: Vec<ColumnMeta>,
        describe: Option<Vec<DescribeColumn>>,
        in_use: bool,
    ) -> Vec<u32> {
        let mut close = Vec::new();
        if self.cap == 0 {
            if !in_use {
                close.push(cursor_id);
            }
            return close;
        }
        if let Some(old) = self.map.insert(
            sql.to_string(),
            Cached {
                cursor_id,
                binds,
                describe,
                in_use,
            },
        ) {
            if old.cursor_id != cursor_id && !old.in_use {
                close.push(old.cursor_id);
            }
        }
        self.touch(sql);
        while self.map.len() > self.cap {
            let Some(victim) = self
                .order
                .iter()
                .find(|s| self.map.get(*s).is_some_and(|e| !e.in_use))
                .cloned()
            else {
                break;
            };
            self.order.retain(|s| s != &victim);
            if let Some(e) = self.map.remove(&victim) {
                close.push(e.cursor_id);
            }
        }
        close
    }

    /// The server described a cached cursor again (DDL changed its select list): later
    /// re-executes decode with the new columns.
    pub fn redescribe(&mut self, cursor_id: u32, describe: Vec<DescribeColumn>) {
        if let Some(e) = self.map.values_mut().find(|e| e.cursor_id == cursor_id) {
            e.describe = Some(describe);
        }
    }

    /// Frees a cached cursor after use; false when it is not cached.
    pub fn release(&mut self, cursor_id: u32) -> bool {
        match self.map.values_mut().find(|e| e.cursor_id == cursor_id) {
            Some(e) => {
                e.in_use = false;
                true
            }
            None => false,
        }
    }

    /// Drops the entry for `sql` (after an error); returns its cursor.
    pub fn forget(&mut self, sql: &str) -> Option<u32> {
        self.order.retain(|s| s != sql);
        self.map.remove(sql).map(|e| e.cursor_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oradb_protocol::value::ora_type;

    #[test]
    fn reuse_eviction_and_bind_changes() {
        let b = |n| vec![ColumnMeta::bind(ora_type::VARCHAR, n)];
        let mut c = StmtCache::new(2);
        assert!(c.put("a", 1, b(10), None, false).is_empty());
        assert_eq!(c.take("a", &b(5)).map(|x| x.0), Some(1));
        assert_eq!(c.take("a", &b(5)), None, "in use");
        assert!(c.release(1));
        assert_eq!(c.take("a", &b(50)), None, "buffer too small");
        assert!(c.put("b", 2, b(10), None, false).is_empty());
        assert_eq!(c.put("c", 3, b(10), None, false), vec![1]);
        assert_eq!(c.forget("b"), Some(2));
        assert!(!c.release(9));
        assert_eq!(StmtCache::new(0).put("x", 7, b(1), None, false), vec![7]);
    }
}
