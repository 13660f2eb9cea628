//! `oradb-testserver`: prints the bound address as the first stdout line
//! (and, with `--tls-listen`, `tcps=ADDR` as the second), then serves until
//! killed; with `--admin-listen`, `admin=ADDR` follows: the fault-injection
//! port (see the `admin` module). `oradb-testserver gen-certs DIR [HOST]...` writes a throwaway CA
//! and server certificate for tests.

use std::io::Write;

use oradb_testserver::{Config, TestServer};

const USAGE: &str = "usage: oradb-testserver [--listen ADDR] [--user NAME/PASSWORD]... \
[--service NAME]... [--data DIR] [--log LEVEL] [--field-version N] \
[--tls-listen ADDR --tls-cert PEM --tls-key PEM] [--admin-listen ADDR]
       oradb-testserver gen-certs DIR [HOST]...";

fn parse_args(args: &[String]) -> Result<(Config, String), String> {
    let mut cfg = Config {
        users: Vec::new(),
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
                let v = value()?;
                let (u, p) = v.split_once('/').ok_or_else(|| {
                    format!(
                        "--user expects NAME/PASSWORD, got \"{}\"",
                        v.split('/').next().unwrap_or("")
                    )
                })?;
                if u.is_empty() || p.is_empty() {
                    return Err("--user expects NAME/PASSWORD".into());
                }
                cfg.users.push((u.to_string(), p.to_string()));
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
    let (cfg, log) = match parse_args(&args) {
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
