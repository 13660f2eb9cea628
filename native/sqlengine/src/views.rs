//! Dynamic views (V$SESSION, V$MYSTAT, NLS_SESSION_PARAMETERS, USER_TABLES, …).
//! Before a statement that names one runs, the view is materialized as a
//! TEMP table of this session's SQLite connection: TEMP shadows the main
//! schema, is private to the connection and never takes the database write
//! lock, so WHERE, joins and describe work as on any table.

use oradb_protocol::value::DateTime;
use rusqlite::types::Value as Sql;

use super::errors;
use super::lexer::{Tok, Token};
use super::schemas::{is_internal, quote};
use super::types::from_decl;
use super::{ColumnInfo, Session, SqlError};
use crate::directory::{self, STATS};

const NUM: &str = "BLOB_NUM_0_U";
/// Small integers (SIDs, statistics): INTEGER affinity, so comparing them
/// with text such as SYS_CONTEXT('USERENV', 'SID') converts as Oracle would.
const INT: &str = "INT_NUM_0_U";
const DATE: &str = "TEXT_DT";
const fn vc(n: u32) -> &'static str {
    match n {
        1 => "TEXT_VC_1_1",
        3 => "TEXT_VC_3_3",
        9 => "TEXT_VC_9_9",
        16 => "TEXT_VC_16_16",
        30 => "TEXT_VC_30_30",
        64 => "TEXT_VC_64_64",
        80 => "TEXT_VC_80_80",
        128 => "TEXT_VC_128_128",
        _ => "TEXT_VC_4000_4000",
    }
}

/// ALL_TAB_COLS; the other column views are its first columns (ALL_TAB_COLUMNS),
/// without OWNER (the USER_ ones).
const TAB_COLS: &[(&str, &str)] = &[
    ("OWNER", vc(128)),
    ("TABLE_NAME", vc(128)),
    ("COLUMN_NAME", vc(128)),
    ("DATA_TYPE", vc(128)),
    ("DATA_LENGTH", INT),
    ("DATA_PRECISION", INT),
    ("DATA_SCALE", INT),
    ("NULLABLE", vc(1)),
    ("COLUMN_ID", INT),
    ("CHAR_LENGTH", INT),
    ("IDENTITY_COLUMN", vc(3)),
    ("DATA_DEFAULT", vc(4000)),
    ("DATA_TYPE_OWNER", vc(128)),
    ("HIDDEN_COLUMN", vc(3)),
    ("VIRTUAL_COLUMN", vc(3)),
];

/// Name and columns (name, declared type) of each view.
const VIEWS: &[(&str, &[(&str, &str)])] = &[
    // The database operations sessions have open (the DBOP end-to-end
    // attribute), each EXECUTING while its session names it.
    (
        "V$SQL_MONITOR",
        &[
            ("SID", INT),
            ("SESSION_SERIAL#", INT),
            ("USERNAME", vc(128)),
            ("DBOP_NAME", vc(128)),
            ("STATUS", vc(30)),
            ("MODULE", vc(64)),
            ("ACTION", vc(64)),
        ],
    ),
    (
        "V$SESSION",
        &[
            ("SID", INT),
            ("SERIAL#", INT),
            ("AUDSID", INT),
            ("USERNAME", vc(128)),
            ("SCHEMANAME", vc(128)),
            ("STATUS", vc(9)),
            ("SERVER", vc(9)),
            ("OSUSER", vc(128)),
            ("PROCESS", vc(30)),
            ("MACHINE", vc(64)),
            ("TERMINAL", vc(30)),
            ("PROGRAM", vc(64)),
            ("TYPE", vc(10)),
            ("MODULE", vc(64)),
            ("ACTION", vc(64)),
            ("CLIENT_INFO", vc(64)),
            ("CLIENT_IDENTIFIER", vc(64)),
            ("SERVICE_NAME", vc(64)),
            ("LOGON_TIME", DATE),
            ("ECID", vc(64)),
        ],
    ),
    (
        "V$MYSTAT",
        &[("SID", INT), ("STATISTIC#", INT), ("VALUE", INT)],
    ),
    (
        "V$SESSTAT",
        &[("SID", INT), ("STATISTIC#", INT), ("VALUE", INT)],
    ),
    (
        "V$TEMPORARY_LOBS",
        &[
            ("SID", INT),
            ("CACHE_LOBS", INT),
            ("NOCACHE_LOBS", INT),
            ("ABSTRACT_LOBS", INT),
            ("CON_ID", INT),
        ],
    ),
    (
        "V$STATNAME",
        &[("STATISTIC#", INT), ("NAME", vc(64)), ("CLASS", INT)],
    ),
    (
        "V$VERSION",
        &[
            ("BANNER", vc(80)),
            ("BANNER_FULL", vc(160)),
            ("BANNER_LEGACY", vc(80)),
            ("CON_ID", INT),
        ],
    ),
    (
        "V$INSTANCE",
        &[
            ("INSTANCE_NUMBER", INT),
            ("INSTANCE_NAME", vc(16)),
            ("HOST_NAME", vc(64)),
            ("VERSION", vc(16)),
            ("VERSION_FULL", vc(16)),
            ("STATUS", vc(16)),
            ("DATABASE_STATUS", vc(16)),
            ("INSTANCE_ROLE", vc(16)),
        ],
    ),
    (
        "PRODUCT_COMPONENT_VERSION",
        &[
            ("PRODUCT", vc(80)),
            ("VERSION", vc(80)),
            ("VERSION_FULL", vc(80)),
            ("STATUS", vc(80)),
        ],
    ),
    (
        "V$DATABASE",
        &[
            ("DBID", INT),
            ("NAME", vc(9)),
            ("OPEN_MODE", vc(30)),
            ("LOG_MODE", vc(16)),
            ("DATABASE_ROLE", vc(16)),
            ("CDB", vc(3)),
        ],
    ),
    (
        "V$PARAMETER",
        &[
            ("NAME", vc(80)),
            ("VALUE", vc(4000)),
            ("DISPLAY_VALUE", vc(4000)),
            ("ISDEFAULT", vc(9)),
        ],
    ),
    (
        "V$SESSION_CONNECT_INFO",
        &[
            ("SID", INT),
            ("SERIAL#", INT),
            ("AUTHENTICATION_TYPE", vc(26)),
            ("NETWORK_SERVICE_BANNER", vc(4000)),
            ("CLIENT_DRIVER", vc(128)),
        ],
    ),
    (
        "V$CPOOL_STATS",
        &[
            ("POOL_NAME", vc(128)),
            ("NUM_OPEN_SERVERS", INT),
            ("NUM_BUSY_SERVERS", INT),
            ("NUM_AUTH_SERVERS", INT),
            ("NUM_REQUESTS", INT),
            ("NUM_HITS", INT),
            ("NUM_MISSES", INT),
            ("NUM_WAITS", INT),
            ("WAIT_TIME", INT),
            ("CLIENT_REQ_TIMEOUTS", INT),
            ("NUM_AUTHENTICATIONS", INT),
            ("NUM_PURGED", INT),
            ("HISTORIC_MAX", INT),
        ],
    ),
    (
        "V$CPOOL_CC_STATS",
        &[
            ("CCLASS_NAME", vc(128)),
            ("NUM_REQUESTS", INT),
            ("NUM_HITS", INT),
            ("NUM_MISSES", INT),
            ("NUM_WAITS", INT),
            ("WAIT_TIME", INT),
            ("CLIENT_REQ_TIMEOUTS", INT),
            ("NUM_AUTHENTICATIONS", INT),
        ],
    ),
    (
        "DBA_CPOOL_INFO",
        &[
            ("CONNECTION_POOL", vc(128)),
            ("STATUS", vc(16)),
            ("MINSIZE", INT),
            ("MAXSIZE", INT),
            ("INCRSIZE", INT),
            ("SESSION_CACHED_PERSONALITY", INT),
            ("INACTIVITY_TIMEOUT", INT),
            ("MAX_THINK_TIME", INT),
            ("MAX_USE_SESSION", INT),
            ("MAX_LIFETIME_SESSION", INT),
            ("NUM_CBROK", INT),
            ("MAXCONN_CBROK", INT),
        ],
    ),
    (
        "NLS_SESSION_PARAMETERS",
        &[("PARAMETER", vc(128)), ("VALUE", vc(64))],
    ),
    (
        "USER_TABLES",
        &[
            ("TABLE_NAME", vc(128)),
            ("TABLESPACE_NAME", vc(30)),
            ("STATUS", vc(9)),
            ("TEMPORARY", vc(1)),
        ],
    ),
    (
        "USER_VIEWS",
        &[
            ("VIEW_NAME", vc(128)),
            ("TEXT_LENGTH", INT),
            ("TEXT", vc(4000)),
        ],
    ),
    (
        "ALL_TABLES",
        &[
            ("OWNER", vc(128)),
            ("TABLE_NAME", vc(128)),
            ("TABLESPACE_NAME", vc(30)),
        ],
    ),
    ("USER_TAB_COLUMNS", TAB_COLS.split_at(1).1.split_at(11).0),
    ("ALL_TAB_COLUMNS", TAB_COLS.split_at(12).0),
    // *_TAB_COLS: *_TAB_COLUMNS with the hidden and virtual columns
    // flagged (the test server has none), which python-oracledb reads for
    // a table's %ROWTYPE.
    ("USER_TAB_COLS", TAB_COLS.split_at(1).1),
    ("ALL_TAB_COLS", TAB_COLS),
    (
        "ALL_SEQUENCES",
        &[
            ("SEQUENCE_OWNER", vc(128)),
            ("SEQUENCE_NAME", vc(128)),
            ("MIN_VALUE", NUM),
            ("MAX_VALUE", NUM),
            ("INCREMENT_BY", NUM),
            ("CYCLE_FLAG", vc(1)),
            ("ORDER_FLAG", vc(1)),
            ("CACHE_SIZE", NUM),
            ("LAST_NUMBER", NUM),
        ],
    ),
    (
        "USER_SEQUENCES",
        &[
            ("SEQUENCE_NAME", vc(128)),
            ("MIN_VALUE", NUM),
            ("MAX_VALUE", NUM),
            ("INCREMENT_BY", NUM),
            ("CYCLE_FLAG", vc(1)),
            ("ORDER_FLAG", vc(1)),
            ("CACHE_SIZE", NUM),
            ("LAST_NUMBER", NUM),
        ],
    ),
    ("USER_CONSTRAINTS", super::dict_constraints::CONSTRAINTS),
    ("ALL_CONSTRAINTS", super::dict_constraints::CONSTRAINTS),
    ("USER_CONS_COLUMNS", super::dict_constraints::CONS_COLUMNS),
    ("ALL_CONS_COLUMNS", super::dict_constraints::CONS_COLUMNS),
    ("USER_TRIGGERS", super::triggers::USER_TRIGGERS),
    ("ALL_TRIGGERS", super::triggers::ALL_TRIGGERS),
    ("ALL_DIRECTORIES", super::bfile::DIRECTORIES),
    ("DBA_DIRECTORIES", super::bfile::DIRECTORIES),
    (
        "ALL_USERS",
        &[
            ("USERNAME", vc(128)),
            ("USER_ID", INT),
            ("CREATED", DATE),
            ("COMMON", vc(3)),
            ("ORACLE_MAINTAINED", vc(1)),
        ],
    ),
];

pub const VERSION: &str = "23.7.0.25.01";

fn t(s: &str) -> Sql {
    if s.is_empty() {
        Sql::Null
    } else {
        Sql::Text(s.to_string())
    }
}
fn n(v: impl Into<i64>) -> Sql {
    Sql::Integer(v.into())
}

pub fn now_text() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    DateTime::from_epoch(d.as_secs() as i64, 0).to_string()
}

type View = (&'static str, &'static [(&'static str, &'static str)]);

/// Every view this module materializes: the session and catalog views here
/// and the NLS ones.
fn all_views() -> impl Iterator<Item = &'static View> {
    VIEWS
        .iter()
        .chain(super::static_views::VIEWS.iter())
        .chain(super::objects::TYPE_VIEWS.iter())
}

/// Whether `name` (upper case) is one of the views, which SYS owns in Oracle.
pub(super) fn is_view(name: &str) -> bool {
    all_views().any(|(v, _)| *v == name)
}

/// The views a statement names, each once.
/// Whether `toks` name none of the views [`Session::materialize_views`] fills.
pub(crate) fn names_no_view(toks: &[Token]) -> bool {
    named_views(toks).is_empty()
}

fn named_views(toks: &[Token]) -> Vec<&'static View> {
    let mut out: Vec<&'static View> = Vec::new();
    for tok in toks {
        let (Tok::Word(w) | Tok::Quoted(w)) = &tok.tok else {
            continue;
        };
        if let Some(v) = all_views().find(|(v, _)| v.eq_ignore_ascii_case(w)) {
            if !out.iter().any(|o| o.0 == v.0) {
                out.push(v);
            }
        }
    }
    out
}

/// Oracle's DATA_TYPE, DATA_PRECISION and DATA_SCALE for a stored column.
fn data_type(c: &super::ColumnInfo) -> (String, Sql, Sql) {
    use oradb_protocol::value::ora_type as o;
    match c.ora_type {
        o::NUMBER if c.scale == -127 && c.precision > 0 => {
            ("FLOAT".into(), n(c.precision), Sql::Null)
        }
        o::NUMBER if c.scale == -127 => ("NUMBER".into(), Sql::Null, Sql::Null),
        o::NUMBER => ("NUMBER".into(), n(c.precision), n(c.scale)),
        o::VARCHAR if c.national => ("NVARCHAR2".into(), Sql::Null, Sql::Null),
        o::VARCHAR => ("VARCHAR2".into(), Sql::Null, Sql::Null),
        o::CHAR if c.national => ("NCHAR".into(), Sql::Null, Sql::Null),
        o::CHAR => ("CHAR".into(), Sql::Null, Sql::Null),
        o::DATE => ("DATE".into(), Sql::Null, Sql::Null),
        o::TIMESTAMP => (format!("TIMESTAMP({})", c.scale), Sql::Null, n(c.scale)),
        o::TIMESTAMP_TZ => (
            format!("TIMESTAMP({}) WITH TIME ZONE", c.scale),
            Sql::Null,
            n(c.scale),
        ),
        o::TIMESTAMP_LTZ => (
            format!("TIMESTAMP({}) WITH LOCAL TIME ZONE", c.scale),
            Sql::Null,
            n(c.scale),
        ),
        o::INTERVAL_DS => (
            format!("INTERVAL DAY({}) TO SECOND({})", c.precision, c.scale),
            n(c.precision),
            n(c.scale),
        ),
        o::INTERVAL_YM => (
            format!("INTERVAL YEAR({}) TO MONTH", c.precision),
            n(c.precision),
            Sql::Null,
        ),
        // An object column's type is its type's name (DATA_TYPE_OWNER has
        // the owner).
        o::OBJECT => match &c.object_type {
            Some(t) => (t.name.clone(), Sql::Null, Sql::Null),
            None => ("VARCHAR2".into(), Sql::Null, Sql::Null),
        },
        o::CLOB if c.national => ("NCLOB".into(), Sql::Null, Sql::Null),
        o::JSON => ("JSON".into(), Sql::Null, Sql::Null),
        o::VECTOR => ("VECTOR".into(), Sql::Null, Sql::Null),
        o::BFILE => ("BFILE".into(), Sql::Null, Sql::Null),
        o::RAW => ("RAW".into(), Sql::Null, Sql::Null),
        o::BINARY_DOUBLE => ("BINARY_DOUBLE".into(), Sql::Null, Sql::Null),
        o::BINARY_FLOAT => ("BINARY_FLOAT".into(), Sql::Null, Sql::Null),
        o::CLOB => ("CLOB".into(), Sql::Null, Sql::Null),
        o::BLOB => ("BLOB".into(), Sql::Null, Sql::Null),
        o::LONG => ("LONG".into(), Sql::Null, Sql::Null),
        o::LONG_RAW => ("LONG RAW".into(), Sql::Null, Sql::Null),
        o::BOOLEAN => ("BOOLEAN".into(), Sql::Null, Sql::Null),
        _ => ("VARCHAR2".into(), Sql::Null, Sql::Null),
    }
}

impl Session {
    /// Creates (once) and refills the TEMP tables of the views `toks` names.
    /// Also attaches the schemas `toks` names (schemas.rs).
    pub(super) fn materialize_views(&mut self, toks: &[Token]) -> Result<(), SqlError> {
        self.attach_named(toks)?;
        let schema = self.schema();
        self.attach(&schema)?;
        for &(name, cols) in named_views(toks) {
            // The user's own table or view of that name comes first, as in
            // Oracle (the dictionary views are public synonyms): no TEMP
            // table may hide it.
            if self.has_object(&schema, name) {
                self.conn
                    .execute_batch(&format!("DROP TABLE IF EXISTS temp.\"{name}\""))
                    .map_err(|e| errors::map(&e, &[], "SYS"))?;
                continue;
            }
            let rows = self.view_rows(name)?;
            self.fill(name, cols, rows)?;
        }
        Ok(())
    }

    fn fill(
        &mut self,
        name: &str,
        cols: &[(&str, &str)],
        rows: Vec<Vec<Sql>>,
    ) -> Result<(), SqlError> {
        let map = |e: rusqlite::Error| errors::map(&e, &[], "SYS");
        let defs: Vec<String> = cols.iter().map(|(c, d)| format!("\"{c}\" {d}")).collect();
        self.conn
            .execute_batch(&format!(
                "CREATE TEMP TABLE IF NOT EXISTS \"{name}\" ({}); DELETE FROM temp.\"{name}\";",
                defs.join(", ")
            ))
            .map_err(map)?;
        let marks = vec!["?"; cols.len()].join(", ");
        let mut stmt = self
            .conn
            .prepare_cached(&format!("INSERT INTO temp.\"{name}\" VALUES ({marks})"))
            .map_err(map)?;
        for r in rows {
            stmt.execute(rusqlite::params_from_iter(r.iter()))
                .map_err(map)?;
        }
        Ok(())
    }

    fn view_rows(&mut self, name: &str) -> Result<Vec<Vec<Sql>>, SqlError> {
        let reg = self.db.directory();
        let me = &self.info;
        let service = me.attrs().service.clone();
        Ok(match name {
            "V$SESSION" => reg
                .sessions()
                .iter()
                .map(|s| {
                    let a = s.attrs().clone();
                    vec![
                        n(s.sid()),
                        n(s.serial()),
                        n(s.sid()),
                        t(&a.username),
                        t(&a.schema),
                        t(s.status()),
                        t(if a.pooled { "POOLED" } else { "DEDICATED" }),
                        t(&a.os_user),
                        t(&a.process),
                        t(&a.machine),
                        t(&a.terminal),
                        t(&a.program),
                        t("USER"),
                        t(&a.module),
                        t(&a.action),
                        t(&a.client_info),
                        t(&a.client_identifier),
                        t(&a.service),
                        t(&a.logon_time),
                        t(&a.ecid),
                    ]
                })
                .collect(),
            "V$SQL_MONITOR" => reg
                .sessions()
                .iter()
                .filter_map(|s| {
                    let a = s.attrs().clone();
                    (!a.dbop.is_empty()).then(|| {
                        vec![
                            n(s.sid()),
                            n(s.serial()),
                            t(&a.username),
                            t(&a.dbop),
                            t("EXECUTING"),
                            t(&a.module),
                            t(&a.action),
                        ]
                    })
                })
                .collect(),
            // One row per Oracle Net service in use, as Oracle shows them.
            "V$SESSION_CONNECT_INFO" => reg
                .sessions()
                .iter()
                .flat_map(|s| {
                    let (network, driver) = {
                        let a = s.attrs();
                        (a.network, a.client_driver.clone())
                    };
                    reg.network_banners(network)
                        .into_iter()
                        .map(|b| vec![n(s.sid()), n(s.serial()), t("DATABASE"), t(&b), t(&driver)])
                        .collect::<Vec<_>>()
                })
                .collect(),
            "V$CPOOL_STATS" => {
                let p = reg.pool();
                let busy = p.busy as i64;
                let idle = p.idle as i64;
                vec![vec![
                    t(&p.name),
                    n(busy + idle),
                    n(busy),
                    n(idle),
                    n(p.total.requests as i64),
                    n(p.total.hits as i64),
                    n(p.total.misses as i64),
                    n(0),
                    n(0),
                    n(0),
                    n(p.total.authentications as i64),
                    n(p.purged as i64),
                    n(p.historic_max as i64),
                ]]
            }
            "V$CPOOL_CC_STATS" => reg
                .pool()
                .by_class
                .into_iter()
                .map(|(class, c)| {
                    vec![
                        t(&class),
                        n(c.requests as i64),
                        n(c.hits as i64),
                        n(c.misses as i64),
                        n(0),
                        n(0),
                        n(0),
                        n(c.authentications as i64),
                    ]
                })
                .collect(),
            "DBA_CPOOL_INFO" => {
                let p = reg.pool();
                vec![vec![
                    t(&p.name),
                    t("ACTIVE"),
                    n(p.min_size),
                    n(p.max_size),
                    n(p.incr_size),
                    n(0),
                    n(p.inactivity_timeout),
                    n(p.max_think_time),
                    n(p.max_use_session),
                    n(p.max_lifetime_session),
                    n(1),
                    n(40_000),
                ]]
            }
            "V$MYSTAT" => stat_rows(me),
            "V$SESSTAT" => reg.sessions().iter().flat_map(|s| stat_rows(s)).collect(),
            // The server keeps every temporary LOB cached, as Oracle does by default.
            "V$TEMPORARY_LOBS" => reg
                .sessions()
                .iter()
                .map(|s| {
                    let (temp, abs) = s.lob_counts();
                    vec![n(s.sid()), n(temp as i64), n(0), n(abs as i64), n(0)]
                })
                .collect(),
            "V$STATNAME" => STATS
                .iter()
                .map(|(k, name)| vec![n(*k), t(name), n(1)])
                .collect(),
            "V$VERSION" => {
                let banner = "Oracle Database 23ai (oradb-testserver, SQLite based)";
                vec![vec![
                    t(banner),
                    t(&format!("{banner}\nVersion {VERSION}")),
                    t(banner),
                    n(0),
                ]]
            }
            "V$INSTANCE" => vec![vec![
                n(1),
                // A shard is its own instance.
                t(&match me.attrs().db_name.as_str() {
                    "" => "oradb".to_string(),
                    shard => shard.to_ascii_lowercase(),
                }),
                t(&directory::host_name()),
                t("23.0.0.0.0"),
                t(VERSION),
                t("OPEN"),
                t("ACTIVE"),
                t("PRIMARY_INSTANCE"),
            ]],
            "PRODUCT_COMPONENT_VERSION" => vec![vec![
                t("Oracle Database 23ai Free"),
                t("23.0.0.0.0"),
                t(VERSION),
                t("Production"),
            ]],
            "V$DATABASE" => vec![vec![
                n(1),
                t(me.attrs().database_name()),
                t("READ WRITE"),
                t("NOARCHIVELOG"),
                t("PRIMARY"),
                t("NO"),
            ]],
            "V$PARAMETER" => {
                let nls = me.attrs().nls.clone();
                let mut v: Vec<(String, String)> = [
                    ("compatible", "23.0.0"),
                    ("db_block_size", "8192"),
                    ("open_cursors", "300"),
                    ("processes", "300"),
                    ("sessions", "472"),
                    ("max_string_size", "EXTENDED"),
                    ("instance_name", "oradb"),
                    ("cursor_sharing", "EXACT"),
                    ("db_domain", ""),
                    ("optimizer_mode", "ALL_ROWS"),
                ]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
                v.push(("db_name".into(), service.clone()));
                v.push(("service_names".into(), service.clone()));
                for (k, val) in nls {
                    v.push((k.to_ascii_lowercase(), val));
                }
                v.into_iter()
                    .map(|(k, val)| vec![t(&k), t(&val), t(&val), t("TRUE")])
                    .collect()
            }
            "NLS_SESSION_PARAMETERS" => me
                .attrs()
                .nls
                .iter()
                .map(|(k, v)| vec![t(k), t(v)])
                .collect(),
            "USER_TABLES" => {
                let schema = self.schema();
                self.schema_tables(&schema)
                    .into_iter()
                    .map(|(tn, _)| vec![t(&tn), t("USERS"), t("VALID"), t("N")])
                    .collect()
            }
            "USER_VIEWS" => {
                let schema = self.schema();
                self.schema_views(&schema)
                    .into_iter()
                    .map(|(name, text)| vec![t(&name), n(text.len() as i64), t(&text)])
                    .collect()
            }
            "ALL_TABLES" => self
                .db
                .schemas()
                .into_iter()
                .flat_map(|owner| {
                    self.schema_tables(&owner)
                        .into_iter()
                        .map(|(tn, _)| vec![t(&owner), t(&tn), t("USERS")])
                        .collect::<Vec<_>>()
                })
                .collect(),
            "USER_TAB_COLUMNS" => {
                let schema = self.schema();
                column_rows(self.schema_tables(&schema))
            }
            "ALL_TAB_COLUMNS" => self
                .db
                .schemas()
                .into_iter()
                .flat_map(|owner| {
                    column_rows(self.schema_tables(&owner))
                        .into_iter()
                        .map(|mut r| {
                            r.insert(0, t(&owner));
                            r
                        })
                        .collect::<Vec<_>>()
                })
                .collect(),
            "USER_TAB_COLS" | "ALL_TAB_COLS" => {
                let all = name == "ALL_TAB_COLS";
                let owners = if all {
                    self.db.schemas()
                } else {
                    vec![self.schema()]
                };
                owners
                    .into_iter()
                    .flat_map(|owner| {
                        let tables = self.schema_tables(&owner);
                        let owners = tab_col_owners(&tables);
                        column_rows(tables)
                            .into_iter()
                            .zip(owners)
                            .map(|(mut r, type_owner)| {
                                r.extend([type_owner, t("NO"), t("NO")]);
                                if all {
                                    r.insert(0, t(&owner));
                                }
                                r
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect()
            }
            "USER_SEQUENCES" | "ALL_SEQUENCES" => {
                let schema = self.schema();
                let all = name == "ALL_SEQUENCES";
                self.db
                    .sequences
                    .list()
                    .into_iter()
                    .filter_map(|(key, next, inc)| {
                        // Unqualified keys: sequences of older data directories, seen by all.
                        let (owner, name) = key.split_once('.').unwrap_or(("", &key));
                        let shown = all || owner.is_empty() || owner == schema;
                        let owner = if owner.is_empty() { "SYS" } else { owner };
                        shown.then(|| (owner.to_string(), name.to_string(), next, inc))
                    })
                    .map(|(owner, name, next, inc)| {
                        let num = |v: i128| Sql::Text(v.to_string());
                        let mut row = vec![
                            t(&name),
                            n(1),
                            num(9_999_999_999_999_999_999_999_999_999),
                            num(inc),
                            t("N"),
                            t("N"),
                            n(0),
                            num(next),
                        ];
                        if all {
                            row.insert(0, t(&owner));
                        }
                        row
                    })
                    .collect()
            }
            "ALL_USERS" => reg
                .users()
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    vec![
                        t(u),
                        n(100 + i as i64),
                        t(&me.attrs().logon_time),
                        t("NO"),
                        t("N"),
                    ]
                })
                .collect(),
            "USER_CONSTRAINTS" | "ALL_CONSTRAINTS" | "USER_CONS_COLUMNS" | "ALL_CONS_COLUMNS" => {
                self.constraint_rows(name.ends_with("CONSTRAINTS"), name.starts_with("ALL"))
            }
            "USER_TRIGGERS" | "ALL_TRIGGERS" => self.trigger_rows(name == "ALL_TRIGGERS"),
            "ALL_DIRECTORIES" | "DBA_DIRECTORIES" => self.directory_rows(),
            n if super::objects::is_type_view(n) => self.type_view_rows(n),
            _ => super::static_views::rows(name, &me.attrs().nls, &service),
        })
    }

    /// Tables of `schema` with their columns (cid, name, declared type,
    /// NOT NULL), read through this connection if the schema is attached
    /// (its uncommitted changes included), else from its file.
    /// The views of an attached schema: name and query text (what follows AS).
    fn schema_views(&self, schema: &str) -> Vec<(String, String)> {
        if !self.attached.iter().any(|a| a == schema) {
            return Vec::new();
        }
        let sql = format!(
            "SELECT name, sql FROM {}.sqlite_master WHERE type = 'view' ORDER BY name",
            quote(schema)
        );
        self.conn
            .prepare(&sql)
            .and_then(|mut stmt| {
                stmt.query_map([], |r| {
                    let text: String = r.get(1)?;
                    let body = text
                        .to_ascii_uppercase()
                        .find(" AS ")
                        .map_or(text.as_str(), |i| &text[i + 4..]);
                    Ok((r.get::<_, String>(0)?, body.trim().to_string()))
                })
                .map(|it| it.filter_map(Result::ok).collect())
            })
            .unwrap_or_default()
    }

    pub(crate) fn schema_tables(&self, schema: &str) -> Vec<(String, Vec<TableColumn>)> {
        let own;
        let conn = if self.attached.iter().any(|a| a == schema) {
            &self.conn
        } else {
            let path = self.db.schema_file(schema);
            if !path.exists() {
                return Vec::new();
            }
            let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
            match rusqlite::Connection::open_with_flags(path, flags) {
                Ok(c) => {
                    own = c;
                    &own
                }
                Err(_) => return Vec::new(),
            }
        };
        let db = if std::ptr::eq(conn, &self.conn) {
            quote(schema)
        } else {
            "main".to_string()
        };
        let names: Vec<String> = conn
            .prepare(&format!(
                "SELECT name FROM {db}.sqlite_master WHERE type = 'table' ORDER BY name"
            ))
            .and_then(|mut stmt| {
                stmt.query_map([], |r| r.get::<_, String>(0))
                    .map(|it| it.filter_map(Result::ok).collect())
            })
            .unwrap_or_default();
        names
            .into_iter()
            .filter(|n| !is_internal(n))
            .map(|table| {
                let cols = conn
                    .prepare(&format!("PRAGMA {db}.table_info({})", quote(&table)))
                    .and_then(|mut stmt| {
                        stmt.query_map([], |r| {
                            Ok((
                                r.get::<_, i64>(0)?,
                                r.get::<_, String>(1)?,
                                r.get::<_, String>(2)?,
                                r.get::<_, i64>(3)? != 0,
                                r.get::<_, Option<String>>(4)?,
                            ))
                        })
                        .map(|it| it.filter_map(Result::ok).collect())
                    })
                    .unwrap_or_default();
                (table, cols)
            })
            .collect()
    }
}

/// PRAGMA table_info's id, name, declared type, NOT NULL and default.
pub(crate) type TableColumn = (i64, String, String, bool, Option<String>);

/// USER_TAB_COLUMNS rows of tables and their columns.
fn column_rows(tables: Vec<(String, Vec<TableColumn>)>) -> Vec<Vec<Sql>> {
    let mut out = Vec::new();
    for (table, cols) in tables {
        for (cid, name, decl, notnull, default) in cols {
            let Some((c, identity)) = from_decl(&decl) else {
                continue;
            };
            let (ty, prec, scale) = data_type(&c);
            // A ROWID column is read back as its text: its name and
            // Oracle's length (10 bytes, no characters) from its decl.
            let rowid = super::types::is_rowid_decl(&decl);
            let (ty, size) = match rowid {
                true => ("ROWID".to_string(), 10),
                false => (ty, c.size),
            };
            let char_len = if rowid {
                0
            } else if matches!(
                c.ora_type,
                oradb_protocol::value::ora_type::VARCHAR | oradb_protocol::value::ora_type::CHAR
            ) {
                c.char_size as i64
            } else {
                0
            };
            out.push(vec![
                t(&table),
                t(&name),
                t(&ty),
                n(size),
                prec,
                scale,
                t(if c.nullable && !notnull { "Y" } else { "N" }),
                n(cid + 1),
                n(char_len),
                t(if identity.is_some() { "YES" } else { "NO" }),
                default.map_or(Sql::Null, |d| t(&d)),
            ]);
        }
    }
    out
}

/// DATA_TYPE_OWNER of each row `column_rows` gives: an object column's
/// type's owner, else NULL.
fn tab_col_owners(tables: &[(String, Vec<TableColumn>)]) -> Vec<Sql> {
    tables
        .iter()
        .flat_map(|(_, cols)| cols.iter())
        .filter_map(|(_, _, decl, ..)| from_decl(decl))
        .map(|(c, _)| c.object_type.map_or(Sql::Null, |o| t(&o.owner)))
        .collect()
}

fn stat_rows(s: &directory::SessionInfo) -> Vec<Vec<Sql>> {
    STATS
        .iter()
        .enumerate()
        .map(|(i, (k, _))| vec![n(s.sid()), n(*k), Sql::Integer(s.stat(i) as i64)])
        .collect()
}

/// The side table, in each schema's file, of the types of views' columns
/// that SQLite cannot describe (expressions); internal, so hidden.
const VIEW_COLS: &str = "ORA$VIEW_COLS";

impl Session {
    /// Remembers the described types of a view's select items (`body`, the
    /// query after AS), replacing what an earlier definition left.
    pub(super) fn record_view_types(&mut self, schema: &str, view: &str, body: &[Token]) {
        let table = format!("{}.\"{VIEW_COLS}\"", quote(schema));
        let Ok(p) = self.prepare(&super::describe::render(body)) else {
            return;
        };
        let _ = self.conn.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS {table} (VIEW_NAME TEXT, COL TEXT, DECL TEXT)"
        ));
        let _ = self
            .conn
            .execute(&format!("DELETE FROM {table} WHERE VIEW_NAME = ?1"), [view]);
        for (c, inferred) in p.columns.iter().zip(&p.inferred) {
            if *inferred && c.ora_type != oradb_protocol::value::ora_type::NUMBER {
                continue;
            }
            let _ = self.conn.execute(
                &format!("INSERT INTO {table} VALUES (?1, ?2, ?3)"),
                [view, c.name.as_str(), &super::types::decl_type(c, None)],
            );
        }
    }

    /// The recorded type of column `col` of a view of the current schema
    /// named in `toks` (SQLite names a view's columns as the view's text
    /// spells them, so case is ignored).
    pub(super) fn view_column_type(&self, toks: &[Token], col: &str) -> Option<ColumnInfo> {
        let table = format!("{}.\"{VIEW_COLS}\"", quote(&self.schema()));
        let r = self.conn.prepare(&format!(
            "SELECT DECL FROM {table} WHERE VIEW_NAME = ?1 AND upper(COL) = upper(?2)"
        ));
        let mut stmt = r.ok()?;
        toks.iter().filter_map(Token::ident).find_map(|name| {
            let decl: String = stmt.query_row([name.as_str(), col], |r| r.get(0)).ok()?;
            super::types::from_decl(&decl).map(|(c, _)| c)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tokenize;

    #[test]
    fn finds_views_by_name() {
        let toks = tokenize(
            "select value from v$mystat m join V$STATNAME n on n.statistic# = m.statistic#",
        )
        .unwrap();
        let names: Vec<&str> = named_views(&toks).iter().map(|v| v.0).collect();
        assert_eq!(names, ["V$MYSTAT", "V$STATNAME"]);
        let toks = tokenize("select version from product_component_version").unwrap();
        assert_eq!(named_views(&toks)[0].0, "PRODUCT_COMPONENT_VERSION");
        assert!(named_views(&tokenize("select * from t").unwrap()).is_empty());
    }
}
