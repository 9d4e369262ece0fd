//! String interning: every label a log repeats (activities, departments, case ids) becomes a dense
//! `u32` id while the log is read, so the hot paths compare integers and the memory holds each
//! distinct string once.
//!
//! Owns [`Sym`] and [`Interner`]. The strings live in one arena `String`; a hash table stores each
//! id with 32 bits of its string's hash, so a string costs its bytes plus 4 bytes of offset and
//! about 9 bytes of table. Keeping the hash in the table means growing it never reads the arena
//! again, and a probe compares strings only when the stored hash matches: interning a month's
//! million ticket ids stays O(total length) with few cache misses. `intern` is O(len) expected;
//! `resolve` is O(1).

use hashbrown::DefaultHashBuilder;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// An interned string's id: an index into its [`Interner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sym(pub u32);

impl Sym {
    /// Marks an absent value in an optional column.
    pub const NONE: Sym = Sym(u32::MAX);

    /// The id as an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// Whether a value is present.
    pub fn is_some(self) -> bool {
        self != Sym::NONE
    }
}

/// A set of distinct strings with dense ids in first-seen order.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    arena: String,
    /// `ends[i]` is where string `i` ends in the arena; it starts where `i - 1` ends.
    ends: Vec<u32>,
    /// `(id, hash32)` of every string.
    table: HashTable<(u32, u32)>,
    hasher: DefaultHashBuilder,
}

impl Interner {
    /// An empty interner.
    pub fn new() -> Self {
        Interner::default()
    }

    /// The 32-bit hash of `s`.
    #[expect(clippy::cast_possible_truncation, reason = "32 bits of the hash are kept on purpose")]
    fn hash32(&self, s: &str) -> u32 {
        let h = self.hasher.hash_one(s);
        (h ^ (h >> 32)) as u32
    }

    /// Reserves room for `additional` more strings of about `bytes` bytes in all.
    pub fn reserve(&mut self, additional: usize, bytes: usize) {
        self.table.reserve(additional, |&(_, h)| spread(h));
        self.ends.reserve(additional);
        self.arena.reserve(bytes);
    }

    /// The id of `s`, adding it when new.
    ///
    /// # Panics
    /// Never in practice: it would need more than 4 GiB of distinct text or 4 billion strings, and
    /// the readers refuse logs that large before calling it.
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = self.hash32(s);
        let Interner { arena, ends, table, .. } = self;
        if let Some(&(id, _)) = table.find(spread(h), |&(id, h2)| h2 == h && slice(arena, ends, id) == s) {
            return Sym(id);
        }
        let id = u32::try_from(ends.len()).expect("fewer than 2^32 distinct strings");
        arena.push_str(s);
        ends.push(u32::try_from(arena.len()).expect("less than 4 GiB of distinct text"));
        table.insert_unique(spread(h), (id, h), |&(_, h2)| spread(h2));
        Sym(id)
    }

    /// The id of `s`, if it was interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        let h = self.hash32(s);
        self.table
            .find(spread(h), |&(id, h2)| h2 == h && slice(&self.arena, &self.ends, id) == s)
            .map(|&(id, _)| Sym(id))
    }

    /// The string behind `sym`.
    ///
    /// # Panics
    /// If `sym` is not from this interner.
    pub fn resolve(&self, sym: Sym) -> &str {
        slice(&self.arena, &self.ends, sym.0)
    }

    /// Number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether it holds no string.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes of text held.
    pub fn text_bytes(&self) -> usize {
        self.arena.len()
    }

    /// Every string with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (Sym, &str)> {
        (0..self.ends.len()).map(|i| {
            let id = u32::try_from(i).unwrap_or(u32::MAX);
            (Sym(id), slice(&self.arena, &self.ends, id))
        })
    }
}

/// A 32-bit hash spread over 64 bits: the table takes its bucket from the low bits and its
/// 7-bit tag from the top ones, and the odd multiplier fills both from all 32 bits.
fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn slice<'a>(arena: &'a str, ends: &[u32], id: u32) -> &'a str {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &arena[start..ends[i] as usize]
}

#[cfg(test)]
mod tests {
    use super::{Interner, Sym};

    #[test]
    fn ids_are_dense_and_stable() {
        let mut i = Interner::new();
        assert_eq!(i.intern("受理"), Sym(0));
        assert_eq!(i.intern("reply"), Sym(1));
        assert_eq!(i.intern("受理"), Sym(0));
        assert_eq!(i.intern(""), Sym(2));
        assert_eq!(i.resolve(Sym(0)), "受理");
        assert_eq!(i.resolve(Sym(2)), "");
        assert_eq!(i.get("reply"), Some(Sym(1)));
        assert_eq!(i.get("nope"), None);
        assert_eq!(i.len(), 3);
        let all: Vec<_> = i.iter().map(|(_, s)| s).collect();
        assert_eq!(all, ["受理", "reply", ""]);
    }

    #[test]
    fn survives_table_growth() {
        let mut i = Interner::new();
        for n in 0..10_000 {
            assert_eq!(i.intern(&format!("case {n}")), Sym(n));
        }
        for n in 0..10_000 {
            assert_eq!(i.get(&format!("case {n}")), Some(Sym(n)));
        }
    }
}
