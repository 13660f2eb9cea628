//! SYS_CONTEXT('USERENV', …): every parameter Oracle documents for the
//! USERENV namespace (SQL Language Reference, SYS_CONTEXT, table 7-11),
//! answered as an on-premises, non-CDB 19c–23ai database answers it.
//! Clients probe some of these at connect or in test setup (python-oracledb's
//! suite asks for CLOUD_SERVICE first), so a documented name must never be
//! ORA-02003: the ones that only mean something elsewhere (Autonomous
//! Database, fine-grained auditing, enterprise users, jobs) are NULL, as
//! there. Only a name Oracle does not document is ORA-02003.

use rusqlite::types::Value as Sql;

use crate::directory::SessionInfo;

/// What the session entry does not hold: the server's host name and the
/// user ids ALL_USERS shows (`None` for a user it does not list).
pub struct Env<'a> {
    pub host: &'a str,
    pub user_id: &'a dyn Fn(&str) -> Option<i64>,
}

/// Parameters that are NULL in an ordinary password-authenticated session
/// on a database that is not Autonomous, not audited, with no enterprise
/// directory and no background job.
const NULL_HERE: &[&str] = &[
    "AUDITED_CURSORID",
    "AUTHENTICATION_DATA",
    "BG_JOB_ID",
    "CDB_DOMAIN",
    "CDB_NAME",
    "CLOUD_SERVICE",
    "CURRENT_BIND",
    "CURRENT_SQL",
    "CURRENT_SQL1",
    "CURRENT_SQL2",
    "CURRENT_SQL3",
    "CURRENT_SQL4",
    "CURRENT_SQL5",
    "CURRENT_SQL6",
    "CURRENT_SQL7",
    "CURRENT_SQL_LENGTH",
    "DB_DOMAIN",
    "DB_SUPPLEMENTAL_LOG_LEVEL",
    "DBLINK_INFO",
    "ENTERPRISE_IDENTITY",
    "GLOBAL_UID",
    "IP_ADDRESS",
    "LDAP_SERVER_TYPE",
    "POLICY_INVOKER",
    "PROXY_ENTERPRISE_IDENTITY",
    "STATEMENTID",
];

/// The edition every database has (ORA$BASE) and an id for it.
const EDITION: &str = "ORA$BASE";
const EDITION_ID: &str = "134";

/// NLS_LANGUAGE → the abbreviation USERENV('LANG') reports.
fn lang_abbreviation(language: &str) -> &'static str {
    match language {
        "ENGLISH" => "GB",
        "GERMAN" => "D",
        "FRENCH" => "F",
        "SPANISH" => "E",
        "ITALIAN" => "I",
        "DUTCH" => "NL",
        "PORTUGUESE" => "PT",
        "BRAZILIAN PORTUGUESE" => "PTB",
        "JAPANESE" => "JA",
        "KOREAN" => "KO",
        "SIMPLIFIED CHINESE" => "ZHS",
        "TRADITIONAL CHINESE" => "ZHT",
        "SWEDISH" => "S",
        "DANISH" => "DK",
        "NORWEGIAN" => "N",
        "FINNISH" => "SF",
        "POLISH" => "PL",
        "RUSSIAN" => "RU",
        _ => "US",
    }
}

fn or_null(s: String) -> Sql {
    if s.is_empty() {
        Sql::Null
    } else {
        Sql::Text(s)
    }
}

/// SYS_CONTEXT('USERENV', name) with `name` upper-cased: `Err` (ORA-02003)
/// only for a name USERENV does not have.
pub fn userenv(info: &SessionInfo, name: &str, env: &Env) -> Result<Sql, String> {
    if NULL_HERE.contains(&name) {
        return Ok(Sql::Null);
    }
    let a = info.attrs();
    let id = |user: &str| {
        (env.user_id)(user)
            .map(|i| i.to_string())
            .unwrap_or_default()
    };
    let v = match name {
        "SID" | "SESSIONID" | "UNIFIED_AUDIT_SESSIONID" => info.sid().to_string(),
        "SESSION_USER" | "CURRENT_USER" => a.username.clone(),
        "SESSION_USERID" | "CURRENT_USERID" => id(&a.username),
        "PROXY_USER" => a.proxy_user.clone(),
        "PROXY_USERID" if a.proxy_user.is_empty() => String::new(),
        "PROXY_USERID" => id(&a.proxy_user),
        // Who proved the password: the proxy for a proxy logon.
        "AUTHENTICATED_IDENTITY" if !a.proxy_user.is_empty() => a.proxy_user.clone(),
        "AUTHENTICATED_IDENTITY" => a.username.clone(),
        "AUTHENTICATION_METHOD" => "PASSWORD".into(),
        "IDENTIFICATION_TYPE" => "LOCAL".into(),
        "CURRENT_SCHEMA" => a.schema.clone(),
        "CURRENT_SCHEMAID" => id(&a.schema),
        "CURRENT_EDITION_NAME" | "SESSION_EDITION_NAME" if !a.edition.is_empty() => {
            a.edition.clone()
        }
        "CURRENT_EDITION_NAME" | "SESSION_EDITION_NAME" => EDITION.into(),
        "CURRENT_EDITION_ID" | "SESSION_EDITION_ID" => EDITION_ID.into(),
        "SERVICE_NAME" | "CON_NAME" => a.service.clone(),
        "DB_NAME" | "DB_UNIQUE_NAME" => a.database_name().to_string(),
        "INSTANCE_NAME" if !a.db_name.is_empty() => a.db_name.to_ascii_lowercase(),
        "INSTANCE_NAME" => "oradb".into(),
        "INSTANCE" | "CON_ID" => "1".into(),
        "DATABASE_ROLE" => "PRIMARY".into(),
        "DRAIN_STATUS" => "NONE".into(),
        "IS_APPLICATION_ROOT" | "IS_APPLICATION_PDB" => "NO".into(),
        "IS_DG_ROLLING_UPGRADE" | "ISDBA" => "FALSE".into(),
        "SCHEDULER_JOB" => "N".into(),
        "FG_JOB_ID" | "ENTRYID" | "GLOBAL_CONTEXT_MEMORY" => "0".into(),
        "ORACLE_HOME" => "/opt/oracle/product/23ai/dbhome_1".into(),
        "PLATFORM_SLASH" => "/".into(),
        "NETWORK_PROTOCOL" => "tcp".into(),
        "SESSION_DEFAULT_COLLATION" => "USING_NLS_COMP".into(),
        "SERVER_HOST" => env.host.to_string(),
        "HOST" => a.machine.clone(),
        "OS_USER" => a.os_user.clone(),
        "TERMINAL" => a.terminal.clone(),
        "CLIENT_PROGRAM_NAME" => a.program.clone(),
        "MODULE" => a.module.clone(),
        "ACTION" => a.action.clone(),
        "CLIENT_IDENTIFIER" => a.client_identifier.clone(),
        "CLIENT_INFO" => a.client_info.clone(),
        "LANGUAGE" => format!(
            "{}_{}.AL32UTF8",
            a.nls("NLS_LANGUAGE").unwrap_or("AMERICAN"),
            a.nls("NLS_TERRITORY").unwrap_or("AMERICA")
        ),
        "LANG" => lang_abbreviation(a.nls("NLS_LANGUAGE").unwrap_or("AMERICAN")).into(),
        "NLS_DATE_FORMAT" | "NLS_DATE_LANGUAGE" | "NLS_TERRITORY" | "NLS_CALENDAR"
        | "NLS_CURRENCY" | "NLS_SORT" => a.nls(name).unwrap_or_default().to_string(),
        _ => return Err("ORA-02003: invalid USERENV parameter".to_string()),
    };
    Ok(or_null(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session_state::new_info;

    #[test]
    fn documented_names_answer_and_others_fail() {
        let info = new_info("scott");
        info.attrs().service = "FREEPDB1".into();
        let ids = |u: &str| (u == "SCOTT").then_some(101);
        let env = Env {
            host: "h",
            user_id: &ids,
        };
        let get = |n: &str| userenv(&info, n, &env);
        assert_eq!(get("SESSION_USER"), Ok(Sql::Text("SCOTT".into())));
        assert_eq!(get("SESSION_USERID"), Ok(Sql::Text("101".into())));
        assert_eq!(get("MODULE"), Ok(Sql::Null));
        assert_eq!(get("CLOUD_SERVICE"), Ok(Sql::Null));
        assert_eq!(get("PROXY_USERID"), Ok(Sql::Null));
        assert_eq!(get("CURRENT_EDITION_NAME"), Ok(Sql::Text(EDITION.into())));
        assert_eq!(get("SERVER_HOST"), Ok(Sql::Text("h".into())));
        assert_eq!(get("LANG"), Ok(Sql::Text("US".into())));
        assert!(get("NO_SUCH").is_err());
    }
}
