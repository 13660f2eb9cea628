//! Reading a service's values in the order its message defines, with an
//! error naming the service when a value is missing or of the wrong type.

use crate::buf::{malformed, DecodeResult};

use super::value::Value;

pub(super) struct Fields<'a> {
    values: std::slice::Iter<'a, Value>,
    service: &'static str,
}

impl<'a> Fields<'a> {
    pub fn new(values: &'a [Value], service: &'static str) -> Self {
        Fields {
            values: values.iter(),
            service,
        }
    }

    pub fn remaining(&self) -> usize {
        self.values.len()
    }

    fn next(&mut self, what: &str) -> DecodeResult<&'a Value> {
        match self.values.next() {
            Some(v) => Ok(v),
            None => malformed(format!("ANO {} service lacks its {what}", self.service)),
        }
    }

    fn wrong<T>(&self, what: &str, got: &Value) -> DecodeResult<T> {
        malformed(format!(
            "ANO {} service: expected {what}, found {got:?}",
            self.service
        ))
    }

    pub fn version(&mut self) -> DecodeResult<u32> {
        match self.next("version")? {
            Value::Version(v) => Ok(*v),
            other => self.wrong("version", other),
        }
    }

    pub fn status(&mut self) -> DecodeResult<u16> {
        match self.next("status")? {
            Value::Status(v) => Ok(*v),
            other => self.wrong("status", other),
        }
    }

    pub fn raw(&mut self, what: &str) -> DecodeResult<&'a [u8]> {
        match self.next(what)? {
            Value::Raw(v) => Ok(v),
            other => self.wrong(what, other),
        }
    }

    pub fn ub1(&mut self, what: &str) -> DecodeResult<u8> {
        match self.next(what)? {
            Value::Ub1(v) => Ok(*v),
            other => self.wrong(what, other),
        }
    }

    pub fn ub2(&mut self, what: &str) -> DecodeResult<u16> {
        match self.next(what)? {
            Value::Ub2(v) => Ok(*v),
            other => self.wrong(what, other),
        }
    }

    pub fn string(&mut self, what: &str) -> DecodeResult<&'a str> {
        match self.next(what)? {
            Value::Str(v) => Ok(v),
            other => self.wrong(what, other),
        }
    }

    /// The values not read yet, kept so a message round-trips unchanged.
    pub fn rest(self) -> Vec<Value> {
        self.values.cloned().collect()
    }
}
