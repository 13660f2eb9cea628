//! Mapping the caller's binds onto the statement's placeholders, and OUT values back
//! onto the caller's binds (their order, not the placeholders').

use super::*;

fn bind_error(code: &str, msg: String) -> Error {
    Error::odb(ErrorKind::Bind, code, msg)
}

/// For each of the caller's binds, the first placeholder it fills (`kinds`
/// holds each placeholder's type and bind index).
pub(super) fn first_placeholders(kinds: &[(u8, usize)], n_specs: usize) -> Vec<Option<usize>> {
    let mut first = vec![None; n_specs];
    for (p, &(_, s)) in kinds.iter().enumerate() {
        if let Some(slot @ None) = first.get_mut(s) {
            *slot = Some(p);
        }
    }
    first
}

impl State {
    /// Maps the user's binds onto the statement's placeholders.
    pub(super) fn placeholders(&self, scan: &sql::Scan, binds: &Binds) -> Result<Vec<usize>> {
        let named = binds.specs.iter().any(|s| s.name.is_some());
        if !named {
            if binds.specs.len() != scan.binds.len() {
                return Err(bind_error(
                    codes::BIND_COUNT_MISMATCH,
                    format!(
                        "the statement has {} bind placeholders but {} values were given",
                        scan.binds.len(),
                        binds.specs.len()
                    ),
                ));
            }
            return Ok((0..scan.binds.len()).collect());
        }
        let map = scan
            .binds
            .iter()
            .map(|p| {
                binds
                    .specs
                    .iter()
                    .position(|s| {
                        s.name.as_deref().is_some_and(|n| {
                            n.trim_start_matches(':').eq_ignore_ascii_case(p)
                                || n.trim_start_matches(':') == p
                        })
                    })
                    .ok_or_else(|| {
                        bind_error(
                            codes::BIND_MISSING,
                            format!("no value was given for bind \"{p}\""),
                        )
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        // A value the statement never reads is most likely a typo'd name:
        // say so rather than drop it.
        if let Some(s) = (0..binds.specs.len()).find(|s| !map.contains(s)) {
            let name = binds.specs[s].name.as_deref().unwrap_or_default();
            return Err(bind_error(
                codes::BIND_NOT_IN_STATEMENT,
                format!("bind \"{name}\" is not a placeholder of the statement"),
            ));
        }
        Ok(map)
    }

    /// Bind metadata (all placeholders), value metadata and value rows.
    #[allow(clippy::type_complexity)]
    pub(super) fn bind_parts(
        &self,
        scan: &sql::Scan,
        binds: &Binds,
    ) -> Result<(
        Vec<ColumnMeta>,
        Vec<ColumnMeta>,
        Vec<Vec<Option<Vec<u8>>>>,
        Vec<(u8, usize)>,
    )> {
        let map = self.placeholders(scan, binds)?;
        let types = resolve_types(binds, self.caps.max_string_size)?;
        // Names for errors, made once rather than once per value.
        let names: Vec<String> = binds
            .specs
            .iter()
            .enumerate()
            .map(|(s, spec)| spec.name.clone().unwrap_or_else(|| (s + 1).to_string()))
            .collect();
        let array_max = (0..binds.specs.len())
            .map(|s| arrays::array_max(binds, s, &names[s]))
            .collect::<Result<Vec<_>>>()?;
        let mut metas = Vec::with_capacity(map.len());
        let mut value_metas = Vec::new();
        let mut kinds = Vec::with_capacity(map.len());
        for (p, &s) in map.iter().enumerate() {
            let spec = &binds.specs[s];
            // RETURNING … INTO a CLOB/BLOB bind gives the LOB's locator (a `Lob`), as from
            // Oracle: the classic way to fill a LOB is to insert EMPTY_BLOB() returning it.
            let (ty, mut size) = types[s];
            if spec.dir != Dir::In
                && matches!(ty, ora_type::VARCHAR | ora_type::RAW | ora_type::CHAR)
            {
                size = size.max(if spec.max_size > 0 {
                    spec.max_size
                } else {
                    4000
                });
            }
            let mut meta = ColumnMeta::bind(ty, size);
            if ty == ora_type::OBJECT {
                // The type of an object bind travels in its metadata.
                meta.oid = binds.rows.iter().find_map(|r| match r.get(s) {
                    Some(BindValue::Object { oid, .. }) => Some(oid.clone()),
                    _ => None,
                });
                meta.version = 1;
            }
            if spec.dir != Dir::In {
                meta.max_chars = if matches!(ty, ora_type::VARCHAR | ora_type::CHAR) {
                    size
                } else {
                    0
                };
            }
            if let Some(max) = array_max[s] {
                arrays::mark_array(&mut meta, max, &names[s])?;
            }
            kinds.push((ty, s));
            if !scan.returning.get(p).copied().unwrap_or(false) {
                value_metas.push(meta.clone());
            }
            metas.push(meta);
        }
        let mut rows = Vec::with_capacity(binds.rows.len());
        for row in &binds.rows {
            let mut vals = Vec::with_capacity(value_metas.len());
            for (p, &s) in map.iter().enumerate() {
                if scan.returning.get(p).copied().unwrap_or(false) {
                    continue;
                }
                let spec = &binds.specs[s];
                if array_max[s].is_some() {
                    // An OUT array goes with no elements: its value is what the call leaves.
                    let v = if spec.dir == Dir::Out {
                        None
                    } else {
                        arrays::encode_value(&row[s], kinds[p].0, &names[s])?
                    };
                    vals.push(v);
                    continue;
                }
                let v = if spec.dir == Dir::Out {
                    &BindValue::Null
                } else {
                    &row[s]
                };
                vals.push(v.encode(kinds[p].0, &names[s])?);
            }
            rows.push(vals);
        }
        Ok((metas, value_metas, rows, kinds))
    }

    pub(super) fn out_value(buf: &mut RowBuf, ty: u8, v: Option<&[u8]>) -> Result<()> {
        let c = ColumnDecode {
            wire_type: ty,
            db_type: ty,
            csfrm: oradb_protocol::ttc::column::csfrm_of(ty),
            as_string: false,
        };
        if matches!(ty, ora_type::CLOB | ora_type::BLOB) {
            buf.locator(&c, v.and_then(super::lob::unpack_out_locator));
            return Ok(());
        }
        if ty == ora_type::OBJECT {
            let v =
                v.map(|b| oradb_protocol::value::pickle::ObjectValue::decode(&mut Reader::new(b)));
            match v {
                Some(Ok(v)) => crate::object::push_value(buf, &v),
                Some(Err(_)) => return Err(Error::protocol("invalid object OUT value")),
                None => buf.null(),
            }
            return Ok(());
        }
        buf.value(&c, v)
    }

    /// ODB-3008 when the server cut a RETURNING value to its bind's buffer
    /// (`cut`: see `Acc::returning_cut`), naming the bind: a silently
    /// shortened value would be a wrong result.
    pub(super) fn returning_cut_error(
        scan: &sql::Scan,
        cut: Option<(usize, usize, i32)>,
    ) -> Result<()> {
        let Some((k, got, whole)) = cut else {
            return Ok(());
        };
        let name = scan
            .returning
            .iter()
            .enumerate()
            .filter(|(_, r)| **r)
            .nth(k)
            .and_then(|(p, _)| scan.binds.get(p))
            .map_or_else(|| format!("{}", k + 1), Clone::clone);
        Err(bind_error(
            codes::OUT_VALUE_TRUNCATED,
            format!(
                "the RETURNING value of bind :{name} is {whole} bytes, over its maxSize: \
                 {got} bytes were returned (the statement ran); give the bind a larger maxSize"
            ),
        ))
    }

    /// RETURNING values as one tagged value per bind, in the order of the
    /// binds (arrays for RETURNING binds, NULL for the others).
    pub(super) fn returning_buf(
        &self,
        scan: &sql::Scan,
        kinds: &[(u8, usize)],
        n_specs: usize,
        returning: &[Vec<Vec<Option<Vec<u8>>>>],
    ) -> Result<RowBuf> {
        let is_returning = |p: usize| scan.returning.get(p).copied().unwrap_or(false);
        let mut out = RowBuf::default();
        for p in first_placeholders(kinds, n_specs) {
            let Some(p) = p.filter(|&p| is_returning(p)) else {
                out.null();
                continue;
            };
            // Column of this placeholder in each RETURNING row.
            let k = (0..p).filter(|&q| is_returning(q)).count();
            let vals: Vec<&Option<Vec<u8>>> = returning
                .iter()
                .filter_map(|row| row.get(k))
                .flatten()
                .collect();
            out.data.push(tag::ARRAY);
            out.data
                .extend_from_slice(&(vals.len() as u32).to_le_bytes());
            for v in vals {
                Self::out_value(&mut out, kinds[p].0, v.as_deref())?;
            }
        }
        Ok(out)
    }
}
