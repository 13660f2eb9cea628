//! DBMS_PICKLER.GET_TYPE_SHAPE, the call thin clients (python-oracledb,
//! node-oracledb) make to learn an object type: its OID, version, type
//! descriptor bytes and a REF CURSOR over its attributes.

use oradb_protocol::value::Value;
use rusqlite::types::Value as Sql;

use crate::errors::err;
use crate::lexer::{split_commas, Token};
use crate::objects::{AttrType, ObjKind, ObjType};
use crate::{BindDir, Outcome, Session, SqlError};

use super::ast::Ty;
use super::frame::Frame;
use super::interp::{as_text, not_declared};
use super::refcursor::RefCursor;

/// Version of every type (the test server keeps no type history).
const TYPE_VERSION: i64 = 1;

/// The attributes REF CURSOR, in the columns and order clients read.
const ATTRS_QUERY: &str = "select 1 cursor_version, a.attr_name, a.attr_no, a.attr_type_name, \
     a.attr_type_owner, cast(null as varchar2(128)) attr_type_package, \
     (select t.type_oid from all_types t where t.owner = a.attr_type_owner \
      and t.type_name = a.attr_type_name) attr_type_oid, \
     'YES' attr_instantiable, cast(null as varchar2(128)) attr_super_type_owner, \
     cast(null as varchar2(128)) attr_super_type_name \
     from all_type_attrs a where a.owner = :1 and a.type_name = :2 order by a.attr_no";

/// Parameter modes of GET_TYPE_SHAPE, for the bind directions of a block
/// that calls it: the name in, all else out.
pub fn modes() -> Vec<(String, BindDir)> {
    let names = [
        "FULLNAME",
        "OID",
        "VERSION",
        "TDS",
        "INSTANTIABLE",
        "SUPERTYPEOWNER",
        "SUPERTYPENAME",
        "ATTR_RC",
        "SUBTYPE_RC",
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.to_string(),
                // The name comes back canonical (`SCHEMA.TABLE%ROWTYPE`),
                // which clients split into schema and name.
                if i == 0 { BindDir::InOut } else { BindDir::Out },
            )
        })
        .collect()
}

fn wrong_args() -> SqlError {
    err(
        6550,
        "PLS-00306: wrong number or types of arguments in call to 'GET_TYPE_SHAPE'",
    )
}

impl Session {
    /// `target := DBMS_PICKLER.GET_TYPE_SHAPE(name, oid, version, tds,
    /// instantiable, supertype_owner, supertype_name, attrs_rc,
    /// subtypes_rc)`: `None` when `expr` is not that call, else its
    /// result (0 found, 1 no such type) with the OUT arguments set.
    pub(super) fn pickler_call(
        &mut self,
        expr: &[Token],
        frame: &mut Frame,
    ) -> Result<Option<(Sql, Ty)>, SqlError> {
        let is_call = expr.len() > 3
            && expr[0].is_word("DBMS_PICKLER")
            && expr[1].is_op(".")
            && expr[2].is_word("GET_TYPE_SHAPE");
        if !is_call {
            return Ok(None);
        }
        let args = Self::call_args(expr, 3).ok_or_else(wrong_args)?;
        let args = split_commas(args);
        if args.len() != 9 {
            return Err(wrong_args());
        }
        let mut outs = Vec::with_capacity(8);
        for a in &args[1..] {
            let [t] = a else { return Err(wrong_args()) };
            let slot = frame
                .target(t)
                .ok_or_else(|| not_declared(t, &t.ident().unwrap_or_default()))?;
            outs.push(slot);
        }
        let name = as_text(&self.eval(args[0], frame)?.0).unwrap_or_default();
        let found = self
            .object_type_named(&name)
            .filter(|t| self.may_use_types_of(&t.owner));
        let Some(ty) = found else {
            return Ok(Some((Sql::Integer(1), Ty::Number)));
        };
        if ty.name.ends_with("%ROWTYPE") {
            if let Some(slot) = args[0].first().and_then(|t| frame.target(t)) {
                let canonical = format!("{}.{}", ty.owner, ty.name);
                frame.set(slot, Sql::Text(canonical), Ty::Varchar)?;
            }
        }
        let p = self.prepare(ATTRS_QUERY)?;
        let binds = [
            Value::Varchar(ty.owner.clone()),
            Value::Varchar(ty.name.clone()),
        ];
        let Outcome::Rows { columns, mut rows } = self.execute(&p, &binds)? else {
            return Err(err(
                6550,
                "PLS-00103: the attributes query returned no rows",
            ));
        };
        if ty.name.contains('.') {
            // A package's type is in no dictionary view of attributes.
            rows = package_attr_rows(&ty);
        }
        let mut p = p;
        p.columns = columns;
        let handle = self.plsql.ref_cursors.len() as i64;
        self.plsql.ref_cursors.push(RefCursor::new(p, rows));
        frame.set(outs[0], Sql::Blob(ty.oid()), Ty::Any)?;
        frame.set(outs[1], Sql::Integer(TYPE_VERSION), Ty::Number)?;
        frame.set(outs[2], Sql::Blob(crate::objects::tds(&ty)), Ty::Any)?;
        frame.set(outs[3], Sql::Text("YES".into()), Ty::Varchar)?;
        frame.set(outs[4], Sql::Null, Ty::Varchar)?;
        frame.set(outs[5], Sql::Null, Ty::Varchar)?;
        let rc = outs[6];
        // A bind (python-oracledb's :attrs_rc) or a REF CURSOR variable;
        // anything else is the wrong type of argument.
        if rc < frame.names.len() || frame.types.get(rc) == Some(&Ty::RefCursor) {
            frame.slots[rc] = Sql::Integer(handle);
            frame.types[rc] = Ty::RefCursor;
        } else {
            return Err(wrong_args());
        }
        Ok(Some((Sql::Integer(0), Ty::Number)))
    }
}

/// The attributes cursor's rows for a package's record type, as
/// ATTRS_QUERY gives them for a schema-level type (a field naming another
/// of the package's types carries that package).
fn package_attr_rows(ty: &ObjType) -> Vec<Vec<Value>> {
    let ObjKind::Object(attrs) = &ty.kind else {
        return Vec::new();
    };
    let text = |s: &str| Value::Varchar(s.to_string());
    attrs
        .iter()
        .enumerate()
        .map(|(i, (n, a))| {
            let (owner, pkg, name, oid) = match a {
                AttrType::Named { owner, name } => {
                    let (pkg, short) = match name.split_once('.') {
                        Some((p, s)) => (text(p), s),
                        None => (Value::Null, name.as_str()),
                    };
                    let oid = Value::Raw(crate::objects::type_oid(owner, name));
                    (text(owner), pkg, short.to_string(), oid)
                }
                other => (Value::Null, Value::Null, other.type_name(), Value::Null),
            };
            vec![
                Value::Number("1".into()),
                text(n),
                Value::Number((i + 1).to_string()),
                text(&name),
                owner,
                pkg,
                oid,
                text("YES"),
                Value::Null,
                Value::Null,
            ]
        })
        .collect()
}
