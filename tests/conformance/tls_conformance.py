"""TLS conformance: unmodified python-oracledb (Thin) against oradb-testserver's TCPS listener.

Usage: tls_conformance.py TCPS_PORT CA_PEM [SERVICE]
The server certificate is for localhost, signed by the throwaway CA in CA_PEM
(`oradb-testserver gen-certs DIR localhost 127.0.0.1`).
"""
import ssl
import sys

import oracledb

PORT, CA = sys.argv[1], sys.argv[2]
SERVICE = sys.argv[3] if len(sys.argv) > 3 else "FREEPDB1"
DSN = f"tcps://localhost:{PORT}/{SERVICE}"
passed = failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
        print(f"PASS {name}")
        passed += 1
    except Exception as e:  # noqa: BLE001 - report every failure the same way
        print(f"FAIL {name}: {e}")
        failed += 1


def trusted():
    return ssl.create_default_context(cafile=CA)


def session_over_tls():
    with oracledb.connect(user="scott", password="tiger", dsn=DSN, ssl_context=trusted()) as c:
        assert c.cursor().execute("select 1 from dual").fetchall() == [(1,)]


def untrusted_ca_refused():
    try:
        oracledb.connect(user="scott", password="tiger", dsn=DSN)
    except oracledb.Error as e:
        assert "CERTIFICATE_VERIFY_FAILED" in str(e), str(e)
        return
    raise AssertionError("connected without trusting the CA")


def server_dn_matched():
    dsn = f'{DSN}?ssl_server_cert_dn="CN=localhost,O=oradb-testserver"'
    with oracledb.connect(user="scott", password="tiger", dsn=dsn, ssl_context=trusted()) as c:
        c.ping()


def wrong_dn_refused():
    try:
        oracledb.connect(
            user="scott", password="tiger", dsn=f"{DSN}?ssl_server_cert_dn=CN=other",
            ssl_context=trusted(),
        )
    except oracledb.Error as e:
        assert "DPY-6002" in str(e), str(e)
        return
    raise AssertionError("connected with a wrong server DN")


check("a session over TLS with the CA trusted", session_over_tls)
check("an untrusted CA is refused", untrusted_ca_refused)
check("SSL_SERVER_CERT_DN matching the certificate connects", server_dn_matched)
check("a wrong SSL_SERVER_CERT_DN is refused", wrong_dn_refused)
print(f"tls: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
