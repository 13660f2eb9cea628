//! Server → client row traffic: ROW_HEADER, ROW_DATA values (plain, LONG,
//! out binds, RETURNING), IO_VECTOR, and the DML row counts PARAMETER.

use super::{msg, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

/// ROW_HEADER (type 6). We never send bit vectors or rowids.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowHeader {
    /// Duplicate-column bit vector (real servers); empty = every column sent.
    pub bit_vector: Vec<u8>,
}

impl RowHeader {
    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::ROW_HEADER)
            .u8(0)
            .ub2(0)
            .ub4(0)
            .ub4(0)
            .ub2(0)
            .ub4(0)
            .ub4(0);
    }

    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        r.u8()?;
        r.ub2()?;
        r.ub4()?;
        r.ub4()?;
        r.ub2()?;
        let mut h = RowHeader::default();
        let n = r.ub4()? as usize;
        if n > 0 {
            r.u8()?;
            h.bit_vector = r.take(n)?.to_vec();
        }
        if r.ub4()? > 0 {
            r.skip_bytes()?;
        }
        Ok(h)
    }
}

/// BIT_VECTOR (type 21), sent before a row whose columns repeat the
/// previous row's values: a set bit means the column is in the ROW_DATA that
/// follows, a clear bit means "same as the previous row" (not sent). It
/// applies to the next row only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitVector {
    pub columns_sent: u16,
    /// One bit per column, column 0 in bit 0 of byte 0.
    pub bits: Vec<u8>,
}

impl BitVector {
    /// The vector for `sent[i]` (true = column i is sent).
    pub fn from_sent(sent: &[bool]) -> BitVector {
        let mut bits = vec![0u8; sent.len().div_ceil(8)];
        for (i, _) in sent.iter().enumerate().filter(|(_, s)| **s) {
            bits[i / 8] |= 1 << (i % 8);
        }
        BitVector {
            columns_sent: sent.iter().filter(|s| **s).count() as u16,
            bits,
        }
    }

    /// Whether column `i` is a duplicate of the previous row's value.
    pub fn is_duplicate(&self, i: usize) -> bool {
        self.bits
            .get(i / 8)
            .is_some_and(|b| b & (1 << (i % 8)) == 0)
    }

    pub fn encode(&self, w: &mut Writer) {
        w.u8(msg::BIT_VECTOR).ub2(self.columns_sent).raw(&self.bits);
    }

    /// After the message type; the byte count follows from the query's
    /// column count, which only the caller knows.
    pub fn decode(r: &mut Reader, columns: usize) -> DecodeResult<Self> {
        let columns_sent = r.ub2()?;
        let bits = r.take(columns.div_ceil(8))?.to_vec();
        Ok(BitVector { columns_sent, bits })
    }
}

/// A column value in a row (`None` = NULL).
pub fn write_row_value(w: &mut Writer, v: Option<&[u8]>) {
    match v {
        Some(b) => w.bytes(b),
        None => w.null(),
    };
}

/// A LONG / LONG RAW column value: the bytes, then indicator and return code.
pub fn write_long_value(w: &mut Writer, v: Option<&[u8]>) {
    write_row_value(w, v);
    w.sb4(0).ub4(0);
}

/// Reads a LONG column value (see [`write_long_value`]).
pub fn read_long_value(r: &mut Reader) -> DecodeResult<Option<Vec<u8>>> {
    let v = r.bytes()?;
    r.sb4()?;
    r.ub4()?;
    Ok(v)
}

/// A PL/SQL OUT bind value: the bytes then the actual-length indicator.
pub fn write_out_bind(w: &mut Writer, v: Option<&[u8]>) {
    write_row_value(w, v);
    w.sb4(if v.is_some() { 0 } else { -1 });
}

pub fn read_out_bind(r: &mut Reader) -> DecodeResult<Option<Vec<u8>>> {
    Ok(read_out_bind_len(r)?.0)
}

/// A value cut to its bind's buffer: the bytes sent, then its whole length
/// where the indicator goes (Oracle's ORA-01406 case).
pub fn write_out_bind_truncated(w: &mut Writer, v: &[u8], whole: u32) {
    write_row_value(w, Some(v));
    w.sb4(i32::try_from(whole).unwrap_or(i32::MAX));
}

/// [`read_out_bind`] and the indicator: above 0, the value was cut short
/// and that is its whole length.
pub fn read_out_bind_len(r: &mut Reader) -> DecodeResult<(Option<Vec<u8>>, i32)> {
    let v = r.bytes()?;
    let indicator = r.sb4()?;
    Ok((if indicator < 0 { None } else { v }, indicator))
}

/// A REF CURSOR OUT bind: a length byte (1, which clients skip), the
/// cursor's describe body, its cursor id as ub2, then the indicator. A
/// cursor the block never opened goes as no columns and id 0.
pub fn write_out_cursor(
    w: &mut Writer,
    caps: &Caps,
    info: &super::describe::DescribeInfo,
    cursor_id: u16,
) {
    w.u8(1);
    info.encode_body(w, caps);
    w.ub2(cursor_id).sb4(0);
}

/// Reads a REF CURSOR OUT bind (see [`write_out_cursor`]): its describe and
/// cursor id.
pub fn read_out_cursor(
    r: &mut Reader,
    caps: &Caps,
) -> DecodeResult<(super::describe::DescribeInfo, u16)> {
    r.u8()?;
    let info = super::describe::DescribeInfo::decode_body(r, caps)?;
    let id = r.ub2()?;
    r.sb4()?;
    Ok((info, id))
}

/// A CURSOR(…) column value in a fetched row (type 102): like a REF CURSOR
/// OUT bind (a length byte clients skip, the nested cursor's describe body,
/// its cursor id as ub2) but with no indicator after it, since row values
/// carry none. python-oracledb and node-oracledb read it so.
pub fn write_cursor_value(
    w: &mut Writer,
    caps: &Caps,
    info: &super::describe::DescribeInfo,
    cursor_id: u16,
) {
    w.u8(1);
    info.encode_body(w, caps);
    w.ub2(cursor_id);
}

/// Reads a CURSOR(…) column value (see [`write_cursor_value`]).
pub fn read_cursor_value(
    r: &mut Reader,
    caps: &Caps,
) -> DecodeResult<(super::describe::DescribeInfo, u16)> {
    r.u8()?;
    let info = super::describe::DescribeInfo::decode_body(r, caps)?;
    let id = r.ub2()?;
    Ok((info, id))
}

/// An array (PL/SQL index-by table) OUT bind: the element count, then each
/// element as an OUT bind value.
pub fn write_out_array(w: &mut Writer, elements: &[Option<Vec<u8>>]) {
    w.ub4(elements.len() as u32);
    for e in elements {
        write_out_bind(w, e.as_deref());
    }
}

pub fn read_out_array(r: &mut Reader) -> DecodeResult<Vec<Option<Vec<u8>>>> {
    let n = r.ub4()? as usize;
    let mut out = Vec::with_capacity(n.min(r.remaining()));
    for _ in 0..n {
        out.push(read_out_bind(r)?);
    }
    Ok(out)
}

/// One RETURNING row message: per return bind, the count of affected rows
/// then each value with its indicator.
pub fn write_returning_row(w: &mut Writer, _caps: &Caps, per_bind: &[Vec<Option<Vec<u8>>>]) {
    w.u8(msg::ROW_DATA);
    for vals in per_bind {
        w.ub4(vals.len() as u32);
        for v in vals {
            write_out_bind(w, v.as_deref());
        }
    }
}

/// Reads one RETURNING row message body (after the `07`).
pub fn read_returning_row(r: &mut Reader, binds: usize) -> DecodeResult<Vec<Vec<Option<Vec<u8>>>>> {
    let mut out = Vec::with_capacity(binds);
    for _ in 0..binds {
        let n = r.ub4()? as usize;
        let mut vals = Vec::with_capacity(n.min(r.remaining()));
        for _ in 0..n {
            vals.push(read_out_bind(r)?);
        }
        out.push(vals);
    }
    Ok(out)
}

/// Bind directions after a PL/SQL execute.
pub mod dir {
    pub const OUT: u8 = 16;
    pub const IN: u8 = 32;
    pub const IN_OUT: u8 = 48;
}

/// IO_VECTOR: the bind directions of a PL/SQL execute, in a row header's
/// fields (flags, requests, iteration, iterations this time, UAC length,
/// bit vector, rowid). Thin clients read it with flags and iterations 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IoVector {
    pub directions: Vec<u8>,
    pub flags: u8,
    pub iterations: u32,
}

/// Row-header flag "PL/SQL vector" (JDBC's RXHPLSV).
pub const IOV_PLSQL: u8 = 0x04;

impl IoVector {
    /// The form OCI 19.3 reads (tests/oci19/README.md, round 10): the
    /// PL/SQL flag and one iteration; without the flag it reads no
    /// directions, with 0 iterations it crashes. It needs RXH10 or newer
    /// in the data-type answer (under RXH7: ORA-03106).
    pub fn oci(directions: Vec<u8>, iterations: u32) -> Self {
        IoVector {
            directions,
            flags: IOV_PLSQL,
            iterations,
        }
    }

    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        let n = self.directions.len();
        w.u8(msg::IO_VECTOR)
            .u8(self.flags)
            .ub2((n % 256) as u16)
            .ub4((n / 256) as u32);
        w.ub4(self.iterations).ub2(0).ub2(0).ub2(0);
        w.raw(&self.directions);
    }

    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let flags = r.u8()?;
        let low = r.ub2()? as usize;
        let high = r.ub4()? as usize;
        let n = high * 256 + low;
        let iterations = r.ub4()?;
        r.ub2()?;
        let bv = r.ub2()? as usize;
        r.skip_n(bv)?;
        let rowid = r.ub2()? as usize;
        r.skip_n(rowid)?;
        Ok(IoVector {
            directions: r.take(n)?.to_vec(),
            flags,
            iterations,
        })
    }
}

/// Length of the al8o4 array in a return-parameter message.
const AL8O4_LEN: u16 = 13;
/// al8o4 slot holding the cursor id (JDBC takes the statement's cursor
/// from it; go-ora reads slots 0 and 1, the snapshot SCN, unconditionally).
const AL8O4_CURSOR: usize = 2;

/// PARAMETER (type 8) in the execute layout: the al8o4 array (with the
/// cursor id) and, when the client asked for them, per-iteration row counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DmlRowCounts {
    pub cursor_id: u16,
    pub counts: Vec<u64>,
    /// Whether `counts` is on the wire (the client asked for row counts).
    pub with_counts: bool,
}

impl DmlRowCounts {
    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::PARAMETER).ub2(AL8O4_LEN);
        for i in 0..AL8O4_LEN as usize {
            w.ub4(if i == AL8O4_CURSOR {
                self.cursor_id as u32
            } else {
                0
            });
        }
        // no transaction id, no key/values, no query id
        w.ub2(0).ub2(0).ub2(0);
        if self.with_counts {
            w.ub4(self.counts.len() as u32);
            for c in &self.counts {
                w.ub8(*c);
            }
        }
    }

    /// Reads the execute-layout PARAMETER; row counts only when asked for.
    pub fn decode(r: &mut Reader, _caps: &Caps, with_counts: bool) -> DecodeResult<Self> {
        let n = r.ub2()? as usize;
        let mut cursor_id = 0;
        for i in 0..n {
            let v = r.ub4()?;
            if i == AL8O4_CURSOR {
                cursor_id = v as u16;
            }
        }
        let txn = r.ub2()? as usize;
        r.skip_n(txn)?;
        let pairs = r.ub2()?;
        for _ in 0..pairs {
            let k = r.ub2()? as usize;
            if k > 0 {
                r.skip_bytes()?;
            }
            let v = r.ub2()? as usize;
            if v > 0 {
                r.skip_bytes()?;
            }
            r.ub2()?;
        }
        let reg = r.ub2()? as usize;
        r.skip_n(reg)?;
        let mut counts = Vec::new();
        if with_counts {
            let n = r.ub4()? as usize;
            counts.reserve(n.min(r.remaining()));
            for _ in 0..n {
                counts.push(r.ub8()?);
            }
        }
        Ok(DmlRowCounts {
            cursor_id,
            counts,
            with_counts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_vector_round_trip() {
        let sent = [
            true, false, true, true, false, false, false, false, true, false,
        ];
        let v = BitVector::from_sent(&sent);
        assert_eq!(
            (v.columns_sent, v.bits.clone()),
            (4, vec![0b0000_1101, 0b01])
        );
        let mut w = Writer::new();
        v.encode(&mut w);
        assert_eq!(w.buf[0], msg::BIT_VECTOR);
        let mut r = Reader::new(&w.buf[1..]);
        let back = BitVector::decode(&mut r, sent.len()).unwrap();
        assert!(r.is_empty());
        assert_eq!(back, v);
        let dups: Vec<usize> = (0..sent.len()).filter(|&i| back.is_duplicate(i)).collect();
        assert_eq!(dups, [1, 4, 5, 6, 7, 9]);
    }

    #[test]
    fn cursor_column_value_golden_bytes() {
        // An empty describe and cursor id 3, as python-oracledb's
        // _process_column_data reads a type-102 value in a fetch: skip ub1,
        // describe body (max row size, column count, then six ub4 fields:
        // two of them length-prefixed byte strings), ub2 cursor id, and no
        // indicator (that is only for OUT binds).
        let caps = Caps::default();
        let golden = [1u8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3];
        let mut w = Writer::new();
        write_cursor_value(
            &mut w,
            &caps,
            &super::super::describe::DescribeInfo::new(Vec::new()),
            3,
        );
        assert_eq!(w.buf, golden);
        let (info, id) = read_cursor_value(&mut Reader::new(&golden), &caps).unwrap();
        assert_eq!((info.columns.len(), id), (0, 3));
        // Cut anywhere, it asks for more bytes instead of failing or panicking.
        for n in 0..golden.len() {
            assert!(read_cursor_value(&mut Reader::new(&golden[..n]), &caps).is_err());
        }
    }

    #[test]
    fn cursor_column_value_round_trip() {
        use crate::ttc::describe::{DescribeColumn, DescribeInfo};
        use crate::value::ora_type;
        let caps = Caps::default();
        let info = DescribeInfo::new(vec![
            DescribeColumn::new("NAME", ora_type::VARCHAR, 30, 0, 0, true),
            DescribeColumn::new("C", ora_type::CURSOR, 1, 0, 0, true),
        ]);
        let mut w = Writer::new();
        write_cursor_value(&mut w, &caps, &info, 300);
        let mut body = Writer::new();
        info.encode_body(&mut body, &caps);
        // Length byte, the describe body, then ub2 300 (two bytes, big-endian).
        assert_eq!(w.buf[0], 1);
        assert_eq!(&w.buf[1..w.buf.len() - 3], &body.buf[..]);
        assert_eq!(&w.buf[w.buf.len() - 3..], [2, 1, 44]);
        // The next column's value follows directly.
        w.u8(0x5a);
        let mut r = Reader::new(&w.buf);
        let (back, id) = read_cursor_value(&mut r, &caps).unwrap();
        assert_eq!(id, 300);
        assert_eq!(back.columns[0].name, "NAME");
        assert_eq!(back.columns[1].ora_type, ora_type::CURSOR);
        assert_eq!(r.u8().unwrap(), 0x5a);
    }

    #[test]
    fn out_cursor_round_trip() {
        use crate::ttc::describe::{DescribeColumn, DescribeInfo};
        use crate::value::ora_type;
        let caps = Caps::default();
        let info = DescribeInfo::new(vec![
            DescribeColumn::new("ID", ora_type::NUMBER, 22, 9, 0, false),
            DescribeColumn::new("NAME", ora_type::VARCHAR, 30, 0, 0, true),
        ]);
        for id in [7u16, 0] {
            let mut w = Writer::new();
            write_out_cursor(&mut w, &caps, &info, id);
            // What follows the value is read as the next bind's.
            w.u8(0x5a);
            let mut r = Reader::new(&w.buf);
            let (back, got) = read_out_cursor(&mut r, &caps).unwrap();
            assert_eq!(got, id);
            assert_eq!(back.columns.len(), 2);
            assert_eq!(back.columns[1].name, "NAME");
            assert_eq!(back.columns[0].precision, 9);
            assert_eq!(r.u8().unwrap(), 0x5a);
        }
    }

    #[test]
    fn out_arrays_round_trip() {
        let elements = vec![Some(b"a".to_vec()), None, Some(b"bc".to_vec())];
        let mut w = Writer::new();
        write_out_array(&mut w, &elements);
        let mut r = Reader::new(&w.buf);
        assert_eq!(read_out_array(&mut r).unwrap(), elements);
        assert!(r.is_empty());
    }

    #[test]
    fn row_header_bytes() {
        let mut w = Writer::new();
        RowHeader::default().encode(&mut w, &Caps::default());
        assert_eq!(w.buf, [6, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            RowHeader::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap(),
            RowHeader::default()
        );
    }

    #[test]
    fn truncated_out_bind_round_trips_with_its_whole_length() {
        let mut w = Writer::new();
        write_out_bind_truncated(&mut w, b"ab", 23);
        write_out_bind(&mut w, Some(b"xyz"));
        let mut r = Reader::new(&w.buf);
        assert_eq!(
            read_out_bind_len(&mut r).unwrap(),
            (Some(b"ab".to_vec()), 23)
        );
        assert_eq!(
            read_out_bind_len(&mut r).unwrap(),
            (Some(b"xyz".to_vec()), 0)
        );
    }

    #[test]
    fn long_out_bind_and_returning_round_trip() {
        let mut w = Writer::new();
        write_long_value(&mut w, Some(&vec![b'a'; 70_000]));
        write_out_bind(&mut w, None);
        write_returning_row(
            &mut w,
            &Caps::default(),
            &[vec![Some(vec![0xC1, 2]), None], vec![]],
        );
        let mut r = Reader::new(&w.buf);
        assert_eq!(read_long_value(&mut r).unwrap().unwrap().len(), 70_000);
        assert_eq!(read_out_bind(&mut r).unwrap(), None);
        assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
        assert_eq!(
            read_returning_row(&mut r, 2).unwrap(),
            vec![vec![Some(vec![0xC1, 2]), None], vec![]]
        );
        assert!(r.is_empty());
    }

    #[test]
    fn io_vector_and_row_counts_round_trip() {
        let v = IoVector {
            directions: vec![dir::OUT; 300],
            ..Default::default()
        };
        let mut w = Writer::new();
        v.encode(&mut w, &Caps::default());
        assert_eq!(
            IoVector::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap(),
            v
        );
        let c = DmlRowCounts {
            cursor_id: 3,
            counts: vec![1, 0, 5],
            with_counts: true,
        };
        let mut w = Writer::new();
        c.encode(&mut w, &Caps::default());
        assert_eq!(
            DmlRowCounts::decode(&mut Reader::new(&w.buf[1..]), &Caps::default(), true).unwrap(),
            c
        );
    }

    #[test]
    fn return_parameters_carry_the_cursor_in_al8o4_slot_2() {
        // JDBC (T4C8Oall.readRPA) indexes al8o4 and takes the cursor from
        // it: an empty array failed every JDBC execute.
        let mut w = Writer::new();
        DmlRowCounts {
            cursor_id: 7,
            ..Default::default()
        }
        .encode(&mut w, &Caps::default());
        let mut want = vec![0x08, 0x01, 13, 0, 0, 1, 7];
        want.extend([0; 10]);
        want.extend([0, 0, 0]);
        assert_eq!(w.buf, want);
        let back = DmlRowCounts::decode(&mut Reader::new(&w.buf[1..]), &Caps::default(), false);
        assert_eq!(back.unwrap().cursor_id, 7);
    }

    /// The IO_VECTOR OCI 19.3 read for `begin :n := 6 * 7; end;` (one OUT
    /// bind), measured through a rewriting proxy: PL/SQL flag, one request,
    /// iteration 0, one iteration, no UAC, bit vector or rowid, direction.
    #[test]
    fn oci_io_vector_has_the_plsql_flag_and_one_iteration() {
        let v = IoVector::oci(vec![dir::OUT], 1);
        let mut w = Writer::new();
        v.encode(&mut w, &Caps::default());
        assert_eq!(
            w.buf,
            [msg::IO_VECTOR, 0x04, 1, 1, 0, 1, 1, 0, 0, 0, dir::OUT]
        );
        let back = IoVector::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap();
        assert_eq!(back, v);
    }
}
