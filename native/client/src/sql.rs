//! Client-side SQL scanning, as Oracle clients do it: statement kind from
//! the first keyword, and bind placeholders outside strings, quoted names
//! and comments (SQL: one per occurrence; PL/SQL: one per distinct name).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Query,
    Dml,
    Ddl,
    PlSql,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub kind: Kind,
    /// Placeholder names in send order (upper-cased unless quoted).
    pub binds: Vec<String>,
    /// Per placeholder: true for RETURNING … INTO binds.
    pub returning: Vec<bool>,
}

fn first_word(sql: &str) -> String {
    let mut s = sql.trim_start();
    loop {
        if let Some(r) = s.strip_prefix("--") {
            s = r.split_once('\n').map_or("", |x| x.1).trim_start();
        } else if let Some(r) = s.strip_prefix("/*") {
            s = r.split_once("*/").map_or("", |x| x.1).trim_start();
        } else if let Some(r) = s.strip_prefix('(') {
            s = r.trim_start();
        } else {
            break;
        }
    }
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<String>()
        .to_ascii_uppercase()
}

pub fn kind(sql: &str) -> Kind {
    match first_word(sql).as_str() {
        "SELECT" | "WITH" => Kind::Query,
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" => Kind::Dml,
        "CREATE" | "ALTER" | "DROP" | "GRANT" | "REVOKE" | "ANALYZE" | "AUDIT" | "COMMENT"
        | "TRUNCATE" | "RENAME" | "PURGE" => Kind::Ddl,
        "BEGIN" | "DECLARE" | "CALL" => Kind::PlSql,
        _ => Kind::Other,
    }
}

pub fn scan(sql: &str) -> Scan {
    let kind = kind(sql);
    let b = sql.as_bytes();
    let mut binds = Vec::new();
    let mut returning = Vec::new();
    let (mut i, mut depth) = (0usize, 0i32);
    let mut after_returning = false;
    let mut in_into = false;
    let word_at = |i: usize| -> String {
        sql[i..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<String>()
            .to_ascii_uppercase()
    };
    while i < b.len() {
        let c = b[i];
        let prev_ident = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        match c {
            b'\'' => {
                i += 1;
                while i < b.len() && !(b[i] == b'\'' && b.get(i + 1) != Some(&b'\'')) {
                    i += if b[i] == b'\'' { 2 } else { 1 };
                }
                i += 1;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                depth -= 1;
                i += 1;
            }
            b':' if !prev_ident
                && b.get(i + 1)
                    .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_' || *n == b'"') =>
            {
                i += 1;
                let name = if b[i] == b'"' {
                    let start = i + 1;
                    i = start;
                    while i < b.len() && b[i] != b'"' {
                        i += 1;
                    }
                    let n = sql[start..i.min(b.len())].to_string();
                    i += 1;
                    n
                } else {
                    let start = i;
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric()
                            || b[i] == b'_'
                            || b[i] == b'$'
                            || b[i] == b'#')
                    {
                        i += 1;
                    }
                    sql[start..i].to_ascii_uppercase()
                };
                if kind == Kind::PlSql && binds.contains(&name) {
                    continue;
                }
                returning.push(kind == Kind::Dml && in_into);
                binds.push(name);
            }
            c if c.is_ascii_alphabetic() && !prev_ident => {
                let w = word_at(i);
                if depth == 0 && (w == "RETURNING" || w == "RETURN") {
                    after_returning = true;
                } else if depth == 0 && w == "INTO" && after_returning {
                    in_into = true;
                }
                i += w.len().max(1);
            }
            _ => i += 1,
        }
    }
    Scan {
        kind,
        binds,
        returning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_like_oracle_clients() {
        let s = scan("select :a, ':b', \"x:y\" -- :c\n from t where x = :a and y = :2");
        assert_eq!(
            (s.kind, s.binds.clone()),
            (Kind::Query, vec!["A".to_string(), "A".into(), "2".into()])
        );
        let p = scan("begin :x := :y + :x; end;");
        assert_eq!(
            (p.kind, p.binds),
            (Kind::PlSql, vec!["X".to_string(), "Y".into()])
        );
        let r = scan("insert into t (a) values (:v) returning id, name into :id, :name");
        assert_eq!(r.returning, vec![false, true, true]);
        assert_eq!(kind("  /* hi */ (select 1 from dual)"), Kind::Query);
        assert_eq!(kind("create table x (a number)"), Kind::Ddl);
    }
}
