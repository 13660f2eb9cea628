/**
 * Child process of `thick_test.ts`, for what must run in a fresh process: a missing client
 * library (loading is once per process) and calls that may crash OCI. Prints one JSON line.
 *
 * Usage: `_thick_child(.ts|.js) MODE LIB_DIR CONNECT_STRING`, MODE `missing`, `plsql-out`,
 * `nne-required` or `nne-rejected` (a sqlnet.ora in a `configDir` of its own: OCI reads it once
 * per process).
 *
 * @module
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { BIND_INOUT, BIND_OUT, connect, initOracleClient, NUMBER, OracleError } from "../mod.ts";

const [mode, libDir, connectString] = process.argv.slice(-3);
const login = { user: "scott", password: "tiger", connectString };

function fields(e: unknown) {
  return e instanceof OracleError
    ? { isOracleError: true, code: e.code, message: e.message }
    : { isOracleError: false, message: String(e) };
}

async function missing() {
  const init = await initOracleClient({ libDir }).then(() => null, fields);
  // Thin mode keeps working in the same process.
  await using conn = await connect(login);
  const r = await conn.execute<[number]>("SELECT 7 FROM dual", [], { outFormat: "array" });
  return { init, thin: conn.thin, rows: r.rows };
}

async function plsqlOut() {
  await initOracleClient({ libDir });
  await using conn = await connect(login);
  const r = await conn.execute("BEGIN :out := :a * 2; :io := :io || '!'; END;", {
    out: { dir: BIND_OUT, type: NUMBER },
    a: 21,
    io: { dir: BIND_INOUT, val: "hi", maxSize: 10 },
  });
  return { thin: conn.thin, outBinds: r.outBinds };
}

/** Native network encryption set in sqlnet.ora, as thick mode takes it: the banners seen. */
async function nne(level: "REQUIRED" | "REJECTED") {
  const configDir = mkdtempSync(join(tmpdir(), "oradb-thick-nne-"));
  writeFileSync(
    join(configDir, "sqlnet.ora"),
    `SQLNET.ENCRYPTION_CLIENT = ${level}\nSQLNET.CRYPTO_CHECKSUM_CLIENT = ${level}\n` +
      "SQLNET.ENCRYPTION_TYPES_CLIENT = (AES256)\nSQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT = (SHA256)\n" +
      "DIAG_ADR_ENABLED = OFF\n",
  );
  await initOracleClient({ libDir, configDir });
  // `await using`: the forced close of an idle session must not break it (under NNE, OCI
  // cannot resume after a break from the test server: ORA-12599).
  await using conn = await connect(login);
  // One row per query: some multi-row fetch answers still break OCI against the test server
  // (native/testserver/tests/oci19/README.md), and a break under NNE ends the session.
  const banners: string[] = [];
  for (const service of ["Encryption", "Crypto-checksumming"]) {
    const r = await conn.execute<[string]>(
      `SELECT network_service_banner FROM v$session_connect_info
        WHERE sid = SYS_CONTEXT('USERENV', 'SID') AND network_service_banner LIKE :p`,
      [`%${service} service adapter%`],
      { outFormat: "array" },
    );
    banners.push(...r.rows!.map((row) => row[0]));
  }
  return { thin: conn.thin, banners };
}

try {
  const out = mode === "missing"
    ? await missing()
    : mode === "nne-required"
    ? await nne("REQUIRED")
    : mode === "nne-rejected"
    ? await nne("REJECTED")
    : await plsqlOut();
  console.log(JSON.stringify({ ok: true, ...out }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: fields(e) }));
}
