//! Real requests cut at every byte and at every packet boundary: judged
//! afresh and resumed packet by packet, the verdicts agree, and none says
//! Whole before the request's last byte.

use oradb_protocol::buf::Writer;
use oradb_protocol::ttc::execute::{options, BindValue, ExecuteRequest};
use oradb_protocol::value::ora_type;

use super::*;

fn from_hex(text: &str) -> Vec<u8> {
    let line = text.lines().find(|l| !l.starts_with('#')).unwrap().trim();
    (0..line.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&line[i..i + 2], 16).unwrap())
        .collect()
}

/// python-oracledb 4.0.2's executemany of 3 rows, a piggyback first, at
/// field version 17 (the capture's).
fn python_executemany() -> Vec<u8> {
    from_hex(include_str!(
        "../../../tests/golden/python_executemany_3_rows.hex"
    ))
}

/// OCI 19.3 binding 2,100 characters: AL16UTF16 in the chunked form.
fn oci_long_bind() -> (Vec<u8>, Caps) {
    let caps = Caps {
        field_version: 12,
        oci: true,
        ..Caps::default()
    };
    (
        from_hex(include_str!("../../../tests/oci19/oall8_long_bind.hex")),
        caps,
    )
}

/// An executemany as python-oracledb sends it: the row count in al8i4[1],
/// 0 iterations; `long` adds a LONG bind of that many bytes to each row
/// and a SQL text long enough to be chunked itself.
fn executemany(caps: &Caps, rows: usize, long: usize) -> Vec<u8> {
    let mut binds = vec![
        ColumnMeta::bind(ora_type::NUMBER, 22),
        ColumnMeta::bind(ora_type::VARCHAR, 40),
    ];
    let mut sql = "insert into t values (:1, :2)".to_string();
    if long > 0 {
        binds.push(ColumnMeta::bind(ora_type::LONG, long as u32));
        sql = format!("insert into t values (:1, :2, :3) /*{}*/", "x".repeat(300));
    }
    let row = |i: usize| -> Vec<BindValue> {
        let mut v = vec![
            Some(vec![0xC2, 1 + (i % 99) as u8, 1 + (i % 7) as u8]),
            (!i.is_multiple_of(5)).then(|| "s".repeat(i % 37).into_bytes()),
        ];
        if long > 0 {
            v.push(Some(vec![b'y'; long]));
        }
        v
    };
    let mut al8i4 = [0u32; 13];
    al8i4[0] = 1;
    al8i4[1] = rows as u32;
    let req = ExecuteRequest {
        seq: 4,
        options: options::PARSE | options::BIND | options::EXECUTE | options::NOT_PLSQL,
        sql: Some(sql),
        al8i4,
        binds: binds.clone(),
        rows: (0..rows).map(row).collect(),
        ..Default::default()
    };
    let mut w = Writer::new();
    req.encode(&mut w, caps, &binds, false);
    w.buf
}

/// Judges the prefixes of `req` ending at `cuts` (ascending) as the server
/// does packet by packet, carrying the progress from one to the next, and
/// checks each verdict against a fresh judgement of the same prefix.
fn judge_in_steps(req: &[u8], caps: &Caps, cuts: impl Iterator<Item = usize>) {
    let mut progress = Progress::default();
    for k in cuts {
        let resumed = judge(&req[..k], caps, None, &mut progress);
        let fresh = judge(&req[..k], caps, None, &mut Progress::default());
        assert_eq!(resumed, fresh, "cut at {k} of {}", req.len());
        let want = if k < req.len() {
            Verdict::Cut
        } else {
            Verdict::Whole
        };
        assert_eq!(fresh, want, "cut at {k} of {}", req.len());
    }
}

/// Every byte, then packets of `payload` bytes (the last one shorter).
fn every_byte_and_packets(req: &[u8], caps: &Caps, payloads: &[usize]) {
    judge_in_steps(req, caps, 0..=req.len());
    for &p in payloads {
        let ends = (1..).map(|i| i * p).take_while(|&e| e < req.len());
        judge_in_steps(req, caps, ends.chain([req.len()]));
    }
}

#[test]
fn python_executemany_is_whole_only_at_its_end_fresh_or_resumed() {
    let caps = Caps::default();
    every_byte_and_packets(&python_executemany(), &caps, &[991, 8182, 37]);
}

#[test]
fn oci_long_bind_is_whole_only_at_its_end_fresh_or_resumed() {
    let (req, caps) = oci_long_bind();
    every_byte_and_packets(&req, &caps, &[8101, 991]);
}

#[test]
fn a_long_executemany_is_whole_only_at_its_end_fresh_or_resumed() {
    for fv in [12, 17, 24] {
        let caps = Caps {
            field_version: fv,
            ..Caps::default()
        };
        let req = executemany(&caps, 300, 0);
        every_byte_and_packets(&req, &caps, &[8182, 8101, 991, 13]);
    }
}

#[test]
fn long_values_after_a_long_sql_text_are_whole_only_at_their_end() {
    let caps = Caps::default();
    let req = executemany(&caps, 3, 70_000);
    // Every byte of a 210 KB request, judged afresh each time, is slow in a
    // debug build: every 97th byte and the packet boundaries.
    judge_in_steps(&req, &caps, (0..req.len()).step_by(97).chain([req.len()]));
    for p in [8182, 8101, 1001] {
        let ends = (1..).map(|i| i * p).take_while(|&e| e < req.len());
        judge_in_steps(&req, &caps, ends.chain([req.len()]));
    }
}

#[test]
fn a_resumed_judgement_goes_on_after_the_last_whole_bind_row() {
    let caps = Caps::default();
    let req = executemany(&caps, 300, 0);
    let mut progress = Progress::default();
    let cut = req.len() * 2 / 3;
    assert_eq!(judge(&req[..cut], &caps, None, &mut progress), Verdict::Cut);
    let (pos, rows) = Reader::resuming(&req, progress.0.clone()).mark().unwrap();
    // The mark is a row boundary: the next row starts there.
    assert!(pos <= cut && rows > 0 && rows < 300, "{pos} {rows}");
    assert_eq!(req[pos], msg::ROW_DATA);
    // From there on: with its first row's tag spoiled, the request judged
    // afresh has no rows, and resumed it has them all.
    let mut r = Reader::new(&req[1..]);
    FunctionHeader::decode(msg::FUNCTION, &mut r, &caps).unwrap();
    ExecuteRequest::decode_head(&mut r, &caps).unwrap();
    let mut spoiled = req.clone();
    spoiled[1 + r.pos()] = 0;
    let fresh = judge(&spoiled, &caps, None, &mut Progress::default());
    assert_eq!(fresh, Verdict::Cut);
    assert_eq!(judge(&spoiled, &caps, None, &mut progress), Verdict::Whole);
}

#[test]
fn a_cut_request_waits_after_a_full_packet_of_any_client() {
    // python-oracledb leaves a few bytes; OCI 19.3 fills to SDU - 81.
    for full in [8192 - 3, 8192 - 81] {
        assert!(!request_ends(Verdict::Cut, full, 8192), "{full}");
    }
    // Well under the SDU, the client has stopped: answer what came.
    assert!(request_ends(Verdict::Cut, 4000, 8192));
    assert!(request_ends(Verdict::Whole, 8192 - 81, 8192));
}
