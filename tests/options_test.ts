import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, OracleError } from "../mod.ts";
import { checkExecuteManyOptions, checkExecuteOptions, shardingKeyText } from "../src/_options.ts";

function fails(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OracleError);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

const base = { user: "scott", password: "tiger", connectString: "localhost/FREEPDB1" };

test("connect rejects an unknown option (a typo) before touching the addon", async () => {
  await assert.rejects(connect({ ...base, conectString: "x" } as never), {
    name: "OracleError",
    code: "ODB-5003",
    message: 'ODB-5003: Option "conectString" of connect() is not known',
  });
});

test("connect rejects a missing user naming the option", async () => {
  const { user: _user, ...rest } = base;
  await assert.rejects(connect(rest as never), {
    code: "ODB-5002",
    message: 'ODB-5002: Option "user" of connect() is required',
  });
});

test("connect rejects a wrong option type naming the option and what it must be", async () => {
  await assert.rejects(connect({ ...base, callTimeout: -1 }), {
    code: "ODB-5002",
    message: 'ODB-5002: Option "callTimeout" of connect() must be an integer from 0 to 2147483647',
  });
  await assert.rejects(connect({ ...base, autoCommit: "yes" } as never), {
    code: "ODB-5002",
    message: 'ODB-5002: Option "autoCommit" of connect() must be a boolean',
  });
});

test("connect rejects a non-object options argument", async () => {
  await assert.rejects(connect(null as never), {
    code: "ODB-5002",
    message: "ODB-5002: Options of connect() must be an object",
  });
});

test("execute options: outFormat, fetchAsString, fetchInfo and signal are checked", () => {
  fails(
    () => checkExecuteOptions("execute()", { outFormat: "rows" }),
    "ODB-5002",
    'ODB-5002: Option "outFormat" of execute() must be "object" or "array"',
  );
  fails(
    () => checkExecuteOptions("execute()", { fetchAsString: ["NUMBER"] }),
    "ODB-5002",
    'ODB-5002: Option "fetchAsString" of execute() must be an array of type numbers',
  );
  fails(
    () => checkExecuteOptions("execute()", { fetchInfo: { ID: { type: "number" } } }),
    "ODB-5002",
    'ODB-5002: Option "fetchInfo" of execute() must be an object of { type: STRING | "bigint" | "lob" } by column name',
  );
  fails(
    () => checkExecuteOptions("cursor()", { signal: {} }),
    "ODB-5002",
    'ODB-5002: Option "signal" of cursor() must be an AbortSignal',
  );
  fails(
    () => checkExecuteOptions("execute()", { maxRow: 1 }),
    "ODB-5003",
    'ODB-5003: Option "maxRow" of execute() is not known',
  );
});

test("valid execute and executeMany options pass, undefined values count as absent", () => {
  checkExecuteOptions("execute()", {
    outFormat: "array",
    autoCommit: true,
    fetchAsString: [2],
    fetchInfo: { ID: { type: "bigint" } },
    fetchTypeHandler: () => undefined,
    maxRows: 0,
    fetchArraySize: 10,
    signal: new AbortController().signal,
    prefetchRows: undefined,
  });
  checkExecuteOptions("execute()", undefined);
  checkExecuteManyOptions({ batchErrors: true, dmlRowCounts: false, autoCommit: true });
});

test("executeMany options reject unknown names", () => {
  fails(
    () => checkExecuteManyOptions({ bindDef: [] }),
    "ODB-5003",
    'ODB-5003: Option "bindDef" of executeMany() is not known',
  );
});

test("shardingKey and superShardingKey take strings, numbers, bigints, Dates and bytes only", async () => {
  const must =
    "must be a non-empty array of strings, finite numbers, bigints, valid Dates or Uint8Arrays";
  for (
    const bad of [[], [NaN], ["a", {}], [new Date("x")], [""], [new Uint8Array(0)], "Mary"]
  ) {
    await assert.rejects(connect({ ...base, shardingKey: bad as never }), {
      code: "ODB-5002",
      message: `ODB-5002: Option "shardingKey" of connect() ${must}`,
    });
  }
  await assert.rejects(connect({ ...base, superShardingKey: [null] as never }), {
    code: "ODB-5002",
    message: `ODB-5002: Option "superShardingKey" of connect() ${must}`,
  });
  // A number the NUMBER wire form cannot carry is refused by the native side, naming it.
  await assert.rejects(
    connect({ ...base, connectString: "127.0.0.1:1/FREEPDB1", shardingKey: [1e130] }),
    (e: unknown) =>
      e instanceof OracleError && e.code === "ODB-5002" && /shardingKey/.test(e.message),
  );
});

test("sharding sub-keys cross to the addon in their typed text form", () => {
  assert.equal(shardingKeyText("Mary"), "s:Mary");
  assert.equal(shardingKeyText(42), "n:42");
  assert.equal(shardingKeyText(-1.5), "n:-1.5");
  assert.equal(shardingKeyText(12345678901234567890n), "n:12345678901234567890");
  assert.equal(shardingKeyText(new Date(2024, 4, 6, 7, 8, 9)), "d:2024-05-06 07:08:09");
  assert.equal(shardingKeyText(new Uint8Array([1, 0xab])), "b:01ab");
  assert.equal(shardingKeyText(Infinity), null);
  assert.equal(shardingKeyText(true), null);
});
