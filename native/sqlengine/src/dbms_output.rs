//! DBMS_OUTPUT: a per-session line buffer. As in Oracle, nothing is kept
//! until ENABLE; DISABLE drops what is buffered; lines not read by
//! GET_LINE(S) are discarded by the next PUT after a read.

use std::collections::VecDeque;

use super::errors::err;
use super::SqlError;

/// Oracle's limits: the default buffer (20000 bytes) and a line (32767).
const DEFAULT_BUFFER: usize = 20_000;
const MAX_LINE: usize = 32_767;

#[derive(Debug, Default)]
pub struct Output {
    enabled: bool,
    /// `None`: unlimited (ENABLE(NULL)).
    limit: Option<usize>,
    lines: VecDeque<String>,
    partial: String,
    used: usize,
    /// A GET_LINE(S) happened since the last PUT.
    reading: bool,
}

impl Output {
    pub fn enable(&mut self, size: Option<i64>) {
        self.enabled = true;
        // Oracle clamps the size to 2000..1000000 and NULL means unlimited.
        self.limit = size.map(|s| s.clamp(2_000, 1_000_000) as usize);
    }

    pub fn enable_default(&mut self) {
        self.enable(Some(DEFAULT_BUFFER as i64));
    }

    pub fn disable(&mut self) {
        *self = Output::default();
    }

    fn before_put(&mut self) {
        if self.reading {
            self.lines.clear();
            self.used = 0;
            self.reading = false;
        }
    }

    pub fn put(&mut self, s: &str) -> Result<(), SqlError> {
        if !self.enabled {
            return Ok(());
        }
        self.before_put();
        if self.partial.len() + s.len() > MAX_LINE {
            return Err(err(
                20000,
                &format!("ORU-10028: line length overflow, limit of {MAX_LINE} bytes per line"),
            ));
        }
        if let Some(limit) = self.limit {
            if self.used + s.len() > limit {
                return Err(err(
                    20000,
                    &format!("ORU-10027: buffer overflow, limit of {limit} bytes"),
                ));
            }
        }
        self.used += s.len();
        self.partial.push_str(s);
        Ok(())
    }

    pub fn new_line(&mut self) {
        if !self.enabled {
            return;
        }
        self.before_put();
        self.lines.push_back(std::mem::take(&mut self.partial));
    }

    pub fn put_line(&mut self, s: &str) -> Result<(), SqlError> {
        self.put(s)?;
        self.new_line();
        Ok(())
    }

    /// The next complete line, or `None` (status 1) when there is none.
    pub fn get_line(&mut self) -> Option<String> {
        self.reading = true;
        let line = self.lines.pop_front()?;
        self.used = self.used.saturating_sub(line.len());
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_buffers_when_enabled() {
        let mut o = Output::default();
        o.put_line("lost").unwrap();
        assert_eq!(o.get_line(), None);
        o.enable_default();
        o.put("a").unwrap();
        o.put("b").unwrap();
        o.new_line();
        o.put_line("c").unwrap();
        assert_eq!(o.get_line().as_deref(), Some("ab"));
        // A PUT after a read discards the lines not yet read.
        o.put_line("d").unwrap();
        assert_eq!(o.get_line().as_deref(), Some("d"));
        assert_eq!(o.get_line(), None);
        o.disable();
        o.put_line("x").unwrap();
        assert_eq!(o.get_line(), None);
    }

    #[test]
    fn buffer_limit() {
        let mut o = Output::default();
        o.enable(Some(2000));
        let big = "x".repeat(1500);
        o.put_line(&big).unwrap();
        let e = o.put_line(&big).unwrap_err();
        assert_eq!(e.code, 20000);
        assert!(e.message.contains("ORU-10027"));
    }
}
