//! LOB calls on a connection: each a call like any other, queued in order
//! (see `exec/lob.rs` for the wire side).

use crate::conn::Connection;
use crate::error::Result;
pub use crate::exec::LobRead;

impl Connection {
    /// Creates a temporary LOB: `ora_type::CLOB` (`csfrm` 1, or 2 for an
    /// NCLOB) or `ora_type::BLOB`. Returns its locator and chunk size.
    pub async fn lob_create_temp(&self, ora_type: u8, csfrm: u8) -> Result<(Vec<u8>, u32)> {
        self.call(async |st| st.lob_create_temp(ora_type, csfrm).await)
            .await
    }

    /// The LOB's length in characters (CLOB; UTF-16 code units when the
    /// locator says so) or bytes (BLOB).
    pub async fn lob_length(&self, locator: &[u8]) -> Result<u64> {
        self.call(async |st| st.lob_length(locator).await).await
    }

    pub async fn lob_chunk_size(&self, locator: &[u8]) -> Result<u32> {
        self.call(async |st| st.lob_chunk_size(locator).await).await
    }

    /// Reads up to `amount` units from 1-based `offset` (CLOB data as UTF-8).
    pub async fn lob_read(&self, locator: &[u8], offset: u64, amount: u64) -> Result<LobRead> {
        self.call(async |st| st.lob_read(locator, offset, amount).await)
            .await
    }

    /// Writes at 1-based `offset` (CLOB data as UTF-8); returns the locator
    /// as it stands after the write.
    pub async fn lob_write(&self, locator: &[u8], offset: u64, data: &[u8]) -> Result<Vec<u8>> {
        self.call(async |st| st.lob_write(locator, offset, data).await)
            .await
    }

    /// Cuts the LOB to `new_size` units; returns the locator after the trim.
    pub async fn lob_trim(&self, locator: &[u8], new_size: u64) -> Result<Vec<u8>> {
        self.call(async |st| st.lob_trim(locator, new_size).await)
            .await
    }

    /// Whether the file a BFILE names exists (ORA-22285 when its directory
    /// does not).
    pub async fn bfile_exists(&self, locator: &[u8]) -> Result<bool> {
        self.call(async |st| st.bfile_flag(locator, true).await)
            .await
    }

    /// Reads up to `amount` bytes of a BFILE from 1-based `offset`, opening
    /// the file for the read (and closing it after) unless it is open.
    pub async fn bfile_read(&self, locator: &[u8], offset: u64, amount: u64) -> Result<LobRead> {
        self.call(async |st| st.bfile_read(locator, offset, amount).await)
            .await
    }

    /// Frees a LOB the caller is done with. No round trip: the free goes
    /// with the next call. A closed connection has nothing left to free.
    pub async fn lob_free(&self, locator: &[u8]) -> Result<()> {
        self.call(async |st| {
            st.lob_free(locator);
            Ok(())
        })
        .await
        .or(Ok(()))
    }

    /// Frees (with the next call) every LOB still held: fetched, OUT and
    /// temporary. `close()` does it; a pool does it on release.
    pub async fn lob_free_all(&self) {
        let _ = self
            .call(async |st| {
                st.lob_free_all();
                Ok(())
            })
            .await;
    }
}
