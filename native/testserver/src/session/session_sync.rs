//! Tells thin clients what a call changed in their session: after `ALTER
//! SESSION SET CURRENT_SCHEMA` or `SET EDITION` the answer carries a SYNC
//! piggyback with the new value, as Oracle's does (python-oracledb and
//! node-oracledb read `currentSchema` and `edition` from it). Not sent to
//! OCI, which was measured without it.

use std::sync::Arc;

use oradb_protocol::ttc::session_sync::{SessionSync, CURRENT_SCHEMA, EDITION};

use super::Conn;
use crate::registry::SessionInfo;

/// The session being watched and the schema and edition the client knows.
pub(crate) struct Synced {
    info: Arc<SessionInfo>,
    told: (String, String),
}

fn now(info: &SessionInfo) -> (String, String) {
    let a = info.attrs();
    let edition = if a.edition.is_empty() {
        crate::sql::editions::BASE.to_string()
    } else {
        a.edition.clone()
    };
    (a.schema.clone(), edition)
}

/// Starts watching the session attached now (at logon, and after a DRCP
/// reattach): its values then are what the client knows.
pub(super) fn watch(conn: &mut Conn, info: &Arc<SessionInfo>) {
    if conn.caps.oci {
        return;
    }
    conn.sync = Some(Synced {
        info: info.clone(),
        told: now(info),
    });
}

impl Synced {
    /// The piggyback for what changed since the client was last told.
    pub(super) fn changes(&mut self) -> Option<SessionSync> {
        let (schema, edition) = now(&self.info);
        let mut pairs = Vec::new();
        if schema != self.told.0 {
            pairs.push((CURRENT_SCHEMA, schema.clone()));
        }
        if edition != self.told.1 {
            pairs.push((EDITION, edition.clone()));
        }
        self.told = (schema, edition);
        (!pairs.is_empty()).then_some(SessionSync { pairs })
    }
}
