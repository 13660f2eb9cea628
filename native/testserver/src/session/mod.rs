//! One client session: CONNECT, then the TTC conversation (protocol and data
//! type negotiation, O5LOGON, calls) until LOGOFF or disconnect.

mod bfile;
mod calls;
mod cursor;
mod drcp_oci;
mod exec;
mod fetch_rows;
mod framing;
mod lob;
mod login;
mod nested;
mod objects;
mod password;
mod refcursor;
mod respond;
mod returning;
mod row_number;
mod session_sync;
mod vector;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use oradb_protocol::buf::Writer as TtcWriter;
use oradb_protocol::packet::{marker, PacketDecoder};
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::Caps;
/// A client socket: plain TCP or TLS around it.
pub trait SocketIo: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> SocketIo for T {}
pub type Socket = Box<dyn SocketIo>;
use tokio::sync::mpsc;

use crate::handshake::{self, ConnectInfo};
use crate::server::Shared;
use crate::transport::{self, BreakState, Fragment, Incoming, ReaderConfig, Writer};
use cursor::Cursors;

/// Per-connection state shared by the login and call phases.
pub(crate) struct Conn {
    pub shared: Arc<Shared>,
    pub info: ConnectInfo,
    pub caps: Caps,
    pub w: Writer,
    pub rx: mpsc::Receiver<Incoming>,
    pub breaks: Arc<BreakState>,
    /// SID of the session attached now (a DRCP connection may change it).
    pub sid: u32,
    /// The same SID for the registry guard, which outlives a failed task.
    sid_cell: Arc<AtomicU32>,
    /// Set for `(SERVER=POOLED)` connections: whose pooled session this is.
    pub drcp: Option<DrcpConn>,
    /// The cursor the current call runs on (0 when none yet): the ORA-01013
    /// that ends a break names it, as Oracle's does, so the client can
    /// close a cursor the interrupted call opened.
    pub call_cursor: u16,
    /// The running call's sequence number and the session's call status when it began: the
    /// ORA-01013 that ends a broken call carries them, as every call's last ERROR does (OCI
    /// re-sends the call when the number does not match it).
    pub call_seq: u8,
    pub call_status: u32,
    /// The request being received (kept here, not in a future that a kill
    /// may drop half-way).
    partial: Vec<u8>,
    /// What judging `partial` learned so far (see `framing::Progress`).
    judged: framing::Progress,
    /// Bytes of the request in progress once it went over `max_request`.
    dropped: usize,
    /// The client marks each request's last packet (END_OF_REQUEST).
    marks_end: bool,
    /// The logon's keys, which seal a later change of password (never logged).
    pub auth: Option<oradb_protocol::o5logon::ServerSession>,
    /// Sent in front of the next answer (see `drcp_oci`).
    pub announce: Option<oradb_protocol::ttc::session_return::SessionReturn>,
    /// The session whose current schema and edition answers report when a
    /// call changed them (see `session_sync`), and what the client was told.
    pub sync: Option<session_sync::Synced>,
}

/// A request assembled from DATA packets.
enum Framed {
    Request(Vec<u8>),
    /// Over `max_request` bytes (this many), read and thrown away.
    TooLarge(usize),
}

/// The DRCP identity of a pooled connection.
pub(crate) struct DrcpConn {
    pub user: String,
    pub cclass: String,
    /// The DRCP pool's epoch when the connection attached (see `drcp::Pool::park`).
    pub epoch: u64,
}

/// Why the conversation ended.
pub(crate) enum End {
    /// LOGOFF, EOF or socket end: normal.
    Closed,
    Failed(String),
}

/// `tls`: the socket came from the TCPS listener.
pub async fn serve(mut sock: Socket, shared: Arc<Shared>, tls: bool) -> Result<(), String> {
    // Subscribed first, so a drop_all from now on reaches this connection.
    let mut dropped = shared.faults.drop_signal();
    let mut dec = PacketDecoder::new();
    let refuse = shared.faults.refusing();
    let (info, crypto) =
        handshake::accept_connect(&mut sock, &mut dec, &shared.config, refuse, tls).await?;
    // Routed to a shard: that shard's database, sessions and pool from here on.
    let shared = match info.shard.and_then(|i| shared.shards.get(i)) {
        Some(s) => s.clone(),
        None => shared,
    };
    let crypto = crypto.map(|c| Arc::new(std::sync::Mutex::new(c)));
    let (read, write) = tokio::io::split(sock);
    let mut w = Writer::new(Box::new(write), shared.config.io_timeout);
    w.large = true;
    w.sdu = info.sdu;
    w.crypto = crypto.clone();
    let (tx, rx) = mpsc::channel(4);
    let breaks = Arc::new(BreakState::default());
    let reader_cfg = ReaderConfig {
        io_timeout: shared.config.io_timeout,
        crypto,
    };
    let reader = tokio::spawn(transport::run_reader(
        Box::new(read),
        dec,
        reader_cfg,
        tx,
        breaks.clone(),
    ));
    let sid = shared.next_sid();
    let sid_cell = Arc::new(AtomicU32::new(sid));
    let _registered = Registered(shared.clone(), sid_cell.clone());
    let mut conn = Conn {
        shared,
        info,
        caps: Caps::default(),
        w,
        rx,
        breaks,
        sid,
        sid_cell,
        drcp: None,
        call_cursor: 0,
        call_seq: 0,
        call_status: 0,
        partial: Vec::new(),
        judged: framing::Progress::default(),
        dropped: 0,
        marks_end: false,
        auth: None,
        announce: None,
        sync: None,
    };
    let conversation = async {
        match login::login(&mut conn).await {
            Ok(Some(session)) => calls::run(&mut conn, session).await,
            Ok(None) => End::Closed,
            Err(e) => End::Failed(e),
        }
    };
    // Fault injection's drop_all cuts the conversation wherever it is; the
    // engine session is dropped with it, which rolls its transaction back.
    let end = tokio::select! {
        end = conversation => end,
        _ = dropped.changed() => End::Failed("dropped by fault injection".into()),
    };
    reader.abort();
    conn.w.shutdown().await;
    match end {
        End::Closed => Ok(()),
        End::Failed(e) => Err(e),
    }
}

/// Takes the session out of the server registry (V$SESSION) however the
/// connection ends, including a failed logon after registration.
struct Registered(Arc<Shared>, Arc<AtomicU32>);

impl Drop for Registered {
    fn drop(&mut self) {
        self.0.registry.remove(self.1.load(Ordering::Relaxed));
    }
}

impl Conn {
    pub fn set_sid(&mut self, sid: u32) {
        self.sid = sid;
        self.sid_cell.store(sid, Ordering::Relaxed);
    }

    /// Next complete request, answering stray markers, and requests over the
    /// size limit with ORA-03146 (`call_status` says whether a transaction
    /// is open); `None` when the client left.
    pub async fn next_request(&mut self, call_status: u32) -> Result<Option<Vec<u8>>, String> {
        self.next_framed(call_status, None).await
    }

    /// [`Self::next_request`] once cursors exist: their bind metadata tells
    /// where a re-execute's bind rows end.
    pub async fn next_call(
        &mut self,
        call_status: u32,
        cursors: &Cursors,
    ) -> Result<Option<Vec<u8>>, String> {
        self.next_framed(call_status, Some(cursors)).await
    }

    async fn next_framed(
        &mut self,
        call_status: u32,
        cursors: Option<&Cursors>,
    ) -> Result<Option<Vec<u8>>, String> {
        loop {
            let got = if self.partial.is_empty() && self.dropped == 0 {
                self.rx.recv().await
            } else {
                tokio::time::timeout(self.shared.config.io_timeout, self.rx.recv())
                    .await
                    .map_err(|_| "timed out in the middle of a request".to_string())?
            };
            match got {
                Some(Incoming::Data(f)) => match self.frame(f, cursors) {
                    Some(Framed::Request(r)) => return Ok(Some(r)),
                    Some(Framed::TooLarge(n)) => {
                        let limit = self.shared.config.max_request;
                        let text = format!("ORA-03146: invalid buffer length for TTC field: a request of {n} bytes is over this server's limit of {limit} bytes");
                        let mut e = ErrorMessage::error(3146, &text, 0, 0);
                        e.call_status = call_status;
                        self.send_msg(|w, caps| e.encode(w, caps)).await?;
                    }
                    None => {}
                },
                Some(Incoming::Marker(k)) if k == marker::BREAK || k == marker::INTERRUPT => {
                    // A break while idle: finish the reset dance and report the cancel.
                    self.breaks.take();
                    self.break_exchange(0).await?;
                }
                Some(Incoming::Marker(_)) => {}
                Some(Incoming::Eof) | None => return Ok(None),
                Some(Incoming::Failed(e)) => return Err(e),
            }
        }
    }

    /// Adds one DATA payload to the request in progress; the request when
    /// this packet ends it (see `framing` for how that is decided).
    fn frame(&mut self, f: Fragment, cursors: Option<&Cursors>) -> Option<Framed> {
        self.marks_end |= f.marked_end;
        let limit = self.shared.config.max_request;
        if self.dropped > 0 || self.partial.len() + f.payload.len() > limit {
            // Read on to the request's end without keeping it.
            self.dropped += std::mem::take(&mut self.partial).len() + f.payload.len();
        } else {
            self.partial.extend_from_slice(&f.payload);
        }
        let sdu = self.info.sdu;
        let end = if self.marks_end {
            f.marked_end
        } else if self.dropped > 0 || !self.rx.is_empty() {
            // More packets already queued: this one ends the request only
            // if clearly short (a one-way call followed by the next one).
            // Not judging then also keeps a long request linear to frame.
            framing::request_ends(framing::Verdict::Cut, f.packet_len, sdu)
        } else {
            let v = framing::judge(&self.partial, &self.caps, cursors, &mut self.judged);
            framing::request_ends(v, f.packet_len, sdu)
        };
        if !end {
            return None;
        }
        self.judged.reset();
        if self.dropped > 0 {
            return Some(Framed::TooLarge(std::mem::take(&mut self.dropped)));
        }
        (!self.partial.is_empty()).then(|| Framed::Request(std::mem::take(&mut self.partial)))
    }

    /// Server side of a break: BREAK, wait for the client's RESET (dropping
    /// whatever else arrives), RESET, then ORA-01013.
    pub async fn break_exchange(&mut self, cursor_id: u16) -> Result<(), String> {
        self.w
            .marker(marker::BREAK)
            .await
            .map_err(|e| e.to_string())?;
        let wait = async {
            loop {
                match self.rx.recv().await {
                    Some(Incoming::Marker(marker::RESET)) => return Ok(()),
                    Some(Incoming::Marker(_)) | Some(Incoming::Data(_)) => {}
                    Some(Incoming::Eof) | None => {
                        return Err("client left during a break".to_string())
                    }
                    Some(Incoming::Failed(e)) => return Err(e),
                }
            }
        };
        tokio::time::timeout(self.shared.config.io_timeout, wait)
            .await
            .map_err(|_| "no RESET after a break".to_string())??;
        self.breaks.take();
        // Whatever part of a request came before the break is void.
        self.partial.clear();
        self.judged.reset();
        self.dropped = 0;
        // Native network encryption: both ends restart their cipher and
        // checksum streams once the markers are exchanged.
        self.w.reset_crypto().map_err(|e| e.to_string())?;
        self.w
            .marker(marker::RESET)
            .await
            .map_err(|e| e.to_string())?;
        let msg = ErrorMessage::error(
            1013,
            "ORA-01013: user requested cancel of current operation",
            cursor_id,
            0,
        )
        .in_call(self.call_status, self.call_seq);
        let mut w = TtcWriter::with_capacity(128);
        msg.encode(&mut w, &self.caps);
        self.w.data(&w.buf).await.map_err(|e| e.to_string())
    }

    /// Holds a FETCH answer while fault injection stalls this session; a
    /// break from the client, or the client leaving, ends the wait.
    pub async fn wait_while_stalled(&mut self) {
        while self.shared.faults.is_stalled(self.sid)
            && !self.breaks.pending()
            && !self.rx.is_closed()
        {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Encodes one response with `f` and sends it.
    pub async fn send_msg(&mut self, f: impl FnOnce(&mut TtcWriter, &Caps)) -> Result<(), String> {
        let mut w = TtcWriter::with_capacity(256);
        f(&mut w, &self.caps);
        self.send_data(&w.buf).await
    }

    /// Sends a response, unless the client broke the call meanwhile: then
    /// the response is dropped and the break exchange ends it with ORA-01013.
    pub async fn send_data(&mut self, payload: &[u8]) -> Result<(), String> {
        // A slow server still hears a break at once, as Oracle does during a
        // long call: clients give the break reset only their call timeout.
        let delay = self.shared.faults.delay();
        if !delay.is_zero() {
            let until = tokio::time::Instant::now() + delay;
            while tokio::time::Instant::now() < until && !self.breaks.pending() {
                let step = until.saturating_duration_since(tokio::time::Instant::now());
                tokio::time::sleep(step.min(std::time::Duration::from_millis(5))).await;
            }
        }
        if self.breaks.take() {
            return self.break_exchange(self.call_cursor).await;
        }
        let changed = self.sync.as_mut().and_then(session_sync::Synced::changes);
        if self.announce.is_some() || changed.is_some() {
            let mut w = TtcWriter::with_capacity(payload.len() + 64);
            if let Some(a) = self.announce.take() {
                a.encode(&mut w, &self.caps);
            }
            if let Some(c) = changed {
                c.encode(&mut w, &self.caps);
            }
            w.raw(payload);
            return self.w.data(&w.buf).await.map_err(|e| e.to_string());
        }
        self.w.data(payload).await.map_err(|e| e.to_string())
    }
}
