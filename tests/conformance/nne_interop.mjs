// oradb's thin client, with native network encryption and integrity required, reads the rows
// another client wrote over its own encrypted session: go-ora (tests/conformance/goora/nne.go,
// the default) or OCI (oci_nne_interop.py): two implementations of Oracle's ANO negotiation
// meet on one server.
// Usage: node nne_interop.mjs HOST:PORT SERVICE [TABLE PREFIX] (from the repository after `tsc`);
// TABLE (default goora_nne) holds ids 1..50 with text "PREFIX id" (default "go-ora row").
// Prints FAIL lines and "oradb NNE interop: N passed, M failed".
import { connect } from "../../dist/mod.js";

const [addr, service = "FREEPDB1", table = "goora_nne", prefix = "go-ora row"] = process.argv
  .slice(2);
let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${String(e?.message ?? e).replaceAll("\n", " ")}`);
  }
}

await check(`oradb with AES256/SHA512 required reads the rows in ${table}`, async () => {
  const conn = await connect({
    user: "scott",
    password: "tiger",
    connectString: `${addr}/${service}`,
    networkEncryption: "required",
    encryptionTypes: ["AES256"],
    networkIntegrity: "required",
    integrityTypes: ["SHA512"],
  });
  try {
    if (conn.networkEncryption !== "AES256" || conn.networkIntegrity !== "SHA512") {
      throw new Error(`negotiated ${conn.networkEncryption}/${conn.networkIntegrity}`);
    }
    const r = await conn.execute(`SELECT id, s FROM ${table} ORDER BY id`, [], {
      outFormat: "array",
    });
    if (r.rows.length !== 50) throw new Error(`${r.rows.length} rows, expected 50`);
    for (const [i, [id, s]] of r.rows.entries()) {
      if (id !== i + 1 || s !== `${prefix} ${i + 1}`) throw new Error(`row ${i}: ${id}, ${s}`);
    }
  } finally {
    await conn.close();
  }
});

console.log(`oradb NNE interop: ${passed} passed, ${failed} failed`);
