//! TCPS: the same Oracle Net sessions inside TLS (rustls), and a throwaway
//! CA + server certificate generator for tests.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A TLS acceptor from PEM files: the server certificate chain and its key.
pub fn acceptor(cert: &Path, key: &Path) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        std::io::Error::other(format!("cannot read {what}: {e}"))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| bad(&cert.display().to_string(), &e))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| bad(&key.display().to_string(), &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad("TLS settings", &e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad("the certificate and key", &e))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Writes `ca.pem`, `server.pem` and `server.key` to `dir`: a fresh CA and a
/// server certificate for `hosts` (DNS names or IP addresses) with the
/// subject `CN=<first host>, O=oradb-testserver`. For tests only.
pub fn generate_certs(dir: &Path, hosts: &[String]) -> Result<(), String> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let e = |e: rcgen::Error| e.to_string();
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(e)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "oradb-testserver throwaway CA");
    let ca_key = KeyPair::generate().map_err(e)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(e)?;
    let mut server = CertificateParams::new(hosts.to_vec()).map_err(e)?;
    let cn = hosts.first().cloned().unwrap_or_else(|| "localhost".into());
    server.distinguished_name.push(DnType::CommonName, cn);
    server
        .distinguished_name
        .push(DnType::OrganizationName, "oradb-testserver");
    let key = KeyPair::generate().map_err(e)?;
    let cert = server.signed_by(&key, &ca_cert, &ca_key).map_err(e)?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))
    };
    write("ca.pem", ca_cert.pem())?;
    write("server.pem", cert.pem())?;
    write("server.key", key.serialize_pem())?;
    Ok(())
}
