import { test } from "node:test";
import assert from "node:assert/strict";
import { makeDsn, OracleError } from "../mod.ts";

test("makeDsn with serviceName builds a TCP descriptor with SERVICE_NAME", () => {
  assert.equal(
    makeDsn("db.example.com", 1521, { serviceName: "FREEPDB1" }),
    "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db.example.com)(PORT=1521))" +
      "(CONNECT_DATA=(SERVICE_NAME=FREEPDB1)))",
  );
});

test("makeDsn with sid builds a descriptor with SID", () => {
  assert.equal(
    makeDsn("10.0.0.5", 1522, { sid: "ORCL" }),
    "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=10.0.0.5)(PORT=1522))(CONNECT_DATA=(SID=ORCL)))",
  );
});

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OracleError);
    assert.equal(e.code, "ODB-1001");
    assert.equal(e.errorNum, 1001);
    assert.equal(e.message, message);
    return true;
  });
}

test("makeDsn rejects an empty host naming the argument", () => {
  rejects(
    () => makeDsn("", 1521, { serviceName: "X" }),
    'ODB-1001: Argument "host" must be a non-empty string',
  );
});

test("makeDsn rejects a host that would break the descriptor", () => {
  rejects(
    () => makeDsn("h)(PORT=1", 1521, { serviceName: "X" }),
    'ODB-1001: Argument "host" must not contain parentheses, "=" or white space',
  );
});

test("makeDsn rejects ports outside 1–65535 and non-integers", () => {
  for (const port of [0, 65536, 15.5, Number.NaN, "1521" as unknown as number]) {
    rejects(
      () => makeDsn("h", port, { serviceName: "X" }),
      'ODB-1001: Argument "port" must be an integer from 1 to 65535',
    );
  }
});

test("makeDsn requires exactly one of serviceName and sid", () => {
  const msg = 'ODB-1001: Argument "target" must have exactly one of "serviceName" and "sid"';
  rejects(() => makeDsn("h", 1, {} as { sid: string }), msg);
  rejects(() => makeDsn("h", 1, { sid: "A", serviceName: "B" } as unknown as { sid: string }), msg);
  rejects(() => makeDsn("h", 1, undefined as unknown as { sid: string }), msg);
});

test("makeDsn rejects a service name with white space naming serviceName", () => {
  rejects(
    () => makeDsn("h", 1, { serviceName: "a b" }),
    'ODB-1001: Argument "serviceName" must not contain parentheses, "=" or white space',
  );
});
