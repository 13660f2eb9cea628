//! Object and collection values taken apart and put together again, for
//! PL/SQL: an object's attributes or a collection's elements as SQLite
//! values (a nested object or collection as its own image), and an image
//! built back from them with the constructor's encoding.

use oradb_protocol::value::pickle::{decode_image, encode_image, Datum, Shape};
use oradb_protocol::value::{decode_value, ora_type, Value};
use rusqlite::types::{Value as Sql, ValueRef};

use crate::errors::err;
use crate::query::to_sql;
use crate::{Session, SqlError};

use super::{AttrType, ObjKind, ObjType, TypeRef};

fn invalid(what: impl std::fmt::Display) -> SqlError {
    err(22_800, &format!("invalid user-defined type ({what})"))
}

impl ObjType {
    pub fn type_ref(&self) -> TypeRef {
        TypeRef {
            owner: self.owner.clone(),
            name: self.name.clone(),
        }
    }

    pub fn is_collection(&self) -> bool {
        !matches!(self.kind, ObjKind::Object(_))
    }

    /// The type of attribute `name` (an object's) or of the elements (a
    /// collection's, whatever `name`).
    pub fn member_type(&self, name: Option<&str>) -> Option<&AttrType> {
        match (&self.kind, name) {
            (ObjKind::Object(attrs), Some(n)) => attrs.iter().find(|(a, _)| a == n).map(|(_, t)| t),
            (
                ObjKind::Varray { elem, .. } | ObjKind::Table { elem } | ObjKind::IndexBy { elem },
                _,
            ) => Some(elem),
            _ => None,
        }
    }

    /// Index of attribute `name`.
    pub fn attr_index(&self, name: &str) -> Option<usize> {
        match &self.kind {
            ObjKind::Object(attrs) => attrs.iter().position(|(a, _)| a == name),
            _ => None,
        }
    }

    /// A VARRAY's limit (0 for a nested table or an object).
    pub fn limit(&self) -> u32 {
        match self.kind {
            ObjKind::Varray { limit, .. } => limit,
            _ => 0,
        }
    }
}

impl Session {
    /// The type a member of type `a` is, when it is a named one.
    pub(crate) fn named_type(&self, a: &AttrType) -> Option<ObjType> {
        match a {
            AttrType::Named { owner, name } => self.object_type(owner, name),
            _ => None,
        }
    }

    /// The keys of the elements of `image`, a collection of type `t`: an
    /// index-by table's own, 1, 2, … for other collections.
    pub(crate) fn obj_keys(&self, t: &ObjType, image: &[u8]) -> Result<Vec<i32>, SqlError> {
        let shape = self
            .object_shape(&t.type_ref())
            .ok_or_else(|| invalid("no layout"))?;
        let Datum::Collection(Some(vals)) = decode_image(&shape, image).map_err(invalid)? else {
            return Ok(Vec::new());
        };
        Ok((1..)
            .zip(&vals)
            .map(|(i, v)| match v {
                Datum::Keyed(k, _) => *k,
                _ => i,
            })
            .collect())
    }

    /// The attributes (object) or elements (collection) of `image`, a
    /// value of type `t`.
    pub(crate) fn obj_members(&self, t: &ObjType, image: &[u8]) -> Result<Vec<Sql>, SqlError> {
        let shape = self.object_shape(&t.type_ref()).ok_or_else(|| {
            err(
                4063,
                &format!("type \"{}\".\"{}\" has errors", t.owner, t.name),
            )
        })?;
        let d = decode_image(&shape, image).map_err(invalid)?;
        let out = match (&t.kind, &shape, d) {
            (ObjKind::Object(attrs), Shape::Object(shapes), Datum::Object(Some(vals))) => attrs
                .iter()
                .zip(shapes)
                .zip(vals)
                .map(|(((_, a), s), v)| member_sql(a, s, v))
                .collect::<Result<_, _>>()?,
            (
                ObjKind::Varray { elem, .. } | ObjKind::Table { elem } | ObjKind::IndexBy { elem },
                Shape::Collection(s),
                Datum::Collection(Some(vals)),
            ) => vals
                .into_iter()
                .map(|v| member_sql(elem, s, v))
                .collect::<Result<_, _>>()?,
            _ => Vec::new(),
        };
        Ok(out)
    }

    /// A client's image of an object of type `t` as Oracle stores it: its
    /// CHAR and NCHAR attributes blank-padded to their length (python-oracledb
    /// sends them as set). Images of other types are returned unchanged.
    pub fn stored_object_image(&self, r: &TypeRef, image: &[u8]) -> Result<Vec<u8>, SqlError> {
        let Some(t) = self.object_type(&r.owner, &r.name) else {
            return Ok(image.to_vec());
        };
        let ObjKind::Object(attrs) = &t.kind else {
            return Ok(image.to_vec());
        };
        if !attrs
            .iter()
            .any(|(_, a)| matches!(a, AttrType::Char(_) | AttrType::NChar(_)))
        {
            return Ok(image.to_vec());
        }
        let members = self.obj_members(&t, image)?;
        self.obj_image(&t, &members)
    }

    /// The image of a value of type `t` with these attributes or elements.
    pub(crate) fn obj_image(&self, t: &ObjType, members: &[Sql]) -> Result<Vec<u8>, SqlError> {
        self.obj_image_keyed(t, members, None)
    }

    /// [`Session::obj_image`] of an index-by table whose elements have
    /// `keys` (a collection of any other kind ignores them).
    pub(crate) fn obj_image_keyed(
        &self,
        t: &ObjType,
        members: &[Sql],
        keys: Option<&[i32]>,
    ) -> Result<Vec<u8>, SqlError> {
        let refs: Vec<ValueRef> = members.iter().map(ValueRef::from).collect();
        match super::construct::build_keyed(&self.constructor_spec(t), &refs, keys) {
            Ok(Sql::Blob(b)) => Ok(b),
            Ok(_) => Err(invalid("not an image")),
            Err(e) => Err(ora_error(&e.to_string())),
        }
    }
}

/// An `ORA-nnnnn: text` message from a SQLite function as its error.
fn ora_error(msg: &str) -> SqlError {
    let code = msg
        .find("ORA-")
        .and_then(|i| msg.get(i + 4..i + 9))
        .and_then(|c| c.parse().ok());
    match code {
        Some(c) => err(c, msg.split_once(": ").map_or(msg, |(_, t)| t)),
        None => invalid(msg),
    }
}

/// One decoded member as a SQLite value.
fn member_sql(a: &AttrType, shape: &Shape, d: Datum) -> Result<Sql, SqlError> {
    let d = match d {
        Datum::Keyed(_, inner) => *inner,
        d => d,
    };
    let b = match d {
        Datum::Null | Datum::Object(None) | Datum::Collection(None) => return Ok(Sql::Null),
        Datum::Object(Some(_)) | Datum::Collection(Some(_)) => {
            return Ok(Sql::Blob(encode_image(shape, &d)))
        }
        Datum::Bytes(b) | Datum::Encoded(b) => b,
        Datum::Keyed(..) => return Err(invalid("an index table's key out of place")),
    };
    let typed = |ty: u8, csfrm: u8| {
        decode_value(&b, ty, csfrm)
            .map(|v| to_sql(&v))
            .map_err(|e| invalid(e.message))
    };
    match a {
        AttrType::Number { .. }
        | AttrType::Integer
        | AttrType::SmallInt
        | AttrType::Real
        | AttrType::DoublePrecision
        | AttrType::Float(_) => typed(ora_type::NUMBER, 1),
        // LOB attributes are kept as UTF-8 text in images (construct.rs "L",
        // "NL"), NCLOB too; NVARCHAR2/NCHAR as AL16UTF16.
        AttrType::Varchar(_) | AttrType::Char(_) | AttrType::Clob | AttrType::NClob => {
            Ok(to_sql(&Value::Varchar(String::from_utf8_lossy(&b).into())))
        }
        AttrType::NVarchar(_) | AttrType::NChar(_) => {
            let units: Vec<u16> = b
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Ok(to_sql(&Value::Varchar(String::from_utf16_lossy(&units))))
        }
        AttrType::BinaryFloat => typed(ora_type::BINARY_FLOAT, 1),
        AttrType::BinaryDouble => typed(ora_type::BINARY_DOUBLE, 1),
        AttrType::Date => typed(ora_type::DATE, 1),
        AttrType::Timestamp(_) | AttrType::TimestampLtz(_) => typed(ora_type::TIMESTAMP, 1),
        AttrType::TimestampTz(_) => typed(ora_type::TIMESTAMP_TZ, 1),
        AttrType::Boolean => Ok(Sql::Integer(i64::from(b.last().copied().unwrap_or(0) != 0))),
        AttrType::PlsInteger(_) => match <[u8; 4]>::try_from(b.as_slice()) {
            Ok(q) => Ok(Sql::Integer(i32::from_be_bytes(q).into())),
            Err(_) => Err(invalid("a PLS_INTEGER of other than 4 bytes")),
        },
        AttrType::Raw(_) | AttrType::Blob | AttrType::Named { .. } => Ok(Sql::Blob(b)),
    }
}

impl Session {
    /// Type OIDs of the next PL/SQL call's object binds, by bind position,
    /// so the block knows their types (overloads, attributes).
    pub fn set_bind_object_oids(&mut self, oids: Vec<Option<Vec<u8>>>) {
        self.plsql.bind_oids = oids;
    }

    /// The column a select-list bind of an object type describes as (its
    /// value comes back as that object, not as the image's bytes).
    pub(crate) fn object_bind_column(
        &self,
        k: usize,
        v: Option<&Value>,
    ) -> Option<crate::ColumnInfo> {
        if !matches!(v, Some(Value::Raw(_) | Value::Null)) {
            return None;
        }
        let oid = self.plsql.bind_oids.get(k)?.as_deref()?;
        let t = self.object_type_by_oid(oid)?;
        Some(super::construct::object_column(t))
    }

    /// The client's wire type of each of the next PL/SQL call's binds, by
    /// bind position: a BOOLEAN bind cannot pass for another type.
    pub fn set_bind_types(&mut self, types: Vec<u8>) {
        self.plsql.bind_types = types;
    }
}
