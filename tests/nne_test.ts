import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createPool, OracleError } from "../mod.ts";
import { needsTestServer, onlyIn, SKIP_SERVER, startTestServer } from "./_server.ts";

/**
 * These tests are of thin mode's own native network encryption: the options of `connect()` and
 * `createPool()` and `conn.networkEncryption`. Thick mode refuses those options (ODB-1041) and
 * takes the levels from sqlnet.ora, which thick_test.ts covers against the same server.
 */
const THIN_NNE =
  "thin mode's own native network encryption (connect() options, conn.networkEncryption); thick mode reads sqlnet.ora: thick_test.ts";

// The server's levels are command-line switches of the test server.
const nneServer = () => ({
  skip: SKIP_SERVER || needsTestServer("--encryption/--integrity levels") ||
    onlyIn("thin", THIN_NNE),
});
const REQUIRED = ["--encryption", "required", "--integrity", "required"];

test(
  "with encryption and integrity required, a session negotiates AES256/SHA512 and fetches 10,000 rows",
  nneServer(),
  async () => {
    await using db = await startTestServer({ args: REQUIRED });
    await using conn = await connect({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
      networkEncryption: "required",
      networkIntegrity: "required",
    });
    assert.equal(conn.networkEncryption, "AES256");
    assert.equal(conn.networkIntegrity, "SHA512");
    const started = performance.now();
    const { rows } = await conn.execute<[number]>(
      "select level from dual connect by level <= 10000",
      [],
      { outFormat: "array" },
    );
    const ms = performance.now() - started;
    assert.equal(rows!.length, 10_000);
    assert.equal(rows![9_999][0], 10_000);
    console.error(`10,000 rows with AES256/SHA512: ${ms.toFixed(0)} ms`);
    const out = await conn.execute<{ V: string }>("select :v || '!' as v from dual", {
      v: "sealed",
    });
    assert.deepEqual(out.rows, [{ V: "sealed!" }]);
  },
);

test(
  "the default (accepted) client follows the server: off by default, on when it requires",
  nneServer(),
  async () => {
    {
      await using db = await startTestServer();
      await using conn = await connect({
        user: db.user,
        password: db.password,
        connectString: db.connectString,
      });
      assert.equal(conn.networkEncryption, null);
      assert.equal(conn.networkIntegrity, null);
      const started = performance.now();
      const { rows } = await conn.execute("select level from dual connect by level <= 10000");
      console.error(`10,000 rows without NNE: ${(performance.now() - started).toFixed(0)} ms`);
      assert.equal(rows!.length, 10_000);
    }
    await using db = await startTestServer({ args: ["--encryption", "requested"] });
    await using conn = await connect({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
      encryptionTypes: ["AES128"],
      integrityTypes: ["SHA1"],
    });
    assert.equal(conn.networkEncryption, "AES128");
    // Integrity stays at the server's default (accepted) against our accepted: off.
    assert.equal(conn.networkIntegrity, null);
    await conn.ping();
  },
);

test("levels that cannot agree fail with ORA-12660", nneServer(), async () => {
  await using db = await startTestServer({ args: REQUIRED });
  const base = { user: db.user, password: db.password, connectString: db.connectString };
  await assert.rejects(
    connect({ ...base, networkEncryption: "rejected", networkIntegrity: "rejected" }),
    (e: unknown) => e instanceof OracleError && e.code === "ORA-12660" && e.errorNum === 12660,
  );
  await using open = await startTestServer({ args: ["--encryption", "rejected"] });
  await assert.rejects(
    connect({
      user: open.user,
      password: open.password,
      connectString: open.connectString,
      networkEncryption: "required",
    }),
    { code: "ORA-12660" },
  );
});

test(
  "a pool hands out natively encrypted sessions when the server requires it",
  nneServer(),
  async () => {
    await using db = await startTestServer({ args: REQUIRED });
    await using pool = await createPool({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
      networkEncryption: "required",
      encryptionTypes: ["AES192"],
      integrityTypes: ["SHA256"],
      poolMin: 1,
      poolMax: 3,
    });
    const results = await Promise.all([1, 2, 3].map(async (n) => {
      await using conn = await pool.acquire();
      assert.equal(conn.networkEncryption, "AES192");
      assert.equal(conn.networkIntegrity, "SHA256");
      const { rows } = await conn.execute<[number]>(
        `select level from dual connect by level <= ${n * 1000}`,
        [],
        { outFormat: "array" },
      );
      return rows!.at(-1)![0];
    }));
    assert.deepEqual(results, [1000, 2000, 3000]);
  },
);

test("bad network options fail before connecting, naming the option", async () => {
  const base = { user: "u", password: "p", connectString: "127.0.0.1:1/X" };
  await assert.rejects(
    // @ts-expect-error: not a level
    connect({ ...base, networkEncryption: "on" }),
    (e: unknown) =>
      e instanceof OracleError && e.code === "ODB-5002" && e.message.includes("networkEncryption"),
  );
  await assert.rejects(
    // @ts-expect-error: MD5 is not offered
    connect({ ...base, integrityTypes: ["MD5"] }),
    (e: unknown) => e instanceof OracleError && e.message.includes("integrityTypes"),
  );
  await assert.rejects(connect({ ...base, encryptionTypes: [] }), { code: "ODB-5002" });
});

test("native encryption is never layered under TLS: required on a tcps address is ODB-1034", {
  skip: SKIP_SERVER || onlyIn("thin", THIN_NNE),
}, async () => {
  await assert.rejects(
    connect({
      user: "u",
      password: "p",
      connectString: "tcps://127.0.0.1:1/X",
      networkIntegrity: "required",
    }),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-1034" && /tcps/.test(e.message),
  );
});

test(
  "sqlnet.ora in configDir sets the client's levels and algorithms; options set on connect() win",
  nneServer(),
  async () => {
    await using db = await startTestServer();
    const dir = mkdtempSync(join(tmpdir(), "oradb-sqlnet-"));
    try {
      writeFileSync(
        join(dir, "sqlnet.ora"),
        "# as Oracle's clients read it\nSQLNET.ENCRYPTION_CLIENT = REQUIRED\n" +
          "SQLNET.ENCRYPTION_TYPES_CLIENT = (AES128)\n" +
          "SQLNET.CRYPTO_CHECKSUM_CLIENT = REQUIRED\nSQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT = (SHA1)\n",
      );
      const base = {
        user: db.user,
        password: db.password,
        connectString: db.connectString,
        configDir: dir,
      };
      await using fromFile = await connect(base);
      assert.equal(fromFile.networkEncryption, "AES128");
      assert.equal(fromFile.networkIntegrity, "SHA1");
      await using overridden = await connect({ ...base, encryptionTypes: ["AES256"] });
      assert.equal(overridden.networkEncryption, "AES256");
      await using off = await connect({
        ...base,
        networkEncryption: "rejected",
        networkIntegrity: "rejected",
      });
      assert.equal(off.networkEncryption, null);
      writeFileSync(join(dir, "sqlnet.ora"), "SQLNET.ENCRYPTION_CLIENT = ALWAYS\n");
      await assert.rejects(
        connect(base),
        (e: unknown) =>
          e instanceof OracleError && e.code === "ODB-5002" &&
          e.message.includes("SQLNET.ENCRYPTION_CLIENT"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "breaks under encryption: three cancels in a row, each integrity algorithm, the session goes on",
  nneServer(),
  async () => {
    for (const integrity of ["SHA1", "SHA256", "SHA512"] as const) {
      await using db = await startTestServer({ args: REQUIRED });
      await using conn = await connect({
        user: db.user,
        password: db.password,
        connectString: db.connectString,
        integrityTypes: [integrity],
      });
      assert.equal(conn.networkIntegrity, integrity);
      for (let i = 0; i < 3; i++) {
        const running = conn.execute("begin dbms_session.sleep(10); end;");
        setTimeout(() => conn.break(), 50);
        await assert.rejects(running, (e: unknown) => {
          assert.ok(e instanceof OracleError);
          assert.equal(e.code, "ORA-01013");
          return true;
        });
        // Both ends re-derived their checksum streams: the next packets verify.
        const { rows } = await conn.execute<[number]>("select :n * 2 from dual", [i], {
          outFormat: "array",
        });
        assert.deepEqual(rows, [[i * 2]]);
      }
    }
  },
);
