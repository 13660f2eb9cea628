//! TNS packets (being written)
