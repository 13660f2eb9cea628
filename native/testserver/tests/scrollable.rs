//! Scrollable cursors on the wire: python-oracledb sends every fetch of a
//! `cursor(scrollable=True)` as an execute carrying a fetch orientation
//! (al8i4[10]) and a row (al8i4[11]); the server keeps the result set and
//! answers from that row. The server used to ignore both, so `scroll("last")`
//! fetched nothing and a fetch of the next batch (an execute with the
//! execute bit) ran the query again from row 1, for ever. Replays
//! python-oracledb's own requests (`tests/golden/python_scrollable.hex`).

mod common;

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::describe::DescribeInfo;
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::rows::{DmlRowCounts, RowHeader};
use oradb_protocol::ttc::{msg, Caps};
use oradb_testserver::TestServer;

/// The requests, by the step names the capture file gives them.
struct Requests(Vec<(String, Vec<u8>)>);

impl Requests {
    fn load() -> Self {
        let text = include_str!("golden/python_scrollable.hex");
        let names = text
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter(|l| !l.contains(' '))
            .map(str::to_string);
        let reqs = common::hex_lines(text);
        let all: Vec<_> = names.zip(reqs).collect();
        assert_eq!(all.len(), 7);
        Requests(all)
    }
    fn get(&self, name: &str) -> Vec<u8> {
        self.0.iter().find(|(n, _)| n == name).unwrap().1.clone()
    }
}

/// The rows (one text column) and the closing ERROR of an answer.
struct Answer {
    rows: Vec<String>,
    end: ErrorMessage,
}

fn parse(a: &[u8], caps: &Caps) -> Answer {
    let mut r = Reader::new(a);
    let mut rows = Vec::new();
    loop {
        match r.u8().unwrap() {
            msg::DESCRIBE_INFO => drop(DescribeInfo::decode(&mut r, caps).unwrap()),
            msg::PARAMETER => drop(DmlRowCounts::decode(&mut r, caps, false).unwrap()),
            msg::ROW_HEADER => drop(RowHeader::decode(&mut r, caps).unwrap()),
            msg::ROW_DATA => {
                let v = r.bytes().unwrap().unwrap();
                rows.push(String::from_utf8(v).unwrap());
            }
            msg::ERROR => {
                let end = ErrorMessage::decode(&mut r, caps).unwrap();
                return Answer { rows, end };
            }
            other => panic!("message {other} in {a:02x?}"),
        }
    }
}

async fn client(server: &TestServer) -> common::Client {
    common::Client::logon(server.addr(), "scott", "tiger")
        .await
        .unwrap()
}

async fn call(c: &mut common::Client, req: &[u8]) -> (Vec<&'static str>, u32, u64) {
    let caps = c.caps();
    let a = parse(&c.call_packet(req).await.unwrap(), &caps);
    let rows = a
        .rows
        .iter()
        .map(|s| match s.as_str() {
            "r1x" => "r1x",
            "r2x" => "r2x",
            "r3x" => "r3x",
            "r4x" => "r4x",
            "r5x" => "r5x",
            other => panic!("row {other}"),
        })
        .collect();
    (rows, a.end.error_num, a.end.row_count)
}

#[tokio::test]
async fn each_scroll_answers_from_the_row_it_names() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = client(&server).await;
    let q = Requests::load();
    // The execute: the first two rows, more to come.
    assert_eq!(
        call(&mut c, &q.get("START")).await,
        (vec!["r1x", "r2x"], 0, 2)
    );
    // The next batch, asked for with the execute bit and row 3: rows 3 and
    // 4, not the query run again from row 1.
    assert_eq!(
        call(&mut c, &q.get("FETCHMANY")).await,
        (vec!["r3x", "r4x"], 0, 4)
    );
    // Last: the last row alone, and the end of the set. The row count is
    // the last row's number: the client derives its position from it.
    assert_eq!(call(&mut c, &q.get("LAST")).await, (vec!["r5x"], 1403, 5));
    // The rows are kept after the end: first goes back to row 1.
    assert_eq!(
        call(&mut c, &q.get("FIRST")).await,
        (vec!["r1x", "r2x"], 0, 2)
    );
    assert_eq!(
        call(&mut c, &q.get("ABS4")).await,
        (vec!["r4x", "r5x"], 1403, 5)
    );
    // python-oracledb's relative scroll names the row it wants (its row
    // count plus the offset): row 1 here.
    assert_eq!(
        call(&mut c, &q.get("REL-3")).await,
        (vec!["r1x", "r2x"], 0, 2)
    );
    // Out of the result set: no rows and ORA-01403 (the client raises
    // DPY-2063), and the cursor still answers afterwards.
    let (rows, code, _) = call(&mut c, &q.get("ABS9")).await;
    assert_eq!((rows, code), (vec![], 1403));
    assert_eq!(
        call(&mut c, &q.get("FETCHMANY")).await,
        (vec!["r3x", "r4x"], 0, 4)
    );
}

#[tokio::test]
async fn an_execute_at_row_one_runs_the_query_again() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = client(&server).await;
    let q = Requests::load();
    call(&mut c, &q.get("START")).await;
    call(&mut c, &q.get("LAST")).await;
    // FETCHMANY's request at row 1 (al8i4[11], the request's last but one
    // byte) is what python-oracledb sends to execute the statement again.
    let mut again = q.get("FETCHMANY");
    let n = again.len();
    assert_eq!(again[n - 2], 3);
    again[n - 2] = 1;
    assert_eq!(call(&mut c, &again).await, (vec!["r1x", "r2x"], 0, 2));
}

#[tokio::test]
async fn an_unknown_orientation_is_ora_24391_and_the_session_goes_on() {
    let server = TestServer::start(common::captured_config()).await.unwrap();
    let mut c = client(&server).await;
    let q = Requests::load();
    call(&mut c, &q.get("START")).await;
    // LAST's request ends with al8i4[10..13] = 01 08, 00, 00: orientation
    // 0x08 becomes 0x03, no orientation Oracle defines.
    let mut bad = q.get("LAST");
    let n = bad.len();
    assert_eq!(&bad[n - 4..], [1, 8, 0, 0]);
    bad[n - 3] = 3;
    let caps = c.caps();
    let a = parse(&c.call_packet(&bad).await.unwrap(), &caps);
    assert!(a.rows.is_empty());
    assert_eq!(a.end.error_num, 24391);
    assert!(a.end.message.unwrap().starts_with("ORA-24391"));
    assert_eq!(
        call(&mut c, &q.get("FIRST")).await,
        (vec!["r1x", "r2x"], 0, 2)
    );
}
