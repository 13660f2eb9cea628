/**
 * Test helpers: the SQLite-backed Oracle test server as an AsyncDisposable, and the skip
 * condition for tests that need it and the native addon. Works in Deno and Node. With
 * `ORADB_TEST_CONNECT_STRING` set, a real database stands in for the server (tests/_real_db.ts).
 *
 * @module
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { nativePath } from "../src/_native.ts";
import { connect, type Connection, initOracleClient } from "../mod.ts";
import { REAL_DB, realTestServer } from "./_real_db.ts";

export { dropFirst, needsTestServer, REAL_DB } from "./_real_db.ts";

/** The account `startTestServer()` logs on with by default (the real database's, when set). */
export const CREDS: { user: string; password: string } = REAL_DB
  ? { user: REAL_DB.user, password: REAL_DB.password }
  : { user: "scott", password: "tiger" };

/** A running test server; `await using` stops it and removes its data. */
export interface TestServer extends AsyncDisposable {
  host: string;
  port: number;
  /** Easy Connect string: `127.0.0.1:PORT/SERVICE`. */
  connectString: string;
  user: string;
  password: string;
  service: string;
  /** With `tls`: an Easy Connect string for the TCPS listener (`tcps://localhost:PORT/SERVICE`). */
  tcpsConnectString?: string;
  /** With `tls`: the PEM file of the throwaway CA that signed the server certificate. */
  caFile?: string;
  /** Process id of the running server. */
  readonly pid: number;
  /** The embedded server's data directory (where its directory objects' paths lie); absent on a real database. */
  dataDir?: string;
  /** Stops the server process (kill -TERM), keeping its data directory. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data (after `stop()`, or stopping it first). */
  restart(): Promise<void>;
  /** Fault injection through the server's admin port (native/testserver/src/admin.rs). */
  faults: Faults;
}

/** The test server's fault switches; each resolves once the server applied it. */
export interface Faults {
  /** Closes every client connection, resolving once the server has let go of their sessions; uncommitted work rolls back. */
  dropAll(): Promise<void>;
  /** Refuses new connections with TNS-12516 or TNS-12519; `null` accepts again. */
  refuse(code: 12516 | 12519 | null): Promise<void>;
  /** Delays every response by `ms` (0 = off). */
  delay(ms: number): Promise<void>;
  /** Stops answering FETCH calls of session `sid` (its cursors past their first batch). */
  stall(sid: number): Promise<void>;
  /** Lets `sid`, or every session, fetch again. */
  unstall(sid?: number): Promise<void>;
  /** Logons beyond `n` live sessions get ORA-00018; `null` lifts the cap. */
  maxSessions(n: number | null): Promise<void>;
  /** Drops every connection and closes the listener for `downMs` (same process, same data). */
  restart(downMs?: number): Promise<void>;
  /** Every switch off. */
  reset(): Promise<void>;
  /** Live sessions as the server sees them. */
  sessions(): Promise<{ sid: number; serial: number; user: string }[]>;
  /** Sends one raw admin line; resolves with the text after `OK`, rejects on `ERR`. */
  command(line: string): Promise<string>;
}

/** One admin command over a fresh connection to the admin port. */
function adminCommand(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host: "127.0.0.1", port }, () => sock.write(`${line}\n`));
    let buf = "";
    sock.setEncoding("utf8");
    sock.on("data", (d: string) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      sock.destroy();
      const answer = buf.slice(0, nl);
      if (answer === "OK" || answer.startsWith("OK ")) resolve(answer.slice(3));
      else reject(new Error(`admin command "${line}" failed: ${answer}`));
    });
    sock.on("error", reject);
  });
}

function faultsOn(port: () => number): Faults {
  const cmd = (line: string) => adminCommand(port(), line);
  const done = async (line: string) => {
    await cmd(line);
  };
  return {
    dropAll: () => done("drop"),
    refuse: (code) => done(`refuse ${code ?? "off"}`),
    delay: (ms) => done(`delay ${ms}`),
    stall: (sid) => done(`stall ${sid}`),
    unstall: (sid) => done(`unstall ${sid ?? "all"}`),
    maxSessions: (n) => done(`max-sessions ${n ?? "off"}`),
    restart: (downMs = 300) => done(`restart ${downMs}`),
    reset: () => done("reset"),
    sessions: async () =>
      (await cmd("sessions")).split(" ").filter(Boolean).map((w) => {
        const [sid, serial, user] = w.split(",");
        return { sid: Number(sid), serial: Number(serial), user };
      }),
    command: cmd,
  };
}

/** Options of {@linkcode startTestServer}. */
export interface TestServerOptions {
  user?: string;
  password?: string;
  service?: string;
  /** More `NAME/PASSWORD` accounts. */
  extraUsers?: string[];
  /** Also listen with TLS, using a throwaway CA and server certificate for `localhost`. */
  tls?: boolean;
  /** How long to wait for the listening line (default 15 s). */
  startTimeoutMs?: number;
  /** More server arguments, e.g. `["--encryption", "required", "--integrity", "required"]`. */
  args?: string[];
}

/**
 * Server arguments every `startTestServer()` adds, from `ORADB_TEST_SERVER_ARGS` (split on
 * spaces): scripts/test.sh runs the core suites a second time with
 * `--encryption required --integrity required`.
 */
export const ENV_SERVER_ARGS: string[] = (process.env.ORADB_TEST_SERVER_ARGS ?? "")
  .split(/\s+/)
  .filter((a) => a !== "");

/** True when the run forces native network encryption on every test server. */
export const NNE_FORCED: boolean = ENV_SERVER_ARGS.join(" ").includes("--encryption required");

/**
 * The backend the tests' `connect()` and `createPool()` use, from `ORADB_TEST_MODE`: `thin`
 * (default) or `thick`. scripts/test.sh runs the core suites a second time with `thick`, which
 * turns on thick mode (Instant Client: `ORADB_INSTANTCLIENT` or the repository's
 * .tmp/instantclient_19_3, also on `LD_LIBRARY_PATH`) before any test of the file runs.
 */
export const TEST_MODE: "thin" | "thick" = (() => {
  const m = process.env.ORADB_TEST_MODE ?? "thin";
  if (m !== "thin" && m !== "thick") {
    throw new Error(`ORADB_TEST_MODE must be thin or thick, not ${m}`);
  }
  return m;
})();

/** True when this run's connections and pools go through Oracle's client library. */
export const THICK: boolean = TEST_MODE === "thick";

/** Instant Client's directory for thick mode (scripts/instantclient.sh installs it there). */
export const INSTANT_CLIENT_DIR: string = process.env.ORADB_INSTANTCLIENT ??
  fileURLToPath(
    new URL(
      `${import.meta.url.endsWith(".ts") ? "../" : "../../"}.tmp/instantclient_19_3`,
      import.meta.url,
    ),
  );

// A failure here fails every test of the file, loudly: a thick run never falls back to thin.
if (THICK) await initOracleClient({ libDir: INSTANT_CLIENT_DIR });

/**
 * The `skip` reason of a test that exists in one mode only (`why` says what makes it so), or
 * `false` in that mode. In the other mode a `MODE-SPECIFIC:` line says so: scripts/test.sh
 * counts skips beyond those lines as failures.
 */
export function onlyIn(mode: "thin" | "thick", why: string): string | false {
  if (TEST_MODE === mode) return false;
  console.log(`MODE-SPECIFIC: ${mode} mode only, not run in ${TEST_MODE} mode: ${why}`);
  return `${mode} mode only: ${why}`;
}

/**
 * The `skip` reason of a test that fails in `mode` only because the test server lacks something
 * that mode's client needs (`gap` names it; the driver is not at fault), or `false` otherwise. A
 * `SERVER-GAP:` line says so: scripts/test.sh shows their count beside each run.
 */
export function serverGapIn(mode: "thin" | "thick", gap: string): string | false {
  if (TEST_MODE !== mode) return false;
  console.log(`SERVER-GAP: not run in ${mode} mode, the test server lacks: ${gap}`);
  return `test server gap in ${mode} mode: ${gap}`;
}

/** Test server gaps for OCI clients, named once for the tests they stop in thick mode. */
export const OCI_GAP = {
  batchErrors: "batch errors sent to OCI clients",
  endToEnd:
    "end-to-end attributes (module, action, client id and info, ECID) for OCI, which sends them to this server on no call",
  returning:
    "DML RETURNING in thick mode: a value longer than its bind reaches OCI whole (OCI sizes string binds in bytes at 4 per character, so no ORA-01406)",
  binaryFloat:
    "BINARY_FLOAT and BINARY_DOUBLE for OCI (OCI refuses the types itself, ORA-03115, before it sends a bind or after it reads a row)",
  objectTypes:
    "named object and collection types for OCI (describing one is OCI-22351, fetching one ORA-21527; python-oracledb's thick mode the same; thick mode here refuses DbObject types, ODB-1041, untestable until then)",
} as const;

/** The test options of a test stopped in thick mode by the test server gap `gap` (see OCI_GAP). */
export function ociGap(gap: keyof typeof OCI_GAP): { skip: string | false } {
  return { skip: SKIP_SERVER || serverGapIn("thick", OCI_GAP[gap]) };
}

/** Path of the test server binary: `ORADB_TESTSERVER` or target/debug/oradb-testserver. */
export function testServerPath(): string {
  const fromEnv = process.env.ORADB_TESTSERVER;
  if (fromEnv) return fromEnv;
  // tests/_server.ts under Deno, dist/tests/_server.js under Node.
  const up = import.meta.url.endsWith(".ts") ? "../" : "../../";
  return fileURLToPath(new URL(`${up}target/debug/oradb-testserver`, import.meta.url));
}

/**
 * Why server tests cannot run here (addon or server binary missing), or `false` when they can.
 * Pass it as the `skip` option of `test()`.
 */
export const SKIP_SERVER: string | false = (() => {
  // Against a real database only the addon is needed.
  const needed = REAL_DB ? [nativePath()] : [nativePath(), testServerPath()];
  const missing = needed.filter((p) => !existsSync(p));
  if (missing.length === 0) return false;
  const why = `missing ${missing.join(" and ")}`;
  console.error(
    `\n${
      "!".repeat(78)
    }\n!! SKIPPING tests that need the test server and the native addon: ${why}\n` +
      `!! Build them (cargo build -p oradb-node -p oradb-testserver) or set ORADB_NATIVE / ORADB_TESTSERVER\n` +
      `${"!".repeat(78)}\n`,
  );
  return `needs native addon and test server (${why})`;
})();

function firstLines(
  child: ChildProcess,
  count: number,
  timeoutMs: number,
  stderr: () => string,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const got: string[] = [];
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => fail(`did not print its address within ${timeoutMs} ms`),
      timeoutMs,
    );
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`Test server ${why}; stderr:\n${stderr()}`));
    };
    // Keeps draining stdout after the address lines, so the server never blocks on a full pipe.
    lines.on("line", (line) => {
      if (got.length >= count) return;
      got.push(line.trim());
      if (got.length < count) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      resolve(got);
    });
    const onExit = (code: number | null) => fail(`exited with ${code} before listening`);
    child.once("exit", onExit);
    child.once("error", (e) => fail(`could not start: ${e.message}`));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts the test server on a free port with a fresh data directory; with
 * `ORADB_TEST_CONNECT_STRING` set, hands out that database instead (nothing to start or stop).
 *
 * @example
 * ```ts
 * import { connect } from "../mod.ts";
 * import { startTestServer } from "./_server.ts";
 *
 * await using db = await startTestServer();
 * await using conn = await connect({ user: db.user, password: db.password, connectString: db.connectString });
 * ```
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  if (REAL_DB) return realTestServer(REAL_DB, opts);
  const user = opts.user ?? CREDS.user;
  const password = opts.password ?? CREDS.password;
  const service = opts.service ?? "FREEPDB1";
  const data = mkdtempSync(join(tmpdir(), "oradb-test-"));
  let stderrText = "";
  let tlsPort = 0;
  let adminPort = 0;
  if (opts.tls) {
    execFileSync(testServerPath(), ["gen-certs", join(data, "tls"), "localhost", "127.0.0.1"]);
  }
  const launch = async (listen: string) => {
    const args = ["--listen", listen, "--service", service];
    args.push("--admin-listen", `127.0.0.1:${adminPort}`);
    // Users in the environment: arguments (and so passwords) show in `ps`.
    const users = [`${user}/${password}`, ...(opts.extraUsers ?? [])].join("\n");
    if (opts.tls) {
      args.push(
        "--tls-listen",
        `127.0.0.1:${tlsPort}`,
        "--tls-cert",
        join(data, "tls", "server.pem"),
        "--tls-key",
        join(data, "tls", "server.key"),
      );
    }
    // The test's own arguments come last, so they win over the run's.
    args.push(...ENV_SERVER_ARGS, ...(opts.args ?? []));
    const c = spawn(testServerPath(), [...args, "--data", data], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ORADB_TESTSERVER_USERS: users },
    });
    c.stderr!.on("data", (chunk: Uint8Array) => {
      stderrText = (stderrText + new TextDecoder().decode(chunk)).slice(-8192);
    });
    try {
      const lines = await firstLines(
        c,
        opts.tls ? 3 : 2,
        opts.startTimeoutMs ?? 15_000,
        () => stderrText,
      );
      const portOf = (prefix: string) => {
        const l = lines.find((l) => l.startsWith(prefix)) ?? "";
        return Number(l.slice(l.lastIndexOf(":") + 1));
      };
      if (opts.tls) tlsPort = portOf("tcps=");
      adminPort = portOf("admin=");
      return { child: c, line: lines[0] };
    } catch (e) {
      await stop(c);
      throw e;
    }
  };
  let child: ChildProcess;
  let line: string;
  try {
    ({ child, line } = await launch("127.0.0.1:0"));
  } catch (e) {
    rmSync(data, { recursive: true, force: true });
    throw e;
  }
  const cleanup = async () => {
    await stop(child);
    rmSync(data, { recursive: true, force: true });
  };
  const colon = line.lastIndexOf(":");
  const host = line.slice(0, colon);
  const port = Number(line.slice(colon + 1));
  if (!host || !Number.isInteger(port) || port <= 0) {
    await cleanup();
    throw new Error(`Test server printed "${line}", expected HOST:PORT`);
  }
  return {
    host,
    port,
    connectString: `${host}:${port}/${service}`,
    user,
    password,
    service,
    tcpsConnectString: opts.tls ? `tcps://localhost:${tlsPort}/${service}` : undefined,
    caFile: opts.tls ? join(data, "tls", "ca.pem") : undefined,
    dataDir: data,
    get pid() {
      return child.pid ?? 0;
    },
    stop: () => stop(child),
    restart: async () => {
      await stop(child);
      // The port was just freed; a lingering socket may hold it for a moment.
      for (let attempt = 0;; attempt++) {
        try {
          ({ child } = await launch(`${host}:${port}`));
          return;
        } catch (e) {
          if (attempt >= 20) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    faults: faultsOn(() => adminPort),
    [Symbol.asyncDispose]: cleanup,
  };
}

/**
 * A fresh test server and one connection to it; `await using` closes the connection, then stops
 * the server.
 *
 * @example
 * ```ts
 * import { startConnected } from "./_server.ts";
 *
 * await using s = await startConnected();
 * await s.conn.execute("create table t (n number)");
 * ```
 */
export async function startConnected(
  opts: TestServerOptions = {},
): Promise<{ db: TestServer; conn: Connection } & AsyncDisposable> {
  const db = await startTestServer(opts);
  try {
    const conn = await connect({
      user: db.user,
      password: db.password,
      connectString: db.connectString,
    });
    return {
      db,
      conn,
      async [Symbol.asyncDispose]() {
        // The server stops even when close fails (a broken session): a server left running
        // keeps Node's test process alive.
        try {
          await conn.close();
        } finally {
          await db[Symbol.asyncDispose]();
        }
      },
    };
  } catch (e) {
    await db[Symbol.asyncDispose]();
    throw e;
  }
}
