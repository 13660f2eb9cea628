//! LOB_OP calls (function 96) through a locator: create a temporary LOB,
//! length, chunk size, read, write, trim; and freeing, which rides on the
//! next call as a bulk-free piggyback, as Oracle's clients do.
//!
//! CLOB data crosses this API as UTF-8; on the wire it is UTF-16BE when the
//! locator says its character set is variable-width (as for an AL32UTF8
//! database) and offsets and amounts then count UTF-16 code units.

use oradb_protocol::ttc::function::FunctionHeader;
use oradb_protocol::ttc::lob::{self, op, LobOpReply, LobOpRequest, ReplyShape};

use super::*;

/// Locator byte flags (Oracle's layout, which the test server follows).
const FLAG1_OFFSET: usize = 4;
const FLAG1_BLOB: u8 = 0x01;
const FLAG3_OFFSET: usize = 6;
const FLAG3_VAR_LENGTH_CHARSET: u8 = 0x80;
/// What CREATE_TEMP sends as the locator to fill in.
const NEW_LOCATOR_LEN: usize = 40;
/// FILE_OPEN's mode: BFILEs open read-only.
const OPEN_READ_ONLY: u64 = 11;
/// The session duration, for CREATE_TEMP.
const DURATION_SESSION: u32 = 10;

/// A LOB read: the data (UTF-8 for a CLOB) and how many units (characters
/// or bytes) it covers, which can be one less than asked for a CLOB read
/// that would have cut a surrogate pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LobRead {
    pub data: Vec<u8>,
    pub units: u64,
}

fn is_text(locator: &[u8]) -> bool {
    locator
        .get(FLAG1_OFFSET)
        .is_some_and(|f| f & FLAG1_BLOB == 0)
}

fn is_utf16(locator: &[u8]) -> bool {
    is_text(locator)
        && locator
            .get(FLAG3_OFFSET)
            .is_some_and(|f| f & FLAG3_VAR_LENGTH_CHARSET != 0)
}

fn bad_data(what: &str) -> Error {
    Error::protocol(format!("invalid CLOB data from the server: {what}"))
}

/// UTF-16BE units to UTF-8, keeping back a trailing high surrogate (its
/// pair is in the next read). Returns the text and the units used.
fn utf16_to_utf8(b: &[u8]) -> Result<(Vec<u8>, u64)> {
    if !b.len().is_multiple_of(2) {
        return Err(bad_data("an odd number of UTF-16 bytes"));
    }
    let mut units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    if units.last().is_some_and(|u| (0xD800..0xDC00).contains(u)) && units.len() > 1 {
        units.pop();
    }
    let n = units.len() as u64;
    let s = String::from_utf16(&units).map_err(|_| bad_data("a lone UTF-16 surrogate"))?;
    Ok((s.into_bytes(), n))
}

/// Unpacks what [`read_out_locator`] packs.
pub(super) fn unpack_out_locator(b: &[u8]) -> Option<(Vec<u8>, u64, u32)> {
    if b.len() < 12 {
        return None;
    }
    let size = u64::from_le_bytes(b[..8].try_into().ok()?);
    let chunk = u32::from_le_bytes(b[8..12].try_into().ok()?);
    Some((b[12..].to_vec(), size, chunk))
}

/// A LOB OUT bind: the locator value, then the indicator. Packed into one
/// byte string (size, chunk size, locator) to travel with the other OUTs.
pub(super) fn read_out_locator(
    r: &mut Reader,
) -> std::result::Result<Option<Vec<u8>>, DecodeError> {
    let v = lob::read_locator_value(r)?;
    let indicator = r.sb4()?;
    Ok(v.filter(|_| indicator >= 0).map(|(loc, size, chunk)| {
        let mut b = Vec::with_capacity(12 + loc.len());
        b.extend_from_slice(&size.to_le_bytes());
        b.extend_from_slice(&chunk.to_le_bytes());
        b.extend_from_slice(&loc);
        b
    }))
}

impl State {
    /// Notes the locators of values just decoded as held by the caller.
    pub(super) fn hold_lobs(&mut self, rows: &mut RowBuf) {
        self.held_lobs.extend(rows.locators.drain(..));
    }

    /// The queued frees as one bulk-free piggyback in front of a call.
    pub(super) fn free_lobs_piggyback(&mut self, w: &mut Writer) {
        if self.pending_free.is_empty() {
            return;
        }
        let source = std::mem::take(&mut self.pending_free).concat();
        let seq = self.next_seq();
        FunctionHeader::piggyback(func::LOB_OP, seq).encode(w, &self.caps);
        LobOpRequest {
            operation: op::FREE_TEMP | op::ARRAY,
            source: Some(source),
            ..Default::default()
        }
        .encode_body(w);
    }

    /// Queues the free of one LOB (no round trip: it goes with the next call).
    pub(crate) fn lob_free(&mut self, locator: &[u8]) {
        if self.held_lobs.remove(locator) && !self.dead {
            self.pending_free.push(locator.to_vec());
        }
    }

    /// Queues the free of every LOB the caller still holds: the session is
    /// being given up (closed, or back to a pool).
    pub(crate) fn lob_free_all(&mut self) {
        let held: Vec<Vec<u8>> = self.held_lobs.drain().collect();
        if !self.dead {
            self.pending_free.extend(held);
        }
    }

    /// One LOB_OP round trip. A locator the reply changes is held under its
    /// new bytes.
    async fn lob_op(&mut self, mut req: LobOpRequest) -> Result<LobOpReply> {
        let shape = ReplyShape::of(&req);
        let mut w = self.request();
        req.seq = self.next_seq();
        req.encode(&mut w, &self.caps);
        if let Err(e) = self.t.send_request(&w.buf).await {
            self.dead = true;
            return Err(e);
        }
        self.buf.clear();
        let caps = self.caps;
        let timeout = self.timeout();
        let mut data: Option<Vec<u8>> = None;
        let mut reply: Option<LobOpReply> = None;
        let res = response::read(
            &mut self.t,
            &mut self.buf,
            &self.ctl,
            timeout,
            |k, r| match k {
                msg::LOB_DATA => {
                    data = r.bytes()?;
                    Ok(None)
                }
                msg::PARAMETER => {
                    // The codec reads the PARAMETER message from its type byte.
                    r.set_pos(0);
                    reply = Some(LobOpReply::decode(r, &shape)?);
                    Ok(None)
                }
                other => super::round_trip::reply_end(other, r, &caps).unwrap_or_else(|| {
                    Err(DecodeError::Malformed(format!(
                        "unexpected message type {other} in a LOB_OP reply"
                    )))
                }),
            },
        )
        .await;
        let (m, why) = self.settle(res)?;
        if m.error_num != 0 {
            let e = Error::ora(m.error_num, m.message.as_deref().unwrap_or(""), 0);
            return Err(response::interrupted_error(e, why));
        }
        let mut reply =
            reply.ok_or_else(|| Error::protocol("a LOB_OP reply without its PARAMETER message"))?;
        if reply.data.is_none() {
            reply.data = data;
        }
        let old = req.source.as_deref().unwrap_or_default();
        if reply.locator != old && req.operation != op::CREATE_TEMP && self.held_lobs.remove(old) {
            self.held_lobs.insert(reply.locator.clone());
        }
        Ok(reply)
    }

    fn on(locator: &[u8], operation: u32) -> LobOpRequest {
        LobOpRequest {
            operation,
            source: Some(locator.to_vec()),
            ..Default::default()
        }
    }

    /// Creates a temporary LOB (`ora_type::CLOB` with `csfrm` 1 or 2, or
    /// `ora_type::BLOB`); its locator and chunk size.
    pub(crate) async fn lob_create_temp(&mut self, ty: u8, csfrm: u8) -> Result<(Vec<u8>, u32)> {
        if !matches!(ty, ora_type::CLOB | ora_type::BLOB) {
            return Err(Error::usage(
                codes::INVALID_ARGUMENT,
                format!("a temporary LOB is a CLOB or a BLOB, not Oracle type {ty}"),
            ));
        }
        let csfrm = if ty == ora_type::BLOB {
            1
        } else {
            csfrm.max(1)
        };
        let req = LobOpRequest {
            operation: op::CREATE_TEMP,
            source: Some(vec![0; NEW_LOCATOR_LEN]),
            dest_length: DURATION_SESSION,
            source_offset: u64::from(csfrm),
            dest_offset: u64::from(ty),
            charset: Some(if csfrm == 2 {
                lob::CHARSET_UTF16
            } else {
                lob::CHARSET_UTF8
            }),
            null_lob: true,
            ..Default::default()
        };
        let locator = self.lob_op(req).await?.locator;
        self.held_lobs.insert(locator.clone());
        let chunk = self.lob_chunk_size(&locator).await?;
        Ok((locator, chunk))
    }

    pub(crate) async fn lob_length(&mut self, locator: &[u8]) -> Result<u64> {
        let req = LobOpRequest {
            amount: Some(0),
            ..Self::on(locator, op::GET_LENGTH)
        };
        Ok(self.lob_op(req).await?.amount.unwrap_or(0).max(0) as u64)
    }

    pub(crate) async fn lob_chunk_size(&mut self, locator: &[u8]) -> Result<u32> {
        let req = LobOpRequest {
            amount: Some(0),
            ..Self::on(locator, op::GET_CHUNK_SIZE)
        };
        Ok(self.lob_op(req).await?.amount.unwrap_or(0).max(0) as u32)
    }

    /// Reads `amount` units from 1-based `offset`.
    pub(crate) async fn lob_read(
        &mut self,
        locator: &[u8],
        offset: u64,
        amount: u64,
    ) -> Result<LobRead> {
        let req = LobOpRequest {
            source_offset: offset,
            amount: Some(amount),
            ..Self::on(locator, op::READ)
        };
        let reply = self.lob_op(req).await?;
        let raw = reply.data.unwrap_or_default();
        if is_utf16(locator) {
            let (data, units) = utf16_to_utf8(&raw)?;
            return Ok(LobRead { data, units });
        }
        let units = if is_text(locator) {
            String::from_utf8_lossy(&raw).chars().count() as u64
        } else {
            raw.len() as u64
        };
        Ok(LobRead { data: raw, units })
    }

    /// FILE_EXISTS (`exists`) or FILE_ISOPEN of a BFILE.
    pub(crate) async fn bfile_flag(&mut self, locator: &[u8], exists: bool) -> Result<bool> {
        let operation = if exists {
            op::FILE_EXISTS
        } else {
            op::FILE_ISOPEN
        };
        let req = LobOpRequest {
            null_lob: true,
            ..Self::on(locator, operation)
        };
        Ok(self.lob_op(req).await?.flag.unwrap_or(false))
    }

    /// Reads bytes of a BFILE. Oracle reads only an open file: one not open
    /// yet is opened (read-only) for this read and closed after it, as
    /// Oracle's clients do.
    pub(crate) async fn bfile_read(
        &mut self,
        locator: &[u8],
        offset: u64,
        amount: u64,
    ) -> Result<LobRead> {
        let opened = !self.bfile_flag(locator, false).await?;
        if opened {
            let req = LobOpRequest {
                amount: Some(OPEN_READ_ONLY),
                ..Self::on(locator, op::FILE_OPEN)
            };
            self.lob_op(req).await?;
        }
        let req = LobOpRequest {
            source_offset: offset,
            amount: Some(amount),
            ..Self::on(locator, op::READ)
        };
        let read = self.lob_op(req).await;
        if opened {
            // Closed whatever the read gave: the read's error is the one to report.
            let closed = self.lob_op(Self::on(locator, op::FILE_CLOSE)).await;
            if read.is_ok() {
                closed?;
            }
        }
        let data = read?.data.unwrap_or_default();
        Ok(LobRead {
            units: data.len() as u64,
            data,
        })
    }

    /// Writes `data` (UTF-8 for a CLOB) at 1-based `offset`; the locator
    /// as the server returns it.
    pub(crate) async fn lob_write(
        &mut self,
        locator: &[u8],
        offset: u64,
        data: &[u8],
    ) -> Result<Vec<u8>> {
        let wire = if is_utf16(locator) {
            let s = std::str::from_utf8(data).map_err(|_| {
                Error::usage(codes::INVALID_ARGUMENT, "CLOB data to write is not UTF-8")
            })?;
            s.encode_utf16().flat_map(u16::to_be_bytes).collect()
        } else {
            data.to_vec()
        };
        let req = LobOpRequest {
            source_offset: offset,
            data: Some(wire),
            ..Self::on(locator, op::WRITE)
        };
        Ok(self.lob_op(req).await?.locator)
    }

    /// Cuts the LOB to `new_size` units; the locator as the server returns it.
    pub(crate) async fn lob_trim(&mut self, locator: &[u8], new_size: u64) -> Result<Vec<u8>> {
        let req = LobOpRequest {
            amount: Some(new_size),
            ..Self::on(locator, op::TRIM)
        };
        Ok(self.lob_op(req).await?.locator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_reads_keep_a_cut_surrogate_pair_for_the_next_read() {
        let units: Vec<u8> = "a😀".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(utf16_to_utf8(&units).unwrap(), ("a😀".into(), 3));
        // Cut after the high surrogate: it is left for the next read.
        assert_eq!(utf16_to_utf8(&units[..4]).unwrap(), (b"a".to_vec(), 1));
        assert!(utf16_to_utf8(&units[..3]).is_err());
        assert!(utf16_to_utf8(&units[4..]).is_err());
    }

    #[test]
    fn out_locators_pack_and_unpack() {
        let mut w = Writer::new();
        lob::write_locator_value(&mut w, Some((&[1, 2, 3], 70_000, 8132)));
        w.sb4(0);
        lob::write_locator_value(&mut w, None);
        w.sb4(-1);
        let mut r = Reader::new(&w.buf);
        let packed = read_out_locator(&mut r).unwrap().unwrap();
        assert_eq!(
            unpack_out_locator(&packed),
            Some((vec![1, 2, 3], 70_000, 8132))
        );
        assert_eq!(read_out_locator(&mut r).unwrap(), None);
        assert!(r.is_empty());
        assert_eq!(unpack_out_locator(&[0; 5]), None);
    }

    #[test]
    fn locator_flags_tell_text_from_bytes() {
        let mut l = vec![0u8; 40];
        assert!(is_text(&l) && !is_utf16(&l));
        l[6] = FLAG3_VAR_LENGTH_CHARSET;
        assert!(is_utf16(&l));
        l[4] = FLAG1_BLOB;
        assert!(!is_text(&l) && !is_utf16(&l));
        assert!(!is_text(&[]));
    }
}
