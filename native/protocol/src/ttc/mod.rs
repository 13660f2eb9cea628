//! TTC messages: one message per file, each with `encode` and `decode` and
//! tests beside it.
//!
//! Conventions shared by every file here:
//! - `encode(&self, w: &mut Writer, caps: &Caps)` writes the whole message,
//!   including its message-type byte (and for function calls the
//!   `03 <code> <seq> [ub8 token]` header).
//! - `decode(r: &mut Reader, caps: &Caps)` starts **after** the message-type
//!   byte (and for function calls after the function header), because the
//!   receiver dispatches on those first.
//! - Decoders return `DecodeError::NeedMore` when the input ends early.

pub mod auth;
pub mod capabilities;
pub mod column;
pub mod data_types;
pub mod describe;
pub mod error;
mod error_oci;
pub mod execute;
pub mod fetch;
pub mod function;
pub mod implicit;
pub mod json;
pub mod lob;
pub mod piggyback;
pub mod protocol_msg;
pub mod rowid;
pub mod rows;
pub mod session_return;
pub mod session_sync;
pub mod status;
pub mod version;

/// Message types (first byte of every TTC message).
pub mod msg {
    pub const PROTOCOL: u8 = 1;
    pub const DATA_TYPES: u8 = 2;
    pub const FUNCTION: u8 = 3;
    pub const ERROR: u8 = 4;
    pub const ROW_HEADER: u8 = 6;
    pub const ROW_DATA: u8 = 7;
    pub const PARAMETER: u8 = 8;
    pub const STATUS: u8 = 9;
    pub const IO_VECTOR: u8 = 11;
    pub const LOB_DATA: u8 = 14;
    pub const WARNING: u8 = 15;
    pub const DESCRIBE_INFO: u8 = 16;
    pub const PIGGYBACK: u8 = 17;
    pub const FLUSH_OUT_BINDS: u8 = 19;
    pub const BIT_VECTOR: u8 = 21;
    pub const SERVER_SIDE_PIGGYBACK: u8 = 23;
    pub const ONEWAY_FN: u8 = 26;
    pub const IMPLICIT_RESULTSET: u8 = 27;
    pub const RENEGOTIATE: u8 = 28;
    pub const END_OF_RESPONSE: u8 = 29;
    pub const TOKEN: u8 = 33;
    pub const FAST_AUTH: u8 = 34;
}

/// Function codes carried by FUNCTION / PIGGYBACK / ONEWAY_FN messages.
pub mod func {
    pub const REEXECUTE: u8 = 4;
    pub const VERSION: u8 = 59;
    pub const FETCH: u8 = 5;
    pub const LOGOFF: u8 = 9;
    pub const COMMIT: u8 = 14;
    pub const ROLLBACK: u8 = 15;
    pub const REEXECUTE_AND_FETCH: u8 = 78;
    pub const EXECUTE: u8 = 94;
    pub const LOB_OP: u8 = 96;
    pub const CLOSE_CURSORS: u8 = 105;
    /// O80SES: OCI's session piggyback.
    pub const SESSION_80: u8 = 107;
    pub const AUTH_PHASE_TWO: u8 = 115;
    pub const AUTH_PHASE_ONE: u8 = 118;
    /// OCANA: OCI's cancel of cursors whose unfetched rows it drops while
    /// keeping the cursor (a cached statement released early).
    pub const CANCEL_CURSORS: u8 = 120;
    pub const SET_END_TO_END_ATTR: u8 = 135;
    pub const PING: u8 = 147;
    pub const SET_SCHEMA: u8 = 152;
    pub const APP_CONTEXT: u8 = 154;
    pub const SESSION_RELEASE: u8 = 163;
    pub const SESSION_STATE: u8 = 176;
}

/// What was negotiated for this connection and changes the wire layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// TTC field version: min(client, server) compile capability [7].
    pub field_version: u8,
    /// Longest VARCHAR2/RAW value before the LONG rules apply (32767 or 4000).
    pub max_string_size: u32,
    /// CHR fields (user name, SQL text) come without a length byte: the
    /// client's DTY flags lacked "conversion length" (JDBC Thin does this).
    pub raw_strings: bool,
    /// Scales of NUMBER/TIMESTAMP/INTERVAL DS travel as universal sb2: the
    /// client asked for SB1 in universal representation (JDBC, go-ora), not
    /// in Oracle's one-byte form (python-oracledb, node-oracledb, ours).
    pub universal_scale: bool,
    /// The client is OCI (Instant Client 19.3): its STATUS message is the
    /// ub4 call status alone (a sequence number after it is read as the
    /// next message: ORA-03106), its ERROR message is the short form in
    /// `error_oci.rs`, and version numbers use the 18c packing.
    pub oci: bool,
}

impl Caps {
    /// Field version 17 (23.1) with 32K strings: what our server offers.
    pub const DEFAULT_FIELD_VERSION: u8 = 17;
    /// Field-version thresholds that gate wire fields.
    pub const FV_12_2: u8 = 8;
    pub const FV_12_2_EXT1: u8 = 9;
    pub const FV_18_1_EXT1: u8 = 11;
    pub const FV_20_1: u8 = 14;
    pub const FV_23_1: u8 = 17;
    pub const FV_23_1_EXT1: u8 = 18;
    pub const FV_23_1_EXT3: u8 = 20;
    pub const FV_23_4: u8 = 24;
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            field_version: Self::DEFAULT_FIELD_VERSION,
            max_string_size: 32767,
            raw_strings: false,
            universal_scale: false,
            oci: false,
        }
    }
}
