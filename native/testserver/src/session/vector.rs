//! VECTOR values on the wire: described with their dimensions, format and
//! flags, sent LOB-like with the image prefetched, checked when bound (a
//! malformed image or a non-finite value is ORA-51805, as Oracle raises).

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::describe::DescribeColumn;
use oradb_protocol::value::vector::{self, Values};
use oradb_protocol::value::{Value, ValueError};

use crate::sql::{ColumnInfo, SqlError};

/// Fills in what 23ai describes for a VECTOR column.
pub(crate) fn describe(d: &mut DescribeColumn, c: &ColumnInfo) {
    d.vector = (c.size, c.precision as u8, c.scale as u8);
    // No maximum size; a non-zero buffer (0 would say always NULL).
    d.max_size = 0;
    d.buffer_size = 8000;
}

/// A fetched VECTOR column value (the column's value is its image).
pub(crate) fn write_value(w: &mut Writer, v: &Value) -> Result<(), ValueError> {
    match v {
        Value::Null => vector::write_wire(w, None, false),
        Value::Vector(img) => vector::write_wire(w, Some(img), false),
        other => {
            return Err(ValueError::new(
                932,
                format!("ORA-00932: inconsistent datatypes: expected VECTOR got {other:?}"),
            ))
        }
    }
    Ok(())
}

/// The image of a value sent as VECTOR (RETURNING and PL/SQL OUT binds,
/// whose values may come back from SQLite as bytes or text).
pub(crate) fn image_of(v: &Value) -> Result<Option<Vec<u8>>, SqlError> {
    let err = |e: ValueError| SqlError {
        code: e.code,
        message: e.message,
        offset: 0,
    };
    match v {
        Value::Null => Ok(None),
        Value::Vector(b) | Value::Raw(b) | Value::Blob(b) => {
            vector::decode(b).map_err(err)?;
            Ok(Some(b.clone()))
        }
        Value::Varchar(s) | Value::Clob(s) => {
            let p = vector::parse_text(s).map_err(err)?;
            let v = vector::Vector {
                dims: p.sparse.as_ref().map_or(p.values.len() as u32, |s| s.0),
                values: Values::Float64(p.values),
                indices: p.sparse.map(|s| s.1),
            };
            vector::encode(&v).map(Some).map_err(err)
        }
        other => Err(err(ValueError::new(
            6502,
            format!("ORA-06502: PL/SQL: numeric or value error: {other:?} is not a VECTOR"),
        ))),
    }
}

/// A VECTOR OUT value: LOB-like with its image, then the indicator.
pub(crate) fn write_out(w: &mut Writer, img: Option<&[u8]>) {
    vector::write_wire(w, img, false);
    w.sb4(if img.is_some() { 0 } else { -1 });
}

/// A bound VECTOR's value: its image, checked.
pub(crate) fn bound(b: &[u8]) -> Result<Value, SqlError> {
    let err = |e: ValueError| SqlError {
        code: e.code,
        message: e.message,
        offset: 0,
    };
    let v = vector::decode(b).map_err(err)?;
    let finite = match &v.values {
        Values::Float32(x) => x.iter().all(|f| f.is_finite()),
        Values::Float64(x) => x.iter().all(|f| f.is_finite()),
        _ => true,
    };
    if !finite {
        return Err(err(ValueError::new(
            51805,
            "ORA-51805: Invalid vector binary format: infinite or NaN value",
        )));
    }
    Ok(Value::Vector(b.to_vec()))
}
