//! The PL/SQL subset of anonymous blocks and stored procedures/functions.
//!
//! A block is parsed into a small statement tree (declarations, `NULL;`,
//! assignments, IF/ELSIF/ELSE, LOOP/WHILE/FOR with EXIT/CONTINUE, RETURN,
//! RAISE, nested blocks with EXCEPTION handlers, calls, SQL statements,
//! EXECUTE IMMEDIATE … USING, COMMIT/ROLLBACK, RAISE_APPLICATION_ERROR,
//! DBMS_OUTPUT and DBMS_SESSION.SLEEP), local procedures and functions,
//! packages, index-by tables and records, explicit cursors and cursor FOR
//! loops, PRAGMA EXCEPTION_INIT. Expressions are not interpreted
//! here: they run as `SELECT expr` on SQLite with the variables as binds,
//! after calls of stored functions in them were evaluated and replaced.

mod ast;
mod binds;
mod calls;
mod colls;
mod cursors;
mod expr;
mod frame;
mod interp;
mod objvars;
mod overloads;
mod packages;
mod parser;
mod pickler;
mod refcursor;
mod rowtype;
mod statements;

#[cfg(test)]
pub use ast::Ty;
pub use ast::{Block, Kind, Package, Unit};
pub use binds::analyze;
pub use calls::PkgVars;
pub use parser::parse_package;
pub use parser::Parser;
pub use pickler::modes as pickler_modes;
pub use refcursor::RefCursor;

/// Deepest nesting of stored calls; deeper recursion is an error, not a
/// blown thread stack.
const MAX_CALL_DEPTH: usize = 50;
/// Deepest nesting of blocks/IF/LOOP the parser accepts.
const MAX_NESTING: usize = 64;

#[cfg(test)]
mod tests {
    use super::ast::{Stmt, Ty};
    use super::frame::{coerce, out_value};
    use super::parser::{normalize, parse_anonymous};
    use super::*;
    use crate::lexer::tokenize;
    use crate::SqlError;
    use oradb_protocol::value::Value;
    use rusqlite::types::Value as Sql;

    fn parse(src: &str) -> Result<Block, SqlError> {
        parse_anonymous(&tokenize(src).unwrap(), src)
    }

    #[test]
    fn parses_control_flow() {
        let b = parse(
            "declare n number := 0; s varchar2(10); begin
               for i in 1..10 loop n := n + i; end loop;
               while n > 0 loop n := n - 7; exit when n < 3; end loop;
               if n = 1 then null; elsif n = 2 then s := 'two'; else s := 'x'; end if;
               <<outer>> loop exit; end loop outer;
               begin raise no_data_found; exception when no_data_found or too_many_rows then null; end;
             end;",
        )
        .unwrap();
        assert_eq!(b.decls.len(), 2);
        assert_eq!(b.decls[0].ty, Ty::Number);
        assert_eq!(b.decls[1].ty, Ty::Varchar);
        assert_eq!(b.body.len(), 5);
        assert!(matches!(&b.body[0], Stmt::For { var, reverse: false, .. } if var == "I"));
        assert!(matches!(&b.body[2], Stmt::If(arms, other) if arms.len() == 2 && other.len() == 1));
        assert!(matches!(&b.body[4], Stmt::Block(inner) if inner.handlers[0].names.len() == 2));
    }

    #[test]
    fn malformed_blocks_are_errors_not_panics() {
        for src in [
            "begin",
            "begin end;",
            "begin if x then null; end;",
            "begin loop null; end if; end;",
            "begin for i in 1 loop null; end loop; end;",
            "begin x := ; end;",
            "declare x; begin null; end;",
            "begin null; end; extra",
            "begin while loop null; end loop; end;",
            "begin <<a begin null; end;",
            "begin exception when then null; end;",
        ] {
            assert!(parse(src).is_err(), "{src}");
        }
        let deep = format!("{}null;{}", "begin ".repeat(200), "end; ".repeat(200));
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn ranges_and_coercion() {
        let toks = normalize(&tokenize("1..n a .. 3").unwrap());
        let ops = toks.iter().filter(|t| t.is_op("..")).count();
        assert_eq!(ops, 2);
        assert_eq!(
            coerce(Sql::Text("42".into()), Ty::Number).unwrap(),
            Sql::Integer(42)
        );
        assert_eq!(
            coerce(Sql::Integer(7), Ty::Varchar).unwrap(),
            Sql::Text("7".into())
        );
        assert_eq!(
            coerce(Sql::Text("abc".into()), Ty::Number)
                .unwrap_err()
                .code,
            6502
        );
        assert_eq!(
            out_value(&Sql::Integer(1), Ty::Boolean),
            Value::Boolean(true)
        );
    }
}

#[cfg(test)]
mod feature_tests;
#[cfg(test)]
mod obj_tests;
