//! Column descriptions carry Oracle's maximum length in characters only for
//! character columns: 0 for numbers and datetimes, whose width clients
//! derive from precision (python-oracledb's description of a NUMBER(9) is
//! 10 wide; with 22 sent it showed 22). Replays python-oracledb's requests
//! of `tests/golden/python_rebind_select.hex`.

mod common;

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::describe::{DescribeColumn, DescribeInfo};
use oradb_protocol::ttc::msg;
use oradb_protocol::value::ora_type;
use oradb_testserver::TestServer;

fn column(answer: &[u8], caps: &oradb_protocol::ttc::Caps) -> DescribeColumn {
    assert_eq!(answer[0], msg::DESCRIBE_INFO, "no describe: {answer:02x?}");
    let d = DescribeInfo::decode(&mut Reader::new(&answer[1..]), caps).unwrap();
    d.columns[0].clone()
}

#[tokio::test]
async fn numbers_have_no_character_length_text_has_its_own() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap();
    let caps = c.caps();
    let req = common::hex_lines(include_str!("golden/python_rebind_select.hex"));
    // `select :1 from dual` with an int: a NUMBER column.
    let n = column(&c.call_packet(&req[0]).await.unwrap(), &caps);
    assert_eq!(n.ora_type, ora_type::NUMBER);
    assert_eq!((n.buffer_size, n.max_size), (22, 0));
    // With "abc": a VARCHAR column three characters long.
    let t = column(&c.call_packet(&req[1]).await.unwrap(), &caps);
    assert_eq!(t.ora_type, ora_type::VARCHAR);
    assert_eq!(t.max_size, 3);
    // With a datetime: a DATE column, no character length either.
    let d = column(&c.call_packet(&req[2]).await.unwrap(), &caps);
    assert_eq!(d.ora_type, ora_type::DATE);
    assert_eq!(d.max_size, 0);
}
