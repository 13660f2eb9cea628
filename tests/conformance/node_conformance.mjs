// Conformance checks: unmodified node-oracledb (Thin) against oradb-testserver.
// Usage: node node_conformance.mjs HOST:PORT [SERVICE]
// Ends with "node-oracledb: N passed, M failed".
import assert from "node:assert/strict";
import oracledb from "oracledb";

const [addr, service = "FREEPDB1"] = process.argv.slice(2);
const [host, port] = [addr.slice(0, addr.lastIndexOf(":")), addr.slice(addr.lastIndexOf(":") + 1)];
const creds = { user: "scott", password: "tiger" };
const connectString = `${host}:${port}/${service}`;
let passed = 0;
let failed = 0;

// Connections a check opened; closed after it even when it fails, so a failed
// check cannot hold locks that make the next one fail too.
const open = [];
async function check(name, fn) {
  try {
    await fn();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n  ${e?.stack ?? e}`);
  }
  for (const c of open.splice(0)) await c.close().catch(() => {});
}
const connect = async (extra = {}) => {
  const c = await oracledb.getConnection({ ...creds, connectString, ...extra });
  open.push(c);
  return c;
};
async function expectError(code, fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(String(e.message).includes(code), `expected ${code}, got ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}, nothing thrown`);
}

const NUMS = [
  "0",
  "-1",
  "0.1",
  "1e-130",
  "9.99e125",
  "12345678901234567890123456789012345678",
  "-0.001",
];
// node-oracledb Thin turns NUMBER bytes into plain decimal text, without a
// leading zero before the point.
const asOracleText = (s) => {
  const map = {
    "1e-130": "." + "0".repeat(129) + "1",
    "9.99e125": "999" + "0".repeat(123),
    "-0.001": "-.001",
    "0.1": ".1",
  };
  return map[s] ?? s;
};

await check("easy connect, SERVICE_NAME and SID descriptors", async () => {
  for (
    const cs of [
      connectString,
      `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=${host})(PORT=${port}))(CONNECT_DATA=(SERVICE_NAME=${service})))`,
      `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=${host})(PORT=${port}))(CONNECT_DATA=(SID=${service})))`,
    ]
  ) {
    const c = await oracledb.getConnection({ ...creds, connectString: cs });
    const r = await c.execute("select 1 from dual");
    assert.deepEqual(r.rows, [[1]]);
    await c.close();
  }
});

await check("wrong password ORA-01017, unknown service ORA-12514", async () => {
  await expectError(
    "ORA-01017",
    () => oracledb.getConnection({ ...creds, password: "bad", connectString }),
  );
  // node-oracledb Thin reports the listener's ORA-12514 as NJS-518.
  await expectError(
    "NJS-518",
    () => oracledb.getConnection({ ...creds, connectString: `${host}:${port}/NOPE` }),
  );
});

await check("every type and NULL with positional and named binds", async () => {
  const c = await connect();
  await c.execute(
    `create table nj_types (id number(9) primary key, n number, vc varchar2(50), ch char(5),
    d date, ts timestamp(6), r raw(16), bd binary_double, cl clob, bl blob, b boolean)`,
  );
  const d = new Date(2024, 2, 5, 14, 7, 9);
  const ts = new Date(2024, 2, 5, 14, 7, 9, 123);
  await c.execute("insert into nj_types values (:1,:2,:3,:4,:5,:6,:7,:8,:9,:10,:11)", [
    1,
    123.456,
    "héllo",
    "ab",
    d,
    ts,
    Buffer.from([0, 1, 255]),
    1.5,
    "clob text",
    Buffer.from("blob"),
    true,
  ]);
  await c.execute("insert into nj_types values (:id,:n,:vc,:ch,:d,:ts,:r,:bd,:cl,:bl,:b)", {
    id: 2,
    n: null,
    vc: null,
    ch: null,
    d: null,
    ts: null,
    r: null,
    bd: null,
    cl: null,
    bl: null,
    b: null,
  });
  await c.commit();
  const r = await c.execute("select * from nj_types order by id", [], {
    fetchInfo: { CL: { type: oracledb.STRING }, BL: { type: oracledb.BUFFER } },
  });
  assert.deepEqual(r.rows[0], [
    1,
    123.456,
    "héllo",
    "ab   ",
    d,
    ts,
    Buffer.from([0, 1, 255]),
    1.5,
    "clob text",
    Buffer.from("blob"),
    true,
  ]);
  assert.deepEqual(r.rows[1], [2, null, null, null, null, null, null, null, null, null, null]);
  await c.execute("drop table nj_types");
  await c.close();
});

await check("10,000-row select over many round trips, exact numbers", async () => {
  const c = await connect();
  await c.execute("create table nj_many (id number(10) primary key, n number, s varchar2(40))");
  const rows = Array.from({ length: 10000 }, (_, i) => [i, NUMS[i % NUMS.length], `row ${i}`]);
  await c.executeMany("insert into nj_many values (:1, to_number(:2), :3)", rows);
  await c.commit();
  for (const [fetchArraySize, prefetchRows] of [[100, 2], [7, 3], [1000, 1000]]) {
    const r = await c.execute("select id, n, s from nj_many order by id", [], {
      fetchArraySize,
      prefetchRows,
      fetchInfo: { N: { type: oracledb.STRING } },
    });
    assert.equal(r.rows.length, 10000);
    r.rows.forEach(([i, n, s], k) => {
      assert.equal(i, k);
      assert.equal(n, asOracleText(rows[k][1]), `row ${k}`);
      assert.equal(s, `row ${k}`);
    });
  }
  await c.execute("drop table nj_many");
  await c.close();
});

await check(
  "executeMany of 10,000 rows with row counts and batch errors; update count",
  async () => {
    const c = await connect();
    await c.execute("create table nj_batch (id number primary key, v varchar2(10))");
    const data = Array.from({ length: 10000 }, (_, i) => [i, `v${i}`]);
    data[10] = [5, "dup"];
    data[20] = [7, "dup"];
    const r = await c.executeMany("insert into nj_batch values (:1, :2)", data, {
      batchErrors: true,
      dmlRowCounts: true,
    });
    // Thin mode gives batch errors an offset and the server's message.
    assert.deepEqual(r.batchErrors.map((e) => [e.offset, e.message.slice(0, 9)]), [[
      10,
      "ORA-00001",
    ], [20, "ORA-00001"]]);
    assert.equal(r.dmlRowCounts.length, 10000);
    assert.equal(r.dmlRowCounts[10], 0);
    // Rows 10 and 20 were rejected, so ids 10 and 20 are missing.
    const u = await c.execute("update nj_batch set v = 'x' where id < 100");
    assert.equal(u.rowsAffected, 98);
    await c.execute("drop table nj_batch");
    // DML without binds, run n times (only the count is sent): it ran once.
    await c.execute("create table nj_nobind (n number)");
    const n = await c.executeMany("insert into nj_nobind values (67)", 6);
    assert.equal(n.rowsAffected, 6);
    const count = await c.execute("select count(*) from nj_nobind");
    assert.equal(count.rows[0][0], 6);
    await c.execute("drop table nj_nobind");
    await c.close();
  },
);

await check("commit/rollback visibility between two sessions", async () => {
  const a = await connect();
  const b = await connect();
  await a.execute("create table nj_vis (id number)");
  await a.execute("insert into nj_vis values (1)");
  assert.deepEqual((await b.execute("select count(*) from nj_vis")).rows, [[0]]);
  await a.commit();
  assert.deepEqual((await b.execute("select count(*) from nj_vis")).rows, [[1]]);
  await a.execute("insert into nj_vis values (2)");
  await a.rollback();
  assert.deepEqual((await b.execute("select count(*) from nj_vis")).rows, [[1]]);
  await a.execute("drop table nj_vis");
  await a.close();
  await b.close();
});

await check("sequences, identity, RETURNING INTO, PL/SQL OUT binds", async () => {
  const c = await connect();
  await c.execute("create sequence nj_seq start with 10 increment by 5");
  assert.deepEqual((await c.execute("select nj_seq.nextval from dual")).rows, [[10]]);
  assert.deepEqual((await c.execute("select nj_seq.nextval, nj_seq.currval from dual")).rows, [[
    15,
    15,
  ]]);
  await c.execute(
    "create table nj_ident (id number generated by default on null as identity, v varchar2(10))",
  );
  const r = await c.execute("insert into nj_ident (v) values (:v) returning id into :o", {
    v: "a",
    o: { dir: oracledb.BIND_OUT, type: oracledb.NUMBER },
  });
  assert.deepEqual(r.outBinds.o, [1]);
  const p = await c.execute("begin :a := 6 * 7; :b := 'out' || 'put'; end;", {
    a: { dir: oracledb.BIND_OUT, type: oracledb.NUMBER },
    b: { dir: oracledb.BIND_OUT, type: oracledb.STRING, maxSize: 20 },
  });
  assert.deepEqual(p.outBinds, { a: 42, b: "output" });
  await c.execute("drop table nj_ident");
  await c.execute("drop sequence nj_seq");
  await c.close();
});

await check("1 MiB CLOB and BLOB fetched as string and Buffer", async () => {
  const c = await connect();
  await c.execute("create table nj_lob (id number, c clob, b blob)");
  const text = "abcdefghij".repeat(104858).slice(0, 1 << 20);
  const blob = Buffer.alloc(1 << 20, 7);
  await c.execute("insert into nj_lob values (1, :c, :b)", { c: text, b: blob });
  const r = await c.execute("select c, b from nj_lob", [], {
    fetchInfo: { C: { type: oracledb.STRING }, B: { type: oracledb.BUFFER } },
  });
  assert.equal(r.rows[0][0], text);
  assert.ok(blob.equals(r.rows[0][1]));
  await c.execute("drop table nj_lob");
  await c.close();
});

await check("each error from a real statement", async () => {
  const c = await connect();
  await c.execute(
    "create table nj_err (id number primary key, v varchar2(5), n number check (n > 0))",
  );
  await c.execute("insert into nj_err values (1, 'a', 1)");
  for (
    const [code, sql] of [
      ["ORA-00942", "select * from no_such_table"],
      ["ORA-00904", "select no_such_col from dual"],
      ["ORA-00001", "insert into nj_err values (1, 'a', 1)"],
      ["ORA-01400", "insert into nj_err (id) values (null)"],
      ["ORA-02290", "insert into nj_err values (2, 'b', -1)"],
      ["ORA-01722", "select to_number('abc') from dual"],
      ["ORA-01476", "select 1/0 from dual"],
      ["ORA-00900", "frobnicate the database"],
      ["ORA-00933", "select 1 from dual dual dual"],
      ["ORA-02289", "select no_such_seq.nextval from dual"],
    ]
  ) {
    await expectError(code, () => c.execute(sql));
  }
  await c.execute("drop table nj_err");
  await c.close();
});

await check("ping, break of dbms_session.sleep(10) within 2 s, reuse, close", async () => {
  const c = await connect();
  await c.ping();
  const start = Date.now();
  setTimeout(() => c.break(), 300);
  await expectError("ORA-01013", () => c.execute("begin dbms_session.sleep(10); end;"));
  assert.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`);
  assert.deepEqual((await c.execute("select 7 from dual")).rows, [[7]]);
  await c.close();
});

const unique = (p) => p + Math.random().toString(16).slice(2, 8).toUpperCase();

await check("ALTER SESSION and SYS_CONTEXT; V$SESSION shows this and other sessions", async () => {
  const c = await connect();
  const other = await connect();
  await c.execute(`alter session set nls_date_format = 'DD/MM/YYYY'`);
  assert.deepEqual((await c.execute("select to_char(date '2024-05-06') from dual")).rows, [[
    "06/05/2024",
  ]]);
  const [[sid, user, schema]] = (await c.execute(
    "select sys_context('USERENV', 'SID'), sys_context('USERENV', 'SESSION_USER'), " +
      "sys_context('USERENV', 'CURRENT_SCHEMA') from dual",
  )).rows;
  assert.deepEqual([user, schema], ["SCOTT", "SCOTT"]);
  c.module = "nj-module";
  c.action = "nj-action";
  const [[mod, act]] = (await c.execute(
    "select module, action from v$session where sid = :1",
    [Number(sid)],
  )).rows;
  assert.deepEqual([mod, act], ["nj-module", "nj-action"]);
  const [[otherSid]] = (await other.execute("select sys_context('USERENV', 'SID') from dual")).rows;
  const [[seen]] = (await c.execute(
    "select count(*) from v$session where sid in (:1, :2) and username = 'SCOTT'",
    [Number(sid), Number(otherSid)],
  )).rows;
  assert.equal(seen, 2);
});

await check("exact round trips: 3 pings and a commit between two reads are 5", async () => {
  const c = await connect();
  const read = async () =>
    (await c.execute(
      "select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic# " +
        "where n.name = 'SQL*Net roundtrips to/from client'",
    )).rows[0][0];
  const before = await read();
  for (let i = 0; i < 3; i++) await c.ping();
  await c.commit();
  assert.equal(await read() - before, 5);
});

await check(
  "stored procedure with OUT parameters, a function, DBMS_OUTPUT (GET_LINE, GET_LINES)",
  async () => {
    const c = await connect();
    await c.execute(`create or replace procedure nj_split(p_in in varchar2, p_len out number,
      p_up out varchar2) is
    begin
      p_len := length(p_in);
      p_up := upper(p_in);
    end;`);
    await c.execute(`create or replace function nj_twice(n in number) return number is
    begin
      return n * 2;
    end;`);
    const r = await c.execute("begin nj_split(:s, :len, :up); end;", {
      s: "hello",
      len: { dir: oracledb.BIND_OUT, type: oracledb.NUMBER },
      up: { dir: oracledb.BIND_OUT, type: oracledb.STRING, maxSize: 20 },
    });
    assert.deepEqual(r.outBinds, { len: 5, up: "HELLO" });
    const f = await c.execute("begin :r := nj_twice(21); end;", {
      r: { dir: oracledb.BIND_OUT, type: oracledb.NUMBER },
    });
    assert.equal(f.outBinds.r, 42);
    await c.execute("begin dbms_output.enable; dbms_output.put_line('from node'); end;");
    const line = await c.execute("begin dbms_output.get_line(:l, :st); end;", {
      l: { dir: oracledb.BIND_OUT, type: oracledb.STRING, maxSize: 100 },
      st: { dir: oracledb.BIND_OUT, type: oracledb.NUMBER },
    });
    assert.deepEqual(line.outBinds, { l: "from node", st: 0 });
    await c.execute("begin for i in 1..4 loop dbms_output.put_line('n' || i); end loop; end;");
    const many = await c.execute("begin dbms_output.get_lines(:lines, :n); end;", {
      lines: { type: oracledb.STRING, dir: oracledb.BIND_OUT, maxArraySize: 3, maxSize: 50 },
      n: { type: oracledb.NUMBER, dir: oracledb.BIND_INOUT, val: 10 },
    });
    assert.deepEqual(many.outBinds, { lines: ["n1", "n2", "n3"], n: 3 });
    await c.execute("drop procedure nj_split");
    await c.execute("drop function nj_twice");
  },
);

await check("proxy logon user[client] runs as the client user", async () => {
  const admin = await connect();
  const client = unique("NC");
  await admin.execute(`create user ${client} identified by Unused1`);
  try {
    const p = await oracledb.getConnection({
      user: `scott[${client}]`,
      password: "tiger",
      connectString,
    });
    open.push(p);
    assert.deepEqual(
      (await p.execute(
        "select sys_context('USERENV', 'SESSION_USER'), sys_context('USERENV', 'PROXY_USER') from dual",
      )).rows,
      [[client, "SCOTT"]],
    );
    await p.close();
    open.pop();
  } finally {
    await admin.execute(`drop user ${client}`);
  }
});

await check("a killed session sees ORA-00028 on its next call", async () => {
  const killer = await connect();
  const victim = await connect();
  const [[sid]] = (await victim.execute("select sys_context('USERENV', 'SID') from dual")).rows;
  const [[serial]] = (await killer.execute("select serial# from v$session where sid = :1", [
    Number(sid),
  ])).rows;
  await killer.execute(`alter system kill session '${sid},${serial}'`);
  await expectError("ORA-00028", () => victim.execute("select 1 from dual"));
});

// DRCP: node-oracledb takes a standalone connection's class and purity from the
// descriptor (POOL_CONNECTION_CLASS / POOL_PURITY), a pool's from connectionClass.
const pooled = (extra = "") =>
  `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=${host})(PORT=${port}))` +
  `(CONNECT_DATA=(SERVICE_NAME=${service})(SERVER=POOLED)${extra}))`;
const one = async (c, sql, binds = []) => (await c.execute(sql, binds)).rows[0][0];
const ccStats = async (c, cclass) =>
  (await c.execute(
    "select num_requests, num_hits, num_misses from v$cpool_cc_stats where cclass_name = :1",
    [`SCOTT.${cclass}`],
  )).rows[0];

await check(
  "DRCP: POOL_PURITY=SELF reuses the class's session and state; NEW is clean",
  async () => {
    const cclass = unique("NJ");
    const fmt = "select to_char(date '2024-05-06') from dual";
    const sidSql = "select sys_context('USERENV', 'SID') from dual";
    const as = (purity) =>
      connect({
        connectString: pooled(`(POOL_CONNECTION_CLASS=${cclass})(POOL_PURITY=${purity})`),
      });
    let c = await as("SELF");
    const sid = await one(c, sidSql);
    await c.execute(`alter session set nls_date_format = 'YYYY"/"MM'`);
    await c.close();
    c = await as("SELF");
    assert.equal(await one(c, sidSql), sid);
    assert.equal(await one(c, fmt), "2024/05");
    assert.equal(await one(c, "select server from v$session where sid = :1", [sid]), "POOLED");
    await c.close();
    c = await as("NEW");
    assert.notEqual(await one(c, sidSql), sid);
    assert.equal(await one(c, fmt), "06-MAY-24");
    assert.deepEqual(await ccStats(c, cclass), [3, 1, 2]);
  },
);

await check("DRCP: a node-oracledb pool's release and reacquire keep the session", async () => {
  const cclass = unique("NP");
  const before = oracledb.connectionClass;
  oracledb.connectionClass = cclass;
  const pool = await oracledb.createPool({
    ...creds,
    connectString: pooled(),
    poolMin: 1,
    poolMax: 1,
  });
  try {
    let c = await pool.getConnection();
    const sid = await one(c, "select sys_context('USERENV', 'SID') from dual");
    await c.execute("alter session set nls_date_format = 'DD.MM.YYYY'");
    await c.close();
    c = await pool.getConnection();
    assert.equal(await one(c, "select sys_context('USERENV', 'SID') from dual"), sid);
    assert.equal(await one(c, "select to_char(date '2024-05-06') from dual"), "06.05.2024");
    assert.deepEqual(await ccStats(c, cclass), [2, 1, 1]);
    assert.equal(await one(c, "select status || ' ' || maxsize from dba_cpool_info"), "ACTIVE 40");
    await c.close();
  } finally {
    oracledb.connectionClass = before;
    await pool.close(0);
  }
});

// node-oracledb 26 reads DBTIMEZONE at every connect (ORA-00904 failed
// every connection once), and its logon ALTER SESSION writes the offset
// loosely ("-00:0" in UTC), which the server must still apply.
await check("logon time zone, DBTIMEZONE, USERENV and NLS views read at connect", async () => {
  const c = await connect();
  const off = -new Date().getTimezoneOffset();
  const pad = (n) => String(n).padStart(2, "0");
  const tz = `${off < 0 ? "-" : "+"}${pad(Math.trunc(Math.abs(off) / 60))}:${
    pad(Math.abs(off) % 60)
  }`;
  const r = await c.execute(
    `select sessiontimezone, dbtimezone, sys_context('userenv', 'cloud_service'),
       (select value from sys.nls_database_parameters where parameter = 'NLS_CHARACTERSET')
     from sys.dual`,
  );
  assert.deepEqual(r.rows, [[tz, "+00:00", null, "AL32UTF8"]]);
});

await check("object types: getDbObjectClass, objects and VARRAYs fetched and bound", async () => {
  const c = await connect();
  // run_peers.sh runs this script for each version against one server: start clean.
  for (const ddl of ["drop table nc_shapes", "drop type nc_pt force", "drop type nc_nums force"]) {
    await c.execute(ddl).catch(() => {});
  }
  await c.execute("create type nc_pt as object (x number, y varchar2(10))");
  await c.execute("create type nc_nums as varray(5) of number");
  await c.execute("create table nc_shapes (id number, p nc_pt, l nc_nums)");
  await c.execute("insert into nc_shapes values (1, nc_pt(3, 'a'), nc_nums(1, 2, 3))");
  const Pt = await c.getDbObjectClass(`${creds.user.toUpperCase()}.NC_PT`);
  assert.deepEqual(Object.keys(Pt.prototype.attributes), ["X", "Y"]);
  await c.execute("insert into nc_shapes (id, p) values (2, :p)", {
    p: new Pt({ X: 7, Y: "seven" }),
  });
  const r = await c.execute("select id, p, l from nc_shapes order by id");
  assert.deepEqual(r.rows.map(([id, p]) => [id, p.X, p.Y]), [[1, 3, "a"], [2, 7, "seven"]]);
  assert.deepEqual(Array.from(r.rows[0][2]), [1, 2, 3]);
  assert.equal(r.rows[1][2], null);
});

console.log(`node-oracledb: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
