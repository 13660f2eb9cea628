"""Load python-oracledb's test schema the way a DBA would with SQL*Plus.

Usage: load_schema.py SQL_DIR LOG_FILE

SQL_DIR is the suite's tests/sql folder. Each script is split into
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


def main():
    sql_dir, log_path = sys.argv[1], sys.argv[2]
    conn = oracledb.connect(
        user=os.environ["PYO_TEST_ADMIN_USER"],
        password=os.environ["PYO_TEST_ADMIN_PASSWORD"],
        dsn=os.environ["PYO_TEST_CONNECT_STRING"],
    )
    banner = conn.version
    version = tuple(int(p) for p in banner.split(".")[:2])
    scripts = ["drop_schema", "create_schema"]
    scripts += [name for need, name in VERSIONED_SCRIPTS if version >= need]
    total = total_failed = 0
    with open(log_path, "w", encoding="utf-8") as log, conn.cursor() as cur:
        for name in scripts:
            path = os.path.join(sql_dir, name + ".sql")
            if not os.path.exists(path):
                print(f"  {name}.sql: missing in {sql_dir}")
                continue
            ran, failed = run_script(cur, path, log)
            total, total_failed = total + ran, total_failed + failed
            print(f"  {name}.sql: {ran} statements, {failed} failed")
    conn.close()
    print(f"schema: {total} statements, {total_failed} failed "
          f"(server version {banner}; errors in {log_path})")


if __name__ == "__main__":
    main()
