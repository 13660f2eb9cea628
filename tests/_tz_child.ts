// Spawned by timezone_test.ts with a TZ environment: writes and reads datetimes in that zone
// and prints one JSON line. Thick mode too when ORADB_TEST_MODE=thick (through _server.ts).
import process from "node:process";
import { connect } from "../mod.ts";
import "./_server.ts";

const [connectString, user] = process.argv.slice(2);
const password = process.env.ORADB_TZ_CHILD_PASSWORD ?? "";
const out: Record<string, unknown> = { offset: -new Date().getTimezoneOffset() };
try {
  await using conn = await connect({ user, password, connectString });
  const tz = await conn.execute<{ TZ: string }>("select sessiontimezone as tz from dual");
  out.sessionTimeZone = tz.rows![0].TZ;
  await conn.execute(
    "create table tz_child (id number, t timestamp with time zone, w timestamp, d date)",
  );
  try {
    // Now, to the second: a value with the offset the session got at connect (summer time).
    const d = new Date(Math.floor(Date.now() / 1000) * 1000);
    out.instant = d.toISOString();
    await conn.execute("insert into tz_child values (1, :1, :2, :3)", [d, d, d]);
    await conn.execute(
      "insert into tz_child values (2, to_timestamp_tz(:1, 'YYYY-MM-DD HH24:MI:SS TZH:TZM'), " +
        "null, null)",
      // The same instant written at +05:30.
      [
        new Date(d.getTime() + 330 * 60_000).toISOString().slice(0, 19).replace("T", " ") +
        " +05:30",
      ],
    );
    const r = await conn.execute<{ ID: number; T: Date; W: Date | null; D: Date | null }>(
      "select id, t, w, d from tz_child order by id",
    );
    out.rows = r.rows!.map((
      x,
    ) => [x.ID, x.T.toISOString(), x.W?.toISOString(), x.D?.toISOString()]);
    const n = await conn.execute<{ S: Date; C: Date; L: Date }>(
      "select systimestamp as s, current_timestamp as c, localtimestamp as l from dual",
    );
    const now = Date.now();
    out.skewMs = [n.rows![0].S, n.rows![0].C, n.rows![0].L].map((v) => Math.abs(v.getTime() - now));
  } finally {
    await conn.execute("drop table tz_child");
  }
} catch (e) {
  out.error = String(e);
}
console.log(JSON.stringify(out));
