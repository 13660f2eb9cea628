//! Sequences are not transactional in Oracle (NEXTVAL survives rollback), so
//! they live outside SQLite: in memory, written through to a small file in
//! the data directory so restarts continue where they left off.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::errors::err;
use super::SqlError;

#[derive(Clone, Copy, Debug)]
struct Seq {
    next: i128,
    inc: i128,
}

/// The key prefix of a schema's sequences: they are kept as `SCHEMA.NAME`
/// (unqualified keys are those of data directories older than schemas).
pub fn prefix(schema: &str) -> String {
    format!("{schema}.")
}

pub struct Sequences {
    file: PathBuf,
    map: Mutex<HashMap<String, Seq>>,
}

impl Sequences {
    pub fn load(dir: &Path) -> Self {
        let file = dir.join("sequences.txt");
        let mut map = HashMap::new();
        if let Ok(text) = std::fs::read_to_string(&file) {
            for line in text.lines() {
                let mut p = line.split('\t');
                if let (Some(n), Some(next), Some(inc)) = (p.next(), p.next(), p.next()) {
                    if let (Ok(next), Ok(inc)) = (next.parse(), inc.parse()) {
                        map.insert(n.to_string(), Seq { next, inc });
                    }
                }
            }
        }
        Sequences {
            file,
            map: Mutex::new(map),
        }
    }

    fn save(&self, map: &HashMap<String, Seq>) {
        let text: String = map
            .iter()
            .map(|(n, s)| format!("{n}\t{}\t{}\n", s.next, s.inc))
            .collect();
        let tmp = self.file.with_extension("tmp");
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, &self.file);
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut HashMap<String, Seq>) -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        let mut map = self
            .map
            .lock()
            .map_err(|_| err(600, "internal error code, arguments: [sequences]"))?;
        f(&mut map)
    }

    pub fn create(&self, name: &str, start: i128, inc: i128) -> Result<(), SqlError> {
        self.with(|m| {
            if m.contains_key(name) {
                return Err(err(955, "name is already used by an existing object"));
            }
            m.insert(name.to_string(), Seq { next: start, inc });
            self.save(m);
            Ok(())
        })
    }

    pub fn drop(&self, name: &str) -> Result<(), SqlError> {
        self.with(|m| {
            m.remove(name)
                .ok_or_else(|| err(2289, "sequence does not exist"))?;
            self.save(m);
            Ok(())
        })
    }

    pub fn drop_prefix(&self, prefix: &str) {
        let _ = self.with(|m| {
            m.retain(|k, _| !k.starts_with(prefix));
            self.save(m);
            Ok(())
        });
    }

    pub fn exists(&self, name: &str) -> bool {
        self.map
            .lock()
            .map(|m| m.contains_key(name))
            .unwrap_or(false)
    }

    /// (name, next value, increment) of every sequence, by name.
    pub fn list(&self) -> Vec<(String, i128, i128)> {
        let mut v: Vec<_> = self
            .map
            .lock()
            .map(|m| m.iter().map(|(k, s)| (k.clone(), s.next, s.inc)).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    pub fn next(&self, name: &str) -> Result<i128, SqlError> {
        self.with(|m| {
            let s = m
                .get_mut(name)
                .ok_or_else(|| err(2289, "sequence does not exist"))?;
            let v = s.next;
            s.next += s.inc;
            self.save(m);
            Ok(v)
        })
    }
}
