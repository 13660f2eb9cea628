#!/usr/bin/env bash
# node-oracledb Thick mode (OCI, Instant Client 19.3) against fresh
# oradb-testservers, for each node-oracledb version (7.x and 26.x, installed
# as run_peers.sh does, under .tmp/peers/): once plain, once with native
# network encryption and integrity required on both sides.
#
# Usage: tests/conformance/run_node_thick.sh [INSTANT_CLIENT_DIR]
# NODE_PEERS (space-separated versions) overrides the list. Prints one line
# per version and pass, "node-oracledb thick V: N passed, M failed"; exits
# non-zero when any check failed or a version could not be installed.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
NODE_PEERS=${NODE_PEERS:-"7.0.1 26.0.0"}
IC="${1:-${ORADB_INSTANTCLIENT:-.tmp/instantclient_19_3}}"
IC="$(cd "$IC" 2>/dev/null && pwd)" || {
  echo "FAIL Instant Client not found (run scripts/instantclient.sh or pass its folder)"
  echo "node-oracledb thick: 0 passed, 1 failed"
  exit 1
}
cargo build -q -p oradb-testserver || exit 1
BIN="$ROOT/target/debug/oradb-testserver"
SCRIPT="$ROOT/tests/conformance/node_thick_conformance.mjs"
PEERS="$ROOT/.tmp/peers"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
STATUS=0

start() {
  local out="$WORK/server${#PIDS[@]}.out"
  ORADB_TESTSERVER_USERS=scott/tiger "$BIN" --listen 127.0.0.1:0 --service FREEPDB1 "$@" \
    >"$out" 2>/dev/null &
  PIDS+=($!)
  for _ in $(seq 100); do
    [ -s "$out" ] && break
    sleep 0.1
  done
  ADDR="$(sed -n 1p "$out")"
}

cat >"$WORK/sqlnet.ora" <<EOF
SQLNET.ENCRYPTION_CLIENT = REQUIRED
SQLNET.CRYPTO_CHECKSUM_CLIENT = REQUIRED
DIAG_ADR_ENABLED = OFF
EOF

for v in $NODE_PEERS; do
  dir="$PEERS/node-$v"
  if [ "$(node -p "require('$dir/node_modules/oracledb/package.json').version" 2>/dev/null)" != "$v" ] &&
    ! npm install --prefix "$dir" "oracledb@$v" --no-save --no-audit --no-fund --loglevel=error >/dev/null 2>&1; then
    echo "FAIL node-oracledb $v could not be installed"
    echo "node-oracledb thick $v: 0 passed, 1 failed"
    STATUS=1
    continue
  fi
  run=(env ORADB_PEER_PREFIX="$dir" LD_LIBRARY_PATH="$IC" node --import "$ROOT/tests/conformance/peer_oracledb.mjs")
  echo "== node-oracledb $v, pass 1: no native network encryption"
  start
  # OCI writes sqlnet.log into the current folder when a connection fails.
  (cd "$WORK" && timeout 1200 "${run[@]}" "$SCRIPT" "$ADDR" FREEPDB1 "$IC") || STATUS=1
  echo "== node-oracledb $v, pass 2: --encryption required --integrity required"
  start --encryption required --integrity required
  (cd "$WORK" && timeout 1200 "${run[@]}" "$SCRIPT" "$ADDR" FREEPDB1 "$IC" --nne "$WORK") || STATUS=1
done
exit $STATUS
