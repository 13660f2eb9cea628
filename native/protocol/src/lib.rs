//! Sans-I/O Oracle Net codec: TNS packets, TTC messages, value encodings and
//! O5LOGON crypto. Used by both `oradb-client` and `oradb-testserver`; does no
//! I/O itself. Running out of input is [`buf::DecodeError::NeedMore`].

pub mod ano;
pub mod buf;
pub mod codes;
pub mod connect_string;
pub mod nv;
pub mod o5logon;
pub mod packet;
pub mod sharding;
pub mod sqlnet_ora;
pub mod ttc;
pub mod value;
