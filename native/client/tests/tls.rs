//! TLS (tcps) end to end: a throwaway CA signs a server certificate; a TLS
//! listener in front of a real oradb-testserver terminates TLS and forwards
//! the bytes, so the client's handshake, certificate checks and the whole
//! Oracle Net session run for real.

use std::sync::Arc;

use oradb_client::binds::Binds;
use oradb_client::exec::ExecOptions;
use oradb_client::options::ConnectOptions;
use oradb_client::Connection;
use oradb_testserver::{Config, TestServer};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;

struct Pki {
    ca_pem: String,
    server_der: Vec<u8>,
    key_der: Vec<u8>,
}

/// A CA and a server certificate for `names` with subject `CN=db.test, O=oradb`.
fn pki(names: &[&str]) -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "oradb test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let mut server =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "db.test");
    server
        .distinguished_name
        .push(DnType::OrganizationName, "oradb");
    let key = KeyPair::generate().unwrap();
    let cert = server.signed_by(&key, &ca_cert, &ca_key).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        server_der: cert.der().to_vec(),
        key_der: key.serialize_der(),
    }
}

/// Listens with TLS on 127.0.0.1 and forwards each connection to `backend`.
async fn tls_front(p: &Pki, backend: std::net::SocketAddr) -> std::net::SocketAddr {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![p.server_der.clone().into()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(p.key_der.clone().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                if let Ok(mut db) = TcpStream::connect(backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut db).await;
                }
            });
        }
    });
    addr
}

fn options(
    front: std::net::SocketAddr,
    host: &str,
    wallet: Option<&std::path::Path>,
) -> ConnectOptions {
    ConnectOptions {
        user: "scott".into(),
        password: "tiger".into(),
        connect_string: format!("tcps://{host}:{}/FREEPDB1", front.port()),
        wallet_location: wallet.map(Into::into),
        ..Default::default()
    }
}

async fn works(o: ConnectOptions) -> Result<(), String> {
    let c = Connection::connect(o)
        .await
        .map_err(|e| format!("{}: {}", e.code(), e.message()))?;
    c.execute(
        "select 1 from dual",
        Binds::default(),
        ExecOptions::default(),
    )
    .await
    .map_err(|e| e.message().to_string())?;
    c.close().await.map_err(|e| e.message().to_string())?;
    Ok(())
}

#[tokio::test]
async fn tcps_verifies_the_chain_and_the_name_and_honours_dn_rules() {
    let s = TestServer::start(Config::default()).await.unwrap();
    let p = pki(&["localhost"]);
    let front = tls_front(&p, s.addr()).await;
    let dir = std::env::temp_dir().join(format!("oradb-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ewallet.pem"), &p.ca_pem).unwrap();

    // Trusted CA (a wallet directory) and a matching name: a full session over TLS.
    works(options(front, "localhost", Some(&dir)))
        .await
        .unwrap();
    // Not trusted by the system roots: refused.
    let e = works(options(front, "localhost", None)).await.unwrap_err();
    assert!(
        e.starts_with("ODB-1032") || e.starts_with("ODB-1031"),
        "{e}"
    );
    // Trusted chain, wrong name (the certificate is for localhost only): refused...
    let e = works(options(front, "127.0.0.1", Some(&dir.join("ewallet.pem"))))
        .await
        .unwrap_err();
    assert!(e.starts_with("ODB-1032"), "{e}");
    // ...unless name matching is off, or the expected subject DN is given.
    let mut o = options(front, "127.0.0.1", Some(&dir));
    o.ssl_server_dn_match = false;
    works(o).await.unwrap();
    let mut o = options(front, "127.0.0.1", Some(&dir));
    o.ssl_server_cert_dn = Some("o=oradb, cn=db.test".into());
    works(o).await.unwrap();
    let mut o = options(front, "127.0.0.1", Some(&dir));
    o.ssl_server_cert_dn = Some("CN=other,O=oradb".into());
    let e = works(o).await.unwrap_err();
    assert!(e.contains("is not"), "{e}");
    // A bad wallet path is a clear error naming it.
    let e = works(options(
        front,
        "localhost",
        Some(std::path::Path::new("/nonexistent/w")),
    ))
    .await
    .unwrap_err();
    assert!(
        e.starts_with("ODB-1031") && e.contains("/nonexistent/w"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_test_servers_own_tcps_listener_serves_sessions_and_survives_plain_clients() {
    let dir = std::env::temp_dir().join(format!("oradb-tls-srv-{}", std::process::id()));
    oradb_testserver::tls::generate_certs(&dir, &["localhost".into(), "127.0.0.1".into()]).unwrap();
    let s = TestServer::start(Config {
        tls: Some((
            "127.0.0.1:0".parse().unwrap(),
            dir.join("server.pem"),
            dir.join("server.key"),
        )),
        ..Config::default()
    })
    .await
    .unwrap();
    let tls = s.tls_addr().unwrap();
    // A plain-TCP Oracle Net client on the TLS port fails; the listener lives on.
    let plain = ConnectOptions {
        user: "scott".into(),
        password: "tiger".into(),
        connect_string: format!("127.0.0.1:{}/FREEPDB1", tls.port()),
        connect_timeout: std::time::Duration::from_secs(3),
        ..Default::default()
    };
    assert!(Connection::connect(plain).await.is_err());
    for _ in 0..3 {
        works(options(tls, "localhost", Some(&dir.join("ca.pem"))))
            .await
            .unwrap();
    }
    let _ = std::fs::remove_dir_all(dir);
}
