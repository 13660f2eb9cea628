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
        let shared = Arc::new(Shared {
            config,
            db,
            next_sid: AtomicU32::new(100),
        });
        let (stop, mut stopped) = watch::channel(false);
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
                                if let Err(e) = crate::session::serve(sock, s).await {
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
            stop,
            task: Some(task),
            shared,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
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
