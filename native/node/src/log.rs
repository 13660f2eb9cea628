//! The Rust side's log events (the `tracing` macros in oradb-client) for JS:
//! kept in a bounded buffer that `src/logging.ts` drains into the user's
//! logger, or written to stderr when `ORADB_LOG=level` is set and no logger
//! is. Events never carry passwords or bind values: the client logs
//! addresses, users, SIDs and outcomes only.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, OnceLock};

use napi_derive::napi;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// 0 off, 1 error, 2 warn, 3 info, 4 debug, 5 trace.
static LEVEL: AtomicU8 = AtomicU8::new(0);
/// Where records go: `true` the buffer for JS, `false` stderr.
static TO_JS: AtomicU8 = AtomicU8::new(0);
/// Records waiting for JS; the oldest go first when it is full.
static BUFFER: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());
const CAPACITY: usize = 4096;

fn level_number(l: &Level) -> u8 {
    match *l {
        Level::ERROR => 1,
        Level::WARN => 2,
        Level::INFO => 3,
        Level::DEBUG => 4,
        Level::TRACE => 5,
    }
}

fn parse_level(s: &str) -> u8 {
    match s.trim().to_ascii_lowercase().as_str() {
        "error" => 1,
        "warn" => 2,
        "info" => 3,
        "debug" => 4,
        "trace" => 5,
        _ => 0,
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

struct ToJs;

impl<S: Subscriber> Layer<S> for ToJs {
    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        level_number(meta.level()) <= LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let meta = event.metadata();
        let mut m = Message(String::new());
        event.record(&mut m);
        if TO_JS.load(Ordering::Relaxed) == 1 {
            let line = format!("{}\t{}\t{}", level_number(meta.level()), meta.target(), m.0);
            let mut b = BUFFER.lock().unwrap_or_else(|p| p.into_inner());
            if b.len() == CAPACITY {
                b.pop_front();
            }
            b.push_back(line);
        } else {
            eprintln!("oradb {:5} {}: {}", meta.level(), meta.target(), m.0);
        }
    }
}

/// Installs the log layer once; the level starts from `ORADB_LOG`.
pub fn init() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        if let Ok(v) = std::env::var("ORADB_LOG") {
            LEVEL.store(parse_level(&v), Ordering::Relaxed);
        }
        // Another subscriber (an embedding program's) wins; then we stay quiet.
        let _ = tracing_subscriber::registry().with(ToJs).try_init();
    });
}

/// Routes records to JS (`level` 0 turns logging off again, back to
/// `ORADB_LOG` on stderr).
#[napi]
pub fn set_log_level(level: String, to_js: bool) {
    init();
    let n = parse_level(&level);
    TO_JS.store(u8::from(to_js && n > 0), Ordering::Relaxed);
    let n = if n == 0 {
        std::env::var("ORADB_LOG").map_or(0, |v| parse_level(&v))
    } else {
        n
    };
    LEVEL.store(n, Ordering::Relaxed);
    // Interest in each callsite was cached under the old level.
    tracing::callsite::rebuild_interest_cache();
}

/// Takes the waiting records: `level \t target \t message` each.
#[napi]
pub fn drain_logs() -> Vec<String> {
    BUFFER
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .collect()
}
