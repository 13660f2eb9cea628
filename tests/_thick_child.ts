/**
 * Child process of `thick_test.ts`, for what must run in a fresh process: a missing client
 * library (loading is once per process) and calls that may crash OCI. Prints one JSON line.
 *
 * Usage: `_thick_child(.ts|.js) MODE LIB_DIR CONNECT_STRING`, MODE `missing` or `plsql-out`.
 *
 * @module
 */

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

try {
  const out = mode === "missing" ? await missing() : await plsqlOut();
  console.log(JSON.stringify({ ok: true, ...out }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: fields(e) }));
}
