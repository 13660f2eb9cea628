/**
 * The tagged value buffer of native/node/BOUNDARY.md: one little-endian buffer per batch, a tag
 * byte then the payload for each value. Writing binds and reading rows both go through here.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";
import type { NativeColumn } from "./_native_types.ts";
import { readColumns } from "./_rowbuf.ts";
import { IntervalDS, IntervalYM } from "./interval.ts";
import { readVectorPayload, type Vector, vectorPayload } from "./vector.ts";

/** Tags of the tagged value format. */
export const Tag = {
  NULL: 0,
  NUMBER: 1,
  STRING: 2,
  BYTES: 3,
  DATE: 4,
  TIMESTAMP: 5,
  BOOLEAN: 6,
  NUMBER_TEXT: 7,
  CLOB: 8,
  BLOB: 9,
  ARRAY: 10,
  BINARY_DOUBLE: 11,
  TIMESTAMP_TZ: 12,
  LOB: 13,
  CURSOR: 20,
  /** i32 days, hours, minutes, seconds, nanoseconds. */
  INTERVAL_DS: 14,
  /** i32 years, months. */
  INTERVAL_YM: 15,
  /** A VECTOR: see `vectorPayload` in vector.ts. */
  VECTOR: 16,
  /** An object or collection: u32-sized type OID, u32-sized image (bind: wire value). */
  OBJECT: 17,
  /** A JSON bind: one nested value follows (see _json.ts). */
  JSON: 30,
  /** u32 member count, then per member a u32-sized UTF-8 name and a value. */
  JSON_OBJECT: 31,
  /** u32 count, then the values. */
  JSON_ARRAY: 32,
  /** A fetched JSON value of JSON's own types only, as u32-sized JSON text. */
  JSON_TEXT: 33,
} as const;

/** A REF CURSOR OUT value: the server cursor to fetch from and its columns. */
export interface RefCursorValue {
  cursorId: number;
  columns: NativeColumn[];
}

/** A LOB locator as rows and OUT binds carry it; `Lob` objects are made from it. */
export interface LobLocator {
  /** Oracle type: 112 (CLOB) or 113 (BLOB). */
  dbType: number;
  /** Character set form: 2 for an NCLOB. */
  csfrm: number;
  /** Size when fetched (characters or bytes). */
  size: number;
  chunkSize: number;
  locator: Uint8Array;
}

/** A fetched object or collection, made a `DbObject` once its type is read (_dbobject_codec.ts). */
export class RawObject {
  constructor(readonly oid: Uint8Array, readonly image: Uint8Array) {}
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

/** Appends tagged values to a growable buffer. */
export class ValueWriter {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;

  /** Bytes written so far (a view, not a copy). */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  #reserve(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** Writes a tag with no payload (NULL). */
  null(): void {
    this.#reserve(1);
    this.#buf[this.#pos++] = Tag.NULL;
  }

  /** Writes an f64 under `tag` (NUMBER or BINARY_DOUBLE). */
  f64(tag: number, v: number): void {
    this.#reserve(9);
    this.#buf[this.#pos] = tag;
    this.#view.setFloat64(this.#pos + 1, v, true);
    this.#pos += 9;
  }

  /** Writes a UTF-8 string under `tag` (STRING, NUMBER_TEXT, CLOB). */
  text(tag: number, s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.#reserve(5 + s.length * 3);
    const start = this.#pos + 5;
    const buf = this.#buf;
    let written = 0;
    // Short ASCII strings are copied by hand: encodeInto needs a new subarray per call, which
    // costs more than the copy.
    if (s.length <= 32) {
      for (; written < s.length; written++) {
        const c = s.charCodeAt(written);
        if (c >= 0x80) break;
        buf[start + written] = c;
      }
    }
    if (written < s.length) written = encoder.encodeInto(s, buf.subarray(start)).written;
    this.#buf[this.#pos] = tag;
    this.#view.setUint32(this.#pos + 1, written, true);
    this.#pos = start + written;
  }

  /** Writes bytes under `tag` (BYTES, BLOB). */
  bytes(tag: number, b: Uint8Array): void {
    this.#reserve(5 + b.length);
    this.#buf[this.#pos] = tag;
    this.#view.setUint32(this.#pos + 1, b.length, true);
    this.#buf.set(b, this.#pos + 5);
    this.#pos += 5 + b.length;
  }

  /** Writes a LOB bind: its Oracle type (CLOB or BLOB) and locator. */
  lob(dbType: number, locator: Uint8Array): void {
    this.#reserve(6 + locator.length);
    this.#buf[this.#pos] = Tag.LOB;
    this.#buf[this.#pos + 1] = dbType;
    this.#view.setUint32(this.#pos + 2, locator.length, true);
    this.#buf.set(locator, this.#pos + 6);
    this.#pos += 6 + locator.length;
  }

  /** Writes a BOOLEAN. */
  boolean(v: boolean): void {
    this.#reserve(2);
    this.#buf[this.#pos] = Tag.BOOLEAN;
    this.#buf[this.#pos + 1] = v ? 1 : 0;
    this.#pos += 2;
  }

  /** Writes a Date as DATE (seconds) or TIMESTAMP (nanoseconds) in local wall-clock time. */
  date(tag: typeof Tag.DATE | typeof Tag.TIMESTAMP, d: Date): void {
    this.#reserve(12);
    const p = this.#pos;
    this.#buf[p] = tag;
    this.#view.setInt16(p + 1, d.getFullYear(), true);
    this.#buf[p + 3] = d.getMonth() + 1;
    this.#buf[p + 4] = d.getDate();
    this.#buf[p + 5] = d.getHours();
    this.#buf[p + 6] = d.getMinutes();
    this.#buf[p + 7] = d.getSeconds();
    if (tag === Tag.DATE) {
      this.#pos += 8;
      return;
    }
    this.#view.setUint32(p + 8, d.getMilliseconds() * 1_000_000, true);
    this.#pos += 12;
  }

  /** Writes an INTERVAL DAY TO SECOND or YEAR TO MONTH as its i32 fields. */
  interval(v: IntervalDS | IntervalYM): void {
    const fields = v instanceof IntervalDS
      ? [v.days, v.hours, v.minutes, v.seconds, v.fseconds]
      : [v.years, v.months];
    this.#reserve(1 + 4 * fields.length);
    this.#buf[this.#pos++] = v instanceof IntervalDS ? Tag.INTERVAL_DS : Tag.INTERVAL_YM;
    for (const f of fields) {
      this.#view.setInt32(this.#pos, f, true);
      this.#pos += 4;
    }
  }

  /** Writes a VECTOR (Float32Array, Float64Array, Int8Array, Uint8Array or SparseVector). */
  vector(v: Vector): void {
    const payload = vectorPayload(v);
    this.#reserve(1 + payload.length);
    this.#buf[this.#pos++] = Tag.VECTOR;
    this.#buf.set(payload, this.#pos);
    this.#pos += payload.length;
  }

  /** Writes a bare tag (a JSON bind's marker). */
  tag(tag: number): void {
    this.#reserve(1);
    this.#buf[this.#pos++] = tag;
  }

  /** Writes a tag and a u32 count (JSON objects and arrays); the members follow. */
  header(tag: number, count: number): void {
    this.#reserve(5);
    this.#buf[this.#pos] = tag;
    this.#view.setUint32(this.#pos + 1, count, true);
    this.#pos += 5;
  }

  /** Writes a JSON member name: u32 length and UTF-8, no tag. */
  key(s: string): void {
    const b = encoder.encode(s);
    this.#reserve(4 + b.length);
    this.#view.setUint32(this.#pos, b.length, true);
    this.#buf.set(b, this.#pos + 4);
    this.#pos += 4 + b.length;
  }

  /** Writes an object bind: its type's OID and its wire value (empty: a NULL object). */
  object(oid: Uint8Array, wire: Uint8Array): void {
    this.bytes(Tag.OBJECT, oid);
    this.#reserve(4 + wire.length);
    this.#view.setUint32(this.#pos, wire.length, true);
    this.#buf.set(wire, this.#pos + 4);
    this.#pos += 4 + wire.length;
  }

  /** Writes the ARRAY header; the caller writes `count` values after it. */
  arrayHeader(count: number): void {
    this.#reserve(5);
    this.#buf[this.#pos] = Tag.ARRAY;
    this.#view.setUint32(this.#pos + 1, count, true);
    this.#pos += 5;
  }
}

function malformed(what: string): never {
  throw odbError(ErrorCode.MALFORMED_VALUE_BUFFER, `Value buffer is malformed: ${what}`);
}

/**
 * Local-time offsets (ms) by hour, for hours with no offset change inside them: building a
 * local Date through the time-zone rules costs ~10x building it from a UTC instant.
 */
const hourOffsets = new Map<number, number>();
const HOUR_MS = 3_600_000;

function slowLocalDate(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): Date {
  const date = new Date(y, mo - 1, d, h, mi, s, ms);
  if (y >= 0 && y < 100) date.setFullYear(y, mo - 1, d);
  return date;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, mo: number, d: number): number {
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

// The last hour looked up: rows of one batch mostly share it, and a Map lookup per value was
// a tenth of decoding a row with three dates.
let lastKey = -1;
let lastOff = 0;

/** Builds a local-time Date; years 0–99 are taken literally, not as 19xx. */
export function localDate(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): Date {
  if (y < 100 || y > 9999) return slowLocalDate(y, mo, d, h, mi, s, ms);
  const key = ((y * 13 + mo) * 32 + d) * 24 + h;
  let off = key === lastKey ? lastOff : hourOffsets.get(key);
  if (off === undefined) {
    const utc = Date.UTC(y, mo - 1, d, h);
    const start = utc - new Date(y, mo - 1, d, h).getTime();
    const end = utc + HOUR_MS - new Date(y, mo - 1, d, h + 1).getTime();
    // An hour holding a DST change (or a nonexistent local hour) is never cached.
    if (start !== end || mi >= 60 || s >= 60) return slowLocalDate(y, mo, d, h, mi, s, ms);
    if (hourOffsets.size >= 4096) hourOffsets.clear();
    hourOffsets.set(key, start);
    off = start;
  }
  lastKey = key;
  lastOff = off;
  // Date.UTC's field handling cost more than this arithmetic (fields from the server are valid).
  const t = daysFromCivil(y, mo, d) * 86_400_000 + h * HOUR_MS + mi * 60_000 + s * 1000 + ms;
  return new Date(t - off);
}

type Utf8Slice = (this: Uint8Array, start: number, end: number) => string;

/** Reads tagged values in order from one buffer. */
export class ValueReader {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  readonly #utf8Slice: Utf8Slice | undefined;
  #pos = 0;
  /** The last value read was a LOB locator. */
  lastWasLob = false;
  /** The last value read was an array of LOB locators (RETURNING INTO a LOB bind). */
  lastWasLobArray = false;
  /** The last value read was a REF CURSOR. */
  lastWasCursor = false;

  /** Reads from `buf` starting at its first byte. */
  constructor(buf: Uint8Array) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const slice = (buf as { utf8Slice?: unknown }).utf8Slice;
    this.#utf8Slice = typeof slice === "function" ? slice as Utf8Slice : undefined;
  }

  /** True when every byte was read. */
  get done(): boolean {
    return this.#pos >= this.#buf.length;
  }

  #need(n: number): void {
    if (this.#pos + n > this.#buf.length) malformed(`value at byte ${this.#pos} is truncated`);
  }

  /** Reads the next tag without consuming it. */
  peekTag(): number {
    this.#need(1);
    return this.#buf[this.#pos];
  }

  /** Reads one value: NUMBER → number, NUMBER_TEXT → string, DATE/TIMESTAMP → Date, etc. */
  read(): unknown {
    this.#need(1);
    const tag = this.#buf[this.#pos++];
    this.lastWasLob = tag === Tag.LOB;
    this.lastWasLobArray = false;
    this.lastWasCursor = tag === Tag.CURSOR;
    switch (tag) {
      case Tag.NULL:
        return null;
      case Tag.NUMBER:
      case Tag.BINARY_DOUBLE:
        this.#need(8);
        this.#pos += 8;
        return this.#view.getFloat64(this.#pos - 8, true);
      case Tag.STRING:
      case Tag.NUMBER_TEXT:
      case Tag.CLOB:
        return this.#string();
      case Tag.BYTES:
      case Tag.BLOB:
        return this.#bytes();
      case Tag.DATE:
      case Tag.TIMESTAMP:
      case Tag.TIMESTAMP_TZ:
        return this.#date(tag);
      case Tag.BOOLEAN:
        this.#need(1);
        return this.#buf[this.#pos++] !== 0;
      case Tag.ARRAY: {
        const items = this.#array();
        // RETURNING INTO a LOB bind: an array of locators (or NULLs), not one locator.
        this.lastWasLobArray = this.lastWasLob ||
          items.some((e) => e !== null && typeof e === "object" && "locator" in e);
        this.lastWasLob = false;
        this.lastWasCursor = false;
        return items;
      }
      case Tag.LOB:
        return this.#lob();
      case Tag.CURSOR:
        return this.#cursor();
      case Tag.INTERVAL_DS: {
        const [days, hours, minutes, seconds, fseconds] = this.#int32s(5);
        return new IntervalDS({ days, hours, minutes, seconds, fseconds });
      }
      case Tag.INTERVAL_YM: {
        const [years, months] = this.#int32s(2);
        return new IntervalYM({ years, months });
      }
      case Tag.VECTOR: {
        const [v, next] = readVectorPayload(this.#buf, this.#pos);
        this.#pos = next;
        return v;
      }
      case Tag.OBJECT:
        return new RawObject(this.#bytes(), this.#bytes());
      case Tag.JSON_TEXT:
        // JSON.parse builds the value far faster than reading nested tags would, and like
        // #jsonObject it keeps a "__proto__" member as data.
        return JSON.parse(this.#string());
      case Tag.JSON_OBJECT:
      case Tag.JSON_ARRAY: {
        const v = tag === Tag.JSON_OBJECT ? this.#jsonObject() : this.#array();
        this.lastWasLob = false;
        this.lastWasCursor = false;
        return v;
      }
      default:
        return malformed(`unknown tag ${tag} at byte ${this.#pos - 1}`);
    }
  }

  #int32s(n: number): number[] {
    this.#need(4 * n);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.#view.getInt32(this.#pos + 4 * i, true);
    this.#pos += 4 * n;
    return out;
  }

  #length(): number {
    this.#need(4);
    const n = this.#view.getUint32(this.#pos, true);
    this.#pos += 4;
    this.#need(n);
    return n;
  }

  #string(): string {
    const n = this.#length();
    const start = this.#pos;
    this.#pos += n;
    // Node's Buffer slices decode short strings several times faster than TextDecoder.
    const slice = this.#utf8Slice;
    if (slice !== undefined) return slice.call(this.#buf, start, start + n);
    return decoder.decode(this.#buf.subarray(start, start + n));
  }

  #bytes(): Uint8Array {
    const n = this.#length();
    this.#pos += n;
    // A copy, so rows do not keep the whole batch buffer alive.
    // A plain Uint8Array copy: the native buffer may be a Node Buffer.
    return Uint8Array.from(this.#buf.subarray(this.#pos - n, this.#pos));
  }

  #lob(): LobLocator {
    this.#need(14);
    const p = this.#pos;
    const dbType = this.#buf[p];
    const csfrm = this.#buf[p + 1];
    const size = this.#view.getFloat64(p + 2, true);
    const chunkSize = this.#view.getUint32(p + 10, true);
    this.#pos += 14;
    return { dbType, csfrm, size, chunkSize, locator: this.#bytes() };
  }

  #u32(): number {
    this.#need(4);
    this.#pos += 4;
    return this.#view.getUint32(this.#pos - 4, true);
  }

  #cursor(): RefCursorValue {
    const cursorId = this.#u32();
    this.#need(4);
    let columns: NativeColumn[];
    try {
      [columns, this.#pos] = readColumns(this.#buf, this.#view, this.#pos);
    } catch {
      return malformed(`REF CURSOR value at byte ${this.#pos} is truncated`);
    }
    return { cursorId, columns };
  }

  #date(tag: number): Date {
    const size = tag === Tag.DATE ? 7 : tag === Tag.TIMESTAMP ? 11 : 13;
    this.#need(size);
    const p = this.#pos;
    const b = this.#buf;
    const y = this.#view.getInt16(p, true);
    const ms = tag === Tag.DATE ? 0 : Math.floor(this.#view.getUint32(p + 7, true) / 1_000_000);
    this.#pos += size;
    if (tag !== Tag.TIMESTAMP_TZ) {
      return localDate(y, b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], ms);
    }
    // TIMESTAMP WITH TIME ZONE arrives as UTC wall clock: an instant, the offset is informative.
    const t = Date.UTC(y, b[p + 2] - 1, b[p + 3], b[p + 4], b[p + 5], b[p + 6], ms);
    const date = new Date(t);
    if (y >= 0 && y < 100) date.setUTCFullYear(y);
    return date;
  }

  #jsonObject(): Record<string, unknown> {
    this.#need(4);
    const count = this.#view.getUint32(this.#pos, true);
    this.#pos += 4;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const k = this.#string();
      const v = this.read();
      // defineProperty only where needed (several times slower): a "__proto__" member stays
      // data, not the prototype.
      if (k !== "__proto__") out[k] = v;
      else {Object.defineProperty(out, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });}
    }
    return out;
  }

  #array(): unknown[] {
    this.#need(4);
    const count = this.#view.getUint32(this.#pos, true);
    this.#pos += 4;
    const out = new Array<unknown>(count);
    for (let i = 0; i < count; i++) out[i] = this.read();
    return out;
  }
}
