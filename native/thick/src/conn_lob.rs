//! The LOB calls of a thick connection (BOUNDARY.md, "LOBs"). A locator that crosses to JS is
//! the u32 id of a `Lob` the connection keeps until `lob_free` or close: OCI's locators are
//! client-side handles, not bytes the server reads back.

use std::cell::RefCell;
use std::collections::HashMap;

use oracle::sql_type::RefCursor;
use oracle::SqlValue;

use crate::conn::ThickConnection;
use crate::error::{Error, Result};
use crate::lob::{Lob, LobKind};

/// The LOBs a connection has handed to JS, by id.
#[derive(Default)]
pub(crate) struct LobStore {
    next: u32,
    map: HashMap<u32, Lob>,
}

impl LobStore {
    fn add(&mut self, lob: Lob) -> u32 {
        self.next = self.next.wrapping_add(1).max(1);
        self.map.insert(self.next, lob);
        self.next
    }

    /// The LOB a locator from JS names.
    pub(crate) fn get(&self, locator: &[u8]) -> Result<&Lob> {
        self.map.get(&id_of(locator)?).ok_or_else(|| {
            Error::odb(
                crate::error::codes::LOB_CLOSED,
                "the LOB is freed or belongs to another connection",
            )
        })
    }

    pub(crate) fn clear(&mut self) {
        self.map.clear();
    }
}

fn id_of(locator: &[u8]) -> Result<u32> {
    // A BFILE's carries its names after the id (`put_locator`).
    let id = if locator.len() >= BFILE_NAMES_AT {
        &locator[..4]
    } else {
        locator
    };
    let b: [u8; 4] = id.try_into().map_err(|_| {
        Error::odb(
            crate::error::codes::MALFORMED_BIND_BUFFER,
            "a thick-mode LOB locator is 4 bytes",
        )
    })?;
    Ok(u32::from_le_bytes(b))
}

/// What a call hands to JS by reference while it reads values: LOBs, and REF CURSORs (nested
/// `CURSOR(…)` columns, OUT binds) with the cursor ids they get.
#[derive(Default)]
pub(crate) struct Collected {
    pub(crate) lobs: LobStore,
    pub(crate) next_cursor: u32,
    pub(crate) cursors: Vec<(u32, RefCursor)>,
}

thread_local! {
    /// Where values read on this thread go while a call collects them.
    static SINK: RefCell<Option<Collected>> = const { RefCell::new(None) };
}

/// Runs `f` with LOB and REF CURSOR values it reads kept in `c` (see `put_locator`).
pub(crate) fn collecting<T>(c: &mut Collected, f: impl FnOnce() -> T) -> T {
    SINK.with(|s| *s.borrow_mut() = Some(std::mem::take(c)));
    let r = f();
    // Taken back whatever happened, so nothing stays behind on this thread.
    SINK.with(|s| *c = s.borrow_mut().take().unwrap_or_default());
    r
}

/// Appends a REF CURSOR value as tag 20 (cursor id, then its columns); false when no call
/// collects on this thread (the caller then fails: a cursor cannot go whole).
pub(crate) fn put_cursor(out: &mut Vec<u8>, v: &SqlValue) -> oracle::Result<bool> {
    SINK.with(|s| {
        let mut s = s.borrow_mut();
        let Some(c) = s.as_mut() else {
            return Ok(false);
        };
        let cur: RefCursor = match v.get() {
            Ok(cur) => cur,
            // A REF CURSOR the block never opened: OCI cannot describe it (ORA-24338). It is
            // NULL, as in thin mode.
            Err(e) if e.db_error().is_some_and(|d| d.code() == 24338) => {
                out.push(0);
                return Ok(true);
            }
            Err(e) => return Err(e),
        };
        keep_cursor(c, out, cur)?;
        Ok(true)
    })
}

/// Appends the implicit results of `stmt` (`DBMS_SQL.RETURN_RESULT`) as tag 20 values, kept
/// like REF CURSOR OUT values; None when it returned none.
pub(crate) fn put_implicit(stmt: &oracle::Statement) -> oracle::Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    while let Some(cur) = stmt.implicit_result()? {
        SINK.with(|s| match s.borrow_mut().as_mut() {
            Some(c) => keep_cursor(c, &mut out, cur),
            // No call collects them (never so in `execute`): nothing could name it.
            None => Ok(()),
        })?;
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Keeps `cur` among the collected cursors under a new id and appends it as tag 20.
fn keep_cursor(c: &mut Collected, out: &mut Vec<u8>, mut cur: RefCursor) -> oracle::Result<()> {
    c.next_cursor = c.next_cursor.wrapping_add(1).max(1);
    out.push(20);
    out.extend_from_slice(&c.next_cursor.to_le_bytes());
    crate::fetch::columns(cur.query_as::<crate::fetch::Appended>()?.column_info(), out);
    c.cursors.push((c.next_cursor, cur));
    Ok(())
}

/// Appends a LOB value as a tag 13 locator; false (nothing appended) when no call collects
/// LOBs on this thread, and the value then goes whole.
pub(crate) fn put_locator(out: &mut Vec<u8>, v: &SqlValue) -> oracle::Result<bool> {
    SINK.with(|s| {
        let mut s = s.borrow_mut();
        let Some(c) = s.as_mut() else {
            return Ok(false);
        };
        let store = &mut c.lobs;
        let lob = Lob::from_value(v)?;
        let chunk = lob.chunk_size().unwrap_or(0);
        let (ty, csfrm) = lob.kind().wire();
        let names = match lob.kind() {
            LobKind::Bfile => Some(lob.dir_file_name().map_err(|e| {
                oracle::Error::new(oracle::ErrorKind::InternalError, e.to_string())
            })?),
            _ => None,
        };
        let id = store.add(lob);
        out.extend_from_slice(&[13, ty, csfrm]);
        // The size is asked for when wanted (`Lob.size()`): here it would cost a round trip.
        out.extend_from_slice(&0f64.to_le_bytes());
        out.extend_from_slice(&chunk.to_le_bytes());
        let locator = locator_of(id, names);
        out.extend_from_slice(&(locator.len() as u32).to_le_bytes());
        out.extend_from_slice(&locator);
        Ok(true)
    })
}

/// Where a BFILE locator's names start, as in the server's locators (src/lob.ts reads them
/// there in both modes).
const BFILE_NAMES_AT: usize = 16;

/// The locator JS gets: the id, and for a BFILE its directory and file name after it, each
/// after its big-endian u16 length, so that `getDirFileName()` needs no call (it is sync).
fn locator_of(id: u32, names: Option<(String, String)>) -> Vec<u8> {
    let mut l = id.to_le_bytes().to_vec();
    if let Some((dir, file)) = names {
        l.resize(BFILE_NAMES_AT, 0);
        for name in [dir, file] {
            let n = name.len().min(usize::from(u16::MAX));
            l.extend_from_slice(&(n as u16).to_be_bytes());
            l.extend_from_slice(&name.as_bytes()[..n]);
        }
    }
    l
}

impl ThickConnection {
    /// Whether a BFILE's file exists (ORA-22285 when its directory does not).
    pub fn bfile_exists(&self, locator: &[u8]) -> Result<bool> {
        self.call(|c| c.lobs.get(locator)?.file_exists())
    }

    /// A temporary LOB (`db_type` 112 CLOB, 113 BLOB; `csfrm` 2: NCLOB): chunk size, locator.
    pub fn lob_create_temp(&self, db_type: u8, csfrm: u8) -> Result<(u32, Vec<u8>)> {
        let kind = match (db_type, csfrm) {
            (113, _) => LobKind::Blob,
            (112, 2) => LobKind::Nclob,
            (112, _) => LobKind::Clob,
            _ => {
                return Err(Error::odb(
                    crate::error::codes::INVALID_ARGUMENT,
                    format!("a temporary LOB is a CLOB or BLOB, not Oracle type {db_type}"),
                ))
            }
        };
        self.call(|calls| {
            let lob = Lob::temporary(&self.read(), kind)?;
            let chunk = lob.chunk_size()?;
            let id = calls.lobs.add(lob);
            Ok((chunk, id.to_le_bytes().to_vec()))
        })
    }

    pub fn lob_length(&self, locator: &[u8]) -> Result<u64> {
        self.call(|c| c.lobs.get(locator)?.size())
    }

    /// Units read (characters or bytes) and the data (CLOB as UTF-8).
    pub fn lob_read(&self, locator: &[u8], offset: u64, amount: u64) -> Result<(u64, Vec<u8>)> {
        self.call(|c| c.lobs.get(locator)?.read(offset, amount))
    }

    /// Writes at `offset`; the locator stays the same.
    pub fn lob_write(&self, locator: &[u8], offset: u64, data: &[u8]) -> Result<Vec<u8>> {
        self.call(|c| c.lobs.get(locator)?.write(offset, data))?;
        Ok(locator.to_vec())
    }

    pub fn lob_trim(&self, locator: &[u8], new_size: u64) -> Result<Vec<u8>> {
        self.call(|c| c.lobs.get(locator)?.trim(new_size))?;
        Ok(locator.to_vec())
    }

    /// Lets the LOB go (a temporary one is freed on the server); again: nothing to do.
    pub fn lob_free(&self, locator: &[u8]) -> Result<()> {
        let id = id_of(locator)?;
        // Dropped under the call lock: freeing a temporary LOB is a call of the session.
        self.call(|c| {
            c.lobs.map.remove(&id);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locator_is_a_four_byte_id_and_an_unknown_one_is_a_closed_lob() {
        let store = LobStore::default();
        let bad = store.get(&[1, 2, 3]).err().unwrap();
        assert_eq!(bad.code, crate::error::codes::MALFORMED_BIND_BUFFER);
        let gone = store.get(&7u32.to_le_bytes()).err().unwrap();
        assert_eq!(gone.code, crate::error::codes::LOB_CLOSED);
        assert_eq!(id_of(&7u32.to_le_bytes()).unwrap(), 7);
    }

    #[test]
    fn a_bfile_locator_carries_its_names_after_its_id() {
        let l = locator_of(9, Some(("FILES".into(), "a.bin".into())));
        assert_eq!(id_of(&l).unwrap(), 9);
        assert_eq!(&l[BFILE_NAMES_AT..BFILE_NAMES_AT + 2], &[0, 5]);
        assert_eq!(&l[BFILE_NAMES_AT + 2..BFILE_NAMES_AT + 7], b"FILES");
        assert_eq!(&l[BFILE_NAMES_AT + 7..], b"\0\x05a.bin");
        assert_eq!(locator_of(9, None), 9u32.to_le_bytes());
        assert!(
            id_of(&l[..6]).is_err(),
            "neither an id nor a BFILE's locator"
        );
    }

    #[test]
    fn without_a_collecting_call_put_locator_leaves_values_whole() {
        // No store on this thread: `put_locator` declines before touching the value, which
        // `values::put` then sends whole. Checked through the thread-local alone.
        SINK.with(|s| assert!(s.borrow().is_none()));
        let mut c = Collected::default();
        let seen = collecting(&mut c, || SINK.with(|s| s.borrow().is_some()));
        assert!(seen);
        SINK.with(|s| assert!(s.borrow().is_none()));
    }
}
