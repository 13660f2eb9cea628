//! The admin port's line protocol: commands, answers and bad input.

use oradb_testserver::{Config, TestServer};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Admin {
    r: BufReader<tokio::net::tcp::OwnedReadHalf>,
    w: tokio::net::tcp::OwnedWriteHalf,
}

impl Admin {
    async fn open(s: &TestServer) -> Admin {
        let sock = TcpStream::connect(s.admin_addr().expect("admin port"))
            .await
            .unwrap();
        let (r, w) = sock.into_split();
        Admin {
            r: BufReader::new(r),
            w,
        }
    }
    async fn say(&mut self, line: &str) -> String {
        self.w
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        self.r.read_line(&mut out).await.unwrap();
        out.trim_end().to_string()
    }
}

#[tokio::test]
async fn commands_switch_faults_and_bad_ones_get_err() {
    let s = TestServer::start(Config {
        admin: Some("127.0.0.1:0".parse().unwrap()),
        ..Config::default()
    })
    .await
    .unwrap();
    let mut a = Admin::open(&s).await;
    assert_eq!(a.say("refuse 12519").await, "OK");
    assert_eq!(s.faults().refusing(), Some(12519));
    assert_eq!(a.say("REFUSE off").await, "OK");
    assert_eq!(s.faults().refusing(), None);
    assert_eq!(a.say("max-sessions 3").await, "OK");
    assert_eq!(s.faults().max_sessions(), Some(3));
    assert_eq!(a.say("delay 25").await, "OK");
    assert_eq!(s.faults().delay().as_millis(), 25);
    assert_eq!(a.say("sessions").await, "OK");
    assert_eq!(a.say("drop").await, "OK dropped 0");
    assert_eq!(a.say("reset").await, "OK");
    assert_eq!(
        (s.faults().max_sessions(), s.faults().delay().as_millis()),
        (None, 0)
    );
    for (bad, why) in [
        ("refuse 1", "ERR refuse expects 12516 or 12519, not 1"),
        ("refuse", "ERR refuse needs 12516, 12519 or off"),
        ("delay soon", "ERR delay expects milliseconds, got \"soon\""),
        ("stall 4242", "ERR no session 4242"),
        ("max-sessions 0", "ERR max-sessions expects 1.., got 0"),
        ("drop now please", "ERR unexpected \"please\" after drop"),
        ("shutdown", "ERR unknown command \"shutdown\"; try help"),
        ("", "ERR empty command; try help"),
    ] {
        assert_eq!(a.say(bad).await, why, "for {bad:?}");
    }
    // A bad command changes nothing and the admin connection stays usable.
    assert_eq!(s.faults().refusing(), None);
    assert!(a.say("help").await.starts_with("OK drop"));
    // Restart brings the listener back on the same port.
    assert_eq!(a.say("restart 50").await, "OK");
    TcpStream::connect(s.addr()).await.unwrap();
    // An overlong line ends only that admin connection.
    let mut b = Admin::open(&s).await;
    assert_eq!(b.say(&"x".repeat(5000)).await, "ERR line too long");
    assert_eq!(a.say("reset").await, "OK");
}
