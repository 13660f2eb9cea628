//! The logon path as OCI 19.3 (Instant Client, python-oracledb thick) walks
//! it, replayed from its captured packets (`tests/oci19/*.hex`, whole TNS
//! packets taken with a relay between OCI and this server): CONNECT with
//! native services wanted, the ANO request, the PRO request naming its
//! platform, its 3,125-byte DTY request and its OSESSKEY.

use std::time::Duration;

use oradb_protocol::ano::messages::ServerResponse;
use oradb_protocol::buf::Reader;
use oradb_protocol::packet::{self, accept::Accept, kind, PacketDecoder};
use oradb_protocol::ttc::auth::AuthReply;
use oradb_protocol::ttc::data_types::DataTypesReply;
use oradb_protocol::ttc::protocol_msg::{ProtocolReply, FOREIGN_BANNER};
use oradb_protocol::ttc::{msg, Caps};
use oradb_testserver::{Config, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn capture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/oci19/{name}.hex", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

async fn next(sock: &mut TcpStream, dec: &mut PacketDecoder) -> packet::Packet {
    let mut buf = [0u8; 16384];
    loop {
        if let Some(p) = dec.next_packet().unwrap() {
            return p;
        }
        let n = tokio::time::timeout(Duration::from_secs(5), sock.read(&mut buf))
            .await
            .expect("an answer in time")
            .unwrap();
        assert!(n > 0, "the server closed the connection");
        dec.feed(&buf[..n]);
    }
}

#[tokio::test]
async fn oci_19_3_logon_packets_get_the_answers_oci_accepts() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut sock = TcpStream::connect(server.addr()).await.unwrap();
    let mut dec = PacketDecoder::new();

    // CONNECT (NSI flags 41 41): ACCEPT at 318 asking for the negotiation.
    sock.write_all(&capture("connect")).await.unwrap();
    let p = next(&mut sock, &mut dec).await;
    assert_eq!(p.kind, kind::ACCEPT);
    let accept = Accept::decode_body(&p.body).unwrap();
    assert_eq!((accept.version, accept.na_flags), (318, [0x41, 0x41]));
    dec.set_large_lengths(true);

    // ANO request: with both services accepted on both sides, nothing is on.
    sock.write_all(&capture("ano_request")).await.unwrap();
    let p = next(&mut sock, &mut dec).await;
    let (answer, _) = ServerResponse::decode(p.data_payload()).unwrap();
    let ServerResponse::Answer(a) = answer else {
        panic!("refused: {answer:?}")
    };
    assert_eq!((a.encryption.algorithm, a.integrity.algorithm), (0, 0));

    // PRO: a foreign platform, charset elements and a full FDO.
    sock.write_all(&capture("pro_request")).await.unwrap();
    let p = next(&mut sock, &mut dec).await;
    let payload = p.data_payload();
    assert_eq!(payload[0], msg::PROTOCOL);
    let pro = ProtocolReply::decode(&mut Reader::new(&payload[1..]), &Caps::default()).unwrap();
    assert_eq!(pro.banner, FOREIGN_BANNER);
    assert_eq!((pro.elements.len(), pro.fdo.len()), (50, 100));

    // DTY: one (conversion, representation) per type, OCI's last offer:
    // universal integers, OAC122 and OER8.
    let dty = capture("dty_request");
    sock.write_all(&dty).await.unwrap();
    let p = next(&mut sock, &mut dec).await;
    let reply = p.data_payload();
    // 10-byte header + 2 data flags; then 02 69 03 69 03 flags, caps.
    let request = &dty[10..];
    assert_eq!(reply[0], msg::DATA_TYPES);
    let types = DataTypesReply::decode(&mut Reader::new(&reply[1..]), &Caps::default()).unwrap();
    assert_eq!(types.entries.len(), 377);
    for e in [
        (25, 25, 1),
        (27, 27, 1),
        (33, 33, 1),
        (2, 2, 10),
        (646, 120, 1),
        (612, 290, 1),
    ] {
        assert!(types.entries.contains(&e), "{e:?}");
    }
    assert_eq!(request[7 + 7], 12, "OCI 19.3 asks for field version 12");

    // OSESSKEY: the challenge, ended by a STATUS with only the call status.
    sock.write_all(&capture("osesskey")).await.unwrap();
    let p = next(&mut sock, &mut dec).await;
    let payload = p.data_payload();
    assert_eq!(payload[0], msg::PARAMETER);
    let caps = Caps {
        field_version: 12,
        oci: true,
        ..Caps::default()
    };
    let mut r = Reader::new(&payload[1..]);
    let challenge = AuthReply::decode(&mut r, &caps).unwrap();
    let keys: Vec<&str> = challenge.pairs.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "AUTH_SESSKEY",
            "AUTH_VFR_DATA",
            "AUTH_PBKDF2_CSK_SALT",
            "AUTH_PBKDF2_VGEN_COUNT",
            "AUTH_PBKDF2_SDER_COUNT"
        ]
    );
    assert_eq!(r.rest(), [msg::STATUS, 0]);
}
