"""python-oracledb (Thin) side of bench/report.mjs: runs one benchmark twice in this process
(the first run warms up) and prints the second run's wall time as JSON: {"ms": ...}.

Usage: python _py_bench.py '{"dsn": ..., "user": ..., "password": ..., "bench": ..., ...}'
"""

import datetime
import json
import sys
import threading
import time

import oracledb


def single(conn, a):
    cur = conn.cursor()
    for i in range(a["n"]):
        cur.execute("select s1 from b10 where id = :1", [i])
        cur.fetchall()


def fetch(conn, a):
    cur = conn.cursor()
    cur.arraysize = 1000
    cur.prefetchrows = 1000
    cur.execute("select * from b10")
    assert len(cur.fetchall()) == a["rows"]


def many(conn, a):
    now = datetime.datetime(2024, 1, 1)
    rows = [(i, f"s{i}", now) for i in range(a["rows"])]
    cur = conn.cursor()
    cur.executemany("insert into m values (:1, :2, :3)", rows)
    conn.rollback()


def pool_run(pool, a):
    def task():
        for _ in range(a["per"]):
            with pool.acquire() as c:
                c.cursor().execute("select 1 from dual").fetchall()

    threads = [threading.Thread(target=task) for _ in range(a["tasks"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    a = json.loads(sys.argv[1])
    params = dict(user=a["user"], password=a["password"], dsn=a["dsn"])
    if a["bench"] == "pool":
        target = oracledb.create_pool(min=a["poolMax"], max=a["poolMax"], increment=1, **params)
        fn = pool_run
    else:
        target = oracledb.connect(**params)
        fn = {"single": single, "fetch": fetch, "many": many}[a["bench"]]
    fn(target, a)
    t0 = time.perf_counter()
    fn(target, a)
    ms = (time.perf_counter() - t0) * 1000
    target.close()
    print(json.dumps({"ms": ms, "version": oracledb.__version__}))


main()
