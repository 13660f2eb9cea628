//! Views whose rows do not come from live sessions or tables: the database-
//! and instance-wide NLS views (NLS_DATABASE_PARAMETERS,
//! NLS_INSTANCE_PARAMETERS, V$NLS_PARAMETERS), the small catalog views tools
//! read for the same facts (DATABASE_PROPERTIES, GLOBAL_NAME), and the
//! compile-error views (USER/ALL/DBA_ERRORS), empty because stored code that
//! does not compile is refused at CREATE here rather than kept invalid.
//! Clients and test suites read the character set from them in setup
//! (python-oracledb's suite: `select value from nls_database_parameters
//! where parameter = 'NLS_CHARACTERSET'`). Values are those of a database
//! created with DBCA's defaults: AL32UTF8 / AL16UTF16, AMERICAN_AMERICA.

use rusqlite::types::Value as Sql;

use super::oracle::datefmt::{DEFAULT_DATE_FORMAT, DEFAULT_TIMESTAMP_FORMAT};

const P128: &str = "TEXT_VC_128_128";
const V64: &str = "TEXT_VC_64_64";
const V4000: &str = "TEXT_VC_4000_4000";

/// Name and columns (name, declared type) of each view here.
pub const VIEWS: &[(&str, &[(&str, &str)])] = &[
    (
        "NLS_DATABASE_PARAMETERS",
        &[("PARAMETER", P128), ("VALUE", V64)],
    ),
    (
        "NLS_INSTANCE_PARAMETERS",
        &[("PARAMETER", P128), ("VALUE", V64)],
    ),
    (
        "V$NLS_PARAMETERS",
        &[("PARAMETER", V64), ("VALUE", V64), ("CON_ID", NUM)],
    ),
    (
        "DATABASE_PROPERTIES",
        &[
            ("PROPERTY_NAME", P128),
            ("PROPERTY_VALUE", V4000),
            ("DESCRIPTION", V4000),
        ],
    ),
    ("GLOBAL_NAME", &[("GLOBAL_NAME", V4000)]),
    ("USER_ERRORS", ERROR_COLUMNS.split_at(1).1),
    ("ALL_ERRORS", ERROR_COLUMNS),
    ("DBA_ERRORS", ERROR_COLUMNS),
];

const NUM: &str = "INT_NUM_0_U";
const ERROR_COLUMNS: &[(&str, &str)] = &[
    ("OWNER", P128),
    ("NAME", P128),
    ("TYPE", "TEXT_VC_12_12"),
    ("SEQUENCE", NUM),
    ("LINE", NUM),
    ("POSITION", NUM),
    ("TEXT", V4000),
    ("ATTRIBUTE", "TEXT_VC_9_9"),
    ("MESSAGE_NUMBER", NUM),
];

pub const CHARACTER_SET: &str = "AL32UTF8";
pub const NCHAR_CHARACTER_SET: &str = "AL16UTF16";
const RDBMS_VERSION: &str = "23.0.0.0.0";

/// NLS_DATABASE_PARAMETERS in Oracle's order: the values the database was
/// created with, whatever a session has altered since.
fn database() -> Vec<(&'static str, &'static str)> {
    vec![
        ("NLS_RDBMS_VERSION", RDBMS_VERSION),
        ("NLS_NCHAR_CONV_EXCP", "FALSE"),
        ("NLS_LENGTH_SEMANTICS", "BYTE"),
        ("NLS_COMP", "BINARY"),
        ("NLS_DUAL_CURRENCY", "$"),
        ("NLS_TIMESTAMP_TZ_FORMAT", "DD-MON-RR HH.MI.SSXFF AM TZR"),
        ("NLS_TIME_TZ_FORMAT", "HH.MI.SSXFF AM TZR"),
        ("NLS_TIMESTAMP_FORMAT", DEFAULT_TIMESTAMP_FORMAT),
        ("NLS_TIME_FORMAT", "HH.MI.SSXFF AM"),
        ("NLS_SORT", "BINARY"),
        ("NLS_DATE_LANGUAGE", "AMERICAN"),
        ("NLS_DATE_FORMAT", DEFAULT_DATE_FORMAT),
        ("NLS_CALENDAR", "GREGORIAN"),
        ("NLS_NUMERIC_CHARACTERS", ".,"),
        ("NLS_NCHAR_CHARACTERSET", NCHAR_CHARACTER_SET),
        ("NLS_CHARACTERSET", CHARACTER_SET),
        ("NLS_ISO_CURRENCY", "AMERICA"),
        ("NLS_CURRENCY", "$"),
        ("NLS_TERRITORY", "AMERICA"),
        ("NLS_LANGUAGE", "AMERICAN"),
    ]
}

/// NLS_INSTANCE_PARAMETERS: only what the instance's parameter file sets
/// has a value; the rest are NULL rows, as on a default instance.
fn instance() -> Vec<(&'static str, &'static str)> {
    let set = [
        ("NLS_LANGUAGE", "AMERICAN"),
        ("NLS_TERRITORY", "AMERICA"),
        ("NLS_COMP", "BINARY"),
        ("NLS_LENGTH_SEMANTICS", "BYTE"),
        ("NLS_NCHAR_CONV_EXCP", "FALSE"),
    ];
    let unset = [
        "NLS_SORT",
        "NLS_DATE_LANGUAGE",
        "NLS_DATE_FORMAT",
        "NLS_CURRENCY",
        "NLS_NUMERIC_CHARACTERS",
        "NLS_ISO_CURRENCY",
        "NLS_CALENDAR",
        "NLS_TIME_FORMAT",
        "NLS_TIMESTAMP_FORMAT",
        "NLS_TIME_TZ_FORMAT",
        "NLS_TIMESTAMP_TZ_FORMAT",
        "NLS_DUAL_CURRENCY",
    ];
    let mut v = set[..2].to_vec();
    v.extend(unset.iter().map(|p| (*p, "")));
    v.extend_from_slice(&set[2..]);
    v
}

fn t(s: &str) -> Sql {
    if s.is_empty() {
        Sql::Null
    } else {
        Sql::Text(s.to_string())
    }
}

/// Rows of one of VIEWS; `session_nls` is the session's NLS settings in
/// NLS_SESSION_PARAMETERS order, `service` the database's name.
pub fn rows(name: &str, session_nls: &[(String, String)], service: &str) -> Vec<Vec<Sql>> {
    let pairs = |v: Vec<(&str, &str)>| v.into_iter().map(|(p, val)| vec![t(p), t(val)]).collect();
    match name {
        "NLS_DATABASE_PARAMETERS" => pairs(database()),
        "NLS_INSTANCE_PARAMETERS" => pairs(instance()),
        // The session's values plus the character sets, which only the
        // database sets.
        "V$NLS_PARAMETERS" => session_nls
            .iter()
            .map(|(p, v)| (p.as_str(), v.as_str()))
            .chain([
                ("NLS_CHARACTERSET", CHARACTER_SET),
                ("NLS_NCHAR_CHARACTERSET", NCHAR_CHARACTER_SET),
            ])
            .map(|(p, v)| vec![t(p), t(v), Sql::Integer(0)])
            .collect(),
        "DATABASE_PROPERTIES" => [
            ("DICT.BASE", "2", "dictionary base tables version #"),
            (
                "DEFAULT_TEMP_TABLESPACE",
                "TEMP",
                "Name of default temporary tablespace",
            ),
            (
                "DEFAULT_PERMANENT_TABLESPACE",
                "USERS",
                "Name of default permanent tablespace",
            ),
            ("DBTIMEZONE", "+00:00", "DB time zone"),
            ("NLS_CHARACTERSET", CHARACTER_SET, "Character set"),
            (
                "NLS_NCHAR_CHARACTERSET",
                NCHAR_CHARACTER_SET,
                "NCHAR Character set",
            ),
            (
                "NLS_RDBMS_VERSION",
                RDBMS_VERSION,
                "RDBMS version for NLS parameters",
            ),
            ("GLOBAL_DB_NAME", service, "Global database name"),
            (
                "MAX_STRING_SIZE",
                "EXTENDED",
                "MAX_STRING_SIZE parameter used for dictionary metadata",
            ),
        ]
        .iter()
        .map(|(p, v, d)| vec![t(p), t(v), t(d)])
        .collect(),
        "GLOBAL_NAME" => vec![vec![t(service)]],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_and_instance_rows() {
        let db = rows("NLS_DATABASE_PARAMETERS", &[], "FREEPDB1");
        assert_eq!(db.len(), 20);
        assert!(db.contains(&vec![t("NLS_CHARACTERSET"), t("AL32UTF8")]));
        let inst = rows("NLS_INSTANCE_PARAMETERS", &[], "FREEPDB1");
        assert_eq!(inst.len(), 17);
        assert_eq!(inst[2], vec![t("NLS_SORT"), Sql::Null]);
        let nls = [("NLS_LANGUAGE".to_string(), "GERMAN".to_string())];
        let v = rows("V$NLS_PARAMETERS", &nls, "FREEPDB1");
        assert_eq!(v[0], vec![t("NLS_LANGUAGE"), t("GERMAN"), Sql::Integer(0)]);
        assert_eq!(v.len(), 3);
    }
}
