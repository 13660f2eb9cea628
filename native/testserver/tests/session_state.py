"""Session state checks: unmodified python-oracledb (Thin) against oradb-testserver.

Usage: python session_state.py HOST:PORT [SERVICE]
Prints "PASS name" / "FAIL name: reason" per check and ends with
"session_state: N passed, M failed"; exits non-zero when a check failed.

Round trips: the server counts one per client request it answers (a request
and its piggybacks travel together and count once; a one-way DRCP release
gets no answer and does not count). The request reading V$MYSTAT is counted
before it runs, so it sees itself.
"""

import datetime
import sys
import uuid

import oracledb

ADDR = sys.argv[1]
SERVICE = sys.argv[2] if len(sys.argv) > 2 else "FREEPDB1"
HOST, PORT = ADDR.rsplit(":", 1)
DSN = f"{ADDR}/{SERVICE}"

passed = 0
failed = 0


def check(name):
    def wrap(fn):
        global passed, failed
        try:
            fn()
            passed += 1
            print(f"PASS {name}")
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}".replace("\n", " "))
        return fn

    return wrap


def connect(user="scott", password="tiger", dsn=DSN, **kw):
    return oracledb.connect(user=user, password=password, dsn=dsn, **kw)


def one(conn, sql, *args):
    with conn.cursor() as c:
        c.execute(sql, args)
        row = c.fetchone()
        return row[0] if row is not None and len(row) == 1 else row


def expect_error(code, fn):
    try:
        fn()
    except oracledb.Error as e:
        assert code in str(e), f"expected {code}, got {e}"
        return e
    raise AssertionError(f"expected {code}, nothing raised")


def mystat(conn, name):
    return one(
        conn,
        "select m.value from v$mystat m join v$statname n "
        "on n.statistic# = m.statistic# where n.name = :1",
        name,
    )


@check("ALTER SESSION NLS_DATE_FORMAT drives TO_CHAR and NLS_SESSION_PARAMETERS")
def _():
    with connect() as c:
        d = datetime.datetime(2024, 3, 5, 14, 7, 9)
        assert one(c, "select to_char(:1) from dual", d) == "05-MAR-24"
        c.cursor().execute("alter session set nls_date_format = 'YYYY-MM-DD HH24:MI:SS'")
        assert one(c, "select to_char(:1) from dual", d) == "2024-03-05 14:07:09"
        v = one(c, "select value from nls_session_parameters where parameter = 'NLS_DATE_FORMAT'")
        assert v == "YYYY-MM-DD HH24:MI:SS", v
        # Other sessions keep their own format.
        with connect() as other:
            v2 = one(other, "select value from nls_session_parameters where parameter = 'NLS_DATE_FORMAT'")
            assert v2 == "DD-MON-RR", v2


@check("ALTER SESSION NLS_TIMESTAMP_FORMAT, NLS_LANGUAGE, NLS_TERRITORY, TIME_ZONE, CURRENT_SCHEMA")
def _():
    with connect() as c:
        cur = c.cursor()
        cur.execute("alter session set nls_timestamp_format = 'DD.MM.YYYY HH24:MI:SS.FF3'")
        ts = "to_timestamp('2024-03-05 14:07:09.123', 'YYYY-MM-DD HH24:MI:SS.FF3')"
        v = one(c, f"select to_char({ts}) from dual")
        assert v == "05.03.2024 14:07:09.123", v
        cur.execute("alter session set nls_language = 'GERMAN' nls_territory = 'GERMANY'")
        cur.execute("alter session set time_zone = '-05:00'")
        cur.execute("alter session set current_schema = scott")
        params = dict(cur.execute("select parameter, value from nls_session_parameters").fetchall())
        assert params["NLS_LANGUAGE"] == "GERMAN" and params["NLS_TERRITORY"] == "GERMANY", params
        assert one(c, "select sessiontimezone from dual") == "-05:00"
        assert one(c, "select sys_context('USERENV', 'CURRENT_SCHEMA') from dual") == "SCOTT"


@check("ALTER SESSION bad input gives ORA- errors and the session stays usable")
def _():
    with connect() as c:
        cur = c.cursor()
        e = expect_error("ORA-02248", lambda: cur.execute("alter session set no_such_param = 1"))
        assert e.args[0].offset == 18, e.args[0].offset
        expect_error("ORA-01821", lambda: cur.execute("alter session set nls_date_format = 'XYZQ'"))
        expect_error("ORA-12705", lambda: cur.execute("alter session set nls_language = 'KLINGON'"))
        expect_error("ORA-01857", lambda: cur.execute("alter session set time_zone = '+99:00'"))
        expect_error("ORA-01435", lambda: cur.execute("alter session set current_schema = nobody"))
        expect_error("ORA-00922", lambda: cur.execute("alter session set"))
        assert one(c, "select 1 from dual") == 1


@check("SYS_CONTEXT USERENV values")
def _():
    with connect() as c:
        assert one(c, "select sys_context('USERENV', 'SESSION_USER') from dual") == "SCOTT"
        assert one(c, "select sys_context('userenv', 'service_name') from dual").upper() == SERVICE.upper()
        assert one(c, "select sys_context('USERENV', 'DB_NAME') from dual")
        assert one(c, "select sys_context('USERENV', 'SERVER_HOST') from dual")
        sid = one(c, "select sys_context('USERENV', 'SID') from dual")
        assert int(sid) > 0
        expect_error("ORA-02003", lambda: one(c, "select sys_context('USERENV', 'NO_SUCH') from dual"))


@check("DBMS_APPLICATION_INFO and DBMS_SESSION set MODULE/ACTION/CLIENT_INFO/CLIENT_IDENTIFIER")
def _():
    with connect() as c:
        c.cursor().execute("begin dbms_application_info.set_module('billing', 'month end'); end;")
        ctx = "select sys_context('USERENV', :1) from dual"
        assert one(c, ctx, "MODULE") == "billing"
        assert one(c, ctx, "ACTION") == "month end"
        c.cursor().execute(
            "begin dbms_application_info.set_action(action_name => 'step 2');"
            " dbms_application_info.set_client_info('info');"
            " dbms_session.set_identifier('alice'); end;"
        )
        assert one(c, ctx, "ACTION") == "step 2"
        assert one(c, ctx, "CLIENT_INFO") == "info"
        assert one(c, ctx, "CLIENT_IDENTIFIER") == "alice"
        row = one(
            c,
            "select module, action, client_identifier from v$session "
            "where sid = sys_context('USERENV', 'SID')",
        )
        assert row == ("billing", "step 2", "alice"), row


@check("a stored procedure sets MODULE via DBMS_APPLICATION_INFO; built-ins beat same-named procedures")
def _():
    sfx = uuid.uuid4().hex[:6].upper()
    proc, fn = f"SS_TAG_{sfx}", f"SS_MOD_{sfx}"
    with connect() as c:
        cur = c.cursor()
        # A stored procedure named like the package member must not be the
        # one called for DBMS_APPLICATION_INFO.SET_MODULE.
        cur.execute(
            "create or replace procedure set_module(m varchar2, a varchar2) is "
            "begin raise_application_error(-20001, 'stored SET_MODULE called'); end;"
        )
        cur.execute(
            f"create or replace procedure {proc}(m varchar2) is "
            "begin dbms_application_info.set_module(module_name => m, action_name => 'from proc'); "
            "commit; end;"
        )
        cur.execute(
            f"create or replace function {fn} return varchar2 is "
            "begin return sys_context('USERENV', 'MODULE'); end;"
        )
        try:
            commits = mystat(c, "user commits")
            cur.execute(f"begin {proc}('proc-module'); end;")
            ctx = "select sys_context('USERENV', :1) from dual"
            assert one(c, ctx, "MODULE") == "proc-module"
            assert one(c, ctx, "ACTION") == "from proc"
            # COMMIT inside PL/SQL counts as a user commit.
            assert mystat(c, "user commits") - commits == 1
            # A stored function called from SQL sees the caller's module.
            assert one(c, f"select {fn}() from dual") == "proc-module"
            # PL/SQL SELECT INTO from a session view.
            out = cur.var(str)
            cur.execute(
                "begin select module into :m from v$session "
                "where sid = sys_context('USERENV', 'SID'); end;",
                m=out,
            )
            assert out.getvalue() == "proc-module", out.getvalue()
        finally:
            for ddl in (f"drop procedure {proc}", f"drop function {fn}", "drop procedure set_module"):
                cur.execute(ddl)


@check("python-oracledb conn.module/action/client_identifier travel in piggybacks")
def _():
    with connect() as c:
        c.module = "py-module"
        c.action = "py-action"
        c.client_identifier = "py-client"
        c.clientinfo = "py-info"
        row = one(
            c,
            "select sys_context('USERENV', 'MODULE'), sys_context('USERENV', 'ACTION'),"
            " sys_context('USERENV', 'CLIENT_IDENTIFIER'), sys_context('USERENV', 'CLIENT_INFO') from dual",
        )
        assert row == ("py-module", "py-action", "py-client", "py-info"), row


@check("V$SESSION shows this session (SID from SYS_CONTEXT) and a second connection")
def _():
    with connect() as c, connect() as c2:
        sid = int(one(c, "select sys_context('USERENV', 'SID') from dual"))
        sid2 = int(one(c2, "select sys_context('USERENV', 'SID') from dual"))
        assert sid != sid2
        rows = c.cursor().execute(
            "select sid, serial#, username, status, server, program, machine from v$session order by sid"
        ).fetchall()
        by_sid = {r[0]: r for r in rows}
        assert sid in by_sid and sid2 in by_sid, rows
        me = by_sid[sid]
        assert me[2] == "SCOTT" and me[3] == "ACTIVE" and me[4] == "DEDICATED", me
        assert by_sid[sid2][3] == "INACTIVE", by_sid[sid2]
        assert me[5] and me[6], me  # AUTH_PROGRAM_NM / AUTH_MACHINE from the logon
    with connect() as c:
        # Closed sessions leave the view.
        assert one(c, "select count(*) from v$session where sid = :1", sid2) == 0


@check("SERVER=POOLED in the descriptor shows as POOLED")
def _():
    dsn = f"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST={HOST})(PORT={PORT}))(CONNECT_DATA=(SERVICE_NAME={SERVICE})(SERVER=POOLED)))"
    try:
        c = connect(dsn=dsn, cclass="SESSTATE", purity=oracledb.PURITY_SELF)
    except oracledb.Error as e:
        raise AssertionError(f"pooled connect failed: {e}")
    with c:
        v = one(c, "select server from v$session where sid = sys_context('USERENV', 'SID')")
        assert v == "POOLED", v


@check("round trips: 3 pings + the reading query = 4")
def _():
    with connect() as c:
        before = mystat(c, "SQL*Net roundtrips to/from client")
        for _ in range(3):
            c.ping()
        after = mystat(c, "SQL*Net roundtrips to/from client")
        assert after - before == 4, (before, after)


@check("user commits / rollbacks / execute count are exact")
def _():
    with connect() as c:
        cur = c.cursor()
        name = "SS_" + uuid.uuid4().hex[:8].upper()
        cur.execute(f"create table {name} (n number)")
        try:
            commits = mystat(c, "user commits")
            rollbacks = mystat(c, "user rollbacks")
            cur.execute(f"insert into {name} values (1)")
            c.commit()
            assert mystat(c, "user commits") - commits == 1
            cur.execute(f"insert into {name} values (2)")
            c.rollback()
            assert mystat(c, "user rollbacks") - rollbacks == 1
            execs = mystat(c, "execute count")
            cur.execute(f"select count(*) from {name}")
            cur.fetchall()
            # The select, then the query reading the statistic itself.
            assert mystat(c, "execute count") - execs == 2
            assert mystat(c, "opened cursors current") >= 1
        finally:
            cur.execute(f"drop table {name}")


@check("V$SESSTAT has every session's statistics")
def _():
    with connect() as c, connect() as c2:
        sid2 = int(one(c2, "select sys_context('USERENV', 'SID') from dual"))
        n = one(
            c,
            "select value from v$sesstat s join v$statname n on n.statistic# = s.statistic# "
            "where s.sid = :1 and n.name = 'SQL*Net roundtrips to/from client'",
            sid2,
        )
        assert n >= 1, n


@check("V$VERSION, V$INSTANCE, V$PARAMETER, ALL_USERS")
def _():
    with connect() as c:
        assert "Oracle" in one(c, "select banner from v$version")
        row = one(c, "select instance_name, host_name, version, status from v$instance")
        assert row[0] and row[1] and row[2] and row[3] == "OPEN", row
        assert one(c, "select value from v$parameter where name = 'compatible'")
        assert one(c, "select count(*) from all_users where username = 'SCOTT'") == 1


@check("USER_TABLES, USER_TAB_COLUMNS and USER_SEQUENCES describe what was created")
def _():
    with connect() as c:
        cur = c.cursor()
        name = "SS_" + uuid.uuid4().hex[:8].upper()
        cur.execute(f"create table {name} (id number(9) not null, name varchar2(30), at date)")
        cur.execute(f"create sequence {name}_SEQ start with 5")
        try:
            assert one(c, "select count(*) from user_tables where table_name = :1", name) == 1
            cols = cur.execute(
                "select column_name, data_type, data_length, data_precision, data_scale, nullable, column_id "
                "from user_tab_columns where table_name = :1 order by column_id",
                [name],
            ).fetchall()
            assert cols == [
                ("ID", "NUMBER", 22, 9, 0, "N", 1),
                ("NAME", "VARCHAR2", 30, None, None, "Y", 2),
                ("AT", "DATE", 7, None, None, "Y", 3),
            ], cols
            assert one(c, "select last_number from user_sequences where sequence_name = :1", name + "_SEQ") == 5
        finally:
            cur.execute(f"drop table {name}")
            cur.execute(f"drop sequence {name}_SEQ")


@check("ALTER SYSTEM KILL SESSION: the victim's next call gets ORA-00028")
def _():
    with connect() as killer:
        victim = connect()
        sid, serial = one(
            victim, "select sid, serial# from v$session where sid = sys_context('USERENV', 'SID')"
        )
        killer.cursor().execute(f"alter system kill session '{sid},{serial}'")
        assert one(killer, "select status from v$session where sid = :1", sid) == "KILLED"
        expect_error("ORA-00028", lambda: victim.cursor().execute("select 1 from dual"))
        try:
            victim.close()
        except oracledb.Error:
            pass
        assert one(killer, "select count(*) from v$session where sid = :1", sid) == 0


@check("ALTER SYSTEM KILL SESSION IMMEDIATE closes the victim's connection")
def _():
    with connect() as killer:
        victim = connect()
        sid = one(victim, "select sys_context('USERENV', 'SID') from dual")
        killer.cursor().execute(f"alter system kill session '{sid},1' immediate")
        try:
            victim.cursor().execute("select 1 from dual")
        except oracledb.Error:
            pass
        else:
            raise AssertionError("the killed connection still works")


@check("KILL SESSION bad input: ORA-00030, ORA-00026, ORA-00027")
def _():
    with connect() as c:
        cur = c.cursor()
        expect_error("ORA-00030", lambda: cur.execute("alter system kill session '99999,1'"))
        e = expect_error("ORA-00026", lambda: cur.execute("alter system kill session 'abc'"))
        assert e.args[0].offset == 26, e.args[0].offset
        expect_error("ORA-00026", lambda: cur.execute("alter system kill session"))
        sid = one(c, "select sys_context('USERENV', 'SID') from dual")
        expect_error("ORA-00027", lambda: cur.execute(f"alter system kill session '{sid},1'"))
        assert one(c, "select 1 from dual") == 1


@check("CREATE USER, connect as it, ALTER USER password, GRANT accepted")
def _():
    user = "U" + uuid.uuid4().hex[:8].upper()
    with connect() as c:
        cur = c.cursor()
        cur.execute(f"create user {user} identified by Secret1")
        cur.execute(f"grant create session, create table to {user}")
        expect_error("ORA-01920", lambda: cur.execute(f"create user {user} identified by x"))
        with connect(user=user.lower(), password="Secret1") as u:
            assert one(u, "select user from dual") == user
            assert one(u, "select sys_context('USERENV', 'SESSION_USER') from dual") == user
        cur.execute(f"alter user {user} identified by Other2")
        expect_error("ORA-01017", lambda: connect(user=user, password="Secret1"))
        with connect(user=user, password="Other2") as u:
            assert one(u, "select 1 from dual") == 1
        expect_error("ORA-01918", lambda: cur.execute("alter user nobody_here identified by x"))
        cur.execute(f"drop user {user} cascade")
        expect_error("ORA-01017", lambda: connect(user=user, password="Other2"))


@check("proxy logon user[client]: the proxy's password, the client's session")
def _():
    client = "C" + uuid.uuid4().hex[:8].upper()
    with connect() as c:
        c.cursor().execute(f"create user {client} identified by Unused1")
        try:
            with connect(user=f"scott[{client}]", password="tiger") as p:
                got = one(
                    p,
                    "select sys_context('USERENV', 'SESSION_USER') || ' ' || "
                    "sys_context('USERENV', 'PROXY_USER') from dual",
                )
                assert got == f"{client} SCOTT", got
            expect_error("ORA-28150", lambda: connect(user="scott[NOBODY_X]", password="tiger"))
            expect_error("ORA-01017", lambda: connect(user=f"scott[{client}]", password="Unused1"))
        finally:
            c.cursor().execute(f"drop user {client}")


POOLED = (
    f"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST={HOST})(PORT={PORT}))"
    f"(CONNECT_DATA=(SERVICE_NAME={SERVICE})(SERVER=POOLED)))"
)


def cc_stats(conn, cclass):
    return one(
        conn,
        "select num_requests, num_hits, num_misses from v$cpool_cc_stats where cclass_name = :1",
        f"SCOTT.{cclass}",
    )


@check("DRCP: purity SELF reuses the class's session with its state; NEW gets a clean one")
def _():
    cclass = "PY" + uuid.uuid4().hex[:6].upper()
    fmt = "select to_char(date '2024-05-06') from dual"
    with connect(dsn=POOLED, cclass=cclass, purity=oracledb.PURITY_SELF) as c:
        sid = one(c, "select sys_context('USERENV', 'SID') from dual")
        c.cursor().execute("alter session set nls_date_format = 'YYYY\"/\"MM'")
        assert one(c, fmt) == "2024/05"
    with connect(dsn=POOLED, cclass=cclass, purity=oracledb.PURITY_SELF) as c:
        assert one(c, "select sys_context('USERENV', 'SID') from dual") == sid
        assert one(c, fmt) == "2024/05", "SELF kept the session state"
        assert one(c, "select server from v$session where sid = :1", sid) == "POOLED"
    with connect(dsn=POOLED, cclass=cclass, purity=oracledb.PURITY_NEW) as c:
        assert one(c, "select sys_context('USERENV', 'SID') from dual") != sid
        assert one(c, fmt) == "06-MAY-24", "NEW is a clean session"
    # Another class never gets it.
    with connect(dsn=POOLED, cclass=cclass + "X", purity=oracledb.PURITY_SELF) as c:
        assert one(c, "select sys_context('USERENV', 'SID') from dual") != sid
        assert cc_stats(c, cclass) == (3, 1, 2), cc_stats(c, cclass)


@check("DRCP: a python-oracledb pool's release and reacquire keep the session; views count it")
def _():
    cclass = "PP" + uuid.uuid4().hex[:6].upper()
    pool = oracledb.create_pool(
        user="scott", password="tiger", dsn=POOLED, cclass=cclass,
        purity=oracledb.PURITY_SELF, min=1, max=1,
    )
    try:
        with pool.acquire() as c:
            sid = one(c, "select sys_context('USERENV', 'SID') from dual")
            c.cursor().execute("alter session set nls_date_format = 'DD.MM.YYYY'")
        with pool.acquire() as c:
            assert one(c, "select sys_context('USERENV', 'SID') from dual") == sid
            assert one(c, "select to_char(date '2024-05-06') from dual") == "06.05.2024"
            # One miss (the first logon), one hit (the reacquire after the release).
            assert cc_stats(c, cclass) == (2, 1, 1), cc_stats(c, cclass)
            name, busy, requests = one(
                c, "select pool_name, num_busy_servers, num_requests from v$cpool_stats"
            )
            assert name == "SYS_DEFAULT_CONNECTION_POOL" and busy >= 1 and requests >= 2
            assert one(
                c, "select status || ' ' || maxsize from dba_cpool_info"
            ) == "ACTIVE 40"
    finally:
        pool.close()


print(f"session_state: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
