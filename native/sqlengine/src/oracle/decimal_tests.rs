//! Exact-value tests for NUMBER arithmetic.

use std::cmp::Ordering;

use super::decimal::OraDecimal;

fn d(s: &str) -> OraDecimal {
    OraDecimal::parse(s).expect("valid number")
}

fn c(v: Result<OraDecimal, super::OraFnError>) -> String {
    match v {
        Ok(v) => v.to_canonical(),
        Err(e) => e.message,
    }
}

#[test]
fn parse_accepts_oracle_numeric_text() {
    assert_eq!(d("12.5").to_canonical(), "12.5");
    assert_eq!(d(" 42 ").to_canonical(), "42");
    assert_eq!(d(".5").to_canonical(), "0.5");
    assert_eq!(d("5.").to_canonical(), "5");
    assert_eq!(d("-0.50").to_canonical(), "-0.5");
    assert_eq!(d("+7").to_canonical(), "7");
    assert_eq!(d("1.5E3").to_canonical(), "1500");
    assert_eq!(d("1e+2").to_canonical(), "100");
    assert_eq!(d("-0").to_canonical(), "0");
    assert_eq!(d("0.001").to_canonical(), "0.001");
    let tiny = d("-1e-130").to_canonical();
    assert_eq!(tiny.len(), 2 + 130 + 1);
    assert!(tiny.starts_with("-0.000") && tiny.ends_with("01"));
    assert!(d("1e-131").is_zero());
}

#[test]
fn parse_rejects_garbage_with_ora_01722() {
    for bad in [
        "", " ", ".", "-", "e5", "1e", "1e+", "1.2.3", "12a", "1 2", "--1", "0x10",
    ] {
        let e = OraDecimal::parse(bad).expect_err(bad);
        assert_eq!(e.code, 1722, "{bad}");
        assert_eq!(e.message, "ORA-01722: invalid number");
    }
}

#[test]
fn parse_rounds_to_oracle_precision_and_checks_range() {
    // 45 digits: kept to 40 (leading digit in an odd place → 40 digits).
    assert_eq!(
        d("12345678901234567890123456789012345678901234.5").to_canonical(),
        "12345678901234567890123456789012345678900000"
    );
    assert_eq!(c(OraDecimal::parse("1e126")), "ORA-01426: numeric overflow");
    assert_eq!(d("9.99e125").to_canonical().len(), 126);
}

#[test]
fn addition_is_exact_decimal() {
    assert_eq!(c(d("0.1").add(&d("0.2"))), "0.3");
    assert_eq!(c(d("1").sub(&d("1"))), "0");
    assert_eq!(c(d("-5").add(&d("3"))), "-2");
    assert_eq!(c(d("5").sub(&d("7.25"))), "-2.25");
    assert_eq!(
        c(d("99999999999999999999999999999999999999").add(&d("1"))),
        "100000000000000000000000000000000000000"
    );
    // Adding something 40+ places smaller is lost to precision.
    assert_eq!(
        c(d("1e30").add(&d("1e-30"))),
        "1000000000000000000000000000000"
    );
}

#[test]
fn multiplication_of_38_digit_integers_is_exact_then_rounded() {
    assert_eq!(
        c(d("12345678901234567890").mul(&d("98765432109876543210"))),
        // exact product has 39 digits: 1219326311370217952237463801111263526900
        "1219326311370217952237463801111263526900"
    );
    assert_eq!(c(d("-1.5").mul(&d("2"))), "-3");
    assert_eq!(
        c(d("9.99e125").mul(&d("10"))),
        "ORA-01426: numeric overflow"
    );
    assert_eq!(c(d("1e-100").mul(&d("1e-100"))), "0");
}

#[test]
fn division_keeps_oracle_precision() {
    assert_eq!(
        c(d("1").div(&d("3"))),
        "0.3333333333333333333333333333333333333333"
    );
    assert_eq!(
        c(d("2").div(&d("3"))),
        "0.6666666666666666666666666666666666666667"
    );
    // Leading digit in the units place: 39 significant digits (base-100 alignment).
    assert_eq!(
        c(d("10").div(&d("3"))),
        "3.33333333333333333333333333333333333333"
    );
    assert_eq!(
        c(d("100").div(&d("3"))),
        "33.33333333333333333333333333333333333333"
    );
    assert_eq!(c(d("1").div(&d("8"))), "0.125");
    assert_eq!(c(d("-7").div(&d("2"))), "-3.5");
    assert_eq!(
        c(d("1").div(&d("0"))),
        "ORA-01476: divisor is equal to zero"
    );
    assert_eq!(c(d("0").div(&d("5"))), "0");
}

#[test]
fn mod_follows_oracle_sign_rules() {
    assert_eq!(c(d("11").rem(&d("4"))), "3");
    assert_eq!(c(d("-11").rem(&d("4"))), "-3");
    assert_eq!(c(d("11").rem(&d("-4"))), "3");
    assert_eq!(c(d("5.5").rem(&d("2"))), "1.5");
    assert_eq!(c(d("7").rem(&d("0"))), "7");
    assert_eq!(c(d("3").rem(&d("10"))), "3");
    assert_eq!(c(d("1e40").rem(&d("7"))), "4");
}

#[test]
fn round_trunc_floor_ceil() {
    assert_eq!(d("2.5").round(0).to_canonical(), "3");
    assert_eq!(d("-2.5").round(0).to_canonical(), "-3");
    assert_eq!(d("2.4999").round(0).to_canonical(), "2");
    assert_eq!(d("123.456").round(2).to_canonical(), "123.46");
    assert_eq!(d("1250").round(-2).to_canonical(), "1300");
    assert_eq!(d("49").round(-2).to_canonical(), "0");
    assert_eq!(d("99.96").round(1).to_canonical(), "100");
    assert_eq!(d("-123.456").trunc(1).to_canonical(), "-123.4");
    assert_eq!(d("1299").trunc(-2).to_canonical(), "1200");
    assert_eq!(d("-1.2").floor().to_canonical(), "-2");
    assert_eq!(d("1.2").floor().to_canonical(), "1");
    assert_eq!(d("-1.2").ceil().to_canonical(), "-1");
    assert_eq!(d("1.2").ceil().to_canonical(), "2");
    assert_eq!(d("0.2").ceil().to_canonical(), "1");
    assert_eq!(d("-0.2").ceil().to_canonical(), "0");
    assert_eq!(d("3").floor().to_canonical(), "3");
}

#[test]
fn number_column_precision_and_scale() {
    let fit = |v: &str, p, s| c(d(v).fit_precision_scale(p, s));
    assert_eq!(fit("123.456", Some(5), Some(2)), "123.46");
    assert_eq!(
        fit("12345.6", Some(5), Some(2)),
        "ORA-01438: value larger than specified precision allowed for this column"
    );
    assert_eq!(
        fit("999.995", Some(5), Some(2)),
        fit("12345.6", Some(5), Some(2))
    );
    assert_eq!(fit("12.5", Some(3), None), "13");
    assert_eq!(fit("12345", Some(5), Some(-2)), "12300");
    assert_eq!(fit("0.00012", Some(2), Some(5)), "0.00012");
    assert_eq!(
        fit("0.0012", Some(2), Some(5)),
        fit("1000", Some(3), Some(0))
    );
    assert_eq!(fit("1.23456", None, None), "1.23456");
    assert_eq!(fit("1.26", None, Some(1)), "1.3");
}

#[test]
fn power_and_sqrt() {
    assert_eq!(c(d("2").power(&d("10"))), "1024");
    assert_eq!(c(d("2").power(&d("-2"))), "0.25");
    assert_eq!(c(d("-3").power(&d("3"))), "-27");
    assert_eq!(c(d("1.1").power(&d("2"))), "1.21");
    assert_eq!(c(d("5").power(&d("0"))), "1");
    assert_eq!(c(d("4").power(&d("0.5"))), "2");
    assert_eq!(c(d("10").power(&d("126"))), "ORA-01426: numeric overflow");
    assert_eq!(
        c(d("-8").power(&d("0.5"))),
        "ORA-01428: argument '-8' is out of range"
    );
    assert_eq!(c(d("10").power(&d("-200"))), "0");
    assert_eq!(
        c(d("1e-100").power(&d("-2"))),
        "ORA-01426: numeric overflow"
    );
    assert_eq!(
        c(d("-0.5").sqrt()),
        "ORA-01428: argument '-.5' is out of range"
    );
    assert_eq!(c(d("2").sqrt()), "1.41421356237309504880168872420969807857");
    assert_eq!(c(d("16").sqrt()), "4");
    assert_eq!(c(d("0.04").sqrt()), "0.2");
    assert_eq!(
        c(d("-1").sqrt()),
        "ORA-01428: argument '-1' is out of range"
    );
}

#[test]
fn conversions_and_comparison() {
    assert_eq!(
        OraDecimal::from_i64(i64::MIN).to_canonical(),
        "-9223372036854775808"
    );
    assert_eq!(OraDecimal::from_i64(0).to_canonical(), "0");
    assert_eq!(OraDecimal::from_i64(-120).to_i64(), Some(-120));
    assert_eq!(d("9223372036854775808").to_i64(), None);
    assert_eq!(d("1.5").to_i64(), None);
    assert_eq!(d("1e18").to_i64(), Some(1_000_000_000_000_000_000));
    assert_eq!(c(OraDecimal::from_f64(0.1)), "0.1");
    assert_eq!(c(OraDecimal::from_f64(-1.5e-7)), "-0.00000015");
    assert_eq!(c(OraDecimal::from_f64(1e20)), "100000000000000000000");
    assert_eq!(
        OraDecimal::from_f64(f64::NAN).map_err(|e| e.code),
        Err(1722)
    );
    assert_eq!(d("0.1").to_f64(), 0.1);
    assert_eq!(d("-2.5e-3").to_f64(), -0.0025);
    assert_eq!(d("1.5").cmp(&d("1.25")), Ordering::Greater);
    assert_eq!(d("-1.5").cmp(&d("-1.25")), Ordering::Less);
    assert_eq!(d("-1").cmp(&d("0")), Ordering::Less);
    assert_eq!(d("10").cmp(&d("9.99")), Ordering::Greater);
    assert_eq!(d("2.50").cmp(&d("2.5")), Ordering::Equal);
    assert_eq!(d("-3").abs().to_canonical(), "3");
    assert_eq!(d("0").neg().to_canonical(), "0");
    assert_eq!((d("-3").sign(), d("0").sign(), d("0.1").sign()), (-1, 0, 1));
    assert!(d("5").is_integer() && !d("5.1").is_integer() && d("1e3").is_integer());
}
