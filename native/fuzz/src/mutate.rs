//! A small structure-unaware mutator (stable Rust has no libFuzzer): bit
//! flips, boundary values at random offsets (lengths are where decoders go
//! wrong), inserted, deleted, repeated and spliced ranges.

/// xorshift64*: fast, deterministic from a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[u8] = &[0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 0x3f, 0x40, 0xc1];
const WIDE: &[u32] = &[
    0,
    1,
    0x7fff,
    0x8000,
    0xffff,
    0x7fff_ffff,
    0xffff_ffff,
    0x10000,
];

/// `base` with 1–4 random mutations; `other` is a second seed for splices.
pub fn mutate(rng: &mut Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(9) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => {
                let w = WIDE[rng.below(WIDE.len())];
                let bytes = if rng.below(2) == 0 {
                    w.to_be_bytes()
                } else {
                    w.to_le_bytes()
                };
                let n = [1, 2, 4][rng.below(3)];
                let end = (at + n).min(v.len());
                v.splice(at..end, bytes[4 - n..].iter().copied());
            }
            3 => {
                let n = rng.below(16) + 1;
                let fill: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                v.splice(at..at, fill);
            }
            4 if !v.is_empty() => {
                let end = (at + rng.below(32) + 1).min(v.len());
                v.drain(at.min(end)..end);
            }
            5 if at < v.len() => {
                let end = (at + rng.below(64) + 1).min(v.len());
                let piece = v[at..end].to_vec();
                for _ in 0..rng.below(8) + 1 {
                    v.splice(at..at, piece.iter().copied());
                }
            }
            6 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(256) + 1).min(other.len());
                v.splice(at..at, other[from..end].iter().copied());
            }
            7 => v.truncate(at),
            _ if !v.is_empty() => {
                // The selector byte picks caps and chunking: vary it too.
                v[0] = rng.next_u64() as u8;
            }
            _ => v.push(rng.next_u64() as u8),
        }
        // Large inputs only slow the loop down; the decoders see lengths, not bulk.
        v.truncate(64 * 1024);
    }
    v
}
