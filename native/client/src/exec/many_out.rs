//! executeMany with OUT binds: a PL/SQL block's OUT values per iteration, or
//! DML's RETURNING INTO values per iteration (each an array: one iteration
//! may change several rows, or none).

use super::*;

/// What decoding a call with OUT binds needs to know, and which kind of
/// reply it is (`Kind::Other` when there are none to read).
pub(super) fn prepare(
    acc: &mut Acc,
    scan: &sql::Scan,
    binds: &Binds,
    metas: &[ColumnMeta],
    kinds: &[(u8, usize)],
) -> Kind {
    if binds.specs.iter().all(|s| s.dir == Dir::In) {
        return Kind::Other;
    }
    acc.bind_types = kinds.iter().map(|k| k.0).collect();
    acc.bind_arrays = metas.iter().map(ColumnMeta::is_array).collect();
    match scan.kind {
        Kind::PlSql => {
            acc.many_outs = Some(Vec::new());
            Kind::PlSql
        }
        Kind::Dml if scan.returning.iter().any(|r| *r) => {
            acc.returning_types = scan
                .returning
                .iter()
                .zip(kinds)
                .filter(|(r, _)| **r)
                .map(|(_, k)| k.0)
                .collect();
            Kind::Dml
        }
        _ => Kind::Other,
    }
}

impl State {
    /// The first iteration of a PL/SQL executemany, parsed and run alone.
    pub(super) async fn many_first(
        &mut self,
        sql_text: &str,
        metas: &[ColumnMeta],
        value_metas: &[ColumnMeta],
        rows: Vec<Vec<Option<Vec<u8>>>>,
        acc: &mut Acc,
    ) -> Result<ErrorMessage> {
        let mut al8i4 = [0u32; 13];
        al8i4[0] = 1;
        al8i4[1] = 1;
        let mut w = self.request();
        let seq = self.next_seq();
        ExecuteRequest {
            seq,
            options: options::PARSE | options::EXECUTE | options::BIND | options::PLSQL_BIND,
            sql: Some(sql_text.to_string()),
            al8i4,
            binds: metas.to_vec(),
            iterations: 1,
            rows,
            ..Default::default()
        }
        .encode(&mut w, &self.caps, value_metas, true);
        match self.round_trip(w, acc, &[], Kind::PlSql, false, &[]).await {
            Ok(m) => Ok(m),
            Err(e) => Err(self.release_failed(e)),
        }
    }

    /// One row of tagged values per iteration that sent some, one value per
    /// bind in the caller's order (IN binds as NULL).
    pub(super) fn many_out_binds(
        &mut self,
        kind: Kind,
        scan: &sql::Scan,
        kinds: &[(u8, usize)],
        n_specs: usize,
        acc: &mut Acc,
    ) -> Result<RowBuf> {
        let mut out = RowBuf::default();
        if kind == Kind::Dml {
            Self::returning_cut_error(scan, acc.returning_cut)?;
            for i in 0..acc.returning.len() {
                let row = self.returning_buf(scan, kinds, n_specs, &acc.returning[i..=i])?;
                out.data.extend_from_slice(&row.data);
                out.locators.extend(row.locators);
                out.rows += 1;
            }
            self.hold_lobs(&mut out);
            return Ok(out);
        }
        let firsts = first_placeholders(kinds, n_specs);
        for outs in acc.many_outs.take().unwrap_or_default() {
            // OUT values arrive in placeholder order, one per non-IN placeholder.
            let mut it = outs.into_iter();
            let by_placeholder: Vec<Option<Option<Vec<u8>>>> = (0..kinds.len())
                .map(|p| match acc.io_dirs.get(p) {
                    Some(d) if *d != rows::dir::IN => Some(it.next().flatten()),
                    _ => None,
                })
                .collect();
            for p in &firsts {
                match p.and_then(|p| by_placeholder[p].as_ref().map(|v| (p, v))) {
                    Some((p, v)) if acc.bind_arrays[p] => {
                        arrays::out_value(&mut out, kinds[p].0, v.as_deref())?
                    }
                    Some((p, v)) => Self::out_value(&mut out, kinds[p].0, v.as_deref())?,
                    None => out.null(),
                }
            }
            out.rows += 1;
        }
        self.hold_lobs(&mut out);
        Ok(out)
    }
}
