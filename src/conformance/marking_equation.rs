//! The marking-equation heuristic: a lower bound on the cost of completing an alignment, used by
//! the A* search of [`crate::conformance::alignment`].
//!
//! Owns [`MarkingEquation`] (a net's program) and [`TraceEquation`] (that program for one
//! trace, with its solver). From a state (marking `m`, events left with label counts `k`), any
//! completion fires each transition some number of times as a model move (`x_t`) or a
//! synchronous move (`s_t`) and skips some events per label (`y_l`). Their counts must satisfy
//! the net's marking equation `m + C (x + s) = m_final` and, per label, `sum of s_t over the
//! label's transitions + y_l = k_l`. Minimising the alignment cost over real non-negative counts
//! is a linear program whose optimum never exceeds the true remaining cost (the order of moves
//! is forgotten, nothing else): an admissible and consistent heuristic (van Dongen, *Efficiently
//! computing alignments*, BPM 2018; Adriansyah's thesis, 2014). Events whose activity the net
//! does not have form one more label with no transition, so they can only be skipped.
//!
//! The program's matrix and costs depend only on the net and the trace's labels, so one [`Lp`]
//! per search is warm-started from state to state; each state changes only the right-hand side.
//! Size for the whole net: `places + labels + 1` rows, `transitions + visible transitions +
//! labels + 1` columns; each search keeps only its trace's labels
//! ([`MarkingEquation::for_labels`]).

use crate::conformance::simplex::{Lp, Outcome};
use crate::net::petri::PetriNet;

/// The column of a move in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column(pub u32);

/// The marking equation of one net: every column of its program and how moves map to them.
#[derive(Debug, Clone)]
pub struct MarkingEquation {
    /// Every column (rows: places, then one per label and one for events the net lacks), and
    /// its cost.
    columns: Vec<Vec<(usize, f64)>>,
    cost: Vec<f64>,
    places: usize,
    final_marking: Vec<f64>,
    /// Column of the synchronous move of each transition (`u32::MAX` when silent).
    sync: Vec<u32>,
    /// First log-move column; label `l`'s is `log + l`, the unknown label's is `log + labels`.
    log: u32,
}

/// The program for one trace: the net's, restricted to the trace's labels, with its solver.
#[derive(Debug, Clone)]
pub struct TraceEquation<'e> {
    equation: &'e MarkingEquation,
    lp: Lp,
    /// The labels whose rows `lp` has, in row order.
    label_rows: Vec<usize>,
    /// The net program's column of each of `lp`'s columns.
    global: Vec<u32>,
    /// The inverse: `lp`'s column of each of the net program's (`u32::MAX` when dropped).
    local: Vec<u32>,
    /// Right-hand side scratch.
    b: Vec<f64>,
    /// Solution scratch.
    scratch: Vec<(u32, f64)>,
    /// The unrounded optimum of the last solve.
    optimum: f64,
}

impl MarkingEquation {
    /// The equation of `net`, whose transitions carry label indices `label_of` (`None` when
    /// silent) out of `labels`. Costs as in the search: 1 per visible model move and per log
    /// move, 0 per silent model move and per synchronous move.
    pub fn new(net: &PetriNet, label_of: &[Option<usize>], labels: usize) -> Self {
        let (places, transitions) = (net.places.len(), net.transitions.len());
        let w = 1.0;
        let mut cols: Vec<Vec<(usize, f64)>> = Vec::new();
        let mut cost = Vec::new();
        let effect = |t: usize| {
            let mut col: Vec<(usize, f64)> = Vec::new();
            let tr = &net.transitions[t];
            for &(p, n) in &tr.inputs {
                col.push((p.0 as usize, -f64::from(n)));
            }
            for &(p, n) in &tr.outputs {
                match col.iter_mut().find(|(r, _)| *r == p.0 as usize) {
                    Some(e) => e.1 += f64::from(n),
                    None => col.push((p.0 as usize, f64::from(n))),
                }
            }
            col.retain(|&(_, v)| v != 0.0);
            col
        };
        for (t, l) in label_of.iter().enumerate().take(transitions) {
            cols.push(effect(t));
            cost.push(if l.is_some() { w } else { 0.0 });
        }
        let mut sync = vec![u32::MAX; transitions];
        for (t, l) in label_of.iter().enumerate().take(transitions) {
            if let Some(l) = l {
                sync[t] = u32::try_from(cols.len()).unwrap_or(u32::MAX);
                let mut col = effect(t);
                col.push((places + l, 1.0));
                cols.push(col);
                cost.push(0.0);
            }
        }
        let log = u32::try_from(cols.len()).unwrap_or(u32::MAX);
        for l in 0..=labels {
            cols.push(vec![(places + l, 1.0)]);
            cost.push(w);
        }
        let final_marking = net.final_marking.0.iter().map(|&n| f64::from(n)).collect();
        MarkingEquation { columns: cols, cost, places, final_marking, sync, log }
    }

    /// The program of a trace with the labels marked in `present` (one entry per label and one
    /// for events the net lacks): the rows and columns of absent labels are dropped, which
    /// changes no bound for a trace without them (their counts are 0 and force those columns to
    /// 0) and shrinks every pivot. Columns keep the net program's numbering.
    pub fn for_labels(&self, present: &[bool]) -> TraceEquation<'_> {
        let places = self.places;
        let label_rows: Vec<usize> = (0..present.len()).filter(|&l| present[l]).collect();
        let mut row_of = vec![usize::MAX; present.len()];
        for (i, &l) in label_rows.iter().enumerate() {
            row_of[l] = places + i;
        }
        let (mut cols, mut cost, mut global) = (Vec::new(), Vec::new(), Vec::new());
        for (j, col) in self.columns.iter().enumerate() {
            let mut kept = Vec::with_capacity(col.len());
            let mut dropped = false;
            for &(r, v) in col {
                if r < places {
                    kept.push((r, v));
                } else if row_of[r - places] == usize::MAX {
                    dropped = true;
                } else {
                    kept.push((row_of[r - places], v));
                }
            }
            if !dropped {
                cols.push(kept);
                cost.push(self.cost[j]);
                global.push(u32::try_from(j).unwrap_or(u32::MAX));
            }
        }
        let rows = places + label_rows.len();
        let mut local = vec![u32::MAX; self.columns.len()];
        for (i, &g) in global.iter().enumerate() {
            local[g as usize] = u32::try_from(i).unwrap_or(u32::MAX);
        }
        TraceEquation {
            equation: self,
            lp: Lp::new(rows, cols, cost),
            label_rows,
            global,
            local,
            b: vec![0.0; rows],
            scratch: Vec::new(),
            optimum: 0.0,
        }
    }

    /// Columns of the net's program.
    pub fn columns(&self) -> usize {
        self.columns.len()
    }

    /// The column of a model move of transition `t`.
    pub fn model(t: u32) -> Column {
        Column(t)
    }

    /// The column of a synchronous move of visible transition `t`.
    pub fn sync(&self, t: u32) -> Column {
        Column(self.sync[t as usize])
    }

    /// The column of a log move of an event with label `label` (`None`: the net lacks it).
    pub fn log(&self, label: Option<usize>, labels: usize) -> Column {
        let l = u32::try_from(label.unwrap_or(labels)).unwrap_or(u32::MAX);
        Column(self.log + l)
    }
}

impl TraceEquation<'_> {
    /// The unrounded optimum of the last [`TraceEquation::bound`] that found one: the
    /// [`TraceEquation::dual_value`] of its state, as long as no other solve has happened.
    pub fn last_optimum(&self) -> f64 {
        self.optimum
    }

    /// `y·b` for `marking` and `left`, with `y` the dual values of the current basis: by weak
    /// duality a lower bound on [`TraceEquation::bound`] there (the basis is always dual
    /// feasible), and exact when that basis is optimal there. O(rows).
    pub fn dual_value(&mut self, marking: &[u32], left: &[u32]) -> f64 {
        self.right_hand_side(marking, left);
        self.lp.dual().iter().zip(&self.b).map(|(&y, &b)| y * b).sum()
    }

    /// Fills `b` for the state with `marking` and `left` events per label: tokens still to move
    /// to the final marking, then the events left of each of the program's labels.
    fn right_hand_side(&mut self, marking: &[u32], left: &[u32]) {
        let places = self.equation.places;
        for ((b, &f), &m) in self.b.iter_mut().zip(&self.equation.final_marking).zip(marking) {
            *b = f - f64::from(m);
        }
        for (b, &l) in self.b[places..].iter_mut().zip(&self.label_rows) {
            *b = f64::from(left[l]);
        }
    }

    /// The dual bound after the move of column `col` from a state whose [`TraceEquation::dual_value`]
    /// is `value`, in O(1): the move takes its column `A_j` off the right-hand side, and
    /// `y·A_j = c_j - d_j` (`d_j` its reduced cost), so the bound is `value - c_j + d_j`, rounded
    /// up. No solve; still valid after any number of pivots, as every basis is dual feasible.
    pub fn step_bound(&self, value: f64, col: Column) -> u64 {
        let Some(&j) = self.local.get(col.0 as usize).filter(|&&j| j != u32::MAX) else { return 0 };
        round_up(value - self.equation.cost[col.0 as usize] + self.lp.reduced_cost(j as usize))
    }

    /// Bounds the cost of completing from `marking` with `left[l]` events of each label left
    /// (the last entry counts events the net lacks). `Some(h)`: the bound, rounded up, and the
    /// optimal counts in `solution`; `None`: the final marking is unreachable (prune the state).
    /// When rounding defeats the solver the bound is 0, which is always safe.
    pub fn bound(&mut self, marking: &[u32], left: &[u32], solution: &mut Vec<(Column, f64)>) -> Option<u64> {
        self.right_hand_side(marking, left);
        solution.clear();
        match self.lp.solve(&self.b) {
            Outcome::Optimal(v) => {
                self.optimum = v;
                self.lp.solution(&mut self.scratch);
                solution.extend(self.scratch.iter().map(|&(j, x)| (Column(self.global[j as usize]), x)));
                Some(round_up(v))
            }
            Outcome::Infeasible => None,
            Outcome::Unknown => Some(0),
        }
    }
}

/// A program's optimum as a bound on an integer cost: rounded up, past rounding noise (so 2.0000001
/// bounds by 2), and never below 0.
fn round_up(v: f64) -> u64 {
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a small non-negative cost")]
    let bound = (v - 1e-6).ceil().max(0.0) as u64;
    bound
}
