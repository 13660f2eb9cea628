/**
 * Knex, kysely-oracledb and TypeORM, unchanged, on oradb/compat and on node-oracledb Thin against one
 * test server: each step of each app must give the expected value on both drivers. Node only
 * (run by scripts/test.sh): the toolkits are CommonJS npm packages.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import compat from "../../src/compat/mod.ts";
import { SKIP_SERVER, startTestServer } from "../_server.ts";
import { EXPECTED, type Steps, type Target } from "./_app.ts";
import { knexApp, knexIncrements } from "./_knex_app.ts";
import { kyselyOracledbApp } from "./_kysely_oracledb_app.ts";
import { typeormApp } from "./_typeorm_app.ts";
import { facadeApp } from "./_facade_app.ts";

const require = createRequire(import.meta.url);
const nodeOracledb = require("oracledb") as Record<string, unknown>;
const oradb = compat as unknown as Record<string, unknown>;

type App = (driver: Record<string, unknown>, t: Target) => Promise<Steps>;

const APPS = [["Knex", knexApp], ["kysely-oracledb", kyselyOracledbApp], [
  "TypeORM",
  typeormApp,
]] as const;

for (const [name, app] of APPS) {
  test(`${name} app: same results on oradb/compat and node-oracledb`, {
    skip: SKIP_SERVER,
  }, async (t) => {
    await using srv = await startTestServer();
    const target = { user: srv.user, password: srv.password, connectString: srv.connectString };
    const theirs = await (app as App)(nodeOracledb, target);
    const ours = await (app as App)(oradb, target);
    for (const [stepName, expected] of Object.entries(EXPECTED)) {
      await t.test(`${name} ${stepName}: node-oracledb and oradb/compat both give it`, () => {
        assert.deepEqual({ oradb: ours[stepName], nodeOracledb: theirs[stepName] }, {
          oradb: expected,
          nodeOracledb: expected,
        });
      });
    }
  });
}

test("node-oracledb's API used directly: every step the same on oradb/compat", {
  skip: SKIP_SERVER,
}, async (t) => {
  await using srv = await startTestServer();
  const target = { user: srv.user, password: srv.password, connectString: srv.connectString };
  const theirs = await facadeApp(nodeOracledb, target);
  const ours = await facadeApp(oradb, target);
  assert.ok(Object.keys(theirs).length >= 15, "every step ran");
  for (const [stepName, value] of Object.entries(theirs)) {
    await t.test(`execute() API ${stepName}: oradb/compat gives what node-oracledb gives`, () => {
      assert.ok(
        typeof value !== "object" || value === null || !("error" in value),
        `node-oracledb failed the step: ${JSON.stringify(value)}`,
      );
      assert.deepEqual(ours[stepName], value);
    });
  }
});

test("Knex increments(): a sequence and trigger found through ALL_CONSTRAINTS", {
  skip: SKIP_SERVER,
}, async () => {
  await using srv = await startTestServer();
  const target = { user: srv.user, password: srv.password, connectString: srv.connectString };
  assert.equal(await knexIncrements(oradb, target), 1);
});

test("unsupported node-oracledb features throw its NJS error shape", async () => {
  assert.throws(() => compat.getPool("nope"), {
    code: "NJS-047",
    message: 'NJS-047: pool alias "nope" not found in connection pool cache',
  });
  await assert.rejects(
    compat.getConnection({ user: "u", password: "p", connectString: "h/s", externalAuth: true }),
    { code: "NJS-089", message: /^NJS-089: External authentication is not supported/ },
  );
  assert.throws(() => compat.initOracleClient(), { code: "NJS-089" });
  assert.equal(compat.OUT_FORMAT_OBJECT, nodeOracledb.OUT_FORMAT_OBJECT);
  assert.equal(compat.BIND_OUT, nodeOracledb.BIND_OUT);
  assert.equal(compat.DB_TYPE_NUMBER.num, (nodeOracledb.DB_TYPE_NUMBER as { num: number }).num);
});
