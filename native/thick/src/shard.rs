//! Sharding keys in thick mode. The `oracle` crate has no sharding-key API, so instead of
//! ODPI-C's key columns the keys go where OCI itself puts them: `(SHARDING_KEY_B64=…)` and
//! `(SUPER_SHARDING_KEY_B64=…)` in the CONNECT_DATA of the descriptor OCI sends, which a shard
//! director reads (`docs/sharding.md` has OCI 19.3's capture; the bytes are the same). OCI passes
//! a descriptor's CONNECT_DATA through, so the connect string is rewritten to a descriptor
//! carrying them.

use oradb_protocol::connect_string::{self, Description};
use oradb_protocol::sharding;
use oradb_protocol::value::Value;

use crate::error::{codes, Error, Result};

/// `connect_string` as a descriptor (one DESCRIPTION per address, in a DESCRIPTION_LIST when
/// there are several, so OCI still tries them in turn) whose CONNECT_DATA holds the keys.
/// `tnsnames` is the text of the tnsnames.ora OCI would read, for an alias.
pub(crate) fn with_keys(
    connect_string: &str,
    tnsnames: Option<&str>,
    key: &[Value],
    super_key: &[Value],
) -> Result<String> {
    let mut extra = Vec::new();
    for (name, k, option) in [
        (sharding::SHARDING_KEY, key, "shardingKey"),
        (sharding::SUPER_SHARDING_KEY, super_key, "superShardingKey"),
    ] {
        if !k.is_empty() {
            let v = sharding::encode(k).map_err(|e| {
                Error::odb(codes::INVALID_OPTION, format!("{option}: {}", e.message))
            })?;
            extra.push((name.to_string(), v));
        }
    }
    let descriptions: Vec<Description> = connect_string::resolve(connect_string, tnsnames)
        .map_err(|e| Error::odb(e.code, e.message))?;
    let parts: Vec<String> = descriptions
        .iter()
        .flat_map(|d| {
            d.addresses
                .iter()
                .map(|a| d.to_connect_descriptor(a, &extra))
        })
        .collect();
    match parts.len() {
        0 => Err(Error::odb(
            codes::NO_ADDRESS,
            format!("connect string \"{connect_string}\" has no address"),
        )),
        1 => Ok(parts.into_iter().next().unwrap_or_default()),
        _ => Ok(format!("(DESCRIPTION_LIST={})", parts.concat())),
    }
}

/// The connect string OCI gets for these keys: `connect_string` itself when there are none,
/// else a descriptor carrying them (`with_keys`, aliases from the tnsnames.ora OCI reads).
pub(crate) fn keyed(connect_string: &str, key: &[Value], super_key: &[Value]) -> Result<String> {
    if key.is_empty() && super_key.is_empty() {
        return Ok(connect_string.to_string());
    }
    let tns = tnsnames(crate::init::config_dir().as_deref());
    with_keys(connect_string, tns.as_deref(), key, super_key)
}

/// The tnsnames.ora OCI reads: in the `configDir` given to `initOracleClient()`, else in
/// `TNS_ADMIN`. Unreadable means none (an alias is then reported as not found).
pub(crate) fn tnsnames(config_dir: Option<&str>) -> Option<String> {
    let dir = config_dir
        .map(str::to_string)
        .or_else(|| std::env::var("TNS_ADMIN").ok())?;
    std::fs::read_to_string(std::path::Path::new(&dir).join("tnsnames.ora")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easy_connect_becomes_a_descriptor_with_the_keys() {
        let d = with_keys(
            "db.example:1522/sales",
            None,
            &[Value::Varchar("Mary".into())],
            &[Value::Number("7".into())],
        )
        .unwrap();
        let key = sharding::encode(&[Value::Varchar("Mary".into())]).unwrap();
        let sup = sharding::encode(&[Value::Number("7".into())]).unwrap();
        assert!(
            d.starts_with("(DESCRIPTION=(ADDRESS=(PROTOCOL=tcp)(HOST=db.example)(PORT=1522))"),
            "{d}"
        );
        assert!(d.contains("(SERVICE_NAME=sales)"), "{d}");
        assert!(d.contains(&format!("(SHARDING_KEY_B64={key})")), "{d}");
        assert!(
            d.contains(&format!("(SUPER_SHARDING_KEY_B64={sup})")),
            "{d}"
        );
    }

    #[test]
    fn several_addresses_stay_alternatives_and_aliases_resolve() {
        let tns = "sales = (DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=a)(PORT=1))\
                   (ADDRESS=(PROTOCOL=TCP)(HOST=b)(PORT=2)))(CONNECT_DATA=(SERVICE_NAME=s)))";
        let d = with_keys("sales", Some(tns), &[Value::Number("42".into())], &[]).unwrap();
        assert!(d.starts_with("(DESCRIPTION_LIST=(DESCRIPTION="), "{d}");
        assert_eq!(d.matches("SHARDING_KEY_B64=").count(), 2, "{d}");
        assert!(
            d.contains("(HOST=a)(PORT=1)") && d.contains("(HOST=b)(PORT=2)"),
            "{d}"
        );
        assert!(!d.contains("SUPER_SHARDING_KEY_B64"), "{d}");
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let e = with_keys("nosuchalias", Some(""), &[Value::Number("1".into())], &[]).unwrap_err();
        assert_eq!(e.code, codes::TNS_ALIAS_NOT_FOUND);
        let e = with_keys("h:1/s", None, &[Value::Number("1e400".into())], &[]).unwrap_err();
        assert_eq!(e.code, codes::INVALID_OPTION);
        assert!(e.message.contains("shardingKey"), "{}", e.message);
    }
}
