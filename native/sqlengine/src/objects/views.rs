//! The type dictionary views: ALL_/USER_TYPES, _TYPE_ATTRS, _COLL_TYPES, and
//! ALL_PLSQL_TYPES / ALL_PLSQL_COLL_TYPES (the collection types of package
//! specs), which thin clients query when a name is not a schema-level type.
//! Materialized by views.rs.

use rusqlite::types::Value as Sql;

use super::{AttrType, ObjKind, ObjType};

const V128: &str = "TEXT_VC_128_128";
const V30: &str = "TEXT_VC_30_30";
const V3: &str = "TEXT_VC_3_3";
const V7: &str = "TEXT_VC_7_7";
const INT: &str = "INT_NUM_0_U";
const OID: &str = "BLOB_RW_16";

type Cols = &'static [(&'static str, &'static str)];

const TYPES: Cols = &[
    ("OWNER", V128),
    ("TYPE_NAME", V128),
    ("TYPE_OID", OID),
    ("TYPECODE", V128),
    ("ATTRIBUTES", INT),
    ("METHODS", INT),
    ("PREDEFINED", V3),
    ("INCOMPLETE", V3),
    ("FINAL", V3),
    ("INSTANTIABLE", V3),
    ("PERSISTABLE", V3),
    ("SUPERTYPE_OWNER", V128),
    ("SUPERTYPE_NAME", V128),
    ("LOCAL_ATTRIBUTES", INT),
    ("LOCAL_METHODS", INT),
    ("TYPEID", OID),
];

const ATTRS: Cols = &[
    ("OWNER", V128),
    ("TYPE_NAME", V128),
    ("ATTR_NAME", V128),
    ("ATTR_TYPE_MOD", V7),
    ("ATTR_TYPE_OWNER", V128),
    ("ATTR_TYPE_NAME", V128),
    ("LENGTH", INT),
    ("PRECISION", INT),
    ("SCALE", INT),
    ("CHARACTER_SET_NAME", V128),
    ("ATTR_NO", INT),
    ("INHERITED", V3),
    ("CHAR_USED", "TEXT_VC_1_1"),
];

const COLLS: Cols = &[
    ("OWNER", V128),
    ("TYPE_NAME", V128),
    ("COLL_TYPE", V128),
    ("UPPER_BOUND", INT),
    ("ELEM_TYPE_MOD", V7),
    ("ELEM_TYPE_OWNER", V128),
    ("ELEM_TYPE_NAME", V128),
    ("LENGTH", INT),
    ("PRECISION", INT),
    ("SCALE", INT),
    ("CHARACTER_SET_NAME", V128),
    ("ELEM_STORAGE", V7),
    ("NULLS_STORED", V3),
    ("CHAR_USED", "TEXT_VC_1_1"),
];

const PLSQL_TYPES: Cols = &[
    ("OWNER", V128),
    ("TYPE_NAME", V128),
    ("PACKAGE_NAME", V128),
    ("TYPE_OID", OID),
    ("TYPECODE", V128),
    ("ATTRIBUTES", INT),
    ("CONTAINS_PLSQL", V3),
];

const PLSQL_COLLS: Cols = &[
    ("OWNER", V128),
    ("PACKAGE_NAME", V128),
    ("TYPE_NAME", V128),
    ("COLL_TYPE", V128),
    ("UPPER_BOUND", INT),
    ("ELEM_TYPE_MOD", V7),
    ("ELEM_TYPE_OWNER", V128),
    ("ELEM_TYPE_NAME", V128),
    ("ELEM_TYPE_PACKAGE", V128),
    ("LENGTH", INT),
    ("PRECISION", INT),
    ("SCALE", INT),
    ("CHARACTER_SET_NAME", V30),
];

/// The ALL_ views (USER_ ones are the same without OWNER).
pub(crate) const TYPE_VIEWS: &[(&str, Cols)] = &[
    ("ALL_TYPES", TYPES),
    ("USER_TYPES", but_owner(TYPES)),
    ("ALL_TYPE_ATTRS", ATTRS),
    ("USER_TYPE_ATTRS", but_owner(ATTRS)),
    ("ALL_COLL_TYPES", COLLS),
    ("USER_COLL_TYPES", but_owner(COLLS)),
    ("ALL_PLSQL_TYPES", PLSQL_TYPES),
    ("ALL_PLSQL_COLL_TYPES", PLSQL_COLLS),
];

const fn but_owner(cols: Cols) -> Cols {
    match cols.split_first() {
        Some((_, rest)) => rest,
        None => cols,
    }
}

pub(crate) fn is_type_view(name: &str) -> bool {
    TYPE_VIEWS.iter().any(|(v, _)| *v == name)
}

fn t(s: &str) -> Sql {
    Sql::Text(s.to_string())
}

fn opt(v: Option<i64>) -> Sql {
    v.map_or(Sql::Null, Sql::Integer)
}

fn char_set(a: &AttrType) -> Sql {
    match a {
        AttrType::Varchar(_) | AttrType::Char(_) | AttrType::Clob => t("CHAR_CS"),
        AttrType::NVarchar(_) | AttrType::NChar(_) | AttrType::NClob => t("NCHAR_CS"),
        _ => Sql::Null,
    }
}

impl crate::Session {
    /// Rows of type view `name` (upper case).
    pub(crate) fn type_view_rows(&self, name: &str) -> Vec<Vec<Sql>> {
        match name {
            "ALL_PLSQL_TYPES" => self.package_types().iter().map(plsql_type_row).collect(),
            "ALL_PLSQL_COLL_TYPES" => self
                .package_types()
                .iter()
                .filter_map(plsql_coll_row)
                .collect(),
            _ => type_view_rows(name, &self.object_types(), &self.schema()),
        }
    }
}

/// `PKG.NAME` apart.
fn pkg_and_name(ty: &ObjType) -> (&str, &str) {
    ty.name.split_once('.').unwrap_or(("", &ty.name))
}

fn plsql_type_row((pkg, ty): &(String, ObjType)) -> Vec<Sql> {
    vec![
        t(&ty.owner),
        t(pkg_and_name(ty).1),
        t(pkg),
        Sql::Blob(ty.oid()),
        t(ty.typecode()),
        Sql::Integer(0),
        t("NO"),
    ]
}

fn plsql_coll_row((pkg, ty): &(String, ObjType)) -> Option<Vec<Sql>> {
    // The ALL_COLL_TYPES row less its storage columns, and the package.
    let r = coll_row(ty)?;
    // An element of another of the package's types names its package.
    let (elem_pkg, elem_name) = match &r[6] {
        Sql::Text(n) => match n.split_once('.') {
            Some((p, n)) => (t(p), t(n)),
            None => (Sql::Null, r[6].clone()),
        },
        other => (Sql::Null, other.clone()),
    };
    Some(vec![
        r[0].clone(),
        t(pkg),
        t(pkg_and_name(ty).1),
        r[2].clone(),
        r[3].clone(),
        r[4].clone(),
        r[5].clone(),
        elem_name,
        elem_pkg,
        r[7].clone(),
        r[8].clone(),
        r[9].clone(),
        r[10].clone(),
    ])
}

/// Rows of view `name` (upper case) over `types`; `schema` is the
/// current schema, for the USER_ views.
fn type_view_rows(name: &str, types: &[ObjType], schema: &str) -> Vec<Vec<Sql>> {
    let user = name.starts_with("USER_");
    let mine = types.iter().filter(|ty| !user || ty.owner == schema);
    let rows: Vec<Vec<Sql>> = match name.trim_start_matches("USER_").trim_start_matches("ALL_") {
        "TYPES" => mine.map(type_row).collect(),
        "TYPE_ATTRS" => mine.flat_map(attr_rows).collect(),
        "COLL_TYPES" => mine.filter_map(coll_row).collect(),
        _ => Vec::new(),
    };
    rows.into_iter()
        .map(|mut r| {
            if user {
                r.remove(0);
            }
            r
        })
        .collect()
}

fn type_row(ty: &ObjType) -> Vec<Sql> {
    let attrs = match &ty.kind {
        ObjKind::Object(a) => a.len() as i64,
        _ => 0,
    };
    let oid = Sql::Blob(ty.oid());
    vec![
        t(&ty.owner),
        t(&ty.name),
        oid.clone(),
        t(ty.typecode()),
        Sql::Integer(attrs),
        Sql::Integer(0),
        t("NO"),
        t("NO"),
        t("YES"),
        t("YES"),
        t("YES"),
        Sql::Null,
        Sql::Null,
        Sql::Integer(attrs),
        Sql::Integer(0),
        oid,
    ]
}

fn attr_rows(ty: &ObjType) -> Vec<Vec<Sql>> {
    let ObjKind::Object(attrs) = &ty.kind else {
        return Vec::new();
    };
    attrs
        .iter()
        .enumerate()
        .map(|(i, (n, a))| {
            let (len, prec, scale) = a.length_precision_scale();
            vec![
                t(&ty.owner),
                t(&ty.name),
                t(n),
                Sql::Null,
                a.owner().map_or(Sql::Null, t),
                t(&a.type_name()),
                opt(len),
                opt(prec),
                opt(scale),
                char_set(a),
                Sql::Integer(i as i64 + 1),
                t("NO"),
                len.map_or(Sql::Null, |_| t("B")),
            ]
        })
        .collect()
}

fn coll_row(ty: &ObjType) -> Option<Vec<Sql>> {
    let (kind, bound, elem) = match &ty.kind {
        ObjKind::Varray { limit, elem } => ("VARYING ARRAY", Sql::Integer((*limit).into()), elem),
        ObjKind::Table { elem } => ("TABLE", Sql::Null, elem),
        ObjKind::IndexBy { elem } => ("PL/SQL INDEX TABLE", Sql::Null, elem),
        ObjKind::Object(_) => return None,
    };
    let (len, prec, scale) = elem.length_precision_scale();
    Some(vec![
        t(&ty.owner),
        t(&ty.name),
        t(kind),
        bound,
        Sql::Null,
        elem.owner().map_or(Sql::Null, t),
        t(&elem.type_name()),
        opt(len),
        opt(prec),
        opt(scale),
        char_set(elem),
        t("VALUE"),
        t("YES"),
        len.map_or(Sql::Null, |_| t("B")),
    ])
}
