//! `sqlnet.ora`: `NAME = value` parameters, a value either a word or a parenthesized list
//! (`SQLNET.ENCRYPTION_TYPES_CLIENT = (AES256, AES192)`), spread over lines as the value's
//! parentheses need; `#` starts a comment. Names are case-insensitive.

/// A parameter's value: one word, or the items of a `( … )` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OraValue {
    Word(String),
    List(Vec<String>),
}

impl OraValue {
    /// The items: a word is a list of one.
    pub fn items(&self) -> Vec<String> {
        match self {
            OraValue::Word(w) => vec![w.clone()],
            OraValue::List(l) => l.clone(),
        }
    }
}

/// The parameters of a sqlnet.ora text, names upper-cased, in file order (a later repeat wins
/// for whoever looks up the last one). A line it cannot read is skipped, as Oracle's clients
/// do with parameters they do not know.
pub fn parse(text: &str) -> Vec<(String, OraValue)> {
    let cleaned: String = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    let mut rest = cleaned.as_str();
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_ascii_uppercase();
        let after = rest[eq + 1..].trim_start();
        let (value, next) = if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(close) => (
                    OraValue::List(
                        inner[..close]
                            .split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect(),
                    ),
                    &inner[close + 1..],
                ),
                None => break,
            }
        } else {
            let end = after.find('\n').unwrap_or(after.len());
            (
                OraValue::Word(after[..end].trim().to_string()),
                &after[end..],
            )
        };
        // A name is the last word before `=` (a line the parser could not place is dropped).
        let name = name
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_string();
        if !name.is_empty() {
            out.push((name, value));
        }
        rest = next;
    }
    out
}

/// The last value of parameter `name` (case-insensitive).
pub fn get<'a>(params: &'a [(String, OraValue)], name: &str) -> Option<&'a OraValue> {
    params
        .iter()
        .rev()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_words_lists_comments_and_repeats() {
        let text = "# client side\nSQLNET.ENCRYPTION_CLIENT = required\n\
                    sqlnet.encryption_types_client=(AES256,\n   AES128) # strongest first\n\
                    SQLNET.CRYPTO_CHECKSUM_CLIENT = REQUESTED\nNAMES.DIRECTORY_PATH= (TNSNAMES, EZCONNECT)\n\
                    SQLNET.ENCRYPTION_CLIENT = requested\n";
        let p = parse(text);
        assert_eq!(
            get(&p, "sqlnet.encryption_client"),
            Some(&OraValue::Word("requested".into()))
        );
        assert_eq!(
            get(&p, "SQLNET.ENCRYPTION_TYPES_CLIENT").map(OraValue::items),
            Some(vec!["AES256".to_string(), "AES128".to_string()])
        );
        assert_eq!(
            get(&p, "SQLNET.CRYPTO_CHECKSUM_CLIENT").map(OraValue::items),
            Some(vec!["REQUESTED".to_string()])
        );
        assert_eq!(get(&p, "SQLNET.CRYPTO_CHECKSUM_TYPES_CLIENT"), None);
    }

    #[test]
    fn broken_text_is_skipped_not_a_panic() {
        for t in ["", "=", "A = (", "= x", "(((", "A", "A = (B, C"] {
            let _ = parse(t);
        }
        assert_eq!(parse("A = (B, C"), vec![]);
    }
}
