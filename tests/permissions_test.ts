import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { SKIP_SERVER, startTestServer } from "./_server.ts";

const server = { skip: SKIP_SERVER };
// tests/*.ts under Deno, dist/tests/*.js under Node: the child is always the .ts source.
const up = import.meta.url.endsWith(".ts") ? "../" : "../../";
const root = fileURLToPath(new URL(up, import.meta.url));

function runChildAs(
  flags: string[],
  connectString: string,
  user: string,
  password: string,
): string {
  return execFileSync(
    `${root}node_modules/.bin/deno`,
    [
      "run",
      "--no-prompt",
      "--allow-ffi",
      "--allow-read",
      "--allow-env",
      ...flags,
      `${root}tests/_net_child.ts`,
      connectString,
      user,
    ],
    // The password in the environment: arguments show in `ps`.
    {
      encoding: "utf8",
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, ORADB_NET_CHILD_PASSWORD: password },
    },
  ).trim();
}

test(
  "Deno's --deny-net stops a connection, --allow-net=HOST:PORT lets it through",
  server,
  async () => {
    await using db = await startTestServer();
    const runChild = (flags: string[], cs: string) => runChildAs(flags, cs, db.user, db.password);
    const hostPort = `${db.host}:${db.port}`;
    const denied = runChild(["--deny-net"], db.connectString);
    assert.match(
      denied,
      new RegExp(`^ODB-1005 .*network access to ${hostPort}.*--allow-net=${hostPort}`),
    );
    assert.match(runChild([`--allow-net=${db.host}:1`], db.connectString), /^ODB-1005 /);
    assert.match(runChild([], db.connectString), /^ODB-1005 /, "no flag (a prompt) is refused");
    assert.equal(runChild([`--allow-net=${hostPort}`], db.connectString), "ok");
    const descriptor =
      `(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=${db.host})(PORT=${db.port}))` +
      `(ADDRESS=(PROTOCOL=TCP)(HOST=10.255.255.1)(PORT=1521)))(CONNECT_DATA=(SERVICE_NAME=${db.service})))`;
    assert.match(
      runChild([`--allow-net=${hostPort}`], descriptor),
      /^ODB-1005 .*10\.255\.255\.1:1521/,
      "every address of a descriptor must be allowed",
    );
  },
);
