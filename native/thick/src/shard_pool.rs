//! The OCI pools of a thick pool's sharding keys. OCI's session pool logs every session on to
//! one connect string, and the oracle crate has no per-get sharding key, so each key (as the
//! connect descriptor carrying it, `crate::shard::keyed`) gets a pool of its own: a session is
//! only ever reused for the same key, as in thin mode.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use oracle::conn::CloseMode;
use oracle::pool::{Pool, PoolOptions};

use crate::error::{codes, Error, Result};
use crate::pool::ThickPoolLimits;

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

/// poolMax counts the sessions of every key, as in thin mode: when they are all open and
/// `target` has none idle, an idle session of one of the `others` pools is closed to make
/// room; with none idle, "nowait" fails here. (OCI's pools know only their own sessions;
/// "wait" modes still wait inside `target`'s.)
pub(crate) fn make_room(target: &Pool, others: &[Pool], l: &ThickPoolLimits) -> Result<()> {
    let idle = |p: &Pool| {
        let open = p.open_count().unwrap_or(0);
        open.saturating_sub(p.busy_count().unwrap_or(open))
    };
    let open = target.open_count().unwrap_or(0)
        + others
            .iter()
            .map(|p| p.open_count().unwrap_or(0))
            .sum::<u32>();
    if open < l.max || idle(target) > 0 {
        return Ok(());
    }
    let any = PoolOptions::new().match_any_tag(true);
    for p in others.iter().filter(|p| idle(p) > 0) {
        // Best effort: another acquire may take that idle session first.
        if let Ok(c) = p.get_with_options(&any) {
            let _ = c.close_with_mode(CloseMode::Drop);
            return Ok(());
        }
    }
    if l.get_mode == "nowait" {
        return Err(Error::odb(
            codes::POOL_EXHAUSTED,
            format!("the pool is exhausted: all {} sessions are in use", l.max),
        ));
    }
    Ok(())
}

/// A key's pool out of sessions because of `maxSessionsPerShard`: said as thin mode says it.
pub(crate) fn shard_full(e: Error, l: &ThickPoolLimits) -> Error {
    if e.code != codes::POOL_EXHAUSTED || shard_max(l) == l.max {
        return e;
    }
    let oci = e.message.trim_start_matches(&format!("{}: ", e.code));
    let text = format!(
        "the pool is exhausted for this sharding key: all {} of its sessions \
         (maxSessionsPerShard) are in use ({oci})",
        shard_max(l)
    );
    Error::odb(codes::POOL_EXHAUSTED, text)
}

/// Most sessions of one key's pool: `maxSessionsPerShard`, at most `poolMax`.
pub(crate) fn shard_max(l: &ThickPoolLimits) -> u32 {
    match l.max_per_shard {
        0 => l.max,
        n => n.min(l.max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_at_max_sessions_per_shard_says_so() {
        let oci = Error::odb(
            codes::POOL_EXHAUSTED,
            "ORA-24496: OCISessionGet() timed out waiting for a free connection",
        );
        let l = ThickPoolLimits {
            max: 4,
            max_per_shard: 2,
            ..Default::default()
        };
        let e = shard_full(oci.clone(), &l);
        assert_eq!(e.code, codes::POOL_EXHAUSTED);
        assert!(
            e.message
                .contains("all 2 of its sessions (maxSessionsPerShard)"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .ends_with("(ORA-24496: OCISessionGet() timed out waiting for a free connection)"),
            "{}",
            e.message
        );
        // Without a per-shard limit below poolMax, OCI's words stand.
        let l = ThickPoolLimits {
            max: 4,
            ..Default::default()
        };
        assert_eq!(shard_full(oci.clone(), &l), oci);
    }
}
