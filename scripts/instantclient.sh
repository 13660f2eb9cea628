#!/usr/bin/env bash
# Installs Oracle Instant Client Basic 19.3.0.0.0 (Linux x86_64) for the thick-mode tests, from
# the PyPI wheel pyoracleclient==0.0.5, which ships Oracle's unmodified files with Oracle's
# BASIC_LICENSE (free use for development and testing). Oracle's own download site is not
# reachable from our machines; later versions of that wheel download from it at run time.
#
#   usage: scripts/instantclient.sh [DEST]   (default: .tmp/instantclient_19_3)
#   then:  export LD_LIBRARY_PATH=DEST       (libclntsh has no RPATH: its libnnz19.so and
#                                             libclntshcore are found only through the path)
# Prints the directory on its last line. Fails loudly (exit 1, a reason) when it cannot: another
# platform, no network, a changed wheel. Thick tests must then fail, not be skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST=${1:-$ROOT/.tmp/instantclient_19_3}
WHEEL=PyOracleClient-0.0.5-py3-none-any.whl
SHA256=ed2cfac158b0417617779b60749dd56f0979706b4515fe1b1adc1f2b609dd017
fail() { echo "instantclient: $*" >&2; exit 1; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] ||
  fail "only Linux x86_64 is available from PyPI (this is $(uname -s)-$(uname -m)); install Instant Client yourself and set ORADB_INSTANT_CLIENT"

if [ ! -e "$DEST/libclntsh.so.19.1" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "instantclient: downloading $WHEEL from PyPI (75 MB)"
  echo "pyoracleclient==0.0.5 --hash=sha256:$SHA256" >"$tmp/req.txt"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
    -r "$tmp/req.txt" -d "$tmp" || fail "cannot download $WHEEL from PyPI (network?)"
  # pip checked the hash; check again so a cached or substituted file cannot slip through.
  echo "$SHA256  $tmp/$WHEEL" | sha256sum -c --quiet - || fail "$WHEEL has an unexpected sha256"
  mkdir -p "$DEST"
  python3 - "$tmp/$WHEEL" "$DEST" <<'PY'
import os, sys, zipfile
whl, dest = sys.argv[1], sys.argv[2]
prefix = "pyoracleclient/instantclient/"
# What OCI loads (libociei holds the NLS data and messages), and the licence that must travel.
keep = {"libclntsh.so.19.1", "libclntshcore.so.19.1", "libnnz19.so", "libociei.so",
        "libipc1.so", "libmql1.so", "BASIC_LICENSE", "BASIC_README"}
with zipfile.ZipFile(whl) as z:
    for base in sorted(keep):
        with z.open(prefix + base) as src, open(os.path.join(dest, base), "wb") as out:
            out.write(src.read())
        os.chmod(os.path.join(dest, base), 0o755)
PY
  # The wheel stores symlinks as text files holding the target name: make real links.
  ln -sf libclntsh.so.19.1 "$DEST/libclntsh.so"
  ln -sf libclntshcore.so.19.1 "$DEST/libclntshcore.so"
fi

# libclntsh needs libaio.so.1: Debian 12 has it in libaio1, Debian 13 as libaio.so.1t64.
if ! ldconfig -p | grep -q 'libaio\.so\.1 '; then
  if [ -e /usr/lib/x86_64-linux-gnu/libaio.so.1t64 ]; then
    ln -sf /usr/lib/x86_64-linux-gnu/libaio.so.1t64 "$DEST/libaio.so.1"
  else
    echo "instantclient: installing libaio1 with apt-get"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    { $SUDO apt-get install -y -qq libaio1 >/dev/null 2>&1 ||
      { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq libaio1 >/dev/null; }; } ||
      fail "cannot install libaio1 (needed by libclntsh); install it and run again"
  fi
fi
missing=$(LD_LIBRARY_PATH="$DEST" ldd "$DEST/libclntsh.so.19.1" | grep "not found" || true)
[ -z "$missing" ] || fail "libclntsh cannot load: $missing"
echo "$DEST"
