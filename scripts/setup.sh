#!/usr/bin/env bash
# Installs everything a fresh machine needs (idempotent): npm packages (deno,
# typescript, node-oracledb for conformance), python-oracledb in a venv, and
# builds the Rust workspace. Sourced by the other scripts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ ! -x node_modules/.bin/deno ] || [ package.json -nt node_modules/.package-lock.json ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
export PATH="$ROOT/node_modules/.bin:$PATH"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import oracledb" 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check "oracledb>=3,<5"
fi

cargo build --workspace --quiet
if [ -f native/node/Cargo.toml ]; then
  cargo build -p oradb-node --release --quiet
  cp "target/release/liboradb_node.so" native/node/oradb.node
fi
export ORADB_TESTSERVER="$ROOT/target/debug/oradb-testserver"
