//! BINARY_FLOAT / BINARY_DOUBLE codec (placeholder; being written).
