// NCHAR, NVARCHAR2 and NCLOB: the national character set, which Oracle sends as AL16UTF16
// (character-set form 2). The test server used to describe them as VARCHAR2/CHAR/CLOB and send
// UTF-8, which a client decoding UTF-16 turned into other characters.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BIND_OUT, DB_TYPE_NCLOB, type Lob, STRING } from "../mod.ts";
import { dropFirst, SKIP_SERVER, startConnected } from "./_server.ts";

const server = { skip: SKIP_SERVER };

// Outside the BMP too: a surrogate pair in UTF-16, four bytes in UTF-8.
const WIDE = "Ωmega \u3042 \u{1F600}";

async function withTable() {
  const s = await startConnected();
  await dropFirst(s.conn, "nt");
  await s.conn.execute(
    "create table nt (id number, nv nvarchar2(12), nc nchar(3), nl nclob, v varchar2(40))",
  );
  return s;
}

test(
  "NVARCHAR2, NCHAR and NCLOB round trip, described as national types",
  server,
  async () => {
    await using s = await withTable();
    const big = WIDE.repeat(5000);
    await s.conn.execute("insert into nt values (1, :1, :2, :3, :4)", [WIDE, "é", big, WIDE]);
    await s.conn.execute("insert into nt values (2, null, null, null, null)");
    const r = await s.conn.execute<Record<string, unknown>>(
      "select id, nv, nc, nl, v from nt order by id",
    );
    const [one, two] = r.rows!;
    // The NCLOB apart: a failing deepEqual would print all 50,000 characters.
    assert.equal(one.NL === big, true, `NCLOB of ${String(one.NL).length} characters came back`);
    assert.deepEqual({ ...one, NL: "" }, { ID: 1, NV: WIDE, NC: "é  ", NL: "", V: WIDE });
    assert.deepEqual(two, { ID: 2, NV: null, NC: null, NL: null, V: null });
    const meta = r.metaData!.map((m) => [m.name, m.dbTypeName, m.byteSize]);
    // byteSize of a national column counts AL16UTF16 bytes: two a character.
    assert.deepEqual(meta.slice(1, 3), [["NV", "NVARCHAR2", 24], ["NC", "NCHAR", 6]]);
    assert.equal(meta[3][1], "NCLOB");
    assert.equal(meta[4][1], "VARCHAR2");
  },
);

test("a national column compares with a bind and in SQL functions", server, async () => {
  await using s = await withTable();
  await s.conn.execute("insert into nt (id, nv) values (1, :1)", [WIDE]);
  const r = await s.conn.execute<unknown[]>(
    "select id, length(nv), upper(nv) from nt where nv = :1",
    [WIDE],
    { outFormat: "array" },
  );
  assert.deepEqual(r.rows, [[1, [...WIDE].length, WIDE.toUpperCase()]]);
});

test(
  "an NCLOB fetched as a Lob reads back whole, typed NCLOB",
  server,
  async () => {
    await using s = await withTable();
    const text = WIDE.repeat(3000);
    await s.conn.execute("insert into nt (id, nl) values (1, :1)", [text]);
    const r = await s.conn.execute<{ NL: Lob }>("select nl from nt", [], { fetchLobs: true });
    await using lob = r.rows![0].NL;
    assert.equal(lob.type, DB_TYPE_NCLOB);
    assert.equal(await lob.text() === text, true, "the NCLOB read back differs");
  },
);

test("PL/SQL gives national values to a string OUT bind intact", server, async () => {
  await using s = await withTable();
  await s.conn.execute("insert into nt (id, nv) values (1, :1)", [WIDE]);
  const r = await s.conn.execute<unknown>(
    "begin select nv || '!' into :o from nt where id = 1; end;",
    { o: { dir: BIND_OUT, type: STRING, maxSize: 100 } },
  );
  assert.deepEqual(r.outBinds, { o: `${WIDE}!` });
});
