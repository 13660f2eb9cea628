//! Oracle datetime format models for TO_CHAR / TO_DATE (the common
//! elements: YYYY YY RR MM MON MONTH DD DY DAY D HH HH12 HH24 MI SS FF[1-9]
//! AM PM, FM, punctuation and "quoted text").

use oradb_protocol::value::DateTime;

const MONTHS: [&str; 12] = [
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
];
const DAYS: [&str; 7] = [
    "SUNDAY",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
];

pub const DEFAULT_DATE_FORMAT: &str = "DD-MON-RR";

#[derive(Debug, Clone, PartialEq)]
enum El {
    Lit(String),
    Fm,
    Field(&'static str),
}

const FIELDS: &[&str] = &[
    "YYYY", "SYYYY", "RRRR", "YYY", "YY", "RR", "Y", "MONTH", "MON", "MM", "DDD", "DD", "DAY",
    "DY", "D", "HH24", "HH12", "HH", "MI", "SSSSS", "SS", "FF9", "FF8", "FF7", "FF6", "FF5", "FF4",
    "FF3", "FF2", "FF1", "FF", "AM", "PM", "A.M.", "P.M.", "Q", "J",
];

fn parse_model(fmt: &str) -> Result<Vec<(El, String)>, String> {
    let mut out = Vec::new();
    let up = fmt.to_ascii_uppercase();
    let mut i = 0;
    while i < fmt.len() {
        let rest = &up[i..];
        if rest.starts_with('"') {
            let end = fmt[i + 1..]
                .find('"')
                .ok_or("ORA-01861: literal does not match format string")?;
            out.push((El::Lit(fmt[i + 1..i + 1 + end].to_string()), String::new()));
            i += end + 2;
            continue;
        }
        if rest.starts_with("FM") {
            out.push((El::Fm, String::new()));
            i += 2;
            continue;
        }
        if rest.starts_with("FX") {
            i += 2;
            continue;
        }
        if let Some(f) = FIELDS.iter().find(|f| rest.starts_with(**f)) {
            out.push((El::Field(f), fmt[i..i + f.len()].to_string()));
            i += f.len();
            continue;
        }
        let c = fmt[i..].chars().next().unwrap_or(' ');
        if c.is_alphanumeric() {
            return Err("ORA-01821: date format not recognized".into());
        }
        out.push((El::Lit(c.to_string()), String::new()));
        i += c.len_utf8();
    }
    Ok(out)
}

/// Case of a word element follows the format's case: MON → JAN, Mon → Jan, mon → jan.
fn cased(word: &str, spelled: &str) -> String {
    let mut ch = spelled.chars();
    let first_upper = ch.next().is_some_and(|c| c.is_uppercase());
    let second_upper = ch.next().is_some_and(|c| c.is_uppercase());
    if first_upper && second_upper {
        word.to_string()
    } else if first_upper {
        let lower = word.to_lowercase();
        let mut c = lower.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    } else {
        word.to_lowercase()
    }
}

fn weekday(d: &DateTime) -> usize {
    let (secs, _) = DateTime {
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        ..*d
    }
    .to_epoch();
    ((secs.div_euclid(86400) + 4).rem_euclid(7)) as usize
}

pub fn to_char(d: &DateTime, fmt: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut fm = false;
    for (el, spelled) in parse_model(fmt)? {
        let pad = |v: i64, w: usize, fm: bool| {
            if fm {
                v.to_string()
            } else {
                format!("{v:0w$}")
            }
        };
        match el {
            El::Lit(s) => out.push_str(&s),
            El::Fm => fm = !fm,
            El::Field(f) => out.push_str(&match f {
                "YYYY" | "SYYYY" | "RRRR" => pad(d.year as i64, 4, fm),
                "YYY" => pad((d.year % 1000) as i64, 3, fm),
                "YY" | "RR" => pad((d.year % 100) as i64, 2, fm),
                "Y" => (d.year % 10).to_string(),
                "MM" => pad(d.month as i64, 2, fm),
                "MON" => cased(&MONTHS[(d.month as usize).clamp(1, 12) - 1][..3], &spelled),
                "MONTH" => {
                    let m = cased(MONTHS[(d.month as usize).clamp(1, 12) - 1], &spelled);
                    if fm {
                        m
                    } else {
                        format!("{m:<9}")
                    }
                }
                "DD" => pad(d.day as i64, 2, fm),
                "DDD" => {
                    let start = DateTime {
                        month: 1,
                        day: 1,
                        hour: 0,
                        minute: 0,
                        second: 0,
                        nanos: 0,
                        ..*d
                    };
                    let days = (DateTime {
                        hour: 0,
                        minute: 0,
                        second: 0,
                        nanos: 0,
                        ..*d
                    }
                    .to_epoch()
                    .0 - start.to_epoch().0)
                        / 86400
                        + 1;
                    pad(days, 3, fm)
                }
                "D" => (weekday(d) + 1).to_string(),
                "DY" => cased(&DAYS[weekday(d)][..3], &spelled),
                "DAY" => {
                    let w = cased(DAYS[weekday(d)], &spelled);
                    if fm {
                        w
                    } else {
                        format!("{w:<9}")
                    }
                }
                "HH24" => pad(d.hour as i64, 2, fm),
                "HH" | "HH12" => pad(((d.hour + 11) % 12 + 1) as i64, 2, fm),
                "MI" => pad(d.minute as i64, 2, fm),
                "SS" => pad(d.second as i64, 2, fm),
                "SSSSS" => pad(
                    d.hour as i64 * 3600 + d.minute as i64 * 60 + d.second as i64,
                    5,
                    fm,
                ),
                "AM" | "PM" => cased(if d.hour < 12 { "AM" } else { "PM" }, &spelled),
                "A.M." | "P.M." => cased(if d.hour < 12 { "A.M." } else { "P.M." }, &spelled),
                "Q" => ((d.month - 1) / 3 + 1).to_string(),
                "J" => ((d.to_epoch().0.div_euclid(86400)) + 2440588).to_string(),
                ff => {
                    let digits: usize = ff.trim_start_matches("FF").parse().unwrap_or(6);
                    format!("{:09}", d.nanos)[..digits.clamp(1, 9)].to_string()
                }
            }),
        }
    }
    Ok(out)
}

fn take_num(s: &[u8], i: &mut usize, max: usize) -> Option<i64> {
    while *i < s.len() && s[*i] == b' ' {
        *i += 1;
    }
    let start = *i;
    if *i < s.len() && (s[*i] == b'-' || s[*i] == b'+') {
        *i += 1;
    }
    while *i < s.len() && *i - start < max && s[*i].is_ascii_digit() {
        *i += 1;
    }
    std::str::from_utf8(&s[start..*i]).ok()?.parse().ok()
}

/// Parses `text` with the format model; missing fields default to the
/// first day of the current month at midnight, as in Oracle.
pub fn to_date(text: &str, fmt: &str, now: &DateTime) -> Result<DateTime, String> {
    let mismatch = || "ORA-01861: literal does not match format string".to_string();
    let s = text.as_bytes();
    let mut i = 0;
    let mut d = DateTime {
        year: now.year,
        month: now.month,
        day: 1,
        ..Default::default()
    };
    let mut pm = None;
    for (el, _) in parse_model(fmt)? {
        match el {
            El::Fm => {}
            El::Lit(l) => {
                while i < s.len() && (s[i] as char).is_ascii_punctuation()
                    || i < s.len() && s[i] == b' ' && l.trim().is_empty()
                {
                    i += 1;
                }
                if !l.trim().is_empty() && !l.chars().all(|c| c.is_ascii_punctuation()) {
                    let up = text[i.min(text.len())..].to_ascii_uppercase();
                    if !up.starts_with(&l.to_ascii_uppercase()) {
                        return Err(mismatch());
                    }
                    i += l.len();
                }
            }
            El::Field(f) => match f {
                "YYYY" | "SYYYY" | "RRRR" => {
                    d.year = take_num(s, &mut i, 4).ok_or_else(mismatch)? as i32
                }
                "YY" | "RR" | "YYY" | "Y" => {
                    let y = take_num(s, &mut i, f.len()).ok_or_else(mismatch)? as i32;
                    d.year = if f == "RR" {
                        if y < 50 {
                            2000 + y
                        } else {
                            1900 + y
                        }
                    } else {
                        now.year - now.year % 100 + y
                    };
                }
                "MM" => {
                    d.month = take_num(s, &mut i, 2).ok_or("ORA-01843: not a valid month")? as u8
                }
                "MON" | "MONTH" => {
                    let up = text[i.min(text.len())..].to_ascii_uppercase();
                    let m = MONTHS
                        .iter()
                        .position(|m| up.starts_with(m) || up.starts_with(&m[..3]))
                        .ok_or("ORA-01843: not a valid month")?;
                    i += if up.starts_with(MONTHS[m]) {
                        MONTHS[m].len()
                    } else {
                        3
                    };
                    d.month = m as u8 + 1;
                }
                "DD" => d.day = take_num(s, &mut i, 2).ok_or_else(mismatch)? as u8,
                "HH24" => d.hour = take_num(s, &mut i, 2).ok_or_else(mismatch)? as u8,
                "HH" | "HH12" => d.hour = take_num(s, &mut i, 2).ok_or_else(mismatch)? as u8 % 12,
                "MI" => d.minute = take_num(s, &mut i, 2).ok_or_else(mismatch)? as u8,
                "SS" => d.second = take_num(s, &mut i, 2).ok_or_else(mismatch)? as u8,
                "AM" | "PM" | "A.M." | "P.M." => {
                    let up = text[i.min(text.len())..].to_ascii_uppercase();
                    pm = Some(up.starts_with('P'));
                    i += if up.as_bytes().get(1) == Some(&b'.') {
                        4
                    } else {
                        2
                    };
                }
                ff if ff.starts_with("FF") => {
                    let start = i;
                    while i < s.len() && s[i].is_ascii_digit() && i - start < 9 {
                        i += 1;
                    }
                    let frac = &text[start..i];
                    d.nanos = if frac.is_empty() {
                        0
                    } else {
                        format!("{frac:0<9}").parse().unwrap_or(0)
                    };
                }
                _ => return Err("ORA-01821: date format not recognized".into()),
            },
        }
    }
    if pm == Some(true) {
        d.hour += 12;
    }
    if text[i.min(text.len())..]
        .trim()
        .chars()
        .any(|c| !c.is_whitespace())
    {
        return Err(
            "ORA-01830: date format picture ends before converting entire input string".into(),
        );
    }
    if !(1..=12).contains(&d.month) {
        return Err("ORA-01843: not a valid month".into());
    }
    if d.hour > 23 {
        return Err("ORA-01850: hour must be between 0 and 23".into());
    }
    if d.minute > 59 {
        return Err("ORA-01851: minutes must be between 0 and 59".into());
    }
    if d.second > 59 {
        return Err("ORA-01852: seconds must be between 0 and 59".into());
    }
    d.validate().map_err(|_| {
        "ORA-01847: day of month must be between 1 and last day of month".to_string()
    })?;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> DateTime {
        DateTime {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            nanos: 0,
        }
    }

    #[test]
    fn to_char_common_models() {
        let d = dt(2024, 3, 5, 14, 7, 9);
        assert_eq!(
            to_char(&d, "YYYY-MM-DD HH24:MI:SS").unwrap(),
            "2024-03-05 14:07:09"
        );
        assert_eq!(to_char(&d, "DD-MON-RR").unwrap(), "05-MAR-24");
        assert_eq!(to_char(&d, "fmMonth DD, YYYY").unwrap(), "March 5, 2024");
        assert_eq!(to_char(&d, "Dy HH:MI PM").unwrap(), "Tue 02:07 PM");
        assert!(to_char(&d, "YYYY-QX").is_err());
    }

    #[test]
    fn to_date_parses_and_validates() {
        let now = dt(2026, 11, 22, 0, 0, 0);
        assert_eq!(
            to_date("2024-03-05 14:07:09", "YYYY-MM-DD HH24:MI:SS", &now).unwrap(),
            dt(2024, 3, 5, 14, 7, 9)
        );
        assert_eq!(
            to_date("05-MAR-24", "DD-MON-RR", &now).unwrap(),
            dt(2024, 3, 5, 0, 0, 0)
        );
        assert_eq!(
            to_date("2024", "YYYY", &now).unwrap(),
            dt(2024, 11, 1, 0, 0, 0)
        );
        assert!(to_date("2024-02-30", "YYYY-MM-DD", &now)
            .unwrap_err()
            .starts_with("ORA-01847"));
        assert!(to_date("2024-13-01", "YYYY-MM-DD", &now)
            .unwrap_err()
            .starts_with("ORA-01843"));
        assert!(to_date("2024-01-01 junk", "YYYY-MM-DD", &now).is_err());
    }
}
