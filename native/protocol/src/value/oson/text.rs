//! [`Json`] ↔ JSON text. Plain text is what `json_serialize` shows; the
//! extended form wraps Oracle's non-JSON scalars the way Oracle's `EXTENDED`
//! syntax does (`{"$oracleDate": "2022-12-05T00:00:00"}`, `{"$rawhex": …}`),
//! so text round-trips every [`Json`] value (the test server stores JSON
//! columns as this text, where SQLite's json1 functions can read it).

use super::{err, Json, OsonError};
use crate::value::datetime::DateTime;
use crate::value::interval::{IntervalDS, IntervalYM};
use crate::value::number;

/// Serializes `v`; `extended` keeps Oracle scalar types as `$` wrappers,
/// else they become strings and numbers as `json_serialize` shows them.
pub fn to_text(v: &Json, extended: bool) -> String {
    let mut out = String::new();
    write(v, extended, &mut out);
    out
}

fn iso(d: &DateTime) -> String {
    d.to_string().replacen(' ', "T", 1)
}

fn ds_iso(i: &IntervalDS) -> String {
    let ns = i.total_nanos();
    let a = ns.unsigned_abs();
    let (days, r) = (a / 86_400_000_000_000, a % 86_400_000_000_000);
    let (h, m, s, f) = (
        r / 3_600_000_000_000,
        r / 60_000_000_000 % 60,
        r / 1_000_000_000 % 60,
        r % 1_000_000_000,
    );
    let frac = if f > 0 {
        format!(".{:09}", f).trim_end_matches('0').to_string()
    } else {
        String::new()
    };
    format!(
        "{}P{days}DT{h}H{m}M{s}{frac}S",
        if ns < 0 { "-" } else { "" }
    )
}

fn ym_iso(i: &IntervalYM) -> String {
    let m = i.total_months();
    format!(
        "{}P{}Y{}M",
        if m < 0 { "-" } else { "" },
        m.unsigned_abs() / 12,
        m.unsigned_abs() % 12
    )
}

fn write(v: &Json, ext: bool, out: &mut String) {
    let wrap = |key: &str, val: String, out: &mut String| {
        if ext {
            out.push_str(&format!("{{\"{key}\":{val}}}"));
        } else {
            out.push_str(&val);
        }
    };
    let q = |s: &str| {
        let mut o = String::new();
        quote(s, &mut o);
        o
    };
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(s) => out.push_str(s),
        Json::Double(d) if d.is_finite() => wrap("$numberDouble", format!("{d:?}"), out),
        Json::Float(f) if f.is_finite() => wrap("$numberFloat", format!("{f:?}"), out),
        Json::Double(d) => wrap("$numberDouble", q(&d.to_string()), out),
        Json::Float(f) => wrap("$numberFloat", q(&f.to_string()), out),
        Json::String(s) => quote(s, out),
        Json::Raw(b) => wrap("$rawhex", q(&hex::encode(b)), out),
        Json::Id(b) => wrap("$rawid", q(&hex::encode(b)), out),
        // Extended text keeps the image; plain text shows the numbers, as
        // JSON_SERIALIZE shows an embedded vector.
        Json::Vector(b) if ext => wrap("$vectorImage", q(&hex::encode(b)), out),
        Json::Vector(b) => match crate::value::vector::decode(b) {
            Ok(v) => out.push_str(&v.to_text()),
            Err(_) => out.push_str("null"),
        },
        Json::Date(d) => wrap("$oracleDate", q(&iso(d)), out),
        Json::Timestamp(d) => wrap("$oracleTimestamp", q(&iso(d)), out),
        Json::TimestampTz(d, off) => {
            let tz = if *off == 0 {
                "Z".to_string()
            } else {
                let a = off.unsigned_abs();
                format!(
                    "{}{:02}:{:02}",
                    if *off < 0 { '-' } else { '+' },
                    a / 60,
                    a % 60
                )
            };
            wrap("$oracleTimestampTZ", q(&format!("{}{tz}", iso(d))), out)
        }
        Json::IntervalDs(i) => wrap("$intervalDaySecond", q(&ds_iso(i)), out),
        Json::IntervalYm(i) => wrap("$intervalYearMonth", q(&ym_iso(i)), out),
        Json::Array(items) => {
            out.push('[');
            for (n, i) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write(i, ext, out);
            }
            out.push(']');
        }
        Json::Object(fields) => {
            out.push('{');
            for (n, (k, val)) in fields.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push(':');
                write(val, ext, out);
            }
            out.push('}');
        }
    }
}

fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses JSON text; `extended` reads the `$` wrappers [`to_text`] writes.
pub fn parse(s: &str, extended: bool) -> Result<Json, OsonError> {
    let mut p = Parser {
        s: s.as_bytes(),
        pos: 0,
        ext: extended,
    };
    let v = p.value(0)?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.bad("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    ext: bool,
}

impl Parser<'_> {
    fn bad(&self, what: &str) -> OsonError {
        err(format!("invalid JSON at offset {}: {what}", self.pos))
    }
    fn ws(&mut self) {
        while self
            .s
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn value(&mut self, depth: usize) -> Result<Json, OsonError> {
        if depth > 1000 {
            return Err(self.bad("nesting is too deep"));
        }
        self.ws();
        let rest = &self.s[self.pos..];
        for (word, v) in [
            ("null", Json::Null),
            ("true", Json::Bool(true)),
            ("false", Json::Bool(false)),
        ] {
            if rest.starts_with(word.as_bytes()) {
                self.pos += word.len();
                return Ok(v);
            }
        }
        match rest.first() {
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.bad("expected , or ]"));
                        }
                    }
                }
                Ok(Json::Array(items))
            }
            Some(b'{') => {
                self.pos += 1;
                let mut fields: Vec<(String, Json)> = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let k = self.string()?;
                        if !self.eat(b':') {
                            return Err(self.bad("expected :"));
                        }
                        let v = self.value(depth + 1)?;
                        // A repeated name keeps its last value, as Oracle does.
                        fields.retain(|(n, _)| *n != k);
                        fields.push((k, v));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.bad("expected , or }"));
                        }
                    }
                }
                if self.ext && fields.len() == 1 && fields[0].0.starts_with('$') {
                    let (k, v) = fields.pop().unwrap_or((String::new(), Json::Null));
                    return extended(&k, v.clone())
                        .ok_or_else(|| self.bad(&format!("bad {k} value")))?
                        .map_or_else(|| Ok(Json::Object(vec![(k, v)])), Ok);
                }
                Ok(Json::Object(fields))
            }
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                let start = self.pos;
                while self
                    .s
                    .get(self.pos)
                    .is_some_and(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                {
                    self.pos += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("");
                canonical_number(t).ok_or_else(|| self.bad("bad number"))
            }
            _ => Err(self.bad("expected a value")),
        }
    }
    fn string(&mut self) -> Result<String, OsonError> {
        if self.s.get(self.pos) != Some(&b'"') {
            return Err(self.bad("expected a string"));
        }
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let c = *self
                .s
                .get(self.pos)
                .ok_or_else(|| self.bad("unterminated string"))?;
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = *self
                        .s
                        .get(self.pos)
                        .ok_or_else(|| self.bad("unterminated escape"))?;
                    self.pos += 1;
                    let ch = match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => self.unicode_escape()?,
                        b'"' | b'\\' | b'/' => e as char,
                        _ => return Err(self.bad("bad escape")),
                    };
                    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                }
                c => out.push(c),
            }
        }
        String::from_utf8(out).map_err(|_| self.bad("string is not UTF-8"))
    }
    fn hex4(&mut self) -> Result<u32, OsonError> {
        let h = self
            .s
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.bad("short \\u escape"))?;
        self.pos += 4;
        let h = std::str::from_utf8(h)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        h.ok_or_else(|| self.bad("bad \\u escape"))
    }
    fn unicode_escape(&mut self) -> Result<char, OsonError> {
        let hi = self.hex4()?;
        let cp = if (0xd800..0xdc00).contains(&hi) && self.s[self.pos..].starts_with(b"\\u") {
            self.pos += 2;
            let lo = self.hex4()?;
            0x10000 + ((hi - 0xd800) << 10) + lo.wrapping_sub(0xdc00)
        } else {
            hi
        };
        char::from_u32(cp).ok_or_else(|| self.bad("bad \\u escape"))
    }
}

/// A JSON number as NUMBER text, if NUMBER can hold it.
fn canonical_number(t: &str) -> Option<Json> {
    let b = number::encode_str(t).ok()?;
    Some(Json::Number(number::decode_str(&b).ok()?))
}

fn text_of(v: &Json) -> Option<String> {
    match v {
        Json::String(s) | Json::Number(s) => Some(s.clone()),
        _ => None,
    }
}

/// One `$` wrapper: Some(Some(v)) when understood, Some(None) for an
/// unknown key (kept as an object), None when its value is bad.
fn extended(key: &str, v: Json) -> Option<Option<Json>> {
    let s = text_of(&v);
    Some(Some(match key {
        "$numberDouble" => Json::Double(s?.parse().ok()?),
        "$numberFloat" => Json::Float(s?.parse().ok()?),
        "$numberDecimal" | "$numberLong" | "$numberInt" => canonical_number(&s?)?,
        "$rawhex" => Json::Raw(hex::decode(s?).ok()?),
        "$rawid" => Json::Id(hex::decode(s?).ok()?),
        "$vectorImage" => Json::Vector(hex::decode(s?).ok()?),
        "$oracleDate" => Json::Date(DateTime {
            nanos: 0,
            ..DateTime::parse_iso(&s?).ok()?
        }),
        "$oracleTimestamp" => Json::Timestamp(DateTime::parse_iso(&s?).ok()?),
        "$oracleTimestampTZ" => {
            let s = s?;
            let (local, off) = split_zone(&s)?;
            Json::TimestampTz(DateTime::parse_iso(local).ok()?, off)
        }
        "$intervalDaySecond" => Json::IntervalDs(parse_ds(&s?)?),
        "$intervalYearMonth" => Json::IntervalYm(parse_ym(&s?)?),
        _ => return Some(None),
    }))
}

fn split_zone(s: &str) -> Option<(&str, i32)> {
    if let Some(l) = s.strip_suffix('Z') {
        return Some((l, 0));
    }
    let at = s.rfind(['+', '-']).filter(|i| *i > 10)?;
    let (h, m) = s[at + 1..].split_once(':')?;
    let mins = h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?;
    Some((&s[..at], if &s[at..=at] == "-" { -mins } else { mins }))
}

/// `[-]PnDTnHnMn.nS` (parts optional) to an interval.
fn parse_ds(s: &str) -> Option<IntervalDS> {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let s = s.strip_prefix('P')?;
    let (days, time) = s.split_once('T').unwrap_or((s, ""));
    let mut ns: i128 = 0;
    if let Some(d) = days.strip_suffix('D') {
        ns += d.parse::<i128>().ok()? * 86_400_000_000_000;
    } else if !days.is_empty() {
        return None;
    }
    let mut rest = time;
    for (unit, scale) in [
        ('H', 3_600_000_000_000i128),
        ('M', 60_000_000_000),
        ('S', 1_000_000_000),
    ] {
        if let Some(i) = rest.find(unit) {
            let (whole, frac) = rest[..i].split_once('.').unwrap_or((&rest[..i], ""));
            ns += whole.parse::<i128>().ok()? * scale;
            if !frac.is_empty() {
                let f = format!("{frac:0<9}");
                ns += f.get(..9)?.parse::<i128>().ok()? * (scale / 1_000_000_000);
            }
            rest = &rest[i + 1..];
        }
    }
    if !rest.is_empty() {
        return None;
    }
    IntervalDS::from_nanos(if neg { -ns } else { ns }).ok()
}

fn parse_ym(s: &str) -> Option<IntervalYM> {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let s = s.strip_prefix('P')?;
    let (y, m) = s.split_once('Y').unwrap_or(("0", s));
    let m = m
        .strip_suffix('M')
        .unwrap_or(if m.is_empty() { "0" } else { m });
    let months = y.parse::<i64>().ok()? * 12 + m.parse::<i64>().ok()?;
    IntervalYM::from_months(if neg { -months } else { months }).ok()
}
