#!/usr/bin/env bash
# Runs python-oracledb's own test suite, unmodified and in Thin mode, against
# a fresh oradb-testserver, and prints a per-file table and the totals.
#
#   tests/conformance/pyo_suite/run.sh SERVER_BINARY [VERSION]
#
# VERSION defaults to the newest oracledb on PyPI inside the range that
# scripts/setup.sh installs. The suite comes from that version's sdist
# (pip download --no-binary :all:), cached in .tmp/pyo_suite/ with the venv.
#
# The sdist ships tests/*.py but not tests/sql/*.sql, the schema scripts. If
# PYO_SUITE_SQL_DIR names the tests/sql folder of python-oracledb's source at
# the same tag, the schema is loaded from there; without it the suite runs
# with no schema and says so.
#
# Env: PYO_SUITE_WORK (default .tmp/pyo_suite), PYO_SUITE_TEST_TIMEOUT
# (seconds per test, 60), PYO_SUITE_FILE_TIMEOUT (seconds per test file, 240),
# PYO_SUITE_TOTAL_TIMEOUT (seconds for all files, 3600), PYO_SUITE_FILES
# (space-separated test files relative to the sdist, default all).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 SERVER_BINARY [VERSION]" >&2; exit 2; }
SERVER="$(realpath "$1")"
VERSION="${2:-}"
WORK="${PYO_SUITE_WORK:-$ROOT/.tmp/pyo_suite}"
TEST_TIMEOUT="${PYO_SUITE_TEST_TIMEOUT:-60}"
FILE_TIMEOUT="${PYO_SUITE_FILE_TIMEOUT:-240}"
TOTAL_TIMEOUT="${PYO_SUITE_TOTAL_TIMEOUT:-3600}"
VENV="$WORK/venv"
PY="$VENV/bin/python"
START=$SECONDS
mkdir -p "$WORK/sdist"

# --- venv, the client and the suite's test extras (tox is only its runner)
if [ ! -x "$PY" ]; then python3 -m venv "$VENV"; fi
EXTRAS=(pytest pytest-timeout anyio numpy pandas pyarrow)
if ! "$PY" -c "import pytest, pytest_timeout, anyio, numpy, pandas, pyarrow" 2>/dev/null; then
  "$PY" -m pip install --quiet --disable-pip-version-check "${EXTRAS[@]}"
fi
if [ -z "$VERSION" ]; then
  RANGE="$(grep -o '"oracledb[^"]*"' "$ROOT/scripts/setup.sh" | head -1 | tr -d '"')"
  "$PY" -m pip install --quiet --disable-pip-version-check --dry-run --ignore-installed \
    --no-deps --report "$WORK/resolve.json" "$RANGE"
  VERSION="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["install"][0]["metadata"]["version"])' "$WORK/resolve.json")"
  echo "oracledb version: $VERSION (newest in scripts/setup.sh's range $RANGE)"
else
  echo "oracledb version: $VERSION (given)"
fi
if [ "$("$PY" -c 'import oracledb; print(oracledb.__version__)' 2>/dev/null)" != "$VERSION" ]; then
  "$PY" -m pip install --quiet --disable-pip-version-check "oracledb==$VERSION"
fi
SDIST="$WORK/sdist/oracledb-$VERSION.tar.gz"
if [ ! -f "$SDIST" ]; then
  # Straight from PyPI's simple index with the sha256 it publishes: `pip download
  # --no-binary :all:` would build the package's metadata, compiling Cython from source.
  "$PY" - "$VERSION" "$SDIST" <<'PYEOF'
import hashlib, re, sys, urllib.request
version, dest = sys.argv[1], sys.argv[2]
index = urllib.request.urlopen("https://pypi.org/simple/oracledb/", timeout=60).read().decode()
m = re.search(r'href="([^"#]*/oracledb-%s\.tar\.gz)#sha256=([0-9a-f]{64})"' % re.escape(version), index)
if not m:
    sys.exit(f"no sdist of oracledb {version} on PyPI")
data = urllib.request.urlopen(m.group(1), timeout=120).read()
if hashlib.sha256(data).hexdigest() != m.group(2):
    sys.exit("the sdist's sha256 differs from PyPI's index")
open(dest, "wb").write(data)
PYEOF
fi

# --- a fresh, unmodified copy of the suite and a fresh run folder
RUN="$WORK/run"
rm -rf "$RUN" && mkdir -p "$RUN/junit" "$RUN/logs" "$RUN/data"
tar xzf "$SDIST" -C "$RUN"
SRC="$RUN/oracledb-$VERSION"
"$PY" -c "import oracledb, pytest, sys; print('python', sys.version.split()[0], \
'| oracledb', oracledb.__version__, '| pytest', pytest.__version__)"

# --- the server
export ORADB_TESTSERVER_USERS="system/manager,pythontest/welcome,pythontestproxy/welcomeproxy"
SERVER_PID=""
start_server() {
  "$SERVER" --listen 127.0.0.1:0 --service FREEPDB1 --data "$RUN/data" --log info \
    >"$RUN/server.out" 2>>"$RUN/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    ADDR="$(head -1 "$RUN/server.out" 2>/dev/null | grep -o '127\.0\.0\.1:[0-9]*' || true)"
    [ -n "$ADDR" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "oradb-testserver did not start; see $RUN/server.log" >&2
  exit 1
}
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true' EXIT
start_server
echo "server: $SERVER at $ADDR"
export PYO_TEST_CONNECT_STRING="$ADDR/FREEPDB1"
export PYO_TEST_ADMIN_USER=system PYO_TEST_ADMIN_PASSWORD=manager
export PYO_TEST_MAIN_USER=pythontest PYO_TEST_MAIN_PASSWORD=welcome
export PYO_TEST_PROXY_USER=pythontestproxy PYO_TEST_PROXY_PASSWORD=welcomeproxy
unset PYO_TEST_PLUGINS PYO_TEST_ORACLE_CLIENT_PATH PYO_TEST_WALLET_LOCATION \
  PYO_TEST_EXTERNAL_USER PYO_TEST_EXT_CONFIG_FILE 2>/dev/null || true

# --- the schema, statement by statement
SQL_DIR=""
LAYOUT=oracledb
if [ -d "$SRC/tests/sql" ]; then SQL_DIR="$SRC/tests/sql"
elif [ -n "${PYO_SUITE_SQL_DIR:-}" ]; then SQL_DIR="$(realpath "$PYO_SUITE_SQL_DIR")"
else
  # The oracledb sdists ship no tests/sql; the nearest schema on PyPI is that of
  # its predecessor, cx_Oracle 8.3.0, whose sdist carries test/sql. It is fetched
  # here at test time (checked against its sha256) and never kept in the
  # repository; schema_extra.sql adds the few tables the newer suite reads.
  CXO="$WORK/sdist/cx_Oracle-8.3.0.tar.gz"
  CXO_SHA=3b2d215af4441463c97ea469b9cc307460739f89fdfa8ea222ea3518f1a424d9
  CXO_URL=https://files.pythonhosted.org/packages/e8/16/13c265afc984796fe38ee928733569b599cfd657245ddd1afad238b66656/cx_Oracle-8.3.0.tar.gz
  if [ ! -f "$CXO" ]; then curl -fsSL --retry 3 -o "$CXO.part" "$CXO_URL" && mv "$CXO.part" "$CXO" || true; fi
  if [ -f "$CXO" ] && echo "$CXO_SHA  $CXO" | sha256sum -c --quiet - 2>/dev/null; then
    tar xzf "$CXO" -C "$RUN" cx_Oracle-8.3.0/test/sql
    SQL_DIR="$RUN/cx_Oracle-8.3.0/test/sql"
    LAYOUT=cx_oracle
  else
    rm -f "$CXO"
    echo "schema: cx_Oracle-8.3.0.tar.gz could not be fetched from PyPI or its sha256 differs"
  fi
fi
if [ -n "$SQL_DIR" ]; then
  echo "schema scripts: $SQL_DIR ($LAYOUT layout)"
  timeout 600 "$PY" "$HERE/load_schema.py" --layout "$LAYOUT" "$SQL_DIR" "$RUN/schema_errors.log" \
    || echo "schema: the loader itself failed (exit $?)"
else
  echo "schema: NOT LOADED: the oracledb-$VERSION sdist ships no tests/sql/*.sql;"
  echo "        set PYO_SUITE_SQL_DIR to tests/sql of python-oracledb at tag v$VERSION"
fi

# --- the suite, one pytest run per file, as `python -m pytest` (tox's thin
#     environment) would collect it: tests/ and tests/ext/
cd "$SRC"
if [ -n "${PYO_SUITE_FILES:-}" ]; then read -ra FILES <<<"$PYO_SUITE_FILES"
else mapfile -t FILES < <(ls tests/test_*.py tests/*/test_*.py 2>/dev/null | sort)
fi
SUITE_START=$SECONDS
n=0
for f in "${FILES[@]}"; do
  n=$((n + 1))
  left=$((TOTAL_TIMEOUT - (SECONDS - SUITE_START)))
  if [ "$left" -le 0 ]; then
    echo "[$n/${#FILES[@]}] $f: NOT RUN, the total timeout of ${TOTAL_TIMEOUT}s is used up"
    continue
  fi
  limit=$((left < FILE_TIMEOUT ? left : FILE_TIMEOUT))
  name="$(echo "${f%.py}" | tr / _)"
  t0=$SECONDS
  rc=0
  timeout -s INT -k 30 "$limit" "$PY" -m pytest "$f" -q -p no:cacheprovider \
    --timeout="$TEST_TIMEOUT" --junitxml="$RUN/junit/$name.xml" \
    >"$RUN/logs/$name.log" 2>&1 || rc=$?
  note=""
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then note=" (file timeout after ${limit}s)"; fi
  if [ -f "$RUN/junit/$name.xml" ]; then
    counts="$("$PY" "$HERE/summarize.py" --progress "$RUN/junit/$name.xml")"
  else
    counts="no report (pytest exit $rc, see $RUN/logs/$name.log)"
  fi
  echo "[$n/${#FILES[@]}] $f: $counts, $((SECONDS - t0)) s$note"
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "    the server died during $f; restarting it (same data folder)"
    start_server
    export PYO_TEST_CONNECT_STRING="$ADDR/FREEPDB1"
  fi
done
SUITE_WALL=$((SECONDS - SUITE_START))

echo "wall time: suite ${SUITE_WALL} s, whole run $((SECONDS - START)) s;" \
  "server stderr: $(grep -ci 'panic' "$RUN/server.log" || true) panic lines;" \
  "reports in $RUN"
echo
"$PY" "$HERE/summarize.py" --markdown "$RUN/junit" >"$RUN/summary.md"
"$PY" "$HERE/summarize.py" "$RUN/junit" | tee "$RUN/summary.txt"
