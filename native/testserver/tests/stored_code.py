"""Stored procedures, functions and DBMS_OUTPUT: unmodified python-oracledb
(Thin) against a running oradb-testserver.

Usage: python stored_code.py HOST:PORT [SERVICE]
Prints "PASS name" or "FAIL name: reason" per check and ends with
"stored_code: N passed, M failed"; exits non-zero when a check failed.
"""

import datetime
import sys

import oracledb

ADDR = sys.argv[1]
SERVICE = sys.argv[2] if len(sys.argv) > 2 else "FREEPDB1"
HOST, PORT = ADDR.rsplit(":", 1)
DSN = f"{HOST}:{PORT}/{SERVICE}"

passed = 0
failed = 0


def connect():
    return oracledb.connect(user="scott", password="tiger", dsn=DSN)


conn = connect()


def check(name):
    def wrap(fn):
        global passed, failed
        try:
            fn()
            passed += 1
            print(f"PASS {name}")
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            reason = str(e).replace("\n", " | ")
            print(f"FAIL {name}: {type(e).__name__}: {reason}")
        return fn

    return wrap


def expect(actual, wanted):
    if actual != wanted:
        raise AssertionError(f"got {actual!r}, wanted {wanted!r}")


def expect_error(fn, code, text=None):
    try:
        fn()
    except oracledb.DatabaseError as e:
        (err,) = e.args
        if err.code != code:
            raise AssertionError(f"got ORA-{err.code:05}: {err.message}, wanted ORA-{code:05}")
        if text is not None and text not in err.message:
            raise AssertionError(f"message {err.message!r} lacks {text!r}")
        return err
    raise AssertionError(f"no error, wanted ORA-{code:05}")


def run(sql, *args):
    with conn.cursor() as c:
        c.execute(sql, *args)
        return c.warning


def drop(kind, name):
    try:
        run(f"drop {kind} {name}")
    except oracledb.DatabaseError:
        pass


def setup():
    for t in ("sc_items",):
        try:
            run(f"drop table {t}")
        except oracledb.DatabaseError:
            pass
    run("create table sc_items (id number primary key, name varchar2(40), qty number)")
    run(
        """create or replace procedure sc_modes(
             a in number, b out varchar2, c in out number) is
           begin
             b := 'got ' || a;
             c := c * 2 + a;
           end sc_modes;"""
    )
    run(
        """create or replace function sc_square(x in number) return number is
           begin
             return x * x;
           end;"""
    )


setup()


@check("callproc IN/OUT/IN OUT")
def _():
    with conn.cursor() as c:
        b = c.var(str)
        cc = c.var(int)
        cc.setvalue(0, 5)
        res = c.callproc("sc_modes", [3, b, cc])
        expect(b.getvalue(), "got 3")
        expect(cc.getvalue(), 13)
        expect(res[1:], ["got 3", 13])


@check("anonymous block with binds to OUT params")
def _():
    with conn.cursor() as c:
        b = c.var(str)
        cc = c.var(int)
        c.execute("begin sc_modes(:a, :b, :c); end;", a=10, b=b, c=cc)
        expect(b.getvalue(), "got 10")
        expect(cc.getvalue(), None)  # NULL * 2 + 10 is NULL
        cc.setvalue(0, 1)
        c.execute("begin sc_modes(a => :a, c => :c, b => :b); end;", a=1, b=b, c=cc)
        expect((b.getvalue(), cc.getvalue()), ("got 1", 3))


@check("callfunc")
def _():
    with conn.cursor() as c:
        expect(c.callfunc("sc_square", int, [7]), 49)
        expect(c.callfunc("sc_square", oracledb.DB_TYPE_NUMBER, [1.5]), 2.25)


@check("function in anonymous block and in expressions")
def _():
    with conn.cursor() as c:
        r = c.var(int)
        c.execute("begin :r := sc_square(:x); end;", r=r, x=9)
        expect(r.getvalue(), 81)
        c.execute("begin :r := sc_square(sc_square(2)) + 1; end;", r=r)
        expect(r.getvalue(), 17)
        c.execute(
            "declare n number; begin if sc_square(3) > 8 then n := 1; else n := 0; end if; :r := n; end;",
            r=r,
        )
        expect(r.getvalue(), 1)


@check("function called from SQL")
def _():
    with conn.cursor() as c:
        c.execute("select sc_square(4) from dual")
        expect(c.fetchone()[0], 16)


@check("procedure inserting rows")
def _():
    run(
        """create or replace procedure sc_add(p_id number, p_name varchar2, p_qty number default 1) as
           begin
             insert into sc_items (id, name, qty) values (p_id, p_name, p_qty);
           end;"""
    )
    with conn.cursor() as c:
        c.callproc("sc_add", [1, "apple", 5])
        c.callproc("sc_add", [2, "pear"])
        c.execute("begin sc_add(3, 'plum', 7); sc_add(p_name => 'fig', p_id => 4); end;")
        conn.commit()
        c.execute("select id, name, qty from sc_items order by id")
        expect(
            c.fetchall(),
            [(1, "apple", 5), (2, "pear", 1), (3, "plum", 7), (4, "fig", 1)],
        )


@check("SELECT INTO in a procedure")
def _():
    run(
        """create or replace procedure sc_total(p_total out number, p_name out varchar2) is
             n number;
           begin
             select sum(qty) into n from sc_items;
             select name into p_name from sc_items where id = 3;
             p_total := n;
           end;"""
    )
    with conn.cursor() as c:
        t = c.var(int)
        n = c.var(str)
        c.callproc("sc_total", [t, n])
        expect((t.getvalue(), n.getvalue()), (14, "plum"))


@check("loops computing a value")
def _():
    run(
        """create or replace function sc_fact(n in number) return number is
             r number := 1;
             i number := 1;
           begin
             while i <= n loop
               r := r * i;
               i := i + 1;
             end loop;
             return r;
           end;"""
    )
    run(
        """create or replace function sc_sum_to(n number) return number is
             s number := 0;
           begin
             for i in 1..n loop
               continue when mod(i, 2) = 0;
               s := s + i;
             end loop;
             loop
               exit when s > 1000;
               s := s * 10;
             end loop;
             return s;
           end;"""
    )
    with conn.cursor() as c:
        expect(c.callfunc("sc_fact", int, [10]), 3628800)
        expect(c.callfunc("sc_sum_to", int, [5]), 9000)


@check("RAISE_APPLICATION_ERROR surfaces ORA-20001")
def _():
    run(
        """create or replace procedure sc_fail(p number) is
           begin
             if p < 0 then
               raise_application_error(-20001, 'negative value: ' || p);
             end if;
           end;"""
    )
    with conn.cursor() as c:
        c.callproc("sc_fail", [1])
        expect_error(lambda: c.callproc("sc_fail", [-5]), 20001, "negative value: -5")


@check("exception handlers")
def _():
    with conn.cursor() as c:
        r = c.var(str)
        c.execute(
            """declare n number;
               begin
                 begin
                   select qty into n from sc_items where id = 999;
                   :r := 'found';
                 exception
                   when no_data_found then :r := 'none ' || sqlcode;
                 end;
               end;""",
            r=r,
        )
        expect(r.getvalue(), "none 100")
        c.execute(
            """begin sc_fail(-1);
               exception when others then :r := sqlerrm; end;""",
            r=r,
        )
        expect(r.getvalue(), "ORA-20001: negative value: -1")


@check("nested calls (procedure calling a function)")
def _():
    run(
        """create or replace procedure sc_squares(n in number, total out number) is
           begin
             total := 0;
             for i in 1..n loop
               total := total + sc_square(i);
             end loop;
           end;"""
    )
    run(
        """create or replace procedure sc_outer(n in number, total out number) is
           begin
             sc_squares(n, total);
             total := total + 1000;
           end;"""
    )
    with conn.cursor() as c:
        t = c.var(int)
        c.callproc("sc_outer", [3, t])
        expect(t.getvalue(), 1014)


@check("BOOLEAN and DATE parameters")
def _():
    run(
        """create or replace function sc_next_day(d date, skip boolean) return date is
           begin
             if skip then
               return d + 2;
             end if;
             return d + 1;
           end;"""
    )
    with conn.cursor() as c:
        d = datetime.datetime(2024, 2, 28)
        expect(c.callfunc("sc_next_day", datetime.datetime, [d, False]), datetime.datetime(2024, 2, 29))
        expect(c.callfunc("sc_next_day", datetime.datetime, [d, True]), datetime.datetime(2024, 3, 1))


@check("EXECUTE IMMEDIATE with USING")
def _():
    run(
        """create or replace procedure sc_dyn(p_id number, p_name varchar2) is
           begin
             execute immediate 'insert into sc_items (id, name, qty) values (:1, :2, 0)' using p_id, p_name;
           end;"""
    )
    with conn.cursor() as c:
        c.callproc("sc_dyn", [10, "dyn"])
        c.execute("select name from sc_items where id = 10")
        expect(c.fetchone()[0], "dyn")
        conn.rollback()


@check("CREATE OR REPLACE replaces")
def _():
    run("create or replace function sc_ver return varchar2 is begin return 'v1'; end;")
    with conn.cursor() as c:
        expect(c.callfunc("sc_ver", str, []), "v1")
        run("create or replace function sc_ver return varchar2 is begin return 'v2'; end;")
        expect(c.callfunc("sc_ver", str, []), "v2")
        # Without OR REPLACE the name is taken.
        expect_error(
            lambda: run("create function sc_ver return varchar2 is begin return 'v3'; end;"),
            955,
        )


@check("DROP then calling fails")
def _():
    run("create or replace procedure sc_gone is begin null; end;")
    with conn.cursor() as c:
        c.callproc("sc_gone")
        run("drop procedure sc_gone")
        expect_error(lambda: c.callproc("sc_gone"), 6550, "PLS-00201")
        expect_error(lambda: run("drop procedure sc_gone"), 4043)


@check("compilation errors: warning on CREATE, PLS-00905 on call")
def _():
    w = run("create or replace procedure sc_bad is begin if 1 = 1 then null; end;")
    if w is None or w.full_code != "DPY-7000":
        raise AssertionError(f"warning {w!r}")
    with conn.cursor() as c:
        expect_error(lambda: c.callproc("sc_bad"), 6550, "PLS-00905")
    drop("procedure", "sc_bad")


@check("DBMS_OUTPUT enable/put_line/get_line")
def _():
    with conn.cursor() as c:
        c.callproc("dbms_output.enable")
        c.execute(
            """begin
                 dbms_output.put_line('hello');
                 dbms_output.put('a');
                 dbms_output.put('b');
                 dbms_output.new_line;
                 for i in 1..2 loop dbms_output.put_line('line ' || i); end loop;
               end;"""
        )
        line = c.var(str)
        status = c.var(int)
        lines = []
        while True:
            c.callproc("dbms_output.get_line", (line, status))
            if status.getvalue() != 0:
                break
            lines.append(line.getvalue())
        expect(lines, ["hello", "ab", "line 1", "line 2"])
        c.callproc("dbms_output.disable")
        c.execute("begin dbms_output.put_line('dropped'); end;")
        c.callproc("dbms_output.get_line", (line, status))
        expect(status.getvalue(), 1)


@check("DBMS_OUTPUT.GET_LINES into an array bind, in parts; a scalar LINES is PLS-00306")
def _():
    with conn.cursor() as c:
        c.callproc("dbms_output.enable")
        c.execute("begin for i in 1..5 loop dbms_output.put_line('row ' || i); end loop; end;")
        lines = c.arrayvar(str, 10, 100)
        n = c.var(int)
        # Asked for 2: 2 come back, the other 3 stay buffered.
        n.setvalue(0, 2)
        c.callproc("dbms_output.get_lines", (lines, n))
        expect(n.getvalue(), 2)
        expect(lines.getvalue()[:2], ["row 1", "row 2"])
        # Asked for more than the array holds: at most its size (2 here).
        small = c.arrayvar(str, 2, 100)
        n.setvalue(0, 10)
        c.callproc("dbms_output.get_lines", (small, n))
        expect(n.getvalue(), 2)
        expect(small.getvalue()[:2], ["row 3", "row 4"])
        n.setvalue(0, 10)
        c.callproc("dbms_output.get_lines", (lines, n))
        expect((n.getvalue(), lines.getvalue()[:1]), (1, ["row 5"]))
        n.setvalue(0, 10)
        c.callproc("dbms_output.get_lines", (lines, n))
        expect(n.getvalue(), 0)
        expect_error(lambda: c.callproc("dbms_output.get_lines", (c.var(str), n)), 6550, "PLS-00306")
        # Array binds anywhere else: PLS-00306 in PL/SQL, ORA-01484 in SQL.
        arr = c.arrayvar(str, ["a", "b"])
        expect_error(lambda: c.callproc("dbms_output.put_line", [arr]), 6550, "PLS-00306")
        expect_error(lambda: c.execute("select :1 from dual", [arr]), 1484)
        # The session goes on.
        c.execute("select 1 from dual")
        expect(c.fetchone(), (1,))


@check("DBMS_OUTPUT from a stored procedure")
def _():
    run(
        """create or replace procedure sc_say(n number) is
           begin
             for i in 1..n loop dbms_output.put_line('say ' || i); end loop;
           end;"""
    )
    with conn.cursor() as c:
        c.callproc("dbms_output.enable", [None])
        c.callproc("sc_say", [2])
        line = c.var(str)
        status = c.var(int)
        c.callproc("dbms_output.get_line", (line, status))
        expect((line.getvalue(), status.getvalue()), ("say 1", 0))
        c.callproc("dbms_output.disable")


@check("a second connection sees stored code")
def _():
    run("create or replace function sc_shared(x number) return number is begin return x + 100; end;")
    other = connect()
    try:
        with other.cursor() as c:
            expect(c.callfunc("sc_shared", int, [1]), 101)
    finally:
        other.close()


@check("runaway recursion is an error")
def _():
    run("create or replace function sc_rec(n number) return number is begin return sc_rec(n + 1); end;")
    with conn.cursor() as c:
        expect_error(lambda: c.callfunc("sc_rec", int, [1]), 36)


for kind, name in [
    ("procedure", "sc_modes"),
    ("function", "sc_square"),
    ("procedure", "sc_add"),
    ("procedure", "sc_total"),
    ("function", "sc_fact"),
    ("function", "sc_sum_to"),
    ("procedure", "sc_fail"),
    ("procedure", "sc_squares"),
    ("procedure", "sc_outer"),
    ("function", "sc_next_day"),
    ("procedure", "sc_dyn"),
    ("function", "sc_ver"),
    ("procedure", "sc_say"),
    ("function", "sc_shared"),
    ("function", "sc_rec"),
]:
    drop(kind, name)
try:
    run("drop table sc_items")
except oracledb.DatabaseError:
    pass

print(f"stored_code: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
