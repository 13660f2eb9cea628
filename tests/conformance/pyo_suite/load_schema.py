"""Load python-oracledb's test schema the way a DBA would with SQL*Plus.

Usage: load_schema.py [--layout oracledb|cx_oracle] SQL_DIR LOG_FILE

SQL_DIR is the suite's tests/sql folder (layout oracledb), or the test/sql
folder of the cx_Oracle 8.3.0 sdist (layout cx_oracle: drop_test_exec.sql and
setup_test_exec.sql, then our schema_extra.sql beside this file for the
tables the newer suite added). Each script is split into
statements at lines holding only "/", substitution variables are replaced
with SQL*Plus rules (`&name.` or `&name`; the period ends the name, so
`&main_user..T` becomes `pythontest.T`), comments before a statement are
dropped, and every statement runs on its own: a failure is logged and the
script goes on (SQL*Plus's default WHENEVER SQLERROR CONTINUE).

Scripts run in the order of the suite's own TestEnv.create_schema():
drop_schema, create_schema, then create_schema_21/_23_4/_23_5/_23_7 when
the server reports at least that version. create_schema_cloud is not run
(it is for Oracle Cloud databases only).

Connection and names come from the suite's own environment variables
(PYO_TEST_CONNECT_STRING, PYO_TEST_ADMIN_USER/PASSWORD, PYO_TEST_MAIN_USER/
PASSWORD, PYO_TEST_PROXY_USER/PASSWORD, PYO_TEST_EDITION_NAME). The last
line printed is `schema: N statements, M failed`.
"""

import os
import re
import sys

import oracledb

VERSIONED_SCRIPTS = [
    ((21, 0), "create_schema_21"),
    ((23, 4), "create_schema_23_4"),
    ((23, 5), "create_schema_23_5"),
    ((23, 7), "create_schema_23_7"),
]
LEADING_COMMENTS = re.compile(r"\A(\s*(/\*.*?\*/|--[^\n]*))*\s*", re.S)
SUBSTITUTION = re.compile(r"&(\w+)\.?")


def variables():
    env = os.environ.get
    return {
        "main_user": env("PYO_TEST_MAIN_USER", "pythontest"),
        "main_password": env("PYO_TEST_MAIN_PASSWORD", ""),
        "proxy_user": env("PYO_TEST_PROXY_USER", "pythontestproxy"),
        "proxy_password": env("PYO_TEST_PROXY_PASSWORD", ""),
        "edition_name": env("PYO_TEST_EDITION_NAME", "pythonedition"),
    }


def substitute(text, values):
    def one(match):
        name = match.group(1).lower()
        return values[name] if name in values else match.group(0)

    return SUBSTITUTION.sub(one, text)


def statements(path, values):
    """Yields (first line number, statement text) for each statement."""
    parts, start = [], 1
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip() != "/":
                parts.append(line)
                continue
            text = LEADING_COMMENTS.sub("", "".join(parts)).strip()
            if text:
                yield start, substitute(text, values)
            parts, start = [], number + 1


def run_script(cursor, path, log):
    ran = failed = 0
    for line, statement in statements(path, values=variables()):
        ran += 1
        try:
            cursor.execute(statement)
        except oracledb.Error as e:
            failed += 1
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            head = " ".join(statement.split())[:100]
            log.write(f"{os.path.basename(path)}:{line}: {first}\n    {head}\n")
    return ran, failed


HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args = sys.argv[1:]
    layout = "oracledb"
    if args[:1] == ["--layout"]:
        layout, args = args[1], args[2:]
    sql_dir, log_path = args[0], args[1]
    conn = oracledb.connect(
        user=os.environ["PYO_TEST_ADMIN_USER"],
        password=os.environ["PYO_TEST_ADMIN_PASSWORD"],
        dsn=os.environ["PYO_TEST_CONNECT_STRING"],
    )
    banner = conn.version
    version = tuple(int(p) for p in banner.split(".")[:2])
    if layout == "cx_oracle":
        scripts = [
            os.path.join(sql_dir, "drop_test_exec"),
            os.path.join(sql_dir, "setup_test_exec"),
            os.path.join(HERE, "schema_extra"),
        ]
    else:
        scripts = ["drop_schema", "create_schema"]
        scripts += [n for need, n in VERSIONED_SCRIPTS if version >= need]
        scripts = [os.path.join(sql_dir, name) for name in scripts]
    total = total_failed = 0
    with open(log_path, "w", encoding="utf-8") as log, conn.cursor() as cur:
        for base in scripts:
            path, name = base + ".sql", os.path.basename(base)
            if not os.path.exists(path):
                print(f"  {name}.sql: missing in {os.path.dirname(path)}")
                continue
            ran, failed = run_script(cur, path, log)
            total, total_failed = total + ran, total_failed + failed
            print(f"  {name}.sql: {ran} statements, {failed} failed")
    conn.close()
    print(f"schema: {total} statements, {total_failed} failed "
          f"(server version {banner}; errors in {log_path})")


if __name__ == "__main__":
    main()
