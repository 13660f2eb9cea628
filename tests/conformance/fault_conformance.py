"""Injected faults as unmodified python-oracledb (Thin) sees them.

Usage: python fault_conformance.py HOST:PORT SERVICE ADMIN_HOST:ADMIN_PORT
The admin port is the test server's --admin-listen (a line protocol that user
SQL cannot reach). Prints "PASS name" / "FAIL name: reason" per check and
ends with "python-oracledb faults: N passed, M failed".
"""

import socket
import sys
import threading
import time
import uuid

import oracledb

ADDR, SERVICE, ADMIN = sys.argv[1], sys.argv[2], sys.argv[3]
DSN = f"{ADDR}/{SERVICE}"
passed = 0
failed = 0


def admin(line):
    host, port = ADMIN.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(line.encode() + b"\n")
        answer = s.makefile().readline().strip()
    if not answer.startswith("OK"):
        raise AssertionError(f"admin {line!r}: {answer}")
    return answer[3:]


def check(name):
    def wrap(fn):
        global passed, failed
        try:
            fn()
            passed += 1
            print(f"PASS {name}")
        except Exception as e:  # noqa: BLE001 - every failure is reported
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
        finally:
            admin("reset")
        return fn

    return wrap


def connect():
    return oracledb.connect(user="scott", password="tiger", dsn=DSN)


def expect_error(fragment, fn):
    try:
        fn()
    except oracledb.Error as e:
        assert fragment in str(e), f"expected {fragment}, got {e}"
        return e
    raise AssertionError(f"expected {fragment}, nothing raised")


def sid_of(conn):
    with conn.cursor() as c:
        c.execute("select sys_context('USERENV', 'SID') from dual")
        return int(c.fetchone()[0])


@check("drop: live connections see DPY-4011; committed data stays, uncommitted goes")
def _():
    table = "F_" + uuid.uuid4().hex[:8].upper()
    c = connect()
    cur = c.cursor()
    cur.execute(f"create table {table} (n number)")
    cur.execute(f"insert into {table} values (1)")
    c.commit()
    cur.execute(f"insert into {table} values (2)")
    assert admin("drop").startswith("dropped ")
    expect_error("DPY-4011", c.ping)
    with connect() as again:
        with again.cursor() as c2:
            c2.execute(f"select n from {table}")
            assert c2.fetchall() == [(1,)]


@check("refuse 12516 / 12519: connect fails with the listener's error, then works again")
def _():
    for code in (12516, 12519):
        admin(f"refuse {code}")
        e = expect_error(str(code), connect)
        assert "DPY-6000" in str(e), e
    admin("refuse off")
    with connect() as c:
        c.ping()


@check("max-sessions: the logon beyond the cap gets ORA-00018")
def _():
    with connect():
        admin("max-sessions 1")
        expect_error("ORA-00018", connect)
        admin("max-sessions off")
        with connect() as c:
            c.ping()


@check("delay: every answer is late, and call_timeout gives DPY-4024; the connection stays")
def _():
    with connect() as c:
        admin("delay 200")
        t = time.monotonic()
        c.ping()
        assert time.monotonic() - t >= 0.2
        c.call_timeout = 50
        expect_error("DPY-4024", c.ping)
        admin("delay 0")
        c.call_timeout = 0
        with c.cursor() as cur:
            cur.execute("select 42 from dual")
            assert cur.fetchone() == (42,)


@check("stall: a fetch mid-cursor waits until unstalled; call_timeout ends it with DPY-4024")
def _():
    table = "S_" + uuid.uuid4().hex[:8].upper()
    with connect() as c:
        cur = c.cursor()
        cur.execute(f"create table {table} (n number)")
        cur.executemany(f"insert into {table} values (:1)", [(i,) for i in range(300)])
        c.commit()
        sid = sid_of(c)
        cur = c.cursor()
        cur.arraysize = 10
        cur.prefetchrows = 10
        cur.execute(f"select n from {table} order by n")
        assert len(cur.fetchmany(10)) == 10
        admin(f"stall {sid}")
        got = []
        t = threading.Thread(target=lambda: got.extend(cur.fetchall()))
        t.start()
        t.join(0.3)
        assert t.is_alive(), "a stalled fetch answered"
        admin(f"unstall {sid}")
        t.join(10)
        assert len(got) == 290 and got[0] == (10,), (len(got), got[:1])
        cur.execute(f"select n from {table} order by n")
        cur.fetchmany(10)
        admin(f"stall {sid}")
        c.call_timeout = 200
        expect_error("DPY-4024", cur.fetchall)
        admin("reset")
        c.call_timeout = 0
        c.ping()


@check("restart in place: sessions drop, new ones connect and see committed data")
def _():
    table = "R_" + uuid.uuid4().hex[:8].upper()
    c = connect()
    cur = c.cursor()
    cur.execute(f"create table {table} (n number)")
    cur.execute(f"insert into {table} values (7)")
    c.commit()
    admin("restart 300")
    expect_error("DPY-4011", c.ping)
    with connect() as again:
        with again.cursor() as c2:
            c2.execute(f"select n from {table}")
            assert c2.fetchall() == [(7,)]


@check("a python-oracledb pool recovers after its sessions are dropped")
def _():
    pool = oracledb.create_pool(user="scott", password="tiger", dsn=DSN, min=2, max=2)
    try:
        # Drop only once the pool has its sessions (not in the middle of its own logons).
        for _ in range(250):
            if pool.opened >= 2:
                break
            time.sleep(0.02)
        assert pool.opened == 2, pool.opened
        with pool.acquire() as c:
            c.ping()
        admin("drop")
        for _ in range(3):
            with pool.acquire() as c:
                with c.cursor() as cur:
                    cur.execute("select 1 from dual")
                    assert cur.fetchone() == (1,)
    finally:
        pool.close(force=True)


print(f"python-oracledb faults: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
