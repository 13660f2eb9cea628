/**
 * Iterates a 100,000-row cursor and prints, as one JSON line, the rows seen, their id sum, the
 * largest event-loop stall a 1 ms interval saw and the RSS growth. Run by `load_test.ts` in its
 * own process: a test runner's promise hooks (node:test tracks every promise) add garbage and
 * GC pauses of their own, which are not the driver's.
 *
 * Usage: `<runtime> _iterate_probe CONNECT_STRING USER PASSWORD`
 *
 * @module
 */

import process from "node:process";
import { connect } from "../mod.ts";

const [connectString, user, password] = process.argv.slice(-3);
await using conn = await connect({ user, password, connectString });
// Warm up the code paths, then measure.
for await (const _ of conn.cursor("select * from big where id < 1000")) { /* warm-up */ }
const before = process.memoryUsage().rss;
let worst = 0;
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  worst = Math.max(worst, now - last - 1);
  last = now;
}, 1);
let count = 0;
let sum = 0;
try {
  for await (
    const row of conn.cursor<{ ID: number }>("select * from big order by id", [], {
      fetchArraySize: 1000,
    })
  ) {
    count++;
    sum += row.ID;
  }
} finally {
  clearInterval(timer);
}
const grownMiB = (process.memoryUsage().rss - before) / (1024 * 1024);
console.log(JSON.stringify({ count, sum, worst, grownMiB }));
