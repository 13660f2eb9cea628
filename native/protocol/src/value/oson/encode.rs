//! [`Json`] → OSON image, in the shape python-oracledb and 21c+ accept: a
//! sorted field-name dictionary, u32 child offsets, one node per value.

use std::collections::HashMap;

use super::{err, flag, name_hash, node, Json, OsonError, MAGIC};
use super::{VERSION_LONG_NAMES, VERSION_SHORT_NAMES};
use crate::value::{datetime, float, number};

/// What the peer accepts.
#[derive(Debug, Clone, Copy, Default)]
pub struct EncodeOptions {
    /// Field names up to 65535 bytes (23ai peers); else 255.
    pub long_field_names: bool,
}

struct Name {
    bytes: Vec<u8>,
    hash: u32,
    id: u32,
}

/// Encodes a value as an OSON image.
pub fn encode(value: &Json, opts: EncodeOptions) -> Result<Vec<u8>, OsonError> {
    let max_name = if opts.long_field_names { 65535 } else { 255 };
    let mut names: Vec<Name> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    collect_names(value, &mut names, &mut index, max_name, 0)?;
    // Short names first, each group sorted as OSON readers expect.
    let key = |n: &Name| {
        (
            n.bytes.len() > 255,
            n.hash & 0xff,
            n.bytes.len(),
            n.bytes.clone(),
        )
    };
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|i| key(&names[*i]));
    for (id, i) in order.iter().enumerate() {
        names[*i].id = id as u32 + 1;
    }
    let field_id_size = match names.len() {
        0..=255 => 1,
        256..=65535 => 2,
        _ => 4,
    };
    let mut tree = Vec::new();
    let ids = |k: &str| names[index[k]].id;
    encode_node(value, &mut tree, &ids, field_id_size)?;

    let scalar = !matches!(value, Json::Array(_) | Json::Object(_));
    let mut flags = flag::INLINE_LEAF;
    let mut out = Vec::with_capacity(tree.len() + 64);
    out.extend_from_slice(&MAGIC);
    let (short, long): (Vec<&Name>, Vec<&Name>) = order
        .iter()
        .map(|i| &names[*i])
        .partition(|n| n.bytes.len() <= 255);
    out.push(if long.is_empty() {
        VERSION_SHORT_NAMES
    } else {
        VERSION_LONG_NAMES
    });
    let (short_seg, short_offs) = names_segment(&names, &short, 1);
    let (long_seg, long_offs) = names_segment(&names, &long, 2);
    if scalar {
        flags |= flag::IS_SCALAR;
    } else {
        flags |= flag::HASH_ID_U8 | flag::TINY_NODES_STAT;
        flags |= match field_id_size {
            1 => 0,
            2 => flag::NUM_FNAMES_U16,
            _ => flag::NUM_FNAMES_U32,
        };
        if short_seg.len() > 65535 {
            flags |= flag::FNAMES_SEG_U32;
        }
    }
    if tree.len() > 65535 {
        flags |= flag::TREE_SEG_U32;
    }
    out.extend_from_slice(&flags.to_be_bytes());
    if !scalar {
        put_uint(&mut out, short.len() as u32, field_id_size);
        put_uint(&mut out, short_seg.len() as u32, wide(short_seg.len()));
        if !long.is_empty() {
            let sec = if long_seg.len() <= 65535 {
                flag::SEC_FNAMES_SEG_U16
            } else {
                0
            };
            out.extend_from_slice(&sec.to_be_bytes());
            out.extend_from_slice(&(long.len() as u32).to_be_bytes());
            out.extend_from_slice(&(long_seg.len() as u32).to_be_bytes());
        }
    }
    put_uint(&mut out, tree.len() as u32, wide(tree.len()));
    if !scalar {
        out.extend_from_slice(&0u16.to_be_bytes()); // tiny nodes: none
        for n in &short {
            out.push(n.hash as u8);
        }
        for off in short_offs {
            put_uint(&mut out, off, wide(short_seg.len()));
        }
        out.extend_from_slice(&short_seg);
        for n in &long {
            out.extend_from_slice(&(n.hash as u16).to_be_bytes());
        }
        for off in long_offs {
            put_uint(&mut out, off, if long_seg.len() <= 65535 { 2 } else { 4 });
        }
        out.extend_from_slice(&long_seg);
    }
    out.extend_from_slice(&tree);
    Ok(out)
}

/// 2 bytes while the size fits a u16, else 4.
fn wide(len: usize) -> usize {
    if len <= 65535 {
        2
    } else {
        4
    }
}

fn put_uint(out: &mut Vec<u8>, v: u32, size: usize) {
    match size {
        1 => out.push(v as u8),
        2 => out.extend_from_slice(&(v as u16).to_be_bytes()),
        _ => out.extend_from_slice(&v.to_be_bytes()),
    }
}

/// The names of one group in first-seen order (as python-oracledb lays them
/// out), and each name's offset in dictionary (sorted) order.
fn names_segment(all: &[Name], sorted: &[&Name], len_size: usize) -> (Vec<u8>, Vec<u32>) {
    let long = len_size == 2;
    let mut seg = Vec::new();
    let mut at = HashMap::new();
    for n in all.iter().filter(|n| (n.bytes.len() > 255) == long) {
        at.insert(n.id, seg.len() as u32);
        put_uint(&mut seg, n.bytes.len() as u32, len_size);
        seg.extend_from_slice(&n.bytes);
    }
    let offs = sorted.iter().map(|n| at[&n.id]).collect();
    (seg, offs)
}

fn collect_names(
    v: &Json,
    names: &mut Vec<Name>,
    index: &mut HashMap<String, usize>,
    max: usize,
    depth: usize,
) -> Result<(), OsonError> {
    if depth > 1000 {
        return Err(err("JSON nesting is too deep to encode"));
    }
    match v {
        Json::Array(items) => {
            for i in items {
                collect_names(i, names, index, max, depth + 1)?;
            }
        }
        Json::Object(fields) => {
            for (k, child) in fields {
                if !index.contains_key(k) {
                    if k.len() > max {
                        return Err(err(format!(
                            "JSON field name of {} bytes exceeds the limit of {max}",
                            k.len()
                        )));
                    }
                    index.insert(k.clone(), names.len());
                    let bytes = k.as_bytes().to_vec();
                    let hash = name_hash(&bytes);
                    names.push(Name { bytes, hash, id: 0 });
                }
                collect_names(child, names, index, max, depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn len_prefixed(tree: &mut Vec<u8>, kinds: [u8; 3], b: &[u8]) {
    if b.len() < 256 {
        tree.push(kinds[0]);
        tree.push(b.len() as u8);
    } else if b.len() < 65536 {
        tree.push(kinds[1]);
        tree.extend_from_slice(&(b.len() as u16).to_be_bytes());
    } else {
        tree.push(kinds[2]);
        tree.extend_from_slice(&(b.len() as u32).to_be_bytes());
    }
    tree.extend_from_slice(b);
}

fn container_head(tree: &mut Vec<u8>, kind: u8, n: usize) {
    // u32 child offsets always: one layout whatever the size.
    let kind = kind | 0x20;
    if n > 65535 {
        tree.push(kind | 0x10);
        tree.extend_from_slice(&(n as u32).to_be_bytes());
    } else if n > 255 {
        tree.push(kind | 0x08);
        tree.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        tree.push(kind);
        tree.push(n as u8);
    }
}

fn encode_node(
    v: &Json,
    tree: &mut Vec<u8>,
    ids: &dyn Fn(&str) -> u32,
    id_size: usize,
) -> Result<(), OsonError> {
    match v {
        Json::Null => tree.push(node::NULL),
        Json::Bool(true) => tree.push(node::TRUE),
        Json::Bool(false) => tree.push(node::FALSE),
        Json::Number(s) => {
            let b = number::encode_str(s).map_err(|e| err(format!("JSON number {s}: {e}")))?;
            tree.push(node::NUMBER_U8);
            tree.push(b.len() as u8);
            tree.extend_from_slice(&b);
        }
        Json::Double(d) => {
            tree.push(node::DOUBLE);
            tree.extend_from_slice(&float::encode_f64(*d));
        }
        Json::Float(f) => {
            tree.push(node::FLOAT);
            tree.extend_from_slice(&float::encode_f32(*f));
        }
        Json::String(s) => len_prefixed(
            tree,
            [node::STRING_U8, node::STRING_U16, node::STRING_U32],
            s.as_bytes(),
        ),
        Json::Raw(b) if b.len() < 65536 => {
            tree.push(node::BINARY_U16);
            tree.extend_from_slice(&(b.len() as u16).to_be_bytes());
            tree.extend_from_slice(b);
        }
        Json::Raw(b) => {
            tree.push(node::BINARY_U32);
            tree.extend_from_slice(&(b.len() as u32).to_be_bytes());
            tree.extend_from_slice(b);
        }
        Json::Vector(b) => {
            let n = u32::try_from(b.len()).map_err(|_| err("VECTOR image over 4 GiB in JSON"))?;
            tree.extend_from_slice(&[node::EXTENDED, node::EXT_VECTOR]);
            tree.extend_from_slice(&n.to_be_bytes());
            tree.extend_from_slice(b);
        }
        Json::Id(b) => {
            let n = u8::try_from(b.len()).map_err(|_| err("JSON id longer than 255 bytes"))?;
            tree.extend_from_slice(&[node::ID, n]);
            tree.extend_from_slice(b);
        }
        Json::Date(d) => {
            tree.push(node::DATE);
            tree.extend_from_slice(&datetime::encode_date(d));
        }
        Json::Timestamp(d) if d.nanos == 0 => {
            tree.push(node::TIMESTAMP7);
            tree.extend_from_slice(&datetime::encode_date(d));
        }
        Json::Timestamp(d) => {
            tree.push(node::TIMESTAMP);
            tree.extend_from_slice(&datetime::encode_timestamp(d));
        }
        Json::TimestampTz(d, off) => {
            tree.push(node::TIMESTAMP_TZ);
            tree.extend_from_slice(&datetime::encode_timestamp_tz(d, *off));
        }
        Json::IntervalDs(i) => {
            tree.push(node::INTERVAL_DS);
            tree.extend_from_slice(&i.encode());
        }
        Json::IntervalYm(i) => {
            tree.push(node::INTERVAL_YM);
            tree.extend_from_slice(&i.encode());
        }
        Json::Array(items) => {
            container_head(tree, node::ARRAY, items.len());
            let mut at = tree.len();
            tree.resize(at + 4 * items.len(), 0);
            for item in items {
                let here = (tree.len() as u32).to_be_bytes();
                tree[at..at + 4].copy_from_slice(&here);
                at += 4;
                encode_node(item, tree, ids, id_size)?;
            }
        }
        Json::Object(fields) => {
            container_head(tree, node::OBJECT, fields.len());
            let mut id_at = tree.len();
            let mut off_at = id_at + id_size * fields.len();
            tree.resize(off_at + 4 * fields.len(), 0);
            for (k, child) in fields {
                let id = ids(k).to_be_bytes();
                tree[id_at..id_at + id_size].copy_from_slice(&id[4 - id_size..]);
                id_at += id_size;
                let here = (tree.len() as u32).to_be_bytes();
                tree[off_at..off_at + 4].copy_from_slice(&here);
                off_at += 4;
                encode_node(child, tree, ids, id_size)?;
            }
        }
    }
    Ok(())
}
