//! Socket side of a session: a reader task that turns packets into DATA
//! payloads and markers (and notices breaks while a call runs), and a writer that splits
//! responses into SDU-sized DATA packets. All waits that depend on the peer
//! are bounded by the I/O timeout, except waiting for the next request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oradb_protocol::ano::PacketCrypto;
use oradb_protocol::buf::DecodeError;
use oradb_protocol::packet::{self, data_flags, kind, marker, PacketDecoder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// The read half of a client socket (TCP or TLS).
pub type ReadHalf = Box<dyn tokio::io::AsyncRead + Send + Unpin>;
/// The write half of a client socket (TCP or TLS).
pub type WriteHalf = Box<dyn tokio::io::AsyncWrite + Send + Unpin>;
use tokio::sync::mpsc;

/// What the reader hands to the session loop.
#[derive(Debug)]
pub enum Incoming {
    /// The TTC bytes of one DATA packet; the session decides where a
    /// request ends (see `session::framing`).
    Data(Fragment),
    Marker(u8),
    /// The client closed (EOF packet or socket end).
    Eof,
    /// The connection is unusable (garbage, timeout).
    Failed(String),
}

/// One DATA packet's payload and what its packet says about the request's end.
#[derive(Debug)]
pub struct Fragment {
    pub payload: Vec<u8>,
    /// The packet carried the END_OF_REQUEST data flag.
    pub marked_end: bool,
    /// The packet's length, header included.
    pub packet_len: usize,
}

/// Set by the reader when the client sends a break; cancels the running call.
#[derive(Default)]
pub struct BreakState {
    pending: AtomicBool,
    on_break: Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
}

impl BreakState {
    pub fn set_handler(&self, f: Box<dyn Fn() + Send + Sync>) {
        if let Ok(mut g) = self.on_break.lock() {
            *g = Some(f);
        }
    }
    fn trigger(&self) {
        self.pending.store(true, Ordering::SeqCst);
        if let Ok(g) = self.on_break.lock() {
            if let Some(f) = g.as_ref() {
                f();
            }
        }
    }
    /// Whether a break arrived (without consuming it).
    pub fn pending(&self) -> bool {
        self.pending.load(Ordering::SeqCst)
    }
    pub fn take(&self) -> bool {
        self.pending.swap(false, Ordering::SeqCst)
    }
}

pub struct ReaderConfig {
    pub io_timeout: Duration,
    /// Native network encryption/integrity, shared with the writer.
    pub crypto: Option<SharedCrypto>,
}

/// One connection's packet protection: the reader decrypts, the writer
/// encrypts; each direction keeps its own order, so a lock suffices.
pub type SharedCrypto = Arc<Mutex<PacketCrypto>>;

/// Decrypts and checks one protected DATA payload. A failure ends the
/// connection: the checksum streams cannot resynchronise.
fn unprotect(crypto: &SharedCrypto, payload: &[u8]) -> Result<Vec<u8>, String> {
    let mut c = crypto
        .lock()
        .map_err(|_| "packet protection state poisoned".to_string())?;
    c.decrypt_and_verify(payload)
        .map_err(|e| format!("native network encryption: {e}"))
}

/// Reads packets until the socket ends, sending DATA payloads and markers to `tx`.
pub async fn run_reader(
    mut read: ReadHalf,
    mut decoder: PacketDecoder,
    cfg: ReaderConfig,
    tx: mpsc::Sender<Incoming>,
    breaks: Arc<BreakState>,
) {
    let outcome = read_loop(&mut read, &mut decoder, &cfg, &tx, &breaks).await;
    let last = match outcome {
        Ok(()) => Incoming::Eof,
        Err(e) => Incoming::Failed(e),
    };
    let _ = tx.send(last).await;
}

async fn read_loop(
    read: &mut ReadHalf,
    decoder: &mut PacketDecoder,
    cfg: &ReaderConfig,
    tx: &mpsc::Sender<Incoming>,
    breaks: &BreakState,
) -> Result<(), String> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        loop {
            let p = match decoder.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => break,
                Err(DecodeError::Malformed(m)) => return Err(m),
                Err(DecodeError::NeedMore) => break,
            };
            match p.kind {
                kind::DATA => {
                    let flags = p.data_flags();
                    if flags & data_flags::EOF != 0 {
                        return Ok(());
                    }
                    let payload = match &cfg.crypto {
                        Some(c) => unprotect(c, p.data_payload())?,
                        None => p.data_payload().to_vec(),
                    };
                    let f = Fragment {
                        payload,
                        marked_end: flags & data_flags::END_OF_REQUEST != 0,
                        packet_len: p.body.len() + packet::HEADER_LEN,
                    };
                    if tx.send(Incoming::Data(f)).await.is_err() {
                        return Ok(());
                    }
                }
                kind::MARKER => {
                    let k = marker::decode_body(&p.body).map_err(|e| e.to_string())?;
                    if k == marker::BREAK || k == marker::INTERRUPT {
                        breaks.trigger();
                    }
                    if tx.send(Incoming::Marker(k)).await.is_err() {
                        return Ok(());
                    }
                }
                other => tracing::debug!(kind = other, "ignoring packet"),
            }
        }
        // A request cut between packets is timed by the session, which
        // knows where requests end; a packet cut in the middle, here.
        let n = if decoder.buffered() > 0 {
            match tokio::time::timeout(cfg.io_timeout, read.read(&mut buf)).await {
                Ok(r) => r,
                Err(_) => return Err("timed out in the middle of a request".into()),
            }
        } else {
            read.read(&mut buf).await
        };
        match n {
            Ok(0) => return Ok(()),
            Ok(n) => decoder.feed(&buf[..n]),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// The write side: whole packets, bounded by the I/O timeout.
pub struct Writer {
    write: WriteHalf,
    pub large: bool,
    pub sdu: usize,
    timeout: Duration,
    out: Vec<u8>,
    /// Native network encryption/integrity of DATA payloads.
    pub crypto: Option<SharedCrypto>,
    /// Key folding to apply right after the next DATA payload is protected
    /// (the logon result): done under the lock the reader decrypts with, so
    /// the client's next packet is always read with the folded keys.
    pub fold_after_next: Option<Vec<u8>>,
}

impl Writer {
    pub fn new(write: WriteHalf, timeout: Duration) -> Self {
        Writer {
            write,
            large: false,
            sdu: 8192,
            timeout,
            out: Vec::new(),
            crypto: None,
            fold_after_next: None,
        }
    }

    async fn flush_out(&mut self) -> std::io::Result<()> {
        let res = tokio::time::timeout(self.timeout, self.write.write_all(&self.out)).await;
        self.out.clear();
        match res {
            Ok(r) => r,
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "write timed out",
            )),
        }
    }

    pub async fn packet(&mut self, kind: u8, body: &[u8]) -> std::io::Result<()> {
        packet::encode(&mut self.out, kind, 0, body, self.large);
        self.flush_out().await
    }

    pub async fn data(&mut self, payload: &[u8]) -> std::io::Result<()> {
        match self.crypto.clone() {
            Some(c) => self.protected_data(&c, payload)?,
            None => {
                self.fold_after_next = None;
                packet::encode_data(&mut self.out, payload, self.sdu, self.large, 0, 0)
            }
        }
        self.flush_out().await
    }

    /// DATA packets of SDU size at most, each payload protected on its own.
    fn protected_data(&mut self, crypto: &SharedCrypto, payload: &[u8]) -> std::io::Result<()> {
        let mut c = crypto
            .lock()
            .map_err(|_| std::io::Error::other("packet protection state poisoned"))?;
        let room = self.sdu.max(packet::HEADER_LEN + 64) - packet::HEADER_LEN - 2;
        let step = c.max_plain(room).max(1);
        let mut chunks: Vec<&[u8]> = payload.chunks(step).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        for chunk in chunks {
            let mut body = vec![0u8, 0];
            body.extend(c.encrypt_and_sign(chunk));
            packet::encode(&mut self.out, kind::DATA, 0, &body, self.large);
        }
        if let Some(key) = self.fold_after_next.take() {
            c.fold(&key)
                .map_err(|e| std::io::Error::other(format!("key folding: {e}")))?;
        }
        Ok(())
    }

    /// Whether the client folds its keys after logon by its announced
    /// native-services version (see `PacketCrypto::peer_folds_keys`).
    pub fn peer_folds_keys(&self) -> bool {
        self.crypto
            .as_ref()
            .and_then(|c| c.lock().ok().map(|c| c.peer_folds_keys()))
            .unwrap_or(false)
    }

    /// Restarts the packet protection streams (after a break's markers).
    pub fn reset_crypto(&mut self) -> std::io::Result<()> {
        if let Some(c) = &self.crypto {
            let mut c = c
                .lock()
                .map_err(|_| std::io::Error::other("packet protection state poisoned"))?;
            c.after_break();
        }
        Ok(())
    }

    pub async fn marker(&mut self, k: u8) -> std::io::Result<()> {
        self.packet(kind::MARKER, &marker::encode_body(k)).await
    }

    pub async fn shutdown(&mut self) {
        let _ = tokio::time::timeout(self.timeout, self.write.shutdown()).await;
    }
}
