//! The row decoder under `response::read` with a response cut into DATA
//! packets at every byte: each cut must give the same rows as none.

use super::*;
use oradb_protocol::packet::{self, kind};

/// Rows with a LONG in chunks of a few bytes, a chunked VARCHAR, a NULL
/// and repeated columns, then the closing ERROR.
fn response(caps: &Caps) -> Vec<u8> {
    let mut w = Writer::new();
    RowHeader::default().encode(&mut w, caps);
    let long = |w: &mut Writer, chunks: &[&[u8]]| {
        w.u8(oradb_protocol::buf::LONG_INDICATOR);
        for c in chunks {
            w.ub4(c.len() as u32).raw(c);
        }
        w.ub4(0).sb4(0).ub4(0);
    };
    w.u8(msg::ROW_DATA).bytes(b"first");
    long(&mut w, &[b"abc", b"de", b"f"]);
    w.bytes(&[b'c'; 300]);
    rows::BitVector::from_sent(&[false, true, true]).encode(&mut w);
    w.u8(msg::ROW_DATA);
    rows::write_long_value(&mut w, Some(b"xyz"));
    w.null();
    w.u8(msg::ROW_DATA).bytes(b"");
    long(&mut w, &[b"1", b"23", b"456", b"7890"]);
    w.bytes(b"c");
    ErrorMessage::error(1403, "ORA-01403: no data found", 1, 0).encode(&mut w, caps);
    w.buf
}

/// Reads `wire` sent as DATA packets cut at `cuts`, as `round_trip` does.
async fn read_cut(wire: &[u8], cuts: &[usize], plan: &[ColumnDecode]) -> RowBuf {
    let (client, mut server) = tokio::io::duplex(1 << 20);
    let mut from = 0;
    let mut packets = Vec::new();
    for &to in cuts.iter().chain([&wire.len()]) {
        let body = [&[0u8, 0][..], &wire[from..to]].concat();
        packet::encode(&mut packets, kind::DATA, 0, &body, false);
        from = to;
    }
    tokio::io::AsyncWriteExt::write_all(&mut server, &packets)
        .await
        .unwrap();
    let mut t = Transport::new(Box::new(client));
    let caps = Caps::default();
    let mut acc = Acc::default();
    let (m, _) = response::read(
        &mut t,
        &mut ResponseBuf::default(),
        &Arc::new(Control::default()),
        None,
        |k, r| match k {
            msg::ROW_HEADER => RowHeader::decode(r, &caps).map(|_| None),
            msg::BIT_VECTOR => {
                acc.bits = Some(rows::BitVector::decode(r, plan.len())?);
                Ok(None)
            }
            msg::ROW_DATA => decode_row(r, plan, &mut acc).map(|_| None),
            msg::ERROR => ErrorMessage::decode(r, &caps).map(Some),
            other => panic!("message type {other}"),
        },
    )
    .await
    .unwrap();
    assert_eq!(m.error_num, 1403);
    acc.rows
}

#[tokio::test]
async fn a_response_cut_at_any_byte_gives_the_same_rows() {
    let cols = [
        DescribeColumn::new("A", ora_type::VARCHAR, 300, 0, 0, true),
        DescribeColumn::new("B", ora_type::LONG, 0, 0, 0, true),
        DescribeColumn::new("C", ora_type::VARCHAR, 300, 0, 0, true),
    ];
    let plan = plan_for(&cols, &[], false, &[]);
    let wire = response(&Caps::default());
    let whole = read_cut(&wire, &[], &plan).await;
    assert_eq!(whole.rows, 3);
    let mut want = Acc::default();
    let mut row = |vals: [Option<&[u8]>; 3]| {
        let mut w = Writer::new();
        for (v, c) in vals.iter().zip(&plan) {
            match (v, c.wire_type) {
                (v, ora_type::LONG) => rows::write_long_value(&mut w, *v),
                (v, _) => rows::write_row_value(&mut w, *v),
            }
        }
        decode_row(&mut Reader::new(&w.buf), &plan, &mut want).unwrap();
    };
    row([Some(b"first"), Some(b"abcdef"), Some(&[b'c'; 300])]);
    row([Some(b"first"), Some(b"xyz"), None]);
    row([None, Some(b"1234567890"), Some(b"c")]);
    assert_eq!(whole.data, want.rows.data);
    for cut in 1..wire.len() {
        let got = read_cut(&wire, &[cut], &plan).await;
        assert_eq!((got.rows, &got.data), (3, &whole.data), "cut at {cut}");
    }
    let every: Vec<usize> = (1..wire.len()).collect();
    let got = read_cut(&wire, &every, &plan).await;
    assert_eq!((got.rows, &got.data), (3, &whole.data), "a byte a packet");
}
