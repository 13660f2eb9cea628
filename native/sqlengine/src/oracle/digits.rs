//! Unsigned big integers as most-significant-first decimal digit vectors.
//! Oracle NUMBER values have at most 40 digits but operands can sit 250
//! decimal places apart, so exact work needs more than `u128`.

use std::cmp::Ordering;

/// Drops leading zeros (an empty vector is zero).
pub(crate) fn trim(mut v: Vec<u8>) -> Vec<u8> {
    let nz = v.iter().position(|&d| d != 0).unwrap_or(v.len());
    v.drain(..nz);
    v
}

fn significant(a: &[u8]) -> &[u8] {
    let nz = a.iter().position(|&d| d != 0).unwrap_or(a.len());
    &a[nz..]
}

pub(crate) fn cmp(a: &[u8], b: &[u8]) -> Ordering {
    let (a, b) = (significant(a), significant(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

pub(crate) fn add(a: &[u8], b: &[u8]) -> Vec<u8> {
    let n = a.len().max(b.len());
    let mut out = vec![0u8; n + 1];
    let mut carry = 0u8;
    for i in 0..n {
        let da = if i < a.len() { a[a.len() - 1 - i] } else { 0 };
        let db = if i < b.len() { b[b.len() - 1 - i] } else { 0 };
        let s = da + db + carry;
        out[n - i] = s % 10;
        carry = s / 10;
    }
    out[0] = carry;
    trim(out)
}

/// `a - b`; the caller guarantees `a >= b`.
pub(crate) fn sub(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = a.to_vec();
    let mut borrow = 0i8;
    for i in 0..a.len() {
        let db = if i < b.len() {
            b[b.len() - 1 - i] as i8
        } else {
            0
        };
        let idx = a.len() - 1 - i;
        let mut d = a[idx] as i8 - db - borrow;
        borrow = 0;
        if d < 0 {
            d += 10;
            borrow = 1;
        }
        out[idx] = d as u8;
    }
    trim(out)
}

pub(crate) fn mul(a: &[u8], b: &[u8]) -> Vec<u8> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    // Little-endian accumulator of u32 so carries are resolved once at the end.
    let mut acc = vec![0u32; a.len() + b.len()];
    for (i, &da) in a.iter().rev().enumerate() {
        for (j, &db) in b.iter().rev().enumerate() {
            acc[i + j] += da as u32 * db as u32;
        }
    }
    let mut carry = 0u32;
    for slot in acc.iter_mut() {
        let v = *slot + carry;
        *slot = v % 10;
        carry = v / 10;
    }
    trim(acc.iter().rev().map(|&d| d as u8).collect())
}

/// Appends `n` zeros (multiplies by 10^n).
pub(crate) fn shift(a: &[u8], n: usize) -> Vec<u8> {
    let mut v = a.to_vec();
    if !v.is_empty() {
        v.resize(a.len() + n, 0);
    }
    v
}

/// Long division: `(a / b, a % b)`; the caller guarantees `b != 0`.
pub(crate) fn divmod(a: &[u8], b: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut q = Vec::with_capacity(a.len());
    let mut r: Vec<u8> = Vec::new();
    for &d in a {
        r.push(d);
        r = trim(r);
        let mut qd = 0u8;
        while cmp(&r, b) != Ordering::Less {
            r = sub(&r, b);
            qd += 1;
        }
        q.push(qd);
    }
    (trim(q), r)
}

/// Floor of the square root, digit by digit.
pub(crate) fn isqrt(a: &[u8]) -> Vec<u8> {
    let a = significant(a);
    let mut root: Vec<u8> = Vec::new();
    let mut rem: Vec<u8> = Vec::new();
    // Consume digit pairs from the top; an odd length starts with one digit.
    let mut i = a.len() % 2;
    let mut pairs: Vec<&[u8]> = Vec::new();
    if i == 1 {
        pairs.push(&a[..1]);
    }
    while i < a.len() {
        pairs.push(&a[i..i + 2]);
        i += 2;
    }
    for pair in pairs {
        rem = trim([rem.as_slice(), pair].concat());
        // Largest d with (20*root + d) * d <= rem.
        let base = shift(&mul(&root, &[2]), 1);
        let mut d = 9u8;
        loop {
            let trial = mul(&add(&base, &[d]), &[d]);
            if cmp(&trial, &rem) != Ordering::Greater {
                rem = sub(&rem, &trial);
                break;
            }
            d -= 1;
        }
        root.push(d);
    }
    trim(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Vec<u8> {
        trim(s.bytes().map(|b| b - b'0').collect())
    }

    fn s(v: &[u8]) -> String {
        if v.is_empty() {
            return "0".into();
        }
        v.iter().map(|d| (b'0' + d) as char).collect()
    }

    #[test]
    fn add_sub_mul_carry_across_digits() {
        assert_eq!(s(&add(&n("999"), &n("1"))), "1000");
        assert_eq!(s(&sub(&n("1000"), &n("1"))), "999");
        assert_eq!(s(&sub(&n("5"), &n("5"))), "0");
        assert_eq!(
            s(&mul(&n("99999999999999999999"), &n("99999999999999999999"))),
            "9999999999999999999800000000000000000001"
        );
    }

    #[test]
    fn divmod_and_isqrt() {
        let (q, r) = divmod(&n("1000000000000000000000"), &n("7"));
        assert_eq!((s(&q), s(&r)), ("142857142857142857142".into(), "6".into()));
        assert_eq!(s(&isqrt(&n("200"))), "14");
        assert_eq!(s(&isqrt(&n("144"))), "12");
        assert_eq!(s(&isqrt(&n("0"))), "0");
        assert_eq!(cmp(&n("010"), &n("9")), Ordering::Greater);
    }
}
