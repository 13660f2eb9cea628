//! Collection types declared in package specs (`TYPE t IS TABLE OF …
//! [INDEX BY …]`, `VARRAY(n) OF …`), as clients describe and bind them
//! (`conn.gettype("PKG.T")`): an [`ObjType`] named `PKG.T`, read from the
//! spec's source (stored code has one namespace, so its owner is the
//! current schema). Records are not described here.

use crate::lexer::{self, Tok, Token};
use crate::stored::TABLE;
use crate::Session;

use super::parse::parse_type;
use super::{ObjKind, ObjType};

impl Session {
    fn package_specs(&self, name: Option<&str>) -> Vec<(String, String)> {
        let sql = format!(
            "SELECT name, source FROM {TABLE} WHERE kind = 'PACKAGE' AND (?1 IS NULL OR name = ?1)"
        );
        let Ok(mut stmt) = self.conn.prepare_cached(&sql) else {
            return Vec::new();
        };
        let rows = stmt.query_map([name], |r| Ok((r.get(0)?, r.get(1)?)));
        rows.map(|it| it.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }

    /// Type `name` of package `pkg` (owner `owner`, the current schema).
    pub(crate) fn package_type(&self, owner: &str, pkg: &str, name: &str) -> Option<ObjType> {
        if owner != self.schema() {
            return None;
        }
        let (_, src) = self.package_specs(Some(pkg)).into_iter().next()?;
        spec_types(self, &src, owner, pkg)
            .into_iter()
            .find(|t| t.name.rsplit('.').next() == Some(name))
    }

    /// Every collection type of every package spec, with its package.
    pub(crate) fn package_types(&self) -> Vec<(String, ObjType)> {
        let owner = self.schema();
        self.package_specs(None)
            .into_iter()
            .flat_map(|(pkg, src)| {
                spec_types(self, &src, &owner, &pkg)
                    .into_iter()
                    .map(move |t| (pkg.clone(), t))
            })
            .collect()
    }
}

/// The collection TYPEs a package spec declares.
fn spec_types(s: &Session, src: &str, owner: &str, pkg: &str) -> Vec<ObjType> {
    let Ok(toks) = lexer::tokenize(src) else {
        return Vec::new();
    };
    let exists = |o: &str, n: &str| s.object_type(o, n).is_some();
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let is_type = toks[i].is_word("TYPE")
            && toks
                .get(i + 2)
                .is_some_and(|t| t.is_word("IS") || t.is_word("AS"));
        let Some(name) = toks.get(i + 1).and_then(Token::ident).filter(|_| is_type) else {
            continue;
        };
        let end = toks[i..]
            .iter()
            .position(|t| t.is_op(";"))
            .map_or(toks.len(), |e| i + e);
        let def = &toks[i + 3..end.max(i + 3)];
        if let Some(kind) = kind_of(def, owner, &exists) {
            out.push(ObjType {
                owner: owner.to_string(),
                name: format!("{pkg}.{name}"),
                kind,
            });
        }
    }
    out
}

fn kind_of(def: &[Token], owner: &str, exists: &dyn Fn(&str, &str) -> bool) -> Option<ObjKind> {
    let word = |k: usize, w: &str| def.get(k).is_some_and(|t| t.is_word(w));
    let of = def.iter().position(|t| t.is_word("OF"))?;
    let stop = def
        .iter()
        .position(|t| t.is_word("INDEX") || t.is_word("NOT"))
        .unwrap_or(def.len());
    let elem = parse_type(def.get(of + 1..stop)?, owner, exists).ok()?;
    if word(0, "TABLE") && of == 1 {
        return Some(if def.iter().any(|t| t.is_word("INDEX")) {
            ObjKind::IndexBy { elem }
        } else {
            ObjKind::Table { elem }
        });
    }
    let limit = def.iter().find_map(|t| match &t.tok {
        Tok::Number(n) => n.parse().ok(),
        _ => None,
    })?;
    (word(0, "VARRAY") || (word(0, "VARYING") && word(1, "ARRAY")))
        .then_some(ObjKind::Varray { limit, elem })
}
