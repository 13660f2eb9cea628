use super::*;

fn obj(fields: &[(&str, Json)]) -> Json {
    Json::Object(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn round_trip(v: &Json, long: bool) -> Json {
    let img = encode(
        v,
        EncodeOptions {
            long_field_names: long,
        },
    )
    .expect("encode");
    assert!(is_oson(&img));
    decode(&img).expect("decode")
}

fn ts(year: i32, month: u8, day: u8, nanos: u32) -> DateTime {
    DateTime {
        year,
        month,
        day,
        hour: 13,
        minute: 29,
        second: 14,
        nanos,
    }
}

#[test]
fn every_scalar_kind_round_trips_alone_and_nested() {
    let scalars = vec![
        Json::Null,
        Json::Bool(true),
        Json::Bool(false),
        Json::Number("0".into()),
        Json::Number("-9999999999999999999".into()),
        Json::Number("319438950232418390.273596".into()),
        Json::Double(125.875),
        Json::Float(38.75),
        Json::String(String::new()),
        Json::String("é€𝄞".into()),
        Json::String("x".repeat(300)),
        Json::String("y".repeat(70_000)),
        Json::Raw(b"Some Bytes".to_vec()),
        Json::Raw(vec![7; 70_000]),
        Json::Id(vec![1, 2, 3]),
        Json::Date(ts(2022, 12, 5, 0)),
        Json::Timestamp(ts(2020, 12, 2, 0)),
        Json::Timestamp(ts(2020, 12, 2, 123_000_000)),
        Json::TimestampTz(ts(2022, 12, 7, 123_400_000), 0),
        Json::IntervalDs(IntervalDS {
            days: 8,
            hours: 12,
            ..Default::default()
        }),
        Json::IntervalYm(IntervalYM {
            years: 8,
            months: 4,
        }),
    ];
    for s in &scalars {
        assert_eq!(&round_trip(s, false), s);
    }
    let nested = obj(&[
        ("all", Json::Array(scalars.clone())),
        ("inner", obj(&[("all", Json::Array(scalars))])),
    ]);
    assert_eq!(round_trip(&nested, false), nested);
}

#[test]
fn objects_keep_document_order_and_unicode_keys() {
    let v = obj(&[
        ("zeta", Json::Number("1".into())),
        ("ключ", Json::String("значение".into())),
        ("", Json::Null),
        ("a", obj(&[])),
        ("b", Json::Array(vec![])),
    ]);
    assert_eq!(round_trip(&v, false), v);
}

#[test]
fn many_field_names_use_wider_field_ids() {
    for n in [300usize, 70_000] {
        let v = Json::Object(
            (0..n)
                .map(|i| (format!("k{i}"), Json::Number(i.to_string())))
                .collect(),
        );
        assert_eq!(round_trip(&v, false), v);
    }
    let arr = Json::Array((0..70_000).map(|i| Json::Bool(i % 2 == 0)).collect());
    assert_eq!(round_trip(&arr, false), arr);
}

#[test]
fn long_field_names_need_the_option_and_version_3() {
    let long = "A".repeat(256);
    let v = obj(&[
        ("short", Json::String("s".into())),
        (&long, Json::Number("6701".into())),
    ]);
    let e = encode(&v, EncodeOptions::default()).unwrap_err();
    assert!(e.0.contains("exceeds the limit of 255"), "{e}");
    let img = encode(
        &v,
        EncodeOptions {
            long_field_names: true,
        },
    )
    .unwrap();
    assert_eq!(img[3], 3);
    assert_eq!(decode(&img).unwrap(), v);
}

/// python-oracledb 4.0.2's `conn.encode_oson({"id": 6903, "value": "string 6903"})`.
const PYO_OBJECT: &[u8] = &[
    0xff, 0x4a, 0x5a, 0x01, 0x21, 0x02, 0x02, 0x00, 0x09, 0x00, 0x1e, 0x00, 0x00, 0xca, 0xe0, 0x00,
    0x03, 0x00, 0x00, 0x02, 0x69, 0x64, 0x05, 0x76, 0x61, 0x6c, 0x75, 0x65, 0xa4, 0x02, 0x02, 0x01,
    0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x11, 0x34, 0x03, 0xc2, 0x46, 0x04, 0x33, 0x0b, 0x73,
    0x74, 0x72, 0x69, 0x6e, 0x67, 0x20, 0x36, 0x39, 0x30, 0x33,
];

#[test]
fn golden_python_oracledb_image_decodes_and_reencodes_identically() {
    let v = obj(&[
        ("id", Json::Number("6903".into())),
        ("value", Json::String("string 6903".into())),
    ]);
    assert_eq!(decode(PYO_OBJECT).unwrap(), v);
    assert_eq!(encode(&v, EncodeOptions::default()).unwrap(), PYO_OBJECT);
}

#[test]
fn compact_node_forms_decode() {
    // Scalar header, then an inline integer NUMBER (0x40 | len) and an inline string.
    let int = [
        0xff, 0x4a, 0x5a, 0x01, 0x00, 0x12, 0x00, 0x03, 0x42, 0xc2, 0x0d,
    ];
    // python-oracledb's `conn.encode_oson(1200)`: the long NUMBER form.
    let pyo = [
        0xff, 0x4a, 0x5a, 0x01, 0x00, 0x12, 0x00, 0x04, 0x34, 0x02, 0xc2, 0x0d,
    ];
    assert_eq!(
        encode(&Json::Number("1200".into()), EncodeOptions::default()).unwrap(),
        pyo
    );
    assert_eq!(decode(&pyo).unwrap(), Json::Number("1200".into()));
    assert_eq!(decode(&int).unwrap(), Json::Number("1200".into()));
    let s = [
        0xff, 0x4a, 0x5a, 0x01, 0x00, 0x12, 0x00, 0x03, 0x02, b'h', b'i',
    ];
    assert_eq!(decode(&s).unwrap(), Json::String("hi".into()));
}

#[test]
fn bad_images_are_errors_not_panics() {
    assert!(decode(b"{'not a previous encoded value': 3}").is_err());
    assert!(decode(&[]).is_err());
    assert!(decode(&[0xff, 0x4a, 0x5a, 0x09, 0, 0])
        .unwrap_err()
        .0
        .contains("version"));
    // Every truncation and every single-byte corruption of a real image.
    for n in 0..PYO_OBJECT.len() {
        assert!(decode(&PYO_OBJECT[..n]).is_err(), "prefix {n}");
        for b in [0x00, 0x7f, 0xff] {
            let mut img = PYO_OBJECT.to_vec();
            img[n] = b;
            let _ = decode(&img);
        }
    }
    // An array whose child offset points back at itself.
    let cyclic = [
        0xff, 0x4a, 0x5a, 0x01, 0x21, 0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0xe0, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x30,
    ];
    assert!(decode(&cyclic).unwrap_err().0.contains("more nodes"));
    let mut fine = cyclic;
    fine[18] = 6;
    assert_eq!(decode(&fine).unwrap(), Json::Array(vec![Json::Null]));
}

#[test]
fn extended_text_round_trips_every_scalar_kind() {
    let v = obj(&[
        ("n", Json::Number("-12.5".into())),
        ("d", Json::Double(125.875)),
        ("f", Json::Float(38.75)),
        ("raw", Json::Raw(b"short_raw".to_vec())),
        ("date", Json::Date(ts(2022, 12, 5, 0))),
        ("ts", Json::Timestamp(ts(2022, 12, 6, 123_000_000))),
        ("tz", Json::TimestampTz(ts(2022, 12, 7, 123_400_000), -330)),
        (
            "ds",
            Json::IntervalDs(IntervalDS::from_nanos(-11_491_508_123_000_000).unwrap()),
        ),
        (
            "ym",
            Json::IntervalYm(IntervalYM {
                years: 8,
                months: 4,
            }),
        ),
        ("s", Json::String("tab\t\"q\" é \u{1}".into())),
        (
            "a",
            Json::Array(vec![Json::Null, Json::Bool(true), Json::Bool(false)]),
        ),
    ]);
    let t = text::to_text(&v, true);
    assert_eq!(text::parse(&t, true).unwrap(), v);
    let img = image_from_text(&t, EncodeOptions::default()).unwrap();
    assert_eq!(text_from_image(&img).unwrap(), t);
}

#[test]
fn plain_text_is_what_json_serialize_shows() {
    let v = text::parse(
        r#" { "a" : 12.50, "b":[true,null], "c":"\u00e9\ud834\udd1e", "$x": 1 } "#,
        true,
    )
    .unwrap();
    assert_eq!(
        text::to_text(&v, false),
        r#"{"a":12.5,"b":[true,null],"c":"é𝄞","$x":1}"#
    );
    assert_eq!(
        text::parse(r#"{"$intervalDaySecond":"P133DT2H5M8.123S"}"#, true).unwrap(),
        Json::IntervalDs(
            IntervalDS::from_nanos((133 * 86_400 + 7508) * 1_000_000_000i128 + 123_000_000)
                .unwrap()
        )
    );
    for bad in [
        "",
        "{",
        "[1,]",
        "{\"a\" 1}",
        "\"\\x\"",
        "1 2",
        "{\"$rawhex\":\"zz\"}",
        "nul",
    ] {
        assert!(text::parse(bad, true).is_err(), "{bad}");
    }
}

#[test]
fn an_embedded_vector_is_extended_type_one_and_round_trips() {
    let values = crate::value::vector::Values::Float32(vec![1.0, 2.0, 3.0]);
    let image = crate::value::vector::encode(&crate::value::vector::Vector::dense(values)).unwrap();
    let doc = obj(&[
        ("id", Json::Number("6432".into())),
        ("vector", Json::Vector(image.clone())),
    ]);
    assert_eq!(round_trip(&doc, false), doc);
    let img = encode(&doc, EncodeOptions::default()).unwrap();
    // The node: EXTENDED (0x7b), VECTOR (0x01), the image's u32 length, the image.
    let mut node = vec![0x7b, 0x01];
    node.extend_from_slice(&(image.len() as u32).to_be_bytes());
    node.extend_from_slice(&image);
    assert!(img.windows(node.len()).any(|w| w == node.as_slice()));
    // Extended text keeps the image; plain text shows the numbers.
    assert_eq!(text::parse(&text::to_text(&doc, true), true).unwrap(), doc);
    assert!(text::to_text(&doc, false).contains(r#""vector":[1"#));
}
