"""Native network encryption between two implementations of Oracle's ANO negotiation:
python-oracledb in Thick mode (OCI, Instant Client 19.3) with `SQLNET.ENCRYPTION_CLIENT` and
`SQLNET.CRYPTO_CHECKSUM_CLIENT` REQUIRED in its sqlnet.ora writes rows over an encrypted
session; `nne_interop.mjs` then reads them with oradb's thin client, NNE required too.

Usage: python oci_nne_interop.py HOST:PORT SERVICE LIBDIR (LIBDIR also on LD_LIBRARY_PATH:
Instant Client 19.3 has no RPATH). Prints FAIL lines and "OCI NNE interop: N passed, M failed".
"""

import os
import sys
import tempfile
import traceback

import oracledb

ADDR, SERVICE, LIBDIR = sys.argv[1:4]
ROWS = 50

cfg = tempfile.mkdtemp(prefix="oci-nne-")
with open(os.path.join(cfg, "sqlnet.ora"), "w") as f:
    f.write(
        "SQLNET.ENCRYPTION_CLIENT = REQUIRED\n"
        "SQLNET.ENCRYPTION_TYPES_CLIENT = (AES256)\n"
        "SQLNET.CRYPTO_CHECKSUM_CLIENT = REQUIRED\n"
        "SQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT = (SHA256)\n"
        "DIAG_ADR_ENABLED = OFF\n"
    )
oracledb.init_oracle_client(lib_dir=LIBDIR, config_dir=cfg)

passed = failed = 0


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
    except Exception:  # noqa: BLE001 - reported, the run goes on
        failed += 1
        print(f"FAIL {name}")
        print("    " + "\n    ".join(traceback.format_exc(limit=2).splitlines()[-4:]))


def connect():
    return oracledb.connect(user="scott", password="tiger", dsn=f"{ADDR}/{SERVICE}")


def thick_and_encrypted():
    assert not oracledb.is_thin_mode()
    with connect() as c:
        rows = c.cursor().execute(
            "select network_service_banner from v$session_connect_info"
            " where sid = sys_context('USERENV', 'SID')"
        ).fetchall()
        text = " ".join(r[0] for r in rows)
        assert "AES256 Encryption service adapter" in text, text
        assert "SHA256 Crypto-checksumming service adapter" in text, text


def write_rows():
    with connect() as c:
        cur = c.cursor()
        try:
            cur.execute("drop table oci_nne")
        except oracledb.DatabaseError:
            pass  # ORA-00942 on a first run
        cur.execute("create table oci_nne (id number, s varchar2(40))")
        cur.executemany(
            "insert into oci_nne values (:1, :2)",
            [(i, f"OCI row {i}") for i in range(1, ROWS + 1)],
        )
        assert cur.rowcount == ROWS, cur.rowcount
        c.commit()
        (n,) = cur.execute("select count(*) from oci_nne").fetchone()
        assert n == ROWS, n


check("OCI 19.3 with AES256/SHA256 required: the session is encrypted and checksummed", thick_and_encrypted)
check(f"OCI writes {ROWS} rows over the encrypted session", write_rows)
print(f"OCI NNE interop: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
