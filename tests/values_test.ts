import { test } from "node:test";
import assert from "node:assert/strict";
import { localDate, Tag, ValueReader, ValueWriter } from "../src/_values.ts";
import { OracleError } from "../src/errors.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

test("writer encodes NULL, NUMBER and BOOLEAN as the boundary's little-endian bytes", () => {
  const w = new ValueWriter();
  w.null();
  w.f64(Tag.NUMBER, 1);
  w.boolean(true);
  assert.deepEqual(w.finish(), bytes(0, 1, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 6, 1));
});

test("writer encodes a string as tag 2, u32 byte length and UTF-8", () => {
  const w = new ValueWriter();
  w.text(Tag.STRING, "hé");
  assert.deepEqual(w.finish(), bytes(2, 3, 0, 0, 0, 0x68, 0xc3, 0xa9));
});

test("writer encodes a Date as TIMESTAMP in local wall-clock time with nanoseconds", () => {
  const w = new ValueWriter();
  w.date(Tag.TIMESTAMP, new Date(2024, 1, 29, 13, 45, 30, 123));
  // 2024 = 0x07e8; 123 ms = 123_000_000 ns = 0x0754d4c0.
  assert.deepEqual(w.finish(), bytes(5, 0xe8, 0x07, 2, 29, 13, 45, 30, 0xc0, 0xd4, 0x54, 0x07));
});

test("writer encodes DATE without fractional seconds", () => {
  const w = new ValueWriter();
  w.date(Tag.DATE, new Date(1999, 11, 31, 23, 59, 58, 999));
  assert.deepEqual(w.finish(), bytes(4, 0xcf, 0x07, 12, 31, 23, 59, 58));
});

test("reader decodes a DATE into a local Date", () => {
  const d = new ValueReader(bytes(4, 0xcf, 0x07, 12, 31, 23, 59, 58)).read();
  assert.deepEqual(d, new Date(1999, 11, 31, 23, 59, 58));
});

test("reader decodes TIMESTAMP WITH TIME ZONE as a UTC instant", () => {
  // 2024-01-02 03:04:05.006 UTC, offset +120 minutes.
  const r = new ValueReader(bytes(12, 0xe8, 0x07, 1, 2, 3, 4, 5, 0x80, 0x8d, 0x5b, 0x00, 120, 0));
  assert.equal((r.read() as Date).toISOString(), "2024-01-02T03:04:05.006Z");
});

test("years 0–99 stay literal instead of becoming 19xx", () => {
  assert.equal(localDate(5, 3, 4, 0, 0, 0, 0).getFullYear(), 5);
  const w = new ValueWriter();
  w.date(Tag.DATE, localDate(99, 1, 1, 0, 0, 0, 0));
  assert.equal((new ValueReader(w.finish()).read() as Date).getFullYear(), 99);
});

test("localDate gives the Date constructor's instant for every hour of 2023-2024 and sample years", () => {
  const check = (y: number, mo: number, d: number, h: number) => {
    const want = new Date(y, mo - 1, d, h, 59, 58, 999);
    assert.equal(localDate(y, mo, d, h, 59, 58, 999).getTime(), want.getTime(), want.toString());
  };
  // Every hour, DST changes of this process's zone included, twice (cached and not).
  for (let pass = 0; pass < 2; pass++) {
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2025, 0, 1); t += 3_600_000) {
      const u = new Date(t);
      check(u.getUTCFullYear(), u.getUTCMonth() + 1, u.getUTCDate(), u.getUTCHours());
    }
  }
  for (const y of [100, 399, 400, 1582, 1900, 2000, 2100, 4321, 9999]) {
    for (const [mo, d] of [[1, 1], [2, 28], [3, 1], [12, 31]]) check(y, mo, d, 12);
  }
  check(2024, 2, 29, 0);
});

test("every tag round trips through writer and reader", () => {
  const w = new ValueWriter();
  w.null();
  w.f64(Tag.NUMBER, -12.5);
  w.text(Tag.STRING, "short ascii");
  w.text(Tag.STRING, "a longer string with ünïcödé and emoji 🎉 past the fast path");
  w.bytes(Tag.BYTES, bytes(1, 2, 255));
  w.date(Tag.DATE, new Date(2020, 0, 1, 2, 3, 4));
  w.date(Tag.TIMESTAMP, new Date(2021, 5, 6, 7, 8, 9, 10));
  w.boolean(false);
  w.text(Tag.NUMBER_TEXT, "123456789012345678901234567890");
  w.text(Tag.CLOB, "clob text");
  w.bytes(Tag.BLOB, bytes(9, 8));
  w.arrayHeader(2);
  w.f64(Tag.NUMBER, 1);
  w.text(Tag.STRING, "x");
  w.f64(Tag.BINARY_DOUBLE, 0.1);
  const r = new ValueReader(w.finish());
  const out: unknown[] = [];
  while (!r.done) out.push(r.read());
  assert.deepEqual(out, [
    null,
    -12.5,
    "short ascii",
    "a longer string with ünïcödé and emoji 🎉 past the fast path",
    bytes(1, 2, 255),
    new Date(2020, 0, 1, 2, 3, 4),
    new Date(2021, 5, 6, 7, 8, 9, 10),
    false,
    "123456789012345678901234567890",
    "clob text",
    bytes(9, 8),
    [1, "x"],
    0.1,
  ]);
});

test("short non-ASCII strings leave the ASCII fast path and decode as UTF-8", () => {
  const w = new ValueWriter();
  w.text(Tag.STRING, "añb");
  w.text(Tag.STRING, "");
  const r = new ValueReader(w.finish());
  assert.equal(r.read(), "añb");
  assert.equal(r.read(), "");
});

test("writer grows past its initial buffer", () => {
  const w = new ValueWriter();
  const big = "x".repeat(10_000);
  w.text(Tag.STRING, big);
  w.bytes(Tag.BYTES, new Uint8Array(5000).fill(7));
  const r = new ValueReader(w.finish());
  assert.equal(r.read(), big);
  assert.deepEqual(r.read(), new Uint8Array(5000).fill(7));
  assert.equal(r.done, true);
});

test("decoded bytes are a copy, not a view of the batch buffer", () => {
  const buf = bytes(3, 2, 0, 0, 0, 10, 20);
  const b = new ValueReader(buf).read() as Uint8Array;
  buf[5] = 99;
  assert.deepEqual(b, bytes(10, 20));
  assert.equal(b.buffer.byteLength, 2);
});

test("a truncated value fails with ODB-4001 naming the byte offset", () => {
  assert.throws(() => new ValueReader(bytes(2, 10, 0, 0, 0, 65)).read(), (e: unknown) => {
    assert.ok(e instanceof OracleError);
    assert.equal(e.code, "ODB-4001");
    assert.equal(e.message, "ODB-4001: Value buffer is malformed: value at byte 5 is truncated");
    return true;
  });
});

test("an unknown tag fails with ODB-4001", () => {
  assert.throws(() => new ValueReader(bytes(42)).read(), {
    code: "ODB-4001",
    message: "ODB-4001: Value buffer is malformed: unknown tag 42 at byte 0",
  });
});
