//! NUMBER codec (placeholder; being written).
