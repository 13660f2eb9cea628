//! EXECUTE (function 94) and RE-EXECUTE (4 / 78). Bind rows are decoded in
//! a second step because which binds carry values (RETURNING INTO binds do
//! not) depends on the SQL, which only the receiver can analyse.

use super::column::ColumnMeta;
use super::function::FunctionHeader;
use super::{func, msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};
use crate::value::ora_type;

pub mod options {
    pub const PARSE: u32 = 0x1;
    pub const BIND: u32 = 0x8;
    pub const DEFINE: u32 = 0x10;
    pub const EXECUTE: u32 = 0x20;
    pub const FETCH: u32 = 0x40;
    pub const COMMIT: u32 = 0x100;
    pub const PLSQL_BIND: u32 = 0x400;
    pub const NOT_PLSQL: u32 = 0x8000;
    pub const DESCRIBE: u32 = 0x20000;
    pub const NO_COMPRESSED_FETCH: u32 = 0x40000;
    pub const BATCH_ERRORS: u32 = 0x80000;
}

/// al8i4[9] flags.
pub mod exec_flags {
    pub const IMPLICIT_RESULTSET: u32 = 0x8000;
    pub const DML_ROWCOUNTS: u32 = 0x4000;
}

/// One bind value: `None` = NULL. The value of an array bind (a PL/SQL
/// index-by table, `ColumnMeta::is_array`) holds its elements packed by
/// [`encode_array`]: exactly their wire form, ub4 count then each element.
pub type BindValue = Option<Vec<u8>>;

/// Packs array-bind elements into one [`BindValue`] payload.
pub fn encode_array(elements: &[BindValue]) -> Vec<u8> {
    let mut w = Writer::with_capacity(16 + elements.len() * 8);
    w.ub4(elements.len() as u32);
    for e in elements {
        match e {
            Some(b) => w.bytes(b),
            None => w.u8(0),
        };
    }
    w.buf
}

/// The elements of an array-bind payload made by [`encode_array`] (or read
/// off the wire).
pub fn decode_array(payload: &[u8]) -> DecodeResult<Vec<BindValue>> {
    let mut r = Reader::new(payload);
    let n = r.ub4()? as usize;
    // Each element takes at least one byte: a bad count cannot allocate much.
    let mut out = Vec::with_capacity(n.min(payload.len()));
    for _ in 0..n {
        out.push(r.bytes()?);
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecuteRequest {
    pub seq: u8,
    pub options: u32,
    pub cursor_id: u32,
    pub sql: Option<String>,
    pub prefetch_rows: u32,
    pub al8i4: [u32; 13],
    pub binds: Vec<ColumnMeta>,
    pub defines: Vec<ColumnMeta>,
    /// Number of executions (executemany); also the DML row count array size.
    pub iterations: u32,
    pub dml_row_counts: bool,
    /// One row per iteration, values of the non-RETURNING binds in order.
    pub rows: Vec<Vec<BindValue>>,
}

/// True for binds whose values go last in each row (non-PL/SQL LONG rule).
fn is_long(m: &ColumnMeta, caps: &Caps) -> bool {
    // JSON declares 32 MB (the prefetch size) but python-oracledb sends it in place.
    (m.buffer_size > caps.max_string_size && m.ora_type != ora_type::JSON)
        || matches!(m.ora_type, ora_type::LONG | ora_type::LONG_RAW)
}

fn write_value(w: &mut Writer, m: &ColumnMeta, v: &BindValue) {
    if m.is_array() {
        match v {
            Some(packed) => w.raw(packed),
            None => w.ub4(0),
        };
        return;
    }
    match (m.ora_type, v) {
        (ora_type::JSON, v) => super::json::write_bind(w, v.as_deref()),
        (ora_type::BOOLEAN, None) => {
            w.u8(0xFD).u8(1);
        }
        (ora_type::OBJECT, None) => crate::value::pickle::ObjectValue {
            flags: crate::value::pickle::TOP_LEVEL,
            ..Default::default()
        }
        .encode(w),
        (ora_type::OBJECT, Some(b)) => {
            // Already the whole wire value (see read_value).
            w.raw(b);
        }
        (_, None) => {
            w.u8(0);
        }
        (ora_type::VECTOR, b) => crate::value::vector::write_wire(w, b.as_deref(), true),
        (ora_type::CLOB | ora_type::BLOB, Some(b)) => {
            // A LOB bind is its locator: ub4 length, then the bytes.
            w.ub4(b.len() as u32).bytes(b);
        }
        (_, Some(b)) => {
            w.bytes(b);
        }
    }
}

/// Writes the `07` rows with the LONG rule applied (values of long binds last).
pub fn write_bind_rows(
    w: &mut Writer,
    caps: &Caps,
    metas: &[ColumnMeta],
    rows: &[Vec<BindValue>],
    is_plsql: bool,
) {
    for row in rows {
        w.u8(msg::ROW_DATA);
        let longs = |m: &ColumnMeta| !is_plsql && is_long(m, caps);
        for (m, v) in metas.iter().zip(row) {
            if !longs(m) {
                write_value(w, m, v);
            }
        }
        for (m, v) in metas.iter().zip(row) {
            if longs(m) {
                write_value(w, m, v);
            }
        }
    }
}

fn read_value(r: &mut Reader, m: &ColumnMeta) -> DecodeResult<BindValue> {
    if m.is_array() {
        let n = r.ub4()? as usize;
        let mut elements = Vec::with_capacity(n.min(r.remaining()));
        for _ in 0..n {
            elements.push(r.bytes()?);
        }
        return Ok(Some(encode_array(&elements)));
    }
    if m.ora_type == ora_type::CURSOR {
        // A REF CURSOR bind: ub4 1 then the ub4 id of the client's cursor,
        // or `01 00` when it has none yet; OCI sends a NULL one (an OUT bind
        // it has no statement for) as the absent value `FD 01`. The value
        // goes no further: the server opens REF CURSORs, it does not take
        // them in.
        if r.peek_u8()? == crate::buf::ESCAPE {
            return r.bytes().map(|_| None);
        }
        if r.ub4()? != 0 {
            r.ub4()?;
        }
        return Ok(None);
    }
    if m.ora_type == ora_type::OBJECT {
        // An object: TOID, OID, snapshot, version, length, flags, image
        // (see value::pickle), kept whole; NULL when it has no image.
        let v = crate::value::pickle::ObjectValue::decode(r)?;
        if v.image.is_empty() {
            return Ok(None);
        }
        let mut w = Writer::new();
        v.encode(&mut w);
        return Ok(Some(w.into_inner()));
    }
    if m.ora_type == ora_type::VECTOR {
        return crate::value::vector::read_wire(r, true);
    }
    if m.ora_type == ora_type::JSON {
        return super::json::read_bind(r);
    }
    if matches!(m.ora_type, ora_type::CLOB | ora_type::BLOB) {
        // LOB binds carry a locator: ub4 length then the bytes.
        let n = r.ub4()?;
        return if n == 0 { Ok(None) } else { r.bytes() };
    }
    r.bytes()
}

/// Reads the `07` bind rows that follow the metadata. `metas` are the
/// value-carrying binds (RETURNING binds removed) in placeholder order.
pub fn read_bind_rows(
    r: &mut Reader,
    caps: &Caps,
    metas: &[ColumnMeta],
    is_plsql: bool,
) -> DecodeResult<Vec<Vec<BindValue>>> {
    let mut rows = Vec::new();
    if metas.is_empty() {
        return Ok(rows);
    }
    while let Some(row) = read_bind_row(r, caps, metas, is_plsql)? {
        rows.push(row);
    }
    Ok(rows)
}

/// Reads one `07` bind row, or `None` when the next byte is not one (or
/// the input ended between rows). A reader that stops at a row boundary can
/// go on from there later: the server judges a request's end row by row.
pub fn read_bind_row(
    r: &mut Reader,
    caps: &Caps,
    metas: &[ColumnMeta],
    is_plsql: bool,
) -> DecodeResult<Option<Vec<BindValue>>> {
    if r.is_empty() || r.peek_u8()? != msg::ROW_DATA {
        return Ok(None);
    }
    r.u8()?;
    let mut row: Vec<BindValue> = vec![None; metas.len()];
    // OCI 19.3 sends no bytes at all for a bind whose buffer is 0 (the
    // NULL actual tag of its PL/SQL session fixup call): NULL.
    let absent = |m: &ColumnMeta| caps.oci && m.buffer_size == 0;
    let longs = |m: &ColumnMeta| !is_plsql && is_long(m, caps) && !absent(m);
    for (i, m) in metas.iter().enumerate() {
        if !longs(m) && !absent(m) {
            row[i] = read_value(r, m)?;
        }
    }
    for (i, m) in metas.iter().enumerate() {
        if longs(m) {
            row[i] = read_value(r, m)?;
        }
    }
    Ok(Some(row))
}

impl ExecuteRequest {
    /// Writes the whole call (header, fields, metadata, bind rows).
    pub fn encode(&self, w: &mut Writer, caps: &Caps, value_binds: &[ColumnMeta], is_plsql: bool) {
        FunctionHeader::call(func::EXECUTE, self.seq).encode(w, caps);
        let sql = self.sql.as_deref().unwrap_or("");
        w.ub4(self.options).ub4(self.cursor_id);
        w.u8(u8::from(self.sql.is_some())).ub4(sql.len() as u32);
        w.u8(1)
            .ub4(13)
            .u8(0)
            .u8(0)
            .ub4(0)
            .ub4(self.prefetch_rows)
            .ub4(0x7FFF_FFFF);
        w.u8(u8::from(!self.binds.is_empty()))
            .ub4(self.binds.len() as u32);
        w.u8(0).u8(0).u8(0).u8(0).u8(0);
        w.u8(u8::from(!self.defines.is_empty()))
            .ub4(self.defines.len() as u32);
        w.ub4(0).u8(0).u8(1).u8(0).ub4(0).u8(0).ub4(0).ub4(0);
        if self.dml_row_counts {
            w.u8(1).ub4(self.iterations).u8(1);
        } else {
            w.u8(0).ub4(0).u8(0);
        }
        if caps.field_version >= Caps::FV_12_2 {
            w.u8(0).ub4(0).u8(0).ub4(0).u8(0);
            if caps.field_version >= Caps::FV_12_2_EXT1 {
                w.u8(0).ub4(0);
            }
        }
        if self.sql.is_some() {
            w.bytes(sql.as_bytes());
        }
        for v in self.al8i4 {
            w.ub4(v);
        }
        for m in self.binds.iter().chain(&self.defines) {
            m.encode(w, caps);
        }
        write_bind_rows(w, caps, value_binds, &self.rows, is_plsql);
    }

    /// Reads everything up to the bind rows (see [`read_bind_rows`]).
    pub fn decode_head(r: &mut Reader, caps: &Caps) -> DecodeResult<Self> {
        let mut q = ExecuteRequest {
            options: r.ub4()?,
            cursor_id: r.ub4()?,
            ..Default::default()
        };
        let has_sql = r.u8()? != 0;
        let sql_len = r.ub4()? as usize;
        r.u8()?;
        r.ub4()?;
        r.u8()?;
        r.u8()?;
        r.ub4()?;
        q.prefetch_rows = r.ub4()?;
        r.ub4()?;
        r.u8()?;
        let nbinds = r.ub4()?;
        r.skip_n(5)?;
        r.u8()?;
        let ndefs = r.ub4()?;
        r.ub4()?;
        r.u8()?;
        r.u8()?;
        r.u8()?;
        r.ub4()?;
        r.u8()?;
        r.ub4()?;
        r.ub4()?;
        q.dml_row_counts = r.u8()? != 0;
        q.iterations = r.ub4()?;
        r.u8()?;
        if caps.field_version >= Caps::FV_12_2 {
            r.u8()?;
            r.ub4()?;
            r.u8()?;
            r.ub4()?;
            r.u8()?;
            if caps.field_version >= Caps::FV_12_2_EXT1 {
                r.u8()?;
                r.ub4()?;
            }
        }
        if has_sql {
            let sql = r.chr(sql_len, caps.raw_strings)?;
            q.sql = Some(String::from_utf8_lossy(&sql).into_owned());
        }
        for v in q.al8i4.iter_mut() {
            *v = r.ub4()?;
        }
        // Each descriptor is at least 10 bytes: absurd counts run out of input.
        q.binds = Vec::with_capacity((nbinds as usize).min(r.remaining() / 10));
        for _ in 0..nbinds {
            q.binds.push(ColumnMeta::decode(r, caps)?);
        }
        q.defines = Vec::with_capacity((ndefs as usize).min(r.remaining() / 10));
        for _ in 0..ndefs {
            q.defines.push(ColumnMeta::decode(r, caps)?);
        }
        Ok(q)
    }
}

/// RE-EXECUTE (4) and RE-EXECUTE-AND-FETCH (78).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReexecuteRequest {
    pub function: u8,
    pub seq: u8,
    pub cursor_id: u32,
    /// 78: rows to fetch; 4: number of bind rows.
    pub iterations: u32,
    pub options1: u32,
    /// 0x1 = commit.
    pub options2: u32,
    pub rows: Vec<Vec<BindValue>>,
}

impl ReexecuteRequest {
    pub fn encode(&self, w: &mut Writer, caps: &Caps, value_binds: &[ColumnMeta], is_plsql: bool) {
        FunctionHeader::call(self.function, self.seq).encode(w, caps);
        w.ub4(self.cursor_id)
            .ub4(self.iterations)
            .ub4(self.options1)
            .ub4(self.options2);
        write_bind_rows(w, caps, value_binds, &self.rows, is_plsql);
    }

    pub fn decode(
        r: &mut Reader,
        caps: &Caps,
        value_binds: &[ColumnMeta],
        is_plsql: bool,
    ) -> DecodeResult<Self> {
        let mut q = Self::decode_head(r)?;
        q.rows = read_bind_rows(r, caps, value_binds, is_plsql)?;
        Ok(q)
    }

    /// Reads the fields before the bind rows (see [`read_bind_rows`]).
    pub fn decode_head(r: &mut Reader) -> DecodeResult<Self> {
        Ok(ReexecuteRequest {
            cursor_id: r.ub4()?,
            iterations: r.ub4()?,
            options1: r.ub4()?,
            options2: r.ub4()?,
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::buf::DecodeError;

    /// OCI 19.3's session fixup call (python-oracledb thick, a pool with a
    /// PL/SQL session callback, `acquire(tag="NLS_DATE_FORMAT=YYYY")`): the
    /// actual tag is bound with buffer size 0 and has no bytes in the row.
    #[test]
    fn oci_sends_no_bytes_for_a_zero_buffer_bind() {
        let hex = include_str!("../../../testserver/tests/oci19/oall8_fixup.hex").trim();
        let packet: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        // After the packet header, data flags and a close-cursors piggyback.
        let at = packet
            .windows(2)
            .position(|w| w == [msg::FUNCTION, 0x5e])
            .unwrap();
        let caps = Caps {
            field_version: 12,
            max_string_size: 32767,
            oci: true,
            ..Caps::default()
        };
        let mut r = Reader::new(&packet[at + 3..]);
        let head = ExecuteRequest::decode_head(&mut r, &caps).unwrap();
        assert!(head
            .sql
            .unwrap()
            .contains("qualified_sql_name('thick_fixup')"));
        let sizes: Vec<u32> = head.binds.iter().map(|m| m.buffer_size).collect();
        assert_eq!(sizes, [1024, 0]);
        let rows = read_bind_rows(&mut r, &caps, &head.binds, true).unwrap();
        assert_eq!(rows, [vec![Some(b"NLS_DATE_FORMAT=YYYY".to_vec()), None]]);
        assert!(r.is_empty());
        // Read as thin clients send it, the second value is missing.
        let thin = Caps { oci: false, ..caps };
        let mut r = Reader::new(&packet[at + 3..]);
        let head = ExecuteRequest::decode_head(&mut r, &thin).unwrap();
        assert!(read_bind_rows(&mut r, &thin, &head.binds, true).is_err());
    }

    fn sample(caps: &Caps) -> (ExecuteRequest, Vec<ColumnMeta>) {
        let binds = vec![
            ColumnMeta::bind(ora_type::NUMBER, 22),
            ColumnMeta::bind(ora_type::LONG, 40_000),
            ColumnMeta::bind(ora_type::VARCHAR, 10),
            ColumnMeta::bind(ora_type::BOOLEAN, 4),
        ];
        let _ = caps;
        let req = ExecuteRequest {
            seq: 5,
            options: options::PARSE | options::BIND | options::EXECUTE | options::NOT_PLSQL,
            sql: Some("insert into t values (:1, :2, :3, :4)".into()),
            al8i4: [1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            binds: binds.clone(),
            rows: vec![
                vec![
                    Some(vec![0xC1, 2]),
                    Some(vec![b'x'; 40_000]),
                    Some(b"ab".to_vec()),
                    Some(vec![1, 1]),
                ],
                vec![None, None, Some(b"c".to_vec()), None],
            ],
            ..Default::default()
        };
        (req, binds)
    }

    #[test]
    fn array_binds_round_trip_as_count_then_elements() {
        let caps = Caps::default();
        let mut lines = ColumnMeta::bind(ora_type::VARCHAR, 100);
        lines.flags |= crate::ttc::column::FLAG_ARRAY;
        lines.max_array_elements = 10;
        let metas = vec![lines, ColumnMeta::bind(ora_type::NUMBER, 22)];
        let elements = vec![Some(b"one".to_vec()), None, Some(b"three".to_vec())];
        let rows = vec![
            vec![Some(encode_array(&elements)), Some(vec![0xC1, 11])],
            // An OUT array sent empty, as clients do.
            vec![None, None],
        ];
        let mut w = Writer::new();
        write_bind_rows(&mut w, &caps, &metas, &rows, true);
        // Wire form of the first array: ub4 3, then "one", NULL, "three".
        assert_eq!(&w.buf[..7], &[msg::ROW_DATA, 1, 3, 3, b'o', b'n', b'e']);
        let got = read_bind_rows(&mut Reader::new(&w.buf), &caps, &metas, true).unwrap();
        assert_eq!(got[0], rows[0]);
        assert_eq!(
            decode_array(got[0][0].as_deref().unwrap()).unwrap(),
            elements
        );
        assert_eq!(decode_array(got[1][0].as_deref().unwrap()).unwrap(), vec![]);
        // A count larger than the data is an error, not a huge allocation.
        assert!(decode_array(&[4, 0xFF, 0xFF, 0xFF, 0xFF]).is_err());
    }

    #[test]
    fn round_trip_with_long_rule_at_each_field_version() {
        for fv in [7u8, 8, 12, 17, 18, 24] {
            let caps = Caps {
                field_version: fv,
                ..Caps::default()
            };
            let (req, binds) = sample(&caps);
            let mut w = Writer::new();
            req.encode(&mut w, &caps, &binds, false);
            let mut r = Reader::new(&w.buf[1..]);
            let h = FunctionHeader::decode(msg::FUNCTION, &mut r, &caps).unwrap();
            assert_eq!((h.code, h.seq), (func::EXECUTE, 5));
            let mut got = ExecuteRequest::decode_head(&mut r, &caps).unwrap();
            got.rows = read_bind_rows(&mut r, &caps, &got.binds, false).unwrap();
            got.seq = 5;
            assert!(r.is_empty());
            assert_eq!(got, req, "fv {fv}");
        }
    }

    #[test]
    fn long_values_travel_last() {
        let caps = Caps::default();
        let metas = vec![
            ColumnMeta::bind(ora_type::LONG, 40_000),
            ColumnMeta::bind(ora_type::NUMBER, 22),
        ];
        let mut w = Writer::new();
        write_bind_rows(
            &mut w,
            &caps,
            &metas,
            &[vec![Some(vec![b'y'; 300]), Some(vec![0xC1, 2])]],
            false,
        );
        assert_eq!(&w.buf[..4], &[7, 2, 0xC1, 2]);
        let mut w2 = Writer::new();
        write_bind_rows(
            &mut w2,
            &caps,
            &metas,
            &[vec![Some(vec![b'y'; 300]), Some(vec![0xC1, 2])]],
            true,
        );
        assert_eq!(w2.buf[1], 0xFE);
    }

    #[test]
    fn option_values_match_node_oracledb() {
        use options::*;
        assert_eq!(NOT_PLSQL | FETCH | EXECUTE | PARSE, 0x8061);
        assert_eq!(NOT_PLSQL | EXECUTE | BIND | PARSE, 0x8029);
        assert_eq!(NOT_PLSQL | EXECUTE | PARSE, 0x8021);
        assert_eq!(PLSQL_BIND | EXECUTE | BIND | PARSE, 0x0429);
        assert_eq!(NOT_PLSQL | DEFINE, 0x8010);
    }

    #[test]
    fn truncated_head_needs_more() {
        let caps = Caps::default();
        let (req, binds) = sample(&caps);
        let mut w = Writer::new();
        req.encode(&mut w, &caps, &binds, false);
        let body = &w.buf[3..];
        let mut r = Reader::new(body);
        let full = ExecuteRequest::decode_head(&mut r, &caps).unwrap();
        assert_eq!(full.binds.len(), 4);
        for cut in 0..r.pos() {
            assert_eq!(
                ExecuteRequest::decode_head(&mut Reader::new(&body[..cut]), &caps),
                Err(DecodeError::NeedMore),
                "cut {cut}"
            );
        }
    }

    #[test]
    fn reexecute_round_trip() {
        let caps = Caps::default();
        let metas = vec![ColumnMeta::bind(ora_type::VARCHAR, 10)];
        let q = ReexecuteRequest {
            function: func::REEXECUTE,
            seq: 1,
            cursor_id: 3,
            iterations: 1,
            options1: 0,
            options2: 1,
            rows: vec![vec![Some(b"v".to_vec())]],
        };
        let mut w = Writer::new();
        q.encode(&mut w, &caps, &metas, false);
        let mut got =
            ReexecuteRequest::decode(&mut Reader::new(&w.buf[3..]), &caps, &metas, false).unwrap();
        got.function = func::REEXECUTE;
        got.seq = 1;
        assert_eq!(got, q);
    }

    #[test]
    fn ref_cursor_binds_are_read_past_with_or_without_an_id() {
        // python-oracledb writes a REF CURSOR bind as `01 00` when its cursor
        // has no id yet, else ub4 1 and the ub4 id; a number bind follows.
        let metas = [
            ColumnMeta::bind(ora_type::CURSOR, 0),
            ColumnMeta::bind(ora_type::NUMBER, 22),
        ];
        let caps = Caps::default();
        let no_id = [msg::ROW_DATA, 0x01, 0x00, 0x02, 0xC1, 0x03];
        let rows = read_bind_rows(&mut Reader::new(&no_id), &caps, &metas, true).unwrap();
        assert_eq!(rows, vec![vec![None, Some(vec![0xC1, 0x03])]]);
        let with_id = [msg::ROW_DATA, 0x01, 0x01, 0x01, 0x07, 0x02, 0xC1, 0x03];
        let rows = read_bind_rows(&mut Reader::new(&with_id), &caps, &metas, true).unwrap();
        assert_eq!(rows, vec![vec![None, Some(vec![0xC1, 0x03])]]);
        // OCI (ODPI-C's fresh cursor variable, NULL): the absent value `FD 01`
        // (testserver tests/oci19/oall8_plsql_refcursor_null.hex).
        let null = [msg::ROW_DATA, 0xFD, 0x01, 0x02, 0xC1, 0x03];
        let rows = read_bind_rows(&mut Reader::new(&null), &caps, &metas, true).unwrap();
        assert_eq!(rows, vec![vec![None, Some(vec![0xC1, 0x03])]]);
    }
}
