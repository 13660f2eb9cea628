//! Time zones on TIMESTAMP WITH TIME ZONE input: offsets (`+05:30`) and
//! regions (`Europe/Paris`, from the IANA database bundled with jiff), whose
//! offset depends on the date (summer time).

use oradb_protocol::value::DateTime;

use super::OraFnError;

/// A zone as written after a time or in ALTER SESSION SET TIME_ZONE.
#[derive(Clone, Debug)]
pub enum Zone {
    /// Minutes east of UTC.
    Offset(i32),
    Region(jiff::tz::TimeZone),
}

impl Zone {
    /// `+05:30`, `-8:00`, `UTC`, `GMT`, `Z`, or a region name; `None` for
    /// anything else (Oracle's ORA-01882 for an unknown region).
    pub fn parse(z: &str) -> Option<Zone> {
        let z = z.trim();
        if ["UTC", "GMT", "Z"]
            .iter()
            .any(|n| z.eq_ignore_ascii_case(n))
        {
            return Some(Zone::Offset(0));
        }
        let sign = match z.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            c if c.is_ascii_alphabetic() => return region(z).map(Zone::Region),
            _ => return None,
        };
        let (h, m) = z[1..].split_once(':').unwrap_or((&z[1..], "0"));
        let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
        if !(0..=14).contains(&h) || !(0..60).contains(&m) {
            return None;
        }
        Some(Zone::Offset(sign * (h * 60 + m)))
    }

    /// The offset east of UTC, in minutes, of wall-clock time `local` in
    /// this zone (a time repeated or skipped by summer time: jiff's
    /// "compatible" choice); `None` outside jiff's range.
    pub fn offset_at(&self, local: &DateTime) -> Option<i32> {
        match self {
            Zone::Offset(m) => Some(*m),
            Zone::Region(tz) => {
                let dt = jiff::civil::DateTime::new(
                    i16::try_from(local.year).ok()?,
                    local.month as i8,
                    local.day as i8,
                    local.hour as i8,
                    local.minute as i8,
                    local.second as i8,
                    0,
                )
                .ok()?;
                let z = tz.to_ambiguous_zoned(dt).compatible().ok()?;
                Some(z.offset().seconds() / 60)
            }
        }
    }

    /// The offset east of UTC, in minutes, of this zone at the instant whose
    /// UTC time is `utc` (what an instant is shown in); `None` outside
    /// jiff's range.
    pub fn offset_at_utc(&self, utc: &DateTime) -> Option<i32> {
        match self {
            Zone::Offset(m) => Some(*m),
            Zone::Region(tz) => {
                let (secs, _) = utc.to_epoch();
                let at = jiff::Timestamp::from_second(secs).ok()?;
                Some(tz.to_offset(at).seconds() / 60)
            }
        }
    }
}

/// A region of the IANA database by name, case-insensitively as Oracle
/// takes them.
fn region(name: &str) -> Option<jiff::tz::TimeZone> {
    if !name.contains('/') && !name.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    jiff::tz::TimeZone::get(name).ok()
}

/// Splits a trailing zone off datetime text: `+05:30`, `-08:00`, `+5`,
/// `UTC`, `GMT`, `Z` or a region name. Returns the rest and the zone.
pub fn split_zone(text: &str) -> Option<(&str, Zone)> {
    let t = text.trim_end();
    let (rest, zone) = t.rsplit_once(' ')?;
    // A month or day name ends NLS text too ('05-JUN-24'): only zones count.
    Some((rest.trim_end(), Zone::parse(zone)?))
}

/// [`split_zone`] for a zone written as an offset, in minutes.
pub fn split_offset(text: &str) -> Option<(&str, i32)> {
    match split_zone(text)? {
        (rest, Zone::Offset(m)) => Some((rest, m)),
        _ => None,
    }
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
            split_offset("2022-06-04 00:00:02.5 +05:30"),
            Some(("2022-06-04 00:00:02.5", 330))
        );
        assert_eq!(
            split_offset("20091013 17:50:00 -08:00"),
            Some(("20091013 17:50:00", -480))
        );
        assert_eq!(
            split_offset("2022-06-04 00:00:00 UTC"),
            Some(("2022-06-04 00:00:00", 0))
        );
        assert!(split_zone("2022-06-04 00:00:00").is_none());
        assert!(split_zone("2022-06-04 +25:00").is_none());
        assert!(split_zone("2022-06-04 Nowhere/Atlantis").is_none());
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

    #[test]
    fn regions_take_the_offset_of_their_date() {
        let at = |s: &str| DateTime::parse_iso(s).unwrap();
        let (rest, paris) = split_zone("2024-06-01 12:00:00 Europe/Paris").unwrap();
        assert_eq!(rest, "2024-06-01 12:00:00");
        assert_eq!(paris.offset_at(&at(rest)), Some(120));
        assert_eq!(paris.offset_at(&at("2024-01-15 12:00:00")), Some(60));
        let la = Zone::parse("america/los_angeles").unwrap();
        assert_eq!(la.offset_at(&at("2024-07-04 09:00:00")), Some(-420));
        assert_eq!(
            Zone::parse("Asia/Kolkata")
                .unwrap()
                .offset_at(&at("2024-07-04 09:00:00")),
            Some(330)
        );
    }
}
