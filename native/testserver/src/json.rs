//! JSON values on the wire: a JSON column's stored extended JSON text (see
//! `oradb_protocol::value::oson::text`) goes out as an OSON image, the way
//! 21c+ sends its native JSON type. Text that is not JSON is ORA-40441
//! for the statement, never a NULL.

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::json;
use oradb_protocol::value::{oson, Value, ValueError};

/// The OSON image of a JSON value; None for SQL NULL.
pub(crate) fn image(v: &Value) -> Result<Option<Vec<u8>>, ValueError> {
    if v.is_null() {
        return Ok(None);
    }
    oson::image_of_value(v).map(Some)
}

/// Writes one fetched JSON column value.
pub(crate) fn write_column(w: &mut Writer, v: &Value) -> Result<(), ValueError> {
    json::write_value(w, image(v)?.as_deref());
    Ok(())
}

/// A JSON OUT value (DML RETURNING): the value, then its indicator.
pub(crate) fn write_out_bind(w: &mut Writer, img: Option<&[u8]>) {
    json::write_value(w, img);
    w.sb4(if img.is_some() { 0 } else { -1 });
}

/// A JSON column's value for a client that defined the column as text
/// (python-oracledb's `cursor.var(str)`): the JSON serialized as plain text,
/// as Oracle converts it.
pub(crate) fn as_text(v: &Value) -> Result<Value, ValueError> {
    let bad =
        |e: oson::OsonError| ValueError::new(40441, format!("ORA-40441: JSON syntax error: {e}"));
    let json = match v {
        Value::Null => return Ok(Value::Null),
        Value::Varchar(s) | Value::Clob(s) => oson::text::parse(s, true).map_err(bad)?,
        other => oson::decode(&oson::image_of_value(other)?).map_err(bad)?,
    };
    Ok(Value::Varchar(oson::text::to_text(&json, false)))
}
