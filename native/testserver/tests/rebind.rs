//! A statement re-run with binds of another type is described again: the
//! first describe used to stick, so python-oracledb's `select :1 from dual`
//! run with an int and then with a str failed with ORA-01722 (the string
//! sent as the NUMBER column the int had made). Replays python-oracledb's
//! own requests (`tests/golden/python_rebind_select.hex`).

mod common;

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::describe::DescribeInfo;
use oradb_protocol::ttc::msg;
use oradb_protocol::value::ora_type;
use oradb_testserver::TestServer;

fn requests() -> Vec<Vec<u8>> {
    common::hex_lines(include_str!("golden/python_rebind_select.hex"))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The column type the answer describes; the answer must open with one.
fn described_type(answer: &[u8], caps: &oradb_protocol::ttc::Caps) -> u8 {
    assert_eq!(answer[0], msg::DESCRIBE_INFO, "no describe: {answer:02x?}");
    let d = DescribeInfo::decode(&mut Reader::new(&answer[1..]), caps).unwrap();
    assert_eq!(d.columns.len(), 1);
    assert_eq!(d.columns[0].name, ":1");
    d.columns[0].ora_type
}

#[tokio::test]
async fn select_bind_rerun_with_a_string_then_a_date_is_described_again() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let caps = c.caps();
    let req = requests();
    assert_eq!(req.len(), 3);

    // With an int (parse, execute, fetch): a NUMBER column, the row 1.
    let a = c.call_packet(&req[0]).await.unwrap();
    assert_eq!(described_type(&a, &caps), ora_type::NUMBER);
    assert!(contains(&a, b"ORA-01403"), "{a:02x?}");

    // Same cursor, no SQL text, a VARCHAR bind of "abc": described again
    // as VARCHAR, the row sent as text.
    let a = c.call_packet(&req[1]).await.unwrap();
    assert_eq!(described_type(&a, &caps), ora_type::VARCHAR);
    assert!(!contains(&a, b"ORA-01722"), "{a:02x?}");
    assert!(contains(&a, &[3, b'a', b'b', b'c']), "{a:02x?}");
    assert!(contains(&a, b"ORA-01403"), "{a:02x?}");

    // A re-parse with a DATE bind: a DATE column.
    let a = c.call_packet(&req[2]).await.unwrap();
    assert_eq!(described_type(&a, &caps), ora_type::DATE);
    assert!(contains(&a, b"ORA-01403"), "{a:02x?}");
}

#[tokio::test]
async fn a_select_bind_rerun_with_a_longer_string_is_described_with_its_size() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let caps = c.caps();
    let req: Vec<Vec<u8>> =
        common::hex_lines(include_str!("golden/python_rebind_longer_string.hex"));
    assert_eq!(req.len(), 2);
    let size = |a: &[u8]| {
        assert_eq!(a[0], msg::DESCRIBE_INFO, "no describe: {a:02x?}");
        let d = DescribeInfo::decode(&mut Reader::new(&a[1..]), &caps).unwrap();
        (d.columns[0].ora_type, d.columns[0].max_size)
    };
    let a = c.call_packet(&req[0]).await.unwrap();
    assert_eq!(size(&a), (ora_type::VARCHAR, 3));
    // The same type with a larger buffer: described again, 50 characters.
    let a = c.call_packet(&req[1]).await.unwrap();
    assert_eq!(size(&a), (ora_type::VARCHAR, 50));
    assert!(contains(&a, b"abcdefghijabcdefghij"), "{a:02x?}");
}
