//! `table%ROWTYPE` as clients describe and bind it (python-oracledb's
//! `conn.gettype("T%ROWTYPE")`, a package's `TABLE OF t%ROWTYPE`): an object
//! type of the table's columns, named `T%ROWTYPE`.

use oradb_protocol::value::ora_type;

use crate::{ColumnInfo, Session};

use super::{AttrType, ObjKind, ObjType};

/// The suffix that makes a table's name a record type's.
pub(crate) const SUFFIX: &str = "%ROWTYPE";

impl Session {
    /// `owner.name`, `name` being `TABLE%ROWTYPE`: `None` when there is no
    /// such table or a column has a type no object attribute can hold.
    pub(crate) fn rowtype(&self, owner: &str, name: &str) -> Option<ObjType> {
        let table = name.strip_suffix(SUFFIX)?;
        let (_, cols) = self
            .schema_tables(owner)
            .into_iter()
            .find(|(t, _)| t == table)?;
        let attrs = cols
            .iter()
            .map(|(_, col, decl, ..)| {
                let (c, _) = crate::types::from_decl(decl)?;
                Some((col.clone(), attr_of(&c)?))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(ObjType {
            owner: owner.to_string(),
            name: name.to_string(),
            kind: ObjKind::Object(attrs),
        })
    }
}

/// The attribute type a column of this description holds.
fn attr_of(c: &ColumnInfo) -> Option<AttrType> {
    let len = |n: u32| u16::try_from(n).ok();
    Some(match c.ora_type {
        ora_type::NUMBER => AttrType::Number {
            precision: u8::try_from(c.precision).ok()?,
            scale: c.scale,
        },
        ora_type::VARCHAR if c.national => AttrType::NVarchar(len(c.char_size)?),
        ora_type::VARCHAR => AttrType::Varchar(len(c.size)?),
        ora_type::CHAR if c.national => AttrType::NChar(len(c.char_size)?),
        ora_type::CHAR => AttrType::Char(len(c.size)?),
        ora_type::RAW => AttrType::Raw(len(c.size)?),
        ora_type::BINARY_FLOAT => AttrType::BinaryFloat,
        ora_type::BINARY_DOUBLE => AttrType::BinaryDouble,
        ora_type::DATE => AttrType::Date,
        ora_type::TIMESTAMP => AttrType::Timestamp(u8::try_from(c.scale).ok()?),
        ora_type::TIMESTAMP_TZ => AttrType::TimestampTz(u8::try_from(c.scale).ok()?),
        ora_type::TIMESTAMP_LTZ => AttrType::TimestampLtz(u8::try_from(c.scale).ok()?),
        ora_type::CLOB if c.national => AttrType::NClob,
        ora_type::CLOB => AttrType::Clob,
        ora_type::BLOB => AttrType::Blob,
        ora_type::BOOLEAN => AttrType::Boolean,
        ora_type::OBJECT => {
            let t = c.object_type.as_ref()?;
            AttrType::Named {
                owner: t.owner.clone(),
                name: t.name.clone(),
            }
        }
        _ => return None,
    })
}
