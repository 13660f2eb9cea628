//! Transactions: Oracle's implicit transaction on SQLite, and statement-level
//! rollback. A failed statement (or a PL/SQL block ended by an unhandled
//! exception) undoes only its own changes; a session that had no transaction
//! before it is left with none, so it holds no write lock that would make
//! every other session's DML wait and fail with ORA-00054.

use super::{errors, Session, SqlError};

/// SQLite savepoint marking the start of the running statement's changes.
const MARK: &str = "ORADB_STMT";
/// Setting and releasing it, as literals: they run once per DML statement (per row of an
/// executeMany), where parsing them each time was a sixth of the server's CPU.
const SET_MARK: &str = "SAVEPOINT ORADB_STMT";
const RELEASE_MARK: &str = "RELEASE ORADB_STMT";

/// Where the running statement stands; `active` only inside [`Session::atomic`].
#[derive(Debug, Default)]
pub(super) struct Guard {
    active: bool,
    /// The statement started the transaction: undoing it is a ROLLBACK.
    began: bool,
    /// The savepoint is set (the transaction was already open at the first change).
    marked: bool,
}

impl Session {
    pub fn in_transaction(&self) -> bool {
        self.in_txn
    }

    pub fn commit(&mut self) -> Result<(), SqlError> {
        self.end_txn("COMMIT")
    }

    pub fn rollback(&mut self) -> Result<(), SqlError> {
        self.end_txn("ROLLBACK")
    }

    fn end_txn(&mut self, how: &str) -> Result<(), SqlError> {
        if self.in_txn {
            self.batch(how)?;
            self.in_txn = false;
        }
        // A COMMIT or ROLLBACK inside a PL/SQL block ends the savepoint too:
        // the block's later changes get a new one.
        self.guard.began = false;
        self.guard.marked = false;
        Ok(())
    }

    /// Starts Oracle's implicit transaction before the first change, and
    /// marks where the running statement's changes start.
    pub(super) fn begin(&mut self) -> Result<(), SqlError> {
        if !self.in_txn {
            self.begin_unmarked()?;
        } else if self.guard.active && !self.guard.began && !self.guard.marked {
            self.cached(SET_MARK)?;
            self.guard.marked = true;
        }
        Ok(())
    }

    /// Starts Oracle's implicit transaction, as `begin`, but sets no savepoint: for a
    /// statement that SQLite undoes by itself on error.
    pub(super) fn begin_unmarked(&mut self) -> Result<(), SqlError> {
        if !self.in_txn {
            self.cached("BEGIN")?;
            self.in_txn = true;
            self.guard.began = self.guard.active;
        }
        Ok(())
    }

    /// Whether a statement is running (a nested one belongs to it).
    pub(super) fn guard_active(&self) -> bool {
        self.guard.active
    }

    /// Runs one DML or PL/SQL statement atomically: on error its changes are
    /// undone and the session's earlier uncommitted work stays. Nested calls
    /// (EXECUTE IMMEDIATE) belong to the outer statement.
    pub(super) fn atomic<T>(
        &mut self,
        f: impl FnOnce(&mut Session) -> Result<T, SqlError>,
    ) -> Result<T, SqlError> {
        if self.guard.active {
            return f(self);
        }
        self.guard = Guard {
            active: true,
            ..Guard::default()
        };
        let out = f(self);
        let g = std::mem::take(&mut self.guard);
        // SQLite itself ends the transaction on some errors (an interrupt,
        // a full disk): then there is nothing left to undo.
        if self.conn.is_autocommit() {
            self.in_txn = false;
        }
        let undo = match (&out, self.in_txn) {
            (Ok(_), true) if g.marked => self.cached(RELEASE_MARK),
            (Err(_), true) if g.began => {
                self.in_txn = false;
                self.batch("ROLLBACK")
            }
            (Err(_), true) if g.marked => {
                self.batch(&format!("ROLLBACK TO {MARK}; RELEASE {MARK}"))
            }
            _ => Ok(()),
        };
        match (out, undo) {
            (Ok(v), Ok(())) => Ok(v),
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
        }
    }

    /// One statement through the connection's statement cache: no parse when it ran before.
    fn cached(&self, sql: &str) -> Result<(), SqlError> {
        self.conn
            .prepare_cached(sql)
            .and_then(|mut st| st.execute([]))
            .map(|_| ())
            .map_err(|e| errors::map(&e, &[], &self.user))
    }

    fn batch(&self, sql: &str) -> Result<(), SqlError> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| errors::map(&e, &[], &self.user))
    }
}
