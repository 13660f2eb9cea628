//! The TCP socket under an OCI session, found at logon, so that a forced close can end a call
//! whose server went silent. OCI blocks in `recv` with no timeout of its own (unless a call
//! timeout was set), and a break needs the server's answer too: without this, `close({ force })`
//! on a silent network would wait forever. Linux only (it reads `/proc`); elsewhere no socket is
//! found and a forced close waits for OCI as before.

use std::collections::HashMap;
use std::sync::Mutex;

/// One socket of this process: its descriptor and the inode that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SessionSocket {
    fd: i32,
    inode: u64,
}

/// Logons that look for their socket run one at a time, so that two of ours never see each
/// other's new socket (an OCI pool opening sessions meanwhile makes the match ambiguous: none).
static LOGONS: Mutex<()> = Mutex::new(());

/// Runs `logon`; the socket it opened is the one new TCP socket of the process afterwards, or,
/// when others opened beside it (a relay in this process), the one new socket whose peer port
/// is `port` (the connect string's).
pub(crate) fn around<T>(
    port: Option<u16>,
    logon: impl FnOnce() -> T,
) -> (T, Option<SessionSocket>) {
    let _one = LOGONS.lock().unwrap_or_else(|p| p.into_inner());
    let before = sockets();
    let out = logon();
    let mut new: Vec<SessionSocket> = sockets()
        .into_iter()
        .filter(|(inode, _)| !before.contains_key(inode))
        .map(|(inode, fd)| SessionSocket { fd, inode })
        .collect();
    if new.len() > 1 {
        let tcp = tcp_peer_ports();
        new.retain(|s| tcp.contains_key(&s.inode));
        if let (true, Some(port)) = (new.len() > 1, port) {
            new.retain(|s| tcp.get(&s.inode) == Some(&port));
        }
    }
    let found = match new.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    (out, found)
}

/// The port a connect string names, when it names one: `(PORT=n)` in a descriptor, or the
/// Easy Connect `host:port` (a bare alias or a missing port: none).
pub(crate) fn port_of(connect_string: &str) -> Option<u16> {
    let upper = connect_string.to_ascii_uppercase().replace(' ', "");
    if let Some(i) = upper.find("(PORT=") {
        let digits: String = upper[i + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        return digits.parse().ok();
    }
    let rest = upper.split_once("://").map_or(upper.as_str(), |(_, r)| r);
    let hostport = rest.split(['/', '?']).next()?;
    // An IPv6 literal is bracketed: its port follows the bracket.
    let after_host = hostport.rsplit_once(']').map_or(hostport, |(_, p)| p);
    after_host.rsplit_once(':')?.1.parse().ok()
}

impl SessionSocket {
    /// Shuts the socket down both ways (OCI's blocked read then ends with ORA-03113), when the
    /// descriptor still names the same socket; false otherwise. Never closes the descriptor:
    /// OCI owns it.
    pub(crate) fn cut(&self) -> bool {
        if link_inode(self.fd) != Some(self.inode) {
            return false;
        }
        shutdown(self.fd)
    }
}

#[cfg(target_os = "linux")]
fn shutdown(fd: i32) -> bool {
    use std::mem::ManuallyDrop;
    use std::net::{Shutdown, TcpStream};
    use std::os::fd::FromRawFd;
    // SAFETY: `fd` is open and names a socket (checked against its inode just before); the
    // stream is never dropped, so the descriptor stays OCI's. shutdown(2) on a socket of
    // another family fails harmlessly.
    let s = ManuallyDrop::new(unsafe { TcpStream::from_raw_fd(fd) });
    s.shutdown(Shutdown::Both).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn shutdown(_fd: i32) -> bool {
    false
}

/// The inode of the socket `fd` names (`socket:[N]`), if it names one.
fn link_inode(fd: i32) -> Option<u64> {
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()?;
    let s = link.to_str()?;
    s.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok()
}

/// This process's sockets: inode to descriptor.
fn sockets() -> HashMap<u64, i32> {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return HashMap::new();
    };
    dir.filter_map(|e| {
        let fd: i32 = e.ok()?.file_name().to_str()?.parse().ok()?;
        Some((link_inode(fd)?, fd))
    })
    .collect()
}

/// The TCP sockets in this network namespace (IPv4 and IPv6): inode to peer port.
fn tcp_peer_ports() -> HashMap<u64, u16> {
    let mut out = HashMap::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        // Header line, then one socket a line: the peer is the third column (ADDR:PORT in
        // hex), the inode the tenth.
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let peer = cols.get(2).and_then(|a| a.rsplit(':').next());
            let port = peer.and_then(|p| u16::from_str_radix(p, 16).ok());
            if let (Some(port), Some(Ok(inode))) = (port, cols.get(9).map(|i| i.parse())) {
                out.insert(inode, port);
            }
        }
    }
    out
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};

    #[test]
    fn the_port_of_easy_connect_strings_and_descriptors() {
        assert_eq!(port_of("127.0.0.1:41234/FREEPDB1"), Some(41234));
        assert_eq!(
            port_of("tcps://db.example.com:2484/svc?wallet_location=/w"),
            Some(2484)
        );
        assert_eq!(port_of("[::1]:1522/svc"), Some(1522));
        assert_eq!(port_of("db.example.com/svc"), None);
        assert_eq!(port_of("mydb"), None);
        let d = "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT = 1600))(CONNECT_DATA=(SERVICE_NAME=s)))";
        assert_eq!(port_of(d), Some(1600));
    }

    #[test]
    fn finds_the_one_socket_a_logon_opens_and_cutting_it_ends_a_blocked_read() {
        // One test, not two: a test running beside it could open a socket inside `around`.
        let ((), none) = around(None, || ());
        assert_eq!(none, None);
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let (stream, found) = around(None, || TcpStream::connect(addr).unwrap());
        let found = found.expect("the new socket");
        let (_peer, _) = l.accept().unwrap();
        let mut reader = stream.try_clone().unwrap();
        let t = std::thread::spawn(move || reader.read(&mut [0u8; 8]).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(found.cut());
        // A silent peer: only the shutdown ends the read, with end of file.
        assert_eq!(t.join().unwrap(), 0);
        // Both ends of a connection opened inside: the client end is the one whose peer is
        // the port asked for.
        let port = addr.port();
        let ((client, _peer), found) = around(Some(port), || {
            let c = TcpStream::connect(addr).unwrap();
            (c, l.accept().unwrap())
        });
        let found = found.expect("the client end");
        assert_eq!(link_inode(found.fd), Some(found.inode));
        assert!(found.cut());
        assert_eq!(client.try_clone().unwrap().read(&mut [0u8; 8]).unwrap(), 0);
    }
}
