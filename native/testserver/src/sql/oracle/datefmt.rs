//! Oracle datetime format models (in progress).
