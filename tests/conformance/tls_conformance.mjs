// TLS conformance: unmodified node-oracledb (Thin) against oradb-testserver's TCPS listener.
// Usage: NODE_EXTRA_CA_CERTS=CA_PEM node tls_conformance.mjs TCPS_PORT [SERVICE]
// node-oracledb Thin trusts the throwaway CA through Node's NODE_EXTRA_CA_CERTS (its
// walletLocation expects an ewallet.pem with a key, not a bare CA certificate).
import oracledb from "oracledb";

const [port, service = "FREEPDB1"] = process.argv.slice(2);
const dsn = `tcps://localhost:${port}/${service}`;
let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`PASS ${name}`);
    passed++;
  } catch (e) {
    console.log(`FAIL ${name}: ${e.message}`);
    failed++;
  }
}

await check("a session over TLS with the CA trusted", async () => {
  const c = await oracledb.getConnection({ user: "scott", password: "tiger", connectString: dsn });
  const r = await c.execute("select 1 from dual");
  await c.close();
  if (JSON.stringify(r.rows) !== "[[1]]") throw new Error(JSON.stringify(r.rows));
});
await check("a matching sslServerCertDN connects", async () => {
  const c = await oracledb.getConnection({
    user: "scott",
    password: "tiger",
    connectString: dsn,
    sslServerDNMatch: true,
    sslServerCertDN: "CN=localhost,O=oradb-testserver",
  });
  await c.ping();
  await c.close();
});
await check("a wrong sslServerCertDN is refused", async () => {
  try {
    const c = await oracledb.getConnection({
      user: "scott",
      password: "tiger",
      connectString: dsn,
      sslServerDNMatch: true,
      sslServerCertDN: "CN=other",
    });
    await c.close();
  } catch (e) {
    // node-oracledb reports a DN mismatch as a TLS handshake failure.
    if (!/NJS-506/.test(e.message)) throw e;
    return;
  }
  throw new Error("connected with a wrong server DN");
});
console.log(`tls-node: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
