#!/usr/bin/env bash
# python-oracledb Thick mode (OCI, Instant Client 19.3) against fresh
# oradb-testservers: once plain, once with native network encryption and
# integrity required on both sides.
#
# Usage: tests/conformance/run_thick.sh [INSTANT_CLIENT_DIR]
# The Instant Client folder defaults to $ORADB_INSTANTCLIENT, then to
# .tmp/instantclient_19_3 (what scripts/instantclient.sh installs). Without
# it the run fails loudly: nothing is skipped. Exit status: 0 only when both
# passes report no failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

IC="${1:-${ORADB_INSTANTCLIENT:-.tmp/instantclient_19_3}}"
IC="$(cd "$IC" 2>/dev/null && pwd)" || {
  echo "FAIL Instant Client not found (run scripts/instantclient.sh or pass its folder)"
  echo "python-oracledb thick: 0 passed, 1 failed"
  exit 1
}
ROOT="$(pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
SCRIPT="$ROOT/tests/conformance/thick_conformance.py"
cargo build -q -p oradb-testserver
BIN="$ROOT/target/debug/oradb-testserver"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts a server with the given options; sets ADDR (and ADMIN when asked).
start() {
  local out="$WORK/server$#.out"
  ORADB_TESTSERVER_USERS=scott/tiger "$BIN" --listen 127.0.0.1:0 --service FREEPDB1 "$@" \
    >"$out" 2>"$WORK/server$#.log" &
  PIDS+=($!)
  for _ in $(seq 100); do
    [ "$(wc -l <"$out")" -ge 1 ] && break
    sleep 0.1
  done
  ADDR="$(sed -n 1p "$out")"
  ADMIN="$(grep '^admin=' "$out" | cut -d= -f2 || true)"
}

status=0
echo "== pass 1: no native network encryption"
start
# OCI writes sqlnet.log into the current folder when a connection fails.
(cd "$WORK" && LD_LIBRARY_PATH="$IC" "$PY" "$SCRIPT" "$ADDR" FREEPDB1 "$IC") || status=1

echo "== pass 2: --encryption required --integrity required"
start --encryption required --integrity required --admin-listen 127.0.0.1:0
for _ in $(seq 50); do [ -n "$ADMIN" ] && break; sleep 0.1; ADMIN="$(grep '^admin=' "$WORK"/server*.out | tail -1 | cut -d= -f2 || true)"; done
(cd "$WORK" && LD_LIBRARY_PATH="$IC" "$PY" "$SCRIPT" "$ADDR" FREEPDB1 "$IC" --nne "$ADMIN") || status=1
exit $status
