//! Queries after their first execute: cached re-executes, LOB defines, fetches and
//! the read-ahead that overlaps them with the caller's decoding.

use super::*;

impl State {
    /// Fetches the next batch of an open cursor while the caller is still
    /// decoding the previous one; the next `fetch` returns it at once.
    pub(crate) async fn read_ahead(&mut self, cursor_id: u32, n: u32) {
        if self.dead
            || !self.cursors.contains_key(&cursor_id)
            || self.ahead.contains_key(&cursor_id)
        {
            return;
        }
        let r = self.fetch(cursor_id, n).await;
        self.ahead.insert(cursor_id, r);
    }

    /// Runs a cached statement again: no SQL text, no describe.
    pub(super) async fn reexecute(
        &mut self,
        again: Again<'_>,
        value_metas: &[ColumnMeta],
        rows: Vec<Vec<Option<Vec<u8>>>>,
        opts: &ExecOptions,
    ) -> Result<ExecResult> {
        let query = again.kind == Kind::Query;
        let mut describe = again.describe.unwrap_or_default();
        let mut plan = plan_for(&describe, &opts.fetch_as_string, false, &opts.fetch_lobs);
        let mut w = self.request();
        let seq = self.next_seq();
        let req = ReexecuteRequest {
            function: if query {
                func::REEXECUTE_AND_FETCH
            } else {
                func::REEXECUTE
            },
            seq,
            cursor_id: again.cursor_id,
            iterations: if query {
                again.prefetch
            } else {
                again.rows_in as u32
            },
            options1: if query { options::EXECUTE } else { 0 },
            options2: u32::from(opts.auto_commit && !query),
            rows,
        };
        req.encode(&mut w, &self.caps, value_metas, false);
        let mut acc = Acc::default();
        let m = match self
            .round_trip(w, &mut acc, &plan, again.kind, false, &opts.fetch_as_string)
            .await
        {
            Ok(m) => m,
            Err(e) => {
                // The cursor may be unusable now; parse afresh next time.
                if let Some(c) = self.cache.forget(again.sql) {
                    self.pending_close.push(c);
                }
                return Err(e);
            }
        };
        if !query {
            self.cache.release(again.cursor_id);
            return Ok(ExecResult {
                rows_affected: m.row_count,
                ..Default::default()
            });
        }
        if let Some(d) = acc.describe.take() {
            // DDL changed the select list under the cached cursor and the server described it
            // again (the rows of this response were already decoded with it): keep that shape.
            describe = d.columns;
            plan = plan_for(&describe, &opts.fetch_as_string, false, &opts.fetch_lobs);
            self.cache.redescribe(again.cursor_id, describe.clone());
        }
        let done = m.error_num == 1403;
        if done {
            self.cache.release(again.cursor_id);
        } else {
            self.cursors.insert(again.cursor_id, plan);
            if let Some(c) = acc.take_carry() {
                self.carry.insert(again.cursor_id, c);
            }
        }
        let columns = columns_of(&describe);
        Ok(ExecResult {
            cursor_id: if done { 0 } else { again.cursor_id },
            columns: Some(columns),
            rows: Some(Fetched {
                rows: acc.rows,
                done,
            }),
            rows_affected: m.row_count,
            ..Default::default()
        })
    }

    pub(super) async fn finish_query(
        &mut self,
        cursor_id: u32,
        mut acc: Acc,
        m: ErrorMessage,
        opts: &ExecOptions,
        prefetch: u32,
        cache: Option<(&str, Vec<ColumnMeta>)>,
    ) -> Result<ExecResult> {
        let describe = acc.describe.take().unwrap_or_default();
        let has_lob = describe
            .columns
            .iter()
            .any(|c| matches!(c.ora_type, ora_type::CLOB | ora_type::BLOB));
        let plan = plan_for(
            &describe.columns,
            &opts.fetch_as_string,
            has_lob,
            &opts.fetch_lobs,
        );
        let columns = columns_of(&describe.columns);
        let mut done = m.error_num == 1403;
        let carry = acc.take_carry();
        let mut rows = acc.rows;
        if has_lob && rows.rows == 0 && !done && !opts.defer_lobs {
            let first = match self
                .define_lobs(cursor_id, &describe.columns, &opts.fetch_lobs)
                .await
            {
                Ok(()) => self.fetch_plan(cursor_id, prefetch, &plan).await,
                Err(e) => Err(e),
            };
            match first {
                Ok(f) => {
                    rows = f.rows;
                    done = f.done;
                }
                Err(e) => {
                    // Nobody holds this cursor yet: release it with the next call.
                    self.carry.remove(&cursor_id);
                    self.pending_close.push(cursor_id);
                    return Err(e);
                }
            }
        }
        // Nested cursors close when their parent runs again: not cached.
        let has_cursor = describe
            .columns
            .iter()
            .any(|c| c.ora_type == ora_type::CURSOR);
        match cache {
            // LOB queries keep their define round trip: not cached.
            Some((sql, metas)) if !has_lob && !has_cursor => {
                let close =
                    self.cache
                        .put(sql, cursor_id, metas, Some(describe.columns.clone()), !done);
                self.close_all(close);
            }
            _ if done => self.close_or_hold(cursor_id),
            _ => {}
        }
        if !done {
            self.cursors.insert(cursor_id, plan);
            if let Some(c) = carry {
                self.carry.insert(cursor_id, c);
            }
        }
        Ok(ExecResult {
            cursor_id: if done { 0 } else { cursor_id },
            columns: Some(columns),
            rows: Some(Fetched { rows, done }),
            rows_affected: m.row_count,
            ..Default::default()
        })
    }

    /// Tells the server to send LOB columns as LONG / LONG RAW (or as
    /// locators, those in `as_lob`).
    pub(super) async fn define_lobs(
        &mut self,
        cursor_id: u32,
        cols: &[DescribeColumn],
        as_lob: &[usize],
    ) -> Result<()> {
        let defines = cols
            .iter()
            .enumerate()
            .map(|(i, c)| match c.ora_type {
                // Asked for as LOB objects: the server sends locators.
                ora_type::CLOB | ora_type::BLOB if as_lob.contains(&i) => {
                    let mut m = ColumnMeta::bind(c.ora_type, c.buffer_size.max(4000));
                    m.csfrm = c.csfrm.max(m.csfrm);
                    m
                }
                ora_type::CLOB => ColumnMeta::bind(ora_type::LONG, 0x7FFF_FFFF),
                ora_type::BLOB => ColumnMeta::bind(ora_type::LONG_RAW, 0x7FFF_FFFF),
                t => ColumnMeta::bind(t, c.buffer_size.max(1)),
            })
            .zip(cols)
            .map(|(mut m, c)| {
                if c.ora_type == ora_type::OBJECT {
                    // An object define names its type, as the describe did.
                    m.oid = Some(c.type_oid.clone());
                    m.version = u32::from(c.type_version);
                }
                // National text stays in its form (AL16UTF16), as the rows
                // are decoded by the describe's form.
                if c.csfrm == 2 && m.csfrm != 0 {
                    m.csfrm = 2;
                    m.charset = oradb_protocol::ttc::lob::CHARSET_UTF16 as u16;
                }
                m
            })
            .collect();
        // A define that asks for no rows: one that asks gets them in its
        // answer (Oracle's, the test server's), which the fetch after it
        // decodes with the new defines.
        let mut al8i4 = [0u32; 13];
        al8i4[7] = 1;
        let mut w = self.request();
        let seq = self.next_seq();
        ExecuteRequest {
            seq,
            options: options::DEFINE | options::NOT_PLSQL,
            cursor_id,
            prefetch_rows: 0,
            al8i4,
            defines,
            ..Default::default()
        }
        .encode(&mut w, &self.caps, &[], false);
        let mut acc = Acc::default();
        self.round_trip(w, &mut acc, &[], Kind::Other, false, &[])
            .await
            .map(|_| ())
    }

    pub(super) async fn fetch_plan(
        &mut self,
        cursor_id: u32,
        n: u32,
        plan: &[ColumnDecode],
    ) -> Result<Fetched> {
        let mut w = self.request();
        let seq = self.next_seq();
        FetchRequest {
            seq,
            cursor_id,
            rows: n.max(1),
        }
        .encode(&mut w, &self.caps);
        let mut acc = Acc {
            carry: self.carry.remove(&cursor_id),
            ..Default::default()
        };
        let m = self
            .round_trip(w, &mut acc, plan, Kind::Query, false, &[])
            .await?;
        let done = m.error_num == 1403;
        if !done {
            if let Some(c) = acc.take_carry() {
                self.carry.insert(cursor_id, c);
            }
        }
        Ok(Fetched {
            rows: acc.rows,
            done,
        })
    }

    pub(crate) async fn fetch(&mut self, cursor_id: u32, n: u32) -> Result<Fetched> {
        if let Some(r) = self.ahead.remove(&cursor_id) {
            return r;
        }
        let plan = self.cursors.get(&cursor_id).cloned().ok_or_else(|| {
            Error::usage(
                codes::CURSOR_CLOSED,
                format!("cursor {cursor_id} is not open"),
            )
        })?;
        let f = self.fetch_plan(cursor_id, n, &plan).await?;
        if f.done {
            self.queue_close(cursor_id);
        }
        Ok(f)
    }
}

/// The caller's view of a query's columns.
pub(super) fn columns_of(describe: &[DescribeColumn]) -> Vec<Column> {
    describe
        .iter()
        .map(|c| Column {
            name: c.name.clone(),
            db_type: c.ora_type,
            // A national column's max_size counts characters; its buffer, bytes.
            size: if c.csfrm == 2 {
                c.buffer_size
            } else {
                c.max_size
            },
            precision: c.precision,
            scale: c.scale,
            nullable: c.nullable,
            national: c.csfrm == 2,
        })
        .collect()
}
