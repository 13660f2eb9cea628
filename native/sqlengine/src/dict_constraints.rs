//! USER_/ALL_CONSTRAINTS and USER_/ALL_CONS_COLUMNS: primary keys and
//! unique constraints, as Oracle names their columns. Knex's increments()
//! finds the primary key column through them. A constraint without a name
//! gets a SYS_C name derived from its table, so the two views join.

use rusqlite::types::Value as Sql;

use super::lexer::{self, Tok};
use super::schemas::{is_internal, quote};
use super::Session;

const VC128: &str = "TEXT_VC_128_128";
const VC1: &str = "TEXT_VC_1_1";
const VC9: &str = "TEXT_VC_9_9";
const INT: &str = "INT_NUM_0_U";

pub const CONSTRAINTS: &[(&str, &str)] = &[
    ("OWNER", VC128),
    ("CONSTRAINT_NAME", VC128),
    ("CONSTRAINT_TYPE", VC1),
    ("TABLE_NAME", VC128),
    ("R_OWNER", VC128),
    ("R_CONSTRAINT_NAME", VC128),
    ("STATUS", VC9),
    ("INDEX_NAME", VC128),
];

pub const CONS_COLUMNS: &[(&str, &str)] = &[
    ("OWNER", VC128),
    ("CONSTRAINT_NAME", VC128),
    ("TABLE_NAME", VC128),
    ("COLUMN_NAME", VC128),
    ("POSITION", INT),
];

/// One constraint: name, type (P or U), table and its columns in order.
struct Constraint {
    name: String,
    kind: &'static str,
    table: String,
    columns: Vec<String>,
}

fn t(s: &str) -> Sql {
    Sql::Text(s.to_string())
}

/// A stable system name for an unnamed constraint (FNV-1a of its key).
fn system_name(owner: &str, table: &str, kind: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in format!("{owner}.{table}.{kind}").bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("SYS_C{:07}", h % 10_000_000)
}

/// The name given by `CONSTRAINT name` just before the first `keyword`
/// (PRIMARY or UNIQUE) in a table's CREATE text, if any.
fn declared_name(create: &str, keyword: &str) -> Option<String> {
    let toks = lexer::tokenize(create).ok()?;
    let i = toks.iter().position(|t| t.is_word(keyword))?;
    let named = i >= 2 && toks[i - 2].is_word("CONSTRAINT");
    named.then(|| match &toks[i - 1].tok {
        Tok::Quoted(q) => Some(q.clone()),
        _ => toks[i - 1].ident(),
    })?
}

impl Session {
    /// Rows of CONSTRAINTS (`cons`) or CONS_COLUMNS views, of the current
    /// schema or (`all`) of every schema.
    pub(super) fn constraint_rows(&mut self, cons: bool, all: bool) -> Vec<Vec<Sql>> {
        let me = self.schema();
        let mut owners = if all { self.db.schemas() } else { Vec::new() };
        if !owners.contains(&me) {
            owners.push(me);
        }
        let mut out = Vec::new();
        for owner in owners {
            if self.attach(&owner).is_err() {
                continue;
            }
            for c in self.constraints_of(&owner) {
                if cons {
                    out.push(vec![
                        t(&owner),
                        t(&c.name),
                        t(c.kind),
                        t(&c.table),
                        Sql::Null,
                        Sql::Null,
                        t("ENABLED"),
                        t(&c.name),
                    ]);
                    continue;
                }
                for (k, col) in c.columns.iter().enumerate() {
                    out.push(vec![
                        t(&owner),
                        t(&c.name),
                        t(&c.table),
                        t(col),
                        Sql::Integer(k as i64 + 1),
                    ]);
                }
            }
        }
        out
    }

    fn constraints_of(&self, owner: &str) -> Vec<Constraint> {
        let db = quote(owner);
        let tables: Vec<(String, String)> = self
            .conn
            .prepare(&format!(
                "SELECT name, sql FROM {db}.sqlite_master WHERE type = 'table' ORDER BY name"
            ))
            .and_then(|mut st| {
                st.query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    ))
                })
                .map(|it| it.filter_map(Result::ok).collect())
            })
            .unwrap_or_default();
        let mut out = Vec::new();
        for (table, create) in tables.into_iter().filter(|(n, _)| !is_internal(n)) {
            // PRAGMA table_info's pk: the column's place in the primary key.
            let mut pk: Vec<(i64, String)> = self
                .conn
                .prepare(&format!("PRAGMA {db}.table_info({})", quote(&table)))
                .and_then(|mut st| {
                    st.query_map([], |r| Ok((r.get::<_, i64>(5)?, r.get::<_, String>(1)?)))
                        .map(|it| it.filter_map(Result::ok).filter(|(k, _)| *k > 0).collect())
                })
                .unwrap_or_default();
            pk.sort();
            if !pk.is_empty() {
                out.push(Constraint {
                    name: declared_name(&create, "PRIMARY")
                        .unwrap_or_else(|| system_name(owner, &table, "P")),
                    kind: "P",
                    table: table.clone(),
                    columns: pk.into_iter().map(|(_, c)| c).collect(),
                });
            }
            let uniques: Vec<String> = self
                .conn
                .prepare(&format!("PRAGMA {db}.index_list({})", quote(&table)))
                .and_then(|mut st| {
                    st.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(3)?)))
                        .map(|it| {
                            it.filter_map(Result::ok)
                                .filter(|(_, o)| o == "u")
                                .map(|(n, _)| n)
                                .collect()
                        })
                })
                .unwrap_or_default();
            for (k, index) in uniques.iter().enumerate() {
                let columns: Vec<String> = self
                    .conn
                    .prepare(&format!("PRAGMA {db}.index_info({})", quote(index)))
                    .and_then(|mut st| {
                        st.query_map([], |r| r.get::<_, String>(2))
                            .map(|it| it.filter_map(Result::ok).collect())
                    })
                    .unwrap_or_default();
                let name = if uniques.len() == 1 {
                    declared_name(&create, "UNIQUE")
                } else {
                    None
                };
                out.push(Constraint {
                    name: name.unwrap_or_else(|| system_name(owner, &table, &format!("U{k}"))),
                    kind: "U",
                    table: table.clone(),
                    columns,
                });
            }
        }
        out
    }
}
