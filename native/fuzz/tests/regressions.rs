//! Every seed and every crasher the fuzzer ever kept runs through its
//! target without a panic: found bugs stay fixed.

use std::path::PathBuf;

use oradb_fuzz::{check, seeds, TARGETS};

#[test]
fn seeds_and_kept_crashers_decode_without_panicking() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for t in TARGETS {
        let mut inputs = seeds::for_target(t.name, &root.join("corpus"));
        inputs.extend(seeds::files(&root.join("crashers"), t.name));
        for input in inputs {
            check(t, &input)
                .unwrap_or_else(|m| panic!("{} panics ({m}) on {:02x?}", t.name, input));
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} inputs");
}

#[test]
fn a_panicking_decoder_is_reported_not_propagated() {
    let t = oradb_fuzz::Target {
        name: "self-test",
        run: |b| {
            if b.first() == Some(&7) {
                panic!("boom {}", b.len())
            }
        },
    };
    assert_eq!(check(&t, &[1, 2]), Ok(()));
    assert_eq!(check(&t, &[7, 2]), Err("boom 2".to_string()));
}
