//! executeMany, the calls without a statement (commit, rollback, ping), DRCP
//! release, and closing.

use super::*;

impl State {
    pub(crate) async fn execute_many(
        &mut self,
        sql_text: &str,
        binds: Binds,
        opts: ExecManyOptions,
    ) -> Result<ExecManyResult> {
        let scan = self.scans.get(sql_text);
        if (opts.batch_errors || opts.dml_row_counts) && scan.kind != Kind::Dml {
            return Err(crate::Error::usage(
                oradb_protocol::codes::INVALID_OPTION,
                oradb_protocol::codes::DML_ONLY_MANY_OPTIONS,
            ));
        }
        if binds.rows.is_empty() {
            return Ok(ExecManyResult::default());
        }
        let (metas, value_metas, mut rows, kinds) = self.bind_parts(&scan, &binds)?;
        let mut acc = Acc::default();
        let kind = many_out::prepare(&mut acc, &scan, &binds, &metas, &kinds);
        let mut first = None;
        if kind == Kind::PlSql && rows.len() > 1 {
            // As Oracle's clients do: the first iteration alone, so the server
            // settles which binds are IN and which OUT; the rest on its cursor.
            let rest = rows.split_off(1);
            first = Some(
                self.many_first(sql_text, &metas, &value_metas, rows, &mut acc)
                    .await?,
            );
            rows = rest;
        }
        let cursor = first.as_ref().map_or(0, |m| u32::from(m.cursor_id));
        let mut o = options::EXECUTE | options::BIND;
        if cursor == 0 {
            o |= options::PARSE;
        }
        o |= if scan.kind == Kind::PlSql {
            options::PLSQL_BIND
        } else {
            options::NOT_PLSQL
        };
        if opts.auto_commit {
            o |= options::COMMIT;
        }
        if opts.batch_errors {
            o |= options::BATCH_ERRORS;
        }
        let mut al8i4 = [0u32; 13];
        al8i4[0] = u32::from(cursor == 0);
        al8i4[1] = rows.len() as u32;
        if opts.dml_row_counts {
            al8i4[9] |= exec_flags::DML_ROWCOUNTS;
        }
        let n = rows.len() as u32;
        let mut w = self.request();
        let seq = self.next_seq();
        ExecuteRequest {
            seq,
            options: o,
            cursor_id: cursor,
            sql: (cursor == 0).then(|| sql_text.to_string()),
            al8i4,
            binds: metas,
            iterations: n,
            dml_row_counts: opts.dml_row_counts,
            rows,
            ..Default::default()
        }
        .encode(&mut w, &self.caps, &value_metas, scan.kind == Kind::PlSql);
        let mut m = match self
            .round_trip(w, &mut acc, &[], kind, opts.dml_row_counts, &[])
            .await
        {
            Ok(m) => m,
            Err(e) => return Err(self.release_failed(e)),
        };
        if let Some(f) = &first {
            m.row_count += f.row_count;
            if m.cursor_id == 0 {
                m.cursor_id = f.cursor_id;
            }
        }
        if m.cursor_id != 0 {
            self.pending_close.push(m.cursor_id as u32);
        }
        let batch_errors = opts.batch_errors.then(|| {
            m.batch_errors
                .iter()
                .map(|b| BatchErr {
                    offset: b.offset,
                    code: format!("ORA-{:05}", b.code),
                    message: b.message.clone(),
                })
                .collect()
        });
        let out_binds = match kind {
            Kind::Other => None,
            _ => Some(self.many_out_binds(kind, &scan, &kinds, binds.specs.len(), &mut acc)?),
        };
        Ok(ExecManyResult {
            rows_affected: m.row_count,
            out_binds,
            dml_row_counts: acc.row_counts.filter(|_| opts.dml_row_counts),
            batch_errors,
        })
    }

    pub(crate) async fn simple(&mut self, code: u8) -> Result<()> {
        let mut w = self.request();
        let seq = self.next_seq();
        SimpleCall { code, seq }.encode(&mut w, &self.caps);
        let mut acc = Acc::default();
        self.round_trip(w, &mut acc, &[], Kind::Other, false, &[])
            .await
            .map(|_| ())
    }

    /// DRCP: gives the session back to the server's pool (one-way, no
    /// answer); the next call attaches one of the same class again. Queued
    /// cursor closes wait for that call, as the server may change session.
    pub(crate) async fn session_release(&mut self) -> Result<()> {
        if self.dead {
            return Ok(());
        }
        let mut w = Writer::with_capacity(32);
        let seq = self.next_seq();
        oradb_protocol::ttc::piggyback::SessionRelease { mode: 0 }.encode(&mut w, &self.caps, seq);
        if let Err(e) = self.t.send_request(&w.buf).await {
            self.dead = true;
            return Err(e);
        }
        Ok(())
    }

    /// Gives the session up without a logoff (see `Connection::force_close`).
    pub(crate) async fn abandon(&mut self) {
        self.closed_by_user = true;
        if !self.dead {
            self.dead = true;
            // Bounded: a peer that stopped reading must not hold us here.
            let _ =
                tokio::time::timeout(Duration::from_millis(200), self.t.send_eof_and_close()).await;
        }
    }

    pub(crate) async fn close(&mut self) -> Result<()> {
        // A connection that died already has nothing left to release.
        let was_dead = self.dead;
        self.closed_by_user = true;
        if was_dead {
            return Ok(());
        }
        // LOBs the caller never closed are freed with the logoff.
        self.lob_free_all();
        if self.in_txn {
            let _ = self.simple(func::ROLLBACK).await;
        }
        let r = self.simple(func::LOGOFF).await;
        self.t.send_eof_and_close().await;
        self.dead = true;
        r
    }
}
