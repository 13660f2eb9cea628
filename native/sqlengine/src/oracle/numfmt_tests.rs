//! Exact-value tests for number format models.

use super::decimal::OraDecimal;
use super::numfmt::{to_char_number, to_number};

fn d(s: &str) -> OraDecimal {
    OraDecimal::parse(s).expect("valid number")
}

fn tc(v: &str, fmt: Option<&str>) -> String {
    match to_char_number(&d(v), fmt) {
        Ok(s) => s,
        Err(e) => e.message,
    }
}

fn tn(text: &str, fmt: Option<&str>) -> String {
    match to_number(text, fmt) {
        Ok(v) => v.to_canonical(),
        Err(e) => e.message,
    }
}

#[test]
fn default_to_char_is_text_minimum() {
    assert_eq!(tc("0.5", None), ".5");
    assert_eq!(tc("-0.5", None), "-.5");
    assert_eq!(tc("0", None), "0");
    assert_eq!(tc("1234.5", None), "1234.5");
    assert_eq!(tc("-12", None), "-12");
    assert_eq!(tc("1e-130", None), "1.0E-130");
    assert_eq!(tc("-1.25e100", None), "-1.25E+100");
    assert_eq!(
        tc("1e40", None),
        "10000000000000000000000000000000000000000"
    );
    assert_eq!(tc("1e63", None).len(), 64);
    assert_eq!(tc("1e64", None), "1.0E+64");
    assert_eq!(tc("1234.5", Some("TME")), "1.2345E+03");
    assert_eq!(tc("0.001", Some("TM9")), ".001");
}

#[test]
fn digits_groups_and_decimal_point() {
    assert_eq!(tc("1234.5", Some("9,999.99")), " 1,234.50");
    assert_eq!(tc("-1234.5", Some("9,999.99")), "-1,234.50");
    assert_eq!(tc("5", Some("9,999")), "     5");
    assert_eq!(tc("5", Some("999")), "   5");
    assert_eq!(tc("-5", Some("999")), "  -5");
    assert_eq!(tc("0", Some("999")), "   0");
    assert_eq!(tc("0", Some("99.99")), "   .00");
    assert_eq!(tc("0.5", Some("99.99")), "   .50");
    assert_eq!(tc("0.5", Some("90.99")), "  0.50");
    assert_eq!(tc("5", Some("0999")), " 0005");
    assert_eq!(tc("1.005", Some("9.99")), " 1.01");
    assert_eq!(tc("-1.005", Some("9.99")), "-1.01");
    assert_eq!(tc("-0.001", Some("9.99")), " -.00");
    assert_eq!(
        tc("1", Some("9é")),
        "ORA-01481: invalid number format model"
    );
    assert_eq!(tc("12345", Some("999")), "####");
    assert_eq!(tc("999.996", Some("999.99")), "#######");
    assert_eq!(tc("1234.5", Some("99G999D99")), "  1,234.50");
}

#[test]
fn sign_currency_and_fill_mode() {
    assert_eq!(tc("-5", Some("S999")), "  -5");
    assert_eq!(tc("5", Some("S999")), "  +5");
    assert_eq!(tc("-5", Some("999S")), "  5-");
    assert_eq!(tc("5", Some("999S")), "  5+");
    assert_eq!(tc("-5", Some("999MI")), "  5-");
    assert_eq!(tc("5", Some("999MI")), "  5 ");
    assert_eq!(tc("-5", Some("999PR")), "  <5>");
    assert_eq!(tc("5", Some("999PR")), "   5 ");
    assert_eq!(tc("5", Some("$999")), "   $5");
    assert_eq!(tc("-5", Some("$999")), "  -$5");
    assert_eq!(tc("1234.5", Some("FM9,999.99")), "1,234.5");
    assert_eq!(tc("10", Some("FM99.99")), "10.");
    assert_eq!(tc("0.5", Some("FM990.00")), "0.50");
    assert_eq!(tc("-5", Some("FM999MI")), "5-");
    assert_eq!(tc("0", Some("B999")), "    ");
}

#[test]
fn scientific_and_hex_models() {
    assert_eq!(tc("1234.5", Some("9.99EEEE")), " 1.23E+03");
    assert_eq!(tc("-0.00012", Some("9.9EEEE")), "-1.2E-04");
    assert_eq!(tc("9.99", Some("9.9EEEE")), " 1.0E+01");
    assert_eq!(tc("0", Some("9.9EEEE")), " 0.0E+00");
    assert_eq!(tc("1e100", Some("9EEEE")), " 1E+100");
    assert_eq!(tc("255", Some("XX")), " FF");
    assert_eq!(tc("255", Some("xxxx")), "   ff");
    assert_eq!(tc("255", Some("0XXX")), "00FF");
    assert_eq!(tc("255.5", Some("FMXXXX")), "100");
    assert_eq!(tc("256", Some("XX")), "###");
    assert_eq!(tc("-1", Some("XX")), "ORA-01722: invalid number");
    assert_eq!(
        tc("1", Some("9.9.9")),
        "ORA-01481: invalid number format model"
    );
}

#[test]
fn to_number_with_and_without_model() {
    assert_eq!(tn(" 42 ", None), "42");
    assert_eq!(tn("1e3", None), "1000");
    assert_eq!(tn("abc", None), "ORA-01722: invalid number");
    assert_eq!(tn("1,234.50", Some("9,999.99")), "1234.5");
    assert_eq!(tn("-1,234.5", Some("9,999.99")), "-1234.5");
    assert_eq!(tn("12", Some("9,999.99")), "12");
    assert_eq!(tn("$1,234", Some("$9,999")), "1234");
    assert_eq!(tn("5-", Some("999MI")), "-5");
    assert_eq!(tn("<5>", Some("999PR")), "-5");
    assert_eq!(tn("+7", Some("S999")), "7");
    assert_eq!(tn("7-", Some("999S")), "-7");
    assert_eq!(tn("FF", Some("XX")), "255");
    assert_eq!(tn("ff", Some("XXXX")), "255");
    assert_eq!(tn("1.5E3", Some("9.9EEEE")), "1500");
    for (text, fmt) in [
        ("12345", "999"),
        ("1.234", "9.99"),
        ("1234", "9,999"),
        ("12,34", "9,999"),
        ("1.5", "999"),
        ("FFF", "XX"),
        ("", "999"),
        ("x1", "999"),
    ] {
        assert_eq!(
            tn(text, Some(fmt)),
            "ORA-01722: invalid number",
            "{text} {fmt}"
        );
    }
}
