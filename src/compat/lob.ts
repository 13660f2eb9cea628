/**
 * node-oracledb's `Lob`: a Node Duplex stream over an oradb `Lob` (read from the start, written
 * from the start), with `getData()`, `type`, `chunkSize` and `length`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import type { Lob as OradbLob } from "../lob.ts";
import * as t from "../types.ts";
import { DB_TYPE_BLOB, DB_TYPE_CLOB, DB_TYPE_NCLOB, type DbType } from "./constants.ts";
import { settle, splitCallback } from "./_callback.ts";

/**
 * A LOB as node-oracledb gives it: pipe it, `read` it as a stream, write to it as a stream, or
 * `getData()` it whole.
 *
 * @example
 * ```ts
 * import type { Lob } from "./lob.ts";
 *
 * async function text(lob: Lob): Promise<string> {
 *   return String(await lob.getData());
 * }
 * ```
 */
export class Lob extends Duplex {
  /** @internal The oradb Lob underneath (bound as is). */
  readonly oradbLob: OradbLob;
  /** `DB_TYPE_CLOB`, `DB_TYPE_NCLOB` or `DB_TYPE_BLOB`. */
  readonly type: DbType;
  /** Best size of a read or write. */
  readonly chunkSize: number;
  /** Size in characters (CLOB) or bytes (BLOB) when fetched; -1 when unknown yet. */
  length: number = -1;
  #readAt = 1;
  #writeAt = 1;

  /** @internal Made by fetches, OUT binds and `createLob()`. */
  constructor(lob: OradbLob) {
    super({ decodeStrings: false });
    this.oradbLob = lob;
    this.type = lob.type === t.DB_TYPE_BLOB
      ? DB_TYPE_BLOB
      : lob.type === t.DB_TYPE_NCLOB
      ? DB_TYPE_NCLOB
      : DB_TYPE_CLOB;
    this.chunkSize = lob.chunkSize;
  }

  /** The whole value: a string for a CLOB, a Buffer for a BLOB (callback or promise). */
  getData(...args: unknown[]): Promise<string | Buffer> {
    const [, cb] = splitCallback<string | Buffer>(args);
    return settle(async () => {
      const d = await this.oradbLob.getData();
      return typeof d === "string" ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    }, cb);
  }

  /** @internal Stream plumbing: reads the next piece. */
  override _read(size: number): void {
    const amount = Math.max(size, this.chunkSize || 8192);
    this.oradbLob.read(this.#readAt, amount).then((d) => {
      if (d.length === 0) return void this.push(null);
      this.#readAt += d.length;
      this.push(typeof d === "string" ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength));
    }, (e) => this.destroy(e));
  }

  /** @internal Stream plumbing: writes a piece after the last one. */
  override _write(
    chunk: string | Uint8Array,
    _enc: string,
    done: (e?: Error | null) => void,
  ): void {
    const data = typeof chunk === "string" || this.type !== DB_TYPE_BLOB
      ? (typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"))
      : chunk;
    const at = this.#writeAt;
    this.#writeAt += data.length;
    this.oradbLob.write(at, data).then(() => done(), (e) => done(e));
  }

  /** @internal Stream plumbing: frees the LOB. */
  override _destroy(err: Error | null, done: (e: Error | null) => void): void {
    this.oradbLob.close().then(() => done(err), (e) => done(err ?? e));
  }

  /** Frees the LOB (callback or promise). */
  close(...args: unknown[]): Promise<void> {
    const [, cb] = splitCallback<void>(args);
    return settle(() => this.oradbLob.close(), cb);
  }
}
