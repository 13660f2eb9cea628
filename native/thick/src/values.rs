//! The tagged value format of `native/node/BOUNDARY.md`: bind values in, row and out-bind
//! values out.

use oracle::sql_type::FromSql;
use oracle::sql_type::{IntervalDS, IntervalYM, OracleType, Timestamp, ToSql};
use oracle::SqlValue;
use oradb_protocol::value::{self as codec, DateTime};

use crate::error::{Error, Result};

fn bad(text: impl AsRef<str>) -> Error {
    Error::odb(crate::error::codes::MALFORMED_BIND_BUFFER, text)
}

/// Reads tagged values and bind specs.
#[derive(Clone)]
pub struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Reader { b, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(|| bad("bind buffer ended early"))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    /// The next value's tag, not consumed.
    pub fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }
    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    pub fn u32(&mut self) -> Result<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    pub(crate) fn f64(&mut self) -> Result<f64> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(f64::from_le_bytes(a))
    }
    pub fn sized(&mut self) -> Result<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    pub fn text(&mut self) -> Result<String> {
        String::from_utf8(self.sized()?.to_vec()).map_err(|_| bad("bind string is not UTF-8"))
    }
    fn i32(&mut self) -> Result<i32> {
        Ok(self.u32()? as i32)
    }

    /// Tags 14/15: ODPI-C wants every field with one sign, so the fields
    /// (which a JS value may mix) are summed and split again by the codec.
    fn interval(&mut self, ds: bool) -> Result<Box<dyn ToSql + Send>> {
        let conv = crate::error::codes::BIND_CONVERSION_FAILED;
        let range = |e: codec::ValueError| Error::odb(conv, e.message);
        let odpi = |e: oracle::Error| Error::odb(conv, e.to_string());
        if ds {
            let f = codec::IntervalDS {
                days: self.i32()?,
                hours: self.i32()?,
                minutes: self.i32()?,
                seconds: self.i32()?,
                nanos: self.i32()?,
            };
            let n = codec::IntervalDS::from_nanos(f.total_nanos()).map_err(range)?;
            let v =
                IntervalDS::new(n.days, n.hours, n.minutes, n.seconds, n.nanos).map_err(odpi)?;
            Ok(Box::new(v))
        } else {
            let f = codec::IntervalYM {
                years: self.i32()?,
                months: self.i32()?,
            };
            let n = codec::IntervalYM::from_months(f.total_months()).map_err(range)?;
            Ok(Box::new(IntervalYM::new(n.years, n.months).map_err(odpi)?))
        }
    }

    pub(crate) fn datetime(&mut self, nanos: bool) -> Result<Timestamp> {
        let s = self.take(7)?;
        let ns = if nanos { self.u32()? } else { 0 };
        let year = i16::from_le_bytes([s[0], s[1]]) as i32;
        let [m, d, h, mi, sec] = [s[2], s[3], s[4], s[5], s[6]].map(u32::from);
        Timestamp::new(year, m, d, h, mi, sec, ns).map_err(|e| bad(e.to_string()))
    }

    /// One tagged value as something ODPI-C can bind.
    pub fn value(&mut self) -> Result<Value> {
        Ok(Value(match self.u8()? {
            0 => Box::new(None::<String>),
            1 | 11 => Box::new(self.f64()?),
            2 | 7 | 8 => Box::new(self.text()?),
            3 | 9 => Box::new(self.sized()?.to_vec()),
            // DATE carries no nanoseconds (7 bytes); TIMESTAMP adds them (11).
            // Bound as themselves: the oracle crate would bind a Timestamp as
            // TIMESTAMP WITH TIME ZONE at +00:00, making a local time UTC.
            4 => Box::new(Typed(self.datetime(false)?, OracleType::Date)),
            5 => Box::new(Typed(self.datetime(true)?, OracleType::Timestamp(9))),
            6 => Box::new(self.u8()? != 0),
            12 => {
                let ts = self.datetime(true)?;
                let off = i16::from_le_bytes([self.u8()?, self.u8()?]) as i32;
                Box::new(ts.and_tz_offset(off * 60).map_err(|e| bad(e.to_string()))?)
            }
            14 => self.interval(true)?,
            15 => self.interval(false)?,
            16 => return Err(newer_type("VECTOR", "23.4")),
            30 => return Err(newer_type("JSON", "21")),
            t => {
                return Err(Error::odb(
                    crate::error::codes::MALFORMED_BIND_BUFFER,
                    format!("unknown bind value tag {t}"),
                ))
            }
        }))
    }
}

/// A bind of a type the loaded Oracle Client predates (ODPI-C binds JSON from Oracle Client 21,
/// VECTOR from 23.4): refused by name, before OCI is asked.
fn newer_type(name: &str, needs: &str) -> Error {
    let loaded = oracle::Version::client()
        .map(|v| format!("{}.{}", v.major(), v.minor()))
        .unwrap_or_else(|_| "not loaded".to_string());
    Error::odb(
        crate::error::UNAVAILABLE,
        format!(
            "{name} values are not available in thick mode: the {name} type needs Oracle Client \
             {needs} or later, and the Oracle Client loaded is {loaded}"
        ),
    )
}

/// One bind value; a sized wrapper so an IN OUT bind can pair it with its type.
pub struct Value(Box<dyn ToSql + Send>);

/// A value bound as the given Oracle type rather than its Rust type's default.
struct Typed<T>(T, OracleType);

impl<T: ToSql> ToSql for Typed<T> {
    fn oratype(&self, _conn: &oracle::Connection) -> oracle::Result<OracleType> {
        Ok(self.1.clone())
    }
    fn to_sql(&self, val: &mut SqlValue) -> oracle::Result<()> {
        self.0.to_sql(val)
    }
}

impl ToSql for Value {
    fn oratype(&self, conn: &oracle::Connection) -> oracle::Result<OracleType> {
        self.0.oratype(conn)
    }
    fn to_sql(&self, val: &mut SqlValue) -> oracle::Result<()> {
        self.0.to_sql(val)
    }
}

/// The Oracle type an OUT bind of `db_type` (0: unknown) and `max_size` bytes is bound as.
pub fn out_type(db_type: u8, max_size: u32) -> OracleType {
    let size = if max_size == 0 { 4000 } else { max_size };
    match db_type {
        2 => OracleType::Number(0, -127),
        12 => OracleType::Date,
        23 => OracleType::Raw(size),
        101 => OracleType::BinaryDouble,
        100 => OracleType::BinaryFloat,
        180 => OracleType::Timestamp(9),
        181 => OracleType::TimestampTZ(9),
        182 => OracleType::IntervalYM(9),
        183 => OracleType::IntervalDS(9, 9),
        112 => OracleType::CLOB,
        113 => OracleType::BLOB,
        252 => OracleType::Boolean,
        102 => OracleType::RefCursor,
        _ => OracleType::Varchar2(size),
    }
}

/// Oracle's type number (as thin mode reports it) for a column of type `t`.
pub fn type_number(t: &OracleType) -> u8 {
    match t {
        OracleType::Varchar2(_) | OracleType::NVarchar2(_) => 1,
        OracleType::Number(..) | OracleType::Float(_) | OracleType::Int64 | OracleType::UInt64 => 2,
        OracleType::Long => 8,
        OracleType::Rowid => 11,
        OracleType::Date => 12,
        OracleType::Raw(_) => 23,
        OracleType::LongRaw => 24,
        OracleType::Char(_) | OracleType::NChar(_) => 96,
        OracleType::BinaryFloat => 100,
        OracleType::BinaryDouble => 101,
        OracleType::CLOB | OracleType::NCLOB => 112,
        OracleType::BLOB => 113,
        OracleType::BFILE => 114,
        OracleType::Timestamp(_) => 180,
        OracleType::TimestampTZ(_) => 181,
        OracleType::TimestampLTZ(_) => 231,
        OracleType::IntervalYM(_) => 182,
        OracleType::IntervalDS(..) => 183,
        OracleType::Boolean => 252,
        OracleType::RefCursor => 102,
        _ => 1,
    }
}

/// How a column's values go to JS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Plain,
    /// NUMBER as exact text (tag 7).
    Text,
    /// CLOB/BLOB as a locator (tag 13) when the call collects LOBs (`crate::conn_lob`).
    Locator,
}

/// Appends one value as its tag and payload.
pub fn put(out: &mut Vec<u8>, v: &SqlValue, mode: Mode) -> oracle::Result<()> {
    if v.is_null()? {
        out.push(0);
        return Ok(());
    }
    let as_text = mode == Mode::Text;
    let ty = v.oracle_type()?;
    let lob = matches!(ty, OracleType::CLOB | OracleType::NCLOB | OracleType::BLOB);
    if lob && mode == Mode::Locator && crate::conn_lob::put_locator(out, v)? {
        return Ok(());
    }
    // A BFILE is always a `Lob` (read-only), as in thin mode.
    if *ty == OracleType::BFILE {
        if crate::conn_lob::put_locator(out, v)? {
            return Ok(());
        }
        return Err(oracle::Error::new(
            oracle::ErrorKind::InvalidTypeConversion,
            "a BFILE read outside a call",
        ));
    }
    if *ty == OracleType::RefCursor {
        if crate::conn_lob::put_cursor(out, v)? {
            return Ok(());
        }
        return Err(oracle::Error::new(
            oracle::ErrorKind::InvalidTypeConversion,
            "a REF CURSOR read outside a call",
        ));
    }
    match ty {
        OracleType::Number(..) | OracleType::Float(_) | OracleType::Int64 | OracleType::UInt64 => {
            if as_text {
                text(out, 7, &v.get::<String>()?);
            } else {
                out.push(1);
                out.extend_from_slice(&v.get::<f64>()?.to_le_bytes());
            }
        }
        OracleType::BinaryDouble | OracleType::BinaryFloat => {
            out.push(11);
            out.extend_from_slice(&v.get::<f64>()?.to_le_bytes());
        }
        OracleType::Raw(_) | OracleType::LongRaw => bytes(out, 3, &v.get::<Vec<u8>>()?),
        // Fetched as locators (see `ThickConnection::execute`); OUT binds hold them too.
        OracleType::BLOB => bytes(out, 9, &crate::lob::Lob::whole(v)?),
        OracleType::CLOB | OracleType::NCLOB => bytes(out, 8, &crate::lob::Lob::whole(v)?),
        OracleType::Date => stamp(out, 4, &v.get::<Timestamp>()?),
        OracleType::Timestamp(_) => stamp(out, 5, &v.get::<Timestamp>()?),
        OracleType::TimestampTZ(_) | OracleType::TimestampLTZ(_) => {
            let t = v.get::<Timestamp>()?;
            stamp(out, 12, &t);
            out.extend_from_slice(&((t.tz_offset() / 60) as i16).to_le_bytes());
        }
        OracleType::Boolean => {
            out.push(6);
            out.push(v.get::<bool>()? as u8);
        }
        OracleType::IntervalDS(..) => {
            let i = v.get::<IntervalDS>()?;
            out.push(14);
            for f in [
                i.days(),
                i.hours(),
                i.minutes(),
                i.seconds(),
                i.nanoseconds(),
            ] {
                out.extend_from_slice(&f.to_le_bytes());
            }
        }
        OracleType::IntervalYM(_) => {
            let i = v.get::<IntervalYM>()?;
            out.push(15);
            out.extend_from_slice(&i.years().to_le_bytes());
            out.extend_from_slice(&i.months().to_le_bytes());
        }
        _ => text(out, 2, &v.get::<String>()?),
    }
    Ok(())
}

fn text(out: &mut Vec<u8>, tag: u8, s: &str) {
    bytes(out, tag, s.as_bytes());
}

fn bytes(out: &mut Vec<u8>, tag: u8, b: &[u8]) {
    out.push(tag);
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// Tags 4 and 5 carry the wall clock; 5 and 12 add nanoseconds. TIMESTAMP WITH TIME ZONE is
/// sent as its UTC wall clock, as thin mode does.
fn stamp(out: &mut Vec<u8>, tag: u8, t: &Timestamp) {
    let t = if tag == 12 { utc(t) } else { *t };
    out.push(tag);
    out.extend_from_slice(&(t.year() as i16).to_le_bytes());
    for x in [t.month(), t.day(), t.hour(), t.minute(), t.second()] {
        out.push(x as u8);
    }
    if tag != 4 {
        out.extend_from_slice(&t.nanosecond().to_le_bytes());
    }
}

/// The UTC wall clock of a zoned timestamp (the calendar arithmetic is the codec's).
fn utc(t: &Timestamp) -> Timestamp {
    let local = DateTime {
        year: t.year(),
        month: t.month() as u8,
        day: t.day() as u8,
        hour: t.hour() as u8,
        minute: t.minute() as u8,
        second: t.second() as u8,
        nanos: t.nanosecond(),
    };
    let (secs, nanos) = local.to_epoch();
    let u = DateTime::from_epoch(secs - i64::from(t.tz_offset()), nanos);
    Timestamp::new(
        u.year,
        u.month.into(),
        u.day.into(),
        u.hour.into(),
        u.minute.into(),
        u.second.into(),
        u.nanos,
    )
    .and_then(|u| u.and_tz_offset(t.tz_offset()))
    .unwrap_or(*t)
}

/// A value already in tagged form: what OUT binds are read as.
pub struct Tagged(pub Vec<u8>);

impl FromSql for Tagged {
    fn from_sql(v: &SqlValue) -> oracle::Result<Tagged> {
        // LOB OUT binds go as locators when the call collects LOBs, as in thin mode.
        let mut out = Vec::new();
        put(&mut out, v, Mode::Locator)?;
        Ok(Tagged(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoned_timestamps_go_out_as_their_utc_wall_clock() {
        let t = Timestamp::new(2024, 1, 1, 1, 30, 0, 5)
            .unwrap()
            .and_tz_offset(2 * 3600)
            .unwrap();
        let mut out = Vec::new();
        stamp(&mut out, 12, &t);
        assert_eq!(out[0], 12);
        assert_eq!(i16::from_le_bytes([out[1], out[2]]), 2023);
        assert_eq!(&out[3..8], &[12, 31, 23, 30, 0]);
        assert_eq!(u32::from_le_bytes([out[8], out[9], out[10], out[11]]), 5);
    }

    #[test]
    fn a_date_bind_is_seven_bytes_and_a_timestamp_eleven() {
        // As src/_values.ts writes them: DATE without nanoseconds, then TIMESTAMP, then NULL.
        let mut b = vec![4u8];
        b.extend_from_slice(&2024i16.to_le_bytes());
        b.extend_from_slice(&[2, 29, 13, 45, 30, 5]);
        b.extend_from_slice(&2023i16.to_le_bytes());
        b.extend_from_slice(&[12, 31, 23, 59, 59]);
        b.extend_from_slice(&123_000_000u32.to_le_bytes());
        b.push(0);
        let mut r = Reader::new(&b);
        for _ in 0..3 {
            r.value().unwrap();
        }
        // Nothing left over: the next value is past the end.
        assert_eq!(
            r.value().err().unwrap().code,
            crate::error::codes::MALFORMED_BIND_BUFFER
        );
    }

    #[test]
    fn bind_values_read_every_scalar_tag() {
        let mut b = vec![0u8, 1];
        b.extend_from_slice(&2.5f64.to_le_bytes());
        b.extend_from_slice(&[2, 2, 0, 0, 0, b'h', b'i', 6, 1, 99]);
        let mut r = Reader::new(&b);
        for _ in 0..4 {
            r.value().unwrap();
        }
        assert_eq!(
            r.value().err().unwrap().code,
            crate::error::codes::MALFORMED_BIND_BUFFER
        );
        assert_eq!(
            r.value().err().unwrap().code,
            crate::error::codes::MALFORMED_BIND_BUFFER
        );
    }

    #[test]
    fn interval_binds_are_normalised_for_odpi() {
        let le = |v: &[i32]| v.iter().flat_map(|f| f.to_le_bytes()).collect::<Vec<u8>>();
        // 1 day - 1 second (mixed signs, which IntervalDS::new alone refuses).
        let mut b = vec![14u8];
        b.extend(le(&[1, 0, 0, -1, 0]));
        b.push(15);
        b.extend(le(&[1, -18]));
        // Past nine digits of years.
        b.push(15);
        b.extend(le(&[i32::MAX, 0]));
        let mut r = Reader::new(&b);
        r.value().unwrap();
        r.value().unwrap();
        assert_eq!(
            r.value().err().unwrap().code,
            crate::error::codes::BIND_CONVERSION_FAILED
        );
        assert_eq!(out_type(183, 0), OracleType::IntervalDS(9, 9));
        assert_eq!(type_number(&OracleType::IntervalYM(2)), 182);
    }

    #[test]
    fn json_and_vector_binds_are_refused_by_type_name() {
        // Tag 30 (JSON), then tag 16 (VECTOR): refused before their payloads are read.
        for (tag, name) in [(30u8, "JSON"), (16, "VECTOR")] {
            let b = [tag, 0, 0, 0, 0];
            let e = Reader::new(&b).value().err().unwrap();
            assert_eq!(e.code, crate::error::UNAVAILABLE);
            assert!(
                e.message
                    .contains(&format!("the {name} type needs Oracle Client")),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn out_binds_default_to_varchar2_of_their_size() {
        assert_eq!(out_type(0, 10), OracleType::Varchar2(10));
        assert_eq!(out_type(2, 0), OracleType::Number(0, -127));
        assert_eq!(type_number(&OracleType::TimestampLTZ(6)), 231);
    }
}
