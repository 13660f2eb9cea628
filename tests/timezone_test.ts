import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
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
