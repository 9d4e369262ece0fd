//! Compact markings for the alignment search: every state's marking, stored once, in a few bytes.
//!
//! Owns [`Markings`]. A marking of a discovered net has a hundred places or more and a handful
//! of tokens, so a dense array of counts (4 bytes a place) was most of the search's memory. Here a
//! marking is its marked places only, each as two LEB128 varints: the gap since the previous
//! marked place and the token count. Workflow nets' markings take 2 bytes a marked place, and
//! counts of any size still fit (no fallback needed). The encoding is injective, so two markings
//! are equal exactly when their bytes are. Encoding and decoding cost O(places).

/// Every stored marking, one after another, and where each ends.
#[derive(Debug, Default)]
pub struct Markings {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

/// Appends `v` as an LEB128 varint.
fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push(u8::try_from(v & 0x7f).unwrap_or(0) | 0x80);
        v >>= 7;
    }
    out.push(u8::try_from(v).unwrap_or(u8::MAX));
}

/// Reads an LEB128 varint from `bytes` at `*i`, moving `*i` past it.
fn read_varint(bytes: &[u8], i: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = bytes[*i];
        *i += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// `marking`'s encoding, into `out` (cleared first).
pub fn encode(marking: &[u32], out: &mut Vec<u8>) {
    encode_places(marking, 0..marking.len(), out);
}

/// [`encode`] when only the places of `candidates` (ascending, no repeats) can be marked: the
/// search's child markings, whose marked places are among the parent's and the move's outputs.
/// O(candidates).
pub fn encode_places(marking: &[u32], candidates: impl IntoIterator<Item = usize>, out: &mut Vec<u8>) {
    out.clear();
    let mut next = 0usize;
    for p in candidates {
        let k = marking[p];
        if k > 0 {
            varint(out, u32::try_from(p - next).unwrap_or(u32::MAX));
            varint(out, k);
            next = p + 1;
        }
    }
}

impl Markings {
    /// Forgets every marking, keeping the buffers' capacity.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }

    /// Stores an encoded marking (from [`encode`]) as the next one.
    pub fn push(&mut self, encoded: &[u8]) {
        self.bytes.extend_from_slice(encoded);
        self.ends.push(u32::try_from(self.bytes.len()).unwrap_or(u32::MAX));
    }

    /// Marking `i`'s encoding.
    pub fn get(&self, i: u32) -> &[u8] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    /// Marking `i` as token counts of `places` places, into `out` (cleared first).
    pub fn decode(&self, i: u32, places: usize, out: &mut Vec<u32>) {
        out.clear();
        out.resize(places, 0);
        let bytes = self.get(i);
        let (mut at, mut p) = (0, 0usize);
        while at < bytes.len() {
            p += read_varint(bytes, &mut at) as usize;
            out[p] = read_varint(bytes, &mut at);
            p += 1;
        }
    }

    /// Whether marking `i` is `marking`, which has `marked` marked places: O(marked places),
    /// without encoding `marking`.
    pub fn equals(&self, i: u32, marking: &[u32], marked: usize) -> bool {
        let bytes = self.get(i);
        let (mut at, mut p, mut seen) = (0, 0usize, 0usize);
        while at + 1 < bytes.len() && bytes[at] < 0x80 && bytes[at + 1] < 0x80 {
            // The common case: gap and count of one byte each.
            p += usize::from(bytes[at]);
            if marking.get(p) != Some(&u32::from(bytes[at + 1])) {
                return false;
            }
            (at, p, seen) = (at + 2, p + 1, seen + 1);
        }
        while at < bytes.len() {
            p += read_varint(bytes, &mut at) as usize;
            if marking.get(p) != Some(&read_varint(bytes, &mut at)) {
                return false;
            }
            p += 1;
            seen += 1;
        }
        seen == marked
    }

    /// Bytes held (capacity), for the memory bound.
    pub fn bytes_held(&self) -> usize {
        self.bytes.capacity() + 4 * self.ends.capacity()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Markings, encode};

    proptest! {
        /// Decoding gives back what was encoded, and equal bytes mean equal markings.
        #[test]
        fn round_trip(a in proptest::collection::vec(prop_oneof![Just(0u32), 1u32..3, 0u32..100_000], 0..300),
                      b in proptest::collection::vec(0u32..3, 0..300)) {
            let mut store = Markings::default();
            let (mut ea, mut eb, mut out) = (Vec::new(), Vec::new(), Vec::new());
            encode(&a, &mut ea);
            encode(&b, &mut eb);
            store.push(&ea);
            store.push(&eb);
            store.decode(0, a.len(), &mut out);
            prop_assert_eq!(&out, &a);
            store.decode(1, b.len(), &mut out);
            prop_assert_eq!(&out, &b);
            if a.len() == b.len() {
                prop_assert_eq!(a == b, store.get(0) == store.get(1));
                let marked = b.iter().filter(|&&k| k > 0).count();
                prop_assert_eq!(a == b, store.equals(0, &b, marked));
            }
            prop_assert!(store.equals(1, &b, b.iter().filter(|&&k| k > 0).count()));
        }
    }
}
