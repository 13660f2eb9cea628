/**
 * TLS (TCPS): a `tcps://` connect string, the CA to trust from `walletLocation` (a PEM file, or
 * a wallet directory holding `ewallet.pem`), and the server certificate's subject pinned with
 * `sslServerCertDn`. Certificates are always verified: the wrong CA or the wrong subject fails
 * before any credentials are sent. (The last check assumes a CA the system does not trust.)
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger \
 *   ORADB_TLS_CONNECT_STRING=tcps://localhost:2484/FREEPDB1 ORADB_TLS_CA_FILE=/path/ca.pem \
 *   ORADB_TLS_SERVER_DN="CN=localhost, O=oradb-testserver" \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/tls.ts
 * Node: npm run build:test && node dist/examples/tls.js (same variables).
 * Against the test server: `oradb-testserver gen-certs DIR localhost 127.0.0.1` makes a throwaway
 * CA (DIR/ca.pem) and certificate, served with `--tls-listen 127.0.0.1:0 --tls-cert
 * DIR/server.pem --tls-key DIR/server.key` (scripts/examples.sh does this). ORADB_TLS_SERVER_DN
 * is optional. It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import process from "node:process";
import { connect, ErrorCode, OracleError } from "../mod.ts";
import { env } from "./_env.ts";

const options = {
  user: env("ORADB_USER"),
  password: env("ORADB_PASSWORD"),
  connectString: env("ORADB_TLS_CONNECT_STRING"),
  walletLocation: env("ORADB_TLS_CA_FILE"),
};
const dn = process.env.ORADB_TLS_SERVER_DN;

{
  await using conn = await connect({ ...options, sslServerCertDn: dn });
  const { rows } = await conn.execute<[string]>("SELECT USER FROM dual", [], {
    outFormat: "array",
  });
  console.log(`connected over TLS to ${options.connectString} as ${rows?.[0][0]}`);
  assert.deepEqual(rows, [[options.user.toUpperCase()]]);
}

// A certificate with another subject than the one pinned is refused.
const wrongDn = await connect({ ...options, sslServerCertDn: "CN=somewhere.else" }).then(
  () => assert.fail("connected to a server with the wrong certificate subject"),
  (e: unknown) => e,
);
console.log(`pinned to another subject: ${(wrongDn as Error).message}`);
assert.ok(wrongDn instanceof OracleError);
assert.equal(wrongDn.code, ErrorCode.TLS_HANDSHAKE_FAILED);

// Without the CA, the system's trusted roots do not vouch for a throwaway certificate.
const { walletLocation: _ca, ...noCa } = options;
const untrusted = await connect(noCa).then(
  () => assert.fail("connected without trusting the server's CA"),
  (e: unknown) => e,
);
console.log(`without the CA: ${(untrusted as Error).message}`);
assert.ok(untrusted instanceof OracleError);
assert.equal(untrusted.code, ErrorCode.TLS_HANDSHAKE_FAILED);
