//! Oracle NV-pair text: `(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1))(CONNECT_DATA=(SERVICE_NAME=s)))`.
//! Keys are case-insensitive; values may be quoted.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NvValue {
    Atom(String),
    List(Vec<NvPair>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NvPair {
    /// Upper-cased key.
    pub name: String,
    pub value: NvValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NvError {
    pub offset: usize,
    pub message: String,
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn err<T>(&self, m: &str) -> Result<T, NvError> {
        Err(NvError {
            offset: self.i,
            message: m.to_string(),
        })
    }
    fn pair(&mut self) -> Result<NvPair, NvError> {
        self.ws();
        if self.s.get(self.i) != Some(&b'(') {
            return self.err("expected \"(\"");
        }
        self.i += 1;
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && !matches!(self.s[self.i], b'=' | b'(' | b')') {
            self.i += 1;
        }
        let name = String::from_utf8_lossy(&self.s[start..self.i])
            .trim()
            .to_ascii_uppercase();
        if name.is_empty() || self.s.get(self.i) != Some(&b'=') {
            return self.err("expected KEY=");
        }
        self.i += 1;
        self.ws();
        let value = if self.s.get(self.i) == Some(&b'(') {
            let mut list = Vec::new();
            while self.s.get(self.i) == Some(&b'(') {
                list.push(self.pair()?);
                self.ws();
            }
            NvValue::List(list)
        } else {
            NvValue::Atom(self.atom()?)
        };
        self.ws();
        if self.s.get(self.i) != Some(&b')') {
            return self.err("expected \")\"");
        }
        self.i += 1;
        Ok(NvPair { name, value })
    }
    fn atom(&mut self) -> Result<String, NvError> {
        if let Some(&q) = self.s.get(self.i).filter(|c| **c == b'"' || **c == b'\'') {
            let start = self.i + 1;
            let end = self.s[start..]
                .iter()
                .position(|c| *c == q)
                .map(|p| p + start);
            let Some(end) = end else {
                return self.err("unterminated quoted value");
            };
            self.i = end + 1;
            return Ok(String::from_utf8_lossy(&self.s[start..end]).into_owned());
        }
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i] != b')' {
            self.i += 1;
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i])
            .trim()
            .to_string())
    }
}

/// Parses one top-level pair; trailing text is an error.
pub fn parse(text: &str) -> Result<NvPair, NvError> {
    let mut p = P {
        s: text.as_bytes(),
        i: 0,
    };
    let pair = p.pair()?;
    p.ws();
    if p.i != p.s.len() {
        return p.err("unexpected text after the descriptor");
    }
    Ok(pair)
}

impl NvPair {
    pub fn children(&self) -> &[NvPair] {
        match &self.value {
            NvValue::List(l) => l,
            NvValue::Atom(_) => &[],
        }
    }
    /// Every descendant (depth-first) named `name`.
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a NvPair>) {
        for c in self.children() {
            if c.name == name {
                out.push(c);
            }
            c.find_all(name, out);
        }
    }
    pub fn find(&self, name: &str) -> Option<&NvPair> {
        let mut v = Vec::new();
        self.find_all(name, &mut v);
        v.into_iter().next()
    }
    pub fn atom(&self) -> Option<&str> {
        match &self.value {
            NvValue::Atom(a) => Some(a),
            NvValue::List(_) => None,
        }
    }
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.find(name).and_then(NvPair::atom)
    }
}

impl fmt::Display for NvPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}=", self.name)?;
        match &self.value {
            NvValue::Atom(a) => f.write_str(a)?,
            NvValue::List(l) => {
                for c in l {
                    write!(f, "{c}")?;
                }
            }
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_node_oracledb_descriptor_and_round_trips() {
        let d = "(DESCRIPTION=(ADDRESS=(PROTOCOL=tcp)(HOST=127.0.0.1)(PORT=15220))\n (CONNECT_DATA=(SERVICE_NAME=mockpdb)(SERVER=DEDICATED)(CID=(PROGRAM=node)(HOST=vm)(USER=root))(CONNECTION_ID=VCfW==)))";
        let p = parse(d).unwrap();
        assert_eq!(p.get_str("SERVICE_NAME"), Some("mockpdb"));
        assert_eq!(
            p.find("CID").and_then(|c| c.get_str("PROGRAM")),
            Some("node")
        );
        assert_eq!(parse(&p.to_string()).unwrap(), p);
        assert!(parse("(A=(B=1)").is_err());
        assert_eq!(parse("(A=1) junk").unwrap_err().offset, 6);
    }
}
