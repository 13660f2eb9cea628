//! DDL: CREATE/DROP TABLE (Oracle types, constraints, identity columns),
//! CREATE/DROP SEQUENCE, TRUNCATE, and the statements we accept as no-ops.

use std::collections::HashMap;

use super::errors::err;
use super::lexer::{split_commas, Tok, Token};
use super::rewrite::{self, BindMode, Ctx};
use super::schemas::{collapse_name, qualified_name, quote};
use super::sequences::prefix;
use super::types::{decl_type, oracle_type};
use super::{ColumnInfo, Session, SqlError};

fn ident_at(toks: &[Token], i: usize) -> Result<String, SqlError> {
    toks.get(i).and_then(Token::ident).ok_or_else(|| SqlError {
        offset: toks.get(i).map_or(0, |t| t.pos as u32),
        ..err(903, "invalid table name")
    })
}

/// Tokens between the `(` at `start` and its matching `)`; returns (inner, index after).
/// The words after INTERVAL and the leading and fractional precisions, with
/// Oracle's defaults (2 and 6) where they are not given.
fn interval_spec(item: &[Token], mut i: usize) -> Result<(Vec<String>, Vec<i64>, usize), SqlError> {
    let mut words = Vec::new();
    let mut args = Vec::new();
    while let Some(Tok::Word(w)) = item.get(i).map(|t| &t.tok) {
        let u = w.to_ascii_uppercase();
        if !matches!(u.as_str(), "DAY" | "YEAR" | "TO" | "SECOND" | "MONTH") {
            break;
        }
        i += 1;
        if u != "TO" {
            let mut n = if u == "SECOND" { 6 } else { 2 };
            if item.get(i).is_some_and(|t| t.is_op("(")) {
                let (inner, next) = parens(item, i)?;
                if let [Token {
                    tok: Tok::Number(d),
                    ..
                }] = inner
                {
                    n = d.parse().unwrap_or(-1);
                }
                if !(0..=9).contains(&n) {
                    return Err(err(30088, "datetime/interval precision is out of range"));
                }
                i = next;
            }
            if u != "MONTH" {
                args.push(n);
            }
        }
        words.push(u);
    }
    Ok((words, args, i))
}

fn parens(toks: &[Token], start: usize) -> Result<(&[Token], usize), SqlError> {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(start) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
            if depth == 0 {
                return Ok((&toks[start + 1..i], i + 1));
            }
        }
    }
    Err(err(907, "missing right parenthesis"))
}

/// Columns named in a table-level PRIMARY KEY (…) constraint.
fn primary_key_columns(body: &[Token]) -> Vec<String> {
    for item in split_commas(body) {
        if let Some(k) = item.iter().position(|t| t.is_word("PRIMARY")) {
            if item.get(k + 2).is_some_and(|t| t.is_op("(")) {
                return item[k + 3..]
                    .iter()
                    .take_while(|t| !t.is_op(")"))
                    .filter_map(Token::ident)
                    .collect();
            }
        }
    }
    Vec::new()
}

/// The unquoted aliases of a view query's top-level select list, upper-cased (and quoted) as
/// Oracle names them, so `create view v as select 1 a from dual` has the column `A`, not `a`.
fn upper_view_aliases(toks: &[Token]) -> Vec<Token> {
    let mut out = toks.to_vec();
    let mut depth = 0i32;
    let Some(sel) = toks.iter().position(|t| {
        let top = depth == 0;
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        }
        top && t.is_word("SELECT")
    }) else {
        return out;
    };
    let (mut d, mut item_start) = (0i32, sel + 1);
    for i in sel + 1..=toks.len() {
        let t = toks.get(i);
        if let Some(t) = t {
            if t.is_op("(") {
                d += 1;
            } else if t.is_op(")") {
                d -= 1;
            }
        }
        let end = t.is_none_or(|t| d == 0 && (t.is_op(",") || t.is_word("FROM")) || d < 0);
        if !end {
            continue;
        }
        let item = &toks[item_start..i];
        if let [.., prev, last] = item {
            let aliased = prev.is_word("AS")
                || (!matches!(prev.tok, Tok::Op(ref o) if o != ")")
                    && !last.is_word("END")
                    && !prev.is_word("DISTINCT"));
            if let (true, Tok::Word(w)) = (aliased, &last.tok) {
                out[i - 1] = Token {
                    tok: Tok::Quoted(w.to_ascii_uppercase()),
                    pos: last.pos,
                };
            }
        }
        if t.is_none_or(|t| !t.is_op(",")) {
            break;
        }
        item_start = i + 1;
    }
    out
}

fn sql_of(toks: &[Token], user: &str) -> String {
    let none = |_: &str| None;
    let mut ctx = Ctx {
        binds: BindMode::Positional,
        next_bind: 0,
        user,
        locals: &none,
    };
    rewrite::rewrite(toks, &mut ctx)
}

fn number(t: Option<&Token>) -> Option<i64> {
    match t.map(|t| &t.tok) {
        Some(Tok::Number(n)) => n.parse().ok(),
        _ => None,
    }
}

/// `START WITH n` / `INCREMENT BY n` anywhere in `toks`.
fn seq_options(toks: &[Token]) -> (i128, i128) {
    let (mut start, mut inc) = (1i128, 1i128);
    for (i, t) in toks.iter().enumerate() {
        let signed = |k: usize| {
            let neg = toks.get(k).is_some_and(|t| t.is_op("-"));
            number(toks.get(if neg { k + 1 } else { k })).map(|n| {
                if neg {
                    -(n as i128)
                } else {
                    n as i128
                }
            })
        };
        if t.is_word("START") && toks.get(i + 1).is_some_and(|t| t.is_word("WITH")) {
            start = signed(i + 2).unwrap_or(1);
        }
        if t.is_word("INCREMENT") && toks.get(i + 1).is_some_and(|t| t.is_word("BY")) {
            inc = signed(i + 2).unwrap_or(1);
        }
    }
    (start, if inc == 0 { 1 } else { inc })
}

impl Session {
    pub(super) fn ddl(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        self.sync_schema()?;
        let w = |i: usize| toks.get(i).and_then(Token::ident).unwrap_or_default();
        match (w(0).as_str(), w(1).as_str()) {
            ("CREATE", "TABLE") => self.create_table(toks),
            ("CREATE", "SEQUENCE") => {
                let (owner, name, next) = qualified_name(toks, 2)?;
                let owner = self.owner(owner)?;
                let (start, inc) = seq_options(&toks[next..]);
                self.db
                    .create_sequence(&format!("{}{name}", prefix(&owner)), start, inc)
            }
            ("DROP", "SEQUENCE") => {
                let (owner, name, _) = qualified_name(toks, 2)?;
                let key = match owner {
                    Some(o) => format!("{}{name}", prefix(&o)),
                    None => self.shared.sequence_key(&name),
                };
                self.db.drop_sequence(&key)
            }
            ("DROP", "TABLE") | ("DROP", "VIEW") => {
                let (owner, name, _) = qualified_name(toks, 2)?;
                let schema = self.table_schema(owner, &name)?;
                self.exec_sql(
                    &format!("DROP {} {}.{}", w(1), quote(&schema), quote(&name)),
                    toks,
                )?;
                self.db.drop_identity_sequences(&schema, &name);
                Ok(())
            }
            ("TRUNCATE", "TABLE") => {
                let (owner, name, _) = qualified_name(toks, 2)?;
                let schema = self.table_schema(owner, &name)?;
                self.exec_sql(
                    &format!("DELETE FROM {}.{}", quote(&schema), quote(&name)),
                    toks,
                )
            }
            ("CREATE", "INDEX") | ("CREATE", "UNIQUE") => self.create_index(toks),
            ("DROP", "INDEX") => {
                let (owner, name, _) = qualified_name(toks, 2)?;
                let schema = self.owner(owner)?;
                self.exec_sql(
                    &format!("DROP INDEX {}.{}", quote(&schema), quote(&name)),
                    toks,
                )
            }
            ("CREATE", "VIEW") => self.create_view(toks, 2, false),
            ("CREATE", "OR") if w(3) == "VIEW" => self.create_view(toks, 4, true),
            ("CREATE", "OR") | ("CREATE", "SYNONYM") | ("DROP", "SYNONYM")
                if w(3) == "SYNONYM" || w(3) == "PUBLIC" || w(1) == "SYNONYM" =>
            {
                self.synonym_ddl(toks)
            }
            ("CREATE", "PUBLIC") | ("DROP", "PUBLIC") if w(2) == "SYNONYM" => {
                self.synonym_ddl(toks)
            }
            ("CREATE", "DIRECTORY") | ("DROP", "DIRECTORY") => self.directory_ddl(toks),
            ("CREATE", "OR") if w(3) == "DIRECTORY" => self.directory_ddl(toks),
            ("ALTER", "TABLE") => self.alter_table(toks),
            ("ALTER", "SESSION") => self.alter_session(toks),
            ("ALTER", "SYSTEM") => self.alter_system(toks),
            ("CREATE", "USER") | ("ALTER", "USER") | ("DROP", "USER") => self.user_ddl(toks),
            ("CREATE", "EDITION") | ("DROP", "EDITION") => self.edition_ddl(toks),
            // Accepted without effect: grants (privileges are not enforced),
            // comments, statistics and roles.
            ("GRANT", _)
            | ("REVOKE", _)
            | ("COMMENT", _)
            | ("ANALYZE", _)
            | ("AUDIT", _)
            | ("CREATE", "ROLE") => Ok(()),
            _ => Err(err(900, "invalid SQL statement")),
        }
    }

    /// The schema an object is created in: `owner` if given (ORA-01918 if
    /// no such user), else the current schema; attached either way.
    fn owner(&mut self, owner: Option<String>) -> Result<String, SqlError> {
        let o = owner.unwrap_or_else(|| self.schema());
        self.attach(&o)?;
        Ok(o)
    }

    /// CREATE [OR REPLACE] VIEW [schema.]name [(columns)] AS query: the view
    /// lives in its schema's file, where its query's unqualified names resolve.
    fn create_view(&mut self, toks: &[Token], at: usize, replace: bool) -> Result<(), SqlError> {
        let (owner, name, next) = qualified_name(toks, at)?;
        let schema = self.owner(owner)?;
        let target = format!("{}.{}", quote(&schema), quote(&name));
        if replace {
            self.exec_sql(&format!("DROP VIEW IF EXISTS {target}"), toks)?;
        }
        // A view resolves names in its own schema's file only: that file
        // gets its own (hidden, internal) DUAL.
        if toks[next..].iter().any(|t| t.is_word("DUAL")) {
            let dual = format!("{}.\"DUAL\"", quote(&schema));
            self.exec_sql(
                &format!(
                    "CREATE TABLE IF NOT EXISTS {dual} (\"DUMMY\" TEXT_VC_1_1); \
                     INSERT INTO {dual} SELECT 'X' WHERE NOT EXISTS (SELECT 1 FROM {dual})"
                ),
                toks,
            )?;
        }
        let body = sql_of(&upper_view_aliases(&toks[next..]), &self.user.clone());
        self.exec_sql(&format!("CREATE VIEW {target} {body}"), toks)?;
        if let Some(at) = toks[next..].iter().position(|t| t.is_word("AS")) {
            self.record_view_types(&schema, &name, &toks[next + at + 1..]);
        }
        Ok(())
    }

    /// CREATE [UNIQUE] INDEX [schema.]name ON [schema.]table (...): SQLite
    /// keeps an index in its table's file.
    fn create_index(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let unique = toks[1].is_word("UNIQUE");
        let at = if unique { 3 } else { 2 };
        let (_, name, next) = qualified_name(toks, at)?;
        if !toks.get(next).is_some_and(|t| t.is_word("ON")) {
            return Err(SqlError {
                offset: toks.get(next).map_or(0, |t| t.pos as u32),
                ..err(969, "missing ON keyword")
            });
        }
        let (towner, table, after) = qualified_name(toks, next + 1)?;
        let schema = self.table_schema(towner, &table)?;
        let rest = sql_of(&toks[after..], &self.user.clone());
        self.exec_sql(
            &format!(
                "CREATE {}INDEX {}.{} ON {} {rest}",
                if unique { "UNIQUE " } else { "" },
                quote(&schema),
                quote(&name),
                quote(&table)
            ),
            toks,
        )
    }

    fn alter_table(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let (owner, toks) = collapse_name(toks, 2)?;
        let toks = &toks[..];
        let table = ident_at(toks, 2)?;
        let schema = self.table_schema(owner, &table)?;
        let target = format!("{}.{}", quote(&schema), quote(&table));
        if toks.get(3).is_some_and(|t| t.is_word("ADD"))
            && toks.get(4).is_some_and(|t| {
                !t.is_word("CONSTRAINT") && !t.is_word("PRIMARY") && !t.is_word("UNIQUE")
            })
        {
            let body = if toks.get(4).is_some_and(|t| t.is_op("(")) {
                parens(toks, 4)?.0
            } else {
                &toks[4..]
            };
            for item in split_commas(body) {
                let (col, _) = self.column_def(&schema, &table, item, &json_checks(item))?;
                self.exec_sql(&format!("ALTER TABLE {target} ADD COLUMN {col}"), toks)?;
            }
            return self.sync_column_checks(&schema, &table, true);
        }
        if toks.get(3).is_some_and(|t| t.is_word("DROP"))
            && toks.get(4).is_some_and(|t| t.is_word("COLUMN"))
        {
            let column = quote(&ident_at(toks, 5)?);
            self.commit()?;
            self.sync_column_checks(&schema, &table, false)?;
            let dropped =
                self.exec_sql(&format!("ALTER TABLE {target} DROP COLUMN {column}"), toks);
            // Recreated even when the drop failed: the table keeps its checks.
            self.sync_column_checks(&schema, &table, true)?;
            return dropped;
        }
        if toks.get(3).is_some_and(|t| t.is_word("RENAME")) {
            let rest = sql_of(&toks[3..], &self.user.clone());
            return self.exec_sql(&format!("ALTER TABLE {target} {rest}"), toks);
        }
        Err(err(3001, "unimplemented feature"))
    }

    fn create_table(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        let (owner, toks) = collapse_name(toks, 2)?;
        let toks = &toks[..];
        let name = ident_at(toks, 2)?;
        let schema = self.owner(owner)?;
        let target = format!("{}.{}", quote(&schema), quote(&name));
        if toks.get(3).is_some_and(|t| t.is_word("AS")) {
            let select = sql_of(&toks[4..], &self.user.clone());
            match self.columns_as(&schema, &name, &select) {
                Some(defs) => self.exec_sql(
                    &format!(
                        "CREATE TABLE {target} ({defs}); INSERT INTO {target} {select}",
                        defs = defs.join(", ")
                    ),
                    toks,
                )?,
                None => self.exec_sql(&format!("CREATE TABLE {target} AS {select}"), toks)?,
            }
            return self.sync_column_checks(&schema, &name, true);
        }
        if !toks.get(3).is_some_and(|t| t.is_op("(")) {
            return Err(SqlError {
                offset: toks.get(3).map_or(0, |t| t.pos as u32),
                ..err(906, "missing left parenthesis")
            });
        }
        let (body, _) = parens(toks, 3)?;
        let mut defs = Vec::new();
        let mut identities = Vec::new();
        let pk_cols = primary_key_columns(body);
        let json = json_checks(body);
        for item in split_commas(body) {
            let first = item.first().and_then(Token::ident).unwrap_or_default();
            if ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains(&first.as_str()) {
                defs.push(sql_of(item, &self.user.clone()));
            } else {
                let (mut def, identity) = self.column_def(&schema, &name, item, &json)?;
                if item
                    .first()
                    .and_then(Token::ident)
                    .is_some_and(|c| pk_cols.contains(&c))
                {
                    def.push_str(" NOT NULL");
                }
                if let Some((col, start, inc)) = identity {
                    identities.push((col, start, inc));
                }
                defs.push(def);
            }
        }
        self.exec_sql(
            &format!("CREATE TABLE {target} ({})", defs.join(", ")),
            toks,
        )?;
        self.sync_column_checks(&schema, &name, true)?;
        for (col, start, inc) in identities {
            let seq = format!("{}ISEQ$$_{name}_{col}", prefix(&schema));
            let _ = self.db.drop_sequence(&seq);
            self.db.create_sequence(&seq, start, inc)?;
        }
        Ok(())
    }

    /// The column definitions of CREATE TABLE … AS `select`: a column that is
    /// a table's column keeps its Oracle type, NOT NULL and checks, as in
    /// Oracle (SQLite's own CTAS types it by affinity only: NUM, TEXT);
    /// `None` when SQLite refuses the query (its CTAS reports why).
    fn columns_as(&self, schema: &str, table: &str, select: &str) -> Option<Vec<String>> {
        let stmt = self.conn.prepare(select).ok()?;
        let defs = stmt
            .columns()
            .iter()
            .map(|c| {
                let col = c.name().replace('"', "\"\"");
                let Some(decl) = c.decl_type() else {
                    return format!("\"{col}\"");
                };
                match super::types::declared_type(decl) {
                    Some(info) => {
                        let nn = if info.nullable { "" } else { " NOT NULL" };
                        let checks = type_constraints(&info, schema, table, &col).join(" ");
                        format!("\"{col}\" {}{nn} {checks}", decl_type(&info, None))
                    }
                    // A type SQLite gave (an older CTAS: NUM, TEXT) keeps its affinity.
                    None if decl
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_ (),".contains(&b)) =>
                    {
                        format!("\"{col}\" {decl}")
                    }
                    None => format!("\"{col}\""),
                }
            })
            .collect();
        Some(defs)
    }

    /// One column definition → SQLite text, plus identity (column, start, increment).
    #[allow(clippy::type_complexity)]
    fn column_def(
        &self,
        schema: &str,
        table: &str,
        item: &[Token],
        json: &HashMap<String, u32>,
    ) -> Result<(String, Option<(String, i128, i128)>), SqlError> {
        let col = ident_at(item, 0)?;
        let mut i = 1;
        let mut words = Vec::new();
        while let Some(Tok::Word(w)) = item.get(i).map(|t| &t.tok) {
            let u = w.to_ascii_uppercase();
            let is_type_word = words.is_empty()
                || matches!(
                    u.as_str(),
                    "PRECISION" | "VARYING" | "RAW" | "WITH" | "LOCAL" | "TIME" | "ZONE"
                );
            if !is_type_word {
                break;
            }
            words.push(u);
            i += 1;
        }
        let mut args = Vec::new();
        let mut char_semantics = false;
        let mut zone_words: Vec<String> = Vec::new();
        if words == ["INTERVAL"] {
            // INTERVAL DAY[(p)] TO SECOND[(s)] / YEAR[(p)] TO MONTH: the
            // precisions sit between the words.
            let (w, a, next) = interval_spec(item, i)?;
            words.extend(w);
            args = a;
            i = next;
        } else if words == ["VECTOR"] && item.get(i).is_some_and(|t| t.is_op("(")) {
            let (inner, next) = parens(item, i)?;
            args = crate::vector::type_args(inner)?;
            i = next;
        } else if item.get(i).is_some_and(|t| t.is_op("(")) {
            let (inner, next) = parens(item, i)?;
            for (k, t) in inner.iter().enumerate() {
                match &t.tok {
                    // NUMBER(p,-s): a negative scale rounds left of the point.
                    Tok::Number(n) => {
                        let v = n.parse::<i64>().unwrap_or(0);
                        let neg = k > 0 && inner[k - 1].is_op("-");
                        args.push(if neg { -v } else { v });
                    }
                    Tok::Op(o) if o == "*" => args.push(38),
                    Tok::Word(w) if w.eq_ignore_ascii_case("CHAR") => char_semantics = true,
                    _ => {}
                }
            }
            i = next;
            while let Some(Tok::Word(w)) = item.get(i).map(|t| &t.tok) {
                let w = w.to_ascii_uppercase();
                if matches!(w.as_str(), "WITH" | "LOCAL" | "TIME" | "ZONE") {
                    zone_words.push(w);
                    i += 1;
                } else {
                    break;
                }
            }
        }
        // TIMESTAMP WITH [LOCAL] TIME ZONE are types of their own (instants).
        let all = || words.iter().chain(&zone_words);
        let zoned = all().any(|w| w == "ZONE");
        let type_words: Vec<String> = if zoned && all().any(|w| w == "LOCAL") {
            ["TIMESTAMP", "WITH", "LOCAL", "TIME", "ZONE"]
                .map(String::from)
                .into()
        } else if zoned {
            ["TIMESTAMP", "WITH", "TIME", "ZONE"]
                .map(String::from)
                .into()
        } else {
            words
                .iter()
                .filter(|w| !matches!(w.as_str(), "WITH" | "LOCAL" | "TIME" | "ZONE"))
                .cloned()
                .collect()
        };
        let object = self.object_column(item);
        let mut info = match object {
            Some((c, next)) => {
                i = next;
                c
            }
            None => oracle_type(&type_words, &args, char_semantics).ok_or_else(|| SqlError {
                offset: item.get(1).map_or(0, |t| t.pos as u32),
                ..err(902, "invalid datatype")
            })?,
        };
        let rest = &item[i..];
        let mut constraints = Vec::new();
        let mut identity = None;
        let mut j = 0;
        while j < rest.len() {
            let t = &rest[j];
            if t.is_word("NOT") && rest.get(j + 1).is_some_and(|t| t.is_word("NULL")) {
                info.nullable = false;
                constraints.push("NOT NULL".to_string());
                j += 2;
            } else if t.is_word("PRIMARY") {
                // SQLite lets NULL into non-integer primary keys; Oracle does not.
                info.nullable = false;
                constraints.push("PRIMARY KEY NOT NULL".into());
                j += 2;
            } else if t.is_word("GENERATED") {
                let mode = if rest.get(j + 1).is_some_and(|t| t.is_word("ALWAYS")) {
                    "ALWAYS"
                } else {
                    "DEFAULT"
                };
                let mut k = j + 1;
                while k < rest.len() && !rest[k].is_word("IDENTITY") {
                    k += 1;
                }
                // GENERATED … AS (expr), a virtual column, is not supported.
                if k == rest.len() {
                    return Err(err(2000, "missing IDENTITY keyword"));
                }
                k += 1;
                let opts = if rest.get(k).is_some_and(|t| t.is_op("(")) {
                    let (inner, next) = parens(rest, k)?;
                    k = next;
                    inner
                } else {
                    &rest[k..k]
                };
                let (start, inc) = seq_options(opts);
                identity = Some((mode, start, inc));
                info.nullable = false;
                constraints.push(format!(
                    "DEFAULT (ora_nextval('{}ISEQ$$_{table}_{col}'))",
                    prefix(schema)
                ));
                j = k;
            } else if t.is_word("DEFAULT") {
                let mut k = j + 1;
                let start = k;
                while k < rest.len()
                    && ![
                        "NOT",
                        "NULL",
                        "PRIMARY",
                        "UNIQUE",
                        "CHECK",
                        "CONSTRAINT",
                        "REFERENCES",
                    ]
                    .iter()
                    .any(|w| rest[k].is_word(w))
                {
                    k += 1;
                }
                constraints.push(format!("DEFAULT ({})", sql_of(&rest[start..k], &self.user)));
                j = k;
            } else if t.is_word("CHECK") || t.is_word("REFERENCES") {
                let (_, next) = parens(rest, j + 1 + usize::from(t.is_word("REFERENCES")))?;
                constraints.push(sql_of(&rest[j..next], &self.user));
                j = next;
            } else if t.is_word("CONSTRAINT") {
                constraints.push(format!(
                    "CONSTRAINT \"{}\"",
                    rest.get(j + 1).and_then(Token::ident).unwrap_or_default()
                ));
                j += 2;
            } else {
                constraints.push(sql_of(std::slice::from_ref(t), &self.user));
                j += 1;
            }
        }
        constraints.extend(type_constraints(&info, schema, table, &col));
        info.uds_flags = json.get(&col).copied().unwrap_or(0);
        let decl = decl_type(&info, identity.map(|i| i.0));
        Ok((
            format!("\"{col}\" {decl} {}", constraints.join(" ")),
            identity.map(|(_, s, i)| (col, s, i)),
        ))
    }
}

/// Columns a table's CHECK constraints test with `col IS JSON` (without
/// NOT): their describe flags, OSON for `IS JSON FORMAT OSON`.
fn json_checks(body: &[Token]) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    for (k, t) in body.iter().enumerate() {
        let word = |i: usize, w: &str| body.get(k + i).is_some_and(|t| t.is_word(w));
        let (Some(col), true, true) = (t.ident(), word(1, "IS"), word(2, "JSON")) else {
            continue;
        };
        let oson = word(3, "FORMAT") && word(4, "OSON");
        out.insert(
            col,
            if oson {
                crate::UDS_IS_OSON
            } else {
                crate::UDS_IS_JSON
            },
        );
    }
    out
}

/// The constraints a column of type `info` gets besides NOT NULL: lengths
/// (ORA-12899), NUMBER's range, interval collation.
fn type_constraints(info: &ColumnInfo, schema: &str, table: &str, col: &str) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(
        info.ora_type,
        oradb_protocol::value::ora_type::VARCHAR
            | oradb_protocol::value::ora_type::CHAR
            | oradb_protocol::value::ora_type::RAW
    ) {
        let max = if info.ora_type == oradb_protocol::value::ora_type::RAW {
            info.size
        } else {
            info.char_size
        };
        let f = if info.national {
            "ora_check_nlen"
        } else {
            "ora_check_len"
        };
        out.push(format!(
            "CHECK ({f}(\"{col}\", {max}, '\"{schema}\".\"{table}\"', '{col}'))"
        ));
    }
    if info.ora_type == oradb_protocol::value::ora_type::NUMBER {
        // A binary double bound into NUMBER is stored as a REAL; one
        // NUMBER cannot hold fails here as in Oracle (ORA-01426), not
        // later at every fetch. typeof() first keeps other rows cheap.
        out.push(format!(
            "CHECK (typeof(\"{col}\") <> 'real' OR ora_number_fits(\"{col}\"))"
        ));
    }
    if matches!(
        info.ora_type,
        oradb_protocol::value::ora_type::INTERVAL_DS | oradb_protocol::value::ora_type::INTERVAL_YM
    ) {
        // Intervals are kept as text: compared by value, not by bytes.
        out.push("COLLATE ORA_INTERVAL".into());
    }
    if matches!(
        info.ora_type,
        oradb_protocol::value::ora_type::TIMESTAMP_TZ
            | oradb_protocol::value::ora_type::TIMESTAMP_LTZ
    ) {
        // Compared by instant, whatever the zones (date_text::UTC_SUFFIX).
        out.push("COLLATE ORA_TSTZ".into());
    }
    out
}
