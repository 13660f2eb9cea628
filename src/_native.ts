/**
 * The only file that loads the Node-API addon (native/node), in Deno and in Node; its typed
 * shape is in `_native_types.ts` (native/node/BOUNDARY.md).
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { ErrorCode, odbError } from "./errors.ts";

export type * from "./_native_types.ts";
import type {
  NativeAcquire,
  NativeAddon,
  NativeBinds,
  NativeConnection,
  NativeConnectOptions,
  NativeExecManyOptions,
  NativeExecManyResult,
  NativeExecOptions,
  NativeExecResult,
  NativeLobRead,
  NativePool,
  NativePoolLimits,
  NativePoolOptions,
  NativeRows,
  NativeThickInit,
} from "./_native_types.ts";
import { packSpecs, unpackExecResult, unpackRows } from "./_rowbuf.ts";

/** The platform packages that are built (npm/ of the repository), by platform name. */
export const PLATFORM_PACKAGES: readonly string[] = [
  "linux-x64-gnu",
  "linux-arm64-gnu",
  "linux-x64-musl",
  "darwin-arm64",
  "darwin-x64",
  "win32-x64-msvc",
];

/** This machine's platform name in the napi-rs convention, e.g. `linux-x64-gnu` or `darwin-arm64`. */
export function platformName(): string {
  const { platform, arch } = process;
  if (platform === "linux") return `linux-${arch}-${isMusl() ? "musl" : "gnu"}`;
  if (platform === "win32") return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function isMusl(): boolean {
  // ldd is a musl or a glibc script; reading it needs no --allow-sys under Deno, unlike the
  // process report, which is the fallback.
  try {
    return readFileSync("/usr/bin/ldd", "utf8").includes("musl");
  } catch {
    try {
      const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
      return !report?.header?.glibcVersionRuntime;
    } catch {
      return false;
    }
  }
}

/**
 * The development build in the repository: `native/node/oradb.node`, reached from
 * `src/_native.ts` (Deno, sources) or from `dist/src/_native.js` (Node, built); undefined when
 * this module is not a local file (a JSR import).
 */
function devPath(): string | undefined {
  if (!import.meta.url.startsWith("file:")) return undefined;
  const up = import.meta.url.endsWith(".ts") ? "../" : "../../";
  return fileURLToPath(new URL(`${up}native/node/oradb.node`, import.meta.url));
}

/** The addon file of this platform's package `@oradb/<platform>`, if it is installed. */
function packagePath(pkg: string): string | undefined {
  // From a JSR import there is no file to resolve from: the app's node_modules is the place.
  const base = import.meta.url.startsWith("file:")
    ? import.meta.url
    : join(process.cwd(), "package.json");
  try {
    return createRequire(base).resolve(pkg);
  } catch {
    return undefined;
  }
}

/**
 * Path of the addon: `ORADB_NATIVE` if set; else the development build of the repository
 * (`native/node/oradb.node`) if it exists; else the file of this platform's package
 * (`@oradb/linux-x64-gnu`…, an optional dependency of `oradb`); else the development path.
 */
export function nativePath(): string {
  const fromEnv = readEnv("ORADB_NATIVE");
  if (fromEnv) return fromEnv;
  const dev = devPath();
  if (dev && existsSync(dev)) return dev;
  return packagePath(`@oradb/${platformName()}`) ?? dev ?? `@oradb/${platformName()}`;
}

function readEnv(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    // Deno without --allow-env throws; the default path is the sensible answer then.
    return undefined;
  }
}

/** Why no addon was found: the package looked for, and what to do. */
function notFound(): string {
  const name = platformName();
  const pkg = `@oradb/${name}`;
  const dev = devPath();
  const also = dev ? `, and there is no development build at ${dev}` : "";
  if (!PLATFORM_PACKAGES.includes(name)) {
    return `No native addon for ${name}: no ${pkg} package is built${also} (built for ` +
      `${PLATFORM_PACKAGES.join(", ")}; build native/node and set ORADB_NATIVE to its path)`;
  }
  return `Native addon not found: the package ${pkg} is not installed${also} (it is an optional ` +
    `dependency of oradb: install without --omit=optional / --no-optional, or set ORADB_NATIVE ` +
    `to the addon's path)`;
}

let addon: NativeAddon | undefined;

/**
 * Loads the addon once and returns it.
 *
 * @throws {OracleError} `ODB-1000` when the file is missing or cannot be loaded; without
 * `ORADB_NATIVE`, the message names the platform package it looked for.
 */
export function loadNative(): NativeAddon {
  if (addon) return addon;
  const path = nativePath();
  if (!readEnv("ORADB_NATIVE") && !existsSync(path)) {
    throw odbError(ErrorCode.NATIVE_LOAD_FAILED, notFound());
  }
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url.startsWith("file:") ? import.meta.url : path)(path);
  } catch (e) {
    const reason = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw odbError(
      ErrorCode.NATIVE_LOAD_FAILED,
      `Native addon could not be loaded from ${path} (set ORADB_NATIVE to its path; under Deno ` +
        `run with --allow-ffi --allow-read): ${reason}`,
      e,
    );
  }
  if (typeof (loaded as NativeAddon | null)?.connect !== "function") {
    throw odbError(
      ErrorCode.NATIVE_LOAD_FAILED,
      `Native addon at ${path} does not export "connect"`,
    );
  }
  addon = withTypedFailures(loaded as RawAddon);
  return addon;
}

/** A failed call as the addon resolves it (native/node/BOUNDARY.md). */
interface NativeFailure {
  oradbError: true;
  code: string;
  message: string;
  offset: number;
  isRecoverable: boolean;
}

type RawAddon = {
  connect(opts: NativeConnectOptions): Promise<unknown>;
  thickInit(opts: NativeThickInit): Promise<unknown>;
  thickConnect(opts: NativeConnectOptions): Promise<unknown>;
  createPool(opts: NativePoolOptions): Promise<unknown>;
  thickCreatePool(opts: NativePoolOptions, plsqlFixup?: string): Promise<unknown>;
  setLogLevel(level: string, toJs: boolean): void;
  drainLogs(): string[];
  objectDecode(shape: Uint8Array, image: Uint8Array): unknown;
  objectEncode(shape: Uint8Array, oid: Uint8Array, values: Uint8Array, name: string): unknown;
};

/** The addon's connection class: compact arguments and results (BOUNDARY.md). */
interface RawConnection {
  execute(
    sql: string,
    specs: Uint8Array | null,
    values: Uint8Array | null,
    opts: Uint8Array,
  ): Promise<unknown>;
  executeMany(
    sql: string,
    specs: Uint8Array | null,
    values: Uint8Array | null,
    rowCount: number,
    flags: number,
  ): Promise<unknown>;
  fetch(cursorId: number, maxRows: number): Promise<unknown>;
  closeCursor(cursorId: number): Promise<unknown>;
  commit(): Promise<unknown>;
  rollback(): Promise<unknown>;
  ping(): Promise<unknown>;
  breakExecution(): Promise<void>;
  close(): Promise<unknown>;
  forceClose(graceMs: number): Promise<unknown>;
  setEndToEnd(which: number, value: string): void;
  isHealthy(): boolean;
  setCallTimeout(ms: number): void;
  getCallTimeout(): number;
  lobCreateTemp?(dbType: number, csfrm: number): Promise<unknown>;
  lobLength?(locator: Uint8Array): Promise<unknown>;
  lobRead?(locator: Uint8Array, offset: number, amount: number): Promise<unknown>;
  lobWrite?(locator: Uint8Array, offset: number, data: Uint8Array): Promise<unknown>;
  lobTrim?(locator: Uint8Array, newSize: number): Promise<unknown>;
  lobFree?(locator: Uint8Array): Promise<unknown>;
  bfileExists?(locator: Uint8Array): Promise<unknown>;
  bfileRead?(locator: Uint8Array, offset: number, amount: number): Promise<unknown>;
  readonly serverVersion: string;
  /** Absent on thick connections. */
  readonly networkEncryption?: string | null;
  readonly networkIntegrity?: string | null;
  readonly poolId: number;
  readonly poolTag: string;
  readonly poolIsNew: boolean;
}

function isFailure(v: unknown): v is NativeFailure {
  return typeof v === "object" && v !== null && (v as NativeFailure).oradbError === true;
}

/** Throws a resolved failure as an Error carrying its typed fields. */
function unwrap<T>(v: unknown): T {
  if (isFailure(v)) {
    throw Object.assign(new Error(v.message), {
      code: v.code,
      offset: v.offset,
      isRecoverable: v.isRecoverable,
    });
  }
  return v as T;
}

/**
 * The typed {@link NativeConnection} over the addon's compact one. A class, so a pooled acquire
 * costs one small object and no closures; the pool fields are read once, the version lazily.
 */
const execWords = new Uint32Array(3);
const execWordBytes = new Uint8Array(execWords.buffer);

class Adapted implements NativeConnection {
  readonly #raw: RawConnection;
  readonly poolId: number;
  readonly poolTag: string;
  readonly poolIsNew: boolean;
  readonly thin: boolean;

  constructor(raw: RawConnection, thin: boolean) {
    this.#raw = raw;
    this.thin = thin;
    this.poolId = raw.poolId;
    this.poolTag = this.poolId === 0 ? "" : raw.poolTag;
    this.poolIsNew = this.poolId !== 0 && raw.poolIsNew;
  }

  get serverVersion(): string {
    return this.#raw.serverVersion;
  }

  get networkEncryption(): string | null {
    return this.#raw.networkEncryption ?? null;
  }

  get networkIntegrity(): string | null {
    return this.#raw.networkIntegrity ?? null;
  }

  async execute(
    sql: string,
    binds: NativeBinds,
    opts: NativeExecOptions,
  ): Promise<NativeExecResult> {
    // The addon copies the options at once, so one scratch buffer serves the common case.
    const n = opts.fetchAsString.length;
    const words = n === 0 ? execWords : new Uint32Array(3 + n);
    words[0] = (opts.autoCommit ? 1 : 0) | (opts.deferLobs ? 2 : 0);
    words[1] = opts.prefetchRows;
    words[2] = opts.arraySize;
    if (n > 0) words.set(opts.fetchAsString, 3);
    const res = unwrap<Uint8Array>(
      await this.#raw.execute(
        sql,
        packSpecs(binds),
        binds.values.length ? binds.values : null,
        n === 0 ? execWordBytes : new Uint8Array(words.buffer),
      ),
    );
    return unpackExecResult(res);
  }

  async executeMany(
    sql: string,
    binds: NativeBinds,
    rowCount: number,
    opts: NativeExecManyOptions,
  ): Promise<NativeExecManyResult> {
    const flags = (opts.autoCommit ? 1 : 0) | (opts.batchErrors ? 2 : 0) |
      (opts.dmlRowCounts ? 4 : 0);
    return unwrap(
      await this.#raw.executeMany(sql, packSpecs(binds), binds.values, rowCount, flags),
    );
  }

  async fetch(cursorId: number, maxRows: number): Promise<NativeRows> {
    return unpackRows(unwrap<Uint8Array>(await this.#raw.fetch(cursorId, maxRows)));
  }

  async closeCursor(cursorId: number): Promise<void> {
    unwrap(await this.#raw.closeCursor(cursorId));
  }

  async commit(): Promise<void> {
    unwrap(await this.#raw.commit());
  }

  async rollback(): Promise<void> {
    unwrap(await this.#raw.rollback());
  }

  async ping(): Promise<void> {
    unwrap(await this.#raw.ping());
  }

  breakExecution(): Promise<void> {
    return this.#raw.breakExecution();
  }

  async close(): Promise<void> {
    unwrap(await this.#raw.close());
  }

  async forceClose(graceMs: number): Promise<void> {
    unwrap(await this.#raw.forceClose(graceMs));
  }

  setEndToEnd(which: number, value: string): void {
    this.#raw.setEndToEnd(which, value);
  }

  isHealthy(): boolean {
    return this.#raw.isHealthy();
  }

  setCallTimeout(ms: number): void {
    this.#raw.setCallTimeout(ms);
  }

  getCallTimeout(): number {
    return this.#raw.getCallTimeout();
  }

  async lobCreateTemp(
    dbType: number,
    csfrm: number,
  ): Promise<{ chunkSize: number; locator: Uint8Array }> {
    const b = unwrap<Uint8Array>(await this.#lob().lobCreateTemp!(dbType, csfrm));
    const chunkSize = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
    return { chunkSize, locator: Uint8Array.from(b.subarray(4)) };
  }

  async lobLength(locator: Uint8Array): Promise<number> {
    return unwrap<number>(await this.#lob().lobLength!(locator));
  }

  async lobRead(locator: Uint8Array, offset: number, amount: number): Promise<NativeLobRead> {
    const b = unwrap<Uint8Array>(await this.#lob().lobRead!(locator, offset, amount));
    const units = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
    return { units, data: b.subarray(4) };
  }

  async lobWrite(locator: Uint8Array, offset: number, data: Uint8Array): Promise<Uint8Array> {
    return Uint8Array.from(unwrap<Uint8Array>(await this.#lob().lobWrite!(locator, offset, data)));
  }

  async lobTrim(locator: Uint8Array, newSize: number): Promise<Uint8Array> {
    return Uint8Array.from(unwrap<Uint8Array>(await this.#lob().lobTrim!(locator, newSize)));
  }

  async lobFree(locator: Uint8Array): Promise<void> {
    unwrap(await this.#lob().lobFree!(locator));
  }

  async bfileExists(locator: Uint8Array): Promise<boolean> {
    return unwrap<boolean>(await this.#lob("bfileExists").bfileExists!(locator));
  }

  async bfileRead(locator: Uint8Array, offset: number, amount: number): Promise<NativeLobRead> {
    const b = unwrap<Uint8Array>(await this.#lob("bfileRead").bfileRead!(locator, offset, amount));
    const units = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
    return { units, data: b.subarray(4) };
  }

  /** The raw connection, which must have the LOB call `call` (thick ones read a BFILE with lobRead). */
  #lob(call: keyof RawConnection = "lobRead"): RawConnection {
    if (this.#raw[call] === undefined) {
      throw odbError(
        ErrorCode.THICK_UNAVAILABLE,
        `The LOB call ${call} is not available in ${this.thin ? "thin" : "thick"} mode`,
      );
    }
    return this.#raw;
  }
}

function adapt(raw: RawConnection, thin = true): NativeConnection {
  return new Adapted(raw, thin);
}

function withTypedFailures(raw: RawAddon): NativeAddon {
  return {
    setLogLevel: (level, toJs) => raw.setLogLevel(level, toJs),
    drainLogs: () => raw.drainLogs(),
    objectDecode: (shape, image) => unwrap<Uint8Array>(raw.objectDecode(shape, image)),
    objectEncode: (shape, oid, values, name) =>
      unwrap<Uint8Array>(raw.objectEncode(shape, oid, values, name)),
    async connect(opts: NativeConnectOptions): Promise<NativeConnection> {
      return adapt(unwrap<RawConnection>(await raw.connect(opts)));
    },
    async thickInit(opts: NativeThickInit): Promise<void> {
      unwrap(await raw.thickInit(opts));
    },
    async thickConnect(opts: NativeConnectOptions): Promise<NativeConnection> {
      return adapt(unwrap<RawConnection>(await raw.thickConnect(opts)), false);
    },
    async createPool(opts: NativePoolOptions): Promise<NativePool> {
      return adaptPool(unwrap<NativePool>(await raw.createPool(opts)), true);
    },
    async thickCreatePool(opts: NativePoolOptions, plsqlFixup?: string): Promise<NativePool> {
      return adaptPool(unwrap<NativePool>(await raw.thickCreatePool(opts, plsqlFixup)), false);
    },
  };
}

/** The addon's pool (thin, or OCI's in thick mode) with typed failures. */
function adaptPool(pool: NativePool, thin: boolean): NativePool {
  return {
    acquire: async (req: NativeAcquire, requestId: number) =>
      adapt(unwrap<RawConnection>(await pool.acquire(req, requestId)), thin),
    cancelAcquire: (requestId: number) => pool.cancelAcquire(requestId),
    tryAcquireOrPark: (req: NativeAcquire | null) => {
      const c = unwrap<RawConnection | number | null>(pool.tryAcquireOrPark(req));
      return c === null || typeof c === "number" ? c : adapt(c, thin);
    },
    takeParked: () => {
      const flat = pool.takeParked() as unknown as (number | RawConnection | null)[];
      const out: [number, NativeConnection | null][] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const c = flat[i + 1] as RawConnection | null;
        out.push([flat[i] as number, c === null ? null : adapt(c, thin)]);
      }
      return out;
    },
    parkedReady: async () => unwrap(await pool.parkedReady()),
    wakeParked: () => pool.wakeParked(),
    leaveParked: (id: number, timedOut: boolean) => {
      const c = unwrap<RawConnection | null>(pool.leaveParked(id, timedOut));
      return c === null ? null : adapt(c, thin);
    },
    acquireQueued: async (req: NativeAcquire, id: number, requestId: number, leftMs: number) =>
      adapt(unwrap<RawConnection>(await pool.acquireQueued(req, id, requestId, leftMs)), thin),
    tryRelease: (id: number, tag: string, drop: boolean) => pool.tryRelease(id, tag, drop),
    release: async (id: number, tag: string, drop: boolean) =>
      unwrap(await pool.release(id, tag, drop)),
    close: async (force: boolean, drainMs: number) => unwrap(await pool.close(force, drainMs)),
    reconfigure: (limits: NativePoolLimits) => {
      unwrap(pool.reconfigure(limits));
    },
    statistics: () => pool.statistics(),
    // OCI's pool (thick) has no such method: it builds the statistics instead.
    waiting: typeof (pool as Partial<NativePool>).waiting === "function"
      ? () => pool.waiting()
      : () => pool.statistics().waiting,
  };
}
