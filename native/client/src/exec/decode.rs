//! Decoding rows of a response into the row buffer: a row at a time, resuming a row cut
//! by a packet boundary, repeating the columns a BIT_VECTOR marks as duplicates.

use super::*;
use oradb_protocol::ttc::lob;

/// What a response carried, gathered while decoding it.
#[derive(Default)]
pub(super) struct Acc {
    pub(super) describe: Option<DescribeInfo>,
    pub(super) rows: RowBuf,
    /// A BIT_VECTOR for the next row: its clear bits are columns that
    /// repeat the previous row's value and are not sent.
    pub(super) bits: Option<rows::BitVector>,
    /// Where each column of the last decoded row sits in `rows.data`.
    pub(super) spans: Vec<(usize, usize)>,
    /// The row being decoded: its spans, committed to `spans` on success.
    pub(super) next_spans: Vec<(usize, usize)>,
    /// Where in `rows.data` a row cut short by the end of the bytes starts;
    /// its columns so far stay there for the next attempt.
    pub(super) partial: Option<usize>,
    pub(super) last_start: usize,
    /// The previous response's last row, for duplicates in this one's first.
    pub(super) carry: Option<Carry>,
    pub(super) io_dirs: Vec<u8>,
    /// Wire type of each placeholder (LOB OUT binds carry locators).
    pub(super) bind_types: Vec<u8>,
    pub(super) outs: Vec<Option<Vec<u8>>>,
    /// Which placeholders are array (index-by table) binds.
    pub(super) bind_arrays: Vec<bool>,
    /// executeMany with OUT binds: each iteration's `outs` (one ROW_DATA
    /// each) are kept here instead.
    pub(super) many_outs: Option<Vec<Vec<Option<Vec<u8>>>>>,
    /// REF CURSOR OUT binds opened by the block: cursor id and columns (their
    /// `outs` entry holds the id).
    pub(super) ref_cursors: Vec<(u32, Vec<DescribeColumn>)>,
    /// Implicit results of a PL/SQL call: cursor id and columns.
    pub(super) implicit: Vec<(u32, Vec<DescribeColumn>)>,
    pub(super) returning: Vec<Vec<Vec<Option<Vec<u8>>>>>,
    /// Wire type of each RETURNING bind, in order (LOB binds carry locators).
    pub(super) returning_types: Vec<u8>,
    /// The first RETURNING value the server cut to its bind's buffer: the
    /// bind (its place among RETURNING binds), the length sent and the whole.
    pub(super) returning_cut: Option<(usize, usize, i32)>,
    pub(super) row_counts: Option<Vec<u64>>,
    /// The connection's capabilities, for values that carry a describe
    /// (CURSOR columns).
    pub(super) caps: Caps,
    /// Nested cursors of CURSOR(…) columns in the decoded rows: cursor id
    /// and columns (their row value holds the id).
    pub(super) nested: Vec<(u32, Vec<DescribeColumn>)>,
}

/// How each column decodes; LOB columns come as LONG / LONG RAW when
/// `lobs_as_long`, except those in `as_lob` (their locators).
pub(super) fn plan_for(
    cols: &[DescribeColumn],
    as_string: &[usize],
    lobs_as_long: bool,
    as_lob: &[usize],
) -> Vec<ColumnDecode> {
    cols.iter()
        .enumerate()
        .map(|(i, c)| {
            let long = lobs_as_long && !as_lob.contains(&i);
            let wire_type = match c.ora_type {
                ora_type::CLOB if long => ora_type::LONG,
                ora_type::BLOB if long => ora_type::LONG_RAW,
                t => t,
            };
            ColumnDecode {
                wire_type,
                db_type: c.ora_type,
                csfrm: c.csfrm,
                as_string: as_string.contains(&i),
            }
        })
        .collect()
}

/// The last row of a cursor's previous response, as decoded bytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Carry {
    data: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

impl Acc {
    /// The last decoded row (or the carry it started from), for the
    /// cursor's next response.
    pub(super) fn take_carry(&mut self) -> Option<Carry> {
        if self.rows.rows == 0 {
            return self.carry.take();
        }
        let start = self.last_start;
        Some(Carry {
            data: self.rows.data[start..].to_vec(),
            spans: self
                .spans
                .iter()
                .map(|(s, e)| (s - start, e - start))
                .collect(),
        })
    }
}

/// Decodes one row; on a failure the state is left as before the row (the
/// pending bit vector and the previous row's spans must survive), except
/// that a row cut by a packet boundary keeps its whole columns: the reader's
/// mark says where the next attempt, with the rest of the bytes, goes on.
/// Columns a BIT_VECTOR marks as duplicates repeat the previous row's value.
pub(super) fn decode_row(
    r: &mut Reader,
    plan: &[ColumnDecode],
    acc: &mut Acc,
) -> std::result::Result<(), DecodeError> {
    let bits = acc.bits.as_ref();
    let first = acc.rows.rows == 0;
    acc.spans.resize(plan.len(), (0, 0));
    let out = &mut acc.rows;
    let (start, done) = match (acc.partial.take(), r.mark()) {
        (Some(start), Some((pos, done))) => {
            r.set_pos(pos);
            (start, done)
        }
        (partial, _) => {
            // Not a retry: a partial row is left from bytes thrown away.
            if let Some(start) = partial {
                out.data.truncate(start);
            }
            acc.next_spans.clear();
            (out.data.len(), 0)
        }
    };
    for (i, c) in plan.iter().enumerate().skip(done) {
        let at = out.data.len();
        let column_pos = r.pos();
        if bits.is_some_and(|b| b.is_duplicate(i)) {
            let (s, e) = acc.spans[i];
            if !first {
                out.data.extend_from_within(s..e);
            } else if let Some(carry) = &acc.carry {
                let (s, e) = carry.spans.get(i).copied().unwrap_or((0, 0));
                out.data.extend_from_slice(&carry.data[s..e]);
            } else {
                out.data.truncate(start);
                return Err(DecodeError::Malformed(
                    "a repeated column value with no previous row".into(),
                ));
            }
            acc.next_spans.push((at, out.data.len()));
            continue;
        }
        let res = if c.wire_type == ora_type::BFILE {
            lob::read_bfile_value(r).map(|v| {
                out.bfile(c, v);
                Ok(())
            })
        } else if matches!(c.wire_type, ora_type::CLOB | ora_type::BLOB) {
            lob::read_locator_value(r).map(|v| {
                out.locator(c, v);
                Ok(())
            })
        } else if c.wire_type == ora_type::VECTOR {
            oradb_protocol::value::vector::read_wire(r, false).map(|v| out.value(c, v.as_deref()))
        } else if c.wire_type == ora_type::OBJECT {
            oradb_protocol::value::pickle::ObjectValue::decode(r).map(|v| {
                crate::object::push_value(out, &v);
                Ok(())
            })
        } else if c.wire_type == ora_type::JSON {
            oradb_protocol::ttc::json::read_value(r).map(|v| out.value(c, v.as_deref()))
        } else if c.wire_type == ora_type::CURSOR {
            rows::read_cursor_value(r, &acc.caps).map(|(info, id)| {
                let id = u32::from(id);
                // Id 0: no cursor behind it (the server sends none so).
                if id == 0 {
                    out.null();
                } else {
                    out.cursor(id, &query::columns_of(&info.columns));
                    acc.nested.push((id, info.columns));
                }
                Ok(())
            })
        } else if matches!(c.wire_type, ora_type::LONG | ora_type::LONG_RAW) {
            rows::read_long_value(r).map(|v| out.value(c, v.as_deref()))
        } else {
            r.bytes_ref().map(|v| out.value(c, v.as_deref()))
        };
        match res {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                out.data.truncate(start);
                return Err(DecodeError::Malformed(e.message().to_string()));
            }
            Err(DecodeError::NeedMore) => {
                r.set_mark(column_pos, i);
                acc.partial = Some(start);
                return Err(DecodeError::NeedMore);
            }
            Err(e) => {
                out.data.truncate(start);
                return Err(e);
            }
        }
        acc.next_spans.push((at, out.data.len()));
    }
    out.rows += 1;
    acc.last_start = start;
    acc.bits = None;
    std::mem::swap(&mut acc.spans, &mut acc.next_spans);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oradb_protocol::ttc::describe::DescribeColumn;

    fn row_bytes(values: &[&str]) -> Vec<u8> {
        let mut w = Writer::new();
        for v in values {
            w.bytes(v.as_bytes());
        }
        w.buf
    }

    #[test]
    fn duplicates_repeat_the_previous_row_also_across_responses() {
        let cols = vec![
            DescribeColumn::new("A", ora_type::VARCHAR, 10, 0, 0, true),
            DescribeColumn::new("B", ora_type::VARCHAR, 10, 0, 0, true),
        ];
        let plan = plan_for(&cols, &[], false, &[]);
        let mut acc = Acc::default();
        decode_row(&mut Reader::new(&row_bytes(&["a", "x"])), &plan, &mut acc).unwrap();
        // Same response: column A repeats, only B is sent.
        acc.bits = Some(rows::BitVector::from_sent(&[false, true]));
        decode_row(&mut Reader::new(&row_bytes(&["y"])), &plan, &mut acc).unwrap();
        let mut whole = Acc::default();
        for r in [["a", "x"], ["a", "y"]] {
            decode_row(&mut Reader::new(&row_bytes(&r)), &plan, &mut whole).unwrap();
        }
        assert_eq!(acc.rows.data, whole.rows.data);
        // Next response: its first row repeats B of the previous response's last row.
        let mut next = Acc {
            carry: acc.take_carry(),
            ..Default::default()
        };
        next.bits = Some(rows::BitVector::from_sent(&[true, false]));
        decode_row(&mut Reader::new(&row_bytes(&["b"])), &plan, &mut next).unwrap();
        let mut want = Acc::default();
        decode_row(&mut Reader::new(&row_bytes(&["b", "y"])), &plan, &mut want).unwrap();
        assert_eq!(next.rows.data, want.rows.data);
        // A row cut short (more bytes to come) is decoded again later: the
        // bit vector and the previous row's spans must still be there.
        let mut cut = Acc::default();
        decode_row(&mut Reader::new(&row_bytes(&["a", "x"])), &plan, &mut cut).unwrap();
        cut.bits = Some(rows::BitVector::from_sent(&[true, false]));
        let full = row_bytes(&["bb"]);
        assert!(decode_row(&mut Reader::new(&full[..2]), &plan, &mut cut).is_err());
        decode_row(&mut Reader::new(&full), &plan, &mut cut).unwrap();
        let mut want2 = Acc::default();
        for r in [["a", "x"], ["bb", "x"]] {
            decode_row(&mut Reader::new(&row_bytes(&r)), &plan, &mut want2).unwrap();
        }
        assert_eq!(cut.rows.data, want2.rows.data);
        // A duplicate with no previous row at all is a protocol error, not a panic.
        let mut lone = Acc {
            bits: Some(rows::BitVector::from_sent(&[false, true])),
            ..Default::default()
        };
        assert!(decode_row(&mut Reader::new(&row_bytes(&["z"])), &plan, &mut lone).is_err());
        assert_eq!((lone.rows.rows, lone.rows.data.len()), (0, 0));
    }
}
