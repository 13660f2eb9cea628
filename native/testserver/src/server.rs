//! The listener: one tokio task per TCP connection, each a separate session.
//! A failing connection is logged and closed; the others keep going.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::config::Config;
use crate::faults::Faults;
use crate::registry::Registry;
use crate::sql::Database;

/// State shared by every session of one server.
pub struct Shared {
    pub config: Config,
    pub db: Arc<Database>,
    /// Live sessions and SQL-created users; the engine sees them through `db`.
    pub registry: Arc<Registry>,
    /// Failures tests switch on (admin port or [`TestServer::faults`]).
    pub faults: Faults,
    /// Server-side session pool for `(SERVER=POOLED)` connections.
    pub drcp: crate::drcp::Pool,
    next_sid: AtomicU32,
    /// The shards behind this listener, in `config.shards` order (empty when not sharded);
    /// this `Shared` is then the catalog.
    pub shards: Vec<Arc<Shared>>,
}

impl Shared {
    pub fn next_sid(&self) -> u32 {
        self.next_sid.fetch_add(1, Ordering::Relaxed)
    }

    /// A database with its own sessions, users and pool; for a sharded `config`, one more
    /// per shard, each in `data_dir/shard_NAME` (or a private temporary directory).
    fn open(config: Config) -> std::io::Result<Arc<Shared>> {
        let shards = config
            .shards
            .iter()
            .map(|spec| {
                let mut c = config.clone();
                c.shards = Vec::new();
                c.db_name = Some(spec.name.clone());
                c.data_dir = config
                    .data_dir
                    .as_ref()
                    .map(|d| d.join(format!("shard_{}", spec.name)));
                Shared::open(c)
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let registry = Arc::new(Registry::default());
        registry.set_configured_users(config.users.iter().map(|(u, _)| u.clone()).collect());
        let db = Database::open_with(config.data_dir.as_deref(), registry.clone())
            .map_err(|e| std::io::Error::other(e.message.clone()))?;
        Ok(Arc::new(Shared {
            config,
            drcp: crate::drcp::Pool::new(registry.drcp.clone()),
            db,
            registry,
            faults: Faults::default(),
            next_sid: AtomicU32::new(100),
            shards,
        }))
    }
}

/// A running server; dropping it (or `shutdown`) stops accepting connections.
pub struct TestServer {
    addr: SocketAddr,
    tls_addr: Option<SocketAddr>,
    admin_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    pub shared: Arc<Shared>,
}

/// Accepts on `listener` until stopped, handing each socket to `serve`. A
/// restart request closes the listener for its down time, then binds the
/// same address again.
async fn accept_loop<F>(
    mut listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
    serve: F,
) where
    F: Fn(TcpStream, SocketAddr, Arc<Shared>),
{
    let Ok(addr) = listener.local_addr() else {
        return;
    };
    let mut restarts = shared.faults.restart_signal();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            Ok(()) = restarts.changed() => {
                let down = restarts.borrow_and_update().1;
                drop(listener);
                tokio::time::sleep(down).await;
                // The port may still be held for a moment; keep trying.
                listener = loop {
                    match TcpListener::bind(addr).await {
                        Ok(l) => break l,
                        Err(e) => {
                            tracing::warn!(%addr, "rebind after restart failed: {e}");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                };
            }
            res = listener.accept() => match res {
                Ok((sock, peer)) => {
                    let _ = sock.set_nodelay(true);
                    serve(sock, peer, shared.clone());
                }
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}

impl TestServer {
    /// Binds `config.listen` and starts serving on the current tokio runtime.
    pub async fn start(config: Config) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let tls = match &config.tls {
            Some((listen, cert, key)) => {
                let acceptor = crate::tls::acceptor(cert, key)?;
                Some((TcpListener::bind(listen).await?, acceptor))
            }
            None => None,
        };
        let tls_addr = match &tls {
            Some((l, _)) => Some(l.local_addr()?),
            None => None,
        };
        let admin = match config.admin {
            Some(a) => Some(TcpListener::bind(a).await?),
            None => None,
        };
        let admin_addr = match &admin {
            Some(l) => Some(l.local_addr()?),
            None => None,
        };
        let shared = Shared::open(config)?;
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        if let Some((tls_listener, acceptor)) = tls {
            tasks.push(tokio::spawn(accept_loop(
                tls_listener,
                shared.clone(),
                stop.subscribe(),
                move |sock, peer, s| {
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        // A failed handshake (a plain-TCP client, a bad
                        // certificate on the other side) ends only this connection.
                        let timeout = s.config.io_timeout;
                        match tokio::time::timeout(timeout, acceptor.accept(sock)).await {
                            Ok(Ok(tls)) => {
                                if let Err(e) = crate::session::serve(Box::new(tls), s, true).await
                                {
                                    tracing::info!(%peer, "tcps connection closed: {e}");
                                }
                            }
                            Ok(Err(e)) => tracing::info!(%peer, "TLS handshake failed: {e}"),
                            Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
                        }
                    });
                },
            )));
        }
        tasks.push(tokio::spawn(accept_loop(
            listener,
            shared.clone(),
            stopped,
            |sock, peer, s| {
                tokio::spawn(async move {
                    if let Err(e) = crate::session::serve(Box::new(sock), s, false).await {
                        tracing::info!(%peer, "connection closed: {e}");
                    }
                });
            },
        )));
        if let Some(admin) = admin {
            let addrs = std::iter::once(addr).chain(tls_addr).collect();
            let (s, mut stopped) = (shared.clone(), stop.subscribe());
            tasks.push(tokio::spawn(async move {
                tokio::select! {
                    _ = stopped.changed() => {}
                    _ = crate::admin::serve(admin, s, addrs) => {}
                }
            }));
        }
        Ok(TestServer {
            addr,
            tls_addr,
            admin_addr,
            stop,
            tasks,
            shared,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The TCPS listener's address, when `Config::tls` asked for one.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }

    /// The admin port's address, when `Config::admin` asked for one.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin_addr
    }

    /// Drops every client connection and returns once their sessions are
    /// gone from the server (see [`Faults::drop_all`] for the raw switch).
    pub async fn drop_all(&self) -> usize {
        crate::admin::drop_all(&self.shared).await
    }

    /// The fault switches (the same ones the admin port drives).
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Simulates a database restart: every connection drops (uncommitted work
    /// rolls back), the listeners refuse connections for `down`, then accept
    /// again on the same ports. Committed data stays.
    pub async fn restart(&self, down: Duration) -> Result<(), String> {
        let addrs: Vec<SocketAddr> = std::iter::once(self.addr).chain(self.tls_addr).collect();
        crate::admin::restart(&self.shared, &addrs, down.max(Duration::from_millis(20))).await
    }

    /// Stops accepting new connections and waits for the listeners to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for t in std::mem::take(&mut self.tasks) {
            let _ = t.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
