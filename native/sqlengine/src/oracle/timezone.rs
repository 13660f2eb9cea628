//! Time zones on TIMESTAMP WITH TIME ZONE input. The server keeps times in
//! UTC (DBTIMEZONE is +00:00) and sends TIMESTAMP values without a zone, so a
//! zoned literal or TO_TIMESTAMP_TZ result is normalised to UTC.

use oradb_protocol::value::DateTime;

use super::OraFnError;

/// Splits a trailing zone off datetime text: `+05:30`, `-08:00`, `+5`,
/// `UTC`, `GMT`, `Z`. Returns the rest and the offset in minutes.
pub fn split_zone(text: &str) -> Option<(&str, i32)> {
    let t = text.trim_end();
    let (rest, zone) = t.rsplit_once(' ')?;
    let z = zone.trim();
    if ["UTC", "GMT", "Z"]
        .iter()
        .any(|n| z.eq_ignore_ascii_case(n))
    {
        return Some((rest.trim_end(), 0));
    }
    let sign = match z.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = z[1..].split_once(':').unwrap_or((&z[1..], "0"));
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some((rest.trim_end(), sign * (h * 60 + m)))
}

/// The UTC time of a local time at `offset_minutes` east of UTC.
pub fn to_utc(local: &DateTime, offset_minutes: i32) -> Result<DateTime, OraFnError> {
    let (s, n) = local.to_epoch();
    let utc = DateTime::from_epoch(s - i64::from(offset_minutes) * 60, n);
    if !(-4712..=9999).contains(&utc.year) {
        return Err(OraFnError::new(
            1841,
            "(full) year must be between -4713 and +9999, and not be 0",
        ));
    }
    Ok(utc)
}

/// A format model without its zone elements (TZH, TZM, TZR, TZD and the
/// separators before them), for parsing the text left by [`split_zone`].
pub fn strip_zone_elements(fmt: &str) -> &str {
    match fmt.to_ascii_uppercase().find("TZ") {
        Some(i) => fmt[..i].trim_end_matches([' ', ':', '.', ',', '-', '/']),
        None => fmt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_split_and_normalise() {
        assert_eq!(
            split_zone("2022-06-04 00:00:02.5 +05:30"),
            Some(("2022-06-04 00:00:02.5", 330))
        );
        assert_eq!(
            split_zone("20091013 17:50:00 -08:00"),
            Some(("20091013 17:50:00", -480))
        );
        assert_eq!(
            split_zone("2022-06-04 00:00:00 UTC"),
            Some(("2022-06-04 00:00:00", 0))
        );
        assert_eq!(split_zone("2022-06-04 00:00:00"), None);
        assert_eq!(split_zone("2022-06-04 +25:00"), None);
        let local = DateTime::parse_iso("2022-06-04 01:00:00.25").unwrap();
        assert_eq!(
            to_utc(&local, 90).unwrap().to_string(),
            DateTime::parse_iso("2022-06-03 23:30:00.25")
                .unwrap()
                .to_string()
        );
        assert_eq!(
            strip_zone_elements("YYYYMMDD HH24:MI:SS TZH:TZM"),
            "YYYYMMDD HH24:MI:SS"
        );
        assert_eq!(strip_zone_elements("YYYY-MM-DD"), "YYYY-MM-DD");
    }
}
