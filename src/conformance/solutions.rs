//! The marking-equation solutions the alignment search keeps, and the one it is looking at.
//!
//! Owns [`Solutions`]. A child whose move the parent's optimal solution uses inherits it, minus
//! that move ([`crate::conformance::alignment`]); its children in turn ask which moves that
//! solution still uses. Copying the solution into every inheriting node made solutions most of
//! the search's memory on long traces (44 entries of 16 bytes per settled node, 378 MB of an
//! 820 MB search), so only solved nodes store theirs, plus one node in every
//! [`Solutions::CHAIN`] along a chain of inheritances; any other node's solution is its nearest
//! stored ancestor's minus the moves in between, rebuilt into a dense view by column when the node
//! is expanded: O(entries + chain) per expansion, O(1) per question. Entries are `f32`: the values
//! are small counts and only ever compared with 1, so the precision lost cannot change a bound
//! (an inherited bound is a lower bound whatever the stored values say).

use crate::conformance::marking_equation::Column;

/// Stored solutions and the dense view of the current one.
#[derive(Debug, Default)]
pub struct Solutions {
    entries: Vec<(Column, f32)>,
    /// The current solution by column (0 where unused).
    view: Vec<f64>,
    /// The columns set in `view`.
    touched: Vec<u32>,
}

/// A stored solution: its range in [`Solutions`].
pub type Stored = (u32, u32);

impl Solutions {
    /// A value that lets a child inherit (1, less rounding).
    pub const ONE: f64 = 1.0 - 1e-6;

    /// Longest chain of inheriting nodes between two stored solutions.
    pub const CHAIN: u8 = 32;

    /// Forgets everything; the view gets `columns` columns.
    pub fn reset(&mut self, columns: usize) {
        self.entries.clear();
        self.touched.clear();
        self.view.clear();
        self.view.resize(columns, 0.0);
    }

    /// Stores `solution`'s entries of at least 1 (a smaller one never lets a child inherit: a
    /// child inherits where the value is at least 1, and inheriting only lowers values); returns
    /// where.
    pub fn store(&mut self, solution: impl IntoIterator<Item = (Column, f64)>) -> Stored {
        let start = self.entries.len();
        #[expect(clippy::cast_possible_truncation, reason = "small counts, compared with 1 only")]
        self.entries.extend(solution.into_iter().filter(|&(_, v)| v >= Self::ONE).map(|(c, v)| (c, v as f32)));
        (u32::try_from(start).unwrap_or(u32::MAX), u32::try_from(self.entries.len()).unwrap_or(u32::MAX))
    }

    /// Makes the view the stored solution `base` minus one of each column in `minus`.
    pub fn view(&mut self, base: Stored, minus: &[Column]) {
        for &j in &self.touched {
            self.view[j as usize] = 0.0;
        }
        self.touched.clear();
        for &(c, v) in &self.entries[base.0 as usize..base.1 as usize] {
            self.view[c.0 as usize] = f64::from(v);
            self.touched.push(c.0);
        }
        for &c in minus {
            if let Some(v) = self.view.get_mut(c.0 as usize) {
                *v -= 1.0;
                self.touched.push(c.0);
            }
        }
    }

    /// Empties the view (a node without a solution).
    pub fn view_none(&mut self) {
        self.view((0, 0), &[]);
    }

    /// The view's value of `col`.
    pub fn value(&self, col: Column) -> f64 {
        self.view.get(col.0 as usize).copied().unwrap_or(0.0)
    }

    /// Stores the view's positive entries; returns where.
    pub fn store_view(&mut self) -> Stored {
        self.touched.sort_unstable();
        self.touched.dedup();
        let start = self.entries.len();
        for &j in &self.touched {
            let v = self.view[j as usize];
            if v >= Self::ONE {
                #[expect(clippy::cast_possible_truncation, reason = "small counts, compared with 1 only")]
                self.entries.push((Column(j), v as f32));
            }
        }
        (u32::try_from(start).unwrap_or(u32::MAX), u32::try_from(self.entries.len()).unwrap_or(u32::MAX))
    }

    /// Forgets the entries from `start` on (the solutions stored last).
    pub fn truncate(&mut self, start: u32) {
        self.entries.truncate(start as usize);
    }

    /// Entries stored.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held (capacity).
    pub fn bytes_held(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<(Column, f32)>()
            + self.view.capacity() * 8
            + self.touched.capacity() * 4
    }
}
