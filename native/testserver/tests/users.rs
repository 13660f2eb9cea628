//! Users from a file or the environment, so passwords stay out of `ps`.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use oradb_testserver::config::{parse_user, users_from_env, users_from_file};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(u, p)| (u.to_string(), p.to_string()))
        .collect()
}

#[test]
fn entries_from_the_environment_and_a_file() {
    assert_eq!(
        users_from_env("alice/s3cret, bob/a/b\n\ncarol/x,").unwrap(),
        pairs(&[("alice", "s3cret"), ("bob", "a/b"), ("carol", "x")])
    );
    let e = users_from_env("alice/s3cret,bobs-secret-password").unwrap_err();
    assert_eq!(e, "ORADB_TESTSERVER_USERS entry 2: expected NAME/PASSWORD");
    assert!(parse_user("/pw").is_err() && parse_user("name/").is_err());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users");
    std::fs::write(&path, "# test users\n\nalice/s3cret\n  bob/pw2  \n").unwrap();
    assert_eq!(
        users_from_file(&path).unwrap(),
        pairs(&[("alice", "s3cret"), ("bob", "pw2")])
    );
    std::fs::write(&path, "alice/s3cret\nhunter2\n").unwrap();
    let e = users_from_file(&path).unwrap_err();
    assert_eq!(
        e,
        format!(
            "user file {} line 2: expected NAME/PASSWORD",
            path.display()
        )
    );
    assert!(!e.contains("hunter2"), "the error repeats the line: {e}");
    let missing = dir.path().join("nope");
    assert!(users_from_file(&missing)
        .unwrap_err()
        .starts_with(&format!("cannot read user file {}", missing.display())));
}

/// Starts the binary with `args` and `ORADB_TESTSERVER_USERS=env_users`;
/// returns it and its address.
fn start(args: &[&str], env_users: &str) -> (std::process::Child, std::net::SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oradb-testserver"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env("ORADB_TESTSERVER_USERS", env_users)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().parse().unwrap_or_else(|_| {
        let _ = child.wait();
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err);
        panic!("no address from the server: {err}")
    });
    (child, addr)
}

#[tokio::test]
async fn the_binary_takes_users_from_the_environment_and_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users");
    std::fs::write(&file, "# from the file\ncarol/from-file\n").unwrap();
    let file_arg = file.to_str().unwrap();
    let (mut child, addr) = start(&["--user-file", file_arg], "alice/s3cret,bob/pw2");
    for (user, pw) in [("alice", "s3cret"), ("bob", "pw2"), ("carol", "from-file")] {
        let logon = common::Client::logon(addr, user, pw).await;
        assert!(logon.is_ok(), "{user}: {:?}", logon.err());
    }
    // Given users replace the default scott/tiger; a wrong password is refused.
    for (user, pw) in [("scott", "tiger"), ("alice", "wrong")] {
        let e = common::Client::logon(addr, user, pw).await.err();
        assert!(
            e.as_deref().is_some_and(|e| e.contains("ORA-01017")),
            "{user}: {e:?}"
        );
    }
    child.kill().unwrap();
    let _ = child.wait();

    // A malformed entry stops the server with a message that hides it.
    let out = Command::new(env!("CARGO_BIN_EXE_oradb-testserver"))
        .env("ORADB_TESTSERVER_USERS", "alice/s3cret,hunter2")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        err.trim(),
        "ORADB_TESTSERVER_USERS entry 2: expected NAME/PASSWORD"
    );
}
