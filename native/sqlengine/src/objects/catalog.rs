//! Where types live: SYS's `ORA$TYPES` table, one row per type with its
//! CREATE text (parsed again when read, so the table needs no schema of
//! its own for attributes).

use crate::errors::{self, err};
use crate::lexer::{self, Token};
use crate::{Session, SqlError};

use super::{parse_create, AttrType, ObjKind, ObjType};

const TABLE: &str = "SYS.\"ORA$TYPES\"";

impl Session {
    fn ensure_types_table(&mut self) -> Result<(), SqlError> {
        self.conn
            .execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {TABLE} (owner TEXT NOT NULL, name TEXT NOT NULL, \
                 source TEXT NOT NULL, PRIMARY KEY (owner, name))"
            ))
            .map_err(|e| errors::map(&e, &[], &self.user))
    }

    fn type_source(&self, owner: &str, name: &str) -> Option<String> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT source FROM {TABLE} WHERE owner = ?1 AND name = ?2"
            ))
            .ok()?;
        stmt.query_row([owner, name], |r| r.get(0)).ok()
    }

    /// The type `owner.name`, if it exists.
    pub(crate) fn object_type(&self, owner: &str, name: &str) -> Option<ObjType> {
        if name.ends_with(super::rowtype::SUFFIX) {
            return self.rowtype(owner, name);
        }
        if let Some((pkg, ty)) = name.split_once('.') {
            return self.package_type(owner, pkg, ty);
        }
        let src = self.type_source(owner, name)?;
        from_source(&src, owner)
    }

    /// The owner and name of every type: one query, for callers that would
    /// otherwise look names up one by one.
    pub(crate) fn type_names(&self) -> std::collections::HashSet<(String, String)> {
        let Ok(mut stmt) = self
            .conn
            .prepare_cached(&format!("SELECT owner, name FROM {TABLE}"))
        else {
            return Default::default();
        };
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)));
        rows.map(|it| it.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }

    /// Every type, by owner and name.
    pub(crate) fn object_types(&self) -> Vec<ObjType> {
        let Ok(mut stmt) = self.conn.prepare_cached(&format!(
            "SELECT owner, source FROM {TABLE} ORDER BY owner, name"
        )) else {
            return Vec::new();
        };
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)));
        rows.map(|it| {
            it.filter_map(Result::ok)
                .filter_map(|(o, s)| from_source(&s, &o))
                .collect()
        })
        .unwrap_or_default()
    }

    /// Whether this session may use `owner`'s types: its own, or any for
    /// SYS and SYSTEM (the test server has no EXECUTE grants on types).
    pub(crate) fn may_use_types_of(&self, owner: &str) -> bool {
        owner == self.user || matches!(self.user.as_str(), "SYS" | "SYSTEM")
    }

    /// The type whose OID is `oid` (a bind of type 109 names its type so).
    pub fn object_type_by_oid(&self, oid: &[u8]) -> Option<super::TypeRef> {
        self.object_types()
            .into_iter()
            .chain(self.package_types().into_iter().map(|(_, t)| t))
            .find(|t| t.oid() == oid)
            .map(|t| super::TypeRef {
                owner: t.owner,
                name: t.name,
            })
    }

    /// A type named as clients name it: `name`, `schema.name`, either part
    /// quoted (kept as written) or not (upper case).
    pub(crate) fn object_type_named(&self, full: &str) -> Option<ObjType> {
        // `[schema.]table%ROWTYPE`: the table's name as a type's.
        let suffix = super::rowtype::SUFFIX;
        let cut = full.len().checked_sub(suffix.len());
        if let Some(stem) = cut
            .filter(|&k| {
                full.get(k..)
                    .is_some_and(|s| s.eq_ignore_ascii_case(suffix))
            })
            .and_then(|k| full.get(..k))
        {
            let toks = lexer::tokenize(stem).ok()?;
            let (owner, table) = match toks.as_slice() {
                [n] => (self.schema(), n.ident()?),
                [o, dot, n] if dot.is_op(".") => (o.ident()?, n.ident()?),
                _ => return None,
            };
            return self.rowtype(&owner, &format!("{table}{suffix}"));
        }
        let toks = lexer::tokenize(full).ok()?;
        let (owner, name) = match toks.as_slice() {
            [n] => (self.schema(), n.ident()?),
            [o, dot, n] if dot.is_op(".") => {
                // SCHEMA.TYPE, or PKG.TYPE of the current schema.
                let (o, n) = (o.ident()?, n.ident()?);
                if let Some(t) = self.object_type(&o, &n) {
                    return Some(t);
                }
                (self.schema(), format!("{o}.{n}"))
            }
            [o, d1, p, d2, n] if d1.is_op(".") && d2.is_op(".") => {
                (o.ident()?, format!("{}.{}", p.ident()?, n.ident()?))
            }
            _ => return None,
        };
        self.object_type(&owner, &name)
    }

    /// The column a table definition's `name [schema.]type …` declares
    /// when `type` is an object or collection type, and the index after
    /// the type's name.
    pub(crate) fn object_column(&self, item: &[Token]) -> Option<(crate::ColumnInfo, usize)> {
        let first = item.get(1)?.ident()?;
        let (owner, name, next) = match (item.get(2), item.get(3)) {
            (Some(d), Some(n)) if d.is_op(".") => (first, n.ident()?, 4),
            _ => (self.schema(), first, 2),
        };
        self.object_type(&owner, &name)?;
        let c = crate::ColumnInfo {
            name: String::new(),
            ora_type: oradb_protocol::value::ora_type::OBJECT,
            size: 2000,
            char_size: 2000,
            precision: 0,
            scale: 0,
            nullable: true,
            object_type: Some(super::TypeRef { owner, name }),
            national: false,
            uds_flags: 0,
        };
        Some((c, next))
    }

    /// CREATE [OR REPLACE] TYPE … AS OBJECT / VARRAY / TABLE, `toks[at]`
    /// being TYPE.
    pub(crate) fn create_object_type(
        &mut self,
        sql: &str,
        toks: &[Token],
        at: usize,
        replace: bool,
    ) -> Result<(), SqlError> {
        self.commit()?;
        self.ensure_types_table()?;
        let schema = self.schema();
        let exists = |o: &str, n: &str| self.type_source(o, n).is_some();
        let t = parse_create(toks, at, &schema, &exists)?;
        if !self.is_schema(&t.owner) {
            return Err(err(1435, "user does not exist"));
        }
        if let Some(old) = self.object_type(&t.owner, &t.name) {
            if !replace {
                return Err(err(955, "name is already used by an existing object"));
            }
            if old != t && !self.type_dependents(&t.owner, &t.name).is_empty() {
                return Err(err(
                    2303,
                    "cannot drop or replace a type with type or table dependents",
                ));
            }
        }
        let src = sql.trim_end().trim_end_matches('/').trim_end();
        let old_src = self.type_source(&t.owner, &t.name);
        let put = |s: &Self, src: &str| {
            s.conn
                .execute(
                    &format!(
                        "INSERT OR REPLACE INTO {TABLE} (owner, name, source) VALUES (?1, ?2, ?3)"
                    ),
                    rusqlite::params![t.owner, t.name, src],
                )
                .map_err(|e| errors::map(&e, &[], &s.user))
        };
        put(self, src)?;
        // A type that contains itself (through its own or other types'
        // attributes) has no layout: refused, the old definition kept.
        let me = super::TypeRef {
            owner: t.owner.clone(),
            name: t.name.clone(),
        };
        if self.object_shape(&me).is_none() {
            match &old_src {
                Some(old) => {
                    put(self, old)?;
                }
                None => {
                    self.conn
                        .execute(
                            &format!("DELETE FROM {TABLE} WHERE owner = ?1 AND name = ?2"),
                            [&t.owner, &t.name],
                        )
                        .map_err(|e| errors::map(&e, &[], &self.user))?;
                }
            }
            return Err(err(
                6550,
                &format!(
                    "PLS-00318: type \"{}\" is malformed because it is a non-REF mutually recursive type",
                    t.name
                ),
            ));
        }
        Ok(())
    }

    /// DROP TYPE [schema.]name [FORCE | VALIDATE].
    pub(crate) fn drop_object_type(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        self.commit()?;
        let w = |i: usize| toks.get(i).and_then(Token::ident).unwrap_or_default();
        let (owner, name, next) = if toks.get(3).is_some_and(|t| t.is_op(".")) {
            (w(2), w(4), 5)
        } else {
            (self.schema(), w(2), 3)
        };
        let force = w(next) == "FORCE";
        if self.type_source(&owner, &name).is_none() {
            return Err(err(4043, &format!("object {name} does not exist")));
        }
        if !force && !self.type_dependents(&owner, &name).is_empty() {
            return Err(err(
                2303,
                "cannot drop or replace a type with type or table dependents",
            ));
        }
        self.conn
            .execute(
                &format!("DELETE FROM {TABLE} WHERE owner = ?1 AND name = ?2"),
                [&owner, &name],
            )
            .map_err(|e| errors::map(&e, &[], &self.user))?;
        Ok(())
    }

    /// The types whose attributes or elements name `owner.name`, and the
    /// tables (of the schemas this session has attached) with a column of it.
    fn type_dependents(&self, owner: &str, name: &str) -> Vec<String> {
        let uses = |a: &AttrType| a.owner() == Some(owner) && a.type_name() == name;
        let decl = format!(
            "BLOB_OBJ_{}",
            super::TypeRef {
                owner: owner.to_string(),
                name: name.to_string()
            }
            .decl_part()
        );
        let mut tables = Vec::new();
        for schema in &self.attached {
            let sql = format!(
                "SELECT name FROM {}.sqlite_master WHERE type = 'table' AND instr(sql, ?1) > 0",
                crate::schemas::quote(schema)
            );
            if let Ok(mut stmt) = self.conn.prepare(&sql) {
                let found = stmt.query_map([&decl], |r| r.get::<_, String>(0));
                if let Ok(rows) = found {
                    tables.extend(rows.filter_map(Result::ok).map(|t| format!("{schema}.{t}")));
                }
            }
        }
        self.object_types()
            .into_iter()
            .filter(|t| match &t.kind {
                ObjKind::Object(attrs) => attrs.iter().any(|(_, a)| uses(a)),
                ObjKind::Varray { elem, .. }
                | ObjKind::Table { elem }
                | ObjKind::IndexBy { elem } => uses(elem),
            })
            .map(|t| format!("{}.{}", t.owner, t.name))
            .chain(tables)
            .collect()
    }
}

/// A stored CREATE text parsed again; types it names were checked when
/// it was created.
fn from_source(src: &str, owner: &str) -> Option<ObjType> {
    let toks = lexer::tokenize(src).ok()?;
    let at = toks.iter().position(|t| t.is_word("TYPE"))?;
    parse_create(&toks, at, owner, &|_, _| true).ok()
}
