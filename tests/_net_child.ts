// Spawned by permissions_test.ts under Deno with various --allow-net / --deny-net flags:
// connects and prints "ok" or the error code.
import process from "node:process";
import { connect, OracleError } from "../mod.ts";

const [connectString, user] = process.argv.slice(2);
const password = process.env.ORADB_NET_CHILD_PASSWORD ?? "";
try {
  const conn = await connect({ user, password, connectString });
  await conn.execute("select 1 from dual");
  await conn.close();
  console.log("ok");
} catch (e) {
  console.log(e instanceof OracleError ? `${e.code} ${e.message}` : String(e));
}
