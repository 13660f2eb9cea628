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

/// The layout and OID of the type a bind's type OID names, for an OUT
/// object bind (None when the type is gone).
pub(crate) fn bind_shape(session: &Mutex<Option<Session>>, oid: &[u8]) -> Option<ObjColumn> {
    let g = session.lock().ok()?;
    let s = g.as_ref()?;
    let t = s.object_type_by_oid(oid)?;
    Some(ObjColumn {
        shape: s.object_shape(&t)?,
        oid: oid.to_vec(),
    })
}

/// The type OID a bound object value names in its TOID, if it names one.
pub(crate) fn value_oid(bytes: &[u8]) -> Option<Vec<u8>> {
    let v = ObjectValue::decode(&mut Reader::new(bytes)).ok()?;
    v.type_oid().map(<[u8]>::to_vec)
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
    let oid = v.type_oid().unwrap_or(oid);
    let (t, shape) = {
        let g = session
            .lock()
            .map_err(|_| sql_err(22_800, "invalid user-defined type"))?;
        let s = g
            .as_ref()
            .ok_or_else(|| sql_err(22_800, "invalid user-defined type"))?;
        let t = s
            .object_type_by_oid(oid)
            .ok_or_else(|| sql_err(21_700, "object does not exist or is marked for delete"))?;
        let shape = s
            .object_shape(&t)
            .ok_or_else(|| sql_err(22_800, "invalid user-defined type"))?;
        (t, shape)
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
    let image = encode_image(&shape, &d);
    let g = session
        .lock()
        .map_err(|_| sql_err(22_800, "invalid user-defined type"))?;
    match g.as_ref() {
        Some(s) => Ok(Value::Raw(s.stored_object_image(&t, &image)?)),
        None => Ok(Value::Raw(image)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::{Database, Outcome};
    use oradb_protocol::value::pickle::Datum;

    fn session() -> Session {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        for sql in [
            "create type cap_sub as object (n number, s varchar2(20))",
            "create type cap_lob as object (n number, c clob)",
        ] {
            let p = s.prepare(sql).unwrap();
            s.execute(&p, &[]).unwrap();
        }
        s
    }

    /// python-oracledb 4.0.2 (thin) binding `CAP_SUB(7, 'seven')`: the bind
    /// value as captured between it and the test server.
    const PYTHON_BIND: &[u8] = &[
        0x01, 0x24, 0x24, 0x00, 0x22, 0x02, 0x08, 0xcd, 0xbc, 0xe9, 0x57, 0x5b, 0xa6, 0xe4, 0xc7,
        0x15, 0xf7, 0x8c, 0x3f, 0x0e, 0xf5, 0xd6, 0xa8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x01,
        0x01, 0x10, 0x84, 0x01, 0xfe, 0x00, 0x00, 0x00, 0x10, 0x02, 0xc1, 0x08, 0x05, 0x73, 0x65,
        0x76, 0x65, 0x6e,
    ];

    #[test]
    fn a_python_bind_becomes_the_stored_image_and_goes_back_alike() {
        let s = session();
        let t = s.object_type_by_oid(&PYTHON_BIND[7..23]).unwrap();
        assert_eq!((t.owner.as_str(), t.name.as_str()), ("SCOTT", "CAP_SUB"));
        let m = Mutex::new(Some(s));
        let mut lobs = Lobs::default();
        let v = bound_object(PYTHON_BIND, &PYTHON_BIND[7..23], &m, &lobs).unwrap();
        let Value::Raw(image) = &v else {
            panic!("{v:?}")
        };
        assert_eq!(&image[..], &PYTHON_BIND[47..]);
        let cols = vec![ColumnInfo {
            name: "O".into(),
            ora_type: ora_type::OBJECT,
            size: 2000,
            char_size: 2000,
            precision: 0,
            scale: 0,
            nullable: true,
            object_type: Some(t),
            national: false,
            uds_flags: 0,
        }];
        let shapes = column_shapes(&m, &cols);
        let mut w = TtcWriter::new();
        write_object(&mut w, &v, shapes[0].as_ref(), &mut lobs).unwrap();
        let sent = ObjectValue::decode(&mut Reader::new(&w.buf)).unwrap();
        assert_eq!(sent.toid, PYTHON_BIND[3..39]);
        assert_eq!((sent.version, sent.flags), (1, TOP_LEVEL));
        assert_eq!(sent.image, image.clone());
        // A NULL object: no image, which clients read as None.
        let mut w = TtcWriter::new();
        write_object(&mut w, &Value::Null, shapes[0].as_ref(), &mut lobs).unwrap();
        assert_eq!(w.buf, [0, 0, 0, 0, 0, 1, 1]);
        // A bound NULL object is NULL; garbage is an error, not a panic.
        let null = [0u8, 0, 0, 0, 0, 1, 1];
        assert_eq!(bound_object(&null, &[], &m, &lobs).unwrap(), Value::Null);
        assert!(bound_object(&PYTHON_BIND[..50], &PYTHON_BIND[7..23], &m, &lobs).is_err());
        // The value's TOID names its type, whatever the bind's metadata
        // said (a re-executed statement sends none); a TOID naming no type
        // is ORA-21700.
        assert_eq!(bound_object(PYTHON_BIND, &[9; 16], &m, &lobs).unwrap(), v);
        assert_eq!(value_oid(PYTHON_BIND).unwrap(), &PYTHON_BIND[7..23]);
        let mut unknown = PYTHON_BIND.to_vec();
        unknown[7..23].fill(9);
        assert_eq!(
            bound_object(&unknown, &PYTHON_BIND[7..23], &m, &lobs)
                .unwrap_err()
                .code,
            21_700
        );
    }

    #[test]
    fn lob_attributes_travel_as_locators_and_come_back_as_contents() {
        let mut s = session();
        let p = s.prepare("select cap_lob(1, 'text') from dual").unwrap();
        let Outcome::Rows { rows, columns } = s.execute(&p, &[]).unwrap() else {
            panic!("rows")
        };
        let m = Mutex::new(Some(s));
        let shapes = column_shapes(&m, &columns);
        let mut lobs = Lobs::default();
        let mut w = TtcWriter::new();
        write_object(&mut w, &rows[0][0], shapes[0].as_ref(), &mut lobs).unwrap();
        let sent = ObjectValue::decode(&mut Reader::new(&w.buf)).unwrap();
        let shape = Shape::Object(vec![Shape::Scalar, Shape::Lob(LobKind::Clob)]);
        let Datum::Object(Some(attrs)) = decode_image(&shape, &sent.image).unwrap() else {
            panic!("not an object")
        };
        let Datum::Bytes(locator) = &attrs[1] else {
            panic!("{:?}", attrs[1])
        };
        assert_eq!(
            lobs.bound_value(locator, &m).unwrap(),
            Value::Clob("text".into())
        );
        // Bound back (as a client re-sends a fetched object): contents again.
        let oid = columns[0].object_type.as_ref().unwrap().oid();
        let mut w = TtcWriter::new();
        sent.encode(&mut w);
        let back = bound_object(&w.buf, &oid, &m, &lobs).unwrap();
        assert_eq!(back, rows[0][0]);
    }
}
