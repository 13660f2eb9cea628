//! The transport's plain TCP socket. A read first asks the socket itself and
//! only then tokio's reactor: a caller woken by another event loop (Node's
//! libuv watching the socket, see oradb-node's `call`) can then read an
//! answer that tokio's I/O thread has not noticed yet, and the answer of a
//! lone call never has to pass through that thread.

use std::cell::Cell;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
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

pub(crate) struct PlainTcp {
    sock: TcpStream,
    fd: RawFd,
}

impl PlainTcp {
    pub(crate) fn new(sock: TcpStream) -> Self {
        let fd = sock.as_raw_fd();
        PlainTcp { sock, fd }
    }
}

impl AsyncRead for PlainTcp {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // SAFETY: recv only writes initialised bytes, and only the `n` it
        // reports are marked filled.
        let room = unsafe { buf.unfilled_mut() };
        match socket2::SockRef::from(&this.sock).recv(room) {
            Ok(n) => {
                // SAFETY: recv initialised the first `n` bytes.
                unsafe { buf.assume_init(n) };
                buf.advance(n);
                return Poll::Ready(Ok(()));
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
        if EXTERNAL_WAKE.get() == this.fd {
            return Poll::Pending;
        }
        // Tokio's readiness may be stale (the data it saw was read above):
        // its poll_read retries, clears it and registers the waker.
        Pin::new(&mut this.sock).poll_read(cx, buf)
    }
}

impl AsyncWrite for PlainTcp {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().sock).poll_write(cx, data)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().sock).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.sock.is_write_vectored()
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().sock).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().sock).poll_shutdown(cx)
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
        (PlainTcp::new(c.unwrap()), s.unwrap().0)
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
    async fn an_external_wake_read_is_pending_until_bytes_arrive_then_reads_them() {
        let (mut c, mut s) = pair().await;
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut b = [0u8; 8];
        let mut rb = ReadBuf::new(&mut b);
        let polled = with_external_read_wake(c.fd, || Pin::new(&mut c).poll_read(&mut cx, &mut rb));
        assert!(polled.is_pending());
        assert_eq!(EXTERNAL_WAKE.get(), -1, "the mark ends with the closure");
        s.write_all(b"xy").await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let polled = with_external_read_wake(c.fd, || Pin::new(&mut c).poll_read(&mut cx, &mut rb));
        assert!(matches!(polled, Poll::Ready(Ok(()))));
        assert_eq!(rb.filled(), b"xy");
    }
}
