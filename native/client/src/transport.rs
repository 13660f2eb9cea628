//! The client's socket: TNS packets out, DATA payloads and markers in.
//! Responses are decoded a whole TTC message at a time from `ResponseBuf`;
//! when a message is cut by a packet boundary the decoder asks for more and
//! retries that message only, so progress on earlier messages is kept (and
//! within it, what `oradb_protocol::buf::Resume` holds).

use std::time::Duration;

use oradb_protocol::ano::{AnoError, PacketCrypto};
use oradb_protocol::codes;
use oradb_protocol::packet::{self, data_flags, kind, marker, Packet, PacketDecoder};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::{Error, Result};

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

pub struct Transport {
    stream: Box<dyn Stream>,
    /// The TCP socket under `stream` (also under TLS), for `probe_alive`.
    #[cfg(unix)]
    fd: Option<std::os::fd::RawFd>,
    /// Set for plain TCP only: the socket a caller may watch itself (see
    /// `plain_tcp`); under TLS a readable socket need not mean a record.
    #[cfg(unix)]
    wake_fd: Option<std::os::fd::RawFd>,
    dec: PacketDecoder,
    pub sdu: usize,
    large: bool,
    out: Vec<u8>,
    read_buf: Vec<u8>,
    /// Native network encryption/integrity of DATA payloads, once negotiated.
    crypto: Option<PacketCrypto>,
}

/// What came in instead of (more) data.
#[derive(Debug)]
pub enum Inbound {
    Data { payload: Vec<u8>, flags: u16 },
    Marker(u8),
    Other(Packet),
}

impl Transport {
    /// True unless the socket is known to be finished: the peer closed it
    /// (a server restart, a kill) or sent something nobody asked for. Never
    /// waits: an idle healthy socket has nothing to read.
    pub fn probe_alive(&mut self) -> bool {
        #[cfg(unix)]
        if let Some(fd) = self.fd {
            // Ask the socket itself: tokio learns of a FIN only when the I/O
            // thread next polls, so a session whose server just went away
            // could still look idle and healthy.
            // SAFETY: `fd` belongs to `stream`, which lives as long as `self`.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
            let mut byte = [std::mem::MaybeUninit::<u8>::uninit()];
            match socket2::SockRef::from(&fd).peek(&mut byte) {
                // EOF, or bytes nobody asked for.
                Ok(_) => return false,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => return false,
            }
        }
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut byte = [0u8; 1];
        let mut buf = tokio::io::ReadBuf::new(&mut byte);
        // Ready means EOF, an error, or unsolicited bytes: the session cannot be trusted.
        std::pin::Pin::new(&mut self.stream)
            .poll_read(&mut cx, &mut buf)
            .is_pending()
    }

    /// TCP, then (with `tls`) the TLS handshake, within `timeout`.
    pub async fn open(
        host: &str,
        port: u16,
        timeout: Duration,
        tls: Option<&crate::tls::TlsSettings>,
        expire_time: Option<Duration>,
    ) -> Result<Transport> {
        let sock = Self::tcp_stream(host, port, timeout).await?;
        if let Some(every) = expire_time.filter(|t| !t.is_zero()) {
            // EXPIRE_TIME: TCP keepalive probes notice a dead peer or a
            // firewall that dropped an idle session.
            let ka = socket2::TcpKeepalive::new()
                .with_time(every)
                .with_interval(every);
            if let Err(e) = socket2::SockRef::from(&sock).set_tcp_keepalive(&ka) {
                tracing::debug!("EXPIRE_TIME keepalive not set: {e}");
            }
        }
        let fd = raw_fd(&sock);
        let Some(settings) = tls else {
            return Transport::plain(sock);
        };
        let handshake = crate::tls::connect(sock, host, port, settings);
        match tokio::time::timeout(timeout, handshake).await {
            Ok(s) => Ok(Transport::new(Box::new(s?)).with_fd(fd)),
            Err(_) => Err(Error::odb(
                crate::error::ErrorKind::Connect,
                codes::CONNECT_TIMEOUT,
                format!(
                    "timed out in the TLS handshake with {host}:{port} after {} ms",
                    timeout.as_millis()
                ),
            )),
        }
    }

    pub async fn tcp(host: &str, port: u16, timeout: Duration) -> Result<Transport> {
        let sock = Self::tcp_stream(host, port, timeout).await?;
        Transport::plain(sock)
    }

    #[cfg(unix)]
    fn plain(sock: TcpStream) -> Result<Transport> {
        let fd = raw_fd(&sock);
        let sock = crate::plain_tcp::PlainTcp::new(sock).map_err(Error::disconnected)?;
        let mut t = Transport::new(Box::new(sock)).with_fd(fd);
        t.wake_fd = fd;
        Ok(t)
    }
    #[cfg(not(unix))]
    fn plain(sock: TcpStream) -> Result<Transport> {
        let fd = raw_fd(&sock);
        Ok(Transport::new(Box::new(sock)).with_fd(fd))
    }

    /// The socket a caller may watch for readability itself and then poll
    /// its call with `plain_tcp::with_external_read_wake` (plain TCP only).
    #[cfg(unix)]
    pub fn wake_fd(&self) -> Option<std::os::fd::RawFd> {
        self.wake_fd
    }
    #[cfg(not(unix))]
    pub fn wake_fd(&self) -> Option<i32> {
        None
    }

    async fn tcp_stream(host: &str, port: u16, timeout: Duration) -> Result<TcpStream> {
        let connect = TcpStream::connect((host, port));
        let sock = match tokio::time::timeout(timeout, connect).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                return Err(Error::odb(
                    crate::error::ErrorKind::Connect,
                    codes::CONNECT_FAILED,
                    format!("cannot connect to {host}:{port}: {e}"),
                ))
            }
            Err(_) => {
                return Err(Error::odb(
                    crate::error::ErrorKind::Connect,
                    codes::CONNECT_TIMEOUT,
                    format!(
                        "timed out connecting to {host}:{port} after {} ms",
                        timeout.as_millis()
                    ),
                ))
            }
        };
        let _ = sock.set_nodelay(true);
        Ok(sock)
    }

    pub fn new(stream: Box<dyn Stream>) -> Self {
        Transport {
            stream,
            #[cfg(unix)]
            fd: None,
            #[cfg(unix)]
            wake_fd: None,
            dec: PacketDecoder::new(),
            sdu: 8192,
            large: false,
            out: Vec::with_capacity(8192),
            read_buf: vec![0; 64 * 1024],
            crypto: None,
        }
    }

    #[cfg(unix)]
    fn with_fd(mut self, fd: Option<std::os::fd::RawFd>) -> Self {
        self.fd = fd;
        self
    }
    #[cfg(not(unix))]
    fn with_fd(self, _fd: Option<()>) -> Self {
        self
    }

    pub fn set_large_lengths(&mut self) {
        self.large = true;
        self.dec.set_large_lengths(true);
    }

    async fn flush(&mut self) -> Result<()> {
        let r = self.stream.write_all(&self.out).await;
        self.out.clear();
        r.map_err(Error::disconnected)
    }

    pub async fn send_packet(&mut self, kind: u8, body: &[u8]) -> Result<()> {
        packet::encode(&mut self.out, kind, 0, body, self.large);
        self.flush().await
    }

    /// Protects every later DATA payload (native network encryption).
    pub fn set_crypto(&mut self, crypto: PacketCrypto) {
        self.crypto = Some(crypto);
    }

    /// What native network encryption negotiated (both `None` when off).
    pub fn negotiated(&self) -> oradb_protocol::ano::Negotiated {
        self.crypto
            .as_ref()
            .map(PacketCrypto::negotiated)
            .unwrap_or_default()
    }

    /// Sends one DATA payload as it is, unmarked (the native network
    /// negotiation's packets, which are never protected).
    pub async fn send_data(&mut self, payload: &[u8]) -> Result<()> {
        packet::encode_data(&mut self.out, payload, self.sdu, self.large, 0, 0);
        self.flush().await
    }

    /// Sends one request; the last packet is marked END_OF_REQUEST.
    pub async fn send_request(&mut self, payload: &[u8]) -> Result<()> {
        match &mut self.crypto {
            Some(c) => encode_protected(&mut self.out, c, payload, self.sdu, self.large),
            None => packet::encode_data(
                &mut self.out,
                payload,
                self.sdu,
                self.large,
                0,
                data_flags::END_OF_REQUEST,
            ),
        }
        self.flush().await
    }

    pub async fn send_marker(&mut self, k: u8) -> Result<()> {
        self.send_packet(kind::MARKER, &marker::encode_body(k))
            .await
    }

    /// Tells the server we are leaving (DATA with the EOF flag) and closes.
    pub async fn send_eof_and_close(&mut self) {
        packet::encode(
            &mut self.out,
            kind::DATA,
            0,
            &data_flags::EOF.to_be_bytes(),
            self.large,
        );
        let _ = self.flush().await;
        let _ = self.stream.shutdown().await;
    }

    pub async fn recv_packet(&mut self) -> Result<Packet> {
        loop {
            match self.dec.next_packet() {
                Ok(Some(p)) => return Ok(p),
                Ok(None) => {}
                Err(e) => {
                    return Err(Error::protocol(format!(
                        "invalid packet from the server: {e}"
                    )))
                }
            }
            let n = self
                .stream
                .read(&mut self.read_buf)
                .await
                .map_err(Error::disconnected)?;
            if n == 0 {
                return Err(Error::disconnected("the server closed the connection"));
            }
            self.dec.feed(&self.read_buf[..n]);
        }
    }

    pub async fn recv(&mut self) -> Result<Inbound> {
        let p = self.recv_packet().await?;
        Ok(match p.kind {
            kind::DATA => {
                let flags = p.data_flags();
                if flags & data_flags::EOF != 0 {
                    return Err(Error::disconnected("the server ended the session"));
                }
                let mut body = p.body;
                body.drain(..2.min(body.len()));
                if let Some(c) = &mut self.crypto {
                    body = c.decrypt_and_verify(&body).map_err(unprotect_error)?;
                }
                Inbound::Data {
                    payload: body,
                    flags,
                }
            }
            kind::MARKER => {
                let k = marker::decode_body(&p.body).map_err(|e| Error::protocol(e.to_string()))?;
                // The server's RESET ends a break: both ends restart their
                // cipher and checksum streams from the session keys.
                if k == marker::RESET {
                    if let Some(c) = &mut self.crypto {
                        c.after_break();
                    }
                }
                Inbound::Marker(k)
            }
            _ => Inbound::Other(p),
        })
    }
}

/// DATA packets of SDU size at most, each payload protected on its own (the
/// server decrypts packet by packet); the last is marked END_OF_REQUEST.
fn encode_protected(
    out: &mut Vec<u8>,
    crypto: &mut PacketCrypto,
    payload: &[u8],
    sdu: usize,
    large: bool,
) {
    let room = sdu.max(packet::HEADER_LEN + 64) - packet::HEADER_LEN - 2;
    let step = crypto.max_plain(room).max(1);
    let mut chunks = payload.chunks(step).peekable();
    let mut first = true;
    while chunks.peek().is_some() || first {
        let chunk = chunks.next().unwrap_or_default();
        let flags = if chunks.peek().is_none() {
            data_flags::END_OF_REQUEST
        } else {
            0
        };
        let mut body = flags.to_be_bytes().to_vec();
        body.extend(crypto.encrypt_and_sign(chunk));
        packet::encode(out, kind::DATA, 0, &body, large);
        first = false;
    }
}

/// A protected packet that fails to decrypt or verify ends the session: the
/// checksum streams cannot resynchronise. The message names no key.
fn unprotect_error(e: AnoError) -> Error {
    match e.code() {
        Some(n) => Error::ora(n, &e.to_string(), 0).into_session_dead(),
        None => Error::odb(
            crate::error::ErrorKind::Protocol,
            codes::NETWORK_ENCRYPTION_FAILED,
            e.to_string(),
        )
        .into_session_dead(),
    }
}

#[cfg(unix)]
fn raw_fd(sock: &TcpStream) -> Option<std::os::fd::RawFd> {
    Some(std::os::fd::AsRawFd::as_raw_fd(sock))
}
#[cfg(not(unix))]
fn raw_fd(_sock: &TcpStream) -> Option<()> {
    None
}

/// Accumulated response bytes with a cursor at the next undecoded message.
#[derive(Debug, Default)]
pub struct ResponseBuf {
    data: Vec<u8>,
    pos: usize,
}

impl ResponseBuf {
    pub fn clear(&mut self) {
        self.data.clear();
        self.pos = 0;
    }
    /// Appends a payload; decoded bytes are dropped first once they are at
    /// least half the buffer, so each byte is moved at most once on average
    /// and a long response does not keep all of itself.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.pos > 0 && self.pos >= self.data.len() / 2 {
            self.data.drain(..self.pos);
            self.pos = 0;
        }
        self.data.extend_from_slice(bytes);
    }
    pub fn unread(&self) -> &[u8] {
        &self.data[self.pos..]
    }
    pub fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.data.len());
    }
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::ResponseBuf;

    #[test]
    fn decoded_bytes_are_dropped_once_they_are_half_the_buffer() {
        let mut b = ResponseBuf::default();
        b.push(&[1, 2, 3, 4]);
        b.advance(1);
        b.push(&[5]);
        assert_eq!((b.unread(), b.data.len()), (&[2, 3, 4, 5][..], 5));
        b.advance(2);
        b.push(&[6]);
        assert_eq!((b.unread(), b.data.len()), (&[4, 5, 6][..], 3));
        b.advance(3);
        assert!(b.is_empty());
        b.push(&[7]);
        assert_eq!((b.unread(), b.data.len()), (&[7][..], 1));
    }
}
