// A Deno program that uses oradb through an npm: specifier, resolved from the app's node_modules
// (deno.json: "nodeModulesDir": "manual"), see pack_install.sh.
// The npm: specifier is the point here; the version is whatever the tarball installed.
// deno-lint-ignore no-import-prefix no-unversioned-import
import { connect } from "npm:oradb";

const conn = await connect({ user: "scott", password: "tiger", connectString: Deno.args[0] });
const { rows } = await conn.execute<{ ANSWER: number }>("select 6 * 7 as answer from dual");
await conn.close();
console.log(rows?.[0].ANSWER === 42 ? "ok deno" : `FAIL deno: ${JSON.stringify(rows)}`);
