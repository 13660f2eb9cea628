//! LOB calls of a thick connection: the same names, arguments and results as a thin
//! connection's (`lob.rs`, BOUNDARY.md "LOBs"), over `oradb_thick`'s LOBs. A thick locator is
//! the connection's u32 id for the LOB, not Oracle's bytes.

use napi::bindgen_prelude::*;
use napi::JsObject;
use napi_derive::napi;

use crate::thick::{direct, NativeThickConnection};
use crate::{Bytes, HeapBytes};

#[napi]
impl NativeThickConnection {
    /// Resolves to u32 chunk size then the locator.
    #[napi]
    pub fn lob_create_temp(&self, env: Env, db_type: u32, csfrm: u32) -> Result<JsObject> {
        let c = self.inner.clone();
        direct(env, move || {
            let (chunk, loc) = c.lob_create_temp(db_type as u8, csfrm as u8)?;
            let mut out = chunk.to_le_bytes().to_vec();
            out.extend_from_slice(&loc);
            Ok(HeapBytes::from(out))
        })
    }

    /// Resolves to the length in characters (CLOB) or bytes (BLOB).
    #[napi]
    pub fn lob_length(&self, env: Env, locator: Bytes) -> Result<JsObject> {
        let c = self.inner.clone();
        direct(env, move || c.lob_length(&locator.0).map(|n| n as f64))
    }

    /// Resolves to u32 units read, then the data (CLOB as UTF-8).
    #[napi]
    pub fn lob_read(&self, env: Env, locator: Bytes, offset: f64, amount: f64) -> Result<JsObject> {
        let c = self.inner.clone();
        direct(env, move || {
            let (units, data) = c.lob_read(&locator.0, offset as u64, amount as u64)?;
            let mut out = Vec::with_capacity(4 + data.len());
            out.extend_from_slice(&(units as u32).to_le_bytes());
            out.extend_from_slice(&data);
            Ok(HeapBytes::from(out))
        })
    }

    /// Writes `data` (CLOB as UTF-8) at `offset`; resolves to the locator.
    #[napi]
    pub fn lob_write(
        &self,
        env: Env,
        locator: Bytes,
        offset: f64,
        data: Bytes,
    ) -> Result<JsObject> {
        let c = self.inner.clone();
        direct(env, move || {
            c.lob_write(&locator.0, offset as u64, &data.0)
                .map(HeapBytes::from)
        })
    }

    /// Cuts the LOB to `newSize`; resolves to the locator.
    #[napi]
    pub fn lob_trim(&self, env: Env, locator: Bytes, new_size: f64) -> Result<JsObject> {
        let c = self.inner.clone();
        direct(env, move || {
            c.lob_trim(&locator.0, new_size as u64).map(HeapBytes::from)
        })
    }

    /// Resolves to whether a BFILE's file exists.
    #[napi]
    pub fn bfile_exists(&self, env: Env, locator: Bytes) -> Result<JsObject> {
        let c = self.inner.clone();
        direct(env, move || c.bfile_exists(&locator.0))
    }

    /// Lets the LOB go (a temporary one is freed on the server).
    #[napi]
    pub fn lob_free(&self, env: Env, locator: Bytes) -> Result<JsObject> {
        let c = self.inner.clone();
        direct(env, move || c.lob_free(&locator.0))
    }
}
