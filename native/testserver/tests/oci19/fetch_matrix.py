"""Which fetch sizes OCI 19.3 reads from oradb-testserver: a measuring tool,
not a test (the answers are the open question of README.md, "Sixth round").

Usage (Instant Client on LD_LIBRARY_PATH, a server already listening):
    python fetch_matrix.py HOST:PORT LIBDIR A:N [A:N ...]

For each A:N it runs, in a fresh process and connection (OCI may crash on
an answer it does not expect), `select <Q> from dual connect by level <= N`
with arraysize A (prefetch stays python-oracledb's default 2) and prints
`A:N=ok` or the last line of the error. Environment: Q replaces the select
list (default `level`); P sets the cursor's prefetchrows; TRC=DIR writes a sqlnet.ora with
TRACE_LEVEL_CLIENT=16 there, so DIR/trc holds OCI's packet trace.
"""

import os
import subprocess
import sys

import oracledb


def one(addr, libdir, case):
    cfg = os.environ.get("TRC")
    if cfg:
        os.makedirs(os.path.join(cfg, "trc"), exist_ok=True)
        with open(os.path.join(cfg, "sqlnet.ora"), "w") as f:
            f.write(
                f"TRACE_LEVEL_CLIENT=16\nTRACE_DIRECTORY_CLIENT={cfg}/trc\n"
                "DIAG_ADR_ENABLED=OFF\n"
            )
    oracledb.init_oracle_client(lib_dir=libdir, config_dir=cfg)
    a, n = map(int, case.split(":"))
    try:
        conn = oracledb.connect(user="scott", password="tiger", dsn=f"{addr}/FREEPDB1")
        cur = conn.cursor()
        cur.arraysize = a
        if os.environ.get("P"):
            cur.prefetchrows = int(os.environ["P"])
        q = os.environ.get("Q", "level")
        cur.execute(f"select {q} from dual connect by level <= {n}")
        got = sum(1 for _ in cur)
        print("ok" if got == n else f"{got} rows")
    except oracledb.Error as e:
        print(str(e).splitlines()[-1][:60])


def main():
    if sys.argv[1] == "--one":
        one(*sys.argv[2:5])
        return
    addr, libdir = sys.argv[1], sys.argv[2]
    for case in sys.argv[3:]:
        try:
            p = subprocess.run(
                [sys.executable, __file__, "--one", addr, libdir, case],
                capture_output=True, text=True, timeout=15,
            )
            out = p.stdout.strip() or f"exit {p.returncode}"
        except subprocess.TimeoutExpired:
            out = "waits (killed after 15 s)"
        print(f"{case}={out}", flush=True)


main()
