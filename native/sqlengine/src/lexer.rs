//! A small Oracle SQL tokenizer: enough to find statements' shape, bind
//! placeholders, identifiers and expression boundaries. Comments vanish;
//! every other token keeps its source text.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// Unquoted identifier or keyword, as written.
    Word(String),
    /// "Quoted" identifier, without the quotes.
    Quoted(String),
    /// 'string' literal, unescaped.
    Str(String),
    Number(String),
    /// `:name` or `:1`; the name upper-cased unless it was quoted.
    Bind(String),
    /// Operators and punctuation: ( ) , ; . + - * / || = <> != < > <= >= := %
    Op(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    /// Byte offset in the source (for error positions).
    pub pos: usize,
}

impl Token {
    pub fn is_word(&self, w: &str) -> bool {
        matches!(&self.tok, Tok::Word(s) if s.eq_ignore_ascii_case(w))
    }
    pub fn is_op(&self, o: &str) -> bool {
        matches!(&self.tok, Tok::Op(s) if s == o)
    }
    /// The identifier's name as Oracle stores it (unquoted → upper case).
    pub fn ident(&self) -> Option<String> {
        match &self.tok {
            Tok::Word(s) => Some(s.to_ascii_uppercase()),
            Tok::Quoted(s) => Some(s.clone()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub pos: usize,
    pub message: String,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}
fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || c == '#'
}

pub fn tokenize(sql: &str) -> Result<Vec<Token>, LexError> {
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).map(|c| c.1).unwrap_or('\0');
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && at(i + 1) == '-' {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            i += 2;
            while i < chars.len() && !(chars[i].1 == '*' && at(i + 1) == '/') {
                i += 1;
            }
            i += 2;
        } else if (c == 'q' || c == 'Q') && at(i + 1) == '\'' && i + 2 < chars.len() {
            // q'[...]' alternative quoting
            let open = at(i + 2);
            let close = match open {
                '[' => ']',
                '(' => ')',
                '{' => '}',
                '<' => '>',
                o => o,
            };
            let mut j = i + 3;
            while j < chars.len() && !(chars[j].1 == close && at(j + 1) == '\'') {
                j += 1;
            }
            if j >= chars.len() {
                return Err(LexError {
                    pos,
                    message: "quoted string not properly terminated".into(),
                });
            }
            let text: String = chars[i + 3..j].iter().map(|c| c.1).collect();
            out.push(Token {
                tok: Tok::Str(text),
                pos,
            });
            i = j + 2;
        } else if c == '\'' {
            let mut s = String::new();
            let mut j = i + 1;
            loop {
                if j >= chars.len() {
                    return Err(LexError {
                        pos,
                        message: "quoted string not properly terminated".into(),
                    });
                }
                if chars[j].1 == '\'' {
                    if at(j + 1) == '\'' {
                        s.push('\'');
                        j += 2;
                        continue;
                    }
                    break;
                }
                s.push(chars[j].1);
                j += 1;
            }
            out.push(Token {
                tok: Tok::Str(s),
                pos,
            });
            i = j + 1;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].1 != '"' {
                j += 1;
            }
            if j >= chars.len() {
                return Err(LexError {
                    pos,
                    message: "missing double quote in identifier".into(),
                });
            }
            let text: String = chars[i + 1..j].iter().map(|c| c.1).collect();
            out.push(Token {
                tok: Tok::Quoted(text),
                pos,
            });
            i = j + 1;
        } else if c == ':' && (is_ident_char(at(i + 1)) || at(i + 1) == '"') {
            let mut j = i + 1;
            let name = if at(j) == '"' {
                let start = j + 1;
                j = start;
                while j < chars.len() && chars[j].1 != '"' {
                    j += 1;
                }
                let n: String = chars[start..j.min(chars.len())]
                    .iter()
                    .map(|c| c.1)
                    .collect();
                j += 1;
                n
            } else {
                while j < chars.len() && is_ident_char(chars[j].1) {
                    j += 1;
                }
                chars[i + 1..j]
                    .iter()
                    .map(|c| c.1)
                    .collect::<String>()
                    .to_ascii_uppercase()
            };
            out.push(Token {
                tok: Tok::Bind(name),
                pos,
            });
            i = j;
        } else if c.is_ascii_digit() || (c == '.' && at(i + 1).is_ascii_digit()) {
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_ascii_digit() || chars[j].1 == '.') {
                j += 1;
            }
            if matches!(at(j), 'e' | 'E')
                && (at(j + 1).is_ascii_digit()
                    || (matches!(at(j + 1), '+' | '-') && at(j + 2).is_ascii_digit()))
            {
                j += 2;
                while j < chars.len() && chars[j].1.is_ascii_digit() {
                    j += 1;
                }
            }
            let text: String = chars[i..j].iter().map(|c| c.1).collect();
            out.push(Token {
                tok: Tok::Number(text),
                pos,
            });
            i = j;
        } else if is_ident_start(c) {
            let mut j = i;
            while j < chars.len() && is_ident_char(chars[j].1) {
                j += 1;
            }
            let text: String = chars[i..j].iter().map(|c| c.1).collect();
            out.push(Token {
                tok: Tok::Word(text),
                pos,
            });
            i = j;
        } else {
            let two: String = [c, at(i + 1)].iter().collect();
            let op = if ["||", "<>", "!=", "<=", ">=", ":=", "=>", "^="].contains(&two.as_str()) {
                i += 2;
                if two == "^=" {
                    "<>".to_string()
                } else {
                    two
                }
            } else {
                i += 1;
                c.to_string()
            };
            out.push(Token {
                tok: Tok::Op(op),
                pos,
            });
        }
    }
    Ok(out)
}

/// Top-level pieces of a token list, split at commas outside parentheses
/// (column lists, argument lists).
pub fn split_commas(toks: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
        } else if t.is_op(",") && depth == 0 {
            out.push(&toks[start..i]);
            start = i + 1;
        }
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_strings_comments_and_quotes() {
        let t = tokenize("select 'a:b''c', q'[x:y]', \"Mixed\" -- :nope\n from t where x = :id and y = :\"q\" /* :no */ || 1.5e3").unwrap();
        let kinds: Vec<&Tok> = t.iter().map(|t| &t.tok).collect();
        assert_eq!(kinds[1], &Tok::Str("a:b'c".into()));
        assert_eq!(kinds[3], &Tok::Str("x:y".into()));
        assert_eq!(kinds[5], &Tok::Quoted("Mixed".into()));
        assert!(kinds.contains(&&Tok::Bind("ID".into())));
        assert!(kinds.contains(&&Tok::Bind("q".into())));
        assert!(kinds.contains(&&Tok::Op("||".into())));
        assert!(kinds.contains(&&Tok::Number("1.5e3".into())));
        assert!(!kinds.contains(&&Tok::Bind("NOPE".into())));
        assert!(tokenize("select 'abc").is_err());
    }
}
