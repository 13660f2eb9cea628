//! `CURSOR(subquery)` in a select list: a nested cursor per row, correlated
//! to the row. The outer query computes, per row, a small JSON array holding
//! the subquery's text (outer references turned into binds) and those binds'
//! values for that row; the server opens it as a cursor of its own when it
//! sends the row ([`Session::open_nested`]), as Oracle opens a nested cursor
//! when its row is fetched. The subquery is prepared once here, so its errors
//! (a missing table, a bad column) come at parse time as in Oracle.

use oradb_protocol::value::{ora_type, Value};
use rusqlite::types::Value as Sql;

use crate::describe::Hint;
use crate::errors::err;
use crate::lexer::{Tok, Token};
use crate::plsql::RefCursor;
use crate::{ColumnInfo, Outcome, Session, SqlError, StmtKind};

/// Bind names the rewrite gives outer references and the subquery's own
/// binds: `:ODB_N1` is the payload's first value.
const BIND_PREFIX: &str = "ODB_N";

/// CURSOR expressions one statement may hold, at all levels together.
const MAX_CURSOR_EXPRESSIONS: usize = 64;

/// How a CURSOR column is described: type 102 with a non-zero size (a zero
/// buffer size tells python-oracledb the column is always NULL).
fn cursor_column() -> ColumnInfo {
    ColumnInfo {
        name: String::new(),
        ora_type: ora_type::CURSOR,
        size: 1,
        char_size: 0,
        precision: 0,
        scale: 0,
        nullable: true,
        object_type: None,
        national: false,
        uds_flags: 0,
    }
}

impl Session {
    /// Replaces each `CURSOR(subquery)` select item of the outermost query in
    /// `toks` by `JSON_ARRAY('sql', refs…)` and marks its hint as a CURSOR
    /// column. Deeper levels are handled when their own text is prepared.
    pub(crate) fn nest_cursors(
        &mut self,
        toks: Vec<Token>,
        hints: &mut [Hint],
        sql: &str,
    ) -> Result<Vec<Token>, SqlError> {
        if !toks.iter().any(|t| t.is_word("CURSOR")) {
            return Ok(toks);
        }
        // Each level prepares the next recursively: a bound keeps a hostile
        // statement from exhausting the stack, which would end the server.
        let count = toks
            .windows(2)
            .filter(|w| w[0].is_word("CURSOR") && w[1].is_op("("))
            .count();
        if count > MAX_CURSOR_EXPRESSIONS {
            return Err(err(
                1000,
                &format!(
                    "maximum open cursors exceeded (more than {MAX_CURSOR_EXPRESSIONS} CURSOR expressions in one statement)"
                ),
            ));
        }
        let Some(start) = select_list_start(&toks) else {
            return Ok(toks);
        };
        let mut out = toks[..start].to_vec();
        let (mut depth, mut item, mut k) = (0usize, 0usize, start);
        while k < toks.len() {
            let t = &toks[k];
            if depth == 0 && t.is_word("FROM") {
                break;
            }
            let opens = toks.get(k + 1).is_some_and(|n| n.is_op("("));
            if depth == 0 && t.is_word("CURSOR") && opens {
                let end =
                    matching(&toks, k + 1).ok_or_else(|| err(907, "missing right parenthesis"))?;
                out.extend(self.nested_payload(&toks[k + 2..end], t.pos, sql)?);
                if let Some(h) = hints.get_mut(item) {
                    *h = Hint::Typed(cursor_column());
                }
                k = end + 1;
                continue;
            }
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && t.is_op(",") {
                item += 1;
            }
            out.push(t.clone());
            k += 1;
        }
        out.extend_from_slice(&toks[k..]);
        Ok(out)
    }

    /// `JSON_ARRAY('subquery', args…)` for one CURSOR item: the subquery with
    /// its own binds and its outer references as `:ODB_Nk`, and what each
    /// stands for in the outer query. An outer reference is a name the
    /// subquery alone reports as an invalid identifier.
    fn nested_payload(
        &mut self,
        sub: &[Token],
        pos: usize,
        sql: &str,
    ) -> Result<Vec<Token>, SqlError> {
        if !sub
            .first()
            .is_some_and(|t| t.is_word("SELECT") || t.is_word("WITH"))
        {
            return Err(SqlError {
                offset: pos as u32,
                ..err(907, "missing right parenthesis (CURSOR needs a query)")
            });
        }
        // Its columns are named from the text as written, before outer
        // references become binds (`D.ID*100`, not `:ODB_N1*100`).
        let (mut sub, _) = crate::query::alias_select_items(sub, sql);
        let mut args: Vec<Vec<Token>> = Vec::new();
        for t in sub.iter_mut() {
            if let Tok::Bind(_) = t.tok {
                args.push(vec![t.clone()]);
                t.tok = Tok::Bind(format!("{BIND_PREFIX}{}", args.len()));
            }
        }
        // Each round replaces one outer name; a subquery has fewer than its tokens.
        for _ in 0..=sub.len() {
            match self.prepare(&render(&sub)) {
                Ok(p) if p.kind == StmtKind::Query => break,
                Ok(_) => return Err(err(907, "missing right parenthesis")),
                Err(e) if e.code == 904 => {
                    let name = e.message.split('"').nth(1).unwrap_or_default().to_string();
                    if !replace_outer(&mut sub, &name, &mut args) {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let tok = |tok| Token { tok, pos };
        let op = |s: &str| tok(Tok::Op(s.into()));
        let mut out = vec![
            // SQLite's json_array, not Oracle's constructor: each value as
            // it is, NULLs kept in their places.
            tok(Tok::Word("ODB_SQLITE_JSON_ARRAY".into())),
            op("("),
            tok(Tok::Str(render(&sub))),
        ];
        for a in args {
            out.push(op(","));
            out.extend(a);
        }
        out.push(op(")"));
        Ok(out)
    }

    /// Opens the nested cursor a CURSOR column's value describes (its text
    /// and bind values for the row): its columns and rows.
    pub fn open_nested(&mut self, payload: &str) -> Result<RefCursor, SqlError> {
        let bad = || err(1001, "invalid cursor (not a nested cursor value)");
        let items: Vec<Sql> = {
            let mut st = self
                .conn
                .prepare_cached("SELECT value FROM json_each(?1) ORDER BY key")
                .map_err(|_| bad())?;
            let rows = st
                .query_map([payload], |r| r.get::<_, Sql>(0))
                .map_err(|_| bad())?;
            rows.collect::<Result<_, _>>().map_err(|_| bad())?
        };
        let Some((Sql::Text(sql), values)) = items.split_first() else {
            return Err(bad());
        };
        let mut p = self.prepare(sql)?;
        let binds = p
            .bind_names
            .iter()
            .map(|n| {
                let k: usize = n.strip_prefix(BIND_PREFIX)?.parse().ok()?;
                values.get(k.checked_sub(1)?).map(bind_value)
            })
            .collect::<Option<Vec<Value>>>()
            .ok_or_else(bad)?;
        let Outcome::Rows { columns, rows } = self.execute(&p, &binds)? else {
            return Err(bad());
        };
        p.columns = columns;
        Ok(RefCursor::opened(p, rows))
    }
}

/// A JSON scalar of the payload as a bind value.
fn bind_value(v: &Sql) -> Value {
    match v {
        Sql::Null => Value::Null,
        Sql::Integer(i) => Value::Number(i.to_string()),
        Sql::Real(f) => Value::Double(*f),
        Sql::Text(t) => Value::Varchar(t.clone()),
        Sql::Blob(b) => Value::Raw(b.clone()),
    }
}

/// Replaces the outer reference `name` in `sub`: each `Q.name` whose `Q`
/// the subquery never declares (never appears alone), or else each bare
/// `name`, becomes a bind whose value is that reference in the outer query.
fn replace_outer(sub: &mut Vec<Token>, name: &str, args: &mut Vec<Vec<Token>>) -> bool {
    if name.is_empty() {
        return false;
    }
    let dotted = |s: &[Token], k: usize| {
        (k > 0 && s[k - 1].is_op(".")) || s.get(k + 1).is_some_and(|n| n.is_op("."))
    };
    let bare: Vec<String> = (0..sub.len())
        .filter(|&k| !dotted(sub, k))
        .filter_map(|k| sub[k].ident())
        .collect();
    let is_name = |t: &Token| t.ident().as_deref() == Some(name);
    // A bare name is a word: quoted ones are the column headings given above.
    let is_word = |t: &Token| matches!(t.tok, Tok::Word(_)) && is_name(t);
    let qualified: Vec<usize> = (2..sub.len())
        .filter(|&k| is_name(&sub[k]) && sub[k - 1].is_op("."))
        .filter(|&k| sub[k - 2].ident().is_some_and(|q| !bare.contains(&q)))
        .filter(|&k| !(k >= 3 && sub[k - 3].is_op(".")))
        .map(|k| k - 2)
        .collect();
    let spans: Vec<(usize, usize)> = if qualified.is_empty() {
        (0..sub.len())
            .filter(|&k| is_word(&sub[k]) && !dotted(sub, k))
            .map(|k| (k, k + 1))
            .collect()
    } else {
        qualified.into_iter().map(|k| (k, k + 3)).collect()
    };
    // Last span first, so the earlier spans' indices stay valid.
    for &(s, e) in spans.iter().rev() {
        let pos = sub[s].pos;
        let bind = Tok::Bind(format!("{BIND_PREFIX}{}", args.len() + 1));
        let held = sub.splice(s..e, [Token { tok: bind, pos }]).collect();
        args.push(held);
    }
    !spans.is_empty()
}

/// Where the outermost query's select list starts (after SELECT and
/// DISTINCT / UNIQUE / ALL).
fn select_list_start(toks: &[Token]) -> Option<usize> {
    let mut depth = 0i32;
    let sel = toks.iter().position(|t| {
        let at0 = depth == 0;
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        }
        at0 && t.is_word("SELECT")
    })?;
    let skip = toks
        .get(sel + 1)
        .is_some_and(|t| t.is_word("DISTINCT") || t.is_word("UNIQUE") || t.is_word("ALL"));
    Some(sel + 1 + usize::from(skip))
}

/// The index of the `)` closing the `(` at `open`.
fn matching(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// Tokens back to SQL text.
fn render(toks: &[Token]) -> String {
    let mut sql = String::new();
    for t in toks {
        let piece = match &t.tok {
            Tok::Word(w) | Tok::Number(w) | Tok::Op(w) => w.clone(),
            Tok::Quoted(q) => format!("\"{}\"", q.replace('"', "\"\"")),
            Tok::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Tok::Bind(b) => format!(":{b}"),
        };
        if !sql.is_empty() && !matches!(piece.as_str(), "." | ")") && !sql.ends_with(['.', '(']) {
            sql.push(' ');
        }
        sql.push_str(&piece);
    }
    sql
}

#[cfg(test)]
mod tests {
    use crate::{Database, Outcome, Session};
    use oradb_protocol::value::{ora_type, Value};

    fn run(s: &mut Session, sql: &str) -> Outcome {
        let p = s.prepare(sql).unwrap();
        s.execute(&p, &[]).unwrap()
    }

    fn rows(o: Outcome) -> (Vec<(String, u8)>, Vec<Vec<Value>>) {
        let Outcome::Rows { columns, rows } = o else {
            panic!("not rows")
        };
        (
            columns.into_iter().map(|c| (c.name, c.ora_type)).collect(),
            rows,
        )
    }

    fn nested(s: &mut Session, v: &Value) -> Vec<Vec<Value>> {
        let Value::Varchar(payload) = v else {
            panic!("not a nested cursor value: {v:?}")
        };
        s.open_nested(payload).unwrap().rows
    }

    #[test]
    fn cursor_items_are_correlated_nested_cursors() {
        let db = Database::open(None).unwrap();
        let mut s = Session::open(&db, "scott").unwrap();
        run(&mut s, "create table dept (id number, name varchar2(10))");
        run(&mut s, "create table emp (name varchar2(10), dept number)");
        run(&mut s, "insert into dept values (1, 'ops')");
        run(&mut s, "insert into dept values (2, 'dev')");
        run(&mut s, "insert into emp values ('ann', 2)");
        run(&mut s, "insert into emp values ('bob', 2)");
        run(&mut s, "insert into emp values ('cy', 1)");
        let (cols, outer) = rows(run(
            &mut s,
            "select d.name, cursor(select e.name from emp e where e.dept = d.id order by e.name) staff \
             from dept d order by d.id",
        ));
        assert_eq!(
            cols,
            [
                ("NAME".into(), ora_type::VARCHAR),
                ("STAFF".into(), ora_type::CURSOR)
            ]
        );
        let names =
            |r: Vec<Vec<Value>>| -> Vec<Value> { r.into_iter().map(|mut x| x.remove(0)).collect() };
        let v = |s: &str| Value::Varchar(s.into());
        assert_eq!(names(nested(&mut s, &outer[0][1])), [v("cy")]);
        assert_eq!(names(nested(&mut s, &outer[1][1])), [v("ann"), v("bob")]);
        // An unqualified outer column (python-oracledb's test_1304), a bind
        // inside the subquery, and a nested cursor inside a nested cursor.
        let p = s
            .prepare(
                "select id, cursor(select id + :k, cursor(select name from dept x where x.id = d.id) \
                 from dual) c from dept d order by id",
            )
            .unwrap();
        let (_, outer) = rows(s.execute(&p, &[Value::Number("10".into())]).unwrap());
        let Value::Varchar(payload) = &outer[1][1] else {
            panic!("not a nested cursor value")
        };
        let rc = s.open_nested(payload).unwrap();
        // Headings as written, not as rewritten with binds.
        let heads: Vec<&str> = rc
            .prepared
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(heads[0], "ID+:K");
        assert_eq!(rc.prepared.columns[1].ora_type, ora_type::CURSOR);
        let inner = rc.rows;
        assert_eq!(inner[0][0], Value::Number("12".into()));
        assert_eq!(nested(&mut s, &inner[0][1]), [vec![v("dev")]]);
        // A subquery error is the statement's, at parse time.
        assert_eq!(
            s.prepare("select cursor(select * from nope) from dual")
                .unwrap_err()
                .code,
            942
        );
        assert_eq!(
            s.prepare("select cursor(select zz from dual) from dual")
                .unwrap_err()
                .code,
            904
        );
        // Nesting deep enough to exhaust the stack is refused instead: past 64 CURSOR
        // expressions by their own limit, past 200 levels by the statement depth limit.
        let deep = |n: usize| {
            format!(
                "select {}1{} from dual",
                "cursor(select ".repeat(n),
                " from dual)".repeat(n)
            )
        };
        assert_eq!(s.prepare(&deep(100)).unwrap_err().code, 1000);
        assert_eq!(s.prepare(&deep(500)).unwrap_err().code, 900);
        assert!(s.open_nested("not json").is_err());
        assert!(s.open_nested("[1]").is_err());
    }
}
