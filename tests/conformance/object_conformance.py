"""Object type conformance: unmodified python-oracledb (Thin) describing
object and collection types (gettype), fetching object columns and binding
DbObject values against oradb-testserver.

Usage: python object_conformance.py HOST:PORT [SERVICE]
Prints one line per failed check and ends with "object: N passed, M failed".
"""

import datetime
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


def expect_error(code, fn):
    try:
        fn()
    except oracledb.Error as e:
        (err,) = e.args
        assert code in str(err), f"expected {code}, got {err}"
        return
    raise AssertionError(f"expected {code}, nothing raised")


CONN = oracledb.connect(user="scott", password="tiger", dsn=DSN)
CUR = CONN.cursor()
for stmt in (
    "drop package obj_ib",
    "drop package obj_pkg",
    "drop table obj_t",
    "drop type obj_outer",
    "drop type obj_subs",
    "drop type obj_nums",
    "drop type obj_sub",
):
    try:
        CUR.execute(stmt)
    except oracledb.Error:
        pass
for stmt in (
    "create type obj_sub as object (n number, s varchar2(20))",
    "create type obj_subs as varray(5) of obj_sub",
    "create type obj_nums as table of number",
    """create type obj_outer as object (
        num number(9, 2), str varchar2(30), fixed char(4), nstr nvarchar2(10),
        bin raw(8), i integer, d date, ts timestamp, bd binary_double,
        c clob, nc nclob, b blob, sub obj_sub, subs obj_subs)""",
    "create table obj_t (id number(9) not null, o obj_outer, n obj_nums)",
    """insert into obj_t values (1, obj_outer(12.5, 'hello', 'ab', 'nh', '0A0B',
        7, to_date('2020-01-02', 'YYYY-MM-DD'),
        to_timestamp('2021-03-04 05:06:07', 'YYYY-MM-DD HH24:MI:SS'), 2.5,
        'clob text', 'nclob text', utl_raw.cast_to_raw('blob'),
        obj_sub(1, 'one'), obj_subs(obj_sub(2, 'two'), null)),
        obj_nums(5, null, 7))""",
    "insert into obj_t values (2, null, null)",
    """create package obj_pkg as
        function rep(o obj_sub) return varchar2;
        function rep(a obj_subs) return varchar2;
        procedure make(n number, o out obj_sub);
        procedure bump(o in out obj_sub, a in out obj_nums);
        function evens(n number) return obj_nums;
    end;""",
    """create package body obj_pkg as
        function rep(o obj_sub) return varchar2 is
        begin
            if o is null then return 'null'; end if;
            return o.n || ':' || o.s;
        end;
        function rep(a obj_subs) return varchar2 is
            r varchar2(200);
        begin
            for i in 1..a.count loop
                r := r || '[' || rep(a(i)) || ']';
            end loop;
            return a.count || r;
        end;
        procedure make(n number, o out obj_sub) is
        begin
            o := obj_sub(n, 'made');
            o.s := o.s || n;
        end;
        procedure bump(o in out obj_sub, a in out obj_nums) is
        begin
            o.n := o.n + 1;
            a.extend(2);
            a(a.count) := a.count;
            a.trim;
            a(a.count) := o.n;
        end;
        function evens(n number) return obj_nums is
            r obj_nums := obj_nums();
        begin
            for i in 1..n loop
                r.extend;
                r(i) := i * 2;
            end loop;
            return r;
        end;
    end;""",
    """create package obj_ib as
        type t_list is table of varchar2(30) index by binary_integer;
        procedure mark(a in out t_list);
        procedure fill(n number, a out t_list);
    end;""",
    """create package body obj_ib as
        procedure mark(a in out t_list) is
            i binary_integer;
        begin
            i := a.first;
            while i is not null loop
                a(i) := a(i) || '@' || i;
                i := a.next(i);
            end loop;
            a(100) := 'added';
        end;
        procedure fill(n number, a out t_list) is
        begin
            for i in 1..n loop
                a(i * 10) := 'v' || i;
            end loop;
        end;
    end;""",
):
    CUR.execute(stmt)
CONN.commit()


@check("gettype describes attributes with their sizes")
def _():
    t = CONN.gettype("OBJ_OUTER")
    assert (t.schema, t.name, t.iscollection) == ("SCOTT", "OBJ_OUTER", False)
    got = [(a.name, a.type, a.precision, a.scale, a.max_size)
           for a in t.attributes[:6]]
    assert got == [
        ("NUM", oracledb.DB_TYPE_NUMBER, 9, 2, None),
        ("STR", oracledb.DB_TYPE_VARCHAR, None, None, 30),
        ("FIXED", oracledb.DB_TYPE_CHAR, None, None, 4),
        ("NSTR", oracledb.DB_TYPE_NVARCHAR, None, None, 20),
        ("BIN", oracledb.DB_TYPE_RAW, None, None, 8),
        ("I", oracledb.DB_TYPE_NUMBER, 38, 0, None),
    ], got
    assert t.attributes[9].type == oracledb.DB_TYPE_CLOB
    assert t.attributes[10].type == oracledb.DB_TYPE_NCLOB
    assert t.attributes[12].type.name == "OBJ_SUB"


@check("gettype describes collections and their element types")
def _():
    subs = CONN.gettype("SCOTT.OBJ_SUBS")
    assert subs.iscollection and subs.element_type.name == "OBJ_SUB"
    nums = CONN.gettype("obj_nums")
    assert nums.iscollection and nums.element_type == oracledb.DB_TYPE_NUMBER


@check("gettype of an unknown type is DPY-2035")
def _():
    expect_error("DPY-2035", lambda: CONN.gettype("NO_SUCH_TYPE"))


@check("object columns fetch as DbObjects with every attribute")
def _():
    CUR.execute("select o, n from obj_t order by id")
    assert CUR.description[0][1] == oracledb.DB_TYPE_OBJECT
    (o, n), (o2, n2) = CUR.fetchall()
    assert (o.NUM, o.STR, o.FIXED, o.NSTR, o.BIN, o.I) == (
        12.5, "hello", "ab  ", "nh", b"\x0a\x0b", 7)
    assert o.D == datetime.datetime(2020, 1, 2)
    assert o.TS == datetime.datetime(2021, 3, 4, 5, 6, 7)
    assert o.BD == 2.5
    assert (o.C.read(), o.NC.read(), o.B.read()) == (
        "clob text", "nclob text", b"blob")
    assert (o.SUB.N, o.SUB.S) == (1, "one")
    elems = o.SUBS.aslist()
    assert (elems[0].N, elems[0].S, elems[1]) == (2, "two", None)
    assert n.aslist() == [5, None, 7]
    assert (o2, n2) == (None, None)


@check("DbObject IN binds are stored and fetched back")
def _():
    t = CONN.gettype("OBJ_OUTER")
    sub = CONN.gettype("OBJ_SUB").newobject()
    sub.N, sub.S = 9, "nine"
    o = t.newobject()
    o.NUM, o.STR, o.SUB = 3, "bound", sub
    o.SUBS = CONN.gettype("OBJ_SUBS").newobject([sub])
    o.C = "bound clob"
    o.NC = "bound nclob é"
    # CHAR(4) is blank-padded where it is stored, as Oracle does.
    o.FIXED, o.NSTR = "x", "né"
    nums = CONN.gettype("OBJ_NUMS").newobject([1, 2, 3])
    CUR.execute("insert into obj_t values (3, :1, :2)", [o, nums])
    CUR.execute("select o, n from obj_t where id = 3")
    o3, n3 = CUR.fetchone()
    assert (o3.NUM, o3.STR, o3.SUB.N, o3.SUB.S) == (3, "bound", 9, "nine")
    assert (o3.FIXED, o3.NSTR) == ("x   ", "né"), (o3.FIXED, o3.NSTR)
    assert [e.S for e in o3.SUBS.aslist()] == ["nine"]
    assert o3.C.read() == "bound clob"
    assert o3.NC.read() == "bound nclob é"
    assert n3.aslist() == [1, 2, 3]
    CONN.rollback()


@check("RETURNING INTO an object bind gives the object and collection, NULL too")
def _():
    sub = CONN.gettype("OBJ_SUB").newobject()
    sub.N, sub.S = 4, "four"
    o = CONN.gettype("OBJ_OUTER").newobject()
    o.NUM, o.STR, o.SUB = 7, "returned", sub
    out_o = CUR.var(oracledb.DB_TYPE_OBJECT, typename="OBJ_OUTER")
    out_n = CUR.var(oracledb.DB_TYPE_OBJECT, typename="OBJ_NUMS")
    nums = CONN.gettype("OBJ_NUMS").newobject([5, 6])
    CUR.execute(
        "insert into obj_t values (4, :o, :n) returning o, n into :ro, :rn",
        o=o, n=nums, ro=out_o, rn=out_n,
    )
    (ro,), (rn,) = out_o.getvalue(), out_n.getvalue()
    assert (ro.NUM, ro.STR, ro.SUB.N, ro.SUB.S) == (7, "returned", 4, "four")
    assert rn.aslist() == [5, 6]
    CUR.execute("update obj_t set id = id where id in (2, 4) returning o into :ro", ro=out_o)
    got = sorted(out_o.getvalue(), key=lambda x: x is not None)
    assert got[0] is None and got[1].STR == "returned", got
    CONN.rollback()


@check("a constructor in the select list fetches as its type")
def _():
    CUR.execute("select obj_nums(4, 5) from dual")
    (n,) = CUR.fetchone()
    assert n.type.name == "OBJ_NUMS" and n.aslist() == [4, 5]


@check("type DDL errors are Oracle's")
def _():
    expect_error("ORA-00955", lambda: CUR.execute(
        "create type obj_sub as object (n number)"))
    expect_error("ORA-02303", lambda: CUR.execute("drop type obj_sub"))
    expect_error("ORA-22909", lambda: CUR.execute(
        "select obj_subs(null, null, null, null, null, null) from dual"))
    assert CUR.execute("select 42 from dual").fetchone() == (42,)


@check("PL/SQL takes objects and collections IN and picks the overload by type")
def _():
    sub_t = CONN.gettype("OBJ_SUB")
    sub = sub_t.newobject()
    sub.N, sub.S = 4, "four"
    assert CUR.callfunc("obj_pkg.rep", str, [sub]) == "4:four"
    subs = CONN.gettype("OBJ_SUBS").newobject([sub, None])
    assert CUR.callfunc("obj_pkg.rep", str, [subs]) == "2[4:four][null]"


@check("PL/SQL OUT objects and function results come back as DbObjects")
def _():
    sub_t = CONN.gettype("OBJ_SUB")
    out = CUR.var(sub_t)
    CUR.callproc("obj_pkg.make", [6, out])
    o = out.getvalue()
    assert o.type.name == "OBJ_SUB" and (o.N, o.S) == (6, "made6")
    nums = CUR.callfunc("obj_pkg.evens", CONN.gettype("OBJ_NUMS"), [3])
    assert nums.aslist() == [2, 4, 6]


@check("PL/SQL IN OUT objects and collections are changed in place")
def _():
    sub = CONN.gettype("OBJ_SUB").newobject()
    sub.N, sub.S = 1, "one"
    nums = CONN.gettype("OBJ_NUMS").newobject([10])
    o_var = CUR.var(CONN.gettype("OBJ_SUB"))
    o_var.setvalue(0, sub)
    n_var = CUR.var(CONN.gettype("OBJ_NUMS"))
    n_var.setvalue(0, nums)
    CUR.callproc("obj_pkg.bump", [o_var, n_var])
    assert (o_var.getvalue().N, o_var.getvalue().S) == (2, "one")
    assert n_var.getvalue().aslist() == [10, 2]


@check("PL/SQL index-by tables go IN OUT and OUT with their keys, sparse ones too")
def _():
    t = CONN.gettype("OBJ_IB.T_LIST")
    a = t.newobject()
    a.setelement(-3, "a")
    a.setelement(7, "b")
    a.setelement(2, "c")
    CUR.callproc("obj_ib.mark", [a])
    assert a.asdict() == {-3: "a@-3", 2: "c@2", 7: "b@7", 100: "added"}, a.asdict()
    b = t.newobject()
    CUR.callproc("obj_ib.fill", [3, b])
    assert b.asdict() == {10: "v1", 20: "v2", 30: "v3"}, b.asdict()


@check("an object bound in a select list fetches back as its type")
def _():
    nums = CONN.gettype("OBJ_NUMS").newobject([1, 3, 6])
    sub = CONN.gettype("OBJ_SUB").newobject()
    sub.N, sub.S = 4, "four"
    CUR.execute("select :1, :2, :3 from dual", [nums, sub, 9])
    got_nums, got_sub, n = CUR.fetchone()
    assert CUR.description[0][1] == oracledb.DB_TYPE_OBJECT, CUR.description
    assert got_nums.aslist() == [1, 3, 6], got_nums
    assert (got_sub.N, got_sub.S, n) == (4, "four", 9)


@check("PL/SQL records go IN, OUT and in index-by tables as objects of their fields")
def _():
    CUR.execute("""create or replace package obj_recs as
        type t_rec is record (n number, s varchar2(30), d date, f boolean,
                              k pls_integer, b binary_integer);
        type t_recs is table of t_rec index by binary_integer;
        function rep (a t_rec) return varchar2;
        procedure fill (a out nocopy t_rec);
        function reps (a t_recs) return varchar2;
    end;""")
    CUR.execute("""create or replace package body obj_recs as
        function rep (a t_rec) return varchar2 is
        begin
            return a.n || '/' || a.s || '/' || to_char(a.d, 'YYYY-MM-DD') || '/' ||
                case when a.f then 'T' when not a.f then 'F' end || '/' || a.k || '/' || a.b;
        end;
        procedure fill (a out nocopy t_rec) is
        begin
            a.n := 2.5; a.s := 'filled'; a.d := date '2024-02-29'; a.f := true;
            a.k := -7; a.b := 2147483647;
        end;
        function reps (a t_recs) return varchar2 is
            r varchar2(4000);
            i pls_integer := a.first;
        begin
            while i is not null loop r := r || i || '=' || rep(a(i)) || ';'; i := a.next(i); end loop;
            return r;
        end;
    end;""")
    rec = CONN.gettype("OBJ_RECS.T_REC")
    types = [(a.name, a.type) for a in rec.attributes]
    assert types[4:] == [("K", oracledb.DB_TYPE_BINARY_INTEGER),
                         ("B", oracledb.DB_TYPE_BINARY_INTEGER)], types
    r = rec.newobject()
    r.N, r.S, r.D, r.F, r.K, r.B = 18, "in", datetime.datetime(2016, 2, 15), False, 21, 5
    got = CUR.callfunc("obj_recs.rep", str, [r])
    assert got == "18/in/2016-02-15/F/21/5", got
    CUR.callproc("obj_recs.fill", [r])
    assert (r.N, r.S, r.D, r.F, r.K, r.B) == (
        2.5, "filled", datetime.datetime(2024, 2, 29), True, -7, 2147483647), r
    recs = CONN.gettype("OBJ_RECS.T_RECS").newobject()
    for k in (3, 10):
        e = rec.newobject()
        e.N, e.K = k, k * 2
        recs.setelement(k, e)
    got = CUR.callfunc("obj_recs.reps", str, [recs])
    assert got == "3=3////6/;10=10////20/;", got


@check("a table's %ROWTYPE is an object type of its columns")
def _():
    CUR.execute("create table obj_rowt (id number(9) not null, s nvarchar2(10), t timestamp(3))")
    t = CONN.gettype("OBJ_ROWT%ROWTYPE")
    got = [(a.name, a.type, a.precision, a.scale, a.max_size) for a in t.attributes]
    assert got == [("ID", oracledb.DB_TYPE_NUMBER, 9, 0, None),
                   ("S", oracledb.DB_TYPE_NVARCHAR, None, None, 20),
                   ("T", oracledb.DB_TYPE_TIMESTAMP, 0, 3, None)], got


@check("PL/SQL errors on objects are Oracle's")
def _():
    expect_error("ORA-06531", lambda: CUR.execute(
        "declare a obj_nums; n number; begin n := a(1); end;"))
    expect_error("ORA-06533", lambda: CUR.execute(
        "declare a obj_nums := obj_nums(1); begin a(2) := 5; end;"))
    expect_error("ORA-06530", lambda: CUR.execute(
        "declare o obj_sub; begin o.n := 1; end;"))
    expect_error("ORA-06532", lambda: CUR.execute(
        "declare a obj_subs := obj_subs(); begin a.extend(6); end;"))
    assert CUR.execute("select 42 from dual").fetchone() == (42,)


print(f"object: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
