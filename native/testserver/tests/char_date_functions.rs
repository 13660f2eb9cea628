//! ASCII, CHR and EXTRACT, as the python-oracledb suite's schema and tests
//! use them: cx_Oracle's TestStrings fill converts text to hex with ASCII
//! and CHR inside PL/SQL, and the data frame tests EXTRACT(YEAR FROM …).

use oradb_protocol::value::Value;
use oradb_testserver::sql::{Database, Outcome, Session};

fn rows(s: &mut Session, sql: &str) -> Result<Vec<Vec<Value>>, u32> {
    let p = s.prepare(sql).map_err(|e| e.code)?;
    match s.execute(&p, &[]).map_err(|e| e.code)? {
        Outcome::Rows { rows, .. } => Ok(rows),
        other => panic!("not rows: {other:?}"),
    }
}

fn n(v: &str) -> Value {
    Value::Number(v.into())
}

#[test]
fn ascii_and_chr_convert_between_characters_and_codes() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    assert_eq!(
        rows(
            &mut s,
            "select ascii('Raw 1'), chr(ascii('A') + 11), ascii(null) from dual"
        )
        .unwrap(),
        vec![vec![n("82"), Value::Varchar("L".into()), Value::Null]]
    );
    // Beyond ASCII the code is the character's UTF-8 bytes (AL32UTF8).
    assert_eq!(
        rows(
            &mut s,
            "select ascii(unistr('\\00e9')), chr(50089) from dual"
        )
        .unwrap(),
        vec![vec![n("50089"), Value::Varchar("é".into())]]
    );
    // A code that is no character is an error, never a NULL.
    assert_eq!(rows(&mut s, "select chr(255) from dual").unwrap_err(), 1722);

    // In PL/SQL too, where the suite's schema script uses them.
    for sql in [
        "create table hex_t (v varchar2(20))",
        "declare
             function hex_digit(a number) return varchar2 is
             begin
                 if a between 0 and 9 then return to_char(a); end if;
                 return chr(ascii('A') + a - 10);
             end;
         begin
             insert into hex_t values (hex_digit(trunc(ascii('R') / 16)) || hex_digit(mod(ascii('R'), 16)));
         end;",
    ] {
        let p = s.prepare(sql).unwrap();
        s.execute(&p, &[]).unwrap();
    }
    assert_eq!(
        rows(&mut s, "select v from hex_t").unwrap(),
        vec![vec![Value::Varchar("52".into())]]
    );
}

#[test]
fn extract_takes_fields_of_dates_and_timestamps() {
    let db = Database::open(None).unwrap();
    let mut s = Session::open(&db, "scott").unwrap();
    assert_eq!(
        rows(
            &mut s,
            "select extract(year from date '1955-07-01'), extract(month from date '1955-07-01'),
                    extract(day from date '1955-07-01'),
                    extract(minute from timestamp '2020-01-01 10:11:12.5'),
                    extract(second from timestamp '2020-01-01 10:11:12.5'),
                    extract(year from cast(null as date))
             from dual"
        )
        .unwrap(),
        vec![vec![
            n("1955"),
            n("7"),
            n("1"),
            n("11"),
            n("12.5"),
            Value::Null
        ]]
    );
    assert_eq!(
        rows(
            &mut s,
            "select extract(week from date '1955-07-01') from dual"
        )
        .unwrap_err(),
        30076
    );
}
