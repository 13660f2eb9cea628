//! OSON image → [`Json`]. Offsets come from the image, so every jump is
//! checked and the walk is bounded: a cyclic or self-sharing tree from a bad
//! client ends in an error, not a stack overflow or an exponential walk.

use super::{err, flag, node, scalar_from_bytes, Json, OsonError, MAGIC};
use super::{VERSION_LONG_NAMES, VERSION_SHORT_NAMES};

/// Deepest nesting accepted (Oracle's own limit is lower).
const MAX_DEPTH: usize = 1000;

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], OsonError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.data.len());
        let end = end.ok_or_else(|| err("OSON image is truncated"))?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, OsonError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, OsonError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, OsonError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// A u8, u16 or u32 by `size`.
    fn uint(&mut self, size: usize) -> Result<u32, OsonError> {
        match size {
            1 => self.u8().map(u32::from),
            2 => self.u16().map(u32::from),
            _ => self.u32(),
        }
    }
    fn seek(&mut self, pos: usize) -> Result<(), OsonError> {
        if pos > self.data.len() {
            return Err(err("OSON offset points past the image"));
        }
        self.pos = pos;
        Ok(())
    }
}

struct Tree<'a> {
    r: Reader<'a>,
    names: Vec<String>,
    field_id_size: usize,
    tree_pos: usize,
    relative: bool,
    /// Nodes left to visit: a well-formed tree has at most one per byte.
    budget: usize,
}

/// Decodes an OSON image.
pub fn decode(data: &[u8]) -> Result<Json, OsonError> {
    let mut r = Reader { data, pos: 0 };
    if r.take(3)? != MAGIC {
        return Err(err("data is not an OSON image (bad magic bytes)"));
    }
    let version = r.u8()?;
    if version != VERSION_SHORT_NAMES && version != VERSION_LONG_NAMES {
        return Err(err(format!("OSON version {version} is not supported")));
    }
    let flags = r.u16()?;
    let relative = flags & flag::REL_OFFSETS != 0;
    let tree_size_len = if flags & flag::TREE_SEG_U32 != 0 {
        4
    } else {
        2
    };
    if flags & flag::IS_SCALAR != 0 {
        let size = r.uint(tree_size_len)? as usize;
        let tree_pos = r.pos;
        let mut t = Tree {
            r,
            names: Vec::new(),
            field_id_size: 1,
            tree_pos,
            relative,
            budget: size.max(1),
        };
        return t.node(0);
    }
    let field_id_size = if flags & flag::NUM_FNAMES_U32 != 0 {
        4
    } else if flags & flag::NUM_FNAMES_U16 != 0 {
        2
    } else {
        1
    };
    let num_short = r.uint(field_id_size)? as usize;
    let short_off_size = if flags & flag::FNAMES_SEG_U32 != 0 {
        4
    } else {
        2
    };
    let short_seg = r.uint(short_off_size)? as usize;
    let (mut num_long, mut long_off_size, mut long_seg) = (0, 4, 0);
    if version == VERSION_LONG_NAMES {
        if r.u16()? & flag::SEC_FNAMES_SEG_U16 != 0 {
            long_off_size = 2;
        }
        num_long = r.u32()? as usize;
        long_seg = r.u32()? as usize;
    }
    let tree_size = r.uint(tree_size_len)? as usize;
    let _tiny_nodes = r.u16()?;
    let mut names = Vec::new();
    read_names(&mut r, &mut names, num_short, 1, short_off_size, short_seg)?;
    read_names(&mut r, &mut names, num_long, 2, long_off_size, long_seg)?;
    let tree_pos = r.pos;
    let mut t = Tree {
        r,
        names,
        field_id_size,
        tree_pos,
        relative,
        budget: tree_size.max(1),
    };
    t.node(0)
}

/// Reads one names segment: hashes (skipped), offsets, then names each
/// prefixed by a length of `len_size` bytes.
fn read_names(
    r: &mut Reader,
    names: &mut Vec<String>,
    count: usize,
    len_size: usize,
    off_size: usize,
    seg_size: usize,
) -> Result<(), OsonError> {
    if count == 0 {
        return Ok(());
    }
    r.take(
        count
            .checked_mul(len_size)
            .ok_or_else(|| err("OSON name count overflows"))?,
    )?;
    let mut offsets = Vec::with_capacity(count.min(r.data.len()));
    for _ in 0..count {
        offsets.push(r.uint(off_size)? as usize);
    }
    let seg = r.take(seg_size)?;
    for off in offsets {
        let mut s = Reader {
            data: seg,
            pos: off,
        };
        s.seek(off)?;
        let len = s.uint(len_size)? as usize;
        let name =
            std::str::from_utf8(s.take(len)?).map_err(|_| err("OSON field name is not UTF-8"))?;
        names.push(name.to_string());
    }
    Ok(())
}

impl Tree<'_> {
    fn node(&mut self, depth: usize) -> Result<Json, OsonError> {
        if depth > MAX_DEPTH {
            return Err(err("OSON nesting is too deep"));
        }
        self.budget = self
            .budget
            .checked_sub(1)
            .ok_or_else(|| err("OSON tree has more nodes than bytes (cyclic offsets?)"))?;
        let kind = self.r.u8()?;
        if kind & 0x80 != 0 {
            return self.container(kind, depth);
        }
        let r = &mut self.r;
        let fixed = |n: usize, r: &mut Reader| -> Result<Json, OsonError> {
            scalar_from_bytes(kind, r.take(n)?)
        };
        Ok(match kind {
            node::NULL => Json::Null,
            node::TRUE => Json::Bool(true),
            node::FALSE => Json::Bool(false),
            node::DATE | node::TIMESTAMP7 => fixed(7, r)?,
            node::TIMESTAMP => fixed(11, r)?,
            node::TIMESTAMP_TZ => fixed(13, r)?,
            node::FLOAT => fixed(4, r)?,
            node::DOUBLE => fixed(8, r)?,
            node::INTERVAL_DS => fixed(11, r)?,
            node::INTERVAL_YM => fixed(5, r)?,
            node::STRING_U8 | node::STRING_U16 | node::STRING_U32 => {
                let size = match kind {
                    node::STRING_U8 => 1,
                    node::STRING_U16 => 2,
                    _ => 4,
                };
                let n = r.uint(size)?;
                text(r.take(n as usize)?)?
            }
            node::NUMBER_U8 => {
                let n = r.u8()? as usize;
                scalar_from_bytes(node::NUMBER_U8, r.take(n)?)?
            }
            node::ID => {
                let n = r.u8()? as usize;
                Json::Id(r.take(n)?.to_vec())
            }
            node::BINARY_U16 => {
                let n = r.u16()? as usize;
                Json::Raw(r.take(n)?.to_vec())
            }
            node::BINARY_U32 => {
                let n = r.u32()? as usize;
                Json::Raw(r.take(n)?.to_vec())
            }
            node::EXTENDED => {
                let ext = r.u8()?;
                if ext == node::EXT_VECTOR {
                    let n = r.u32()? as usize;
                    return Ok(Json::Vector(r.take(n)?.to_vec()));
                }
                return Err(err(format!(
                    "OSON extended type 0x{ext:02x} is not supported"
                )));
            }
            // NUMBER with its length - 1 in the low nibble.
            k if matches!(k & 0xf0, 0x20 | 0x60) => {
                scalar_from_bytes(node::NUMBER_U8, r.take((k & 0x0f) as usize + 1)?)?
            }
            // Integer NUMBER with its length in the low nibble.
            k if matches!(k & 0xf0, 0x40 | 0x50) => {
                scalar_from_bytes(node::NUMBER_U8, r.take((k & 0x0f) as usize)?)?
            }
            // Short string with its length in the node byte.
            k if k & 0xe0 == 0 => text(r.take(k as usize)?)?,
            k => return Err(err(format!("OSON node type 0x{k:02x} is not supported"))),
        })
    }

    fn offset(&mut self, kind: u8) -> Result<usize, OsonError> {
        Ok(if kind & 0x20 != 0 {
            self.r.u32()? as usize
        } else {
            self.r.u16()? as usize
        })
    }

    /// Children count by bits 4-5 of the node type; None when the object
    /// shares another object's field ids.
    fn num_children(&mut self, kind: u8) -> Result<Option<usize>, OsonError> {
        Ok(Some(match kind & 0x18 {
            0x00 => self.r.u8()? as usize,
            0x08 => self.r.u16()? as usize,
            0x10 => self.r.u32()? as usize,
            _ => return Ok(None),
        }))
    }

    fn container(&mut self, kind: u8, depth: usize) -> Result<Json, OsonError> {
        let is_object = kind & 0x40 == 0;
        let container_off = self.r.pos - self.tree_pos - 1;
        let (count, mut ids_pos, mut offs_pos) = match self.num_children(kind)? {
            Some(n) if is_object => (n, self.r.pos, self.r.pos + self.field_id_size * n),
            Some(n) => (n, 0, self.r.pos),
            None => {
                // Field ids live in the shared object; value offsets here.
                let shared = self.offset(kind)?;
                let offs = self.r.pos;
                self.r.seek(self.tree_pos + shared)?;
                let shared_kind = self.r.u8()?;
                let n = self
                    .num_children(shared_kind)?
                    .ok_or_else(|| err("OSON shared field ids point at another shared object"))?;
                (n, self.r.pos, offs)
            }
        };
        // Every child takes at least one offset byte: a count past the image is bad.
        if count > self.r.data.len() {
            return Err(err(
                "OSON container claims more children than the image holds",
            ));
        }
        let mut fields = Vec::with_capacity(if is_object { count } else { 0 });
        let mut items = Vec::with_capacity(if is_object { 0 } else { count });
        for _ in 0..count {
            let mut name = None;
            if is_object {
                self.r.seek(ids_pos)?;
                let id = self.r.uint(self.field_id_size)? as usize;
                ids_pos = self.r.pos;
                let n = id
                    .checked_sub(1)
                    .and_then(|i| self.names.get(i))
                    .ok_or_else(|| err(format!("OSON field id {id} is not in the dictionary")))?;
                name = Some(n.clone());
            }
            self.r.seek(offs_pos)?;
            let mut off = self.offset(kind)?;
            if self.relative {
                off += container_off;
            }
            offs_pos = self.r.pos;
            self.r.seek(self.tree_pos + off)?;
            let value = self.node(depth + 1)?;
            match name {
                Some(n) => fields.push((n, value)),
                None => items.push(value),
            }
        }
        Ok(if is_object {
            Json::Object(fields)
        } else {
            Json::Array(items)
        })
    }
}

fn text(b: &[u8]) -> Result<Json, OsonError> {
    std::str::from_utf8(b)
        .map(|s| Json::String(s.to_string()))
        .map_err(|_| err("OSON string is not UTF-8"))
}
