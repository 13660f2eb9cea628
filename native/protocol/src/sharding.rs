//! Sharding keys in the connect data: `(SHARDING_KEY_B64=…)` and
//! `(SUPER_SHARDING_KEY_B64=…)`, the form Oracle's own clients send to a
//! shard director. Captured against oradb-testserver (docs/sharding.md):
//! JDBC Thin 23.26 and OCI 19.3 both send `1 0 T1 T2 …,B64(v1),B64(v2),…`,
//! where each `Tn` is the Oracle type number of a sub-key (1 VARCHAR2,
//! 2 NUMBER, 12 DATE, 23 RAW) and each value is that type's wire encoding.
//! The leading `1 0` never changed across clients and key shapes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::value::{decode_value, encode_value, ora_type, Value, ValueError};

/// The parameter names in CONNECT_DATA.
pub const SHARDING_KEY: &str = "SHARDING_KEY_B64";
pub const SUPER_SHARDING_KEY: &str = "SUPER_SHARDING_KEY_B64";

/// The Oracle type a sub-key travels as.
fn type_of(v: &Value) -> Result<u8, ValueError> {
    Ok(match v {
        Value::Varchar(_) => ora_type::VARCHAR,
        Value::Number(_) => ora_type::NUMBER,
        Value::Date(_) | Value::Timestamp(_) | Value::TimestampTz(..) => ora_type::DATE,
        Value::Raw(_) => ora_type::RAW,
        other => {
            return Err(ValueError::new(
                24_494,
                format!(
                    "ORA-24494: sharding key value of type {other:?} is not supported \
                     (use a string, number, date or bytes)"
                ),
            ))
        }
    })
}

/// Encodes a sharding key (its sub-keys in order) as the connect-data value.
pub fn encode(key: &[Value]) -> Result<String, ValueError> {
    if key.is_empty() {
        return Err(ValueError::new(24_494, "ORA-24494: empty sharding key"));
    }
    let mut head = String::from("1 0");
    let mut values = Vec::with_capacity(key.len());
    for v in key {
        let ty = type_of(v)?;
        head.push_str(&format!(" {ty}"));
        values.push(STANDARD.encode(encode_value(v, ty)?));
    }
    Ok(std::iter::once(head)
        .chain(values)
        .collect::<Vec<_>>()
        .join(","))
}

/// Decodes a connect-data value back into its sub-keys; anything malformed
/// is an error (the server answers ORA-24493 for it).
pub fn decode(s: &str) -> Result<Vec<Value>, ValueError> {
    let bad =
        |why: &str| ValueError::new(24_493, format!("ORA-24493: general sharding error: {why}"));
    let mut parts = s.split(',');
    let head = parts.next().unwrap_or_default();
    let mut fields = head.split_ascii_whitespace();
    if fields.next() != Some("1") || fields.next() != Some("0") {
        return Err(bad("unknown sharding key format"));
    }
    let types: Vec<u8> = fields
        .map(|t| t.parse::<u8>().map_err(|_| bad("bad sub-key type")))
        .collect::<Result<_, _>>()?;
    let values: Vec<&str> = parts.collect();
    if types.is_empty() || types.len() != values.len() {
        return Err(bad("sub-key types and values do not match"));
    }
    types
        .iter()
        .zip(values)
        .map(|(&ty, b64)| {
            if !matches!(
                ty,
                ora_type::VARCHAR | ora_type::NUMBER | ora_type::DATE | ora_type::RAW
            ) {
                return Err(bad(&format!("sub-key type {ty} not supported")));
            }
            let raw = STANDARD.decode(b64.trim()).map_err(|_| bad("bad base64"))?;
            // An empty value would be NULL, which no shard owns.
            if raw.is_empty() {
                return Err(bad("empty sub-key"));
            }
            let v = decode_value(&raw, ty, 1).map_err(|e| bad(&e.message))?;
            Ok(v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::DateTime;

    /// What JDBC Thin 23.26 sent for ("Mary", 42, 0x010203, DATE 2024-05-06).
    const JDBC: &str = "1 0 1 2 23 12,TWFyeQ==,wSs=,AQID,eHwFBgEBAQ==";

    fn date(y: i32, m: u8, d: u8) -> Value {
        Value::Date(DateTime {
            year: y,
            month: m,
            day: d,
            ..DateTime::default()
        })
    }

    #[test]
    fn encodes_what_jdbc_and_oci_send() {
        let key = [
            Value::Varchar("Mary".into()),
            Value::Number("42".into()),
            Value::Raw(vec![1, 2, 3]),
            date(2024, 5, 6),
        ];
        assert_eq!(encode(&key).unwrap(), JDBC);
        // OCI 19.3, one sub-key each.
        assert_eq!(encode(&[Value::Number("42".into())]).unwrap(), "1 0 2,wSs=");
        assert_eq!(encode(&[Value::Raw(vec![1, 2])]).unwrap(), "1 0 23,AQI=");
        assert_eq!(
            encode(&[Value::Varchar("US".into())]).unwrap(),
            "1 0 1,VVM="
        );
    }

    #[test]
    fn decodes_and_round_trips() {
        let key = decode(JDBC).unwrap();
        assert_eq!(key[0], Value::Varchar("Mary".into()));
        assert_eq!(key[1], Value::Number("42".into()));
        assert_eq!(key[2], Value::Raw(vec![1, 2, 3]));
        assert_eq!(key[3], date(2024, 5, 6));
        assert_eq!(encode(&key).unwrap(), JDBC);
    }

    #[test]
    fn malformed_values_are_errors_not_panics() {
        for s in [
            "",
            "1",
            "2 0 1,VVM=",
            "1 0 1",
            "1 0 1,",
            "1 0 1 2,VVM=",
            "1 0 99,VVM=",
            "1 0 1,!!",
            "1 0 x,VVM=",
            "1 0 12,AQI=",
        ] {
            let e = decode(s).unwrap_err();
            assert_eq!(e.code, 24_493, "{s}");
        }
        assert_eq!(encode(&[]).unwrap_err().code, 24_494);
        assert_eq!(encode(&[Value::Boolean(true)]).unwrap_err().code, 24_494);
    }
}
