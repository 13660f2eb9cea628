import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, createPool, ErrorCode, OracleError } from "../mod.ts";
import { callSite, odbError, toOracleError } from "../src/errors.ts";
import { SKIP_SERVER, startTestServer } from "./_server.ts";

test("OracleError carries code, errorNum, offset, isRecoverable and cause", () => {
  const cause = new Error("inner");
  const e = new OracleError("ORA-00942: table or view does not exist", {
    code: "ORA-00942",
    offset: 14,
    isRecoverable: true,
    cause,
  });
  assert.ok(e instanceof Error);
  assert.equal(e.name, "OracleError");
  assert.equal(e.code, "ORA-00942");
  assert.equal(e.errorNum, 942);
  assert.equal(e.offset, 14);
  assert.equal(e.isRecoverable, true);
  assert.equal(e.cause, cause);
});

test("own error codes are grouped by range", () => {
  const ranges: Record<string, string> = {
    NATIVE_LOAD_FAILED: "1",
    INVALID_DSN_ARGUMENT: "1",
    THICK_LIBRARY_NOT_LOADED: "1",
    THICK_UNAVAILABLE: "1",
    POOL_CLOSED: "2",
    POOL_QUEUE_FULL: "2",
    POOL_WAIT_TIMEOUT: "2",
    NOT_FROM_POOL: "2",
    ACQUIRE_ABORTED: "2",
    UNSUPPORTED_BIND_VALUE: "3",
    NON_FINITE_NUMBER: "3",
    INVALID_BIND_SPEC: "3",
    BIND_SHAPE_MISMATCH: "3",
    FETCH_CONVERSION_FAILED: "3",
    BIND_COUNT_MISMATCH: "3",
    BIND_MISSING: "3",
    BIND_NOT_IN_STATEMENT: "3",
    INTERNAL: "4",
    MALFORMED_VALUE_BUFFER: "4",
    CONNECTION_CLOSED: "5",
    CURSOR_CLOSED: "5",
    INVALID_OPTION: "5",
    UNKNOWN_OPTION: "5",
    CALL_ABORTED: "5",
    INVALID_ARGUMENT: "5",
    USER_CODE_FAILED: "5",
  };
  assert.deepEqual(Object.keys(ErrorCode).sort(), Object.keys(ranges).sort());
  for (const [name, code] of Object.entries(ErrorCode)) {
    assert.match(code, new RegExp(`^ODB-${ranges[name]}\\d{3}$`), name);
  }
  assert.equal(new Set(Object.values(ErrorCode)).size, Object.keys(ErrorCode).length);
});

test("odbError prefixes the message with its code", () => {
  const e = odbError(ErrorCode.CURSOR_CLOSED, "Cursor is closed");
  assert.equal(e.message, "ODB-5001: Cursor is closed");
  assert.equal(e.errorNum, 5001);
  assert.equal(e.offset, 0);
  assert.equal(e.isRecoverable, false);
});

test("a native rejection becomes an OracleError with the native fields and the error as cause", () => {
  const native = Object.assign(new Error("ORA-01017: invalid username/password; logon denied"), {
    code: "ORA-01017",
    errorNum: 1017,
    offset: 0,
    isRecoverable: false,
  });
  const e = toOracleError(native);
  assert.equal(e.message, "ORA-01017: invalid username/password; logon denied");
  assert.equal(e.code, "ORA-01017");
  assert.equal(e.errorNum, 1017);
  assert.equal(e.cause, native);
});

test("a rejection without a code becomes ODB-4000 with the text kept", () => {
  const e = toOracleError(new Error("panicked at src/lib.rs"));
  assert.equal(e.code, "ODB-4000");
  assert.equal(e.message, "ODB-4000: panicked at src/lib.rs");
  assert.equal(toOracleError("plain string").message, "ODB-4000: plain string");
});

async function nativeLikeCall(): Promise<never> {
  await new Promise((r) => setTimeout(r, 1));
  throw Object.assign(new Error("ORA-00942: table or view does not exist"), { code: "ORA-00942" });
}

// A public method as the library writes it: capture at entry, splice on rejection.
async function publicMethod(): Promise<void> {
  const site = callSite();
  try {
    await nativeLikeCall();
  } catch (e) {
    throw toOracleError(e, site);
  }
}

test("the stack of a converted error points at the user's call, not at the glue", async () => {
  let err: OracleError | undefined;
  try {
    await publicMethod(); // the user's call
  } catch (e) {
    err = e as OracleError;
  }
  assert.ok(err);
  const lines = err.stack!.split("\n");
  assert.equal(lines[0], "OracleError: ORA-00942: table or view does not exist");
  assert.match(lines[1], /publicMethod/);
  assert.match(err.stack!, /errors_test\.[tj]s/);
  assert.doesNotMatch(err.stack!, /nativeLikeCall|callSite/);
});

test("connect with a bad password fails with ORA-01017 pointing at the caller", {
  skip: SKIP_SERVER,
}, async () => {
  await using db = await startTestServer();
  const err = await connect({ user: db.user, password: "wrong", connectString: db.connectString })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(err instanceof OracleError);
  assert.equal(err.code, "ORA-01017");
  assert.equal(err.errorNum, 1017);
  assert.match(err.stack!, /errors_test\.[tj]s/);
});

test(
  "a query of a missing table fails with ORA-00942 and its offset",
  { skip: SKIP_SERVER },
  async () => {
    await using db = await startTestServer();
    await using conn = await connect({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
    });
    const err = await conn.execute("SELECT * FROM no_such_table").then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof OracleError);
    assert.equal(err.code, "ORA-00942");
    assert.equal(err.offset, 14);
    assert.match(err.message, /^ORA-00942: table or view does not exist/);
    assert.match(err.stack!.split("\n")[1], /execute/);
    // The connection stays usable after a statement error.
    const { rows } = await conn.execute("SELECT 1 AS one FROM dual");
    assert.deepEqual(rows, [{ ONE: 1 }]);
  },
);

test(
  "errors of execute, commit and pool.acquire name the awaiting user function",
  { skip: SKIP_SERVER },
  async () => {
    await using db = await startTestServer();
    const creds = { user: db.user, password: db.password, connectString: db.connectString };
    const conn = await connect(creds);
    async function userQuery() {
      await conn.execute("select * from missing_table");
    }
    async function userCommit() {
      await conn.commit();
    }
    const pool = await createPool({ ...creds, poolMin: 0 });
    await pool.close();
    async function userAcquire() {
      await pool.acquire();
    }
    const stackOf = (p: Promise<unknown>) => p.then(() => "", (e: OracleError) => e.stack ?? "");
    const query = await stackOf(userQuery());
    assert.match(query, /^OracleError: ORA-00942/);
    assert.match(query, /at (async )?userQuery .*errors_test\.[tj]s/);
    await conn.close();
    assert.match(await stackOf(userCommit()), /at (async )?userCommit .*errors_test\.[tj]s/);
    const acquire = await stackOf(userAcquire());
    assert.match(acquire, /^OracleError: ODB-2001/);
    assert.match(acquire, /at (async )?userAcquire .*errors_test\.[tj]s/);
  },
);
