//! DRCP (`(SERVER=POOLED)`) as OCI 19.3 uses it: the answer of the first
//! call after the logon, and after each session release (function 163, a
//! call OCI waits on), starts with the SESS_RET piggyback naming the
//! session. Without it OCI raises ORA-56600 "DRCP: Illegal call [First call
//! inconsistency]". The CONNECT is python-oracledb thick's `:pooled` one
//! (`oci19/connect_pooled.hex`).

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::msg;
use oradb_protocol::ttc::session_return::{SessionReturn, SESSION_CHANGED};
use oradb_protocol::ttc::status::StatusMessage;
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{Oci, OCI};

const COMMIT: [u8; 3] = [msg::FUNCTION, 14, 4];
const PING: [u8; 3] = [msg::FUNCTION, 147, 5];
/// OCI's session release: no tag, mode 2 (deauthenticate).
const RELEASE: [u8; 7] = [msg::FUNCTION, 163, 6, 0, 0, 1, 2];

async fn pooled(addr: std::net::SocketAddr) -> Oci {
    let kppl = |k: &str, v: &str| (k.to_string(), v.as_bytes().to_vec(), 0);
    let extra = vec![
        kppl("AUTH_KPPL_CONN_CLASS", "THICK"),
        kppl("AUTH_KPPL_PURITY", "2"),
        kppl("AUTH_KPPL_WAIT", "FALSE"),
    ];
    Oci::logon_with(addr, "connect_pooled", extra).await
}

/// Splits an answer into its SESS_RET (if any) and the STATUS after it.
fn parts(answer: &[u8]) -> (Option<SessionReturn>, StatusMessage) {
    let mut r = Reader::new(answer);
    let mut sess = None;
    if r.peek_u8().unwrap() == msg::SERVER_SIDE_PIGGYBACK {
        r.u8().unwrap();
        sess = Some(SessionReturn::decode(&mut r, &OCI).unwrap());
    }
    assert_eq!(r.u8().unwrap(), msg::STATUS, "answer {answer:02x?}");
    let call_status = r.ub4().unwrap();
    assert!(r.is_empty(), "bytes after the STATUS: {:02x?}", r.rest());
    let status = StatusMessage {
        call_status,
        end_to_end_seq: 0,
    };
    (sess, status)
}

#[tokio::test]
async fn oci_drcp_first_call_answer_names_the_session_once() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = pooled(server.addr()).await;
    let (sess, status) = parts(&c.call(&COMMIT).await);
    let sess = sess.expect("SESS_RET before the first call's STATUS");
    assert_eq!((sess.flags, sess.serial), (SESSION_CHANGED, 1));
    assert!(sess.sid > 0);
    assert_eq!(status.call_status, 0);
    let (again, _) = parts(&c.call(&PING).await);
    assert_eq!(again, None, "only the first call's answer carries it");
}

#[tokio::test]
async fn oci_drcp_release_is_answered_and_the_next_call_names_the_session_again() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = pooled(server.addr()).await;
    let (first, _) = parts(&c.call(&COMMIT).await);
    let (none, _) = parts(&c.call(&RELEASE).await);
    assert_eq!(none, None, "the release itself ends with a bare STATUS");
    let (next, _) = parts(&c.call(&COMMIT).await);
    let (first, next) = (first.unwrap(), next.expect("SESS_RET after the release"));
    assert_eq!(
        next.sid, first.sid,
        "purity SELF, same class: the same session"
    );
}

#[tokio::test]
async fn oci_dedicated_calls_get_no_session_piggyback() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    let (sess, _) = parts(&c.call(&COMMIT).await);
    assert_eq!(sess, None);
    // Function 163 means nothing outside DRCP: refused, the session goes on.
    let refused = c.call(&RELEASE).await;
    assert_eq!(refused[0], msg::ERROR);
    let (sess, _) = parts(&c.call(&PING).await);
    assert_eq!(sess, None);
}
