//! BINARY_FLOAT / BINARY_DOUBLE: IEEE-754 big-endian, transformed so the
//! bytes sort like the numbers (sign bit set for positives, all bits
//! inverted for negatives).

use super::number::NumberError;

pub fn encode_f64(v: f64) -> [u8; 8] {
    let mut b = v.to_be_bytes();
    if b[0] & 0x80 == 0 {
        b[0] |= 0x80;
    } else {
        b.iter_mut().for_each(|x| *x = !*x);
    }
    b
}

pub fn encode_f32(v: f32) -> [u8; 4] {
    let mut b = v.to_be_bytes();
    if b[0] & 0x80 == 0 {
        b[0] |= 0x80;
    } else {
        b.iter_mut().for_each(|x| *x = !*x);
    }
    b
}

fn untransform<const N: usize>(b: &[u8]) -> Result<[u8; N], NumberError> {
    let mut a: [u8; N] = b.try_into().map_err(|_| {
        NumberError(format!(
            "binary float of {} bytes where {N} expected",
            b.len()
        ))
    })?;
    if a[0] & 0x80 != 0 {
        a[0] &= 0x7F;
    } else {
        a.iter_mut().for_each(|x| *x = !*x);
    }
    Ok(a)
}

pub fn decode_f64(b: &[u8]) -> Result<f64, NumberError> {
    Ok(f64::from_be_bytes(untransform::<8>(b)?))
}

pub fn decode_f32(b: &[u8]) -> Result<f32, NumberError> {
    Ok(f32::from_be_bytes(untransform::<4>(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_bytes() {
        assert_eq!(encode_f64(1.5), [0xBF, 0xF8, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            encode_f64(-1.5),
            [0x40, 0x07, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
        assert_eq!(encode_f32(1.5), [0xBF, 0xC0, 0, 0]);
        assert_eq!(encode_f64(0.0), [0x80, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn round_trips_and_order() {
        for v in [
            0.0,
            -0.0,
            1.5,
            -1.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-300,
            f64::MAX,
        ] {
            assert_eq!(decode_f64(&encode_f64(v)).unwrap().to_bits(), v.to_bits());
        }
        assert!(decode_f64(&encode_f64(f64::NAN)).unwrap().is_nan());
        for v in [0.0f32, 2.5, -2.5, f32::MIN_POSITIVE] {
            assert_eq!(decode_f32(&encode_f32(v)).unwrap(), v);
        }
        assert!(encode_f64(-2.0) < encode_f64(-1.0) && encode_f64(-1.0) < encode_f64(1.0));
        assert!(decode_f64(&[1, 2, 3]).is_err());
    }
}
