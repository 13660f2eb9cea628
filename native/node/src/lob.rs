//! LOB calls of a thin connection (BOUNDARY.md, "LOBs"): locators in,
//! locators, lengths and data out. Thick connections have none of these;
//! `src/lob.ts` refuses Lob objects there (ODB-1041).

use napi::bindgen_prelude::*;
use napi::JsObject;
use napi_derive::napi;

use crate::{call, done, guarded, Bytes, HeapBytes, NativeConnection};

#[napi]
impl NativeConnection {
    /// Creates a temporary LOB (`dbType` 112 CLOB, 113 BLOB; `csfrm` 2 for
    /// an NCLOB). Resolves to u32 chunk size then the locator.
    #[napi]
    pub fn lob_create_temp(&self, env: Env, db_type: u32, csfrm: u32) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(
                guarded(async move { c.lob_create_temp(db_type as u8, csfrm as u8).await })
                    .await
                    .map(|(loc, chunk)| {
                        let mut out = chunk.to_le_bytes().to_vec();
                        out.extend_from_slice(&loc);
                        HeapBytes::from(out)
                    }),
            )
        })
    }

    /// Resolves to the length in characters (CLOB) or bytes (BLOB).
    #[napi]
    pub fn lob_length(&self, env: Env, locator: Bytes) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(
                guarded(async move { c.lob_length(&locator.0).await })
                    .await
                    .map(|n| n as f64),
            )
        })
    }

    /// Resolves to u32 units read, then the data (CLOB as UTF-8).
    #[napi]
    pub fn lob_read(&self, env: Env, locator: Bytes, offset: f64, amount: f64) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(
                guarded(async move { c.lob_read(&locator.0, offset as u64, amount as u64).await })
                    .await
                    .map(read_reply),
            )
        })
    }

    /// Resolves to whether a BFILE's file exists.
    #[napi]
    pub fn bfile_exists(&self, env: Env, locator: Bytes) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(guarded(async move { c.bfile_exists(&locator.0).await }).await)
        })
    }

    /// Reads a BFILE's bytes; resolves as `lobRead` does.
    #[napi]
    pub fn bfile_read(
        &self,
        env: Env,
        locator: Bytes,
        offset: f64,
        amount: f64,
    ) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(
                guarded(
                    async move { c.bfile_read(&locator.0, offset as u64, amount as u64).await },
                )
                .await
                .map(read_reply),
            )
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
        call::spawn(env, async move {
            done(
                guarded(async move { c.lob_write(&locator.0, offset as u64, &data.0).await })
                    .await
                    .map(HeapBytes::from),
            )
        })
    }

    /// Cuts the LOB to `newSize`; resolves to the locator.
    #[napi]
    pub fn lob_trim(&self, env: Env, locator: Bytes, new_size: f64) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(
                guarded(async move { c.lob_trim(&locator.0, new_size as u64).await })
                    .await
                    .map(HeapBytes::from),
            )
        })
    }

    /// Frees the LOB with the next call (no round trip of its own).
    #[napi]
    pub fn lob_free(&self, env: Env, locator: Bytes) -> Result<JsObject> {
        let c = self.inner.clone();
        call::spawn(env, async move {
            done(guarded(async move { c.lob_free(&locator.0).await }).await)
        })
    }
}

/// A read's reply to JS: u32 units read, then the data.
fn read_reply(r: oradb_client::LobRead) -> HeapBytes {
    let mut out = Vec::with_capacity(4 + r.data.len());
    out.extend_from_slice(&(r.units as u32).to_le_bytes());
    out.extend_from_slice(&r.data);
    HeapBytes::from(out)
}
