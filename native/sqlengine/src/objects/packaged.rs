//! Collection types declared in package specs (`TYPE t IS TABLE OF …
//! [INDEX BY …]`, `VARRAY(n) OF …`), as clients describe and bind them
//! (`conn.gettype("PKG.T")`): an [`ObjType`] named `PKG.T`, read from the
//! spec's source (stored code has one namespace, so its owner is the
//! current schema). A `RECORD (…)` is described as an object type of its
//! fields, as Oracle describes PL/SQL records to clients.

use crate::lexer::{self, split_commas, Tok, Token};
use crate::stored::TABLE;
use crate::Session;

use super::parse::parse_type;
use super::{AttrType, ObjKind, ObjType};

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
    let is_type = |i: usize| {
        toks[i].is_word("TYPE")
            && toks
                .get(i + 2)
                .is_some_and(|t| t.is_word("IS") || t.is_word("AS"))
    };
    // The spec's own type names: a field or element may name one of them.
    let local: Vec<String> = (0..toks.len())
        .filter(|&i| is_type(i))
        .filter_map(|i| toks.get(i + 1).and_then(Token::ident))
        .collect();
    let scope = Scope {
        owner,
        pkg,
        local: &local,
        exists: &exists,
    };
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let Some(name) = toks
            .get(i + 1)
            .and_then(Token::ident)
            .filter(|_| is_type(i))
        else {
            continue;
        };
        let end = toks[i..]
            .iter()
            .position(|t| t.is_op(";"))
            .map_or(toks.len(), |e| i + e);
        let def = &toks[i + 3..end.max(i + 3)];
        if let Some(kind) = kind_of(def, &scope) {
            out.push(ObjType {
                owner: owner.to_string(),
                name: format!("{pkg}.{name}"),
                kind,
            });
        }
    }
    out
}

/// Where a spec's type names resolve: its own types first, then the
/// schema's.
struct Scope<'a> {
    owner: &'a str,
    pkg: &'a str,
    local: &'a [String],
    exists: &'a dyn Fn(&str, &str) -> bool,
}

impl Scope<'_> {
    fn resolve(&self, t: &[Token]) -> Option<AttrType> {
        // `[schema.]table%ROWTYPE`.
        if let [stem @ .., pct, rowtype] = t {
            if pct.is_op("%") && rowtype.is_word("ROWTYPE") {
                let (owner, table) = match stem {
                    [n] => (self.owner.to_string(), n.ident()?),
                    [o, dot, n] if dot.is_op(".") => (o.ident()?, n.ident()?),
                    _ => return None,
                };
                return (self.exists)(&owner, &format!("{table}%ROWTYPE")).then(|| {
                    AttrType::Named {
                        owner,
                        name: format!("{table}%ROWTYPE"),
                    }
                });
            }
        }
        if let [one] = t {
            if let Some(n) = one.ident().filter(|n| self.local.contains(n)) {
                return Some(AttrType::Named {
                    owner: self.owner.to_string(),
                    name: format!("{}.{n}", self.pkg),
                });
            }
        }
        parse_type(t, self.owner, self.exists).ok()
    }
}

fn kind_of(def: &[Token], scope: &Scope) -> Option<ObjKind> {
    let word = |k: usize, w: &str| def.get(k).is_some_and(|t| t.is_word(w));
    if word(0, "RECORD") {
        return record(def, scope);
    }
    let of = def.iter().position(|t| t.is_word("OF"))?;
    let stop = def
        .iter()
        .position(|t| t.is_word("INDEX") || t.is_word("NOT"))
        .unwrap_or(def.len());
    let elem = scope.resolve(def.get(of + 1..stop)?)?;
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

/// `RECORD (field type [NOT NULL] [:= default], …)` as an object type.
fn record(def: &[Token], scope: &Scope) -> Option<ObjKind> {
    let body = def.get(2..def.len().checked_sub(1)?)?;
    if !def.get(1)?.is_op("(") || !def.last()?.is_op(")") {
        return None;
    }
    let mut fields = Vec::new();
    for part in split_commas(body) {
        let name = part.first()?.ident()?;
        let stop = part
            .iter()
            .position(|t| t.is_word("NOT") || t.is_word("DEFAULT") || t.is_op(":="))
            .unwrap_or(part.len());
        fields.push((name, scope.resolve(part.get(1..stop)?)?));
    }
    (!fields.is_empty()).then_some(ObjKind::Object(fields))
}
