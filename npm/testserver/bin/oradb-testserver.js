#!/usr/bin/env node
// Runs the oradb-testserver binary of this machine's platform package
// (@oradb/testserver-<platform>-<arch>[-<abi>], an optional dependency) with the same arguments,
// stdio and exit status, so `npx oradb-testserver` works without a Rust toolchain.
"use strict";
const { spawn } = require("node:child_process");
const { chmodSync, readFileSync, statSync } = require("node:fs");
const { dirname, join } = require("node:path");

const BUILT = [
  "linux-x64-gnu",
  "linux-arm64-gnu",
  "linux-x64-musl",
  "darwin-arm64",
  "darwin-x64",
  "win32-x64-msvc",
];

function isMusl() {
  // glibc reports its version in the process report; musl does not.
  try {
    return !process.report.getReport().header.glibcVersionRuntime;
  } catch {
    try {
      return readFileSync("/usr/bin/ldd", "utf8").includes("musl");
    } catch {
      return false;
    }
  }
}

function platformName() {
  const { platform, arch } = process;
  if (platform === "linux") return `linux-${arch}-${isMusl() ? "musl" : "gnu"}`;
  if (platform === "win32") return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

const name = platformName();
const pkg = `@oradb/testserver-${name}`;
let binary;
try {
  const dir = dirname(require.resolve(`${pkg}/package.json`));
  binary = join(dir, process.platform === "win32" ? "oradb-testserver.exe" : "oradb-testserver");
  // Some package managers unpack files without their execute bit.
  if (process.platform !== "win32" && (statSync(binary).mode & 0o111) === 0) {
    chmodSync(binary, 0o755);
  }
} catch (e) {
  const why = BUILT.includes(name)
    ? `${pkg} is not installed (was it installed with --omit=optional or on another platform?)`
    : `no ${pkg} is built for this platform (built: ${BUILT.join(", ")})`;
  console.error(`oradb-testserver: ${why}: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
  process.exit(1);
}

const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => child.kill(sig));
}
child.on("error", (e) => {
  console.error(`oradb-testserver: cannot run ${binary}: ${e.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) {
    // End the same way, so a parent sees the signal; our own handler must not catch it again.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
});
