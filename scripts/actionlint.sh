#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint (pinned; built once into .tmp/go/bin with Go).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=v1.7.12
BIN="$ROOT/.tmp/go/bin/actionlint"
if ! "$BIN" -version 2>/dev/null | grep -qx "$VERSION"; then
  echo "== actionlint $VERSION (go install)" >&2
  GOBIN="$ROOT/.tmp/go/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
fi
cd "$ROOT"
"$BIN" -no-color .github/workflows/*.yml
echo "actionlint: clean"
