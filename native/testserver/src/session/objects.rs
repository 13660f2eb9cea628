//! Object and collection values (type 109) on the wire. The engine keeps
//! a value as its pickled image with LOB attributes holding their
//! contents; a fetched value goes out with each LOB as a locator of this
//! session's, and a bound one comes in with its locators read back.

use std::sync::Mutex;

use oradb_protocol::buf::{Reader, Writer as TtcWriter};
use oradb_protocol::value::pickle::{
    decode_image, encode_image, toid_for, LobKind, ObjectValue, Shape, TOP_LEVEL,
};
use oradb_protocol::value::{ora_type, Value, ValueError};

use super::exec::sql_err;
use super::lob::Lobs;
use crate::sql::{ColumnInfo, Session, SqlError};

/// Version of every type (the engine keeps no type history).
const TYPE_VERSION: u16 = 1;

/// What the row writer needs of an OBJECT column.
#[derive(Debug, Clone)]
pub(crate) struct ObjColumn {
    shape: Shape,
    oid: Vec<u8>,
}

/// Layouts of the OBJECT columns of `cols` (None for the others, and for
/// a type dropped since the query ran: its values are then an error).
pub(crate) fn column_shapes(
    session: &Mutex<Option<Session>>,
    cols: &[ColumnInfo],
) -> Vec<Option<ObjColumn>> {
    if !cols.iter().any(|c| c.ora_type == ora_type::OBJECT) {
        return Vec::new();
    }
    let Ok(guard) = session.lock() else {
        return Vec::new();
    };
    cols.iter()
        .map(|c| {
            let t = c.object_type.as_ref()?;
            let s = guard.as_ref()?;
            Some(ObjColumn {
                shape: s.object_shape(t)?,
                oid: t.oid(),
            })
        })
        .collect()
}

fn value_err(e: SqlError) -> ValueError {
    ValueError {
        code: e.code,
        message: e.message,
    }
}

/// One OBJECT column value of a row: the stored image with its LOB
/// contents turned into locators, or a NULL object.
pub(crate) fn write_object(
    w: &mut TtcWriter,
    v: &Value,
    col: Option<&ObjColumn>,
    lobs: &mut Lobs,
) -> Result<(), ValueError> {
    let image = match v {
        Value::Null => {
            ObjectValue {
                flags: TOP_LEVEL,
                ..Default::default()
            }
            .encode(w);
            return Ok(());
        }
        Value::Raw(b) | Value::Blob(b) => b,
        other => {
            return Err(value_err(sql_err(
                932,
                &format!("inconsistent datatypes: cannot send {other:?} as an object"),
            )))
        }
    };
    let col = col.ok_or_else(|| value_err(sql_err(4063, "type has errors")))?;
    let mut d = decode_image(&col.shape, image)
        .map_err(|e| value_err(sql_err(22_800, &format!("invalid user-defined type ({e})"))))?;
    d.map_lobs(&col.shape, &mut |kind, contents| {
        let (v, ty, csfrm) = match kind {
            LobKind::Blob => (Value::Blob(contents.to_vec()), ora_type::BLOB, 1),
            LobKind::Clob => (text(contents), ora_type::CLOB, 1),
            LobKind::NClob => (text(contents), ora_type::CLOB, 2),
        };
        let loc = lobs
            .value_locator(&v, ty, csfrm, false)
            .map_err(value_err)?;
        Ok(loc.map(|(l, _)| l).unwrap_or_default())
    })?;
    ObjectValue {
        toid: toid_for(&col.oid),
        oid: Vec::new(),
        snapshot: Vec::new(),
        version: TYPE_VERSION,
        flags: TOP_LEVEL,
        image: encode_image(&col.shape, &d),
    }
    .encode(w);
    Ok(())
}

fn text(b: &[u8]) -> Value {
    Value::Clob(String::from_utf8_lossy(b).into_owned())
}

/// A bound object value as the engine keeps it: `Value::Raw(image)` with
/// the client's LOB locators replaced by their contents; NULL for a NULL
/// object. The bind's type OID names the type.
pub(crate) fn bound_object(
    bytes: &[u8],
    oid: &[u8],
    session: &Mutex<Option<Session>>,
    lobs: &Lobs,
) -> Result<Value, SqlError> {
    let mut r = Reader::new(bytes);
    let v = ObjectValue::decode(&mut r).map_err(|e| {
        sql_err(
            3115,
            &format!("unsupported network datatype or representation ({e})"),
        )
    })?;
    if v.image.is_empty() {
        return Ok(Value::Null);
    }
    let shape = {
        let g = session
            .lock()
            .map_err(|_| sql_err(22_800, "invalid user-defined type"))?;
        let s = g
            .as_ref()
            .ok_or_else(|| sql_err(22_800, "invalid user-defined type"))?;
        let t = s
            .object_type_by_oid(oid)
            .ok_or_else(|| sql_err(21_700, "object does not exist or is marked for delete"))?;
        s.object_shape(&t)
            .ok_or_else(|| sql_err(22_800, "invalid user-defined type"))?
    };
    let mut d = decode_image(&shape, &v.image)
        .map_err(|e| sql_err(22_800, &format!("invalid user-defined type ({e})")))?;
    d.map_lobs(&shape, &mut |_, locator| {
        Ok::<_, SqlError>(match lobs.bound_value(locator, session)? {
            Value::Clob(s) | Value::Varchar(s) => s.into_bytes(),
            Value::Blob(b) | Value::Raw(b) => b,
            _ => Vec::new(),
        })
    })?;
    Ok(Value::Raw(encode_image(&shape, &d)))
}
