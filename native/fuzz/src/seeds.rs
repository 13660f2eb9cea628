//! Seeds per target: well-formed inputs made with the codec's own encoders
//! (so mutations start from valid structure), plus any files kept in
//! `native/fuzz/corpus/<target>/`.

use oradb_protocol::buf::Writer;
use oradb_protocol::packet::{self, connect::Connect, kind, marker};
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::describe::{DescribeColumn, DescribeInfo};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::execute::{options, ExecuteRequest};
use oradb_protocol::ttc::fetch::FetchRequest;
use oradb_protocol::ttc::implicit::{ImplicitResult, ImplicitResults};
use oradb_protocol::ttc::lob::{self, LobOpReply, LobOpRequest, ReplyShape};
use oradb_protocol::ttc::protocol_msg::ProtocolRequest;
use oradb_protocol::ttc::{msg, rows, Caps};
use oradb_protocol::value::{self, interval, number, ora_type, pickle};

fn with_selector(sel: u8, body: Vec<u8>) -> Vec<u8> {
    let mut v = vec![sel];
    v.extend(body);
    v
}

fn encoded(f: impl FnOnce(&mut Writer, &Caps)) -> Vec<u8> {
    let mut w = Writer::new();
    f(&mut w, &Caps::default());
    w.buf
}

fn packets() -> Vec<Vec<u8>> {
    let connect = Connect {
        version: 319,
        min_version: 300,
        sdu: 8192,
        tdu: 65535,
        service_options: 0,
        protocol_characteristics: 0,
        na_flags: [0, 0],
        flags1: 0,
        flags2: 0,
        descriptor_len: 0,
        descriptor: Some(
            "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1))(CONNECT_DATA=(SERVICE_NAME=S)))"
                .into(),
        ),
    };
    let mut stream = Vec::new();
    packet::encode(&mut stream, kind::CONNECT, 0, &connect.encode_body(), false);
    packet::encode(&mut stream, kind::MARKER, 0, &marker::encode_body(1), false);
    let mut data = vec![0, 0];
    data.extend(encoded(|w, c| {
        ErrorMessage::error(942, "ORA-00942", 3, 14).encode(w, c)
    }));
    packet::encode(&mut stream, kind::DATA, 0, &data, false);
    let mut large = Vec::new();
    packet::encode(&mut large, kind::DATA, 0, &data, true);
    vec![with_selector(3, stream), with_selector(0, large)]
}

fn server_messages() -> Vec<Vec<u8>> {
    let describe = DescribeInfo::new(vec![
        DescribeColumn::new("ID", ora_type::NUMBER, 22, 10, 0, false),
        DescribeColumn::new("NAME", ora_type::VARCHAR, 20, 0, 0, true),
    ]);
    // A LOB_OP READ reply: LOB_DATA, then PARAMETER with the locator and the amount.
    let lob_reply = LobOpReply {
        data: Some(b"hello".to_vec()),
        locator: vec![7; 40],
        amount: Some(5),
        ..Default::default()
    };
    let shape = ReplyShape {
        locator_len: 40,
        create_temp: false,
        amount: true,
        flag: false,
        flag_wide: false,
    };
    let msgs = encoded(|w, c| {
        lob_reply.encode(w, &shape);
        describe.encode(w, c);
        ImplicitResults {
            results: vec![ImplicitResult {
                describe: describe.clone(),
                cursor_id: 4,
            }],
        }
        .encode(w, c);
        ErrorMessage::success(1, 2, 0).encode(w, c);
        ErrorMessage::error(1403, "ORA-01403: no data found", 1, 0).encode(w, c);
        // A row with a CURSOR(…) column (selector 148 reads it as one).
        w.u8(msg::ROW_DATA);
        rows::write_cursor_value(w, c, &describe, 9);
    });
    (0..8u8)
        .map(|sel| with_selector(sel.wrapping_mul(37), msgs.clone()))
        .collect()
}

fn client_requests() -> Vec<Vec<u8>> {
    let binds = vec![
        ColumnMeta::bind(ora_type::NUMBER, 22),
        ColumnMeta::bind(ora_type::VARCHAR, 40),
    ];
    let exec = ExecuteRequest {
        seq: 3,
        options: options::PARSE | options::EXECUTE | options::BIND,
        sql: Some("insert into t values (:1, :2)".into()),
        binds: binds.clone(),
        iterations: 2,
        rows: vec![
            vec![Some(number::encode_i64(1)), Some(b"one".to_vec())],
            vec![None, Some(b"two".to_vec())],
        ],
        ..Default::default()
    };
    let lob_write = LobOpRequest {
        seq: 5,
        operation: lob::op::WRITE,
        source: Some(vec![0; 40]),
        source_offset: 1,
        amount: Some(3),
        data: Some(b"abc".to_vec()),
        ..Default::default()
    };
    vec![
        with_selector(5, encoded(|w, c| lob_write.encode(w, c))),
        with_selector(5, encoded(|w, c| exec.encode(w, c, &binds, false))),
        with_selector(5, encoded(|w, c| exec.encode(w, c, &binds, true))),
        with_selector(
            5,
            encoded(|w, c| {
                FetchRequest {
                    seq: 4,
                    cursor_id: 7,
                    rows: 100,
                }
                .encode(w, c)
            }),
        ),
        with_selector(
            0,
            encoded(|w, c| {
                ProtocolRequest {
                    driver_name: "fuzz".into(),
                }
                .encode(w, c)
            }),
        ),
    ]
}

fn values() -> Vec<Vec<u8>> {
    let mut out = vec![
        with_selector(2, number::encode_i64(-123456789)),
        with_selector(2, number::encode_f64(0.000123).unwrap_or_default()),
        with_selector(12, vec![120, 124, 3, 5, 15, 8, 10]),
        with_selector(180, vec![120, 124, 3, 5, 15, 8, 10, 0, 0, 0, 1]),
        with_selector(181, vec![120, 124, 3, 5, 15, 8, 10, 0, 0, 0, 1, 20, 60]),
        with_selector(101, 1.5f64.to_be_bytes().to_vec()),
    ];
    out.push(with_selector(1, b"2024-03-05T14:07:09.123Z".to_vec()));
    // Intervals as python-oracledb sends them (day to second, year to month).
    let ds = interval::IntervalDS::from_nanos(-(3 * 86_400 + 4 * 3_600 + 5) * 1_000_000_007);
    if let Ok(ds) = ds {
        out.push(with_selector(183, ds.encode()));
    }
    if let Ok(ym) = interval::IntervalYM::from_months(-25 * 12 - 7) {
        out.push(with_selector(182, ym.encode()));
    }
    // An object image of (number, text, CLOB locator), selector 0's shape.
    let image = pickle::encode_image(
        &pickle::Shape::Object(vec![
            pickle::Shape::Scalar,
            pickle::Shape::Scalar,
            pickle::Shape::Lob(pickle::LobKind::Clob),
        ]),
        &pickle::Datum::Object(Some(vec![
            pickle::Datum::Bytes(number::encode_i64(7)),
            pickle::Datum::Bytes(b"seven".to_vec()),
            pickle::Datum::Null,
        ])),
    );
    out.push(with_selector(0, image));
    // A JSON document as OSON (type 119) and as extended JSON text.
    let doc = r#"{"a":[1,"x",{"$oracleDate":"2022-12-05T00:00:00"}],"b":{"c":null}}"#;
    if let Ok(img) = value::oson::image_from_text(doc, Default::default()) {
        out.push(with_selector(119, img));
    }
    out.push(with_selector(1, doc.as_bytes().to_vec()));
    out
}

fn connect_strings() -> Vec<Vec<u8>> {
    [
        "localhost:1521/FREEPDB1",
        "tcps://db.example.com:2484/svc?wallet_location=/w&ssl_server_dn_match=yes",
        "(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=a)(PORT=1))(ADDRESS=(PROTOCOL=TCP)(HOST=b)(PORT=2)))(CONNECT_DATA=(SERVICE_NAME=S)(SERVER=POOLED)))",
        "1 0 1 2 23 12,TWFyeQ==,wSs=,AQID,eHwFBgEBAQ==",
        "SQLNET.ENCRYPTION_CLIENT = REQUIRED\nSQLNET.ENCRYPTION_TYPES_CLIENT = (AES256, AES128) # x\n",
        "MYDB\nMYDB = (DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1))(CONNECT_DATA=(SID=X)))\n# comment\nOTHER,ALIAS2=(DESCRIPTION=(ADDRESS=(HOST=x)))",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}

/// Built-in seeds, then the files of `corpus_dir/<target>/` if it exists.
pub fn for_target(name: &str, corpus_dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut seeds = match name {
        "packets" => packets(),
        "server_messages" => server_messages(),
        "client_requests" => client_requests(),
        "values" => values(),
        "connect_strings" => connect_strings(),
        "sql" => crate::sql::seeds(),
        _ => Vec::new(),
    };
    seeds.extend(files(corpus_dir, name));
    seeds
}

/// The files of `dir/<target>/`, in name order (none when it is missing).
pub fn files(dir: &std::path::Path, name: &str) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir.join(name)) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}
