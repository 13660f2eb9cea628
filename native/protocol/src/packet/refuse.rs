//! REFUSE and REDIRECT (server → client), sent with the 2-byte length header.

use crate::buf::{DecodeResult, Reader};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refuse {
    pub user_reason: u8,
    pub system_reason: u8,
    /// e.g. `(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=12514)(ERROR_STACK=...))`
    pub data: String,
}

impl Refuse {
    /// A refusal carrying an Oracle error number (12514 unknown service, …).
    pub fn with_error(code: u32) -> Self {
        Refuse {
            user_reason: 4,
            system_reason: 0,
            data: format!(
                "(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR={code})(ERROR_STACK=(ERROR=(CODE={code})(EMFI=4))))"
            ),
        }
    }

    /// The `ERR=` number in the data, if any.
    pub fn error_code(&self) -> Option<u32> {
        let upper = self.data.to_ascii_uppercase();
        let start = upper.find("(ERR=")? + 5;
        let digits: String = upper[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    }

    pub fn encode_body(&self) -> Vec<u8> {
        let mut b = vec![self.user_reason, self.system_reason];
        b.extend_from_slice(&(self.data.len() as u16).to_be_bytes());
        b.extend_from_slice(self.data.as_bytes());
        b
    }

    pub fn decode_body(body: &[u8]) -> DecodeResult<Self> {
        let mut r = Reader::new(body);
        let user_reason = r.u8()?;
        let system_reason = r.u8()?;
        let len = r.u16be()? as usize;
        let data = r.take(len.min(r.remaining()))?;
        Ok(Refuse {
            user_reason,
            system_reason,
            data: String::from_utf8_lossy(data).into_owned(),
        })
    }
}

/// REDIRECT: the new address (and connect data after a NUL), inline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub data: String,
}

impl Redirect {
    pub fn encode_body(&self) -> Vec<u8> {
        let mut b = (self.data.len() as u16).to_be_bytes().to_vec();
        b.extend_from_slice(self.data.as_bytes());
        b
    }
    pub fn decode_body(body: &[u8]) -> DecodeResult<Self> {
        let mut r = Reader::new(body);
        let len = r.u16be()? as usize;
        let data = r.take(len.min(r.remaining()))?;
        Ok(Redirect {
            data: String::from_utf8_lossy(data).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuse_round_trip_and_error_code() {
        let r = Refuse::with_error(12514);
        let back = Refuse::decode_body(&r.encode_body()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.error_code(), Some(12514));
        assert!(back
            .data
            .starts_with("(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=12514)"));
    }

    #[test]
    fn redirect_round_trip() {
        let r = Redirect {
            data: "(ADDRESS=(PROTOCOL=tcp)(HOST=h)(PORT=1))\0(CONNECT_DATA=)".into(),
        };
        assert_eq!(Redirect::decode_body(&r.encode_body()).unwrap(), r);
    }
}
