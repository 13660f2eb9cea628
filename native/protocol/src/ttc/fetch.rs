//! FETCH (function 5): more rows from an open cursor.

use super::function::FunctionHeader;
use super::{func, Caps};
use crate::buf::{DecodeResult, Reader, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchRequest {
    pub seq: u8,
    pub cursor_id: u32,
    pub rows: u32,
}

impl FetchRequest {
    pub fn encode(&self, w: &mut Writer, caps: &Caps) {
        FunctionHeader::call(func::FETCH, self.seq).encode(w, caps);
        w.ub4(self.cursor_id).ub4(self.rows);
    }
    pub fn decode(r: &mut Reader, _caps: &Caps) -> DecodeResult<Self> {
        Ok(FetchRequest {
            seq: 0,
            cursor_id: r.ub4()?,
            rows: r.ub4()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_round_trip() {
        let f = FetchRequest {
            seq: 2,
            cursor_id: 300,
            rows: 100,
        };
        let mut w = Writer::new();
        f.encode(&mut w, &Caps::default());
        assert_eq!(w.buf, [3, 5, 2, 2, 1, 44, 1, 100]);
        let back = FetchRequest::decode(&mut Reader::new(&w.buf[3..]), &Caps::default()).unwrap();
        assert_eq!((back.cursor_id, back.rows), (300, 100));
    }
}
