//! Variants: tickets with the same activity sequence, counted once.
//!
//! Owns [`Variants`]. Later stages align each variant once and weight it by its count, so a month
//! of millions of tickets costs as many alignments as it has distinct sequences. Building is
//! O(events) expected (one hash of each trace) plus O(v log v) to sort the v variants by count
//! (descending), then by their activity labels, so the numbering is deterministic.

use hashbrown::HashMap;

use crate::log::event_log::{CaseIdx, EventLog};
use crate::log::intern::Sym;

/// One distinct activity sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The first case (lowest index) with this sequence: its trace is the variant's sequence.
    pub example: CaseIdx,
    /// How many cases have it.
    pub count: u32,
}

/// The variants of a log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variants {
    /// Variants, most frequent first.
    pub list: Vec<Variant>,
    /// The variant of each case (index into `list`).
    pub of_case: Vec<u32>,
}

impl Variants {
    /// Groups the cases of `log` by activity sequence.
    ///
    /// # Example
    /// ```
    /// use flowaudit::log::builder::{Extras, LogBuilder, Present};
    /// use flowaudit::log::timestamp::Time;
    /// use flowaudit::log::variants::Variants;
    ///
    /// let mut b = LogBuilder::new(Present::default());
    /// for (case, act, t) in [("1", "a", 1), ("1", "b", 2), ("2", "a", 1), ("2", "b", 2), ("3", "b", 1)] {
    ///     let c = b.case(case);
    ///     b.event(c, act, Time(t), Extras::default());
    /// }
    /// let log = b.finish();
    /// let v = Variants::of(&log);
    /// assert_eq!(v.list.len(), 2);
    /// assert_eq!(v.list[0].count, 2);
    /// assert_eq!(v.of_case, [0, 0, 1]);
    /// ```
    pub fn of(log: &EventLog) -> Variants {
        let mut index: HashMap<&[Sym], u32> = HashMap::new();
        let mut list: Vec<Variant> = Vec::new();
        let mut of_case = Vec::with_capacity(log.case_count());
        for case in log.case_indices() {
            let next = u32::try_from(list.len()).unwrap_or(u32::MAX);
            let v = *index.entry(log.trace(case)).or_insert(next);
            if v == next {
                list.push(Variant { example: case, count: 0 });
            }
            list[v as usize].count += 1;
            of_case.push(v);
        }
        drop(index);
        let mut order: Vec<u32> = (0..u32::try_from(list.len()).unwrap_or(u32::MAX)).collect();
        let names = |v: u32| log.trace(list[v as usize].example).iter().map(|&a| log.activity_name(a));
        order
            .sort_by(|&a, &b| list[b as usize].count.cmp(&list[a as usize].count).then_with(|| names(a).cmp(names(b))));
        let mut rank = vec![0u32; list.len()];
        for (r, &v) in order.iter().enumerate() {
            rank[v as usize] = u32::try_from(r).unwrap_or(u32::MAX);
        }
        let sorted = order.iter().map(|&v| list[v as usize].clone()).collect();
        for v in &mut of_case {
            *v = rank[*v as usize];
        }
        Variants { list: sorted, of_case }
    }

    /// Number of variants.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
