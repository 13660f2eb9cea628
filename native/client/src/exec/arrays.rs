//! PL/SQL index-by table binds (associative arrays of scalars): their
//! metadata, their values on the wire, and the OUT arrays a call sends back.

use super::*;
use oradb_protocol::ttc::column::FLAG_ARRAY;
use oradb_protocol::ttc::execute::{decode_array, encode_array};

/// Element types an array bind may have: the scalars Oracle allows in an
/// index-by table bound from a client (no LOBs, cursors or objects).
fn element_type_ok(ty: u8) -> bool {
    matches!(
        ty,
        ora_type::NUMBER
            | ora_type::BINARY_INTEGER
            | ora_type::VARCHAR
            | ora_type::CHAR
            | ora_type::RAW
            | ora_type::DATE
            | ora_type::TIMESTAMP
            | ora_type::TIMESTAMP_LTZ
            | ora_type::BINARY_DOUBLE
            | ora_type::BOOLEAN
    )
}

fn array_error(code: &str, name: &str, msg: impl std::fmt::Display) -> Error {
    Error::odb(ErrorKind::Bind, code, format!("bind \"{name}\" {msg}"))
}

/// The maxArraySize of bind `s` when it is an array bind (every row must
/// agree: an array in one row and a scalar in another is an error).
pub(super) fn array_max(binds: &Binds, s: usize, name: &str) -> Result<Option<u32>> {
    let max_of = |row: &Vec<BindValue>| match row.get(s) {
        Some(BindValue::Array { max, .. }) => Some(*max),
        _ => None,
    };
    // Scalar binds (the executemany fast path) look at one row only: an array
    // in a later row fails as a value that cannot be bound.
    let Some(first) = binds.rows.first().and_then(max_of) else {
        return Ok(None);
    };
    if binds.rows.iter().any(|r| max_of(r) != Some(first)) {
        return Err(array_error(
            codes::BIND_SHAPE_MISMATCH,
            name,
            "is an array in some rows and not in others, or has another maxArraySize",
        ));
    }
    Ok(Some(first))
}

/// Marks `meta` as an index-by table of at most `max` elements.
pub(super) fn mark_array(meta: &mut ColumnMeta, max: u32, name: &str) -> Result<()> {
    if !element_type_ok(meta.ora_type) {
        return Err(array_error(
            codes::INVALID_BIND_SPEC,
            name,
            format_args!(
                "is an array of Oracle type {}, which an array bind cannot hold",
                meta.ora_type
            ),
        ));
    }
    meta.flags |= FLAG_ARRAY;
    meta.max_array_elements = max;
    Ok(())
}

/// An array bind's value: ub4 count then each element, as `ty`.
pub(super) fn encode_value(v: &BindValue, ty: u8, name: &str) -> Result<Option<Vec<u8>>> {
    let BindValue::Array { max, elements } = v else {
        return Err(array_error(
            codes::BIND_SHAPE_MISMATCH,
            name,
            "is an array bind but its value is not an array",
        ));
    };
    if elements.len() > *max as usize {
        return Err(array_error(
            codes::INVALID_BIND_SPEC,
            name,
            format_args!(
                "has {} elements, more than its maxArraySize {max}",
                elements.len()
            ),
        ));
    }
    let mut wire = Vec::with_capacity(elements.len());
    for e in elements {
        if matches!(e, BindValue::Array { .. }) {
            return Err(array_error(
                codes::UNSUPPORTED_BIND_VALUE,
                name,
                "has an array element that is an array",
            ));
        }
        wire.push(e.encode(ty, name)?);
    }
    Ok(Some(encode_array(&wire)))
}

/// Reads an OUT array (the element count, then each element with its
/// indicator) and packs it as [`encode_array`] does.
pub(super) fn read_out(r: &mut Reader) -> std::result::Result<Option<Vec<u8>>, DecodeError> {
    Ok(Some(encode_array(&rows::read_out_array(r)?)))
}

/// Writes an OUT array as one tagged array value of `ty` elements.
pub(super) fn out_value(buf: &mut RowBuf, ty: u8, packed: Option<&[u8]>) -> Result<()> {
    let elements = match packed {
        Some(p) => decode_array(p).map_err(|e| {
            Error::odb(
                ErrorKind::Protocol,
                codes::PROTOCOL_ERROR,
                format!("an OUT array is malformed: {e}"),
            )
        })?,
        None => Vec::new(),
    };
    buf.data.push(tag::ARRAY);
    buf.data
        .extend_from_slice(&(elements.len() as u32).to_le_bytes());
    for e in &elements {
        State::out_value(buf, ty, e.as_deref())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oradb_protocol::ttc::execute::write_bind_rows;

    fn arr(max: u32, elements: Vec<BindValue>) -> BindValue {
        BindValue::Array { max, elements }
    }

    #[test]
    fn an_array_bind_goes_as_its_count_then_its_elements() {
        let v = arr(5, vec![BindValue::Number(1.0), BindValue::Null]);
        let packed = encode_value(&v, ora_type::NUMBER, "A").unwrap();
        let mut meta = ColumnMeta::bind(ora_type::NUMBER, 22);
        mark_array(&mut meta, 5, "A").unwrap();
        let mut w = Writer::new();
        meta.encode(&mut w, &Caps::default());
        // Type, flags (indicators + array), precision, scale, buffer size, max elements.
        assert_eq!(&w.buf[..5], &[2, 0x41, 0, 0, 1]);
        let mut r = Reader::new(&w.buf);
        let back = ColumnMeta::decode(&mut r, &Caps::default()).unwrap();
        assert!(back.is_array());
        assert_eq!(back.max_array_elements, 5);
        let mut w = Writer::new();
        write_bind_rows(&mut w, &Caps::default(), &[meta], &[vec![packed]], true);
        // 07, ub4 2, NUMBER 1 (c1 02), NULL.
        assert_eq!(w.buf, vec![7, 1, 2, 2, 0xc1, 2, 0]);
    }

    /// node-oracledb Thin's bind metadata and bind row for an IN OUT NUMBER
    /// array of maxArraySize 5 holding [1.5, null, -4].
    fn node_oracledb_golden() -> Vec<u8> {
        let line = include_str!("../../tests/golden/node_oracledb_inout_number_array.hex")
            .lines()
            .find(|l| !l.starts_with('#'))
            .unwrap();
        (0..line.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&line[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn an_array_bind_is_sent_as_node_oracledb_sends_it() {
        let golden = node_oracledb_golden();
        let caps = Caps::default();
        let mut r = Reader::new(&golden);
        let theirs = ColumnMeta::decode(&mut r, &caps).unwrap();
        let meta_len = golden.len() - r.remaining();
        assert!(theirs.is_array());
        assert_eq!(theirs.max_array_elements, 5);
        let v = arr(
            5,
            vec![
                BindValue::Number(1.5),
                BindValue::Null,
                BindValue::Number(-4.0),
            ],
        );
        let mut ours = ColumnMeta::bind(ora_type::NUMBER, 22);
        mark_array(&mut ours, 5, "A").unwrap();
        // The same descriptor but for the buffer size (node-oracledb asks for 200).
        assert_eq!(
            ColumnMeta {
                buffer_size: theirs.buffer_size,
                ..ours.clone()
            },
            theirs
        );
        let packed = encode_value(&v, ora_type::NUMBER, "A").unwrap();
        let mut w = Writer::new();
        write_bind_rows(&mut w, &caps, &[ours], &[vec![packed]], true);
        assert_eq!(w.buf, golden[meta_len..]);
    }

    #[test]
    fn out_arrays_round_trip_to_tagged_values() {
        let mut w = Writer::new();
        rows::write_out_array(&mut w, &[Some(b"ab".to_vec()), None]);
        let mut r = Reader::new(&w.buf);
        let packed = read_out(&mut r).unwrap();
        let mut buf = RowBuf::default();
        out_value(&mut buf, ora_type::VARCHAR, packed.as_deref()).unwrap();
        let mut want = vec![tag::ARRAY, 2, 0, 0, 0];
        want.extend_from_slice(&[2, 2, 0, 0, 0, b'a', b'b', 0]);
        assert_eq!(buf.data, want);
        let mut empty = RowBuf::default();
        out_value(&mut empty, ora_type::NUMBER, None).unwrap();
        assert_eq!(empty.data, vec![tag::ARRAY, 0, 0, 0, 0]);
    }

    #[test]
    fn too_long_mixed_and_lob_arrays_fail_naming_the_bind() {
        let long = arr(1, vec![BindValue::Number(1.0), BindValue::Number(2.0)]);
        let e = encode_value(&long, ora_type::NUMBER, "IDS").unwrap_err();
        assert_eq!(e.code(), codes::INVALID_BIND_SPEC);
        assert!(e.message().contains("\"IDS\"") && e.message().contains("maxArraySize 1"));
        let mixed = arr(2, vec![BindValue::Number(1.0), BindValue::Bool(true)]);
        let e = encode_value(&mixed, ora_type::DATE, "D").unwrap_err();
        assert!(e.message().contains("\"D\""));
        let mut meta = ColumnMeta::bind(ora_type::CLOB, 4000);
        let e = mark_array(&mut meta, 3, "C").unwrap_err();
        assert_eq!(e.code(), codes::INVALID_BIND_SPEC);
        let scalar = encode_value(&BindValue::Null, ora_type::NUMBER, "S").unwrap_err();
        assert_eq!(scalar.code(), codes::BIND_SHAPE_MISMATCH);
    }
}
