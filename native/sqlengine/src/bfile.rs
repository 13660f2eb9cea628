//! BFILEs: directory objects (`CREATE [OR REPLACE] DIRECTORY d AS 'path'`,
//! `DROP DIRECTORY d`, kept in SYS's ORA$DIRECTORIES) and `BFILENAME(d, f)`,
//! whose value a BFILE column stores as `d` + [`SEP`] + `f`. The server reads
//! the files through [`Session::directory_path`].
//!
//! A directory's path lies inside the server's data directory, as in a
//! pluggable database created with PATH_PREFIX: a relative path is taken
//! from there, and one that would leave it is ORA-65254. A client can
//! therefore read only files put under the data directory.

use std::path::{Component, Path, PathBuf};

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use super::errors::err;
use super::lexer::{Tok, Token};
use super::schemas::qualified_name;
use super::{Session, SqlError};

pub(crate) const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS SYS.\"ORA$DIRECTORIES\" (\
     NAME TEXT PRIMARY KEY, PATH TEXT NOT NULL);";

/// Between the directory and the file name in a stored BFILE value (a
/// character no directory or file name holds).
pub const SEP: char = '\u{1f}';

/// ALL_DIRECTORIES / DBA_DIRECTORIES (owned by SYS, as Oracle's are).
pub(crate) const DIRECTORIES: &[(&str, &str)] = &[
    ("OWNER", "TEXT_VC_128_128"),
    ("DIRECTORY_NAME", "TEXT_VC_128_128"),
    ("DIRECTORY_PATH", "TEXT_VC_4000_4000"),
    ("ORIGIN_CON_ID", "BLOB_NUM_0_U"),
];

/// A stored BFILE value's directory and file name.
pub fn split(v: &str) -> Option<(&str, &str)> {
    v.split_once(SEP)
}

/// `BFILENAME(directory, file)`: NULL if either is NULL.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("ora_bfilename", 2, det, |c| {
        let d: Option<String> = c.get(0)?;
        let f: Option<String> = c.get(1)?;
        Ok(d.zip(f).map(|(d, f)| format!("{d}{SEP}{f}")))
    })
}

/// `path` under `root`, or None when it would leave it (an absolute path
/// elsewhere, or a `..`).
fn inside(root: &Path, path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let rel = if p.is_absolute() {
        p.strip_prefix(root).ok()?
    } else {
        p
    };
    if rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    Some(root.join(rel))
}

impl Session {
    /// CREATE [OR REPLACE] DIRECTORY d AS 'path' and DROP DIRECTORY d.
    pub(super) fn directory_ddl(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let create = toks[0].is_word("CREATE");
        let replace = create && toks.get(1).is_some_and(|t| t.is_word("OR"));
        let i = if replace { 4 } else { 2 };
        let (_, name, next) = qualified_name(toks, i)?;
        self.commit()?;
        let map = |e: rusqlite::Error| super::errors::map(&e, toks, &self.user);
        if !create {
            let n = self
                .conn
                .execute(
                    "DELETE FROM SYS.\"ORA$DIRECTORIES\" WHERE NAME = ?1",
                    [&name],
                )
                .map_err(map)?;
            if n == 0 {
                return Err(err(4043, &format!("object {name} does not exist")));
            }
            return Ok(());
        }
        let path = match (toks.get(next), toks.get(next + 1).map(|t| &t.tok)) {
            (Some(t), Some(Tok::Str(p))) if t.is_word("AS") || t.is_word("IS") => p.clone(),
            (t, _) => {
                return Err(SqlError {
                    offset: t.map_or(0, |t| t.pos as u32),
                    ..err(905, "missing keyword")
                })
            }
        };
        if inside(&self.db.dir, &path).is_none() {
            return Err(err(65254, "invalid path specified for the directory"));
        }
        let verb = if replace {
            "INSERT OR REPLACE"
        } else {
            "INSERT"
        };
        self.conn
            .execute(
                &format!("{verb} INTO SYS.\"ORA$DIRECTORIES\" (NAME, PATH) VALUES (?1, ?2)"),
                [&name, &path],
            )
            .map_err(|e| {
                if e.to_string().contains("UNIQUE") {
                    err(955, "name is already used by an existing object")
                } else {
                    map(e)
                }
            })?;
        Ok(())
    }

    /// The rows of ALL_DIRECTORIES: each directory with its full path.
    pub(super) fn directory_rows(&self) -> Vec<Vec<rusqlite::types::Value>> {
        use rusqlite::types::Value as Sql;
        let Ok(mut stmt) = self
            .conn
            .prepare("SELECT NAME, PATH FROM SYS.\"ORA$DIRECTORIES\" ORDER BY NAME")
        else {
            return Vec::new();
        };
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)));
        rows.map(|it| {
            it.filter_map(Result::ok)
                .map(|(name, path)| {
                    let full = inside(&self.db.dir, &path).unwrap_or_default();
                    vec![
                        Sql::Text("SYS".into()),
                        Sql::Text(name),
                        Sql::Text(full.to_string_lossy().into_owned()),
                        Sql::Integer(0),
                    ]
                })
                .collect()
        })
        .unwrap_or_default()
    }

    /// Where directory `name` points, if it exists.
    pub fn directory_path(&self, name: &str) -> Option<PathBuf> {
        let path: String = self
            .conn
            .query_row(
                "SELECT PATH FROM SYS.\"ORA$DIRECTORIES\" WHERE NAME = ?1",
                [name],
                |r| r.get(0),
            )
            .ok()?;
        inside(&self.db.dir, &path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let root = Path::new("/data/db");
        assert_eq!(inside(root, "files"), Some(PathBuf::from("/data/db/files")));
        assert_eq!(
            inside(root, "/data/db/a/b"),
            Some(PathBuf::from("/data/db/a/b"))
        );
        assert_eq!(inside(root, "./x"), Some(PathBuf::from("/data/db/./x")));
        for bad in ["/etc", "../x", "a/../../x", "/data/dbx", "/data/db/../y"] {
            assert_eq!(inside(root, bad), None, "{bad}");
        }
    }

    fn run(s: &mut Session, sql: &str) -> Result<crate::Outcome, SqlError> {
        let p = s.prepare(sql)?;
        s.execute(&p, &[])
    }

    #[test]
    fn directories_and_bfilename() {
        use oradb_protocol::value::{ora_type, Value};
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Database::open(Some(dir.path())).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        run(&mut s, "create directory files as 'bf'").unwrap();
        assert_eq!(s.directory_path("FILES"), Some(dir.path().join("bf")));
        assert_eq!(
            run(&mut s, "create directory files as 'x'")
                .unwrap_err()
                .code,
            955
        );
        run(&mut s, "create or replace directory files as 'x'").unwrap();
        assert_eq!(s.directory_path("FILES"), Some(dir.path().join("x")));
        let crate::Outcome::Rows { rows, .. } = run(
            &mut s,
            "select owner, directory_name, directory_path from all_directories",
        )
        .unwrap() else {
            panic!("no rows")
        };
        let path = dir.path().join("x").to_string_lossy().into_owned();
        assert_eq!(
            rows,
            vec![vec![
                Value::Varchar("SYS".into()),
                Value::Varchar("FILES".into()),
                Value::Varchar(path)
            ]]
        );
        assert_eq!(
            run(&mut s, "create directory up as '../x'")
                .unwrap_err()
                .code,
            65254
        );
        assert_eq!(
            run(&mut s, "create directory up as '/etc'")
                .unwrap_err()
                .code,
            65254
        );
        assert_eq!(s.directory_path("UP"), None);
        run(&mut s, "create table tb (id number, f bfile)").unwrap();
        run(
            &mut s,
            "insert into tb values (1, bfilename('FILES', 'a.txt'))",
        )
        .unwrap();
        run(&mut s, "insert into tb values (2, null)").unwrap();
        let crate::Outcome::Rows { columns, rows } =
            run(&mut s, "select f, bfilename('D', 'b') from tb order by id").unwrap()
        else {
            panic!("no rows")
        };
        assert_eq!(columns[0].ora_type, ora_type::BFILE);
        assert_eq!(columns[1].ora_type, ora_type::BFILE);
        let text = |v: &Value| match v {
            Value::Varchar(t) => split(t).map(|(d, f)| (d.to_string(), f.to_string())),
            _ => None,
        };
        assert_eq!(text(&rows[0][0]), Some(("FILES".into(), "a.txt".into())));
        assert_eq!(text(&rows[0][1]), Some(("D".into(), "b".into())));
        assert!(rows[1][0].is_null());
        run(&mut s, "drop directory files").unwrap();
        assert_eq!(s.directory_path("FILES"), None);
        assert_eq!(run(&mut s, "drop directory files").unwrap_err().code, 4043);
    }
}
