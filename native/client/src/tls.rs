//! TLS for `tcps` addresses: rustls over the TCP socket, before any TNS
//! packet. Certificates are always verified against trusted roots (the
//! wallet's PEM certificates, or the system's); only the *name* check can
//! change, following Oracle's SSL_SERVER_DN_MATCH / SSL_SERVER_CERT_DN.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use oradb_protocol::codes;

use crate::error::{Error, ErrorKind, Result};

/// How the server's certificate is checked.
#[derive(Debug, Clone, Default)]
pub struct TlsSettings {
    /// A PEM file of trusted certificates, or a directory holding
    /// `ewallet.pem`; `None` = the system's trusted roots.
    pub wallet_location: Option<PathBuf>,
    /// Check the certificate's name (default true).
    pub dn_match: bool,
    /// With `dn_match`: the subject DN the certificate must have, instead of
    /// matching the host name.
    pub cert_dn: Option<String>,
}

fn tls_error(code: &str, msg: String) -> Error {
    Error::odb(ErrorKind::Connect, code, msg)
}

fn roots(settings: &TlsSettings) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    match &settings.wallet_location {
        Some(loc) => {
            let file = if Path::new(loc).is_dir() {
                loc.join("ewallet.pem")
            } else {
                loc.clone()
            };
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&file)
                .and_then(|it| it.collect::<std::result::Result<_, _>>())
                .map_err(|e| {
                    tls_error(
                        codes::TLS_SETUP_FAILED,
                        format!(
                            "cannot read trusted certificates from {}: {e}",
                            file.display()
                        ),
                    )
                })?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(tls_error(
                    codes::TLS_SETUP_FAILED,
                    format!("{} holds no usable certificate", file.display()),
                ));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(found.certs);
            if store.is_empty() {
                return Err(tls_error(
                    codes::TLS_SETUP_FAILED,
                    "no trusted certificates found on this system; set walletLocation".into(),
                ));
            }
        }
    }
    Ok(store)
}

/// `CN=a, O=b` and `o=b,cn=a` are the same name: compare sets of
/// `KEY=value` with keys upper-cased and spaces trimmed.
fn dn_parts(dn: &str) -> Vec<String> {
    let mut parts: Vec<String> = dn
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => format!("{}={}", k.trim().to_ascii_uppercase(), v.trim()),
            None => p.to_string(),
        })
        .collect();
    parts.sort();
    parts
}

fn subject_of(cert: &CertificateDer<'_>) -> Option<String> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
    Some(parsed.subject().to_string())
}

/// The standard chain-and-name verifier, with Oracle's name rules on top.
#[derive(Debug)]
struct OracleVerifier {
    inner: Arc<WebPkiServerVerifier>,
    dn_match: bool,
    cert_dn: Option<String>,
}

impl ServerCertVerifier for OracleVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let checked =
            self.inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        // The chain is checked before the name, so a name error means the
        // chain itself is trusted.
        let chain_ok = match &checked {
            Ok(_) => true,
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => false,
            Err(_) => return checked,
        };
        match (&self.cert_dn, self.dn_match) {
            (Some(want), true) => {
                let got = subject_of(end_entity).unwrap_or_default();
                if dn_parts(&got) == dn_parts(want) {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(rustls::Error::General(format!(
                        "the server certificate's subject \"{got}\" is not \"{want}\""
                    )))
                }
            }
            (None, true) if !chain_ok => checked,
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Runs the TLS handshake over `tcp` for `host`.
pub async fn connect(
    tcp: TcpStream,
    host: &str,
    port: u16,
    settings: &TlsSettings,
) -> Result<TlsStream<TcpStream>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner =
        WebPkiServerVerifier::builder_with_provider(Arc::new(roots(settings)?), provider.clone())
            .build()
            .map_err(|e| {
                tls_error(
                    codes::TLS_SETUP_FAILED,
                    format!("cannot set up certificate checks: {e}"),
                )
            })?;
    let verifier = OracleVerifier {
        inner,
        dn_match: settings.dn_match,
        cert_dn: settings.cert_dn.clone(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error(codes::TLS_SETUP_FAILED, format!("cannot set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string()).map_err(|_| {
        tls_error(
            codes::TLS_HANDSHAKE_FAILED,
            format!("\"{host}\" is not a valid TLS server name"),
        )
    })?;
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| {
            tls_error(
                codes::TLS_HANDSHAKE_FAILED,
                format!("TLS handshake with {host}:{port} failed: {e}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_compare_as_sets_of_parts() {
        assert_eq!(
            dn_parts("CN=db, O=Acme,C=US"),
            dn_parts("c=US,cn=db,o=Acme")
        );
        assert_ne!(dn_parts("CN=db,O=Acme"), dn_parts("CN=db2,O=Acme"));
    }

    #[test]
    fn a_missing_wallet_is_a_clear_error() {
        let s = TlsSettings {
            wallet_location: Some("/nonexistent/wallet".into()),
            dn_match: true,
            cert_dn: None,
        };
        let e = roots(&s).err().unwrap();
        assert_eq!(e.code(), codes::TLS_SETUP_FAILED);
        assert!(e.message().contains("/nonexistent/wallet"));
    }
}
