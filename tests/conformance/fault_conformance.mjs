// Injected faults as unmodified node-oracledb (Thin) sees them.
// Usage: node fault_conformance.mjs HOST:PORT SERVICE ADMIN_HOST:ADMIN_PORT
// The admin port is the test server's --admin-listen. Ends with
// "node-oracledb faults: N passed, M failed".
import assert from "node:assert/strict";
import { connect as netConnect } from "node:net";
import oracledb from "oracledb";

const [addr, service, adminAddr] = process.argv.slice(2);
const connectString = `${addr}/${service}`;
const creds = { user: "scott", password: "tiger" };
let passed = 0;
let failed = 0;

function admin(line) {
  const i = adminAddr.lastIndexOf(":");
  return new Promise((resolve, reject) => {
    const sock = netConnect(
      { host: adminAddr.slice(0, i), port: Number(adminAddr.slice(i + 1)) },
      () => sock.write(`${line}\n`),
    );
    let buf = "";
    sock.setEncoding("utf8");
    sock.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      sock.destroy();
      const answer = buf.slice(0, nl);
      if (answer.startsWith("OK")) resolve(answer.slice(3));
      else reject(new Error(`admin ${line}: ${answer}`));
    });
    sock.on("error", reject);
  });
}

const open = [];
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`PASS ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n  ${e?.stack ?? e}`);
  }
  await admin("reset");
  for (const c of open.splice(0)) await c.close().catch(() => {});
}
const connect = async () => {
  const c = await oracledb.getConnection({ ...creds, connectString });
  open.push(c);
  return c;
};
async function expectError(pattern, fn) {
  try {
    await fn();
  } catch (e) {
    assert.match(String(e.message), pattern);
    return e;
  }
  assert.fail(`expected ${pattern}, nothing thrown`);
}
const sidOf = async (c) =>
  Number((await c.execute("select sys_context('USERENV', 'SID') from dual")).rows[0][0]);
const unique = (p) => p + Math.random().toString(16).slice(2, 10).toUpperCase();

await check("drop: live connections see the broken connection; committed data stays", async () => {
  const t = unique("F_");
  const c = await connect();
  await c.execute(`create table ${t} (n number)`);
  await c.execute(`insert into ${t} values (1)`);
  await c.commit();
  await c.execute(`insert into ${t} values (2)`);
  assert.match(await admin("drop"), /^dropped /);
  await expectError(/NJS-500/, () => c.execute("select 1 from dual"));
  const again = await connect();
  assert.deepEqual((await again.execute(`select n from ${t}`)).rows, [[1]]);
});

await check("refuse 12516 / 12519: connect fails naming the listener error", async () => {
  for (const code of [12516, 12519]) {
    await admin(`refuse ${code}`);
    await expectError(new RegExp(String(code)), connect);
  }
  await admin("refuse off");
  await (await connect()).ping();
});

await check("max-sessions: the logon beyond the cap gets ORA-00018", async () => {
  await connect();
  await admin("max-sessions 1");
  await expectError(/ORA-00018/, connect);
  await admin("max-sessions off");
  await (await connect()).ping();
});

await check(
  "delay: answers are late; callTimeout gives NJS-123/DPI-1067; the connection stays",
  async () => {
    const c = await connect();
    await admin("delay 200");
    const t0 = performance.now();
    await c.ping();
    assert.ok(performance.now() - t0 >= 190);
    c.callTimeout = 50;
    await expectError(/call timeout of 50 ms exceeded/, () => c.execute("select 1 from dual"));
    await admin("delay 0");
    c.callTimeout = 0;
    assert.deepEqual((await c.execute("select 42 from dual")).rows, [[42]]);
  },
);

await check("stall: a fetch mid-cursor waits until unstalled; callTimeout ends it", async () => {
  const t = unique("S_");
  const c = await connect();
  await c.execute(`create table ${t} (n number)`);
  await c.executeMany(`insert into ${t} values (:1)`, Array.from({ length: 300 }, (_, i) => [i]));
  await c.commit();
  const sid = await sidOf(c);
  const opts = { resultSet: true, fetchArraySize: 10, prefetchRows: 10 };
  let rs = (await c.execute(`select n from ${t} order by n`, [], opts)).resultSet;
  assert.equal((await rs.getRows(10)).length, 10);
  await admin(`stall ${sid}`);
  let answered = false;
  const rest = rs.getRows(1000).then((rows) => {
    answered = true;
    return rows;
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(answered, false, "a stalled fetch answered");
  await admin(`unstall ${sid}`);
  const rows = await rest;
  assert.deepEqual([rows.length, rows[0][0]], [290, 10]);
  await rs.close();
  rs = (await c.execute(`select n from ${t} order by n`, [], opts)).resultSet;
  await rs.getRows(10);
  await admin(`stall ${sid}`);
  c.callTimeout = 200;
  await expectError(/call timeout of 200 ms exceeded/, () => rs.getRows(1000));
  await admin("reset");
  c.callTimeout = 0;
  await c.ping();
});

await check("restart in place: sessions drop; new ones see committed data", async () => {
  const t = unique("R_");
  const c = await connect();
  await c.execute(`create table ${t} (n number)`);
  await c.execute(`insert into ${t} values (7)`);
  await c.commit();
  await admin("restart 300");
  await expectError(/NJS-500/, () => c.execute("select 1 from dual"));
  const again = await connect();
  assert.deepEqual((await again.execute(`select n from ${t}`)).rows, [[7]]);
});

await check("a node-oracledb pool recovers after its sessions are dropped", async () => {
  const pool = await oracledb.createPool({ ...creds, connectString, poolMin: 2, poolMax: 2 });
  try {
    // Drop only once the pool has its sessions: a drop in the middle of the pool's own
    // background logon is reported by that logon, which is not what this checks.
    for (let i = 0; i < 250 && pool.connectionsOpen < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(pool.connectionsOpen, 2);
    const c = await pool.getConnection();
    await c.ping();
    await c.close();
    await admin("drop");
    for (let i = 0; i < 3; i++) {
      const c = await pool.getConnection();
      try {
        assert.deepEqual((await c.execute("select 1 from dual")).rows, [[1]]);
      } finally {
        await c.close();
      }
    }
  } finally {
    await pool.close(0);
  }
});

console.log(`node-oracledb faults: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
