//! Oracle SQL on SQLite. One `Database` per server; one `Session` (with its
//! own SQLite connection to the shared database file, WAL mode) per client
//! session. Statements are translated from Oracle SQL and run for real.

mod batch;
pub mod bfile;
mod bind_limit;
mod boolean;
mod column_check;
#[cfg(test)]
mod column_check_tests;
pub mod date_text;
mod dbms_assert;
mod dbms_output;
mod ddl;
mod describe;
mod dict_constraints;
pub mod directory;
pub mod editions;
mod errors;
mod functions;
mod json_ctor;
mod json_dot;
mod json_fns;
mod last_rowid;
mod lexer;
mod lob_rows;
mod nested;
mod num;
mod objects;
pub mod oracle;
mod plsql;
mod query;
mod reserved;
mod rewrite;
mod row_reader;
mod schemas;
mod sequences;
mod session_state;
mod static_views;
mod stored;
mod synonyms;

#[cfg(test)]
mod json_column_tests;
#[cfg(test)]
mod json_ctor_tests;
mod sys_names;
#[cfg(test)]
mod toolkit_tests;
mod triggers;
#[cfg(test)]
mod tstz_region_tests;
#[cfg(test)]
mod tstz_tests;
mod txn;
mod types;
mod userenv;
mod vector;
mod views;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use oradb_protocol::value::{DateTime, Value};
use rusqlite::Connection;

pub use batch::RowOutcome;
pub use bind_limit::BindLimit;
use directory::SessionDirectory;
pub use errors::err as ora_error;
use lexer::Token;
pub use lob_rows::{LobRows, LobSource};
pub use objects::TypeRef;
pub use plsql::RefCursor;
use sequences::Sequences;
pub use stored::ArrayBind;
pub use views::now_text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    pub code: u32,
    /// Full text: "ORA-00942: table or view does not exist".
    pub message: String,
    /// Byte offset in the SQL where known, else 0.
    pub offset: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StmtKind {
    Query,
    Dml,
    Ddl,
    PlSql,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindDir {
    In,
    Out,
    InOut,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: String,
    pub ora_type: u8,
    /// Max bytes (> 0).
    pub size: u32,
    pub char_size: u32,
    pub precision: i8,
    /// Unconstrained NUMBER: precision 0, scale -127.
    pub scale: i8,
    pub nullable: bool,
    /// The object or collection type of an OBJECT (109) column.
    pub object_type: Option<TypeRef>,
    /// NCHAR, NVARCHAR2 and NCLOB: the national character set, which clients
    /// get as AL16UTF16 (character-set form 2), two bytes a character.
    pub national: bool,
    /// A column with an `IS JSON` check: the describe's UDS flags
    /// ([`UDS_IS_JSON`], or [`UDS_IS_OSON`] for `IS JSON FORMAT OSON`), by
    /// which clients parse its text or decode its OSON bytes.
    pub uds_flags: u32,
}

/// Describe flag of a column constrained `IS JSON`.
pub const UDS_IS_JSON: u32 = 0x100;
/// Describe flag of a BLOB column constrained `IS JSON FORMAT OSON`.
pub const UDS_IS_OSON: u32 = 0x800;

#[derive(Clone, Debug)]
pub struct Prepared {
    pub kind: StmtKind,
    pub bind_names: Vec<String>,
    /// Indices into `bind_names` of RETURNING … INTO binds (no values sent).
    pub returning: Vec<usize>,
    /// With `returning`: the query that reads the returned values back from
    /// one written row (`?1` its rowid), the statement returning rowids.
    reread: Option<String>,
    /// With `reread`: its plain LOB columns (index, source, type), returned
    /// as locators of the written row (lob_rows.rs).
    reread_lobs: Vec<(usize, LobSource, u8)>,
    pub plsql_dirs: Vec<BindDir>,
    pub columns: Vec<ColumnInfo>,
    sql: String,
    toks: Arc<Vec<Token>>,
    /// Translated SQLite text (queries and DML).
    translated: String,
    /// Expression columns whose type is known only from values.
    inferred: Vec<bool>,
    /// Static type hints of the select items (empty when unaligned).
    hints: Vec<describe::Hint>,
    /// `Database::ddl_generation` when this was prepared.
    ddl_generation: u64,
    /// The query again with each row's rowid, when its LOB columns name rows.
    lob: Option<Arc<lob_rows::LobQuery>>,
}

#[derive(Debug)]
pub enum Outcome {
    /// Rows of a query, with the columns as finally described.
    Rows {
        columns: Vec<ColumnInfo>,
        rows: Vec<Vec<Value>>,
    },
    Dml {
        row_count: u64,
        returning: Vec<Vec<Value>>,
    },
    Ddl,
    PlSql {
        out: Vec<Value>,
    },
}

/// Cancels the running call of a session (and any DBMS_SESSION.SLEEP).
#[derive(Clone)]
pub struct InterruptHandle {
    flag: Arc<AtomicBool>,
    sqlite: Arc<rusqlite::InterruptHandle>,
}

impl InterruptHandle {
    pub fn interrupt(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.sqlite.interrupt();
    }
    pub fn clear(&self) {
        self.flag.store(false, Ordering::SeqCst);
    }
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

/// The shared database: its file and the (non-transactional) sequences.
pub struct Database {
    /// SYS's schema (see schemas.rs); the other schemas are files beside it.
    path: PathBuf,
    dir: PathBuf,
    /// Schema files known to be in WAL mode.
    wal_ready: Mutex<HashSet<String>>,
    _temp: Option<tempfile::TempDir>,
    sequences: Sequences,
    /// Live sessions, users and the DRCP pool, as the server keeps them,
    /// for the session views, KILL SESSION and the user DDL.
    directory: Arc<dyn SessionDirectory>,
    /// Bumped by every DDL (and PL/SQL call, which may run DDL) in any session: a statement
    /// prepared under an older generation is prepared again before it runs (`Session::refresh`).
    ddl_generation: std::sync::atomic::AtomicU64,
}

impl Database {
    /// `None`: a private temporary database removed on drop. No server
    /// around it: no other sessions, an empty pool.
    pub fn open(data_dir: Option<&Path>) -> Result<Arc<Database>, SqlError> {
        Self::open_with(data_dir, Arc::new(directory::Standalone::default()))
    }

    /// As `open`, with the server's view of sessions, users and pool.
    pub fn open_with(
        data_dir: Option<&Path>,
        directory: Arc<dyn SessionDirectory>,
    ) -> Result<Arc<Database>, SqlError> {
        let fail =
            |e: std::io::Error| errors::err(1157, &format!("cannot identify/lock data file - {e}"));
        let (dir, temp) = match data_dir {
            Some(d) => {
                std::fs::create_dir_all(d).map_err(fail)?;
                (d.to_path_buf(), None)
            }
            None => {
                let t = tempfile::tempdir().map_err(fail)?;
                (t.path().to_path_buf(), Some(t))
            }
        };
        let db = Arc::new(Database {
            path: dir.join("oradb.sqlite"),
            dir: dir.clone(),
            wal_ready: Mutex::new(HashSet::new()),
            _temp: temp,
            sequences: Sequences::load(&dir),
            directory,
            ddl_generation: std::sync::atomic::AtomicU64::new(0),
        });
        db.prepare_schema_file("SYS")?;
        let conn = db.connect()?;
        conn.execute_batch(&format!(
            "ATTACH DATABASE '{}' AS SYS;
             CREATE TABLE IF NOT EXISTS SYS.\"DUAL\" (\"DUMMY\" TEXT_VC_1_1);
             INSERT INTO SYS.\"DUAL\" SELECT 'X' WHERE NOT EXISTS (SELECT 1 FROM SYS.\"DUAL\");
             {}
             {}",
            db.path.to_string_lossy().replace('\'', "''"),
            synonyms::CREATE_TABLE,
            bfile::CREATE_TABLE,
        ))
        .map_err(|e| errors::map(&e, &[], "SYS"))?;
        Ok(db)
    }

    pub fn directory(&self) -> &dyn SessionDirectory {
        &*self.directory
    }

    /// A connection whose `main` is empty: the schemas are attached to it.
    fn connect(&self) -> Result<Connection, SqlError> {
        let conn = Connection::open_in_memory()
            .map_err(|e| errors::err(1034, &format!("ORACLE not available ({e})")))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| errors::map(&e, &[], "SYS"))?;
        let _ = conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        Ok(conn)
    }

    fn create_sequence(&self, name: &str, start: i128, inc: i128) -> Result<(), SqlError> {
        self.sequences.create(name, start, inc)
    }
    fn drop_sequence(&self, name: &str) -> Result<(), SqlError> {
        self.sequences.drop(name)
    }
    fn drop_identity_sequences(&self, schema: &str, table: &str) {
        self.sequences
            .drop_prefix(&format!("{}ISEQ$$_{table}_", sequences::prefix(schema)));
    }
}

/// Per-session state the SQL functions need.
pub struct SessionShared {
    db: Arc<Database>,
    currval: Mutex<HashMap<String, i128>>,
    date_format: Mutex<String>,
    /// Application context values (namespace, attribute) → value, as the
    /// logon's AUTH_APPCTX entries set them; SYS_CONTEXT reads them.
    app_context: Arc<Mutex<HashMap<(String, String), String>>>,
    timestamp_format: Mutex<String>,
    /// The current schema, where unqualified sequence names resolve.
    schema: Mutex<String>,
    /// The session's entry: its TIME_ZONE, for zone-less times given to
    /// TIMESTAMP WITH TIME ZONE.
    info: Arc<crate::directory::SessionInfo>,
    /// The parsed TIME_ZONE and the text it was parsed from ([`Self::zone`]).
    zone: Mutex<Option<(String, oracle::timezone::Zone)>>,
}

impl SessionShared {
    /// A sequence's key: `name` as given when qualified, else in the
    /// current schema, else an unqualified one of an older data directory.
    fn sequence_key(&self, name: &str) -> String {
        if name.contains('.') {
            return name.to_string();
        }
        let schema = self.schema.lock().map(|s| s.clone()).unwrap_or_default();
        let own = format!("{}{name}", sequences::prefix(&schema));
        if !self.db.sequences.exists(&own) && self.db.sequences.exists(name) {
            return name.to_string();
        }
        own
    }
    fn nextval(&self, name: &str) -> Result<i128, String> {
        let name = &self.sequence_key(name);
        let v = self.db.sequences.next(name).map_err(|e| e.message)?;
        if let Ok(mut c) = self.currval.lock() {
            c.insert(name.to_string(), v);
        }
        Ok(v)
    }
    fn currval(&self, name: &str) -> Result<i128, String> {
        let name = &self.sequence_key(name);
        if !self.db.sequences.exists(name) {
            return Err("ORA-02289: sequence does not exist".into());
        }
        self.currval
            .lock()
            .ok()
            .and_then(|c| c.get(name).copied())
            .ok_or_else(|| {
                format!("ORA-08002: sequence {name}.CURRVAL is not yet defined in this session")
            })
    }
    fn date_format(&self) -> String {
        self.date_format
            .lock()
            .map(|f| f.clone())
            .unwrap_or_else(|_| oracle::datefmt::DEFAULT_DATE_FORMAT.into())
    }
    fn timestamp_format(&self) -> String {
        self.timestamp_format
            .lock()
            .map(|f| f.clone())
            .unwrap_or_else(|_| oracle::datefmt::DEFAULT_TIMESTAMP_FORMAT.into())
    }
    /// The session's time zone (ALTER SESSION SET TIME_ZONE: an offset or a
    /// region).
    /// Parsed once per change of TIME_ZONE: a region's lookup is costly and
    /// the ORA_TSTZ collation and column checks ask per comparison or row.
    fn zone(&self) -> oracle::timezone::Zone {
        let attrs = self.info.attrs();
        let tz = &attrs.time_zone;
        let Ok(mut cache) = self.zone.lock() else {
            return oracle::timezone::Zone::parse(tz).unwrap_or(oracle::timezone::Zone::Offset(0));
        };
        match cache.as_ref() {
            Some((text, zone)) if text == tz => zone.clone(),
            _ => {
                let zone =
                    oracle::timezone::Zone::parse(tz).unwrap_or(oracle::timezone::Zone::Offset(0));
                *cache = Some((tz.clone(), zone.clone()));
                zone
            }
        }
    }
    /// The session time zone's offset east of UTC, in minutes, at wall-clock
    /// time `local` (a region's depends on the date).
    fn tz_offset_at(&self, local: &DateTime) -> i32 {
        self.zone().offset_at(local).unwrap_or(0)
    }
    /// The session time zone's offset now: a region's at UTC's time, then
    /// at the wall-clock time that gives (at most a day away from UTC).
    fn tz_offset(&self) -> i32 {
        let (zone, now) = (self.zone(), self.now());
        let guess = zone.offset_at(&now).unwrap_or(0);
        date_text::shift(&now, guess)
            .and_then(|local| zone.offset_at(&local))
            .unwrap_or(guess)
    }
    fn now(&self) -> DateTime {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        DateTime::from_epoch(d.as_secs() as i64, d.subsec_micros() * 1000)
    }
}

pub struct Session {
    conn: Connection,
    db: Arc<Database>,
    user: String,
    in_txn: bool,
    /// Statement-level rollback for the running DML or PL/SQL call.
    guard: txn::Guard,
    interrupt: InterruptHandle,
    /// Per-session state the SQL functions read (NLS formats, CURRVAL).
    shared: Arc<SessionShared>,
    /// This session's entry, shared with the server (which lists it at logon).
    info: Arc<crate::directory::SessionInfo>,
    plsql: stored::PlsqlState,
    /// `Database::ddl_generation` when this session last caught up with DDL (`catch_up_ddl`).
    seen_ddl_generation: u64,
    /// Schemas attached to `conn`, the current one first.
    attached: Vec<String>,
    /// What the authorizer lets statements read (see schemas.rs).
    visible: Arc<Mutex<schemas::Visible>>,
    /// Rowids and LOB sources of the last query with persistent LOBs.
    lob_rows: Option<LobRows>,
    /// Row triggers by table (triggers.rs).
    triggers: triggers::Cache,
    /// The SQLite row id of the last row the last DML statement touched (last_rowid.rs).
    last_rowid: Option<i64>,
    /// Set by `execute_many` while the running row's statement already has
    /// its schemas and views attached (batch.rs).
    views_attached: bool,
    /// How many times `sync_schema` reset what statements may read: a row
    /// whose triggers ran statements of their own leaves it set for those.
    schema_syncs: u64,
}

impl Session {
    /// The ROWID of the last row the last DML statement run by `execute` touched: what
    /// Oracle sends clients as the call's last rowid. None after other statements.
    pub fn last_rowid(&self) -> Option<oradb_protocol::ttc::rowid::Rowid> {
        self.last_rowid.map(oracle::rowid::of_row)
    }

    /// The session time zone's offset east of UTC, in minutes, at wall-clock
    /// time `local`: the zone a zone-less value takes as TIMESTAMP WITH TIME
    /// ZONE (a PL/SQL OUT bind of that type, say).
    pub fn zone_offset_at(&self, local: &DateTime) -> i32 {
        self.shared.tz_offset_at(local)
    }

    pub fn open(db: &Arc<Database>, user: &str) -> Result<Session, SqlError> {
        Self::open_with(db, user, None)
    }

    /// With `parent`, a private session for stored functions called from
    /// that session's SQL: it shares the parent's state (NLS formats,
    /// CURRVAL, module, session entry) but has a connection of its own.
    pub(crate) fn open_with(
        db: &Arc<Database>,
        user: &str,
        parent: Option<(Arc<SessionShared>, Arc<crate::directory::SessionInfo>)>,
    ) -> Result<Session, SqlError> {
        let conn = db.connect()?;
        let nested = parent.is_some();
        let (shared, info) = parent.unwrap_or_else(|| {
            let info = session_state::new_info(user);
            let shared = Arc::new(SessionShared {
                db: db.clone(),
                currval: Mutex::new(HashMap::new()),
                date_format: Mutex::new(oracle::datefmt::DEFAULT_DATE_FORMAT.into()),
                app_context: Default::default(),
                timestamp_format: Mutex::new(oracle::datefmt::DEFAULT_TIMESTAMP_FORMAT.into()),
                schema: Mutex::new(user.to_ascii_uppercase()),
                info: info.clone(),
                zone: Mutex::new(None),
            });
            (shared, info)
        });
        let visible: Arc<Mutex<schemas::Visible>> = Default::default();
        schemas::install_authorizer(&conn, visible.clone());
        functions::register(&conn, shared.clone()).map_err(|e| errors::map(&e, &[], user))?;
        column_check::register(&conn, shared.clone()).map_err(|e| errors::map(&e, &[], user))?;
        vector::register(&conn).map_err(|e| errors::map(&e, &[], user))?;
        lob_rows::register(&conn).map_err(|e| errors::map(&e, &[], user))?;
        objects::register(&conn).map_err(|e| errors::map(&e, &[], user))?;
        dbms_assert::register(&conn).map_err(|e| errors::map(&e, &[], user))?;
        conn.create_collation("ORA_INTERVAL", oracle::interval::collate)
            .map_err(|e| errors::map(&e, &[], user))?;
        let s = shared.clone();
        conn.create_collation("ORA_TSTZ", move |a, b| {
            date_text::collate_instants(a, b, &s.zone())
        })
        .map_err(|e| errors::map(&e, &[], user))?;
        let interrupt = InterruptHandle {
            flag: Arc::new(AtomicBool::new(false)),
            sqlite: Arc::new(conn.get_interrupt_handle()),
        };
        if !nested {
            info.set_interrupt(interrupt.clone());
        }
        session_state::register(&conn, info.clone(), db.clone(), shared.app_context.clone())
            .map_err(|e| errors::map(&e, &[], user))?;
        let mut s = Session {
            conn,
            db: db.clone(),
            user: user.to_ascii_uppercase(),
            in_txn: false,
            guard: txn::Guard::default(),
            interrupt,
            shared,
            info,
            plsql: stored::PlsqlState::default(),
            seen_ddl_generation: 0,
            attached: Vec::new(),
            visible,
            lob_rows: None,
            triggers: Default::default(),
            last_rowid: None,
            views_attached: false,
            schema_syncs: 0,
        };
        s.sync_schema()?;
        Ok(s)
    }

    /// Array binds for the next PL/SQL call (by bind position): index-by
    /// tables passed to collection parameters (DBMS_OUTPUT.GET_LINES,
    /// package procedures). An array bind that is not a whole call
    /// argument is PLS-00306 at its position, one to plain SQL ORA-01484.
    pub fn set_array_binds(
        &mut self,
        p: &Prepared,
        arrays: Vec<Option<ArrayBind>>,
    ) -> Result<(), SqlError> {
        self.plsql.arrays = Vec::new();
        for (i, a) in arrays.iter().enumerate() {
            if a.is_none() {
                continue;
            }
            if p.kind != StmtKind::PlSql {
                return Err(errors::err(
                    1484,
                    "arrays can only be bound to PL/SQL statements",
                ));
            }
            let Some(name) = p.bind_names.get(i) else {
                continue;
            };
            let t = &p.toks;
            for (k, tok) in t.iter().enumerate() {
                if !matches!(&tok.tok, lexer::Tok::Bind(b) if b == name) {
                    continue;
                }
                // An index-by table goes to a parameter: a whole argument.
                let prev = k.checked_sub(1).and_then(|j| t.get(j));
                let next = t.get(k + 1);
                let as_arg = prev.is_some_and(|x| x.is_op("(") || x.is_op(",") || x.is_op("=>"))
                    && next.is_some_and(|x| x.is_op(")") || x.is_op(","));
                if !as_arg {
                    return Err(SqlError {
                        offset: tok.pos as u32,
                        ..errors::err(
                            6550,
                            &format!(
                                "PLS-00306: wrong number or types of arguments: the array bind :{name} \
                                 can only be passed to a collection parameter"
                            ),
                        )
                    });
                }
            }
        }
        self.plsql.arrays = arrays;
        Ok(())
    }

    /// The array binds after a PL/SQL call (OUT values filled in).
    pub fn take_array_binds(&mut self) -> Vec<Option<ArrayBind>> {
        std::mem::take(&mut self.plsql.arrays)
    }

    /// Sets an application context attribute for SYS_CONTEXT(namespace,
    /// attribute), as a client's logon `appcontext` entries do (namespace
    /// and attribute are case-insensitive, the value is kept as given).
    pub fn set_app_context(&self, namespace: &str, attribute: &str, value: &str) {
        if let Ok(mut m) = self.shared.app_context.lock() {
            let key = (
                namespace.to_ascii_uppercase(),
                attribute.to_ascii_uppercase(),
            );
            m.insert(key, value.to_string());
        }
    }

    pub fn interrupt_handle(&self) -> InterruptHandle {
        self.interrupt.clone()
    }

    /// Runs SQLite text for DDL: Oracle commits before and after DDL.
    fn exec_sql(&mut self, sql: &str, toks: &[Token]) -> Result<(), SqlError> {
        self.commit()?;
        self.conn
            .execute_batch(sql)
            .map_err(|e| errors::map(&e, toks, &self.user))
    }

    fn check_interrupt(&self) -> Result<(), SqlError> {
        if self.info.killed() != crate::directory::kill::NONE {
            return Err(errors::err(28, "your session has been killed"));
        }
        if self.interrupt.is_set() {
            return Err(errors::err(
                1013,
                "user requested cancel of current operation",
            ));
        }
        Ok(())
    }
}
