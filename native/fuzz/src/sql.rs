//! The test server's SQL engine as a client drives it: `Session::prepare`
//! runs the lexer, the statement classifier, the Oracle-to-SQLite rewrite
//! and the PL/SQL parser and bind analysis; DDL is then executed, which
//! runs the CREATE/ALTER parsers (tables, sequences, stored units). Queries,
//! DML and PL/SQL are not executed: a mutated `LOOP` would never end.
//!
//! Seeds are the SQL the repository's own tests and peer-conformance
//! scripts send (string literals that start with a SQL keyword), plus a few
//! built-in statements for the lexer's corners.

use std::cell::RefCell;
use std::path::Path;

use oradb_sqlengine::{Database, Session, StmtKind};

thread_local! {
    // One in-memory database and session per thread: opening one per input
    // would spend the time on SQLite setup instead of the parsers.
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
    static RUNS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn with_session(f: impl FnOnce(&mut Session)) {
    SESSION.with(|cell| {
        let mut slot = cell.borrow_mut();
        // A fresh session every few thousand inputs keeps the schema that
        // mutated DDL creates from growing without bound.
        let runs = RUNS.with(|r| {
            r.set(r.get().wrapping_add(1));
            r.get()
        });
        if slot.is_none() || runs.is_multiple_of(4096) {
            *slot = Database::open(None)
                .and_then(|db| Session::open(&db, "FUZZ"))
                .ok();
        }
        if let Some(s) = slot.as_mut() {
            f(s);
        }
    });
}

/// One input: UTF-8 SQL text (anything else is not something a client can
/// send as SQL text, which the server decodes as UTF-8 first).
pub fn run(input: &[u8]) {
    let Ok(sql) = std::str::from_utf8(input) else {
        return;
    };
    with_session(|s| {
        if let Ok(p) = s.prepare(sql) {
            if p.kind == StmtKind::Ddl {
                let _ = s.execute(&p, &[]);
            }
        }
    });
}

const BUILT_IN: &[&str] = &[
    "select q'[it's]' || n'x' || 'a''b' from dual -- tail",
    "SELECT /*+ INDEX(t) */ a.\"Mixed Case\", :1, :name, 1e-3, .5, 10d FROM t a WHERE x <> ? AND y != :2",
    "create table t (id number(10,2) primary key, s varchar2(40 char) default 'x' not null, d date, r raw(16), c clob)",
    "alter table t add (z timestamp(6) with time zone)",
    "create sequence s start with 10 increment by -2 maxvalue 100 cycle cache 5",
    "create or replace procedure p(a in number, b out varchar2, c in out nocopy date) as begin b := to_char(a); end;",
    "create or replace function f(x number default 1) return number is v number := 2; begin return x * v; end f;",
    "declare v number; cursor c is select 1 from dual; begin for r in c loop v := nvl(v, 0) + 1; end loop; :out := v; exception when no_data_found then null; when others then raise; end;",
    "begin dbms_output.put_line('x'); dbms_application_info.set_module('m', 'a'); end;",
    "insert into t (id, s) values (:1, :2) returning id into :3",
    "merge into t using (select 1 id from dual) s on (t.id = s.id) when matched then update set t.s = 'u' when not matched then insert (id) values (s.id)",
    "with w as (select level l from dual connect by level <= 3) select listagg(l, ',') within group (order by l) from w",
    "select case when 1 = 1 then date '2024-01-01' else timestamp '2024-01-01 10:00:00' end, interval '1' day from dual",
];

pub fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = BUILT_IN.iter().map(|s| s.as_bytes().to_vec()).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut seen = std::collections::HashSet::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for sql in sql_literals(&text) {
            if seen.insert(sql.clone()) {
                out.push(sql.into_bytes());
            }
        }
    }
    out
}

/// Test sources and scripts under `dir` (TypeScript, JS, Python, SQL, Java, Go).
fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| ["ts", "mjs", "js", "py", "sql", "java", "go"].contains(&x))
        {
            out.push(p);
        }
    }
}

const KEYWORDS: &[&str] = &[
    "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "ALTER", "DROP", "BEGIN", "DECLARE",
    "WITH", "TRUNCATE", "COMMENT", "GRANT", "CALL",
];

/// Quoted strings (", ', `, Python triple quotes) of a source file whose text
/// starts with a SQL keyword; a `.sql` file gives its `;`/`/`-separated
/// statements too.
pub fn sql_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let starts_sql = |s: &str| {
        let head: String = s
            .trim_start()
            .chars()
            .take(9)
            .collect::<String>()
            .to_ascii_uppercase();
        KEYWORDS.iter().any(|k| {
            head.starts_with(k)
                && head[k.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        })
    };
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let q = b[i];
        if q == b'"' || q == b'\'' || q == b'`' {
            let triple = b[i..].starts_with(&[q, q, q]);
            let open = if triple { 3 } else { 1 };
            let mut j = i + open;
            let end = loop {
                if j >= b.len() {
                    break None;
                }
                if b[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if triple && b[j..].starts_with(&[q, q, q]) || !triple && b[j] == q {
                    break Some(j);
                }
                // One-line strings end at the line (a stray apostrophe in a comment).
                if !triple && q != b'`' && b[j] == b'\n' {
                    break None;
                }
                j += 1;
            };
            match end {
                Some(e) => {
                    let body = &text[i + open..e];
                    if starts_sql(body) && body.len() < 4000 {
                        out.push(body.trim().to_string());
                    }
                    i = e + open;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    for stmt in text.split(";\n").chain(text.split("\n/\n")) {
        if starts_sql(stmt) && stmt.len() < 4000 && !out.iter().any(|s| s == stmt.trim()) {
            out.push(stmt.trim().to_string());
        }
    }
    out
}
