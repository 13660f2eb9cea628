//! Oracle number format models (in progress).
