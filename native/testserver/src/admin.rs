//! The admin port: a line protocol for tests to inject faults into a running
//! server (`--admin-listen ADDR`). One command per line, one answer line:
//! `OK [detail]` or `ERR message`. It listens on its own port, which client
//! sessions never see, so user SQL cannot reach it.
//!
//! ```text
//! drop                      close every client connection now
//! refuse 12516|12519|off    refuse new connections with that TNS error
//! delay MS                  delay every response by MS ms (0 = off)
//! stall SID | unstall SID|all   stop/resume FETCH answers of a session
//! max-sessions N|off        logons beyond N get ORA-00018
//! restart [MS]              drop all, listeners down for MS ms (default 300), up again
//! sessions                  live sessions as "sid,serial,user" words
//! network                   each session's native network encryption and
//!                           integrity as "sid,AES256,SHA512" words ("none")
//! reset                     every switch off
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::server::Shared;

/// Longest admin line we read; longer ones close the admin connection.
const MAX_LINE: usize = 1024;

/// Serves admin connections until the task is dropped.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, addrs: Vec<SocketAddr>) {
    loop {
        let Ok((sock, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let (shared, addrs) = (shared.clone(), addrs.clone());
        tokio::spawn(async move {
            let (read, mut write) = sock.into_split();
            let mut lines = BufReader::new(read.take(1 << 20));
            let mut line = String::new();
            loop {
                line.clear();
                match lines.read_line(&mut line).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) if line.len() > MAX_LINE => {
                        let _ = write.write_all(b"ERR line too long\n").await;
                        break;
                    }
                    Ok(_) => {}
                }
                let answer = run(&shared, &addrs, line.trim()).await;
                if write
                    .write_all(format!("{answer}\n").as_bytes())
                    .await
                    .is_err()
                {
                    break;
                }
            }
        });
    }
}

/// Runs one admin command and returns its answer line.
pub async fn run(shared: &Shared, addrs: &[SocketAddr], line: &str) -> String {
    match command(shared, addrs, line).await {
        Ok(detail) if detail.is_empty() => "OK".into(),
        Ok(detail) => format!("OK {detail}"),
        Err(e) => format!("ERR {e}"),
    }
}

async fn command(shared: &Shared, addrs: &[SocketAddr], line: &str) -> Result<String, String> {
    let f = &shared.faults;
    let mut words = line.split_whitespace();
    let cmd = words.next().unwrap_or("").to_ascii_lowercase();
    let arg = words.next();
    const KNOWN: [&str; 11] = [
        "drop",
        "refuse",
        "delay",
        "stall",
        "unstall",
        "max-sessions",
        "restart",
        "sessions",
        "network",
        "reset",
        "help",
    ];
    if !cmd.is_empty() && !KNOWN.contains(&cmd.as_str()) {
        return Err(format!("unknown command \"{cmd}\"; try help"));
    }
    if let Some(extra) = words.next() {
        return Err(format!("unexpected \"{extra}\" after {cmd}"));
    }
    let number = |what: &str| -> Result<u64, String> {
        let a = arg.ok_or_else(|| format!("{cmd} needs {what}"))?;
        a.parse::<u64>()
            .map_err(|_| format!("{cmd} expects {what}, got \"{a}\""))
    };
    let off = arg.is_some_and(|a| a.eq_ignore_ascii_case("off"));
    match cmd.as_str() {
        "drop" => Ok(format!("dropped {}", drop_all(shared).await)),
        "refuse" if off => f.refuse(None).map(|_| String::new()),
        "refuse" => {
            let code = number("12516, 12519 or off")?;
            f.refuse(Some(u32::try_from(code).unwrap_or(0)))
                .map(|_| String::new())
        }
        "delay" => {
            f.set_delay(number("milliseconds")?.min(600_000));
            Ok(String::new())
        }
        "stall" => {
            let sid = number("a session id")?;
            let sid = u32::try_from(sid).map_err(|_| format!("no session {sid}"))?;
            if !shared.registry.sessions().iter().any(|s| s.sid() == sid) {
                return Err(format!("no session {sid}"));
            }
            f.stall(sid);
            Ok(String::new())
        }
        "unstall" if arg.is_some_and(|a| a.eq_ignore_ascii_case("all")) => {
            f.unstall(None);
            Ok(String::new())
        }
        "unstall" => {
            let sid = number("a session id or all")?;
            f.unstall(Some(u32::try_from(sid).unwrap_or(u32::MAX)));
            Ok(String::new())
        }
        "max-sessions" if off => {
            f.set_max_sessions(None);
            Ok(String::new())
        }
        "max-sessions" => {
            let n = number("a count or off")?;
            if n == 0 || n > u64::from(u32::MAX) {
                return Err(format!("max-sessions expects 1.., got {n}"));
            }
            f.set_max_sessions(Some(n as u32));
            Ok(String::new())
        }
        "restart" => {
            let ms = if arg.is_some() {
                number("milliseconds")?
            } else {
                300
            };
            restart(shared, addrs, Duration::from_millis(ms.clamp(20, 60_000))).await?;
            Ok(String::new())
        }
        "sessions" => {
            let v: Vec<String> = shared
                .registry
                .sessions()
                .iter()
                .map(|s| format!("{},{},{}", s.sid(), s.serial(), s.attrs().username))
                .collect();
            Ok(v.join(" "))
        }
        "network" => {
            let v: Vec<String> = shared
                .registry
                .sessions()
                .iter()
                .map(|s| {
                    let n = s.attrs().network;
                    let e = n.encryption.map_or("none", |a| a.name());
                    let i = n.integrity.map_or("none", |a| a.name());
                    format!("{},{e},{i}", s.sid())
                })
                .collect();
            Ok(v.join(" "))
        }
        "reset" => {
            f.reset();
            Ok(String::new())
        }
        "help" => Ok(
            "drop | refuse 12516|12519|off | delay MS | stall SID | unstall SID|all | \
max-sessions N|off | restart [MS] | sessions | network | reset"
                .into(),
        ),
        _ => Err("empty command; try help".into()),
    }
}

/// Drops every connection and waits (up to 5 s) until each dropped session
/// has left the registry, so a test's next step sees them gone. Returns how
/// many sessions were live.
pub async fn drop_all(shared: &Shared) -> usize {
    let before: Vec<u32> = shared.registry.sessions().iter().map(|s| s.sid()).collect();
    shared.faults.drop_all();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while tokio::time::Instant::now() < deadline
        && shared
            .registry
            .sessions()
            .iter()
            .any(|s| before.contains(&s.sid()))
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    before.len()
}

/// Drops every connection (and the DRCP sessions kept for reuse), closes the
/// listeners for `down`, and returns once each listener accepts connections
/// again. Committed data stays: it is the same database (on disk with `--data`).
pub async fn restart(shared: &Shared, addrs: &[SocketAddr], down: Duration) -> Result<(), String> {
    shared.faults.request_restart(down);
    drop_all(shared).await;
    // A restarted instance has no pooled servers: DRCP sessions kept for
    // reuse go too.
    shared.drcp.clear();
    tokio::time::sleep(down).await;
    let deadline = tokio::time::Instant::now() + down + Duration::from_secs(5);
    for addr in addrs {
        loop {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                break;
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("listener {addr} did not come back"));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    Ok(())
}
