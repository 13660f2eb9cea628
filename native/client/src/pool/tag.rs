//! Multi-property session tags: `"k1=v1;k2=v2"`, compared as sets so the
//! order of properties does not matter.

use std::collections::BTreeMap;
use std::fmt;

use oradb_protocol::codes;

use crate::error::{Error, ErrorKind, Result};

/// A parsed tag; the empty tag means "untagged".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tag(BTreeMap<String, String>);

impl Tag {
    /// Parses `k=v;k=v`; empty properties (`;;`) are ignored, anything else
    /// without `=` or with an empty key is an error naming the tag.
    pub fn parse(text: &str) -> Result<Tag> {
        let mut props = BTreeMap::new();
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || {
                Error::odb(
                    ErrorKind::Pool,
                    codes::INVALID_TAG,
                    format!("tag \"{text}\" is malformed: \"{part}\" is not key=value"),
                )
            };
            let (k, v) = part.split_once('=').ok_or_else(bad)?;
            if k.trim().is_empty() {
                return Err(bad());
            }
            props.insert(k.trim().to_string(), v.trim().to_string());
        }
        Ok(Tag(props))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        f.write_str(&parts.join(";"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_does_not_matter_and_bad_tags_are_rejected() {
        assert_eq!(
            Tag::parse("b=2;a=1").unwrap(),
            Tag::parse(" a=1 ; b=2 ;").unwrap()
        );
        assert_eq!(Tag::parse("b=2;a=1").unwrap().to_string(), "a=1;b=2");
        assert!(Tag::parse("").unwrap().is_empty());
        let e = Tag::parse("a=1;oops").unwrap_err();
        assert_eq!(e.code(), codes::INVALID_TAG);
        assert!(e.message().contains("\"oops\""));
        assert!(Tag::parse("=1").is_err());
    }
}
