/**
 * The typed shape of what the Node-API addon exports (native/node/BOUNDARY.md); `_native.ts`
 * loads it.
 *
 * @module
 */

/** Options of the native `connect()`. */
export interface NativeConnectOptions {
  user: string;
  password: string;
  connectString: string;
  configDir?: string;
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  stmtCacheSize?: number;
  prefetchRows?: number;
  connectionClass?: string;
  purity?: number;
  program?: string;
  machine?: string;
  osUser?: string;
  driverName?: string;
  /** The session time zone set at logon (`+05:30`). */
  timeZone?: string;
  walletLocation?: string;
  sslServerDnMatch?: boolean;
  sslServerCertDn?: string;
  networkEncryption?: string;
  encryptionTypes?: string[];
  networkIntegrity?: string;
  integrityTypes?: string[];
  shardingKey?: string[];
  superShardingKey?: string[];
}

/** Binds of one statement (or of `rowCount` rows for executeMany). */
export interface NativeBinds {
  names: string[] | null;
  dirs: number[];
  types: number[];
  maxSizes: number[];
  values: Uint8Array;
  /** Per bind, its maxArraySize when it is an associative-array bind, else 0 (absent: none). */
  arraySizes?: number[];
}

/** Options of the native `execute()`. */
export interface NativeExecOptions {
  autoCommit: boolean;
  prefetchRows: number;
  arraySize: number;
  /**
   * Column indexes fetched specially: a NUMBER column as exact text, or, with
   * {@linkcode LOB_COLUMN} added, a CLOB/BLOB column as locators.
   */
  fetchAsString: number[];
  /**
   * A query with LOB columns comes back after its describe, without rows, so that the caller
   * can ask for the LOBs it wants as locators before any value is sent.
   */
  deferLobs?: boolean;
}

/** Added to a column index in `fetchAsString`: the LOB column comes as locators. */
export const LOB_COLUMN = 0x8000_0000;

/** A LOB read: the units (characters or bytes) it covers, and the data (CLOB as UTF-8). */
export interface NativeLobRead {
  units: number;
  data: Uint8Array;
}

/** Options of the native `executeMany()`. */
export interface NativeExecManyOptions {
  autoCommit: boolean;
  batchErrors: boolean;
  dmlRowCounts: boolean;
}

/** A batch of rows as tagged values, row-major. */
export interface NativeRows {
  data: Uint8Array;
  rowCount: number;
  done: boolean;
}

/** Column description from the server. */
export interface NativeColumn {
  name: string;
  dbType: number;
  size: number;
  precision: number;
  scale: number;
  nullable: boolean;
  /** NCHAR, NVARCHAR2 or NCLOB: the national character set. */
  national?: boolean;
}

/** Result of the native `execute()`. */
export interface NativeExecResult {
  cursorId: number;
  columns: NativeColumn[] | null;
  rows: NativeRows | null;
  rowsAffected: number;
  outBinds: Uint8Array | null;
  lastRowid: string | null;
  /** A PL/SQL call's implicit results: tagged REF CURSOR values (thin mode). */
  implicitResults?: Uint8Array | null;
}

/** Result of the native `executeMany()`. */
export interface NativeExecManyResult {
  rowsAffected: number;
  dmlRowCounts: number[] | null;
  batchErrors: { offset: number; code: string; message: string }[] | null;
  /** With OUT binds (thin only): per iteration, one tagged value per bind. */
  outBinds?: Uint8Array | null;
}

/** A native connection; calls on it are served one at a time. */
export interface NativeConnection {
  execute(sql: string, binds: NativeBinds, opts: NativeExecOptions): Promise<NativeExecResult>;
  executeMany(
    sql: string,
    binds: NativeBinds,
    rowCount: number,
    opts: NativeExecManyOptions,
  ): Promise<NativeExecManyResult>;
  fetch(cursorId: number, maxRows: number): Promise<NativeRows>;
  closeCursor(cursorId: number): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  ping(): Promise<void>;
  breakExecution(): Promise<void>;
  close(): Promise<void>;
  /** Breaks the call in flight and closes; gives up on the server after `graceMs`. */
  forceClose(graceMs: number): Promise<void>;
  /** 0 client id, 1 module, 2 action, 3 client info, 4 DB operation, 5 ECID; sent with the next call. */
  setEndToEnd(which: number, value: string): void;
  /** False once the session is known to be gone, without a round trip. */
  isHealthy(): boolean;
  setCallTimeout(ms: number): void;
  getCallTimeout(): number;
  readonly serverVersion: string;
  /** Native network encryption / integrity algorithm agreed (absent in thick mode). */
  readonly networkEncryption?: string | null;
  readonly networkIntegrity?: string | null;
  /** False for a thick-mode connection (Oracle's client library). */
  readonly thin: boolean;
  /** Creates a temporary LOB (112 CLOB, 113 BLOB; csfrm 2 for NCLOB). */
  lobCreateTemp?(
    dbType: number,
    csfrm: number,
  ): Promise<{ chunkSize: number; locator: Uint8Array }>;
  /** Length in characters (CLOB) or bytes (BLOB). */
  lobLength?(locator: Uint8Array): Promise<number>;
  /** Reads `amount` units from 1-based `offset`. */
  lobRead?(locator: Uint8Array, offset: number, amount: number): Promise<NativeLobRead>;
  /** Writes at 1-based `offset` (CLOB data as UTF-8); the locator after it. */
  lobWrite?(locator: Uint8Array, offset: number, data: Uint8Array): Promise<Uint8Array>;
  /** Cuts to `newSize` units; the locator after it. */
  lobTrim?(locator: Uint8Array, newSize: number): Promise<Uint8Array>;
  /** Frees the LOB with the next call. */
  lobFree?(locator: Uint8Array): Promise<void>;
  /** Thin only: whether a BFILE's file exists. */
  bfileExists?(locator: Uint8Array): Promise<boolean>;
  /** Thin only: reads a BFILE's bytes (opening it for the read unless open). */
  bfileRead?(locator: Uint8Array, offset: number, amount: number): Promise<NativeLobRead>;
  /** Pool id of a pooled session (0 when standalone), its tag and whether it is new. */
  readonly poolId: number;
  readonly poolTag: string;
  readonly poolIsNew: boolean;
}

/** Sizes and timeouts of a native pool. */
export interface NativePoolLimits {
  poolMin: number;
  poolMax: number;
  poolIncrement: number;
  getMode: string;
  waitTimeoutMs: number;
  queueMax: number;
  poolTimeoutS: number;
  maxLifetimeSessionS: number;
  pingIntervalS: number;
  /** 0 = no limit. */
  maxSessionsPerShard: number;
}

/** One native acquire. */
export interface NativeAcquire {
  tag: string;
  matchAnyTag: boolean;
  user?: string;
  password?: string;
  connectionClass?: string;
  /** 0 the pool's, 1 new, 2 self. */
  purity: number;
  /** Sub-keys as `s:`/`n:`/`d:`/`b:` text; both absent: the pool's keys. */
  shardingKey?: string[];
  superShardingKey?: string[];
}

/** Options of the native `createPool()`. */
export interface NativePoolOptions {
  connect: NativeConnectOptions;
  homogeneous: boolean;
  poolMin: number;
  poolMax: number;
  poolIncrement: number;
  getMode: string;
  waitTimeoutMs: number;
  queueMax: number;
  poolTimeoutS: number;
  maxLifetimeSessionS: number;
  pingIntervalS: number;
  /** 0 = no limit. */
  maxSessionsPerShard: number;
}

/** Pool counters. */
export interface NativePoolStats {
  open: number;
  busy: number;
  idle: number;
  waiting: number;
  forced: number;
  hits: number;
  misses: number;
  timeouts: number;
}

/** A native session pool. */
export interface NativePool {
  /** `requestId` (non-zero) lets `cancelAcquire` stop a waiting acquire (ODB-2010). */
  acquire(req: NativeAcquire, requestId: number): Promise<NativeConnection>;
  /**
   * An idle session; or, when the request must wait, its id as a parked waiter (its session
   * comes from `takeParked`); or null when `acquire` must be used.
   */
  tryAcquireOrPark(req: NativeAcquire | null): NativeConnection | number | null;
  /** What parked waiters got: a session, or null (retry with `acquireQueued`). */
  takeParked(): [number, NativeConnection | null][];
  /** Resolves when parked waiters may have got something (or after `wakeParked`). */
  parkedReady(): Promise<void>;
  wakeParked(): void;
  /** A parked waiter gives up: a session it got meanwhile, or null; ODB-2004 when timed out. */
  leaveParked(id: number, timedOut: boolean): NativeConnection | null;
  /** `acquire` for a parked waiter told to retry; `leftMs` < 0: no timed wait. */
  acquireQueued(
    req: NativeAcquire,
    id: number,
    requestId: number,
    leftMs: number,
  ): Promise<NativeConnection>;
  cancelAcquire(requestId: number): void;
  /**
   * 1 when the session went back at once (2: and a parked waiter got something, see
   * `takeParked`); 0 when `release` must be used.
   */
  tryRelease(id: number, tag: string, drop: boolean): number;
  release(id: number, tag: string, drop: boolean): Promise<void>;
  /** `drainMs` < 0: no drain time. */
  close(force: boolean, drainMs: number): Promise<void>;
  reconfigure(limits: NativePoolLimits): void;
  statistics(): NativePoolStats;
  /** `statistics().waiting` alone, without building the object. */
  waiting(): number;
}

/** Options of the native `thickInit()`. */
export interface NativeThickInit {
  libDir?: string;
  configDir?: string;
  driverName?: string;
}

/** What the addon exports. */
export interface NativeAddon {
  connect(opts: NativeConnectOptions): Promise<NativeConnection>;
  /** Loads Oracle's client library (thick mode), once per process. */
  thickInit(opts: NativeThickInit): Promise<void>;
  /** `connect()` through Oracle's client library (after `thickInit`). */
  thickConnect(opts: NativeConnectOptions): Promise<NativeConnection>;
  createPool(opts: NativePoolOptions): Promise<NativePool>;
  /** OCI's session pool (after `thickInit`); `plsqlFixup`: the PL/SQL session callback. */
  thickCreatePool(opts: NativePoolOptions, plsqlFixup?: string): Promise<NativePool>;
  /** Log records at or above `level` ("off" … "trace") go to `drainLogs()` when `toJs`. */
  setLogLevel(level: string, toJs: boolean): void;
  /** The waiting log records, each `level \t target \t message` (level 1 error … 5 trace). */
  drainLogs(): string[];
  /** A fetched object image as tagged values, per the type's shape (dbobject). */
  objectDecode(shape: Uint8Array, image: Uint8Array): Uint8Array;
  /** The bind wire value of tagged object values; `name` names the type in errors. */
  objectEncode(shape: Uint8Array, oid: Uint8Array, values: Uint8Array, name: string): Uint8Array;
}
