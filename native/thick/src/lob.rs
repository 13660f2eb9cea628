//! LOB locators in thick mode: ODPI-C's `dpiLob` behind the `Lob` calls of BOUNDARY.md. The
//! `oracle` crate's `Clob`/`Blob`/`Nclob` bind a LOB but read a CLOB only with a buffer as many
//! bytes long as the characters asked for (OCI then wants more room and ODPI-C reads nothing),
//! so reads, writes, lengths and trims go to ODPI-C directly. This is the crate's one module of
//! raw ODPI-C calls; every `unsafe` says why it holds.

use std::os::raw::c_char;
use std::sync::OnceLock;

use odpic_sys::{
    dpiContext, dpiContext_createWithParams, dpiContext_getError, dpiErrorInfo, dpiLob,
    dpiLob_addRef, dpiLob_getBufferSize, dpiLob_getChunkSize, dpiLob_getDirectoryAndFileName,
    dpiLob_getFileExists, dpiLob_getSize, dpiLob_readBytes, dpiLob_release, dpiLob_trim,
    dpiLob_writeBytes, DPI_MAJOR_VERSION, DPI_MINOR_VERSION,
};
use oracle::sql_type::{Blob, Clob, FromSql, InnerValue, Nclob, OracleType, ToSql};
use oracle::{Connection, SqlValue};

use crate::error::{Error, Result};

/// What a LOB holds; CLOB and NCLOB count characters (UTF-16 code units), BLOB bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobKind {
    Clob,
    Nclob,
    Blob,
    /// A file on the server, read-only (bytes).
    Bfile,
}

impl LobKind {
    /// The Oracle type and character set form a locator goes to JS with (tag 13).
    pub fn wire(self) -> (u8, u8) {
        match self {
            LobKind::Clob => (112, 1),
            LobKind::Nclob => (112, 2),
            LobKind::Blob => (113, 1),
            LobKind::Bfile => (114, 1),
        }
    }
}

/// The `oracle` crate's object over the same LOB: what a statement binds.
enum Bindable {
    Clob(Clob),
    Nclob(Nclob),
    Blob(Blob),
}

/// One LOB of a connection, held by a reference of our own on its `dpiLob`.
pub struct Lob {
    handle: *mut dpiLob,
    /// `None` for a LOB only read whole (`whole`), which is never bound.
    bind: Option<Bindable>,
    kind: LobKind,
}

// SAFETY: a dpiLob may be used from any thread as long as calls on it do not overlap; every
// call on a connection's LOBs holds that connection's call lock (`conn::Calls`).
unsafe impl Send for Lob {}

impl Drop for Lob {
    fn drop(&mut self) {
        // SAFETY: `handle` carries the reference taken in `Raw::from_sql`; released once here.
        // The last reference of a temporary LOB frees it on the server.
        unsafe { dpiLob_release(self.handle) };
    }
}

/// A `dpiLob` with a reference added, read out of a value holding a LOB.
struct Raw(*mut dpiLob, bool);

impl FromSql for Raw {
    fn from_sql(v: &SqlValue) -> oracle::Result<Raw> {
        let (h, blob) = match v.as_inner_value()? {
            InnerValue::Clob(h) => (h, false),
            InnerValue::Blob(h) => (h, true),
            _ => {
                return Err(oracle::Error::new(
                    oracle::ErrorKind::InvalidTypeConversion,
                    "not a LOB",
                ))
            }
        };
        // SAFETY: `h` is the live dpiLob of the value; the reference added keeps it alive after
        // the row or variable moves on, and `Lob::drop` releases it.
        if unsafe { dpiLob_addRef(h) } != 0 {
            return Err(oracle::Error::new(
                oracle::ErrorKind::InternalError,
                "dpiLob_addRef failed",
            ));
        }
        Ok(Raw(h, blob))
    }
}

impl Lob {
    /// The LOB a fetched column or an OUT bind holds as a locator.
    pub fn from_value(v: &SqlValue) -> oracle::Result<Lob> {
        // Made before any call can fail: making it clears the thread's last error.
        context();
        let raw: Raw = v.get()?;
        let (bind, kind) = match (v.oracle_type()?, raw.1) {
            // Read-only: never bound (TS refuses it first).
            (OracleType::BFILE, _) => (None, LobKind::Bfile),
            (_, true) => (Some(Bindable::Blob(v.get()?)), LobKind::Blob),
            (OracleType::NCLOB, _) => (Some(Bindable::Nclob(v.get()?)), LobKind::Nclob),
            _ => (Some(Bindable::Clob(v.get()?)), LobKind::Clob),
        };
        Ok(Lob {
            handle: raw.0,
            bind,
            kind,
        })
    }

    /// The whole value of a fetched locator (CLOB as UTF-8): LOB columns are fetched as
    /// locators and the ones not wanted as `Lob`s are read here.
    pub fn whole(v: &SqlValue) -> oracle::Result<Vec<u8>> {
        context();
        let raw: Raw = v.get()?;
        let kind = if raw.1 { LobKind::Blob } else { LobKind::Clob };
        let lob = Lob {
            handle: raw.0,
            bind: None,
            kind,
        };
        let to_oracle = |e: Error| oracle::Error::new(oracle::ErrorKind::InternalError, e.message);
        let n = lob.size().map_err(to_oracle)?;
        Ok(lob.read(1, n).map_err(to_oracle)?.1)
    }

    /// A new temporary LOB on the session.
    pub fn temporary(conn: &Connection, kind: LobKind) -> Result<Lob> {
        context();
        let bind = match kind {
            LobKind::Clob => Bindable::Clob(Clob::new(conn)?),
            LobKind::Nclob => Bindable::Nclob(Nclob::new(conn)?),
            LobKind::Blob => Bindable::Blob(Blob::new(conn)?),
            LobKind::Bfile => {
                return Err(Error::odb(
                    crate::error::codes::INVALID_ARGUMENT,
                    "a temporary LOB is a CLOB, NCLOB or BLOB, not a BFILE",
                ))
            }
        };
        // The crate keeps a new LOB's dpiLob private: bound to a statement that is prepared but
        // never run (no round trip), its variable hands the handle back.
        let mut st = conn
            .statement("SELECT :1 FROM DUAL")
            .exclude_from_cache()
            .build()?;
        st.bind(1, bind.as_sql())?;
        let raw: Raw = st.bind_value(1)?;
        // SAFETY: the crate's `new` adds a reference to the one `dpiConn_newTempLob` gave it and
        // releases only one when dropped (oracle 0.6.3, pinned), which kept every temporary LOB
        // on the server until the session ended. Ours (`raw`) keeps the handle alive.
        unsafe { dpiLob_release(raw.0) };
        Ok(Lob {
            handle: raw.0,
            bind: Some(bind),
            kind,
        })
    }

    /// The LOB's `dpiLob`, valid while `self` lives (`crate::arrays` reads its connection).
    pub(crate) fn handle(&self) -> *mut dpiLob {
        self.handle
    }

    pub fn kind(&self) -> LobKind {
        self.kind
    }

    /// What a statement binds for this LOB.
    pub fn as_sql(&self) -> Result<&dyn ToSql> {
        let b = self.bind.as_ref().ok_or_else(|| {
            Error::odb(
                crate::error::codes::INTERNAL,
                "a LOB read whole is not bound",
            )
        })?;
        Ok(b.as_sql())
    }

    /// Length in characters (CLOB, NCLOB) or bytes (BLOB).
    pub fn size(&self) -> Result<u64> {
        let mut n = 0u64;
        // SAFETY: a live handle (our reference) and a valid out pointer.
        check(unsafe { dpiLob_getSize(self.handle, &mut n) })?;
        Ok(n)
    }

    pub fn chunk_size(&self) -> Result<u32> {
        let mut n = 0u32;
        // SAFETY: as in `size`.
        check(unsafe { dpiLob_getChunkSize(self.handle, &mut n) })?;
        Ok(n)
    }

    /// Up to `amount` characters or bytes from the 1-based `offset`: the units read and the
    /// data (CLOB as UTF-8).
    pub fn read(&self, offset: u64, amount: u64) -> Result<(u64, Vec<u8>)> {
        // A whole-LOB read asks for more than there is: the buffer is sized to what is left.
        let amount = if amount > 1 << 16 {
            amount.min(self.size()?.saturating_sub(offset.saturating_sub(1)))
        } else {
            amount
        };
        if amount == 0 {
            return Ok((0, Vec::new()));
        }
        let mut room = 0u64;
        // SAFETY: a live handle and a valid out pointer.
        check(unsafe { dpiLob_getBufferSize(self.handle, amount, &mut room) })?;
        let mut buf = vec![0u8; usize::try_from(room).map_err(|_| too_big())?];
        let mut len = room;
        // SAFETY: `buf` has `room` writable bytes, which `len` tells ODPI-C; it writes at most
        // that many and sets `len` to the bytes written.
        check(unsafe {
            dpiLob_readBytes(
                self.handle,
                offset,
                amount,
                buf.as_mut_ptr() as *mut c_char,
                &mut len,
            )
        })?;
        buf.truncate(len as usize);
        let units = match self.kind {
            LobKind::Blob => len,
            _ => String::from_utf8_lossy(&buf).encode_utf16().count() as u64,
        };
        Ok((units, buf))
    }

    /// Writes `data` (CLOB as UTF-8) at the 1-based `offset`.
    pub fn write(&self, offset: u64, data: &[u8]) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        // SAFETY: `data` is readable for its length, which ODPI-C is told; it only reads it.
        check(unsafe {
            dpiLob_writeBytes(
                self.handle,
                offset,
                data.as_ptr() as *const c_char,
                data.len() as u64,
            )
        })
    }

    /// Cuts the LOB to `new_size` characters or bytes.
    pub fn trim(&self, new_size: u64) -> Result<()> {
        // SAFETY: a live handle.
        check(unsafe { dpiLob_trim(self.handle, new_size) })
    }

    /// A BFILE's directory object and file name, read from its locator (no round trip).
    pub fn dir_file_name(&self) -> Result<(String, String)> {
        let (mut dir, mut dir_len) = (std::ptr::null(), 0u32);
        let (mut file, mut file_len) = (std::ptr::null(), 0u32);
        // SAFETY: a live handle and valid out pointers; ODPI-C points them at buffers of the
        // LOB's own, valid until the next call on it, and copied out below before any.
        check(unsafe {
            dpiLob_getDirectoryAndFileName(
                self.handle,
                &mut dir,
                &mut dir_len,
                &mut file,
                &mut file_len,
            )
        })?;
        // SAFETY: each pointer (when not null) has as many readable bytes as its length says.
        let text = |p: *const c_char, n: u32| unsafe {
            if p.is_null() || n == 0 {
                String::new()
            } else {
                let b = std::slice::from_raw_parts(p as *const u8, n as usize);
                String::from_utf8_lossy(b).into_owned()
            }
        };
        Ok((text(dir, dir_len), text(file, file_len)))
    }

    /// Whether a BFILE's file exists on the server (a round trip).
    pub fn file_exists(&self) -> Result<bool> {
        let mut exists = 0;
        // SAFETY: a live handle and a valid out pointer.
        check(unsafe { dpiLob_getFileExists(self.handle, &mut exists) })?;
        Ok(exists != 0)
    }
}

impl Bindable {
    fn as_sql(&self) -> &dyn ToSql {
        match self {
            Bindable::Clob(c) => c,
            Bindable::Nclob(c) => c,
            Bindable::Blob(c) => c,
        }
    }
}

fn too_big() -> Error {
    Error::odb(
        crate::error::codes::INVALID_ARGUMENT,
        "the LOB read is too large",
    )
}

/// An ODPI-C context of our own, only to read the thread's last error (ODPI-C keeps it per
/// thread, whichever context asks). Made after `crate::init` loaded the library, and before
/// the first LOB call (making it resets the thread's error).
pub(crate) fn context() -> Option<*mut dpiContext> {
    static CTX: OnceLock<usize> = OnceLock::new();
    let p = *CTX.get_or_init(|| {
        let mut ctx: *mut dpiContext = std::ptr::null_mut();
        // SAFETY: zeroed is a valid "no error" dpiErrorInfo (null pointers, zero lengths).
        let mut info: dpiErrorInfo = unsafe { std::mem::zeroed() };
        // SAFETY: out pointers valid; null params means ODPI-C's defaults, and the library is
        // already loaded by the oracle crate's context.
        let rc = unsafe {
            dpiContext_createWithParams(
                DPI_MAJOR_VERSION,
                DPI_MINOR_VERSION,
                std::ptr::null_mut(),
                &mut ctx,
                &mut info,
            )
        };
        if rc == 0 {
            ctx as usize
        } else {
            0
        }
    });
    (p != 0).then_some(p as *mut dpiContext)
}

/// ODPI-C's return code as a result, with the thread's error when it failed.
pub(crate) fn check(rc: i32) -> Result<()> {
    if rc == 0 {
        return Ok(());
    }
    let Some(ctx) = context() else {
        return Err(Error::odb(
            crate::error::codes::INTERNAL,
            "ODPI-C call failed",
        ));
    };
    // SAFETY: as in `context`.
    let mut info: dpiErrorInfo = unsafe { std::mem::zeroed() };
    // SAFETY: a live context and a valid out pointer; ODPI-C fills it from this thread's error.
    unsafe { dpiContext_getError(ctx, &mut info) };
    let text = |p: *const c_char, n: usize| -> String {
        if p.is_null() {
            return String::new();
        }
        // SAFETY: ODPI-C's error text stays valid until the thread's next ODPI-C call.
        let s = unsafe { std::slice::from_raw_parts(p as *const u8, n) };
        String::from_utf8_lossy(s).into_owned()
    };
    let message = text(info.message, info.messageLength as usize);
    let db = oracle::DbError::new(info.code, info.offset, message, "", "");
    let mut e = Error::from_db(&db, info.offset);
    e.is_recoverable = e.is_recoverable || info.isRecoverable != 0;
    Err(e)
}
