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
"$bin" "$addr" "$service"
