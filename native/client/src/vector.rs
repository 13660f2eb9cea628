//! VECTOR values between the wire image (`oradb_protocol::value::vector`)
//! and the tagged value buffer's payload (native/node/BOUNDARY.md): u8
//! format, u8 sparse, u32 dimensions, u32 count, the sparse indices (u32
//! each), then the values, all little-endian, so the JS side builds typed
//! arrays without knowing the image.

use oradb_protocol::value::vector::{self, format, Values, Vector};
use oradb_protocol::value::ValueError;

/// The payload for a fetched image.
pub fn payload_of_image(img: &[u8]) -> Result<Vec<u8>, ValueError> {
    let v = vector::decode(img)?;
    let n = v.values.len();
    let mut out = Vec::with_capacity(10 + n * 12);
    out.push(v.values.format());
    out.push(u8::from(v.is_sparse()));
    out.extend_from_slice(&v.dims.to_le_bytes());
    out.extend_from_slice(&(n as u32).to_le_bytes());
    for i in v.indices.iter().flatten() {
        out.extend_from_slice(&i.to_le_bytes());
    }
    match &v.values {
        Values::Float32(x) => x.iter().for_each(|f| out.extend(f.to_le_bytes())),
        Values::Float64(x) => x.iter().for_each(|f| out.extend(f.to_le_bytes())),
        Values::Int8(x) => out.extend(x.iter().map(|&i| i as u8)),
        Values::Binary(x) => out.extend_from_slice(x),
    }
    Ok(out)
}

/// The image for a payload at the start of `b`, and the payload's length.
pub fn image_of_payload(b: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let short = || "VECTOR value is truncated".to_string();
    let head = b.get(..10).ok_or_else(short)?;
    let (fmt, sparse) = (head[0], head[1] != 0);
    let dims = u32::from_le_bytes([head[2], head[3], head[4], head[5]]);
    let n = u32::from_le_bytes([head[6], head[7], head[8], head[9]]) as usize;
    let width = match fmt {
        format::FLOAT32 => 4,
        format::FLOAT64 => 8,
        format::INT8 | format::BINARY => 1,
        f => return Err(format!("VECTOR format {f} is unknown")),
    };
    let ix_len = if sparse {
        n.checked_mul(4).ok_or_else(short)?
    } else {
        0
    };
    let end = n
        .checked_mul(width)
        .and_then(|v| v.checked_add(10 + ix_len))
        .ok_or_else(short)?;
    let body = b.get(10..end).ok_or_else(short)?;
    let (ix, vals) = body.split_at(ix_len);
    let indices = sparse.then(|| {
        ix.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    });
    let values = match fmt {
        format::FLOAT32 => Values::Float32(
            vals.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        format::FLOAT64 => Values::Float64(
            vals.chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                .collect(),
        ),
        format::INT8 => Values::Int8(vals.iter().map(|&x| x as i8).collect()),
        _ => Values::Binary(vals.to_vec()),
    };
    let v = Vector {
        dims,
        values,
        indices,
    };
    let img = vector::encode(&v).map_err(|e| e.message)?;
    Ok((img, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_and_images_convert_both_ways() {
        for v in [
            Vector::dense(Values::Float32(vec![1.5, -2.0])),
            Vector::dense(Values::Float64(vec![6423.5])),
            Vector::dense(Values::Int8(vec![-10, 11])),
            Vector::dense(Values::Binary(vec![0xF0])),
            Vector {
                dims: 16,
                values: Values::Float64(vec![2.0, 45.5]),
                indices: Some(vec![1, 15]),
            },
        ] {
            let img = vector::encode(&v).unwrap();
            let p = payload_of_image(&img).unwrap();
            assert_eq!(image_of_payload(&p).unwrap(), (img, p.len()));
        }
        assert!(image_of_payload(&[2, 0, 1, 0, 0, 0, 9, 0, 0, 0]).is_err());
        assert!(image_of_payload(&[9; 10]).is_err());
        assert!(payload_of_image(&[0xDB]).is_err());
    }
}
