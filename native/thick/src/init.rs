//! Loading Oracle's client library once per process (ODPI-C's global context).

use std::sync::Mutex;

use crate::error::{Error, Result, LIBRARY_NOT_LOADED, UNAVAILABLE};

/// Where the client library and its configuration are, as `initOracleClient()` takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InitOptions {
    /// Directory holding libclntsh; `None`: the system search path (`LD_LIBRARY_PATH`).
    pub lib_dir: Option<String>,
    /// `TNS_ADMIN` directory (sqlnet.ora, tnsnames.ora).
    pub config_dir: Option<String>,
    /// Shown to the server as the client driver name (`V$SESSION_CONNECT_INFO`).
    pub driver_name: Option<String>,
}

/// The options of the first successful init; ODPI-C's context cannot be made twice.
static DONE: Mutex<Option<InitOptions>> = Mutex::new(None);

/// The `configDir` the library was loaded with (where OCI reads tnsnames.ora and sqlnet.ora).
pub(crate) fn config_dir() -> Option<String> {
    let done = DONE.lock().unwrap_or_else(|p| p.into_inner());
    done.as_ref().and_then(|o| o.config_dir.clone())
}

/// True once the library is loaded.
pub fn is_initialized() -> bool {
    DONE.lock().map(|d| d.is_some()).unwrap_or(false)
}

/// Loads libclntsh. Again with the same options: nothing to do; with others: ODB-1041. A
/// missing library is ODB-1040 quoting ODPI-C's DPI-1047 text, and a later call may retry.
pub fn init(o: &InitOptions) -> Result<()> {
    let mut done = DONE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(prev) = done.as_ref() {
        return if prev == o {
            Ok(())
        } else {
            Err(Error::odb(
                UNAVAILABLE,
                "initOracleClient() was already called with other options",
            ))
        };
    }
    load(o)?;
    *done = Some(o.clone());
    Ok(())
}

fn load(o: &InitOptions) -> Result<()> {
    if oracle::InitParams::is_initialized() {
        return Ok(());
    }
    let mut p = oracle::InitParams::new();
    let bad = |e: oracle::Error| Error::odb(crate::error::codes::INVALID_OPTION, e.to_string());
    if let Some(d) = &o.lib_dir {
        p.oracle_client_lib_dir(d.as_str()).map_err(bad)?;
    }
    if let Some(d) = &o.config_dir {
        p.oracle_client_config_dir(d.as_str()).map_err(bad)?;
    }
    if let Some(n) = &o.driver_name {
        p.default_driver_name(n.as_str()).map_err(bad)?;
    }
    p.init().map(|_| ()).map_err(|e| {
        let e = Error::from(e);
        let from = o.lib_dir.as_deref().unwrap_or("the system library path");
        Error::odb(
            LIBRARY_NOT_LOADED,
            format!(
                "Oracle Client library (libclntsh) could not be loaded from {from}: {}",
                e.message
            ),
        )
    })
}
