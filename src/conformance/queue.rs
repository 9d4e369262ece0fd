//! The alignment search's open list: a bucket queue over small integer estimates.
//!
//! Owns [`Queue`]. Alignment costs are small integers and the search pops estimates in
//! non-decreasing order, so the queue keeps one level per estimate `f` (from the lowest still
//! queued), and in each level one stack per trace position. [`Queue::pop`] takes the lowest
//! level, in it the furthest position, and in that position the entry pushed last: the order of
//! the search (depth first along the trace among equal estimates, newest first). Push and pop
//! are O(1) amortised, against O(log n) for a binary heap; a level costs one stack per trace
//! position it has held, and emptied levels and stacks are kept for reuse.

use std::collections::VecDeque;

/// One estimate's entries: a stack of node ids per trace position.
#[derive(Debug, Default)]
struct Level {
    stacks: Vec<Vec<u32>>,
    /// No stack above this position holds an entry.
    top: usize,
    len: usize,
}

impl Level {
    fn push(&mut self, pos: usize, id: u32) {
        if self.stacks.len() <= pos {
            self.stacks.resize_with(pos + 1, Vec::new);
        }
        self.stacks[pos].push(id);
        self.top = self.top.max(pos);
        self.len += 1;
    }

    fn pop(&mut self) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        loop {
            if let Some(id) = self.stacks[self.top].pop() {
                self.len -= 1;
                return Some(id);
            }
            self.top -= 1;
        }
    }

    fn clear(&mut self) {
        for s in self.stacks.iter_mut().take(self.top + 1) {
            s.clear();
        }
        self.top = 0;
        self.len = 0;
    }
}

/// Entries `(f, pos, id)` popped by least `f`, then greatest `pos`, then last pushed.
#[derive(Debug, Default)]
pub struct Queue {
    /// The estimate of `levels[0]`.
    base: u64,
    levels: VecDeque<Level>,
    /// Emptied levels, kept for their stacks.
    spare: Vec<Level>,
    len: usize,
}

impl Queue {
    /// Empties the queue, keeping its memory.
    pub fn clear(&mut self) {
        while let Some(mut level) = self.levels.pop_front() {
            level.clear();
            self.spare.push(level);
        }
        self.base = 0;
        self.len = 0;
    }

    /// Bytes its stacks hold (capacity). O(levels x positions).
    pub fn bytes_held(&self) -> usize {
        let level = |l: &Level| {
            l.stacks.capacity() * std::mem::size_of::<Vec<u32>>()
                + l.stacks.iter().map(|s| s.capacity() * 4).sum::<usize>()
        };
        self.levels.iter().chain(&self.spare).map(level).sum()
    }

    /// Queues node `id` at trace position `pos` with estimate `f`.
    pub fn push(&mut self, f: u64, pos: u32, id: u32) {
        if self.levels.is_empty() {
            self.base = f;
        }
        while f < self.base {
            let level = self.spare.pop().unwrap_or_default();
            self.levels.push_front(level);
            self.base -= 1;
        }
        let i = usize::try_from(f - self.base).unwrap_or(usize::MAX);
        while self.levels.len() <= i {
            let level = self.spare.pop().unwrap_or_default();
            self.levels.push_back(level);
        }
        self.levels[i].push(pos as usize, id);
        self.len += 1;
    }

    /// The next entry as `(f, id)`.
    pub fn pop(&mut self) -> Option<(u64, u32)> {
        if self.len == 0 {
            return None;
        }
        loop {
            let front = self.levels.front_mut()?;
            if let Some(id) = front.pop() {
                self.len -= 1;
                return Some((self.base, id));
            }
            let mut level = self.levels.pop_front()?;
            level.clear();
            self.spare.push(level);
            self.base += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Queue;
    use proptest::prelude::*;

    proptest! {
        /// The queue pops in the order of a sort by (f, -pos, -push order).
        #[test]
        fn pops_like_a_sort(entries in prop::collection::vec((0u64..6, 0u32..5), 0..60), cut in 0usize..60) {
            let mut q = Queue::default();
            let mut expected = Vec::new();
            let mut got = Vec::new();
            for (i, &(f, pos)) in entries.iter().enumerate() {
                let id = u32::try_from(i).unwrap();
                q.push(f, pos, id);
                expected.push((f, pos, id));
                // Pop some midway, as the search does (never below the last popped estimate).
                if i == cut {
                    while let Some(e) = q.pop() {
                        got.push(e);
                    }
                }
            }
            while let Some(e) = q.pop() {
                got.push(e);
            }
            // Reference: repeatedly take the least (f, -pos, -id) of what has been pushed so far.
            let mut pending: Vec<(u64, u32, u32)> = Vec::new();
            let mut want = Vec::new();
            for (i, &e) in expected.iter().enumerate() {
                pending.push(e);
                if i == cut.min(expected.len().saturating_sub(1)) && cut < expected.len() {
                    pending.sort_by_key(|&(f, p, id)| (f, std::cmp::Reverse(p), std::cmp::Reverse(id)));
                    want.extend(pending.drain(..).map(|(f, _, id)| (f, id)));
                }
            }
            pending.sort_by_key(|&(f, p, id)| (f, std::cmp::Reverse(p), std::cmp::Reverse(id)));
            want.extend(pending.drain(..).map(|(f, _, id)| (f, id)));
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn lower_estimates_pushed_late_come_first() {
        let mut q = Queue::default();
        q.push(5, 0, 1);
        q.push(3, 2, 2);
        q.push(3, 4, 3);
        assert_eq!(q.pop(), Some((3, 3)));
        assert_eq!(q.pop(), Some((3, 2)));
        assert_eq!(q.pop(), Some((5, 1)));
        assert_eq!(q.pop(), None);
        q.clear();
        q.push(1, 0, 9);
        assert_eq!(q.pop(), Some((1, 9)));
    }
}
