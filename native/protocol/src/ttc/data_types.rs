//! DTY: data-type negotiation (message type 2). Thin clients ask for the
//! universal representation; our server answers with an empty table, which
//! both python-oracledb and node-oracledb accept.

use super::{msg, Caps};
use crate::buf::{malformed, DecodeResult, Reader, Writer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataTypesRequest {
    pub charset: u16,
    pub ncharset: u16,
    pub flags: u8,
    pub compile_caps: Vec<u8>,
    pub runtime_caps: Vec<u8>,
    /// One entry per type, with every (conversion type, representation)
    /// the client offers for it, in its order.
    pub types: Vec<TypeEntry>,
    /// The bytes after the runtime capabilities, as sent (for
    /// [`DataTypesRequest::table_is_whole`]).
    pub table: Vec<u8>,
}

/// One data type of a DTY table: `type, (conversion, representation)…, 0`.
/// Thin clients and JDBC offer one pair (none for a type they do not
/// convert); OCI 19.3 offers two for the integer types 25..=33, its native
/// representation first and universal (1) last, e.g. SB1 `27 | 27 10 | 27 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeEntry {
    pub ty: u16,
    pub offers: Vec<(u16, u16)>,
}

impl TypeEntry {
    pub fn new(ty: u16, conv: u16, rep: u16) -> Self {
        TypeEntry {
            ty,
            offers: vec![(conv, rep)],
        }
    }
}

const REP_UNIVERSAL: u16 = 1;
/// Representation "Oracle" (native Oracle encodings of data types).
const REP_ORACLE: u16 = 10;

/// The data types our client uses, each converted to itself.
const CLIENT_TYPES: &[u16] = &[
    1, 2, 8, 12, 23, 24, 96, 100, 101, 102, 104, 112, 113, 180, 181, 182, 183, 208, 231, 252,
];
/// Primitive wire types (ub1/ub2/ub4/sb*, pointers) in universal form.
/// SB1 is not among them: as for python-oracledb and node-oracledb, a
/// column's scale then comes as one raw byte.
const UNIVERSAL_TYPES: &[u16] = &[3, 4, 6, 9, 10, 15, 21, 22, 25, 26, 28, 29, 30, 31, 32, 33];

impl DataTypesRequest {
    pub fn thin_client(compile_caps: Vec<u8>, runtime_caps: Vec<u8>) -> Self {
        let mut types: Vec<TypeEntry> = CLIENT_TYPES
            .iter()
            .map(|t| TypeEntry::new(*t, *t, REP_ORACLE))
            .collect();
        types.extend(
            UNIVERSAL_TYPES
                .iter()
                .map(|t| TypeEntry::new(*t, *t, REP_UNIVERSAL)),
        );
        types.push(TypeEntry::new(TYPE_SB1, TYPE_SB1, REP_ORACLE));
        DataTypesRequest {
            charset: 873,
            ncharset: 873,
            flags: 0x03,
            compile_caps,
            runtime_caps,
            types,
            table: Vec::new(),
        }
    }

    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::DATA_TYPES)
            .u16le(self.charset)
            .u16le(self.ncharset)
            .u8(self.flags);
        w.bytes(&self.compile_caps).bytes(&self.runtime_caps);
        for e in &self.types {
            w.u16be(e.ty);
            for (c, r) in &e.offers {
                w.u16be(*c).u16be(*r);
            }
            w.u16be(0);
        }
        w.u16be(0);
    }

    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let charset = r.u16le()?;
        let ncharset = r.u16le()?;
        let flags = r.u8()?;
        let compile_caps = r.bytes()?.unwrap_or_default();
        let runtime_caps = r.bytes()?.unwrap_or_default();
        // A client whose server asked for it (runtime caps [1] & 1) may send
        // its time zone, and its version when compile caps [37] & 2; ours
        // never asks, but a client may send it anyway. OCI 19.3 sets the
        // bit and sends neither.
        let all = r.rest();
        let mut starts = Vec::new();
        if runtime_caps.get(1).is_some_and(|b| b & 1 != 0) {
            let tz = if compile_caps.get(37).is_some_and(|b| b & 2 != 0) {
                15
            } else {
                11
            };
            if all.len() < tz {
                return malformed("data types request too short for its time zone");
            }
            starts.push(tz);
        }
        starts.push(0);
        // The table only tells which representations the client wants, so
        // an unreadable one is empty.
        let types = find_type_table(all, &starts, &compile_caps).unwrap_or_default();
        r.skip_n(all.len())?;
        Ok(DataTypesRequest {
            charset,
            ncharset,
            flags,
            compile_caps,
            runtime_caps,
            types,
            table: all.to_vec(),
        })
    }

    /// The representation the client asked for `ty`, if it listed it: the
    /// last it offers (universal, for OCI's integer types).
    pub fn representation(&self, ty: u16) -> Option<u16> {
        self.types
            .iter()
            .find(|e| e.ty == ty)
            .and_then(|e| e.offers.last())
            .map(|o| o.1)
    }

    /// Whether the whole type table arrived: a request cut at a packet
    /// boundary decodes too (its table reads as empty), so a server that
    /// frames requests by their content asks this before answering.
    pub fn table_is_whole(&self) -> bool {
        let starts: &[usize] = if self.runtime_caps.get(1).is_some_and(|b| b & 1 != 0) {
            if self.compile_caps.get(37).is_some_and(|b| b & 2 != 0) {
                &[15, 0]
            } else {
                &[11, 0]
            }
        } else {
            &[0]
        };
        find_type_table(&self.table, starts, &self.compile_caps).is_some()
    }

    /// Whether the client sends CHR fields with a length byte (flag 0x02).
    pub fn length_prefixed_strings(&self) -> bool {
        self.flags & FLAG_CONV_LENGTH != 0
    }
}

/// DTY flag: strings carry their converted length (a length byte).
pub const FLAG_CONV_LENGTH: u8 = 0x02;
/// The SB1 type, whose representation fixes how column scales travel.
pub const TYPE_SB1: u16 = 27;
/// Representation "universal", public for the scale rule.
pub const REPRESENTATION_UNIVERSAL: u16 = REP_UNIVERSAL;

/// go-ora sends its national charset before the table, JDBC and the
/// python/node clients do not: whichever reading ends exactly at the end of
/// the message is the right one.
fn find_type_table(all: &[u8], starts: &[usize], compile_caps: &[u8]) -> Option<Vec<TypeEntry>> {
    let wide = compile_caps.get(27).is_none_or(|b| *b != 0);
    starts
        .iter()
        .flat_map(|s| [*s, s + 2])
        .find_map(|s| read_type_table(all.get(s..)?, wide))
}

/// `type, (conversion, representation)…, 0` per entry, a type 0 ends the
/// table (JDBC and go-ora send a conversion-0 entry as `type, 0`); `None`
/// unless the table ends exactly at the end of `b`.
fn read_type_table(b: &[u8], wide: bool) -> Option<Vec<TypeEntry>> {
    let mut r = Reader::new(b);
    let num = |r: &mut Reader| {
        if wide {
            r.u16be()
        } else {
            r.u8().map(u16::from)
        }
    };
    let mut types = Vec::new();
    loop {
        let ty = num(&mut r).ok()?;
        if ty == 0 {
            break;
        }
        let mut offers = Vec::new();
        loop {
            let conv = num(&mut r).ok()?;
            if conv == 0 {
                break;
            }
            offers.push((conv, num(&mut r).ok()?));
        }
        types.push(TypeEntry { ty, offers });
    }
    r.is_empty().then_some(types)
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataTypesReply {
    /// (type, conversion type, representation); representation only when conversion != 0.
    pub entries: Vec<(u16, u16, u16)>,
    /// When set, the reply is `02` and these bytes instead of `entries`
    /// (tests and experiments: a reply as another server sent it).
    pub raw: Option<Vec<u8>>,
}

impl DataTypesReply {
    /// One (conversion, representation) per type of the request, as
    /// `pick` chooses among the client's offers; a type the client does not
    /// convert stays `type, 0`.
    pub fn choose(req: &DataTypesRequest, pick: impl Fn(&TypeEntry) -> Option<(u16, u16)>) -> Self {
        let entries = req
            .types
            .iter()
            .map(|e| match pick(e) {
                Some((c, r)) => (e.ty, c, r),
                None => (e.ty, 0, 0),
            })
            .collect();
        DataTypesReply { entries, raw: None }
    }

    /// The representation this reply gives `ty`, if it converts it.
    pub fn representation(&self, ty: u16) -> Option<u16> {
        self.entries
            .iter()
            .find(|e| e.0 == ty && e.1 != 0)
            .map(|e| e.2)
    }

    pub fn encode(&self, w: &mut Writer, _caps: &Caps) {
        w.u8(msg::DATA_TYPES);
        if let Some(raw) = &self.raw {
            w.raw(raw);
            return;
        }
        for (t, c, rep) in &self.entries {
            w.u16be(*t).u16be(*c);
            if *c != 0 {
                w.u16be(*rep).u16be(0);
            }
        }
        w.u16be(0);
    }

    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        let mut entries = Vec::new();
        loop {
            let t = r.u16be()?;
            if t == 0 {
                break;
            }
            let c = r.u16be()?;
            let rep = if c != 0 {
                let rep = r.u16be()?;
                r.u16be()?;
                rep
            } else {
                0
            };
            entries.push((t, c, rep));
        }
        Ok(DataTypesReply { entries, raw: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ttc::capabilities;

    #[test]
    fn request_round_trip_and_header_bytes() {
        let req = DataTypesRequest::thin_client(
            capabilities::client_compile_caps(),
            capabilities::client_runtime_caps(),
        );
        let mut w = Writer::new();
        req.encode(&mut w, &Caps::default());
        assert_eq!(&w.buf[..7], &[0x02, 0x69, 0x03, 0x69, 0x03, 0x03, 55]);
        let back =
            DataTypesRequest::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap();
        assert_eq!(back.types, req.types);
        assert_eq!(back.table, &w.buf[7 + 55 + 12..]);
    }

    #[test]
    fn empty_reply_is_02_00_00() {
        let mut w = Writer::new();
        DataTypesReply::default().encode(&mut w, &Caps::default());
        assert_eq!(w.buf, [2, 0, 0]);
        let long = DataTypesReply {
            entries: vec![(1, 1, 10), (2, 0, 0)],
            raw: None,
        };
        let mut w = Writer::new();
        long.encode(&mut w, &Caps::default());
        assert_eq!(
            DataTypesReply::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap(),
            long
        );
    }

    /// `02 | 69 03 | 69 03 | flags | caps`, as JDBC and go-ora start it.
    fn head(flags: u8, compile: &[u8]) -> Vec<u8> {
        let mut b = vec![0x69, 0x03, 0x69, 0x03, flags, compile.len() as u8];
        b.extend(compile);
        b.extend([7, 2, 0, 0, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn jdbc_table_with_four_byte_conversion_0_entries_decodes() {
        let mut compile = vec![0u8; 54];
        compile[7] = 24;
        compile[27] = 1;
        let mut b = head(0x01, &compile);
        // A run from ojdbc11 23.26.4's table: conversion-0 entries are 4 bytes.
        b.extend([0x00, 0x09, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
        b.extend([0x00, 0x0d, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x00]);
        b.extend([0x00, 0x0f, 0x00, 0x17, 0x00, 0x01, 0x00, 0x00]);
        b.extend([
            0x00, 0x10, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x1b, 0x00, 0x01, 0x00, 0x00,
        ]);
        b.extend([0x00, 0x00]);
        let mut r = Reader::new(&b);
        let req = DataTypesRequest::decode(&mut r, &Caps::default()).unwrap();
        assert!(r.is_empty());
        assert!(!req.length_prefixed_strings());
        assert_eq!(req.types.len(), 6);
        assert_eq!(
            req.types[1],
            TypeEntry {
                ty: 0x0d,
                offers: vec![]
            }
        );
        assert_eq!(req.representation(TYPE_SB1), Some(REPRESENTATION_UNIVERSAL));
    }

    #[test]
    fn go_ora_national_charset_before_the_table_is_skipped() {
        let mut compile = vec![0u8; 41];
        compile[7] = 11;
        compile[27] = 1;
        let mut b = head(0x01, &compile);
        b.extend([0xd0, 0x07]);
        b.extend([0x00, 0x02, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00]);
        b.extend([0x00, 0x1b, 0x00, 0x1b, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]);
        let req = DataTypesRequest::decode(&mut Reader::new(&b), &Caps::default()).unwrap();
        assert_eq!(
            req.types,
            vec![TypeEntry::new(2, 2, 10), TypeEntry::new(27, 27, 1)]
        );
    }

    /// OCI 19.3's whole DTY request (`testserver/tests/oci19/dty_request.hex`,
    /// a TNS DATA packet): runtime caps [1] has the time-zone bit, yet no time
    /// zone follows; its table lists two offers for the integer types and
    /// for the versioned structures.
    #[test]
    fn oci_table_is_read_as_lists_of_offers() {
        let hex = include_str!("../../../testserver/tests/oci19/dty_request.hex");
        let packet = hex_bytes(hex.trim());
        // TNS header (8), data flags (2), message type.
        assert_eq!(packet[10], msg::DATA_TYPES);
        let req =
            DataTypesRequest::decode(&mut Reader::new(&packet[11..]), &Caps::default()).unwrap();
        assert_eq!(req.compile_caps[7], 12);
        assert!(req.table_is_whole());
        assert_eq!(req.types.len(), 377);
        let offers = |ty: u16| &req.types.iter().find(|e| e.ty == ty).unwrap().offers;
        assert_eq!(offers(1), &[(1, 1)]);
        assert_eq!(offers(2), &[(2, 10)]);
        assert_eq!(offers(25), &[(25, 24), (25, 1)]);
        assert_eq!(offers(TYPE_SB1), &[(27, 10), (27, 1)]);
        assert_eq!(offers(33), &[(33, 12), (33, 1)]);
        // OAC (646) or OAC122 (120); OER19 (612) or OER8 (290).
        assert_eq!(offers(646), &[(646, 1), (120, 1)]);
        assert_eq!(offers(612), &[(612, 1), (290, 1)]);
        assert!(offers(13).is_empty());
        assert_eq!(req.representation(TYPE_SB1), Some(REPRESENTATION_UNIVERSAL));

        // A reply with one offer per type is the 4-field form real servers send.
        let reply = DataTypesReply::choose(&req, |e| e.offers.last().copied());
        let mut w = Writer::new();
        reply.encode(&mut w, &Caps::default());
        let back = DataTypesReply::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap();
        assert_eq!(back, reply);
        assert_eq!(back.entries.len(), 377);
        assert!(back.entries.contains(&(646, 120, 1)));
        assert!(back.entries.contains(&(13, 0, 0)));
        assert_eq!(
            back.representation(TYPE_SB1),
            Some(REPRESENTATION_UNIVERSAL)
        );
        assert_eq!(back.representation(13), None);
    }

    #[test]
    fn thin_request_round_trips_as_single_offers() {
        let req = DataTypesRequest::thin_client(
            capabilities::client_compile_caps(),
            capabilities::client_runtime_caps(),
        );
        let mut w = Writer::new();
        req.encode(&mut w, &Caps::default());
        let back =
            DataTypesRequest::decode(&mut Reader::new(&w.buf[1..]), &Caps::default()).unwrap();
        assert!(back.types.iter().all(|e| e.offers.len() == 1));
        assert_eq!(back.representation(TYPE_SB1), Some(10));
        assert_eq!(back.representation(26), Some(REPRESENTATION_UNIVERSAL));
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn an_unreadable_table_is_empty_not_an_error() {
        let mut b = head(0x03, &[0u8; 40]);
        b.extend([0x00, 0x02, 0x00]);
        let req = DataTypesRequest::decode(&mut Reader::new(&b), &Caps::default()).unwrap();
        assert!(req.types.is_empty());
    }
}
