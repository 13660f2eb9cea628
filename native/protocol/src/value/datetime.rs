//! DATE / TIMESTAMP codec (placeholder; being written).

/// A calendar date and time; `tz_minutes` is the offset east of UTC when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub nanos: u32,
}
