"""LOB conformance: unmodified python-oracledb (Thin, default fetch_lobs=True)
reading and writing LOBs through locators against oradb-testserver.

Usage: python lob_conformance.py HOST:PORT [SERVICE]
Prints one line per failed check and ends with "lob: N passed, M failed".
"""

import sys
import traceback

import oracledb

ADDR = sys.argv[1]
SERVICE = sys.argv[2] if len(sys.argv) > 2 else "FREEPDB1"
HOST, PORT = ADDR.rsplit(":", 1)
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


def connect():
    return oracledb.connect(user="scott", password="tiger", dsn=DSN)


def expect_error(code, fn):
    try:
        fn()
    except oracledb.Error as e:
        (err,) = e.args
        assert code in str(err), f"expected {code}, got {err}"
        return
    raise AssertionError(f"expected {code}, nothing raised")


def still_works(conn):
    assert conn.cursor().execute("select 42 from dual").fetchone() == (42,)


CONN = connect()
CUR = CONN.cursor()
for t in ("lob_c", "lob_b", "lob_n"):
    try:
        CUR.execute(f"drop table {t}")
    except oracledb.Error:
        pass
CUR.execute("create table lob_c (id number, c clob)")
CUR.execute("create table lob_b (id number, b blob)")
CUR.execute("create table lob_n (id number, n nclob)")
TEXT = "héllo wörld 😀 " * 3
BIG = "".join(chr(ord("a") + i % 26) for i in range(1 << 20))
MID = "x" * (40 * 1024)
CUR.executemany("insert into lob_c values (:1, :2)", [(1, TEXT), (2, None)])
CUR.execute("insert into lob_b values (1, :1)", [bytes(range(256)) * 4])
CUR.execute("insert into lob_n values (1, :1)", ["ñ" * 10])
CONN.commit()


@check("CLOB column fetched as a LOB: size and read(offset, amount) in characters")
def _():
    lob, empty = [r[0] for r in CUR.execute("select c from lob_c order by id")]
    assert isinstance(lob, oracledb.LOB) and lob.type == oracledb.DB_TYPE_CLOB
    assert lob.size() == len(TEXT.encode("utf-16-be")) // 2
    assert lob.read() == TEXT
    assert lob.read(2, 4) == "éllo"
    assert empty is None
    still_works(CONN)


@check("BLOB column fetched as a LOB: size and read")
def _():
    (lob,) = CUR.execute("select b from lob_b").fetchone()
    assert lob.type == oracledb.DB_TYPE_BLOB and lob.size() == 1024
    assert lob.read(256, 3) == bytes([255, 0, 1])
    assert lob.read() == bytes(range(256)) * 4


@check("NCLOB column fetched as a LOB")
def _():
    (lob,) = CUR.execute("select n from lob_n").fetchone()
    assert lob.read() == "ñ" * 10 and lob.size() == 10


@check("write, trim, getchunksize on a fetched LOB")
def _():
    (lob,) = CUR.execute("select c from lob_c where id = 1").fetchone()
    lob.write("HE", 1)
    assert lob.read(1, 5) == "HEllo"
    lob.trim(3)
    assert lob.size() == 3 and lob.read() == "HEl"
    lob.write("Z", 6)
    assert lob.read() == "HEl  Z"
    assert lob.getchunksize() > 0


@check("open / isopen / close and their errors (ORA-22293, ORA-22289)")
def _():
    (lob,) = CUR.execute("select b from lob_b").fetchone()
    assert not lob.isopen()
    lob.open()
    assert lob.isopen()
    expect_error("ORA-22293", lob.open)
    lob.close()
    assert not lob.isopen()
    expect_error("ORA-22289", lob.close)


@check("createlob temporary CLOB and BLOB bound into INSERT")
def _():
    c = CONN.createlob(oracledb.DB_TYPE_CLOB, "temp clob")
    b = CONN.createlob(oracledb.DB_TYPE_BLOB)
    b.write(b"\x00\x01\x02", 1)
    CUR.execute("insert into lob_c values (10, :1)", [c])
    CUR.execute("insert into lob_b values (10, :1)", [b])
    assert CUR.execute("select c from lob_c where id = 10").fetchone()[0].read() == "temp clob"
    assert CUR.execute("select b from lob_b where id = 10").fetchone()[0].read() == b"\x00\x01\x02"


@check("a 40 KiB value bound as CLOB (setinputsizes), then the connection goes on")
def _():
    CUR.setinputsizes(None, oracledb.DB_TYPE_CLOB)
    CUR.execute("insert into lob_c values (:1, :2)", [20, MID])
    (lob,) = CUR.execute("select c from lob_c where id = 20").fetchone()
    assert lob.size() == len(MID) and lob.read() == MID
    still_works(CONN)


@check("a 1 MiB CLOB written through a temporary LOB and read back")
def _():
    lob = CONN.createlob(oracledb.DB_TYPE_CLOB, BIG)
    assert lob.size() == len(BIG)
    CUR.execute("insert into lob_c values (30, :1)", [lob])
    (got,) = CUR.execute("select c from lob_c where id = 30").fetchone()
    assert got.size() == len(BIG)
    assert got.read(500_000, 10) == BIG[499_999:500_009]
    assert got.read() == BIG
    still_works(CONN)


@check("a 40 KiB string bound into PL/SQL (sent as a temporary CLOB)")
def _():
    out = CUR.var(int)
    CUR.execute("begin :n := dbms_lob.getlength(:v); end;", v=MID, n=out)
    assert out.getvalue() == len(MID), out.getvalue()
    still_works(CONN)


@check("CLOB OUT bind in PL/SQL returns a LOB")
def _():
    v = CUR.var(oracledb.DB_TYPE_CLOB)
    CUR.execute("begin :1 := to_clob('out value'); end;", [v])
    lob = v.getvalue()
    assert isinstance(lob, oracledb.LOB) and lob.read() == "out value"
    b = CUR.var(oracledb.DB_TYPE_BLOB)
    CUR.execute("begin :1 := hextoraw('CAFE'); end;", [b])
    assert b.getvalue().read() == b"\xca\xfe"


@check("values are there after commit, in a new connection")
def _():
    CONN.commit()
    with connect() as c2:
        cur = c2.cursor()
        (lob,) = cur.execute("select c from lob_c where id = 30").fetchone()
        assert lob.size() == len(BIG)
        assert cur.execute("select c from lob_c where id = 20").fetchone()[0].read() == MID


@check("fetch_lobs=False still gives str/bytes")
def _():
    # Texts not run before: a cached statement keeps the fetch types it
    # was described with (python-oracledb's behaviour, not the server's).
    cur = CONN.cursor()
    cur.execute("select c as s from lob_c where id = 20", fetch_lobs=False)
    assert cur.fetchone() == (MID,)
    cur.execute("select b as s from lob_b where id = 1", fetch_lobs=False)
    assert cur.fetchone() == (bytes(range(256)) * 4,)


@check("a REF CURSOR with LOB columns: every row, in batches smaller than the set")
def _():
    # LOB queries are not prefetched: the client defines the cursor, then asks for rows
    # without the FETCH option; an answer without rows would end the set early.
    cur = CONN.cursor()
    out = CONN.cursor().var(oracledb.DB_TYPE_CURSOR)
    cur.execute(
        "begin open :c for select to_clob('v' || level), level from dual"
        " connect by level <= 7; end;",
        c=out,
    )
    rc = out.getvalue()
    rc.arraysize = 3
    assert [(lob.read(), n) for lob, n in rc.fetchall()] == [(f"v{i}", i) for i in range(1, 8)]
    # Read as str through an output type handler (python-oracledb's test_1309).
    conn = connect()
    conn.outputtypehandler = lambda c, md: c.var(str, arraysize=c.arraysize)
    out = conn.cursor().var(oracledb.DB_TYPE_CURSOR)
    conn.cursor().execute("begin open :c for select to_clob('abc') from dual; end;", c=out)
    assert out.getvalue().fetchall() == [("abc",)]
    conn.close()


@check("a locator fetched FOR UPDATE writes the row: commit keeps it, rollback undoes it")
def _():
    CUR.execute("create table lob_p (id number, c clob, b blob)")
    CUR.execute("insert into lob_p values (1, 'original', hextoraw('0102'))")
    CONN.commit()
    (lob,) = CUR.execute("select c from lob_p where id = 1 for update").fetchone()
    lob.write("ORIG")
    lob.trim(6)
    assert lob.read() == "ORIGin"
    # A second fetch sees the row as the writes left it.
    (again,) = CUR.execute("select c from lob_p where id = 1").fetchone()
    assert again.read() == "ORIGin" and again.size() == 6
    CONN.commit()
    with connect() as c2:
        assert c2.cursor().execute("select c from lob_p").fetchone()[0].read() == "ORIGin"
    (blob,) = CUR.execute("select b from lob_p where id = 1 for update").fetchone()
    blob.write(b"\xff\xfe\xfd", 2)
    assert CUR.execute("select dbms_lob.getlength(b) from lob_p").fetchone() == (4,)
    CONN.rollback()
    assert blob.read() == b"\x01\x02", "the rollback undid the write"


@check("EMPTY_CLOB()/EMPTY_BLOB() are empty, not NULL: NOT NULL column, then write through the locator")
def _():
    CUR.execute("create table lob_e (id number, c clob not null, b blob not null)")
    CUR.execute("insert into lob_e values (1, empty_clob(), empty_blob())")
    row = CUR.execute(
        "select count(*) from lob_e where c is not null and b is not null"
    ).fetchone()
    assert row == (1,), row
    c, b = CUR.execute("select c, b from lob_e where id = 1 for update").fetchone()
    assert c is not None and c.size() == 0 and c.read() == ""
    assert b is not None and b.size() == 0 and b.read() == b""
    c.write("filled")
    b.write(b"\x00\x07")
    CONN.commit()
    got = CUR.execute("select c, b from lob_e where id = 1").fetchone()
    assert got[0].read() == "filled" and got[1].read() == b"\x00\x07"
    # A zero-length temporary LOB bound into INSERT is empty too.
    CUR.execute("insert into lob_e values (2, :1, :2)", [
        CONN.createlob(oracledb.DB_TYPE_CLOB), CONN.createlob(oracledb.DB_TYPE_BLOB)
    ])
    assert CUR.execute("select dbms_lob.getlength(c) from lob_e where id = 2").fetchone() == (0,)


@check("a BFILE column fetched as a LOB: getfilename, fileexists, ORA-22288/22285, read-only")
def _():
    # The files of a directory lie in the server's data directory, which this script cannot
    # write: a missing file and a missing directory, read through python-oracledb's own calls.
    CUR.execute("create directory conf_files as 'conf_files'")
    CUR.execute("create table lob_bf (id number, f bfile)")
    CUR.execute("insert into lob_bf values (1, bfilename('CONF_FILES', 'none.bin'))")
    (f,) = CUR.execute("select f from lob_bf").fetchone()
    assert f.type is oracledb.DB_TYPE_BFILE, f.type
    assert f.getfilename() == ("CONF_FILES", "none.bin"), f.getfilename()
    assert f.fileexists() is False
    expect_error("ORA-22288", f.read)
    (g,) = CUR.execute("select bfilename('NO_SUCH_DIR', 'x') from dual").fetchone()
    expect_error("ORA-22285", g.fileexists)
    rows = CUR.execute(
        "select directory_name from all_directories where directory_name = 'CONF_FILES'"
    ).fetchall()
    assert rows == [("CONF_FILES",)], rows
    try:
        f.write(b"x")
    except oracledb.NotSupportedError:
        pass
    else:
        raise AssertionError("a BFILE took a write")


@check("a normal query still works on the same connection after all of that")
def _():
    still_works(CONN)
    rows = CUR.execute("select id from lob_c order by id").fetchall()
    assert [r[0] for r in rows] == [1, 2, 10, 20, 30], rows


CONN.close()
print(f"lob: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
