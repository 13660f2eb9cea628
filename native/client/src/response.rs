//! Reading one response: whole TTC messages from the accumulated DATA
//! payloads, with breaks and call timeouts handled while waiting.

use std::sync::Arc;
use std::time::Duration;

use oradb_protocol::buf::{DecodeError, Reader, Resume};
use oradb_protocol::codes;
use oradb_protocol::packet::marker;

use crate::conn::Control;
use crate::error::{Error, ErrorKind, Result};
use crate::transport::{Inbound, ResponseBuf, Transport};

/// Why a call ended early (for the error the caller sees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupted {
    No,
    Break,
    Timeout(u64),
}

/// Waits for and decodes messages until `handle` returns `Some`. `handle`
/// gets each message's type byte and a reader positioned after it; it must
/// leave the reader after the whole message, or return `NeedMore`. After
/// `NeedMore` the same message comes again once more bytes are in, with a
/// reader that keeps what the attempt before did (long values joined so
/// far, the handler's mark), so a value of many packets is not decoded
/// again from its start with each one.
pub async fn read<T>(
    t: &mut Transport,
    buf: &mut ResponseBuf,
    ctl: &Arc<Control>,
    timeout: Option<Duration>,
    mut handle: impl FnMut(u8, &mut Reader) -> std::result::Result<Option<T>, DecodeError>,
) -> Result<(T, Interrupted)> {
    let deadline = timeout.map(|d| tokio::time::Instant::now() + d);
    let mut why = Interrupted::No;
    let mut reset_done = false;
    // What the last attempt at the message in front got done before it ran
    // out of bytes; the next attempt (with more bytes) goes on from there.
    let mut resume = Resume::default();
    loop {
        while !buf.is_empty() {
            let mut r = Reader::resuming(buf.unread(), std::mem::take(&mut resume));
            let kind = r.u8().map_err(|e| Error::protocol(e.to_string()))?;
            match handle(kind, &mut r) {
                Ok(v) => {
                    let used = r.pos();
                    buf.advance(used);
                    if let Some(v) = v {
                        if why != Interrupted::No && !reset_done {
                            // Our break crossed the response: the server will
                            // still answer it; finish that exchange now.
                            settle_late_break(t).await?;
                        }
                        return Ok((v, why));
                    }
                }
                Err(DecodeError::NeedMore) => {
                    resume = r.take_resume();
                    break;
                }
                Err(DecodeError::Malformed(m)) => {
                    return Err(Error::protocol(format!(
                        "cannot decode the server's response: {m}"
                    )))
                }
            }
        }
        let waiting_break = why == Interrupted::No;
        let inbound = tokio::select! {
            r = t.recv() => r?,
            _ = ctl.kill.notified() => {
                return Err(Error::disconnected("it was closed by close({ force: true }) while a call was in progress"));
            }
            _ = ctl.break_now.notified(), if waiting_break => {
                tracing::debug!("break sent to the call in progress");
                why = Interrupted::Break;
                t.send_marker(marker::INTERRUPT).await?;
                continue;
            }
            _ = sleep_until(deadline), if waiting_break && deadline.is_some() => {
                tracing::debug!("call timeout reached: break sent");
                why = Interrupted::Timeout(timeout.map_or(0, |d| d.as_millis() as u64));
                t.send_marker(marker::INTERRUPT).await?;
                continue;
            }
        };
        match inbound {
            Inbound::Data { payload, .. } => buf.push(&payload),
            Inbound::Marker(k) if k == marker::BREAK => {
                // The server stopped the call: reset, drop what was in flight, read on.
                t.send_marker(marker::RESET).await?;
                loop {
                    match t.recv().await? {
                        Inbound::Marker(m) if m == marker::RESET => break,
                        _ => {}
                    }
                }
                buf.clear();
                resume = Resume::default();
                reset_done = true;
            }
            Inbound::Marker(_) => {}
            Inbound::Other(p) => {
                return Err(Error::protocol(format!(
                    "unexpected packet type {} in a response",
                    p.kind
                )))
            }
        }
    }
}

/// Waits briefly for the server's BREAK after a response that won the race
/// with our break, resets, and drops the ORA-01013 that follows.
async fn settle_late_break(t: &mut Transport) -> Result<()> {
    let wait = async {
        loop {
            match t.recv().await? {
                Inbound::Marker(k) if k == marker::BREAK => break,
                _ => {}
            }
        }
        t.send_marker(marker::RESET).await?;
        loop {
            if let Inbound::Marker(k) = t.recv().await? {
                if k == marker::RESET {
                    break;
                }
            }
        }
        // The ORA-01013 that closes the exchange.
        t.recv().await.map(|_| ())
    };
    match tokio::time::timeout(Duration::from_secs(1), wait).await {
        Ok(r) => r,
        Err(_) => Ok(()),
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// The error a caller sees for a database error after an interruption.
pub fn interrupted_error(e: Error, why: Interrupted) -> Error {
    match why {
        Interrupted::Timeout(ms) if e.errno() == 1013 => {
            Error::odb(ErrorKind::Cancelled, codes::CALL_TIMEOUT, format!("call timeout of {ms} ms exceeded (ORA-01013: user requested cancel of current operation)"))
        }
        _ => e,
    }
}
