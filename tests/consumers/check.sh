#!/usr/bin/env bash
# How a user consumes the npm package: a fresh app outside the repository depends on it, then an
# ES module, a CommonJS module (require of ESM, Node 22.12+) and TypeScript (tsc with nodenext
# and bundler resolution) use it against the test server at ADDR. Needs `npm run build` first.
# Prints `ok …` / `FAIL …` lines and ends with `package consumers: N passed, M failed`.
#   usage: tests/consumers/check.sh ADDR/SERVICE NODE_BINARY
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TARGET=${1:?usage: check.sh HOST:PORT/SERVICE NODE}
NODE=$(command -v "${2:-node}" || echo "${2:-node}")
case $NODE in /*) ;; *) NODE="$PWD/$NODE" ;; esac
APP=$(mktemp -d)
trap 'rm -rf "$APP"' EXIT
cd "$APP"
echo '{ "name": "consumer", "private": true, "version": "1.0.0" }' >package.json
npm install --no-audit --no-fund --loglevel=error "$ROOT" "typescript@5.9" "@types/node@22" >/dev/null 2>&1 ||
  { echo "FAIL npm install of the package"; echo "package consumers: 0 passed, 1 failed"; exit 1; }
cp "$ROOT/tests/consumers/app.mjs" "$ROOT/tests/consumers/app.cjs" "$ROOT/tests/consumers/app.ts" .
passed=0 failed=0
check() { if echo "$2" | grep -q "^ok"; then passed=$((passed + 1)); echo "$2"; else failed=$((failed + 1)); echo "FAIL $1: $2"; fi; }
check esm "$("$NODE" app.mjs "$TARGET" 2>&1 | tail -1)"
check cjs "$("$NODE" app.cjs "$TARGET" 2>&1 | tail -1)"
for res in nodenext bundler; do
  mod=$([ $res = bundler ] && echo esnext || echo nodenext)
  out=$(./node_modules/.bin/tsc --noEmit --strict --skipLibCheck false --target es2022 --lib es2022,esnext.disposable \
    --types node --module "$mod" --moduleResolution "$res" app.ts 2>&1) && out="ok tsc $res"
  check "tsc $res" "$out"
done
echo "package consumers: $passed passed, $failed failed"
