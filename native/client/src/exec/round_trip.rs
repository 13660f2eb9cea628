//! One request and its response: sending, decoding every message until the call's
//! ERROR or STATUS, and what a failure leaves to release.

use super::*;

/// The messages any reply may carry besides its own: a warning and the server's SYNC
/// piggyback (what the call changed in the session: skipped) and the ERROR or STATUS that
/// ends it; `None` for any other message type.
pub(super) fn reply_end(
    kind: u8,
    r: &mut Reader,
    caps: &Caps,
) -> Option<Result<Option<ErrorMessage>, DecodeError>> {
    let warning = |r: &mut Reader| {
        r.ub2()?;
        let len = r.ub2()?;
        r.ub2()?;
        if len > 0 {
            r.skip_bytes()?;
        }
        Ok(None)
    };
    Some(match kind {
        msg::WARNING => warning(r),
        msg::SERVER_SIDE_PIGGYBACK => {
            oradb_protocol::ttc::session_sync::SessionSync::decode(r, caps).map(|_| None)
        }
        msg::ERROR => ErrorMessage::decode(r, caps).map(Some),
        msg::STATUS => {
            StatusMessage::decode(r, caps).map(|s| Some(ErrorMessage::success(0, 0, s.call_status)))
        }
        _ => return None,
    })
}

impl State {
    /// Sends `w` and decodes the response into `acc` until ERROR/STATUS.
    pub(super) async fn round_trip(
        &mut self,
        w: Writer,
        acc: &mut Acc,
        plan: &[ColumnDecode],
        kind: Kind,
        want_counts: bool,
        as_string: &[usize],
    ) -> Result<ErrorMessage> {
        if let Err(e) = self.t.send_request(&w.buf).await {
            self.dead = true;
            return Err(e);
        }
        self.buf.clear();
        self.error_cursor = 0;
        let caps = self.caps;
        acc.caps = caps;
        let timeout = self.timeout();
        let mut plan = plan.to_vec();
        let res = response::read(
            &mut self.t,
            &mut self.buf,
            &self.ctl,
            timeout,
            |k, r| match k {
                msg::DESCRIBE_INFO => {
                    let d = DescribeInfo::decode(r, &caps)?;
                    plan = plan_for(&d.columns, as_string, false, &[]);
                    acc.describe = Some(d);
                    Ok(None)
                }
                msg::ROW_HEADER => RowHeader::decode(r, &caps).map(|_| None),
                msg::BIT_VECTOR => {
                    acc.bits = Some(rows::BitVector::decode(r, plan.len())?);
                    Ok(None)
                }
                msg::ROW_DATA => {
                    match kind {
                        Kind::PlSql => {
                            let mut outs = Vec::with_capacity(acc.io_dirs.len());
                            let mut opened = Vec::new();
                            for (p, d) in acc.io_dirs.iter().enumerate() {
                                if *d == rows::dir::IN {
                                    continue;
                                }
                                if acc.bind_arrays.get(p).copied().unwrap_or(false) {
                                    outs.push(arrays::read_out(r)?);
                                    continue;
                                }
                                let ty = acc.bind_types.get(p).copied().unwrap_or(0);
                                outs.push(match ty {
                                    ora_type::CLOB | ora_type::BLOB => lob::read_out_locator(r)?,
                                    ora_type::JSON => read_json_out(r)?,
                                    ora_type::OBJECT => read_object_out(r)?,
                                    ora_type::CURSOR => {
                                        let (info, id) = rows::read_out_cursor(r, &caps)?;
                                        // Id 0: the block never opened it (a NULL cursor).
                                        (id != 0).then(|| {
                                            opened.push((u32::from(id), info.columns));
                                            u32::from(id).to_le_bytes().to_vec()
                                        })
                                    }
                                    _ => rows::read_out_bind(r)?,
                                });
                            }
                            match acc.many_outs.as_mut() {
                                Some(rows) => rows.push(outs),
                                None => acc.outs = outs,
                            }
                            acc.ref_cursors = opened;
                        }
                        Kind::Dml => {
                            // Per RETURNING bind: a count, then that many values;
                            // a LOB bind's values are locators.
                            let mut row = Vec::with_capacity(acc.returning_types.len());
                            for (k, ty) in acc.returning_types.iter().enumerate() {
                                let n = r.ub4()? as usize;
                                let mut vals = Vec::with_capacity(n.min(r.remaining()));
                                for _ in 0..n {
                                    vals.push(match *ty {
                                        ora_type::CLOB | ora_type::BLOB => {
                                            lob::read_out_locator(r)?
                                        }
                                        ora_type::JSON => read_json_out(r)?,
                                        _ => {
                                            let (v, whole) = rows::read_out_bind_len(r)?;
                                            if whole > 0 && acc.returning_cut.is_none() {
                                                let got = v.as_ref().map_or(0, Vec::len);
                                                acc.returning_cut = Some((k, got, whole));
                                            }
                                            v
                                        }
                                    });
                                }
                                row.push(vals);
                            }
                            acc.returning.push(row);
                        }
                        _ => decode_row(r, &plan, acc)?,
                    }
                    Ok(None)
                }
                msg::IO_VECTOR => {
                    acc.io_dirs = IoVector::decode(r, &caps)?.directions;
                    Ok(None)
                }
                msg::IMPLICIT_RESULTSET => {
                    let m = oradb_protocol::ttc::implicit::ImplicitResults::decode(r, &caps)?;
                    acc.implicit.extend(
                        m.results
                            .into_iter()
                            .map(|x| (u32::from(x.cursor_id), x.describe.columns)),
                    );
                    Ok(None)
                }
                msg::PARAMETER => {
                    acc.row_counts = Some(DmlRowCounts::decode(r, &caps, want_counts)?.counts);
                    Ok(None)
                }
                other => reply_end(other, r, &caps).unwrap_or_else(|| {
                    Err(DecodeError::Malformed(format!(
                        "unexpected message type {other}"
                    )))
                }),
            },
        )
        .await;
        self.hold_lobs(&mut acc.rows);
        let (m, why) = self.settle(res)?;
        self.adopt_nested(u32::from(m.cursor_id), acc);
        if why != Interrupted::No && m.error_num == 0 {
            // The call finished before the break took effect.
            return Ok(m);
        }
        if m.error_num != 0
            && m.error_num != 1403
            && (m.error_num != 24381 || m.batch_errors.is_empty())
        {
            self.error_cursor = u32::from(m.cursor_id);
            let e = Error::ora(
                m.error_num,
                m.message.as_deref().unwrap_or(""),
                m.error_pos.max(0) as u32,
            );
            return Err(response::interrupted_error(e, why));
        }
        Ok(m)
    }

    /// What every reply leaves on the session: a transport or protocol failure
    /// that killed it marks it dead, and the ERROR/STATUS that ended the reply
    /// says whether a transaction is open.
    pub(super) fn settle(
        &mut self,
        res: Result<(ErrorMessage, Interrupted)>,
    ) -> Result<(ErrorMessage, Interrupted)> {
        let (m, why) = res.inspect_err(|e| {
            if e.is_session_dead() {
                self.dead = true;
            }
        })?;
        self.in_txn = m.call_status & oradb_protocol::ttc::error::CALL_STATUS_TXN != 0;
        self.ctl
            .in_txn
            .store(self.in_txn, std::sync::atomic::Ordering::Relaxed);
        Ok((m, why))
    }

    /// A first execute (or executemany) failed after the server opened a
    /// cursor for it: nobody will use that cursor, so it closes with the
    /// next call, as Oracle's clients do. Without this each failed call
    /// left a cursor open until ORA-01000.
    pub(super) fn release_failed(&mut self, e: Error) -> Error {
        let c = std::mem::take(&mut self.error_cursor);
        if c != 0 && !self.pending_close.contains(&c) {
            self.pending_close.push(c);
        }
        e
    }
}

/// A JSON OUT value: its image (or NULL), then the indicator.
fn read_json_out(r: &mut Reader) -> oradb_protocol::buf::DecodeResult<Option<Vec<u8>>> {
    let v = oradb_protocol::ttc::json::read_value(r)?;
    r.sb4()?;
    Ok(v)
}

/// An object OUT bind: its wire value whole (as a row carries it), then
/// the indicator.
fn read_object_out(r: &mut Reader) -> oradb_protocol::buf::DecodeResult<Option<Vec<u8>>> {
    let v = oradb_protocol::value::pickle::ObjectValue::decode(r)?;
    r.sb4()?;
    let mut w = oradb_protocol::buf::Writer::new();
    v.encode(&mut w);
    Ok(Some(w.into_inner()))
}
