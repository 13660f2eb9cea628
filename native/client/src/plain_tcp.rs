//! The transport's plain TCP socket. A read first asks the socket itself and
//! only then tokio's reactor: a caller woken by another event loop (Node's
//! libuv watching the socket, see oradb-node's `call`) can then read an
//! answer that tokio's I/O thread has not noticed yet, and the answer of a
//! lone call never has to pass through that thread.

use std::cell::Cell;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use std::io::Write;

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use tokio::net::TcpStream;

thread_local! {
    /// The socket whose reads this thread's caller wakes itself for (-1: none).
    static EXTERNAL_WAKE: Cell<RawFd> = const { Cell::new(-1) };
}

/// Runs `f` (a poll of a call's future) with reads of socket `fd` that would
/// block answering `Pending` without registering with tokio: the caller
/// watches the socket itself and polls again once it is readable. Tokio's
/// wakes then only mean something else (a timer, a break, the session lock),
/// never the answer. Other sockets are unaffected.
pub fn with_external_read_wake<R>(fd: RawFd, f: impl FnOnce() -> R) -> R {
    struct Reset(RawFd);
    impl Drop for Reset {
        fn drop(&mut self) {
            EXTERNAL_WAKE.set(self.0);
        }
    }
    let _reset = Reset(EXTERNAL_WAKE.replace(fd));
    f()
}

/// A nonblocking socket read and written with plain syscalls. Tokio's reactor
/// watches it only while a task waits on it (`reg`): a socket registered
/// there wakes the I/O thread on every packet, even when the JS thread is the
/// one waiting (see `with_external_read_wake`), and a sequential caller then
/// pays a thread wake-up per call on the other core.
pub(crate) struct PlainTcp {
    /// Declared first so it deregisters before `sock` closes the socket.
    reg: Option<AsyncFd<RawFd>>,
    sock: std::net::TcpStream,
    fd: RawFd,
}

impl PlainTcp {
    pub(crate) fn new(sock: TcpStream) -> io::Result<Self> {
        // into_std leaves the socket nonblocking and off tokio's reactor.
        let sock = sock.into_std()?;
        let fd = sock.as_raw_fd();
        Ok(PlainTcp {
            reg: None,
            sock,
            fd,
        })
    }
}

/// The reactor registration of `fd`, made on first need. `None` off a
/// runtime (a liveness probe from JS): nothing can be waited for there.
fn registered(reg: &mut Option<AsyncFd<RawFd>>, fd: RawFd) -> Option<io::Result<&AsyncFd<RawFd>>> {
    if reg.is_none() {
        tokio::runtime::Handle::try_current().ok()?;
        // SAFETY: `fd` is the open socket of the PlainTcp holding `reg`,
        // which deregisters (drops `reg`) before the socket closes.
        match unsafe {
            AsyncFd::register_with_interest(fd, Interest::READABLE | Interest::WRITABLE)
        } {
            Ok(r) => *reg = Some(r),
            Err(e) => return Some(Err(e.into())),
        }
    }
    reg.as_ref().map(Ok)
}

fn recv(sock: &std::net::TcpStream, buf: &mut ReadBuf<'_>) -> io::Result<()> {
    // SAFETY: recv only writes initialised bytes, and only the `n` it
    // reports are marked filled.
    let room = unsafe { buf.unfilled_mut() };
    let n = socket2::SockRef::from(sock).recv(room)?;
    // SAFETY: recv initialised the first `n` bytes.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Ok(())
}

fn would_block(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
    )
}

impl AsyncRead for PlainTcp {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match recv(&this.sock, buf) {
                Err(e) if would_block(&e) => {}
                r => return Poll::Ready(r),
            }
            if EXTERNAL_WAKE.get() == this.fd {
                // The caller's own poll wakes it; off the reactor, the
                // answer wakes nobody else.
                this.reg = None;
                return Poll::Pending;
            }
            let reg = match registered(&mut this.reg, this.fd) {
                Some(Ok(r)) => r,
                Some(Err(e)) => return Poll::Ready(Err(e)),
                None => return Poll::Pending,
            };
            let mut guard = ready!(reg.poll_read_ready(cx))?;
            match guard.try_io(|_| recv(&this.sock, buf)) {
                Ok(r) => return Poll::Ready(r),
                // Readiness was stale and is cleared: wait again.
                Err(_) => continue,
            }
        }
    }
}

impl AsyncWrite for PlainTcp {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            match (&this.sock).write(data) {
                Err(e) if would_block(&e) => {}
                r => return Poll::Ready(r),
            }
            // A full send buffer waits through tokio, mark or not: its wake
            // moves a JS-thread call to the runtime.
            let reg = match registered(&mut this.reg, this.fd) {
                Some(Ok(r)) => r,
                Some(Err(e)) => return Poll::Ready(Err(e)),
                None => return Poll::Pending,
            };
            let mut guard = ready!(reg.poll_write_ready(cx))?;
            match guard.try_io(|_| (&this.sock).write(data)) {
                Ok(r) => return Poll::Ready(r),
                Err(_) => continue,
            }
        }
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.sock.shutdown(std::net::Shutdown::Write))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn pair() -> (PlainTcp, TcpStream) {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let (c, s) = tokio::join!(TcpStream::connect(addr), l.accept());
        (PlainTcp::new(c.unwrap()).unwrap(), s.unwrap().0)
    }

    #[tokio::test]
    async fn reads_bytes_tokio_has_not_seen_and_waits_through_tokio_otherwise() {
        let (mut c, mut s) = pair().await;
        s.write_all(b"abc").await.unwrap();
        // Give the kernel the bytes; the client's reactor may not have run.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let mut b = [0u8; 8];
        let n = c.read(&mut b).await.unwrap();
        assert_eq!(&b[..n], b"abc");
        // Nothing there: the read waits (through tokio) for the next bytes.
        let late = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            s.write_all(b"de").await.unwrap();
            s
        });
        let n = c.read(&mut b).await.unwrap();
        assert_eq!(&b[..n], b"de");
        drop(late.await.unwrap());
        assert_eq!(
            c.read(&mut b).await.unwrap(),
            0,
            "EOF after the peer closed"
        );
    }

    #[tokio::test]
    async fn an_external_wake_read_is_pending_off_the_reactor_then_reads_what_came() {
        let (mut c, mut s) = pair().await;
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut b = [0u8; 8];
        let mut rb = ReadBuf::new(&mut b);
        // An ordinary wait registers the socket with the reactor.
        assert!(Pin::new(&mut c).poll_read(&mut cx, &mut rb).is_pending());
        assert!(c.reg.is_some());
        let polled = with_external_read_wake(c.fd, || Pin::new(&mut c).poll_read(&mut cx, &mut rb));
        assert!(polled.is_pending());
        assert!(c.reg.is_none(), "a marked wait leaves the reactor out");
        assert_eq!(EXTERNAL_WAKE.get(), -1, "the mark ends with the closure");
        s.write_all(b"xy").await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let polled = with_external_read_wake(c.fd, || Pin::new(&mut c).poll_read(&mut cx, &mut rb));
        assert!(matches!(polled, Poll::Ready(Ok(()))));
        assert_eq!(rb.filled(), b"xy");
        // Unmarked again: waits through the reactor, registered anew.
        s.write_all(b"z").await.unwrap();
        let mut more = [0u8; 4];
        assert_eq!(c.read(&mut more).await.unwrap(), 1);
        let later = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            s.write_all(b"w").await.unwrap();
            s
        });
        assert_eq!(c.read(&mut more).await.unwrap(), 1);
        assert_eq!(&more[..1], b"w");
        assert!(c.reg.is_some());
        drop(later.await.unwrap());
    }
}
