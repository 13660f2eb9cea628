// A CommonJS app that depends on oradb (see check.sh): Node 22.12+ loads the ES module through
// require().
const { connect } = require("oradb");

(async () => {
  const conn = await connect({ user: "scott", password: "tiger", connectString: process.argv[2] });
  const { rows } = await conn.execute("select 6 * 7 as answer from dual");
  await conn.close();
  console.log(rows[0].ANSWER === 42 ? "ok cjs" : `FAIL cjs: ${JSON.stringify(rows)}`);
})().catch((e) => console.log(`FAIL cjs: ${e.message}`));
