"""What OCI 19.3 makes of a rewritten batch-error answer: a measuring tool,
not a test (README.md, "Thirteenth round (b): batch errors").

Usage (Instant Client on LD_LIBRARY_PATH, a throw-away server listening
that answers OCI's DTY entry 463 with OER11 and follows every OCI ERROR
with `ub4 0` and thin's three batch-error arrays, as rounds 8, 9 and 12):
    python batch_errors_probe.py PORT LIBDIR BAD_ROWS 'OFFSETS' ['CODES' 'MSGS']

It inserts rows 0..3 (those in BAD_ROWS, e.g. `2` or `1,2`, duplicate a
key) with `executemany(..., batcherrors=True)` through a local proxy that
replaces the server's answer (the DATA packet holding ORA-24381) by the
23-field ERROR header, `ub4 0`, the three arrays given as Python
expressions (`u(n)` is a universal integer, `txt(s)` a length-prefixed
string, strings are hex) and the text of ORA-24381. Prints rowcount and
each batch error, the exception, `rc=-11` when OCI crashed (SIGSEGV) or
`waits` when it still waited after 8 s. The header's call number is 9, the
sequence number python-oracledb 4.0.2 gives this executemany.
"""

import os
import socket
import subprocess
import sys
import threading

MSG = "ORA-00001: unique constraint (SCOTT.X) violated"
TOP = "ORA-24381: error(s) in array DML"


def u(v):
    b = v.to_bytes((v.bit_length() + 7) // 8, "big")
    return "%02x" % len(b) + b.hex()


def txt(s):
    return "%02x" % len(s.encode()) + s.encode().hex()


def answer(offsets, codes, msgs):
    env = {"u": u, "txt": txt, "MSG": MSG}
    head = "04" + u(2) + u(3) + u(24381) + "0000" + u(2) + "00" * 14 + "09" + "0000"
    body = "".join(eval(x, env) for x in (codes, offsets, msgs))
    # ORADB_PROBE_HEAD / ORADB_PROBE_RDD replace the header and the ub4 0
    # (logical rowid length) before the arrays
    head = os.environ.get("ORADB_PROBE_HEAD", head)
    rdd = eval(os.environ.get("ORADB_PROBE_RDD", "'00'"), env)
    reply = bytes.fromhex(head + rdd + body + txt(TOP))
    # ORADB_PROBE_CUT=N sends only the first N bytes: OCI waits if it wants more
    return reply[: int(os.environ.get("ORADB_PROBE_CUT", len(reply)))]


def proxy(port, reply):
    """One connection to 127.0.0.1:port; the ORA-24381 DATA packet is replaced."""
    ls = socket.create_server(("127.0.0.1", 0))

    def run():
        c, _ = ls.accept()
        s = socket.create_connection(("127.0.0.1", port))
        state = {"large": False}  # both directions: 4-byte lengths after the ACCEPT
        threading.Thread(target=pump, args=(c, s, None, state), daemon=True).start()
        pump(s, c, reply, state)
    threading.Thread(target=run, daemon=True).start()
    return ls.getsockname()[1]


def pump(src, dst, reply, state):
    buf = b""
    while True:
        try:
            d = src.recv(65536)
        except OSError:  # the other side closed both sockets
            return
        if not d:
            break
        buf += d
        while len(buf) >= 8:
            n = int.from_bytes(buf[:4] if state["large"] else buf[:2], "big")
            if len(buf) < n:
                break
            pkt, buf = buf[:n], buf[n:]
            if pkt[4] == 2:  # ACCEPT: version 315+ uses 4-byte lengths
                state["large"] = int.from_bytes(pkt[8:10], "big") >= 315
            if reply and pkt[4] == 6 and b"ORA-24381" in pkt:
                body = pkt[8:10] + reply
                pkt = (8 + len(body)).to_bytes(4, "big") + pkt[4:8] + body
            dst.sendall(pkt)
    dst.close()


def client(port, libdir, bad):
    import oracledb

    oracledb.init_oracle_client(lib_dir=libdir)
    c = oracledb.connect(user="scott", password="tiger", dsn=f"127.0.0.1:{port}/FREEPDB1")
    cur = c.cursor()
    t = f"probe_be{os.getpid()}"
    cur.execute(f"create table {t} (id number primary key)")
    cur.execute(f"insert into {t} values (100)")
    rows = [(100 if i in bad else i,) for i in range(4)]
    try:
        cur.executemany(f"insert into {t} values (:1)", rows, batcherrors=True)
        print("rowcount", cur.rowcount)
        for e in cur.getbatcherrors():
            print("batch error offset", e.offset, "code", e.code, e.message)
    except Exception as e:
        print(type(e).__name__, e)


if __name__ == "__main__":
    if sys.argv[1] == "--client":
        client(int(sys.argv[2]), sys.argv[3], [int(x) for x in sys.argv[4].split(",")])
        sys.exit(0)
    port, libdir, bad, offsets = sys.argv[1:5]
    codes = sys.argv[5] if len(sys.argv) > 5 else "'0101' '01' + u(1)"
    msgs = sys.argv[6] if len(sys.argv) > 6 else "'0101' '01' + u(len(MSG))*2 + txt(MSG) + '0000'"
    p = proxy(int(port), answer(offsets, codes, msgs))
    try:
        r = subprocess.run([sys.executable, __file__, "--client", str(p), libdir, bad], timeout=8)
    except subprocess.TimeoutExpired:
        print("waits")
        sys.exit(0)
    if r.returncode:
        print(f"rc={r.returncode}")
