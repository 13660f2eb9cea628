import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

/** The repository root: tests run from `tests/` under Deno and from `dist/tests/` under Node. */
const ROOT = fileURLToPath(
  new URL(import.meta.url.endsWith(".ts") ? "../" : "../../", import.meta.url),
);

/** `[name, code]` of each `pub const` in the Rust registry, in file order. */
function rustCodes(): [string, string][] {
  const text = readFileSync(join(ROOT, "native/protocol/src/codes.rs"), "utf8");
  const consts = [...text.matchAll(/^pub const (\w+): &str = "(ODB-\d+)";$/gm)];
  // Each constant has its one-line doc comment right above it.
  for (const m of consts) {
    const before = text.slice(0, m.index).trimEnd().split("\n").at(-1) ?? "";
    assert.match(before, /^\/\/\/ \S/, `${m[1]} has a doc comment`);
  }
  return consts.map((m) => [m[1], m[2]]);
}

test("ErrorCode lists exactly the codes of native/protocol/src/codes.rs, same names, same order", () => {
  const rust = rustCodes();
  assert.ok(rust.length >= 40, `parsed ${rust.length} Rust codes`);
  assert.deepEqual(Object.entries(ErrorCode), rust);
});

test("own error codes are grouped by range, ascending, and no code is used twice", () => {
  const codes = Object.values(ErrorCode);
  for (const [name, code] of Object.entries(ErrorCode)) {
    assert.match(code, /^ODB-[1-5]\d{3}$/, name);
    assert.match(name, /^[A-Z][A-Z0-9_]*$/, name);
  }
  assert.equal(new Set(codes).size, codes.length);
  assert.deepEqual([...codes].sort(), codes);
  // Ranges: connect 1xxx, pool 2xxx, bind/type 3xxx, protocol/internal 4xxx, usage 5xxx.
  const range = (code: string) => code.charAt(4);
  assert.equal(range(ErrorCode.CONNECT_FAILED), "1");
  assert.equal(range(ErrorCode.POOL_CLOSED), "2");
  assert.equal(range(ErrorCode.BIND_CONVERSION_FAILED), "3");
  assert.equal(range(ErrorCode.PROTOCOL_ERROR), "4");
  assert.equal(range(ErrorCode.MALFORMED_BIND_BUFFER), "4");
  assert.equal(range(ErrorCode.CONNECTION_CLOSED), "5");
});

/** Every `.rs` file under `dir`, recursively. */
function rustFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return rustFiles(path);
    return e.name.endsWith(".rs") ? [path] : [];
  });
}

test("no Rust source outside codes.rs spells an ODB code: they all use the registry", () => {
  const native = join(ROOT, "native");
  const sources = readdirSync(native, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(native, e.name, "src")))
    .flatMap((e) => rustFiles(join(native, e.name, "src")));
  assert.ok(sources.length > 20, `found ${sources.length} Rust sources`);
  const registry = join(native, "protocol", "src", "codes.rs");
  const offenders = sources.filter((f) => f !== registry)
    .flatMap((f) =>
      readFileSync(f, "utf8").split("\n")
        .map((line, i) => `${f.slice(ROOT.length)}:${i + 1}: ${line.trim()}`)
        .filter((line) => line.includes('"ODB-'))
    );
  assert.deepEqual(offenders, [], "use oradb_protocol::codes instead of a literal");
});

test("docs/errors.md documents every code with its name", () => {
  const doc = readFileSync(join(ROOT, "docs/errors.md"), "utf8");
  for (const [name, code] of Object.entries(ErrorCode)) {
    assert.match(doc, new RegExp(`^\\| \`${code}\` \\| \`${name}\` \\| \\S`, "m"), code);
  }
  const listed = [...doc.matchAll(/^\| `(ODB-\d+)`/gm)].map((m) => m[1]);
  assert.deepEqual(listed, Object.values(ErrorCode), "the table has no other or repeated rows");
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  assert.match(readme, /\(docs\/errors\.md\)/);
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

test("a rejection whose message starts with an ODB code keeps that code", () => {
  // As napi-rs rejects: its `code` is a napi status, the text starts with ours.
  const raw = Object.assign(new Error("ODB-4002: cannot allocate a result buffer"), {
    code: "GenericFailure",
  });
  const e = toOracleError(raw);
  assert.equal(e.code, ErrorCode.NAPI_FAILED);
  assert.equal(e.message, "ODB-4002: cannot allocate a result buffer");
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
