import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { connect, Connection, makeDsn, OracleError } from "../mod.ts";
import { nativePath } from "../src/_native.ts";
import {
  CREDS,
  dropFirst,
  needsTestServer,
  NNE_FORCED,
  onlyIn,
  REAL_DB,
  SKIP_SERVER,
  startTestServer,
  THICK,
} from "./_server.ts";

const opts = { user: "scott", password: "tiger", connectString: "127.0.0.1:1/FREEPDB1" };

async function withNativePath<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.ORADB_NATIVE;
  process.env.ORADB_NATIVE = path;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.ORADB_NATIVE;
    else process.env.ORADB_NATIVE = before;
  }
}

test("the addon path defaults to native/node/oradb.node of the repository", () => {
  const before = process.env.ORADB_NATIVE;
  delete process.env.ORADB_NATIVE;
  try {
    const p = nativePath().replaceAll("\\", "/");
    assert.match(p, /\/native\/node\/oradb\.node$/);
    assert.ok(existsSync(p.replace(/native\/node\/oradb\.node$/, "native/node/BOUNDARY.md")));
  } finally {
    if (before !== undefined) process.env.ORADB_NATIVE = before;
  }
});

// In thick mode initOracleClient() (tests/_server.ts) loaded the addon before any test ran.
const FIRST_LOAD = "checks the addon's first load, which initOracleClient() already made";

test(
  "connect with a missing addon fails with ODB-1000 naming the path and the fix",
  { skip: onlyIn("thin", FIRST_LOAD) },
  async () => {
    const missing = join(tmpdir(), "oradb-no-such-addon.node");
    const err = await withNativePath(
      missing,
      () => connect(opts).then(() => undefined, (e: unknown) => e),
    );
    assert.ok(err instanceof OracleError);
    assert.equal(err.code, "ODB-1000");
    assert.ok(
      err.message.startsWith(
        `ODB-1000: Native addon could not be loaded from ${missing} (set ORADB_NATIVE to its path; ` +
          "under Deno run with --allow-ffi --allow-read): ",
      ),
      err.message,
    );
    assert.match(err.stack!, /connect_test\.[tj]s/);
  },
);

test(
  "connect with a file that is not an addon fails with ODB-1000",
  { skip: onlyIn("thin", FIRST_LOAD) },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "oradb-bad-addon-"));
    const bogus = join(dir, "oradb.node");
    writeFileSync(bogus, "not a shared object");
    try {
      await withNativePath(bogus, () => assert.rejects(connect(opts), { code: "ODB-1000" }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

const server = { skip: SKIP_SERVER };

test("connect to the test server, ping, report the version and close", server, async () => {
  await using db = await startTestServer();
  const conn = await connect({
    user: db.user,
    password: db.password,
    connectString: db.connectString,
  });
  assert.ok(conn instanceof Connection);
  assert.match(conn.serverVersion, /^\d+\.\d+\.\d+\.\d+\.\d+$/);
  // The run with ORADB_TEST_SERVER_ARGS="--encryption required ..." must really be encrypted.
  if (NNE_FORCED) assert.match(conn.networkEncryption ?? "none", /^AES(128|192|256)$/);
  else if (!REAL_DB) assert.equal(conn.networkEncryption, null);
  await conn.ping();
  assert.equal(conn.closed, false);
  await conn.close();
  assert.equal(conn.closed, true);
  await assert.rejects(conn.ping(), { code: "ODB-5000" });
});

test("connect with a descriptor from makeDsn", server, async () => {
  await using db = await startTestServer();
  const connectString = makeDsn(db.host, db.port, { serviceName: db.service });
  await using conn = await connect({ user: db.user, password: db.password, connectString });
  assert.deepEqual((await conn.execute("SELECT 'ok' AS status FROM dual")).rows, [{
    STATUS: "ok",
  }]);
});

test("connect to an unknown service fails with ORA-12514", server, async () => {
  await using db = await startTestServer();
  await assert.rejects(
    connect({ user: db.user, password: db.password, connectString: `${db.host}:${db.port}/NOPE` }),
    { code: "ORA-12514" },
  );
});

test("two connections to one server see each other's committed rows only", server, async () => {
  await using db = await startTestServer();
  const o = { user: db.user, password: db.password, connectString: db.connectString };
  await using a = await connect(o);
  await using b = await connect(o);
  await dropFirst(a, "shared");
  await a.execute("CREATE TABLE shared (n NUMBER)");
  await a.execute("INSERT INTO shared VALUES (1)");
  assert.deepEqual((await b.execute("SELECT COUNT(*) AS c FROM shared")).rows, [{ C: 0 }]);
  await a.commit();
  assert.deepEqual((await b.execute("SELECT COUNT(*) AS c FROM shared")).rows, [{ C: 1 }]);
});

test("callTimeout round trips through the native connection", server, async () => {
  await using db = await startTestServer();
  await using conn = await connect({
    ...CREDS,
    connectString: db.connectString,
    callTimeout: 5000,
  });
  assert.equal(conn.callTimeout, 5000);
  conn.callTimeout = 0;
  assert.equal(conn.callTimeout, 0);
});

test("tcps: a TLS session to the test server, with the CA trusted and the name and DN checked", {
  skip: SKIP_SERVER || needsTestServer("its TLS listener with a throwaway CA"),
}, async () => {
  await using db = await startTestServer({ tls: true });
  const base = { user: db.user, password: db.password, connectString: db.tcpsConnectString! };
  if (THICK) {
    // OCI takes TLS trust from an Oracle wallet named in sqlnet.ora, not a PEM file: refused
    // before any call, naming the option and where to set it instead.
    for (const o of [{ walletLocation: db.caFile }, { sslServerCertDn: "CN=localhost" }]) {
      await assert.rejects(connect({ ...base, ...o }), (e: unknown) => {
        assert.ok(e instanceof OracleError, String(e));
        assert.equal(e.code, "ODB-1041");
        assert.match(e.message, /option is not available in thick mode \(use an Oracle wallet/);
        assert.ok(e.message.includes(Object.keys(o)[0]), e.message);
        return true;
      });
    }
    return;
  }
  {
    await using conn = await connect({ ...base, walletLocation: db.caFile });
    assert.deepEqual((await conn.execute("select 1 as one from dual")).rows, [{ ONE: 1 }]);
  }
  // Certificates are verified by default: the throwaway CA is not a system root.
  await assert.rejects(
    connect(base),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-1032",
  );
  await assert.rejects(
    connect({ ...base, walletLocation: db.caFile, sslServerCertDn: "CN=someone,O=else" }),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-1032",
  );
  await using conn = await connect({
    ...base,
    walletLocation: db.caFile,
    sslServerCertDn: "O=oradb-testserver, CN=localhost",
  });
  await conn.ping();
});
