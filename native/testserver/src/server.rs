//! The listener: one tokio task per TCP connection, each a separate session.
//! A failing connection is logged and closed; the others keep going.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::sql::Database;

/// State shared by every session of one server.
pub struct Shared {
    pub config: Config,
    pub db: Arc<Database>,
    next_sid: AtomicU32,
}

impl Shared {
    pub fn next_sid(&self) -> u32 {
        self.next_sid.fetch_add(1, Ordering::Relaxed)
    }
}

/// A running server; dropping it (or `shutdown`) stops accepting connections.
pub struct TestServer {
    addr: SocketAddr,
    tls_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    pub shared: Arc<Shared>,
}

impl TestServer {
    /// Binds `config.listen` and starts serving on the current tokio runtime.
    pub async fn start(config: Config) -> std::io::Result<TestServer> {
        let db = Database::open(config.data_dir.as_deref())
            .map_err(|e| std::io::Error::other(e.message.clone()))?;
        db.registry
            .set_configured_users(config.users.iter().map(|(u, _)| u.clone()).collect());
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
        let shared = Arc::new(Shared {
            config,
            db,
            next_sid: AtomicU32::new(100),
        });
        let (stop, mut stopped) = watch::channel(false);
        if let Some((tls_listener, acceptor)) = tls {
            let tls_shared = shared.clone();
            let mut tls_stopped = stop.subscribe();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = tls_stopped.changed() => break,
                        res = tls_listener.accept() => {
                            let Ok((sock, peer)) = res else {
                                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                                continue;
                            };
                            let _ = sock.set_nodelay(true);
                            let (s, acceptor) = (tls_shared.clone(), acceptor.clone());
                            tokio::spawn(async move {
                                // A failed handshake (a plain-TCP client, a bad
                                // certificate on the other side) ends only this connection.
                                let timeout = s.config.io_timeout;
                                match tokio::time::timeout(timeout, acceptor.accept(sock)).await {
                                    Ok(Ok(tls)) => {
                                        if let Err(e) = crate::session::serve(Box::new(tls), s).await {
                                            tracing::info!(%peer, "tcps connection closed: {e}");
                                        }
                                    }
                                    Ok(Err(e)) => tracing::info!(%peer, "TLS handshake failed: {e}"),
                                    Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
                                }
                            });
                        }
                    }
                }
            });
        }
        let accept_shared = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    res = listener.accept() => match res {
                        Ok((sock, peer)) => {
                            let _ = sock.set_nodelay(true);
                            let s = accept_shared.clone();
                            tokio::spawn(async move {
                                if let Err(e) = crate::session::serve(Box::new(sock), s).await {
                                    tracing::info!(%peer, "connection closed: {e}");
                                }
                            });
                        }
                        Err(e) => {
                            tracing::warn!("accept failed: {e}");
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        }
                    }
                }
            }
        });
        Ok(TestServer {
            addr,
            tls_addr,
            stop,
            task: Some(task),
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

    /// Stops accepting new connections and waits for the listener to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
