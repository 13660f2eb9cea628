import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type LogLevel, OracleError, setLogger } from "../mod.ts";
import { flushLogs } from "../src/logging.ts";
import { needsTestServer, onlyIn, SKIP_SERVER, startTestServer } from "./_server.ts";

const server = {
  skip: SKIP_SERVER || needsTestServer("an account of its own with a known password"),
};

test(
  "the native layer's log records reach setLogger's logger, without passwords",
  {
    skip: server.skip ||
      onlyIn("thin", "the records checked are the thin client's own (login, break)"),
  },
  async () => {
    const password = "Pw-never-logged-7731";
    await using db = await startTestServer({ user: "logger", password });
    const records: [LogLevel, string, string][] = [];
    setLogger((level, target, message) => records.push([level, target, message]), {
      level: "debug",
    });
    try {
      const conn = await connect({ user: "logger", password, connectString: db.connectString });
      const call = conn.execute("begin dbms_session.sleep(5); end;");
      await new Promise((r) => setTimeout(r, 50));
      await conn.break();
      await assert.rejects(call);
      await conn.close();
      await assert.rejects(
        connect({ user: "logger", password: `${password}x`, connectString: db.connectString }),
        (e: unknown) => e instanceof OracleError && e.code === "ORA-01017",
      );
      flushLogs();
      const text = records.map((r) => r.join(" ")).join("\n");
      assert.match(
        text,
        new RegExp(`debug oradb_client::login connecting to ${db.host}:${db.port}`),
      );
      assert.match(
        text,
        new RegExp(`info oradb_client::login logged on to ${db.host}:${db.port} as logger`),
      );
      assert.match(text, /debug oradb_client::response break sent/);
      assert.ok(!text.includes(password), "a password reached the log");
      // Trace records are below the chosen level.
      assert.ok(records.every(([level]) => level !== "trace"));
    } finally {
      setLogger(null);
    }
    // Stopped: nothing more arrives.
    const before = records.length;
    await (await connect({ user: "logger", password, connectString: db.connectString })).close();
    flushLogs();
    assert.equal(records.length, before);
  },
);

test("setLogger refuses what is not a function or a level", () => {
  assert.throws(
    () => setLogger(5 as unknown as null),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-5005",
  );
  assert.throws(
    () => setLogger(() => {}, { level: "loud" as LogLevel }),
    (e: unknown) => e instanceof OracleError && e.code === "ODB-5005",
  );
});
