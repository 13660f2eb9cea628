//! A PL/SQL index-by table OUT bind as OCI 19.3 sends it (python-oracledb
//! Thick: `cursor.arrayvar(str, 5, 20)` passed to `pk.s(a OUT st)`, a table
//! of VARCHAR2(20)): after the IO_VECTOR, the element count and each element
//! with its indicator and, as after a lone string OUT value, one more field
//! (OCI waits for it otherwise: measured, tests/oci19/README.md round 13).

use oradb_protocol::buf::Reader;
use oradb_protocol::ttc::msg;
use oradb_testserver::{Config, TestServer};

mod oci;

use oci::{only_error, Oci};

#[tokio::test]
async fn oci_string_array_out_bind_has_the_extra_field_after_each_element() {
    let server = TestServer::start(Config::default()).await.unwrap();
    let mut c = Oci::logon(server.addr()).await;
    for ddl in ["oci_array_spec", "oci_array_body"] {
        let done = only_error(&c.replay(ddl).await);
        assert_eq!(done.error_num, 0, "{ddl}: {:?}", done.message);
    }
    let answer = c.replay("oci_array_out").await;
    let iov = [msg::IO_VECTOR, 0x04, 1, 1, 0, 1, 1, 0, 0, 0, 0x10];
    assert_eq!(answer[..iov.len()], iov, "{answer:02x?}");
    let mut r = Reader::new(&answer[iov.len()..]);
    assert_eq!(r.u8().unwrap(), msg::ROW_DATA);
    assert_eq!(r.ub4().unwrap(), 3, "three elements");
    for want in [Some(&b"x"[..]), None, Some(&b"hey"[..])] {
        let got = r.bytes().unwrap();
        assert_eq!(got.as_deref(), want);
        assert_eq!(r.sb4().unwrap(), if want.is_some() { 0 } else { -1 });
        assert_eq!(r.ub2().unwrap(), 0, "the string bind's extra field");
    }
    let done = only_error(r.rest());
    assert_eq!(done.error_num, 0);
}
