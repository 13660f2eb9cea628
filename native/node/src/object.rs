//! Object and collection values: the two conversions JavaScript calls with
//! a type's shape (see `oradb_client::object`).

use napi_derive::napi;
use oradb_client::object::{self, ObjShape};

use crate::values::Cursor;
use crate::{Bytes, HeapBytes, NativeFailure, Out};

fn fail(e: &oradb_client::Error) -> Out<HeapBytes> {
    napi::Either::B(crate::failure(e))
}

fn bad(message: String) -> Out<HeapBytes> {
    napi::Either::B(NativeFailure {
        oradb_error: true,
        code: oradb_protocol::codes::MALFORMED_BIND_BUFFER.to_string(),
        message,
        offset: 0,
        is_recoverable: false,
    })
}

/// A fetched image as tagged values (objects and collections as lists).
#[napi]
pub fn object_decode(shape: Bytes, image: Bytes) -> Out<HeapBytes> {
    let r = ObjShape::parse(&shape.0).and_then(|s| object::decode_image(&s, &image.0));
    match r {
        Ok(tags) => napi::Either::A(tags.into()),
        Err(e) => fail(&e),
    }
}

/// The wire value of one tagged value (lists for objects and collections)
/// as an object of the type with `shape` and `oid`; `name` names it in
/// errors.
#[napi]
pub fn object_encode(shape: Bytes, oid: Bytes, values: Bytes, name: String) -> Out<HeapBytes> {
    let shape = match ObjShape::parse(&shape.0) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let v = match Cursor::new(&values.0).value() {
        Ok(v) => v,
        Err(m) => return bad(format!("Object value buffer is malformed: {m}")),
    };
    match object::encode_value(&shape, &oid.0, &v, &name) {
        Ok(wire) => napi::Either::A(wire.into()),
        Err(e) => fail(&e),
    }
}
