#!/usr/bin/env bash
# Oracle JDBC Thin (ojdbc11, Maven Central) conformance against a running
# oradb-testserver. Usage: run_jdbc.sh HOST:PORT SERVICE
# Builds tests/conformance/jdbc with Maven (offline once the jars are in
# ~/.m2) and runs it; the program prints FAIL lines and "jdbc: N passed, M failed".
set -euo pipefail
addr=${1:?usage: run_jdbc.sh HOST:PORT SERVICE}
service=${2:-FREEPDB1}
dir=$(cd "$(dirname "$0")/jdbc" && pwd)
# Offline first, so a machine without network access still builds; online
# only when a jar is missing from the local repository.
if ! mvn -q -B -o -f "$dir/pom.xml" package >/dev/null 2>&1; then
  mvn -q -B -f "$dir/pom.xml" package >&2
fi
exec java -cp "$dir/target/classes:$dir/target/lib/*" oradb.Check "$addr" "$service"
