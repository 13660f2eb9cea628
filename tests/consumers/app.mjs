// An ES module app that depends on oradb (see check.sh).
import { connect } from "oradb";

const [connectString] = process.argv.slice(2);
const conn = await connect({ user: "scott", password: "tiger", connectString });
const { rows } = await conn.execute("select 6 * 7 as answer from dual");
await conn.close();
console.log(rows[0].ANSWER === 42 ? "ok esm" : `FAIL esm: ${JSON.stringify(rows)}`);
