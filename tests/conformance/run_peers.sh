#!/usr/bin/env bash
# Runs the unchanged conformance scripts (node_conformance.mjs,
# python_conformance.py) against a running oradb-testserver with each peer
# client version: node-oracledb and python-oracledb at the oldest and newest
# releases we promise to work with. Each version is installed once into its
# own directory under .tmp/peers/ (an npm prefix, a Python venv) and reused.
#
# Usage: tests/conformance/run_peers.sh ADDR [SERVICE]
#   NODE_PEERS / PYTHON_PEERS (space-separated versions) override the lists.
# Prints one line per version, "node-oracledb 26.0.0: N passed, M failed",
# with the FAIL lines above it; logs go to .tmp/peers/logs/. Exits non-zero
# if any version failed a check or could not be installed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ADDR=${1:?usage: run_peers.sh ADDR [SERVICE]}
SERVICE=${2:-FREEPDB1}
# 7.x is the line before the year-numbered releases; 26.x is the newest.
# python-oracledb 4.0.0 is the oldest 4.x release, 26.1.0 the newest.
NODE_PEERS=${NODE_PEERS:-"7.0.1 26.0.0"}
PYTHON_PEERS=${PYTHON_PEERS:-"4.0.0 26.1.0"}
PEERS="$ROOT/.tmp/peers"
LOGS="$PEERS/logs"
mkdir -p "$LOGS"
STATUS=0

# Prints "NAME: N passed, M failed" from a script's log; no such line (the
# script died) counts as one failure.
report() {
  local name=$1 log=$2 line
  grep -E "^FAIL" "$log" | head -20
  line=$(grep -E ": [0-9]+ passed, [0-9]+ failed$" "$log" | tail -1)
  if [ -z "$line" ]; then
    tail -5 "$log"
    echo "$name: 0 passed, 1 failed"
    STATUS=1
    return
  fi
  echo "$name: ${line##*: }"
  [[ "$line" =~ " 0 failed"$ ]] || STATUS=1
}

install_node() {
  local v=$1 dir=$2
  [ "$(node -p "require('$dir/node_modules/oracledb/package.json').version" 2>/dev/null)" = "$v" ] && return 0
  npm install --prefix "$dir" "oracledb@$v" --no-save --no-audit --no-fund --loglevel=error >/dev/null
}

install_python() {
  local v=$1 dir=$2
  [ "$("$dir/bin/python" -c 'import oracledb; print(oracledb.__version__)' 2>/dev/null)" = "$v" ] && return 0
  python3 -m venv "$dir" && "$dir/bin/pip" install --quiet --disable-pip-version-check "oracledb==$v"
}

for v in $NODE_PEERS; do
  name="node-oracledb $v"
  dir="$PEERS/node-$v"
  log="$LOGS/node-$v.log"
  if ! install_node "$v" "$dir" >"$log" 2>&1; then
    report "$name" "$log"
    continue
  fi
  run=(env ORADB_PEER_PREFIX="$dir" node --import "$ROOT/tests/conformance/peer_oracledb.mjs")
  # The hook must really load this version, or the run proves nothing.
  loaded=$("${run[@]}" -e 'import("oracledb").then((m) => console.log(m.default.versionString))' 2>>"$log")
  if [ "$loaded" != "$v" ]; then
    echo "loaded node-oracledb '$loaded', wanted $v" >>"$log"
    report "$name" "$log"
    continue
  fi
  timeout 600 "${run[@]}" "$ROOT/tests/conformance/node_conformance.mjs" "$ADDR" "$SERVICE" >"$log" 2>&1
  report "$name" "$log"
done

for v in $PYTHON_PEERS; do
  name="python-oracledb $v"
  dir="$PEERS/py-$v"
  log="$LOGS/py-$v.log"
  if ! install_python "$v" "$dir" >"$log" 2>&1; then
    report "$name" "$log"
    continue
  fi
  timeout 600 "$dir/bin/python" "$ROOT/tests/conformance/python_conformance.py" "$ADDR" "$SERVICE" >"$log" 2>&1
  report "$name" "$log"
done
exit $STATUS
