//! BFILE values and their LOB operations. A BFILE's locator names a
//! directory object and a file; the file is read from the directory's path
//! (inside the data directory: `sqlengine::bfile`) when a client asks, and
//! never written. A file is read only while the session has it open
//! (FILE_OPEN), as Oracle requires.

use oradb_protocol::ttc::lob::{op, LobOpReply, LobOpRequest};
use oradb_protocol::value::ora_type;

use super::calls::State;
use super::exec::sql_err;
use crate::sql::SqlError;

/// The fixed part before the names; python-oracledb's `setfilename` keeps
/// it and rewrites what follows (without updating the length at the front).
const FIXED: usize = 16;
const MAGIC: [u8; 2] = *b"OF";
/// Oracle's BFILE type bit in flag byte 1: without it OCI takes the locator
/// for no file at all (OCILobFileGetName and OCILobFileExists: invalid
/// handle, DPI-1002; measured).
const FLAG1_BFILE: u8 = 0x08;
const FLAG2_INIT: u8 = 0x08;
/// The most one READ answers (Oracle's own limit is 4 GiB less a byte).
const MAX_READ: u64 = 1 << 30;

/// The locator of a BFILE value: the fixed part (its length, version,
/// flags, our magic and the type), then the directory and the file name,
/// each after its big-endian u16 length.
pub(crate) fn locator(dir: &str, file: &str) -> Vec<u8> {
    let mut l = vec![0u8; FIXED];
    l[2..4].copy_from_slice(&1u16.to_be_bytes());
    l[4] = FLAG1_BFILE;
    l[5] = FLAG2_INIT;
    l[8..10].copy_from_slice(&MAGIC);
    l[11] = ora_type::BFILE;
    for name in [dir, file] {
        l.extend_from_slice(&(name.len() as u16).to_be_bytes());
        l.extend_from_slice(name.as_bytes());
    }
    let n = (l.len() - 2) as u16;
    l[0..2].copy_from_slice(&n.to_be_bytes());
    l
}

/// The directory and file a BFILE locator names; None for other locators.
pub(crate) fn names(l: &[u8]) -> Option<(String, String)> {
    if l.len() < FIXED + 4 || l[8..10] != MAGIC || l[11] != ora_type::BFILE {
        return None;
    }
    let mut at = FIXED;
    let mut next = || -> Option<String> {
        let n = usize::from(u16::from_be_bytes([*l.get(at)?, *l.get(at + 1)?]));
        let s = std::str::from_utf8(l.get(at + 2..at + 2 + n)?).ok()?;
        at += 2 + n;
        Some(s.to_string())
    };
    Some((next()?, next()?))
}

/// The locator of a stored BFILE value (`sqlengine::bfile`), if it is one.
pub(crate) fn stored_locator(v: &oradb_protocol::value::Value) -> Option<Vec<u8>> {
    match v {
        oradb_protocol::value::Value::Varchar(t) => {
            crate::sql::bfile::split(t).map(|(d, f)| locator(d, f))
        }
        _ => None,
    }
}

fn op_name(operation: u32) -> &'static str {
    match operation {
        op::FILE_EXISTS => "FILEEXISTS",
        op::GET_LENGTH => "GETLENGTH",
        op::READ => "FILEREAD",
        _ => "FILEOPEN",
    }
}

/// What one operation found on disk.
enum Disk {
    Exists(bool),
    Length(u64),
    Read(Vec<u8>),
    Opened,
}

/// Runs a LOB operation on a BFILE: the session's open files live in
/// `st.lobs`; the directory is looked up, and the file read, off the
/// runtime's threads.
pub(crate) async fn apply(
    st: &mut State,
    req: &LobOpRequest,
    (dir, file): (String, String),
) -> Result<Result<LobOpReply, SqlError>, String> {
    let key = (dir.clone(), file.clone());
    let mut reply = LobOpReply {
        locator: req.source.clone().unwrap_or_default(),
        ..LobOpReply::default()
    };
    match req.operation {
        op::FILE_CLOSE | op::CLOSE => {
            st.lobs.files.remove(&key);
            return Ok(Ok(reply));
        }
        op::FILE_ISOPEN | op::IS_OPEN => {
            reply.flag = Some(st.lobs.files.contains(&key));
            return Ok(Ok(reply));
        }
        op::GET_CHUNK_SIZE => {
            reply.amount = Some(i64::from(super::lob::CHUNK_SIZE));
            return Ok(Ok(reply));
        }
        op::READ if !st.lobs.files.contains(&key) => {
            return Ok(Err(sql_err(
                22289,
                "cannot perform FILEREAD operation on an unopened file or LOB",
            )));
        }
        op::FILE_EXISTS | op::FILE_OPEN | op::OPEN | op::GET_LENGTH | op::READ => {}
        _ => {
            return Ok(Err(sql_err(
                22286,
                "insufficient privileges on file or directory to perform this operation \
                 (a BFILE is read-only)",
            )))
        }
    }
    let (operation, offset, amount) = (req.operation, req.source_offset, req.amount.unwrap_or(0));
    let found = st
        .engine(false, move |s| {
            disk(s.directory_path(&dir), &file, operation, offset, amount)
        })
        .await?;
    match found {
        Ok(Disk::Exists(e)) => reply.flag = Some(e),
        Ok(Disk::Length(n)) => reply.amount = Some(n as i64),
        Ok(Disk::Read(data)) => {
            reply.amount = Some(data.len() as i64);
            reply.data = (!data.is_empty()).then_some(data);
        }
        Ok(Disk::Opened) => {
            st.lobs.files.insert(key);
            reply.amount = req.amount.map(|a| a as i64);
        }
        Err(e) => return Ok(Err(e)),
    }
    Ok(Ok(reply))
}

/// The file operation itself, on the directory's path (None: no such directory).
fn disk(
    dir: Option<std::path::PathBuf>,
    file: &str,
    operation: u32,
    offset: u64,
    amount: u64,
) -> Result<Disk, SqlError> {
    let what = op_name(operation);
    let Some(dir) = dir else {
        return Err(sql_err(
            22285,
            &format!("non-existent directory or file for {what} operation"),
        ));
    };
    // A file name, not a path: nothing that leaves the directory.
    if file.is_empty() || file.contains(['/', '\\', '\0']) || file == ".." || file == "." {
        return Err(sql_err(
            22288,
            &format!("file or LOB operation {what} failed\ninvalid file name"),
        ));
    }
    let path = dir.join(file);
    let failed = |e: std::io::Error| {
        sql_err(
            22288,
            &format!("file or LOB operation {what} failed\n{}", io_text(&e)),
        )
    };
    match operation {
        op::FILE_EXISTS => Ok(Disk::Exists(path.is_file())),
        op::GET_LENGTH => Ok(Disk::Length(
            std::fs::metadata(&path).map_err(failed)?.len(),
        )),
        op::READ => {
            use std::io::{Read, Seek, SeekFrom};
            let mut f = std::fs::File::open(&path).map_err(failed)?;
            f.seek(SeekFrom::Start(offset.saturating_sub(1)))
                .map_err(failed)?;
            // Amount 0 reads to the end (node-oracledb's getData() of a BFILE, whose size
            // the row does not carry).
            let amount = if amount == 0 {
                MAX_READ
            } else {
                amount.min(MAX_READ)
            };
            let mut data = Vec::new();
            f.take(amount).read_to_end(&mut data).map_err(failed)?;
            Ok(Disk::Read(data))
        }
        _ => {
            if !path.is_file() {
                return Err(failed(std::io::ErrorKind::NotFound.into()));
            }
            Ok(Disk::Opened)
        }
    }
}

/// An I/O error as Oracle's text shows the OS's reason (no paths: a client
/// learns nothing of the server's file system).
fn io_text(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory",
        std::io::ErrorKind::PermissionDenied => "Permission denied",
        _ => "Input/output error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locator_names_its_directory_and_file() {
        let l = locator("FILES", "a b.txt");
        assert_eq!(u16::from_be_bytes([l[0], l[1]]) as usize, l.len() - 2);
        assert_eq!(l[4], FLAG1_BFILE, "the type bit OCI checks");
        assert_eq!(names(&l), Some(("FILES".into(), "a b.txt".into())));
        // Rewritten by a client (setfilename) with a stale length: still read.
        let mut r = l[..FIXED].to_vec();
        r.extend_from_slice(&[0, 1, b'D', 0, 2, b'f', b'2']);
        assert_eq!(names(&r), Some(("D".into(), "f2".into())));
        assert_eq!(names(&l[..l.len() - 1]), None);
        let mut other = l.clone();
        other[11] = ora_type::BLOB;
        assert_eq!(names(&other), None);
    }

    #[test]
    fn disk_operations_and_their_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("f.txt"), b"0123456789").unwrap();
        let d = || Some(dir.path().to_path_buf());
        let code = |r: Result<Disk, SqlError>| r.err().map(|e| e.code);
        assert!(matches!(
            disk(d(), "f.txt", op::FILE_EXISTS, 0, 0),
            Ok(Disk::Exists(true))
        ));
        assert!(matches!(
            disk(d(), "no.txt", op::FILE_EXISTS, 0, 0),
            Ok(Disk::Exists(false))
        ));
        assert!(matches!(
            disk(d(), "f.txt", op::GET_LENGTH, 0, 0),
            Ok(Disk::Length(10))
        ));
        match disk(d(), "f.txt", op::READ, 3, 4) {
            Ok(Disk::Read(b)) => assert_eq!(b, b"2345"),
            _ => panic!("read"),
        }
        match disk(d(), "f.txt", op::READ, 4, 0) {
            Ok(Disk::Read(b)) => assert_eq!(b, b"3456789"),
            _ => panic!("read to the end"),
        }
        match disk(d(), "f.txt", op::READ, 11, 4) {
            Ok(Disk::Read(b)) => assert!(b.is_empty()),
            _ => panic!("read past the end"),
        }
        assert_eq!(
            code(disk(None, "f.txt", op::FILE_EXISTS, 0, 0)),
            Some(22285)
        );
        assert_eq!(code(disk(d(), "no.txt", op::FILE_OPEN, 0, 0)), Some(22288));
        assert_eq!(
            code(disk(d(), "../f.txt", op::FILE_OPEN, 0, 0)),
            Some(22288)
        );
        assert_eq!(code(disk(d(), "no.txt", op::GET_LENGTH, 0, 0)), Some(22288));
        let e = disk(d(), "no.txt", op::READ, 1, 1).err().unwrap();
        assert!(!e
            .message
            .contains(&dir.path().to_string_lossy().to_string()));
    }
}
