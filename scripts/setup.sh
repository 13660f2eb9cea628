#!/usr/bin/env bash
# Installs everything a fresh machine needs (idempotent): npm packages (deno,
# typescript, node-oracledb for conformance), python-oracledb in a venv, and
# builds the Rust workspace. Sourced by the other scripts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# npm install rather than npm ci: the lock file records only this platform's
# Deno binary package, which npm ci rejects as out of sync.
if [ ! -x node_modules/.bin/deno ] || [ ! -d node_modules/oracledb ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
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
