//! Exact-value tests for datetime values and format models.

use super::datefmt::{
    to_char_date, to_date_at, OraDate, DEFAULT_DATE_FORMAT, DEFAULT_TIMESTAMP_FORMAT,
};
use super::decimal::OraDecimal;
use oradb_protocol::value::DateTime;

fn dt(s: &str) -> DateTime {
    DateTime::parse_storage(s).expect("valid storage text")
}

fn ch(s: &str, fmt: &str) -> String {
    match to_char_date(&dt(s), fmt, s.contains('.')) {
        Ok(v) => v,
        Err(e) => e.message,
    }
}

/// TO_DATE as if today were 2024-03-05 (a Tuesday).
fn td(text: &str, fmt: &str) -> String {
    match to_date_at(text, fmt, &dt("2024-03-05 14:07:09")) {
        Ok(v) => v.to_storage(),
        Err(e) => e.message,
    }
}

#[test]
fn storage_text_round_trips() {
    let v = dt("2024-03-05 14:07:09");
    assert_eq!(
        (v.year, v.month, v.day, v.hour, v.minute, v.second),
        (2024, 3, 5, 14, 7, 9)
    );
    assert_eq!(v.to_storage(), "2024-03-05 14:07:09");
    assert_eq!(dt("2024-03-05").to_storage(), "2024-03-05 00:00:00");
    assert_eq!(
        dt("2024-03-05T01:02:03.120").to_storage(),
        "2024-03-05 01:02:03.12"
    );
    assert_eq!(dt("2024-03-05 01:02:03.000000001").nanos, 1);
    assert_eq!(
        dt("-0044-03-15 00:00:00").to_storage(),
        "-0044-03-15 00:00:00"
    );
    for bad in [
        "2024-02-30",
        "2024-13-01",
        "2024-03-05 24:00:00",
        "2024/03/05",
        "x",
        "2024-03-05 1:2:3.1234567890",
    ] {
        assert_eq!(
            DateTime::parse_storage(bad).map_err(|e| e.code),
            Err(1861),
            "{bad}"
        );
    }
}

#[test]
fn to_char_renders_common_models() {
    let s = "2024-03-05 14:07:09";
    assert_eq!(ch(s, "YYYY-MM-DD HH24:MI:SS"), "2024-03-05 14:07:09");
    assert_eq!(ch(s, DEFAULT_DATE_FORMAT), "05-MAR-24");
    assert_eq!(ch(s, "fmMonth DD, YYYY"), "March 5, 2024");
    assert_eq!(ch(s, "Month DD, YYYY"), "March     05, 2024");
    assert_eq!(ch(s, "Dy"), "Tue");
    assert_eq!(
        ch(s, "DAY/Day/day/DY/dy"),
        "TUESDAY  /Tuesday  /tuesday  /TUE/tue"
    );
    assert_eq!(ch(s, "MON Mon mon MONTH"), "MAR Mar mar MARCH    ");
    assert_eq!(ch(s, "HH:MI AM hh12 a.m. P.M."), "02:07 PM 02 p.m. P.M.");
    assert_eq!(ch("2024-03-05 00:30:00", "HH12 AM"), "12 AM");
    assert_eq!(
        ch(s, "DDD D J Q WW W IW SSSSS"),
        "065 3 2460375 1 10 1 10 50829"
    );
    assert_eq!(
        ch(s, "YYY YY Y RR RRRR SYYYY CC"),
        "024 24 4 24 2024  2024 21"
    );
    assert_eq!(ch(s, "\"Date: \"YYYY\"T\""), "Date: 2024T");
    assert_eq!(
        ch("0033-01-02 03:04:05", "YYYY fmYYYY DD fmDD"),
        "0033 33 2 02"
    );
    assert_eq!(ch(s, "Y,YYY"), "2,024");
    assert_eq!(ch("2021-01-01 00:00:00", "IYYY-IW"), "2020-53");
}

#[test]
fn to_char_fractional_seconds_need_a_timestamp() {
    let s = "2024-03-05 14:07:09.123456789";
    assert_eq!(ch(s, "SS.FF3"), "09.123");
    assert_eq!(ch(s, "SSXFF"), "09.123456");
    assert_eq!(ch(s, "FF9"), "123456789");
    assert_eq!(
        ch(s, DEFAULT_TIMESTAMP_FORMAT),
        "05-MAR-24 02.07.09.123456 PM"
    );
    assert_eq!(
        ch("2024-03-05 14:07:09", "FF"),
        "ORA-01821: date format not recognized"
    );
    assert_eq!(
        ch("2024-03-05 14:07:09", "YYYY TZH"),
        "ORA-01821: date format not recognized"
    );
}

#[test]
fn to_date_reads_common_models() {
    assert_eq!(
        td("2024-03-05 14:07:09", "YYYY-MM-DD HH24:MI:SS"),
        "2024-03-05 14:07:09"
    );
    assert_eq!(td("05-MAR-24", DEFAULT_DATE_FORMAT), "2024-03-05 00:00:00");
    assert_eq!(td("05-mar-99", "DD-MON-RR"), "1999-03-05 00:00:00");
    assert_eq!(td("05-MAR-2024", "DD-MON-RR"), "2024-03-05 00:00:00");
    assert_eq!(td("05-MAR-99", "DD-MON-YY"), "2099-03-05 00:00:00");
    assert_eq!(td("March 5, 2024", "Month DD, YYYY"), "2024-03-05 00:00:00");
    assert_eq!(td("2024/3/5", "YYYY-MM-DD"), "2024-03-05 00:00:00");
    assert_eq!(td("  2024-03-05  ", "YYYY-MM-DD"), "2024-03-05 00:00:00");
    assert_eq!(
        td("2024-03-05", "YYYY-MM-DD HH24:MI:SS"),
        "2024-03-05 00:00:00"
    );
    assert_eq!(td("07:30 pm", "HH:MI AM"), "2024-03-01 19:30:00");
    assert_eq!(td("12:15 A.M.", "HH12:MI P.M."), "2024-03-01 00:15:00");
    assert_eq!(td("1999", "YYYY"), "1999-03-01 00:00:00");
    assert_eq!(td("2460375", "J"), "2024-03-05 00:00:00");
    assert_eq!(td("2024 060", "YYYY DDD"), "2024-02-29 00:00:00");
    assert_eq!(
        td("2024-03-05T10:11:12", "YYYY-MM-DD\"T\"HH24:MI:SS"),
        "2024-03-05 10:11:12"
    );
    assert_eq!(td("10:11:12.5", "HH24:MI:SS.FF"), "2024-03-01 10:11:12.5");
    assert_eq!(td("50000", "SSSSS"), "2024-03-01 13:53:20");
    assert_eq!(
        td("Tuesday 05-03-2024", "Day DD-MM-YYYY"),
        "2024-03-05 00:00:00"
    );
}

#[test]
fn default_models_round_trip_through_to_date() {
    let ts = "2024-03-05 14:07:09.123456";
    let text = ch(ts, DEFAULT_TIMESTAMP_FORMAT);
    assert_eq!(td(&text, DEFAULT_TIMESTAMP_FORMAT), ts);
    let text = ch("1987-11-30 00:00:00", DEFAULT_DATE_FORMAT);
    assert_eq!(text, "30-NOV-87");
    assert_eq!(td(&text, DEFAULT_DATE_FORMAT), "1987-11-30 00:00:00");
}

#[test]
fn to_date_errors_match_oracle_codes() {
    let code = |text: &str, fmt: &str| to_date_at(text, fmt, &dt("2024-03-05")).map_err(|e| e.code);
    assert_eq!(
        td("2024-02-30", "YYYY-MM-DD"),
        "ORA-01839: date not valid for month specified"
    );
    assert_eq!(code("2023-02-29", "YYYY-MM-DD"), Err(1839));
    assert_eq!(
        td("2024-01-32", "YYYY-MM-DD"),
        "ORA-01847: day of month must be between 1 and last day of month"
    );
    assert_eq!(
        td("2024-13-01", "YYYY-MM-DD"),
        "ORA-01843: not a valid month"
    );
    assert_eq!(code("05-XYZ-24", "DD-MON-RR"), Err(1843));
    assert_eq!(code("25:00", "HH24:MI"), Err(1850));
    assert_eq!(code("13:00", "HH:MI"), Err(1849));
    assert_eq!(code("10:60", "HH24:MI"), Err(1851));
    assert_eq!(code("10:10:60", "HH24:MI:SS"), Err(1852));
    assert_eq!(code("2024-03-05 junk", "YYYY-MM-DD"), Err(1830));
    assert_eq!(code("2024-x3-05", "YYYY-MM-DD"), Err(1858));
    assert_eq!(code("2024 03", "YYYY \"at\" MM"), Err(1861));
    assert_eq!(code("0000", "YYYY"), Err(1841));
    assert_eq!(code("10 XM", "HH AM"), Err(1855));
    assert_eq!(code("10 PM", "HH24 AM"), Err(1818));
    assert_eq!(code("2024 2024", "YYYY YYYY"), Err(1810));
    assert_eq!(code("1", "Q"), Err(1820));
    assert_eq!(code("2024-3-5", "FXYYYY-MM-DD"), Err(1862));
    assert_eq!(code("2024/03/05", "FXYYYY-MM-DD"), Err(1861));
    assert_eq!(td("2024-03-05", "FXYYYY-MM-DD"), "2024-03-05 00:00:00");
    assert_eq!(code("2023 366", "YYYY DDD"), Err(1848));
}

#[test]
fn date_arithmetic() {
    let base = dt("2024-03-05 14:07:09");
    let days = |s: &str| OraDecimal::parse(s).expect("number");
    assert_eq!(
        base.add_days(&days("1")).map(|d| d.to_storage()),
        Ok("2024-03-06 14:07:09".into())
    );
    assert_eq!(
        base.add_days(&days("-5.5")).map(|d| d.to_storage()),
        Ok("2024-02-29 02:07:09".into())
    );
    let third = days("1").div(&days("3")).expect("1/3");
    assert_eq!(
        dt("2024-03-05").add_days(&third).map(|d| d.to_storage()),
        Ok("2024-03-05 08:00:00".into())
    );
    assert_eq!(
        dt("9999-12-31").add_days(&days("1")).map_err(|e| e.code),
        Err(1841)
    );
    assert_eq!(
        dt("2024-03-06").diff_days(&dt("2024-03-05")).to_canonical(),
        "1"
    );
    assert_eq!(
        dt("2024-03-05 06:00:00")
            .diff_days(&dt("2024-03-05"))
            .to_canonical(),
        "0.25"
    );
    assert_eq!(
        dt("2024-03-05 01:00:00")
            .diff_days(&dt("2024-03-05"))
            .to_canonical(),
        "0.0416666666666666666666666666666666666667"
    );
    assert_eq!(
        dt("2024-01-01").diff_days(&dt("2025-01-01")).to_canonical(),
        "-366"
    );
}

#[test]
fn add_months_uses_the_last_day_rule() {
    let am = |s: &str, n: i32| dt(s).add_months(n).map(|d| d.to_storage());
    assert_eq!(
        am("2024-01-31 10:00:00", 1),
        Ok("2024-02-29 10:00:00".into())
    );
    assert_eq!(am("2024-02-29", 1), Ok("2024-03-31 00:00:00".into()));
    assert_eq!(am("2024-03-15", -3), Ok("2023-12-15 00:00:00".into()));
    assert_eq!(am("2024-03-15", 24), Ok("2026-03-15 00:00:00".into()));
    assert_eq!(am("2023-02-28", 12), Ok("2024-02-29 00:00:00".into()));
    assert_eq!(am("9999-12-01", 1).map_err(|e| e.code), Err(1841));
}

#[test]
fn trunc_to_units() {
    let t = |f: Option<&str>| {
        dt("2024-03-05 14:07:09.5")
            .trunc(f)
            .map(|d| d.to_storage())
            .unwrap_or_else(|e| e.message)
    };
    assert_eq!(t(None), "2024-03-05 00:00:00");
    assert_eq!(t(Some("MM")), "2024-03-01 00:00:00");
    assert_eq!(t(Some("yyyy")), "2024-01-01 00:00:00");
    assert_eq!(t(Some("Q")), "2024-01-01 00:00:00");
    assert_eq!(t(Some("HH24")), "2024-03-05 14:00:00");
    assert_eq!(t(Some("MI")), "2024-03-05 14:07:00");
    assert_eq!(t(Some("DAY")), "2024-03-03 00:00:00");
    assert_eq!(t(Some("IW")), "2024-03-04 00:00:00");
    assert_eq!(t(Some("WW")), "2024-03-04 00:00:00");
    assert_eq!(t(Some("W")), "2024-03-01 00:00:00");
    assert_eq!(t(Some("CC")), "2001-01-01 00:00:00");
    assert_eq!(t(Some("IYYY")), "2024-01-01 00:00:00");
    assert_eq!(t(Some("XX")), "ORA-01821: date format not recognized");
}

#[test]
fn now_is_a_plausible_utc_date() {
    let now = DateTime::now_utc();
    assert!(now.year >= 2024 && now.nanos == 0);
    assert_eq!(DateTime::now_utc_precise().nanos % 1000, 0);
}

#[test]
fn common_models_on_the_codec_date() {
    let d = DateTime {
        year: 2024,
        month: 3,
        day: 5,
        hour: 14,
        minute: 7,
        second: 9,
        nanos: 0,
    };
    assert_eq!(
        to_char_date(&d, "YYYY-MM-DD HH24:MI:SS", true).unwrap(),
        "2024-03-05 14:07:09"
    );
    assert_eq!(to_char_date(&d, "DD-MON-RR", true).unwrap(), "05-MAR-24");
    assert_eq!(
        to_date_at("05-MAR-24", "DD-MON-RR", &d).unwrap(),
        DateTime {
            hour: 0,
            minute: 0,
            second: 0,
            ..d
        }
    );
    assert!(to_date_at("2024-02-30", "YYYY-MM-DD", &d).is_err());
}
