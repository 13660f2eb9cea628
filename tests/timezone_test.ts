import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { BIND_OUT, connect, DB_TYPE_TIMESTAMP_TZ } from "../mod.ts";
import { localTimeZone } from "../src/connect.ts";
import { SKIP_SERVER, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER };

/** Runs tests/_tz_child in a fresh process with `TZ` set; its JSON line. */
function child(tz: string, connectString: string, user: string, password: string) {
  const ts = import.meta.url.endsWith(".ts");
  const script = fileURLToPath(new URL(`./_tz_child.${ts ? "ts" : "js"}`, import.meta.url));
  const args = ts ? ["run", "--allow-all", script] : [script];
  const r = spawnSync(process.execPath, [...args, connectString, user], {
    env: { ...process.env, TZ: tz, ORADB_TZ_CHILD_PASSWORD: password },
    encoding: "utf8",
    timeout: 60_000,
  });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  assert.ok(line.startsWith("{"), `child gave no result (${r.status}): ${r.stderr.slice(-800)}`);
  return JSON.parse(line);
}

test("localTimeZone writes the offset as Oracle takes it", () => {
  const at = (minutesWest: number) => ({ getTimezoneOffset: () => minutesWest }) as Date;
  assert.equal(localTimeZone(at(-330)), "+05:30");
  assert.equal(localTimeZone(at(480)), "-08:00");
  assert.equal(localTimeZone(at(0)), "+00:00");
  assert.equal(localTimeZone(at(-765)), "+12:45");
});

const zones: [string, string[]][] = [
  ["Asia/Kolkata", ["+05:30"]],
  ["America/Los_Angeles", ["-08:00", "-07:00"]],
];
for (const [tz, offsets] of zones) {
  test(
    `in ${tz}, a Date keeps its instant in TIMESTAMP WITH TIME ZONE, TIMESTAMP and DATE`,
    server,
    async () => {
      await using db = await startTestServer();
      const r = child(tz, db.connectString, db.user, db.password);
      assert.equal(r.error, undefined, r.error);
      // The zone's offset now (Los Angeles: -08:00 or, in summer, -07:00).
      assert.ok(offsets.includes(r.sessionTimeZone), r.sessionTimeZone);
      const at = r.instant;
      assert.deepEqual(r.rows, [[1, at, at, at], [2, at, null, null]]);
      // SYSTIMESTAMP and CURRENT_TIMESTAMP are instants; LOCALTIMESTAMP is the session's wall
      // clock, read as a local time: each is now, whatever the zone.
      for (const skew of r.skewMs) assert.ok(skew < 60_000, `skew ${r.skewMs}`);
    },
  );
}

test(
  "a region session zone gives each zone-less value the offset of its own date",
  server,
  async () => {
    await using db = await startTestServer();
    const conn = await connect({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
    });
    try {
      await conn.execute("alter session set time_zone = 'Europe/Paris'");
      await conn.execute("create table tzr (id number, t timestamp with time zone)");
      await conn.execute("insert into tzr values (1, timestamp '2026-07-01 12:00:00')");
      await conn.execute("insert into tzr values (2, timestamp '2026-12-15 12:00:00')");
      // A zone-less TSTZ expression too (it was read at today's offset).
      await conn.execute(
        "insert into tzr select 3, cast(timestamp '2026-07-01 12:00:00' as timestamp with time zone) from dual",
      );
      const r = await conn.execute<unknown[]>(
        "select to_char(t, 'TZH:TZM'), t from tzr order by id",
        [],
        { outFormat: "array" },
      );
      const rows = r.rows?.map(([zone, t]) => [zone, (t as Date).toISOString()]);
      // Paris is +02:00 in July and +01:00 in December, whatever today's offset.
      assert.deepEqual(rows, [
        ["+02:00", "2026-07-01T10:00:00.000Z"],
        ["+01:00", "2026-12-15T11:00:00.000Z"],
        ["+02:00", "2026-07-01T10:00:00.000Z"],
      ]);
      const cast = await conn.execute<unknown[]>(
        "select cast(timestamp '2026-07-01 12:00:00' as timestamp with time zone) from dual",
        [],
        { outFormat: "array" },
      );
      assert.equal((cast.rows?.[0][0] as Date).toISOString(), "2026-07-01T10:00:00.000Z");
    } finally {
      await conn.close();
    }
  },
);

test(
  "a PL/SQL OUT bind of TIMESTAMP WITH TIME ZONE gets a zone-less value in the session's zone",
  server,
  async () => {
    await using db = await startTestServer();
    const conn = await connect({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
    });
    try {
      await conn.execute("alter session set time_zone = 'Europe/Paris'");
      const r = await conn.execute(
        "begin :s := timestamp '2026-07-01 12:00:00'; :w := timestamp '2026-12-15 12:00:00'; " +
          ":z := timestamp '2026-07-01 12:00:00 +05:30'; end;",
        {
          s: { dir: BIND_OUT, type: DB_TYPE_TIMESTAMP_TZ },
          w: { dir: BIND_OUT, type: DB_TYPE_TIMESTAMP_TZ },
          z: { dir: BIND_OUT, type: DB_TYPE_TIMESTAMP_TZ },
        },
      );
      const out = r.outBinds as Record<string, Date>;
      // Paris: +02:00 in July, +01:00 in December (it was UTC: 12:00Z).
      assert.equal(out.s.toISOString(), "2026-07-01T10:00:00.000Z");
      assert.equal(out.w.toISOString(), "2026-12-15T11:00:00.000Z");
      // A value with its own zone keeps it.
      assert.equal(out.z.toISOString(), "2026-07-01T06:30:00.000Z");
    } finally {
      await conn.close();
    }
  },
);
