//! `oradb-testserver`: prints the bound address as the first stdout line
//! (and, with `--tls-listen`, `tcps=ADDR` as the second), then serves until
//! killed; with `--admin-listen`, `admin=ADDR` follows: the fault-injection
//! port (see the `admin` module). `oradb-testserver gen-certs DIR [HOST]...` writes a throwaway CA
//! and server certificate for tests.

use std::io::Write;

use oradb_protocol::ano::Level;
use oradb_testserver::{Config, TestServer};

// A fetch or an executeMany allocates a few small values per column and row; glibc's
// malloc was a fifth of the server's instructions there, mimalloc's fast path is
// a fraction of that.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h's option enum (the crate names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc gives freed pages back to the OS 10 ms after they empty; a fetch frees its rows
/// and the next one faults the same pages in again (system time went up by half of what
/// the allocator saved in user time). One second keeps them across back-to-back calls.
fn keep_freed_pages() {
    // SAFETY: called first in main, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000) };
}

const USAGE: &str = "usage: oradb-testserver [--listen ADDR] [--user NAME/PASSWORD]... \
[--user-file PATH]... [--service NAME]... [--data DIR] [--log LEVEL] [--field-version N] \
[--tls-listen ADDR --tls-cert PEM --tls-key PEM] [--admin-listen ADDR] \
[--encryption LEVEL] [--integrity LEVEL] [--shard NAME=RULE]...
       oradb-testserver gen-certs DIR [HOST]...
Users: --user NAME/PASSWORD (seen by every local user in `ps`), --user-file PATH
(one NAME/PASSWORD a line; blank lines and # comments skipped) and the
ORADB_TESTSERVER_USERS environment variable (NAME/PASSWORD entries separated
by commas or newlines) add up; with none of them, scott/tiger.
Native network encryption and integrity: LEVEL is rejected, accepted (the
default, as Oracle's), requested or required.
Sharding: --shard NAME=[super:S1,S2;]list:V1,V2 or NAME=[super:…;]range:LO..HI
(repeats) makes this listener a shard director in front of one database per
shard (under --data/shard_NAME); a connect with a sharding key goes to the
shard that owns its first value, one without a key to the catalog.";

/// The configuration from the arguments and, for users, `env_users`
/// (the value of `ORADB_TESTSERVER_USERS`, if set).
fn parse_args(args: &[String], env_users: Option<&str>) -> Result<(Config, String), String> {
    let mut cfg = Config {
        users: match env_users {
            Some(text) => oradb_testserver::config::users_from_env(text)?,
            None => Vec::new(),
        },
        services: Vec::new(),
        ..Config::default()
    };
    let mut log = "warn".to_string();
    let (mut tls_listen, mut tls_cert, mut tls_key) = (None, None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--listen" => {
                let v = value()?;
                cfg.listen = v
                    .parse()
                    .map_err(|_| format!("invalid --listen address \"{v}\""))?;
            }
            "--user" => {
                let user = oradb_testserver::config::parse_user(&value()?)
                    .map_err(|why| format!("--user: {why}"))?;
                cfg.users.push(user);
            }
            "--user-file" => {
                let path = std::path::PathBuf::from(value()?);
                cfg.users
                    .extend(oradb_testserver::config::users_from_file(&path)?);
            }
            "--service" => cfg.services.push(value()?),
            "--data" => cfg.data_dir = Some(value()?.into()),
            "--log" => log = value()?,
            "--tls-listen" => {
                let v = value()?;
                tls_listen = Some(
                    v.parse::<std::net::SocketAddr>()
                        .map_err(|_| format!("invalid --tls-listen address \"{v}\""))?,
                );
            }
            "--admin-listen" => {
                let v = value()?;
                cfg.admin = Some(
                    v.parse::<std::net::SocketAddr>()
                        .map_err(|_| format!("invalid --admin-listen address \"{v}\""))?,
                );
            }
            "--tls-cert" => tls_cert = Some(std::path::PathBuf::from(value()?)),
            "--tls-key" => tls_key = Some(std::path::PathBuf::from(value()?)),
            "--field-version" => {
                let v = value()?;
                cfg.field_version = v
                    .parse()
                    .ok()
                    .filter(|n| (8..=24).contains(n))
                    .ok_or_else(|| format!("invalid --field-version \"{v}\" (8..=24)"))?;
            }
            "--encryption" | "--integrity" => {
                let v = value()?;
                let level = Level::parse(&v).ok_or_else(|| {
                    format!("invalid {flag} \"{v}\" (rejected, accepted, requested or required)")
                })?;
                if flag == "--encryption" {
                    cfg.nne.encryption = level;
                } else {
                    cfg.nne.integrity = level;
                }
            }
            "--shard" => cfg
                .shards
                .push(oradb_testserver::shard::ShardSpec::parse(&value()?)?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument \"{other}\"\n{USAGE}")),
        }
    }
    if cfg.users.is_empty() {
        cfg.users.push(("scott".into(), "tiger".into()));
    }
    cfg.tls = match (tls_listen, tls_cert, tls_key) {
        (Some(l), Some(c), Some(k)) => Some((l, c, k)),
        (None, None, None) => None,
        _ => return Err("--tls-listen, --tls-cert and --tls-key go together".into()),
    };
    Ok((cfg, log))
}

fn main() {
    keep_freed_pages();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("gen-certs") {
        let Some(dir) = args.get(1) else {
            eprintln!("{USAGE}");
            std::process::exit(2);
        };
        let mut hosts: Vec<String> = args[2..].to_vec();
        if hosts.is_empty() {
            hosts = vec!["localhost".into(), "127.0.0.1".into()];
        }
        if let Err(e) = oradb_testserver::tls::generate_certs(std::path::Path::new(dir), &hosts) {
            eprintln!("cannot write certificates: {e}");
            std::process::exit(1);
        }
        return;
    }
    let env_users = std::env::var(oradb_testserver::config::USERS_ENV).ok();
    let (cfg, log) = match parse_args(&args, env_users.as_deref()) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(log))
        .with_writer(std::io::stderr)
        .init();
    // One async thread for all sockets: engine work that may take time runs
    // on the blocking pool, and what is left (protocol, quick queries) is
    // cheaper on one thread than handed between two. On a 2-core machine
    // shared with the clients it halved the server's CPU per pooled query.
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            std::process::exit(1);
        }
    };
    rt.block_on(async move {
        let server = match TestServer::start(cfg).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot start server: {e}");
                std::process::exit(1);
            }
        };
        println!("{}", server.addr());
        if let Some(t) = server.tls_addr() {
            println!("tcps={t}");
        }
        if let Some(a) = server.admin_addr() {
            println!("admin={a}");
        }
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        server.shutdown().await;
    });
}
