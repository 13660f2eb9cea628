/**
 * The `Lob` class: a CLOB, NCLOB or BLOB held through its locator, read and written
 * in ranges or streamed with Web streams; and a BFILE, read-only.
 *
 * @module
 */

import { atCaller, ErrorCode, odbError } from "./errors.ts";
import type { Session } from "./_execute.ts";
import type { LobLocator } from "./_values.ts";
import { DB_TYPE_BFILE, DB_TYPE_BLOB, DB_TYPE_CLOB, DB_TYPE_NCLOB } from "./types.ts";

/**
 * What a `Lob` holds: {@linkcode DB_TYPE_CLOB}, {@linkcode DB_TYPE_NCLOB},
 * {@linkcode DB_TYPE_BLOB} or (fetched only) {@linkcode DB_TYPE_BFILE}.
 */
export type LobType =
  | typeof DB_TYPE_CLOB
  | typeof DB_TYPE_NCLOB
  | typeof DB_TYPE_BLOB
  | typeof DB_TYPE_BFILE;

/**
 * A BFILE's directory object and file name, from {@linkcode Lob.getDirFileName}.
 *
 * @example
 * ```ts
 * const where: DirFileName = { dirName: "DATA_DIR", fileName: "report.pdf" };
 * ```
 */
export interface DirFileName {
  /** The directory object's name (as `CREATE DIRECTORY` named it). */
  dirName: string;
  /** The file's name within the directory. */
  fileName: string;
}

/**
 * Options of {@linkcode Lob.readable} and {@linkcode Lob.writable}.
 *
 * @example
 * ```ts
 * const opts: LobStreamOptions = { offset: 1, pieceSize: 65536 };
 * ```
 */
export interface LobStreamOptions {
  /** 1-based position where reading or writing starts (default 1). */
  offset?: number;
  /** Characters or bytes per round trip when reading (default: the chunk size times 8). */
  pieceSize?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/**
 * Read pieces are this many chunks (about 512 K characters or bytes), unless `pieceSize` says
 * otherwise: a stream costs a round trip a piece, and at 8 chunks a 100 MiB CLOB took 1,600 of
 * them (bench/types.mjs: 1.3x node-oracledb then, about 1.9x now); memory stays one piece.
 */
const CHUNKS_PER_PIECE = 64;

/** The state behind a `Lob`, shared with the bind encoder (which needs the locator). */
interface LobState {
  session: Session;
  locator: Uint8Array;
  closed: boolean;
}

const states = new WeakMap<Lob, LobState>();

/**
 * Frees the server's LOB behind a `Lob` collected without `close()`: a program that drops
 * fetched or temporary LOBs would otherwise hold them on the server until its connection
 * closes. The free costs no round trip: it goes with the connection's next call.
 */
const dropped = new FinalizationRegistry<LobState>((st) => {
  if (st.closed || st.session.closed) return;
  st.closed = true;
  st.session.queue.run(() => st.session.native.lobFree!(st.locator)).catch(() => {
    // The connection failed meanwhile; its LOBs went with it.
  });
});

/** @internal The Oracle type and locator to bind `lob` as; throws when it cannot be used. */
export function lobBindValue(lob: Lob): { dbType: number; locator: Uint8Array } {
  const st = usable(lob);
  if (lob.type === DB_TYPE_BFILE) throw readOnly("bound");
  return { dbType: lob.type === DB_TYPE_BLOB ? DB_TYPE_BLOB : DB_TYPE_CLOB, locator: st.locator };
}

/** @internal A `Lob` for a locator that a fetch or an OUT bind returned. */
export function lobFromLocator(session: Session, raw: LobLocator): Lob {
  const type = raw.dbType === DB_TYPE_BLOB
    ? DB_TYPE_BLOB
    : raw.dbType === DB_TYPE_BFILE
    ? DB_TYPE_BFILE
    : raw.csfrm === 2
    ? DB_TYPE_NCLOB
    : DB_TYPE_CLOB;
  return new Lob(LOB_KEY, session, type, raw.chunkSize, raw.locator);
}

/** @internal Creates a temporary LOB on the session (`Connection.createLob`). */
export async function createTempLob(session: Session, type: LobType): Promise<Lob> {
  if (type !== DB_TYPE_CLOB && type !== DB_TYPE_NCLOB && type !== DB_TYPE_BLOB) {
    throw odbError(
      ErrorCode.INVALID_ARGUMENT,
      `Argument "type" must be CLOB, NCLOB or BLOB, not ${String(type)}`,
    );
  }
  const dbType = type === DB_TYPE_BLOB ? DB_TYPE_BLOB : DB_TYPE_CLOB;
  const { chunkSize, locator } = await session.queue.run(() =>
    session.native.lobCreateTemp!(dbType, type === DB_TYPE_NCLOB ? 2 : 1)
  );
  return new Lob(LOB_KEY, session, type, chunkSize, locator);
}

function readOnly(what: string) {
  return odbError(
    ErrorCode.LOB_OPERATION_UNSUPPORTED,
    `A BFILE is read-only: it cannot be ${what}`,
  );
}

/** Where a BFILE locator names its directory and file: after its 16 fixed bytes, each name
 * after its big-endian u16 length (Oracle's layout). */
const BFILE_NAMES_AT = 16;

function dirFileName(locator: Uint8Array): DirFileName {
  const view = new DataView(locator.buffer, locator.byteOffset, locator.byteLength);
  let at = BFILE_NAMES_AT;
  const next = () => {
    if (at + 2 > locator.length) malformedLocator();
    const n = view.getUint16(at);
    if (at + 2 + n > locator.length) malformedLocator();
    const s = decoder.decode(locator.subarray(at + 2, at + 2 + n));
    at += 2 + n;
    return s;
  };
  return { dirName: next(), fileName: next() };
}

function malformedLocator(): never {
  throw odbError(ErrorCode.PROTOCOL_ERROR, "The BFILE locator from the server is malformed");
}

/** Checks the LOB and its connection can be used; its state. */
function usable(lob: Lob): LobState {
  const st = states.get(lob);
  if (st === undefined) throw odbError(ErrorCode.INVALID_ARGUMENT, "Not a Lob made by oradb");
  if (st.session.closed) {
    throw odbError(
      ErrorCode.LOB_CONNECTION_CLOSED,
      "The Lob's connection is closed; its locator is no longer valid",
    );
  }
  if (st.closed) throw odbError(ErrorCode.LOB_CLOSED, "The Lob is closed");
  return st;
}

function checkPosition(name: string, v: unknown, min: number): asserts v is number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    throw odbError(
      ErrorCode.INVALID_ARGUMENT,
      `Argument "${name}" must be an integer of at least ${min}, not ${String(v)}`,
    );
  }
}

const LOB_KEY = Symbol("Lob");

/**
 * A CLOB, NCLOB or BLOB held through its locator, or a BFILE (read-only: a file on
 * the database server, named by a directory object and a file name). Made by
 * {@linkcode Connection.createLob} (a temporary LOB), by a query whose `fetchInfo` asks for
 * `{ type: "lob" }` (or with `fetchLobs: true`), or by a PL/SQL OUT bind of type `CLOB` /
 * `BLOB`; a BFILE column's values are always `Lob`s. Offsets are 1-based, as in Oracle; a CLOB
 * counts UTF-16 code units, as JS strings do, and a BLOB or BFILE bytes. Calls queue with the connection's other calls.
 *
 * A `Lob` stays usable after the rows or cursor it came from until `close()` (or `await using`)
 * frees it on the server; one never closed is freed with the connection's next call after it is
 * garbage-collected, or when its connection closes, after which it fails with `ODB-5013`. A
 * closed `Lob` fails with `ODB-5012`.
 *
 * @example
 * ```ts
 * import { CLOB, type Connection, type Lob } from "../mod.ts";
 *
 * async function roundTrip(conn: Connection): Promise<string> {
 *   await using lob = await conn.createLob(CLOB);
 *   await lob.write(1, "hello world");
 *   await conn.execute("INSERT INTO docs (id, body) VALUES (1, :b)", { b: lob });
 *   const { rows } = await conn.execute<{ BODY: Lob }>(
 *     "SELECT body FROM docs WHERE id = 1",
 *     [],
 *     { fetchInfo: { BODY: { type: "lob" } } },
 *   );
 *   await using body = rows![0].BODY;
 *   return (await body.read(7, 5)) as string; // "world"
 * }
 * ```
 */
export class Lob implements AsyncDisposable {
  /** {@linkcode DB_TYPE_CLOB}, {@linkcode DB_TYPE_NCLOB}, {@linkcode DB_TYPE_BLOB} or {@linkcode DB_TYPE_BFILE}. */
  readonly type: LobType;
  /**
   * The LOB's chunk size in characters or bytes: reads and writes of whole chunks are the
   * efficient ones.
   */
  readonly chunkSize: number;

  /** @internal Made by `Connection.createLob()`, fetches and OUT binds. */
  constructor(
    key: symbol,
    session: Session,
    type: LobType,
    chunkSize: number,
    locator: Uint8Array,
  ) {
    if (key !== LOB_KEY) {
      throw odbError(ErrorCode.INVALID_ARGUMENT, "Lob objects come from createLob() or a fetch");
    }
    this.type = type;
    this.chunkSize = chunkSize;
    const st = { session, locator, closed: false };
    states.set(this, st);
    dropped.register(this, st, st);
  }

  /** True for a CLOB or NCLOB (data as strings), false for a BLOB or BFILE (`Uint8Array`). */
  get isText(): boolean {
    return this.type !== DB_TYPE_BLOB && this.type !== DB_TYPE_BFILE;
  }

  /**
   * A BFILE's directory object and file name (from its locator: no round trip).
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * function where(lob: Lob): string {
   *   const { dirName, fileName } = lob.getDirFileName();
   *   return `${dirName}/${fileName}`;
   * }
   * ```
   */
  getDirFileName(): DirFileName {
    try {
      this.#bfileOnly("getDirFileName");
      // Thick mode's locator carries the names at the same place as the server's (from OCI).
      return dirFileName(usable(this).locator);
    } catch (e) {
      throw atCaller(e);
    }
  }

  /**
   * Whether a BFILE's file exists on the server (ORA-22285 when its directory does not).
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function readIfThere(lob: Lob): Promise<Uint8Array | null> {
   *   return await lob.fileExists() ? await lob.bytes() : null;
   * }
   * ```
   */
  fileExists(): Promise<boolean> {
    return this.#call((st) => {
      this.#bfileOnly("fileExists");
      return st.session.native.bfileExists!(st.locator);
    });
  }

  /**
   * The current length: characters (UTF-16 code units) of a CLOB, bytes of a BLOB. A method,
   * not a property, because it asks the server (the LOB may have changed since it was fetched).
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function isEmpty(lob: Lob): Promise<boolean> {
   *   return (await lob.size()) === 0;
   * }
   * ```
   */
  size(): Promise<number> {
    return this.#call((st) => st.session.native.lobLength!(st.locator));
  }

  /**
   * Reads `length` characters or bytes from 1-based `offset` (to the end when `length` is left
   * out). Fewer come back at the end of the LOB; a CLOB read whose last character would be half
   * of a surrogate pair stops before it.
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function head(lob: Lob): Promise<string | Uint8Array> {
   *   return await lob.read(1, 100);
   * }
   * ```
   */
  async read(offset = 1, length?: number): Promise<string | Uint8Array> {
    try {
      checkPosition("offset", offset, 1);
      if (length !== undefined) checkPosition("length", length, 0);
      const n = length ?? Math.max(0, (await this.size()) - offset + 1);
      if (n === 0) return this.isText ? "" : new Uint8Array(0);
      const r = await this.#piece(offset, n);
      return this.isText ? decoder.decode(r.data) : Uint8Array.from(r.data);
    } catch (e) {
      throw atCaller(e);
    }
  }

  /**
   * Writes `data` at 1-based `offset` (a string to a CLOB, a `Uint8Array` to a BLOB); writing
   * past the end pads with spaces (CLOB) or zero bytes (BLOB).
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function append(lob: Lob, text: string): Promise<void> {
   *   await lob.write((await lob.size()) + 1, text);
   * }
   * ```
   */
  write(offset: number, data: string | Uint8Array): Promise<void> {
    return this.#call(async (st) => {
      if (this.type === DB_TYPE_BFILE) throw readOnly("written");
      checkPosition("offset", offset, 1);
      const bytes = this.#encode(data);
      st.locator = await st.session.native.lobWrite!(st.locator, offset, bytes);
    });
  }

  /**
   * Cuts the LOB to `newSize` characters or bytes (default 0: empty).
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function clear(lob: Lob): Promise<void> {
   *   await lob.trim();
   * }
   * ```
   */
  trim(newSize = 0): Promise<void> {
    return this.#call(async (st) => {
      if (this.type === DB_TYPE_BFILE) throw readOnly("trimmed");
      checkPosition("newSize", newSize, 0);
      st.locator = await st.session.native.lobTrim!(st.locator, newSize);
    });
  }

  /**
   * The whole value: a string for a CLOB or NCLOB, a `Uint8Array` for a BLOB.
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function all(lob: Lob): Promise<string | Uint8Array> {
   *   return await lob.getData();
   * }
   * ```
   */
  getData(): Promise<string | Uint8Array> {
    return this.read(1);
  }

  /**
   * The whole value as a string (a BLOB's bytes decoded as UTF-8).
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function body(lob: Lob): Promise<string> {
   *   return await lob.text();
   * }
   * ```
   */
  async text(): Promise<string> {
    const v = await this.read(1);
    return typeof v === "string" ? v : decoder.decode(v);
  }

  /**
   * The whole value as bytes (a CLOB's text encoded as UTF-8).
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function raw(lob: Lob): Promise<Uint8Array> {
   *   return await lob.bytes();
   * }
   * ```
   */
  async bytes(): Promise<Uint8Array> {
    const v = await this.read(1);
    return typeof v === "string" ? encoder.encode(v) : v;
  }

  /**
   * A `ReadableStream` of the LOB's content, one piece per round trip (strings for a CLOB,
   * `Uint8Array`s for a BLOB), from `offset` to the end; only one piece is held at a time.
   * Works with `for await` and `pipeTo()`.
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function count(lob: Lob): Promise<number> {
   *   let n = 0;
   *   for await (const piece of lob.readable()) n += piece.length;
   *   return n;
   * }
   * ```
   */
  readable(
    options: LobStreamOptions = {},
  ): ReadableStream<string | Uint8Array> & AsyncIterable<string | Uint8Array> {
    let offset = options.offset ?? 1;
    const piece = options.pieceSize ?? Math.max(1, this.chunkSize) * CHUNKS_PER_PIECE;
    checkPosition("offset", offset, 1);
    checkPosition("pieceSize", piece, 1);
    // Deno's and Node's streams are async iterables; TypeScript's DOM typings do not all say so.
    return new ReadableStream<string | Uint8Array>({
      pull: async (controller) => {
        try {
          const r = await this.#piece(offset, piece);
          if (r.units === 0) {
            controller.close();
            return;
          }
          offset += r.units;
          controller.enqueue(this.isText ? decoder.decode(r.data) : Uint8Array.from(r.data));
        } catch (e) {
          controller.error(atCaller(e));
        }
      },
    }, { highWaterMark: 0 }) as
      & ReadableStream<string | Uint8Array>
      & AsyncIterable<string | Uint8Array>;
  }

  /**
   * A `WritableStream` that writes each piece after the last, from `offset` (default 1):
   * strings to a CLOB, `Uint8Array`s to a BLOB. Pipe a `ReadableStream` into it.
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function load(lob: Lob, source: ReadableStream<Uint8Array>): Promise<void> {
   *   await source.pipeTo(lob.writable());
   * }
   * ```
   */
  writable(options: Pick<LobStreamOptions, "offset"> = {}): WritableStream<string | Uint8Array> {
    if (this.type === DB_TYPE_BFILE) throw atCaller(readOnly("written"));
    let offset = options.offset ?? 1;
    checkPosition("offset", offset, 1);
    // A string piece may end inside a surrogate pair: its first half waits for the next piece.
    let held = "";
    const put = async (chunk: string | Uint8Array) => {
      if (chunk.length === 0) return;
      await this.write(offset, chunk);
      offset += chunk.length;
    };
    return new WritableStream<string | Uint8Array>({
      write: async (chunk) => {
        if (typeof chunk !== "string") return put(chunk);
        let text = held + chunk;
        held = "";
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last < 0xdc00) {
          held = text.slice(-1);
          text = text.slice(0, -1);
        }
        await put(text);
      },
      close: () => put(held),
    }, { highWaterMark: 1 });
  }

  /**
   * Frees the LOB on the server (with the connection's next call) and makes this object
   * unusable (`ODB-5012`). Closing twice, or after the connection closed, does nothing.
   *
   * @example
   * ```ts
   * import type { Lob } from "../mod.ts";
   *
   * async function done(lob: Lob): Promise<void> {
   *   await lob.close();
   * }
   * ```
   */
  async close(): Promise<void> {
    const st = states.get(this);
    if (st === undefined || st.closed) return;
    st.closed = true;
    dropped.unregister(st);
    // A BFILE's locator names a file: the server holds nothing to free.
    if (st.session.closed || this.type === DB_TYPE_BFILE) return;
    try {
      await st.session.queue.run(() => st.session.native.lobFree!(st.locator));
    } catch (e) {
      throw atCaller(e);
    }
  }

  /**
   * Same as `close()`, for `await using`.
   *
   * @example
   * ```ts
   * import { BLOB, type Connection } from "../mod.ts";
   *
   * async function scratch(conn: Connection): Promise<void> {
   *   await using lob = await conn.createLob(BLOB);
   *   await lob.write(1, new Uint8Array([1, 2, 3]));
   * } // freed here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** One read (for a BFILE also its open and close, unless it is open: in thick mode ODPI-C's
   * read does those itself). */
  #piece(offset: number, amount: number) {
    return this.#call(
      (st) =>
        this.type === DB_TYPE_BFILE && st.session.native.thin
          ? st.session.native.bfileRead!(st.locator, offset, amount)
          : st.session.native.lobRead!(st.locator, offset, amount),
      false,
    );
  }

  #bfileOnly(method: string): void {
    if (this.type !== DB_TYPE_BFILE) {
      throw odbError(
        ErrorCode.LOB_OPERATION_UNSUPPORTED,
        `${method}() is for BFILEs; this Lob is a ${this.isText ? "CLOB" : "BLOB"}`,
      );
    }
  }

  #encode(data: string | Uint8Array): Uint8Array {
    if (this.isText && typeof data === "string") return encoder.encode(data);
    if (!this.isText && data instanceof Uint8Array) return data;
    throw odbError(
      ErrorCode.INVALID_ARGUMENT,
      `Argument "data" must be ${this.isText ? "a string (CLOB)" : "a Uint8Array (BLOB)"}`,
    );
  }

  /** Runs `fn` in the connection's queue once the LOB is known usable. */
  async #call<T>(fn: (st: LobState) => Promise<T>, rethrowAtCaller = true): Promise<T> {
    try {
      const st = usable(this);
      return await st.session.queue.run(() => fn(usable(this)));
    } catch (e) {
      throw rethrowAtCaller ? atCaller(e) : e;
    }
  }
}
