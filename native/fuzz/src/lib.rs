//! Fuzz targets over oradb's decoders: each takes arbitrary bytes and must
//! return (an error is fine) without panicking, hanging or allocating
//! without bound. The runner in `main.rs` mutates seeds for a bounded time;
//! `tests/regressions.rs` replays the seeds and every kept crasher.

pub mod mutate;
pub mod seeds;
mod sql;
mod targets;

pub use targets::TARGETS;

/// A decoder under test.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Runs `input` through `target`; `Err` carries the panic message.
pub fn check(target: &Target, input: &[u8]) -> Result<(), String> {
    std::panic::catch_unwind(|| (target.run)(input)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())
    })
}

/// FNV-1a, to name a crasher file after its bytes.
pub fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
