import { test } from "node:test";
import assert from "node:assert/strict";
import { OracleError } from "../mod.ts";
import { needsTestServer, ociGap, SKIP_SERVER, startConnected } from "./_server.ts";

const server = { skip: SKIP_SERVER };

/** What the server's V$SESSION says of this session. */
async function mySession(s: Awaited<ReturnType<typeof startConnected>>) {
  const { rows } = await s.conn.execute<Record<string, string | null>>(
    `select module, action, client_identifier, client_info from v$session
      where sid = sys_context('USERENV', 'SID')`,
  );
  return rows?.[0];
}

test(
  "end-to-end attributes reach V$SESSION with the next call, without a round trip",
  ociGap("endToEnd"),
  async () => {
    await using s = await startConnected();
    const trips = async () => {
      const { rows } = await s.conn.execute<unknown[]>(
        `select m.value from v$mystat m join v$statname n on n.statistic# = m.statistic#
        where n.name = 'SQL*Net roundtrips to/from client'`,
        [],
        { outFormat: "array" },
      );
      return Number(rows?.[0][0]);
    };
    const before = await trips();
    s.conn.module = "billing";
    s.conn.action = "month end";
    s.conn.clientId = "alice";
    s.conn.clientInfo = "batch 7";
    s.conn.dbOp = "close-books";
    assert.equal(await trips(), before + 1, "setting attributes made a round trip");
    assert.deepEqual(await mySession(s), {
      MODULE: "billing",
      ACTION: "month end",
      CLIENT_IDENTIFIER: "alice",
      CLIENT_INFO: "batch 7",
    });
    assert.deepEqual(
      [s.conn.module, s.conn.action, s.conn.clientId, s.conn.clientInfo, s.conn.dbOp],
      ["billing", "month end", "alice", "batch 7", "close-books"],
    );
    // The database operation is V$SQL_MONITOR's while it is set.
    const dbOp = async () => {
      const { rows } = await s.conn.execute<unknown[]>(
        `select dbop_name from v$sql_monitor
          where sid = sys_context('USERENV', 'SID') and status = 'EXECUTING'`,
        [],
        { outFormat: "array" },
      );
      return rows?.map((r) => r[0]);
    };
    assert.deepEqual(await dbOp(), ["close-books"]);
    // Changing one leaves the others; an empty string clears.
    s.conn.action = "";
    s.conn.dbOp = "";
    assert.deepEqual(await mySession(s), {
      MODULE: "billing",
      ACTION: null,
      CLIENT_IDENTIFIER: "alice",
      CLIENT_INFO: "batch 7",
    });
    assert.deepEqual(await dbOp(), []);
  },
);

test(
  "the ECID reaches V$SESSION with the next call and an empty string clears it",
  ociGap("endToEnd"),
  async () => {
    await using s = await startConnected();
    const ecid = async () =>
      (await s.conn.execute<{ ECID: string | null }>(
        "select ecid from v$session where sid = sys_context('USERENV', 'SID')",
      )).rows?.[0].ECID;
    assert.equal(await ecid(), null);
    s.conn.module = "m";
    s.conn.ecid = "7f3c-0001:req-42";
    s.conn.clientInfo = "after the ecid";
    assert.equal(await ecid(), "7f3c-0001:req-42");
    assert.equal(s.conn.ecid, "7f3c-0001:req-42");
    // The attributes around it in the message still land in their own columns.
    assert.deepEqual(await mySession(s), {
      MODULE: "m",
      ACTION: null,
      CLIENT_IDENTIFIER: null,
      CLIENT_INFO: "after the ecid",
    });
    s.conn.ecid = "";
    assert.equal(await ecid(), null);
  },
);

test(
  "an end-to-end attribute that is not a string of at most 64 bytes is refused",
  server,
  async () => {
    await using s = await startConnected();
    for (const bad of [5, "x".repeat(65), "é".repeat(33)]) {
      assert.throws(() => s.conn.module = bad as string, (e: unknown) => {
        assert.ok(e instanceof OracleError);
        assert.equal(e.code, "ODB-5002");
        assert.match(e.message, /"module" must be a string of at most 64 bytes/);
        return true;
      });
    }
    assert.equal(s.conn.module, undefined);
  },
);

test(
  "server version as a string and as node-oracledb's number; isHealthy without a round trip",
  { skip: SKIP_SERVER || needsTestServer("fault injection: dropping every session") },
  async () => {
    await using s = await startConnected();
    const v = s.conn.oracleServerVersionString;
    assert.match(v, /^\d+\.\d+\.\d+\.\d+\.\d+$/);
    const [a, b, c, d, e] = v.split(".").map(Number);
    assert.equal(s.conn.oracleServerVersion, a * 1e8 + b * 1e6 + c * 1e4 + d * 100 + e);
    assert.equal(s.conn.isHealthy(), true);
    await s.db.faults.dropAll();
    // The server closed the socket: seen locally once the FIN has arrived.
    let healthy = true;
    for (let i = 0; i < 50 && healthy; i++) {
      await new Promise((r) => setTimeout(r, 20));
      healthy = s.conn.isHealthy();
    }
    assert.equal(healthy, false);
  },
);

test(
  "ALTER SESSION SET EDITION: the answer's session SYNC is read and the session goes on",
  server,
  async () => {
    await using s = await startConnected();
    const edition = async () => {
      const { rows } = await s.conn.execute<unknown[]>(
        "select sys_context('USERENV', 'CURRENT_EDITION_NAME') from dual",
        [],
        { outFormat: "array" },
      );
      return rows?.[0][0];
    };
    assert.equal(await edition(), "ORA$BASE");
    await s.conn.execute("create edition oradb_e1");
    await s.conn.execute("alter session set edition = oradb_e1");
    assert.equal(await edition(), "ORADB_E1");
    await assert.rejects(
      s.conn.execute("alter session set edition = no_such_edition"),
      (e: unknown) => e instanceof OracleError && e.code === "ORA-38802",
    );
    await s.conn.execute("alter session set edition = ora$base");
    assert.equal(await edition(), "ORA$BASE");
    await s.conn.execute("drop edition oradb_e1");
  },
);
