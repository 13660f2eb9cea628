"""Conformance checks: unmodified python-oracledb (Thin) against oradb-testserver.

Usage: python python_conformance.py HOST:PORT [SERVICE]
Prints one line per failed check and ends with "python-oracledb: N passed, M failed".
"""

import datetime
import decimal
import sys
import threading
import time
import traceback

import oracledb

ADDR = sys.argv[1]
SERVICE = sys.argv[2] if len(sys.argv) > 2 else "FREEPDB1"
HOST, PORT = ADDR.rsplit(":", 1)
USER, PASSWORD = "scott", "tiger"
DSN = f"{HOST}:{PORT}/{SERVICE}"

passed = 0
failed = 0


def check(name):
    def wrap(fn):
        global passed, failed
        try:
            fn()
            passed += 1
        except Exception:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc(limit=3)
        return fn

    return wrap


def connect(**kw):
    return oracledb.connect(user=USER, password=PASSWORD, dsn=DSN, **kw)


def expect_error(code, fn):
    try:
        fn()
    except oracledb.Error as e:
        (err,) = e.args
        full = getattr(err, "full_code", "") or ""
        assert full == code or code in str(err), f"expected {code}, got {err}"
        return err
    raise AssertionError(f"expected {code}, nothing raised")


@check("easy connect")
def _():
    with connect() as c:
        assert c.cursor().execute("select 1 from dual").fetchone() == (1,)


@check("descriptor with SERVICE_NAME and with SID")
def _():
    for key in ("SERVICE_NAME", "SID"):
        dsn = f"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST={HOST})(PORT={PORT}))(CONNECT_DATA=({key}={SERVICE})))"
        with oracledb.connect(user=USER, password=PASSWORD, dsn=dsn) as c:
            assert c.cursor().execute("select 'x' from dual").fetchone() == ("x",)


@check("wrong password is ORA-01017")
def _():
    expect_error("ORA-01017", lambda: oracledb.connect(user=USER, password="nope", dsn=DSN))


@check("unknown service is ORA-12514")
def _():
    expect_error("12514", lambda: oracledb.connect(user=USER, password=PASSWORD, dsn=f"{HOST}:{PORT}/NO_SUCH_SVC"))


NUMS = [
    "0", "-1", "0.1", "1E-130", "9.99E125",
    "12345678901234567890123456789012345678", "-12345678901234567890123456789012345678",
    "123.456", "-0.001",
]


@check("every type and NULL round-trips with positional and named binds")
def _():
    with connect() as c:
        cur = c.cursor()
        cur.execute("""create table py_types (id number(9) primary key, n number, vc varchar2(50),
            ch char(5), d date, ts timestamp(6), r raw(16), bd binary_double, bf binary_float,
            cl clob, bl blob, b boolean)""")
        d = datetime.datetime(2024, 3, 5, 14, 7, 9)
        ts = datetime.datetime(2024, 3, 5, 14, 7, 9, 123456)
        row = (1, decimal.Decimal("123.456"), "héllo", "ab", d, ts, b"\x00\x01\xff", 1.5, 2.5, "clob text", b"blob", True)
        # python-oracledb binds datetime as DATE (no fractions) unless told otherwise
        cur.setinputsizes(None, None, None, None, None, oracledb.DB_TYPE_TIMESTAMP)
        cur.execute("insert into py_types values (:1,:2,:3,:4,:5,:6,:7,:8,:9,:10,:11,:12)", row)
        cur.execute(
            "insert into py_types values (:id,:n,:vc,:ch,:d,:ts,:r,:bd,:bf,:cl,:bl,:b)",
            dict(id=2, n=None, vc=None, ch=None, d=None, ts=None, r=None, bd=None, bf=None, cl=None, bl=None, b=None),
        )
        c.commit()
        oracledb.defaults.fetch_lobs = False
        try:
            cur.outputtypehandler = lambda cur, meta: cur.var(decimal.Decimal, arraysize=cur.arraysize) if meta.type_code is oracledb.DB_TYPE_NUMBER else None
            got = cur.execute("select * from py_types order by id").fetchall()
        finally:
            oracledb.defaults.fetch_lobs = True
        assert got[0] == (decimal.Decimal(1), decimal.Decimal("123.456"), "héllo", "ab   ", d, ts, b"\x00\x01\xff", 1.5, 2.5, "clob text", b"blob", True), got[0]
        assert got[1] == (decimal.Decimal(2),) + (None,) * 11, got[1]
        cur.execute("drop table py_types")


@check("10,000-row select over many round trips, exact NUMBER edge cases")
def _():
    with connect() as c:
        cur = c.cursor()
        cur.execute("create table py_many (id number(10) primary key, n number, s varchar2(40))")
        rows = [(i, NUMS[i % len(NUMS)], f"row {i}") for i in range(10_000)]
        cur.setinputsizes(None, oracledb.DB_TYPE_NUMBER, None)
        cur.executemany("insert into py_many values (:1, to_number(:2), :3)", [(i, n, s) for i, n, s in rows])
        c.commit()
        for arraysize, prefetch in ((100, 2), (7, 3), (1000, 1000)):
            cur = c.cursor()
            cur.arraysize, cur.prefetchrows = arraysize, prefetch
            cur.outputtypehandler = lambda cur, meta: cur.var(decimal.Decimal, arraysize=cur.arraysize) if meta.type_code is oracledb.DB_TYPE_NUMBER else None
            got = cur.execute("select id, n, s from py_many order by id").fetchall()
            assert len(got) == 10_000
            for (i, n, s), (gi, gn, gs) in zip(rows, got):
                assert gi == i and gs == s and gn == decimal.Decimal(n), (i, n, gn)
        cur.execute("drop table py_many")


@check("executemany of 10,000 rows with row counts and batch errors")
def _():
    with connect() as c:
        cur = c.cursor()
        cur.execute("create table py_batch (id number primary key, v varchar2(10))")
        data = [(i, f"v{i}") for i in range(10_000)]
        data[10] = (5, "dup")
        data[20] = (7, "dup")
        cur.executemany("insert into py_batch values (:1, :2)", data, batcherrors=True, arraydmlrowcounts=True)
        errs = cur.getbatcherrors()
        assert [e.offset for e in errs] == [10, 20], [e.offset for e in errs]
        assert all(e.full_code == "ORA-00001" for e in errs)
        counts = cur.getarraydmlrowcounts()
        assert len(counts) == 10_000 and counts[10] == 0 and counts[0] == 1
        # rows 10 and 20 were rejected, so ids 10 and 20 are missing
        cur.execute("update py_batch set v = 'x' where id < 100")
        assert cur.rowcount == 98, cur.rowcount
        cur.execute("drop table py_batch")
        # DML without binds, run n times (only the count is sent): it ran once.
        cur.execute("create table py_nobind (n number)")
        cur.executemany("insert into py_nobind values (67)", [[] for _ in range(5)])
        cur.executemany(None, 4)
        cur.execute("select count(*) from py_nobind")
        assert cur.fetchone() == (9,)
        cur.execute("drop table py_nobind")


@check("commit and rollback visibility between two sessions")
def _():
    with connect() as a, connect() as b:
        ca, cb = a.cursor(), b.cursor()
        ca.execute("create table py_vis (id number)")
        ca.execute("insert into py_vis values (1)")
        assert cb.execute("select count(*) from py_vis").fetchone() == (0,)
        a.commit()
        assert cb.execute("select count(*) from py_vis").fetchone() == (1,)
        ca.execute("insert into py_vis values (2)")
        a.rollback()
        assert cb.execute("select count(*) from py_vis").fetchone() == (1,)
        ca.execute("drop table py_vis")


@check("sequences, identity columns and RETURNING INTO")
def _():
    with connect() as c:
        cur = c.cursor()
        cur.execute("create sequence py_seq start with 10 increment by 5")
        assert cur.execute("select py_seq.nextval from dual").fetchone() == (10,)
        assert cur.execute("select py_seq.nextval from dual").fetchone() == (15,)
        assert cur.execute("select py_seq.currval from dual").fetchone() == (15,)
        cur.execute("create table py_ident (id number generated always as identity, v varchar2(10))")
        out = cur.var(int)
        cur.execute("insert into py_ident (v) values (:v) returning id into :o", v="a", o=out)
        assert out.getvalue() == [1], out.getvalue()
        cur.execute("insert into py_ident (v) values (:v) returning id into :o", v="b", o=out)
        assert out.getvalue() == [2]
        cur.execute("drop table py_ident")
        cur.execute("drop sequence py_seq")


@check("PL/SQL OUT binds")
def _():
    with connect() as c:
        cur = c.cursor()
        a, b = cur.var(int), cur.var(str)
        cur.execute("begin :a := 6 * 7; :b := 'out' || 'put'; end;", a=a, b=b)
        assert (a.getvalue(), b.getvalue()) == (42, "output")


@check("executemany of a PL/SQL block runs it once per row, OUT values per row")
def _():
    with connect() as c:
        cur = c.cursor()
        cur.execute("create table t_plsql_many (id number, s varchar2(20))")
        rows = [(i, f"r{i}") for i in range(1000)]
        cur.executemany("begin insert into t_plsql_many values (:1, :2); end;", rows)
        cur.execute("select count(*), sum(id) from t_plsql_many")
        assert cur.fetchone() == (1000, sum(range(1000)))
        out = cur.var(int, arraysize=5)
        cur.setinputsizes(out)
        cur.executemany("begin :o := 5; end;", 5)
        assert out.values == [5] * 5
        twice = cur.var(int, arraysize=3)
        cur.setinputsizes(twice, None)
        cur.executemany("begin :1 := :2 * 2; end;", [[None, 1], [None, 2], [None, 3]])
        assert twice.values == [2, 4, 6]
        # A failing row stops the batch there; the rows before it stay done.
        try:
            cur.executemany(
                "begin insert into t_plsql_many values (:1, 'x');"
                " if :1 = 1002 then raise_application_error(-20001, 'stop'); end if; end;",
                [(i,) for i in range(1000, 1006)],
            )
            raise AssertionError("no error")
        except oracledb.DatabaseError as e:
            assert e.args[0].full_code == "ORA-20001", e
        cur.execute("select count(*) from t_plsql_many where id >= 1000")
        assert cur.fetchone() == (2,)
        cur.execute("drop table t_plsql_many")


@check("1 MiB CLOB and BLOB fetched as str and bytes")
def _():
    with connect() as c:
        cur = c.cursor()
        cur.execute("create table py_lob (id number, c clob, b blob)")
        text = ("abcdefghij" * 104858)[: 1 << 20]
        blob = bytes(range(256)) * 4096
        cur.execute("insert into py_lob values (1, :1, :2)", [text, blob])
        oracledb.defaults.fetch_lobs = False
        try:
            got = c.cursor().execute("select c, b from py_lob").fetchone()
        finally:
            oracledb.defaults.fetch_lobs = True
        assert got[0] == text and got[1] == blob
        cur.execute("drop table py_lob")


@check("a JSON column fetched as str through an output type handler reads its JSON text")
def _():
    def as_str(cursor, metadata):
        if metadata.type_code is oracledb.DB_TYPE_JSON:
            return cursor.var(str, arraysize=cursor.arraysize)

    with connect() as c:
        cur = c.cursor()
        cur.execute("create table py_json (id number, j json)")
        cur.execute("""insert into py_json values (1, '{"a":1,"b":[true,null]}')""")
        cur.execute("""insert into py_json values (2, '{"c":"x"}')""")
        cur.execute("insert into py_json values (3, null)")
        q = c.cursor()
        q.outputtypehandler = as_str
        rows = q.execute("select id, j from py_json order by id").fetchall()
        assert rows == [(1, '{"a":1,"b":[true,null]}'), (2, '{"c":"x"}'), (3, None)], rows
        plain = c.cursor().execute("select j from py_json where id = 2").fetchone()
        assert plain == ({"c": "x"},), plain
        cur.execute("drop table py_json")


ERRORS = [
    ("ORA-00942", "select * from no_such_table"),
    ("ORA-00904", "select no_such_col from dual"),
    ("ORA-00001", "insert into py_err values (1, 'a', 1)"),
    ("ORA-01400", "insert into py_err (id) values (null)"),
    ("ORA-02290", "insert into py_err values (2, 'b', -1)"),
    ("ORA-01722", "select to_number('abc') from dual"),
    ("ORA-01476", "select 1/0 from dual"),
    ("ORA-00900", "frobnicate the database"),
    ("ORA-00933", "select 1 from dual dual dual"),
    ("ORA-02289", "select no_such_seq.nextval from dual"),
]


@check("each error raised by a real statement")
def _():
    with connect() as c:
        cur = c.cursor()
        cur.execute("create table py_err (id number primary key, v varchar2(5), n number check (n > 0))")
        cur.execute("insert into py_err values (1, 'a', 1)")
        for code, sql in ERRORS:
            expect_error(code, lambda: cur.execute(sql))
        cur.execute("drop table py_err")


@check("ping, break of dbms_session.sleep(10) within 2 s, reuse, close")
def _():
    c = connect()
    c.ping()
    cur = c.cursor()
    threading.Timer(0.3, c.cancel).start()
    start = time.monotonic()
    expect_error("ORA-01013", lambda: cur.execute("begin dbms_session.sleep(10); end;"))
    assert time.monotonic() - start < 2.0
    assert cur.execute("select 7 from dual").fetchone() == (7,)
    c.close()


# What newer clients and python-oracledb's own test suite read at connect
# and in setup; the logon's ALTER SESSION sets the client's offset.
@check("logon time zone, DBTIMEZONE, USERENV and NLS views read at connect")
def _():
    offset = -time.altzone if time.localtime().tm_isdst > 0 else -time.timezone
    hours, minutes = divmod(abs(offset) // 60, 60)
    tz = f"{'-' if offset < 0 else '+'}{hours:02}:{minutes:02}"
    with connect() as c:
        row = c.cursor().execute(
            """select sessiontimezone, dbtimezone, sys_context('userenv', 'cloud_service'),
                 (select value from sys.nls_database_parameters where parameter = 'NLS_CHARACTERSET')
               from sys.dual"""
        ).fetchone()
        assert row == (tz, "+00:00", None, "AL32UTF8"), row


print(f"python-oracledb: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
