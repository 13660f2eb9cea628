/**
 * A PL/SQL session callback: `sessionCallback` names a stored procedure
 * `(requested_tag IN VARCHAR2, actual_tag IN VARCHAR2)` that the pool calls inside the session
 * whenever the tag an `acquire()` asks for differs from the session's (one round trip, no JS
 * callback); the session then carries the requested tag. The example creates the
 * procedure itself (a standalone procedure: on Oracle it would usually live in a package,
 * `sessionCallback: "pkg.init_session"`; the test server has no packages).
 *
 * Deno: ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING=localhost:1521/FREEPDB1 \
 *   deno run --allow-ffi --allow-read --allow-net --allow-env examples/plsql_session_callback.ts
 * Node: npm run build:test && node dist/examples/plsql_session_callback.js (same variables).
 * It checks its results and exits non-zero on a wrong one.
 *
 * @module
 */

import assert from "node:assert/strict";
import { connect, type Connection, createPool } from "../mod.ts";
import { credentials } from "./_env.ts";

const PROCEDURE = `
CREATE OR REPLACE PROCEDURE example_init_session(
  requested_tag IN VARCHAR2,
  actual_tag IN VARCHAR2
) IS
BEGIN
  IF INSTR(requested_tag, 'fmt=iso') > 0 THEN
    EXECUTE IMMEDIATE 'ALTER SESSION SET NLS_DATE_FORMAT = ''YYYY-MM-DD''';
  ELSIF INSTR(requested_tag, 'fmt=us') > 0 THEN
    EXECUTE IMMEDIATE 'ALTER SESSION SET NLS_DATE_FORMAT = ''MM/DD/YYYY''';
  END IF;
  DBMS_APPLICATION_INFO.SET_CLIENT_INFO('tagged by PL/SQL: ' || requested_tag);
END;`;

async function sessionState(conn: Connection): Promise<[string, string]> {
  const { rows } = await conn.execute<[string, string]>(
    "SELECT TO_CHAR(DATE '2024-05-06'), SYS_CONTEXT('USERENV', 'CLIENT_INFO') FROM dual",
    [],
    { outFormat: "array" },
  );
  return rows![0];
}

{
  await using setup = await connect(credentials());
  await setup.execute(PROCEDURE);
}

await using pool = await createPool({
  ...credentials(),
  poolMax: 1,
  sessionCallback: "example_init_session",
});

{
  // No tag asked for, none carried: the procedure is not called.
  await using conn = await pool.acquire();
  assert.equal(pool.getStatistics().callbackInvocations, 0);
  assert.equal(conn.tag, "");
}

{
  await using conn = await pool.acquire({ tag: "fmt=iso" });
  const state = await sessionState(conn);
  console.log(`tag "${conn.tag}":`, state);
  assert.deepEqual(state, ["2024-05-06", "tagged by PL/SQL: fmt=iso"]);
  assert.equal(conn.tag, "fmt=iso");
}

{
  // The session kept its tag: asking for it again calls nothing.
  await using conn = await pool.acquire({ tag: "fmt=iso" });
  assert.deepEqual(await sessionState(conn), ["2024-05-06", "tagged by PL/SQL: fmt=iso"]);
  assert.equal(pool.getStatistics().callbackInvocations, 1);
}

{
  await using conn = await pool.acquire({ tag: "fmt=us", matchAnyTag: true });
  const state = await sessionState(conn);
  console.log(`tag "${conn.tag}":`, state);
  assert.deepEqual(state, ["05/06/2024", "tagged by PL/SQL: fmt=us"]);
  assert.equal(pool.getStatistics().callbackInvocations, 2);
}

{
  await using cleanup = await connect(credentials());
  await cleanup.execute("DROP PROCEDURE example_init_session");
}
