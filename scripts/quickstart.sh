#!/usr/bin/env bash
# The quick start: installs Deno (npm), builds the addon and the test server, starts an
# embedded oradb-testserver on a free port and runs examples/quickstart.ts against it with Deno.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup.sh
ORADB_SETUP=quick source "$ROOT/scripts/setup.sh"
cd "$ROOT"
DATA=$(mktemp -d)
OUT=$(mktemp)
ORADB_TESTSERVER_USERS=scott/tiger "$ORADB_TESTSERVER" --listen 127.0.0.1:0 --service FREEPDB1 --data "$DATA" >"$OUT" &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DATA" "$OUT"' EXIT
for _ in $(seq 1 100); do [ -s "$OUT" ] && break; sleep 0.1; done
export ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING="$(head -1 "$OUT")/FREEPDB1"
echo "== quick start: examples/quickstart.ts against the test server at $ORADB_CONNECT_STRING" >&2
./node_modules/.bin/deno run --allow-ffi --allow-read --allow-net --allow-env examples/quickstart.ts
