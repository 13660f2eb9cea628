//! `oradb-fuzz [SECONDS] [TARGET]`: mutates each target's seeds for a share
//! of SECONDS (default 60) and stops at the first panic, which is saved to
//! `native/fuzz/crashers/<target>/<hash>` (then a regression test) and fails
//! the run. Prints executions and seeds per target.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use oradb_fuzz::mutate::{mutate, Rng};
use oradb_fuzz::{check, hash, seeds, TARGETS};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seconds: f64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(60.0);
    let only = args.get(1).cloned();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Panics are expected findings: report them once, not with a backtrace each.
    std::panic::set_hook(Box::new(|_| {}));
    let targets: Vec<_> = TARGETS
        .iter()
        .filter(|t| only.as_deref().is_none_or(|o| o == t.name))
        .collect();
    let share = Duration::from_secs_f64(seconds / targets.len().max(1) as f64);
    let mut failed = 0;
    for t in targets {
        let seeds = seeds::for_target(t.name, &root.join("corpus"));
        let mut rng = Rng::new(hash(t.name.as_bytes()) ^ u64::from(std::process::id()));
        let (start, mut runs) = (Instant::now(), 0u64);
        let mut found = None;
        while start.elapsed() < share && found.is_none() {
            for _ in 0..256 {
                let base = &seeds[rng.below(seeds.len())];
                let other = &seeds[rng.below(seeds.len())];
                let input = mutate(&mut rng, base, other);
                runs += 1;
                if let Err(msg) = check(t, &input) {
                    found = Some((input, msg));
                    break;
                }
            }
        }
        match found {
            None => println!(
                "fuzz {}: {runs} inputs from {} seeds in {:.1} s, no crash",
                t.name,
                seeds.len(),
                start.elapsed().as_secs_f64()
            ),
            Some((input, msg)) => {
                failed += 1;
                let dir = root.join("crashers").join(t.name);
                let _ = std::fs::create_dir_all(&dir);
                let file = dir.join(format!("{:016x}", hash(&input)));
                let _ = std::fs::write(&file, &input);
                println!(
                    "FAIL fuzz {}: panic after {runs} inputs: {msg}; input kept in {}",
                    t.name,
                    file.display()
                );
            }
        }
    }
    println!("fuzz: {} passed, {failed} failed", TARGETS.len() - failed);
    std::process::exit(i32::from(failed > 0));
}
