//! One target per family of decoders. The first input byte picks variants
//! (negotiated field version, string limit, how a stream is split) so one
//! corpus covers the caps-dependent branches too.

use oradb_protocol::buf::Reader;
use oradb_protocol::packet::{accept::Accept, connect::Connect, kind, marker};
use oradb_protocol::packet::{refuse::Redirect, refuse::Refuse, PacketDecoder};
use oradb_protocol::ttc::auth::{AuthReply, AuthRequest};
use oradb_protocol::ttc::column::ColumnMeta;
use oradb_protocol::ttc::data_types::{DataTypesReply, DataTypesRequest};
use oradb_protocol::ttc::describe::DescribeInfo;
use oradb_protocol::ttc::error::ErrorMessage;
use oradb_protocol::ttc::execute::options;
use oradb_protocol::ttc::execute::{self, ExecuteRequest, ReexecuteRequest};
use oradb_protocol::ttc::fetch::FetchRequest;
use oradb_protocol::ttc::function::FunctionHeader;
use oradb_protocol::ttc::implicit::ImplicitResults;
use oradb_protocol::ttc::lob::{LobOpReply, LobOpRequest, ReplyShape};
use oradb_protocol::ttc::piggyback::Piggyback;
use oradb_protocol::ttc::protocol_msg::{ProtocolReply, ProtocolRequest};
use oradb_protocol::ttc::rows::{self, BitVector, DmlRowCounts, IoVector, RowHeader};
use oradb_protocol::ttc::status::StatusMessage;
use oradb_protocol::ttc::{func, msg, Caps};
use oradb_protocol::value::{self, datetime, float, interval, number, pickle, DateTime};
use oradb_protocol::{connect_string, nv, sharding, sqlnet_ora};

use crate::Target;

pub static TARGETS: &[Target] = &[
    Target {
        name: "packets",
        run: packets,
    },
    Target {
        name: "server_messages",
        run: server_messages,
    },
    Target {
        name: "client_requests",
        run: client_requests,
    },
    Target {
        name: "values",
        run: values,
    },
    Target {
        name: "connect_strings",
        run: connect_strings,
    },
    Target {
        name: "sql",
        run: crate::sql::run,
    },
];

/// Caps from the selector byte: old and new field versions, 4000 / 32767.
fn caps(sel: u8) -> Caps {
    Caps {
        field_version: [6, 8, 9, 11, 14, 17, 24][usize::from(sel % 7)],
        max_string_size: if sel & 0x80 != 0 { 4000 } else { 32767 },
        raw_strings: sel & 0x40 != 0,
        universal_scale: sel & 0x20 != 0,
        oci: sel & 0x10 != 0,
    }
}

fn split(input: &[u8]) -> (u8, &[u8]) {
    match input.split_first() {
        Some((s, rest)) => (*s, rest),
        None => (0, &[]),
    }
}

/// The TNS packet stream fed in uneven chunks, then each packet's body.
fn packets(input: &[u8]) {
    let (sel, bytes) = split(input);
    let mut dec = PacketDecoder::new();
    let step = usize::from(sel % 17) + 1;
    for chunk in bytes.chunks(step) {
        dec.feed(chunk);
        while let Ok(Some(p)) = dec.next_packet() {
            let _ = match p.kind {
                kind::CONNECT => Connect::decode_body(&p.body).map(drop),
                kind::ACCEPT => Accept::decode_body(&p.body).map(drop),
                kind::REFUSE => Refuse::decode_body(&p.body).map(drop),
                kind::REDIRECT => Redirect::decode_body(&p.body).map(drop),
                kind::MARKER => marker::decode_body(&p.body).map(drop),
                _ => Ok(()),
            };
            let _ = (p.data_flags(), p.data_payload().len());
        }
    }
}

/// A response as the client reads it: message after message, by type byte.
fn server_messages(input: &[u8]) {
    let (sel, bytes) = split(input);
    let caps = caps(sel);
    let mut r = Reader::new(bytes);
    let columns = usize::from(sel % 5) + 1;
    for _ in 0..64 {
        let Ok(kind) = r.u8() else { return };
        let ok = match kind {
            msg::PROTOCOL => ProtocolReply::decode(&mut r, &caps).is_ok(),
            msg::DATA_TYPES => DataTypesReply::decode(&mut r, &caps).is_ok(),
            msg::ERROR => ErrorMessage::decode(&mut r, &caps).is_ok(),
            msg::ROW_HEADER => RowHeader::decode(&mut r, &caps).is_ok(),
            msg::ROW_DATA => match sel % 6 {
                0 => rows::read_long_value(&mut r).is_ok(),
                1 => rows::read_out_bind(&mut r).is_ok(),
                2 => rows::read_out_array(&mut r).is_ok(),
                3 => rows::read_out_cursor(&mut r, &caps).is_ok(),
                4 => rows::read_cursor_value(&mut r, &caps).is_ok(),
                _ => rows::read_returning_row(&mut r, columns).is_ok(),
            },
            msg::IMPLICIT_RESULTSET => ImplicitResults::decode(&mut r, &caps).is_ok(),
            msg::PARAMETER if sel & 2 == 0 => AuthReply::decode(&mut r, &caps).is_ok(),
            msg::PARAMETER => DmlRowCounts::decode(&mut r, &caps, sel & 1 == 1).is_ok(),
            msg::STATUS => StatusMessage::decode(&mut r, &caps).is_ok(),
            msg::IO_VECTOR => IoVector::decode(&mut r, &caps).is_ok(),
            msg::DESCRIBE_INFO => DescribeInfo::decode(&mut r, &caps).is_ok(),
            msg::BIT_VECTOR => BitVector::decode(&mut r, columns).is_ok(),
            // A LOB_OP reply, with each shape a request can ask for.
            msg::LOB_DATA => {
                let shape = ReplyShape {
                    locator_len: usize::from(sel % 4) * 20,
                    create_temp: sel & 4 != 0,
                    amount: sel & 8 != 0,
                    flag: sel & 16 != 0,
                    flag_wide: sel & 32 != 0,
                };
                LobOpReply::decode(&mut r, &shape).is_ok()
            }
            _ => ColumnMeta::decode(&mut r, &caps).is_ok(),
        };
        if !ok {
            return;
        }
    }
}

/// A request as the server reads it: function header, then its body.
fn client_requests(input: &[u8]) {
    let (sel, bytes) = split(input);
    let caps = caps(sel);
    let mut r = Reader::new(bytes);
    let Ok(kind) = r.u8() else { return };
    let _ = match kind {
        msg::PROTOCOL => ProtocolRequest::decode(&mut r, &caps).map(drop),
        msg::DATA_TYPES => DataTypesRequest::decode(&mut r, &caps).map(drop),
        msg::PIGGYBACK => r
            .u8()
            .and_then(|code| Piggyback::decode(code, &mut r, &caps).map(drop)),
        _ => FunctionHeader::decode(kind, &mut r, &caps).and_then(|h| function(h, &mut r, &caps)),
    };
    let _ = execute::decode_array(bytes);
}

fn function(
    h: FunctionHeader,
    r: &mut Reader,
    caps: &Caps,
) -> oradb_protocol::buf::DecodeResult<()> {
    match h.code {
        func::EXECUTE => {
            let head = ExecuteRequest::decode_head(r, caps)?;
            let plsql = head.options & options::PLSQL_BIND != 0;
            execute::read_bind_rows(r, caps, &head.binds, plsql).map(drop)
        }
        func::REEXECUTE | func::REEXECUTE_AND_FETCH => {
            let metas = [ColumnMeta::bind(1, 100), ColumnMeta::bind(2, 22)];
            ReexecuteRequest::decode(r, caps, &metas, false).map(drop)
        }
        func::FETCH => FetchRequest::decode(r, caps).map(drop),
        func::LOB_OP => LobOpRequest::decode(r, caps).map(drop),
        c @ (func::AUTH_PHASE_ONE | func::AUTH_PHASE_TWO) => {
            AuthRequest::decode_body(c, r, caps).map(drop)
        }
        _ => Ok(()),
    }
}

/// Column and bind values of every type, as both sides decode them.
fn values(input: &[u8]) {
    let (sel, bytes) = split(input);
    let _ = number::decode_str(bytes);
    let _ = number::decode_f64(bytes);
    let _ = number::decode_i64(bytes);
    let _ = datetime::decode(bytes);
    let _ = datetime::decode_timestamp_tz(bytes);
    let _ = float::decode_f64(bytes);
    let _ = float::decode_f32(bytes);
    for ty in [
        1, 2, 12, 23, 96, 100, 101, 112, 113, 119, 180, 181, 182, 183, 231, 252, sel,
    ] {
        let _ = value::decode_value(bytes, ty, 1 + (sel & 1));
    }
    let _ = interval::IntervalDS::decode(bytes);
    let _ = interval::IntervalYM::decode(bytes);
    // Object and collection images (type 109 binds), in shapes the selector picks.
    let scalar = || pickle::Shape::Scalar;
    let shape = match sel % 4 {
        0 => pickle::Shape::Object(vec![
            scalar(),
            scalar(),
            pickle::Shape::Lob(pickle::LobKind::Clob),
        ]),
        1 => pickle::Shape::Collection(Box::new(scalar())),
        2 => pickle::Shape::Collection(Box::new(pickle::Shape::Object(vec![scalar(), scalar()]))),
        _ => pickle::Shape::Object(vec![
            scalar(),
            pickle::Shape::Object(vec![scalar()]),
            pickle::Shape::Collection(Box::new(scalar())),
        ]),
    };
    let _ = pickle::decode_image(&shape, bytes);
    let _ = pickle::ObjectValue::decode(&mut Reader::new(bytes));
    if let Ok(s) = std::str::from_utf8(bytes) {
        let _ = DateTime::parse_iso(s);
        let _ = value::oson::text::parse(s, sel & 1 != 0);
    }
    // OSON images (JSON); what decodes must encode again.
    if let Ok(v) = value::oson::decode(bytes) {
        let opts = value::oson::EncodeOptions {
            long_field_names: true,
        };
        let _ = value::oson::encode(&v, opts);
    }
}

/// Easy Connect strings, descriptors, tnsnames.ora text.
fn connect_strings(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let _ = nv::parse(text);
    // Connect-data values and the client's sqlnet.ora.
    let _ = sharding::decode(text);
    let _ = sqlnet_ora::parse(text);
    let _ = connect_string::parse_tnsnames(text);
    let _ = connect_string::resolve(text, None);
    if let Some((alias, tns)) = text.split_once('\n') {
        let _ = connect_string::resolve(alias, Some(tns));
    }
}
