//! `oradb-testserver`: prints the bound address as the first stdout line,
//! then serves until killed.

use std::io::Write;

use oradb_testserver::{Config, TestServer};

const USAGE: &str = "usage: oradb-testserver [--listen ADDR] [--user NAME/PASSWORD]... \
[--service NAME]... [--data DIR] [--log LEVEL] [--field-version N]";

fn parse_args(args: &[String]) -> Result<(Config, String), String> {
    let mut cfg = Config {
        users: Vec::new(),
        services: Vec::new(),
        ..Config::default()
    };
    let mut log = "warn".to_string();
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
    Ok((cfg, log))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
    let rt = match tokio::runtime::Builder::new_multi_thread()
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
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        server.shutdown().await;
    });
}
