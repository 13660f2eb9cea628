//! A sharded test server: `--shard NAME=RULE` shards, each its own database behind the one
//! listener, which acts as the shard director. A CONNECT whose CONNECT_DATA carries a sharding
//! key (`SHARDING_KEY_B64`, and `SUPER_SHARDING_KEY_B64` for composite sharding) lands on the
//! shard that owns it; one without a key lands on the catalog (the server's own database).
//!
//! RULE: `list:V1,V2,…` (the key's first sub-key is one of the values) or `range:LO..HI`
//! (LO ≤ key < HI, numbers compared as numbers, either bound may be empty), optionally after
//! `super:S1,S2;` (the super sharding key's first sub-key is one of S1, S2: the shardspace).

use oradb_protocol::sharding;
use oradb_protocol::value::Value;

/// One shard and the keys it owns.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardSpec {
    pub name: String,
    /// Super sharding key values of its shardspace; empty = any (or none).
    pub superkeys: Vec<String>,
    pub rule: Rule,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    List(Vec<String>),
    /// Inclusive low, exclusive high; `None` = unbounded.
    Range(Option<String>, Option<String>),
}

impl ShardSpec {
    /// `NAME=[super:S1,S2;]list:V1,V2` or `NAME=[super:…;]range:LO..HI`.
    pub fn parse(spec: &str) -> Result<ShardSpec, String> {
        let bad = |why: &str| format!("invalid --shard \"{spec}\": {why}");
        let (name, rule) = spec
            .split_once('=')
            .ok_or_else(|| bad("expected NAME=RULE"))?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad("the name must be letters, digits or _"));
        }
        let (superkeys, rule) = match rule.strip_prefix("super:") {
            Some(rest) => {
                let (s, r) = rest
                    .split_once(';')
                    .ok_or_else(|| bad("super:…; then a rule"))?;
                (list(s), r)
            }
            None => (Vec::new(), rule),
        };
        let rule = if let Some(v) = rule.strip_prefix("list:") {
            let v = list(v);
            if v.is_empty() {
                return Err(bad("an empty list"));
            }
            Rule::List(v)
        } else if let Some(r) = rule.strip_prefix("range:") {
            let (lo, hi) = r.split_once("..").ok_or_else(|| bad("range:LO..HI"))?;
            let b = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            Rule::Range(b(lo), b(hi))
        } else {
            return Err(bad("the rule is list:… or range:…"));
        };
        Ok(ShardSpec {
            name: name.to_ascii_uppercase(),
            superkeys,
            rule,
        })
    }

    fn owns(&self, key: &str, superkey: Option<&str>) -> bool {
        if !self.superkeys.is_empty()
            && !superkey.is_some_and(|s| self.superkeys.iter().any(|k| k == s))
        {
            return false;
        }
        match &self.rule {
            Rule::List(v) => v.iter().any(|k| k == key),
            Rule::Range(lo, hi) => {
                lo.as_deref()
                    .is_none_or(|lo| compare(lo, key).is_some_and(|o| o.is_le()))
                    && hi
                        .as_deref()
                        .is_none_or(|hi| compare(key, hi).is_some_and(|o| o.is_lt()))
            }
        }
    }
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Numbers as numbers, text as text; a number and a text do not compare (a name is in no
/// numeric range).
fn compare(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => Some(x.total_cmp(&y)),
        (Err(_), Err(_)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// A sub-key as the rules compare it: text as is, numbers in canonical decimal, dates as
/// `YYYY-MM-DD HH:MM:SS`, bytes in upper-case hex.
fn text_of(v: &Value) -> String {
    match v {
        Value::Varchar(s) | Value::Number(s) => s.clone(),
        Value::Date(d) | Value::Timestamp(d) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            d.year, d.month, d.day, d.hour, d.minute, d.second
        ),
        Value::Raw(b) => hex::encode_upper(b),
        other => format!("{other:?}"),
    }
}

/// Where a CONNECT goes: `Ok(None)` the catalog, `Ok(Some(i))` shard `i`; `Err(code)` the
/// Oracle error a shard director refuses with: 24493 for a malformed key, 12514 for a key no
/// shard owns (no service for it).
pub fn route(
    shards: &[ShardSpec],
    key: Option<&str>,
    superkey: Option<&str>,
) -> Result<Option<usize>, u32> {
    if shards.is_empty() {
        // Not a sharded database: keys are ignored, as a single database does.
        return Ok(None);
    }
    let Some(key) = key else {
        return Ok(None);
    };
    let first = |s: &str| -> Result<String, u32> {
        let v = sharding::decode(s).map_err(|_| 24_493u32)?;
        Ok(text_of(&v[0]))
    };
    let k = first(key)?;
    let sk = superkey.map(first).transpose()?;
    shards
        .iter()
        .position(|s| s.owns(&k, sk.as_deref()))
        .map(Some)
        .ok_or(12_514)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(v: &[Value]) -> String {
        sharding::encode(v).unwrap()
    }

    #[test]
    fn parses_list_range_and_super_rules() {
        let s = ShardSpec::parse("east=list:Mary, Bob").unwrap();
        assert_eq!(s.name, "EAST");
        assert_eq!(s.rule, Rule::List(vec!["Mary".into(), "Bob".into()]));
        let s = ShardSpec::parse("n1=super:EU,UK;range:..100").unwrap();
        assert_eq!(s.superkeys, vec!["EU", "UK"]);
        assert_eq!(s.rule, Rule::Range(None, Some("100".into())));
        for bad in [
            "x",
            "=list:a",
            "a b=list:a",
            "a=list:",
            "a=range:1",
            "a=super:EU",
            "a=hash:1",
        ] {
            assert!(ShardSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn routes_by_first_subkey_and_shardspace() {
        let shards: Vec<ShardSpec> = [
            "s1=range:..100",
            "s2=range:100..",
            "names=list:Mary,Bob",
            "eu=super:EU;list:Anna",
            "us=super:US;list:Anna",
        ]
        .iter()
        .map(|s| ShardSpec::parse(s).unwrap())
        .collect();
        let n = |x: &str| key(&[Value::Number(x.into())]);
        let s = |x: &str| key(&[Value::Varchar(x.into())]);
        assert_eq!(route(&shards, Some(&n("5")), None), Ok(Some(0)));
        assert_eq!(route(&shards, Some(&n("99.5")), None), Ok(Some(0)));
        assert_eq!(route(&shards, Some(&n("100")), None), Ok(Some(1)));
        assert_eq!(route(&shards, Some(&n("-3")), None), Ok(Some(0)));
        assert_eq!(route(&shards, Some(&s("Bob")), None), Ok(Some(2)));
        assert_eq!(
            route(&shards, Some(&s("Anna")), Some(&s("US"))),
            Ok(Some(4))
        );
        assert_eq!(
            route(&shards, Some(&s("Anna")), Some(&s("EU"))),
            Ok(Some(3))
        );
        assert_eq!(route(&shards, Some(&s("Anna")), None), Err(12_514));
        assert_eq!(route(&shards, Some(&s("Zed")), None), Err(12_514));
        assert_eq!(route(&shards, Some("garbage"), None), Err(24_493));
        assert_eq!(route(&shards, None, None), Ok(None));
        assert_eq!(route(&[], Some("garbage"), None), Ok(None));
    }
}
