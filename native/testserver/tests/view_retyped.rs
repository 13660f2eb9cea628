//! A cached query whose view DDL retyped from VARCHAR2 to CLOB: Oracle
//! describes the column as CLOB again but sends its value as LONG, which
//! python-oracledb expects (it reads the column as LONG without a define of
//! its own). The server used to send a LOB locator there, and the client,
//! reading it as LONG, lost its place: "DPY-5000: unknown protocol message
//! type 40" (test_4600_type_changes). Replays python-oracledb's own requests
//! (`tests/golden/python_view_retyped_to_clob.hex`).

mod common;

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::describe::DescribeInfo;
use oradb_protocol::ttc::msg;
use oradb_protocol::value::ora_type;
use oradb_testserver::TestServer;

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The type and maximum length in characters of the answer's one column.
fn described(answer: &[u8], caps: &oradb_protocol::ttc::Caps) -> (u8, u32) {
    assert_eq!(answer[0], msg::DESCRIBE_INFO, "no describe: {answer:02x?}");
    let d = DescribeInfo::decode(&mut Reader::new(&answer[1..]), caps).unwrap();
    assert_eq!(d.columns.len(), 1);
    assert_eq!(d.columns[0].name, "VALUE");
    (d.columns[0].ora_type, d.columns[0].max_size)
}

#[tokio::test]
async fn a_cached_query_retyped_to_clob_sends_the_value_inline_as_long() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let caps = c.caps();
    let req = common::hex_lines(include_str!("golden/python_view_retyped_to_clob.hex"));
    assert_eq!(req.len(), 4);

    let (_, end) = c.call_raw(&req[0]).await.unwrap();
    assert_eq!(end.error_num, 0, "{end:?}");
    let a = c.call_packet(&req[1]).await.unwrap();
    assert_eq!(described(&a, &caps), (ora_type::VARCHAR, 15));
    assert!(contains(&a, b"\x0bstring_4600"), "{a:02x?}");
    let (_, end) = c.call_raw(&req[2]).await.unwrap();
    assert_eq!(end.error_num, 0, "{end:?}");

    // The re-execute: described again as CLOB, and the value follows in the
    // same answer as LONG text (length byte, bytes), not as a locator the
    // client would have to read with a LOB call. A LOB has no length in
    // characters (python-oracledb's description shows None for it).
    let a = c.call_packet(&req[3]).await.unwrap();
    assert_eq!(described(&a, &caps), (ora_type::CLOB, 0));
    assert!(contains(&a, b"\x09clob_4600"), "{a:02x?}");
    assert!(contains(&a, b"ORA-01403"), "{a:02x?}");
}
