#!/usr/bin/env bash
# The packages as a new user gets them: packs oradb, this machine's @oradb/<platform> addon
# package, oradb-testserver and its @oradb/testserver-<platform> package, installs the tarballs
# into a fresh empty app with no cargo/rustc on its PATH, starts the server with
# `npx oradb-testserver`, and from the app runs an ES module, a CommonJS module, TypeScript
# type-checked by tsc (nodenext and bundler) and a Deno program using `npm:oradb`, each running a
# query. Only typescript and @types/node come from the registry. Prints the tarball sizes, `ok …` /
# `FAIL …` lines, and ends with `pack-install: N passed, M failed`.
#   usage: tests/consumers/pack_install.sh [NODE_BINARY]   (Node 22.12+; default: node on PATH)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE=$(command -v "${1:-node}" || echo "${1:-node}")
case $NODE in /*) ;; *) NODE="$PWD/$NODE" ;; esac
DENO="$ROOT/node_modules/.bin/deno"
NAPI=${NAPI:-$ROOT/node_modules/.bin/napi}
WORK=$(mktemp -d)
SERVER_PGID=""
cleanup() {
  if [ -n "$SERVER_PGID" ]; then
    kill -TERM -- "-$SERVER_PGID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 -- "-$SERVER_PGID" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
check() { if echo "$2" | grep -q "^ok"; then ok "$1"; else fail "$1: $2"; fi; }
finish() { echo "pack-install: $passed passed, $failed failed"; exit $((failed > 0)); }

# 1. Build what ships (with the Rust toolchain; the app below has none): the JS, the addon
#    through napi-rs's CLI (oradb.<platform>.node), the test server binary.
cd "$ROOT"
PLATFORM=$("$NODE" -e 'const { platform: p, arch: a } = process;
const musl = (() => { try { return require("fs").readFileSync("/usr/bin/ldd", "utf8").includes("musl"); } catch { return false; } })();
console.log(p === "linux" ? `linux-${a}-${musl ? "musl" : "gnu"}` : p === "win32" ? `win32-${a}-msvc` : `${p}-${a}`)')
[ -d "npm/$PLATFORM" ] || { fail "no npm/$PLATFORM package for this machine"; finish; }
STAGE="$WORK/stage"
mkdir -p "$STAGE" "$WORK/tarballs"
cp -r "npm/$PLATFORM" "$STAGE/addon"
cp -r "npm/testserver-$PLATFORM" "$STAGE/server"
if ./node_modules/.bin/tsc -p tsconfig.build.json >"$WORK/build.log" 2>&1 &&
  "$NAPI" build --platform --release --manifest-path native/node/Cargo.toml \
    --package-json-path package.json -p oradb-node --no-js -o "$STAGE/addon" >>"$WORK/build.log" 2>&1 &&
  cargo build --release -p oradb-testserver >>"$WORK/build.log" 2>&1 &&
  cp target/release/oradb-testserver "$STAGE/server/"; then
  ok "build (tsc, napi build --platform, cargo build -p oradb-testserver)"
  # The release profile keeps line tables for our backtraces; the packages go without them.
  if command -v strip >/dev/null; then
    strip --strip-debug "$STAGE/addon/oradb.$PLATFORM.node" "$STAGE/server/oradb-testserver"
  fi
else
  tail -20 "$WORK/build.log"; fail "build"; finish
fi

# 2. Pack the four packages and report their sizes.
for dir in "$ROOT" "$STAGE/addon" "$ROOT/npm/testserver" "$STAGE/server"; do
  (cd "$dir" && npm pack --json --pack-destination "$WORK/tarballs" 2>/dev/null) >"$WORK/pack.json" ||
    { fail "npm pack in $dir"; finish; }
  "$NODE" -e 'const [p] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`tarball ${p.filename}: ${(p.size / 1024).toFixed(1)} KiB packed, ${(p.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${p.entryCount} files`)' "$WORK/pack.json"
done
[ "$(ls "$WORK/tarballs" | wc -l)" -eq 4 ] && ok "npm pack: 4 tarballs" || fail "npm pack: $(ls "$WORK/tarballs")"

# 3. A fresh app, on a PATH without cargo or rustc (Node first, so npm and npx run on it).
CLEAN_PATH="$(dirname "$NODE")"
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -x "$d/cargo" ] || [ -x "$d/rustc" ] || CLEAN_PATH="$CLEAN_PATH:$d"
done
run() { env -u ORADB_NATIVE -u ORADB_TESTSERVER -u CARGO_HOME -u RUSTUP_HOME PATH="$CLEAN_PATH" "$@"; }
if run sh -c 'command -v cargo || command -v rustc' >/dev/null; then fail "cargo or rustc still on PATH"; else ok "no cargo/rustc on the app's PATH"; fi
APP="$WORK/app"
mkdir -p "$APP"
cd "$APP"
echo '{ "name": "app", "private": true, "version": "1.0.0" }' >package.json
echo '{ "nodeModulesDir": "manual" }' >deno.json
# The registry for the type checker only; then the tarballs, offline (the other platforms'
# optional packages are skipped, as npm does for any optional dependency it cannot get).
if run npm install --no-audit --no-fund --loglevel=error typescript@5.9 @types/node@22 >"$WORK/npm.log" 2>&1 &&
  run npm install --offline --no-audit --no-fund --loglevel=error "$WORK"/tarballs/*.tgz >>"$WORK/npm.log" 2>&1; then
  ok "npm install of the tarballs"
else
  tail -20 "$WORK/npm.log"; fail "npm install of the tarballs"; finish
fi
[ -e "node_modules/@oradb/$PLATFORM/oradb.$PLATFORM.node" ] && [ ! -e node_modules/oradb/native ] &&
  ok "the addon comes from @oradb/$PLATFORM" || fail "addon not installed from @oradb/$PLATFORM"

# 4. The server through npx (its own process group, so the whole npx chain stops at the end).
DATA="$WORK/data"
mkdir -p "$DATA"
# exec all the way down, so that $! is setsid's (then npx's) pid and the group's id.
(exec env -u ORADB_NATIVE -u ORADB_TESTSERVER PATH="$CLEAN_PATH" ORADB_TESTSERVER_USERS=scott/tiger \
  setsid npx --no -- oradb-testserver --listen 127.0.0.1:0 --service FREEPDB1 --data "$DATA" \
  >"$WORK/server.out" 2>"$WORK/server.err") &
SERVER_PGID=$!
for _ in $(seq 1 100); do [ -s "$WORK/server.out" ] && break; sleep 0.1; done
ADDR=$(head -1 "$WORK/server.out")
if [ -n "$ADDR" ]; then ok "npx oradb-testserver listening on $ADDR"; else
  cat "$WORK/server.err"; fail "npx oradb-testserver printed no address"; finish
fi
TARGET="$ADDR/FREEPDB1"

# 5. The consumers.
cp "$ROOT/tests/consumers/app.mjs" "$ROOT/tests/consumers/app.cjs" "$ROOT/tests/consumers/app.ts" \
  "$ROOT/tests/consumers/app_deno.mts" .
check esm "$(run node app.mjs "$TARGET" 2>&1 | tail -1)"
check cjs "$(run node app.cjs "$TARGET" 2>&1 | tail -1)"
for res in nodenext bundler; do
  mod=$([ $res = bundler ] && echo esnext || echo nodenext)
  out=$(run ./node_modules/.bin/tsc --noEmit --strict --skipLibCheck false --target es2022 \
    --lib es2022,esnext.disposable --types node --module "$mod" --moduleResolution "$res" app.ts 2>&1) &&
    out="ok"
  check "tsc $res" "$out"
done
check deno "$(run "$DENO" run --allow-net="$ADDR" --allow-ffi --allow-read --allow-env app_deno.mts "$TARGET" 2>&1 | tail -1)"

# 6. Without the platform package (as after --omit=optional), the error names it.
mv "node_modules/@oradb/$PLATFORM" "$WORK/moved"
out=$(run node app.mjs "$TARGET" 2>&1)
mv "$WORK/moved" "node_modules/@oradb/$PLATFORM"
if echo "$out" | grep -q "ODB-1000: Native addon not found: the package @oradb/$PLATFORM is not installed"; then
  ok "without @oradb/$PLATFORM: ODB-1000 names it"
else
  fail "without @oradb/$PLATFORM: $(echo "$out" | grep -m1 -E "ODB|Error")"
fi
finish
