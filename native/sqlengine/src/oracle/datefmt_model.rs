//! Tokenizer for Oracle datetime format models ('DD-MON-RR', 'fmMonth DD').

use super::OraFnError;

/// One datetime format element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Elem {
    SignedYear,
    YearComma,
    Year4,
    Year3,
    Year2,
    Year1,
    RoundYear4,
    RoundYear2,
    IsoYear4,
    IsoYear3,
    IsoYear2,
    IsoYear1,
    Month,
    MonthAbbr,
    MonthName,
    DayOfMonth,
    DayOfYear,
    DayOfWeek,
    DayAbbr,
    DayName,
    Hour12,
    Hour24,
    Minute,
    Second,
    SecondOfDay,
    /// Fractional seconds; 0 means the default precision.
    Fraction(u8),
    Meridian {
        dots: bool,
    },
    Julian,
    Quarter,
    WeekOfYear,
    WeekOfMonth,
    IsoWeek,
    Century,
    Radix,
    /// TZH, TZM, TZR, TZD: a TIMESTAMP WITH TIME ZONE's zone (output only;
    /// TO_TIMESTAMP_TZ splits the zone off before parsing).
    TzHour,
    TzMinute,
    TzRegion,
    TzAbbr,
}

/// Letter case of a text element's output, taken from how it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    Upper,
    Capital,
    Lower,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    Elem(Elem, Case),
    /// Punctuation or double-quoted text, copied through.
    Literal {
        text: String,
        quoted: bool,
    },
    /// FM toggles fill mode (no padding, no leading zeros).
    FillMode,
    /// FX toggles exact matching in TO_DATE.
    Exact,
}

const TABLE: &[(&str, Option<Elem>)] = &[
    ("SYYYY", Some(Elem::SignedYear)),
    ("Y,YYY", Some(Elem::YearComma)),
    ("YYYY", Some(Elem::Year4)),
    ("YYY", Some(Elem::Year3)),
    ("YY", Some(Elem::Year2)),
    ("Y", Some(Elem::Year1)),
    ("RRRR", Some(Elem::RoundYear4)),
    ("RR", Some(Elem::RoundYear2)),
    ("IYYY", Some(Elem::IsoYear4)),
    ("IYY", Some(Elem::IsoYear3)),
    ("IY", Some(Elem::IsoYear2)),
    ("I", Some(Elem::IsoYear1)),
    ("MONTH", Some(Elem::MonthName)),
    ("MON", Some(Elem::MonthAbbr)),
    ("MM", Some(Elem::Month)),
    ("DDD", Some(Elem::DayOfYear)),
    ("DD", Some(Elem::DayOfMonth)),
    ("DAY", Some(Elem::DayName)),
    ("DY", Some(Elem::DayAbbr)),
    ("D", Some(Elem::DayOfWeek)),
    ("HH24", Some(Elem::Hour24)),
    ("HH12", Some(Elem::Hour12)),
    ("HH", Some(Elem::Hour12)),
    ("MI", Some(Elem::Minute)),
    ("SSSSS", Some(Elem::SecondOfDay)),
    ("SS", Some(Elem::Second)),
    ("FF", Some(Elem::Fraction(0))),
    ("A.M.", Some(Elem::Meridian { dots: true })),
    ("P.M.", Some(Elem::Meridian { dots: true })),
    ("AM", Some(Elem::Meridian { dots: false })),
    ("PM", Some(Elem::Meridian { dots: false })),
    ("J", Some(Elem::Julian)),
    ("Q", Some(Elem::Quarter)),
    ("WW", Some(Elem::WeekOfYear)),
    ("W", Some(Elem::WeekOfMonth)),
    ("IW", Some(Elem::IsoWeek)),
    ("CC", Some(Elem::Century)),
    ("X", Some(Elem::Radix)),
    ("TZH", Some(Elem::TzHour)),
    ("TZM", Some(Elem::TzMinute)),
    ("TZR", Some(Elem::TzRegion)),
    ("TZD", Some(Elem::TzAbbr)),
    ("FM", None),
    ("FX", None),
];

pub(crate) fn format_not_recognized() -> OraFnError {
    OraFnError::new(1821, "date format not recognized")
}

fn is_punct(c: char) -> bool {
    matches!(c, '-' | '/' | ',' | '.' | ';' | ':' | ' ' | '\t' | '\n')
}

fn case_of(written: &str) -> Case {
    let mut letters = written.chars().filter(|c| c.is_ascii_alphabetic());
    match (letters.next(), letters.next()) {
        (Some(a), _) if a.is_ascii_lowercase() => Case::Lower,
        (Some(_), Some(b)) if b.is_ascii_lowercase() => Case::Capital,
        _ => Case::Upper,
    }
}

/// Longest table entry matching at the start of `rest`, case-insensitively.
fn longest_match(rest: &str) -> Option<(usize, Option<Elem>)> {
    let mut best: Option<(usize, Option<Elem>)> = None;
    for &(name, elem) in TABLE {
        let n = name.len();
        let hit = rest.get(..n).is_some_and(|p| p.eq_ignore_ascii_case(name));
        if hit && best.is_none_or(|(len, _)| n > len) {
            best = Some((n, elem));
        }
    }
    // FF1..FF9 carry their precision in the name.
    if rest.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("FF")) {
        if let Some(d @ b'1'..=b'9') = rest.as_bytes().get(2) {
            best = Some((3, Some(Elem::Fraction(d - b'0'))));
        }
    }
    best
}

/// Splits a format model into items; unknown elements are ORA-01821.
pub(crate) fn tokenize(fmt: &str) -> Result<Vec<Item>, OraFnError> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        let rest = &fmt[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '"' {
            let end = rest[1..].find('"').ok_or_else(format_not_recognized)?;
            let text = rest[1..1 + end].to_string();
            items.push(Item::Literal { text, quoted: true });
            i += end + 2;
        } else if is_punct(c) {
            let n = rest.find(|ch| !is_punct(ch)).unwrap_or(rest.len());
            let text = rest[..n].to_string();
            items.push(Item::Literal {
                text,
                quoted: false,
            });
            i += n;
        } else {
            let (n, elem) = longest_match(rest).ok_or_else(format_not_recognized)?;
            let written = &rest[..n];
            items.push(match elem {
                Some(e) => Item::Elem(e, case_of(written)),
                None if written.eq_ignore_ascii_case("FM") => Item::FillMode,
                None => Item::Exact,
            });
            i += n;
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(t: &str) -> Item {
        Item::Literal {
            text: t.into(),
            quoted: false,
        }
    }

    #[test]
    fn tokenizes_longest_elements_with_case() {
        let items = tokenize("fmMonth DD, YYYY").expect("valid");
        assert_eq!(
            items,
            vec![
                Item::FillMode,
                Item::Elem(Elem::MonthName, Case::Capital),
                lit(" "),
                Item::Elem(Elem::DayOfMonth, Case::Upper),
                lit(", "),
                Item::Elem(Elem::Year4, Case::Upper),
            ]
        );
        let items = tokenize("dd-mon-rr hh.mi.ssxff9 a.m.").expect("valid");
        assert_eq!(items[2], Item::Elem(Elem::MonthAbbr, Case::Lower));
        assert_eq!(items[11], Item::Elem(Elem::Radix, Case::Lower));
        assert_eq!(items[12], Item::Elem(Elem::Fraction(9), Case::Lower));
        assert_eq!(
            items[14],
            Item::Elem(Elem::Meridian { dots: true }, Case::Lower)
        );
    }

    #[test]
    fn quoted_text_and_unknown_elements() {
        let items = tokenize("YYYY\"T\"HH24").expect("valid");
        assert_eq!(
            items[1],
            Item::Literal {
                text: "T".into(),
                quoted: true
            }
        );
        assert_eq!(tokenize("YYYY-TZX").map_err(|e| e.code), Err(1821));
        assert_eq!(tokenize("\"open").map_err(|e| e.code), Err(1821));
        assert_eq!(tokenize("DD@").map_err(|e| e.code), Err(1821));
    }
}
