//! The rows of a query answer: the row header, each row (after a BIT_VECTOR
//! when it repeats values of the previous one) and the closing ERROR.

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::ttc::describe::DescribeInfo;
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::rows::{self, RowHeader};
use oradb_protocol::ttc::{msg, Caps};
use oradb_protocol::value::{self, ora_type, Value, ValueError};

use super::calls::State;

/// RXH + up to `n` rows + ERROR: 1403 once the cursor is exhausted, or the
/// error of a value that cannot be sent in its column's type (the rows
/// before it are sent; a value is never sent as a silent NULL).
pub(crate) fn write_rows(w: &mut TtcWriter, caps: &Caps, st: &mut State, cursor_id: u16, n: u32) {
    let (status, seq) = (st.call_status(), st.call_seq);
    let Some(cur) = st.cursors.get(cursor_id as u32) else {
        return;
    };
    let types: Vec<u8> = cur
        .prepared
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let ty = cur.defines.get(i).map(|d| d.ora_type).unwrap_or(c.ora_type);
            if caps.oci {
                oci_lob_as_long(c.ora_type, ty)
            } else if c.ora_type == ora_type::JSON
                && matches!(ty, ora_type::VARCHAR | ora_type::CHAR)
            {
                // A JSON column defined as text (python-oracledb's `cursor.var(str)`) is
                // read in the LONG form, as its LOB-like value is.
                ora_type::LONG
            } else {
                ty
            }
        })
        .collect();
    // Character-set forms: the client's define decides, else the column's.
    let forms: Vec<u8> = cur
        .prepared
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match cur.defines.get(i) {
            Some(d) if d.csfrm != 0 => d.csfrm,
            _ if c.national => 2,
            _ => 1,
        })
        .collect();
    let batch_end = (cur.pos + n as usize).min(cur.rows.len());
    let mut nested = super::nested::open_batch(st, cursor_id, &types, batch_end);
    let lobs = &mut st.lobs;
    let Some(cur) = st.cursors.get_mut(cursor_id as u32) else {
        return;
    };
    if caps.oci && n == 0 && !cur.exhausted() {
        // OCI's fetch-only OALL8 carries its row count where we do not read
        // it yet: an error, not a success that would end its fetch early.
        let e = ErrorMessage::error(
            3115,
            "ORA-03115: unsupported network datatype or representation (fetch without a row count)",
            cursor_id,
            0,
        );
        e.in_call(status, seq).encode(w, caps);
        return;
    }
    let end = (cur.pos + n as usize).min(cur.rows.len());
    if caps.oci {
        oci_row_header(w, (end - cur.pos) as u32);
    } else {
        RowHeader::default().encode(w, caps);
    }
    let shapes = super::objects::column_shapes(&st.session, &cur.prepared.columns);
    // A JSON column the client defined as text gets the JSON as text.
    for (i, c) in cur.prepared.columns.iter().enumerate() {
        if c.ora_type == ora_type::JSON && types[i] == ora_type::LONG {
            for row in &mut cur.rows[cur.pos..end] {
                if let Some(v) = row.get_mut(i) {
                    // Stored text that is not JSON goes as it is (never a NULL).
                    if let Ok(t) = crate::json::as_text(v) {
                        *v = t;
                    }
                }
            }
        }
    }
    let mut prev: Option<&Vec<Value>> = None;
    let mut failed = None;
    let start = cur.pos;
    let mut done = start;
    // Which columns each row sends: one vector for the batch, not one per row.
    let mut sent = Vec::with_capacity(types.len());
    for row in &cur.rows[cur.pos..end] {
        let mark = w.buf.len();
        let at = super::lob::RowAt {
            lob_rows: cur.lob_rows.as_ref(),
            index: done,
        };
        if let Some((_, e)) = nested.failed.take_if(|(r, _)| *r == done) {
            failed = Some(ValueError {
                code: e.code,
                message: e.message,
            });
            break;
        }
        let index = done;
        let cursors = |i: usize| nested.cursors.get(&(index, i));
        let ctx = (&types[..], &forms[..], &shapes[..], caps);
        if let Err(e) = write_row(w, (row, prev, &mut sent), ctx, lobs, (at, &cursors)) {
            w.buf.truncate(mark);
            failed = Some(e);
            break;
        }
        prev = Some(row);
        done += 1;
    }
    // Oracle finds the end of a result only by fetching past it: a batch
    // that filled the rows asked ends in success, and the next fetch gets
    // ORA-01403 (python-oracledb counts that round trip). A scrollable
    // cursor's result is kept whole, so it knows; OCI keeps the answer it
    // was measured with (oci19/README.md, round 6).
    let full = n > 0 && (done - start) as u32 == n && !caps.oci && !cur.scrollable;
    cur.pos = done;
    let m = match failed {
        Some(e) => ErrorMessage::error(e.code, &e.message, cursor_id, 0),
        None if cur.exhausted() && !full => {
            ErrorMessage::error(1403, "ORA-01403: no data found", cursor_id, 0)
        }
        None => ErrorMessage::success(cursor_id, 0, 0),
    };
    let mut m = m.in_call(status, seq);
    m.row_count = cur.pos as u64;
    m.encode(w, caps);
}

/// OCI asks for a LOB column's value itself by defining it as VARCHAR or
/// RAW (python-oracledb's `fetch_lobs = False`, node-oracledb's
/// `fetchAsString`), with a buffer of 2^31 - 1: it reads the value in the
/// LONG form (bytes, then indicator and return code), not the short one.
fn oci_lob_as_long(column: u8, defined: u8) -> u8 {
    match (column, defined) {
        (ora_type::CLOB, ora_type::VARCHAR | ora_type::CHAR) => ora_type::LONG,
        (ora_type::BLOB, ora_type::RAW) => ora_type::LONG_RAW,
        _ => defined,
    }
}

/// A NULL LONG (or LOB defined as text) for OCI: no bytes, indicator -1,
/// return code 0. With indicator 0 OCI 19.3 reports ORA-01406 (value
/// truncated) when the NULL comes first in a fetch-only answer (arraysize 1).
fn oci_long_null(w: &mut TtcWriter) {
    w.u8(0).sb4(-1).ub4(0);
}

/// OCI 19.3's row header (RXH7 in the DTY reply). `number of requests`
/// and `iterations this time` are not the batch's row count for OCI: every
/// batch is read when both say 2, whatever its rows (measured with
/// `tests/oci19/fetch_matrix.py`: arraysize 1..5000, prefetch 1..100,
/// 1..100,000 rows, NUMBER/text/NULL/DATE and repeated values). Counting
/// the rows made OCI fail (ORA-03106/03116/03120) or, for a short last
/// batch of 490 rows, drop it silently; 2 was the count of every execute
/// answer at the default prefetch, hence the only one seen to work. A batch
/// without rows goes without a header: OCI takes the ERROR alone.
fn oci_row_header(w: &mut TtcWriter, sent: u32) {
    const OCI_RXH_COUNT: u16 = 2;
    if sent == 0 {
        return;
    }
    w.u8(msg::ROW_HEADER).u8(0).ub2(OCI_RXH_COUNT).ub4(0);
    w.ub4(u32::from(OCI_RXH_COUNT));
    w.ub2(0).ub4(0).ub4(0);
}

/// A row's nested cursors by column: describe and id.
type NestedAt<'a> = dyn Fn(usize) -> Option<&'a (DescribeInfo, u16)> + 'a;

/// One row. As Oracle does, a value equal to the previous row's (in this
/// response) is not sent and a BIT_VECTOR before the row says which are;
/// LONG values are always sent.
fn write_row(
    w: &mut TtcWriter,
    (row, prev, sent): (&[Value], Option<&Vec<Value>>, &mut Vec<bool>),
    (types, forms, shapes, caps): (&[u8], &[u8], &[Option<super::objects::ObjColumn>], &Caps),
    lobs: &mut super::lob::Lobs,
    (at, cursors): (super::lob::RowAt, &NestedAt),
) -> Result<(), ValueError> {
    // LOB locators too: each row's LOB is its own.
    let is_long = |ty: u8| {
        matches!(
            ty,
            ora_type::LONG
                | ora_type::LONG_RAW
                | ora_type::CLOB
                | ora_type::BLOB
                | ora_type::BFILE
                | ora_type::OBJECT
                | ora_type::CURSOR
        )
    };
    // OCI keeps applying the last BIT_VECTOR of a response to the rows
    // after it (a full row then reads as a short one: ORA-03115), so a row
    // that repeats nothing after one that did goes with every bit set.
    let after_short = caps.oci && sent.contains(&false);
    sent.clear();
    sent.extend(
        (0..types.len()).map(|i| prev.is_none_or(|p| is_long(types[i]) || p.get(i) != row.get(i))),
    );
    if sent.contains(&false) || after_short {
        rows::BitVector::from_sent(sent).encode(w);
    }
    w.u8(msg::ROW_DATA);
    for (i, ((v, &ty), _)) in row
        .iter()
        .zip(types)
        .zip(sent.iter())
        .enumerate()
        .filter(|(_, (_, s))| **s)
    {
        let form = forms.get(i).copied().unwrap_or(1);
        // Text to a text column needs no conversion: write it in place.
        if let (Value::Varchar(t), ora_type::VARCHAR | ora_type::CHAR, 1) = (v, ty, form) {
            rows::write_row_value(w, Some(t.as_bytes()));
            continue;
        }
        // So does an integer to a NUMBER column.
        if let (Value::Number(s), ora_type::NUMBER) = (v, ty) {
            let mut b = [0; 12];
            if let Some(n) = super::row_number::encode_int(s, &mut b) {
                rows::write_row_value(w, Some(&b[..n]));
                continue;
            }
        }
        if ty == ora_type::CURSOR {
            // Each row's nested cursor is its own (never a repeat).
            // None only if the value was not a nested cursor's: no columns,
            // id 0, as for a REF CURSOR the block never opened.
            match cursors(i) {
                Some((info, id)) => rows::write_cursor_value(w, caps, info, *id),
                None => rows::write_cursor_value(w, caps, &DescribeInfo::new(Vec::new()), 0),
            }
            continue;
        }
        if ty == ora_type::OBJECT {
            let col = shapes.get(i).and_then(Option::as_ref);
            super::objects::write_object(w, v, col, lobs)?;
            continue;
        }
        if ty == ora_type::VECTOR {
            super::vector::write_value(w, v)?;
            continue;
        }
        if ty == ora_type::JSON {
            crate::json::write_column(w, v)?;
            continue;
        }
        if ty == ora_type::BFILE {
            let loc = super::bfile::stored_locator(v);
            oradb_protocol::ttc::lob::write_bfile_value(w, loc.as_deref());
            continue;
        }
        if matches!(ty, ora_type::CLOB | ora_type::BLOB) {
            // The client defined the column as a LOB: a locator.
            let mut loc = lobs
                .fetched_locator(v, ty, form, at, i)
                .map_err(|e| ValueError {
                    code: e.code,
                    message: e.message,
                })?;
            if let (true, Some((l, _))) = (caps.oci, loc.as_mut()) {
                super::lob::Lobs::for_oci(l);
            }
            let loc = loc
                .as_ref()
                .map(|(l, n)| (&l[..], *n, super::lob::CHUNK_SIZE));
            oradb_protocol::ttc::lob::write_locator_value(w, loc);
            continue;
        }
        let b = if v.is_null() {
            None
        } else {
            Some(value::encode_value_cs(v, ty, form)?)
        };
        if is_long(ty) && caps.oci && b.is_none() {
            oci_long_null(w);
        } else if is_long(ty) {
            rows::write_long_value(w, b.as_deref());
        } else {
            rows::write_row_value(w, b.as_deref());
        }
    }
    Ok(())
}
