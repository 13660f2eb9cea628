//! The OCI pools of a thick pool's sharding keys. OCI's session pool logs every session on to
//! one connect string, and the oracle crate has no per-get sharding key, so each key (as the
//! connect descriptor carrying it, `crate::shard::keyed`) gets a pool of its own: a session is
//! only ever reused for the same key, as in thin mode.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use oracle::pool::Pool;

use crate::error::Result;

#[derive(Default)]
pub(crate) struct Shards {
    pools: Mutex<HashMap<String, Pool>>,
}

impl Shards {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Pool>> {
        self.pools.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The pool of `descriptor`, made by `make` the first time (under the lock, so one key
    /// never gets two pools; `make` opens no session).
    pub(crate) fn get_or_make(
        &self,
        descriptor: &str,
        make: impl FnOnce() -> Result<Pool>,
    ) -> Result<Pool> {
        let mut pools = self.lock();
        if let Some(p) = pools.get(descriptor) {
            return Ok(p.clone());
        }
        let p = make()?;
        pools.insert(descriptor.to_string(), p.clone());
        Ok(p)
    }

    /// Every key's pool (clones sharing the `dpiPool`s), for statistics and reconfigure.
    pub(crate) fn all(&self) -> Vec<Pool> {
        self.lock().values().cloned().collect()
    }

    /// Every key's pool but `except`'s.
    pub(crate) fn others(&self, except: Option<&str>) -> Vec<Pool> {
        let pools = self.lock();
        let others = pools.iter().filter(|(k, _)| Some(k.as_str()) != except);
        others.map(|(_, p)| p.clone()).collect()
    }

    /// True when no key has a pool yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Every key's pool, forgotten here: the pool is closing.
    pub(crate) fn take(&self) -> Vec<Pool> {
        self.lock().drain().map(|(_, p)| p).collect()
    }
}
