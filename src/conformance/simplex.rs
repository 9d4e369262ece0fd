//! A small dense dual simplex for linear programs whose matrix and costs stay fixed while the
//! right-hand side changes: the shape of the marking-equation heuristic, where each search state
//! only changes the tokens to move and the events left.
//!
//! Owns [`Lp`]. Problem: minimise `c·x` subject to `A x = b`, `x >= 0`, with `c >= 0`. Each row
//! gets an artificial variable fixed to 0; the all-artificial basis is dual feasible because the
//! costs are non-negative, and stays dual feasible for every `b` once optimal, so a new `b` is
//! solved from the previous optimal basis by the dual simplex, usually in a few pivots. The
//! tableau `B⁻¹ A` (`m x n`, by rows, as the ratio test reads it) and the basis inverse `B⁻¹`
//! (`m x m`, by columns) are kept: a new `b` moves the basic values by `B⁻¹ (b - b_last)`, one
//! contiguous column per changed entry, O(m) each. A pivot costs O(m (n + m)).
//!
//! Safeguards: Dantzig's rule (largest infeasibility) first, then Bland's rule (smallest index,
//! which cannot cycle) from a fresh tableau when the pivots run long; every answer is checked
//! against `A x = b` and recomputed from a fresh tableau when rounding has drifted; an
//! infeasibility is confirmed from a fresh tableau before it is reported.

/// Feasibility and pivot tolerance.
const TOL: f64 = 1e-9;
/// Largest residual `|A x - b|` accepted before the tableau is rebuilt.
const RESIDUAL: f64 = 1e-6;
/// Solves without pivots between two checks of the residual.
const CHECK_EVERY: u64 = 64;
/// Pivots after which the tableau is rebuilt anyway, bounding accumulated rounding.
const REFRESH: u64 = 20_000;

/// The outcome of one solve.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The optimum value; [`Lp::solution`] gives the variables.
    Optimal(f64),
    /// No `x >= 0` satisfies `A x = b`.
    Infeasible,
    /// Rounding defeated the solver (never seen in practice): no bound is known.
    Unknown,
}

/// A linear program `min c·x, A x = b, x >= 0` ready to be solved for many `b`.
#[derive(Debug, Clone)]
pub struct Lp {
    rows: usize,
    cols: usize,
    /// The constraint matrix by columns: `(row, value)` non-zeros.
    a: Vec<Vec<(usize, f64)>>,
    cost: Vec<f64>,
    /// Row-major tableau `B⁻¹ A`, `rows x cols`.
    tab: Vec<f64>,
    /// Column-major basis inverse `B⁻¹`, `rows x rows`: column `k` is `binv[k * rows..]`.
    binv: Vec<f64>,
    /// Reduced costs of the structural columns.
    reduced: Vec<f64>,
    /// Scratch: the entering column of the tableau during a pivot, the basic costs in `dual`.
    column: Vec<f64>,
    /// The dual values `c_B B⁻¹` of the current basis, when `dual_valid`.
    dual: Vec<f64>,
    dual_valid: bool,
    /// Basic values `B⁻¹ b` for `b` = `last_b`.
    beta: Vec<f64>,
    /// The right-hand side `beta` belongs to.
    last_b: Vec<f64>,
    /// The basic variable of each row (`>= cols` for an artificial).
    basis: Vec<usize>,
    /// Whether each column is basic.
    basic: Vec<bool>,
    pivots: u64,
    solves: u64,
    since_refresh: u64,
}

impl Lp {
    /// A program with `rows` constraints over the columns of `a` (each a list of `(row, value)`),
    /// costs `cost` (all `>= 0`).
    ///
    /// # Panics
    /// When a cost is negative or a row index is out of range (a construction bug).
    pub fn new(rows: usize, a: Vec<Vec<(usize, f64)>>, cost: Vec<f64>) -> Self {
        assert_eq!(a.len(), cost.len(), "one cost per column");
        assert!(cost.iter().all(|&c| c >= 0.0), "costs must be non-negative");
        assert!(a.iter().flatten().all(|&(r, _)| r < rows), "row index out of range");
        let cols = a.len();
        let mut lp = Lp {
            rows,
            cols,
            a,
            cost,
            tab: Vec::new(),
            binv: Vec::new(),
            reduced: Vec::new(),
            column: vec![0.0; rows],
            dual: vec![0.0; rows],
            dual_valid: false,
            beta: vec![0.0; rows],
            last_b: vec![0.0; rows],
            basis: Vec::new(),
            basic: Vec::new(),
            pivots: 0,
            solves: 0,
            since_refresh: 0,
        };
        lp.refresh();
        lp
    }

    fn width(&self) -> usize {
        self.cols + self.rows
    }

    /// Back to the all-artificial basis: tableau `A`, `B⁻¹ = I`, reduced costs = costs.
    fn refresh(&mut self) {
        let (n, m) = (self.cols, self.rows);
        self.tab = vec![0.0; m * n];
        for (j, col) in self.a.iter().enumerate() {
            for &(r, v) in col {
                self.tab[r * n + j] += v;
            }
        }
        self.binv = vec![0.0; m * m];
        for r in 0..m {
            self.binv[r * m + r] = 1.0;
        }
        self.reduced = self.cost.clone();
        let w = self.width();
        self.basis = (self.cols..w).collect();
        self.basic = vec![false; self.cols];
        self.basic.resize(w, true);
        self.beta.clone_from(&self.last_b);
        self.since_refresh = 0;
        self.dual_valid = false;
    }

    /// The reduced cost `c_j - y A_j` of structural column `j` in the current basis (`>= 0`).
    pub fn reduced_cost(&self, j: usize) -> f64 {
        self.reduced[j]
    }

    /// The dual values `y = c_B B⁻¹` of the current basis (one per row). The basis is always
    /// dual feasible (`c - y A >= 0`), so by weak duality `y·b` bounds the optimum from below for
    /// every right-hand side `b`, and equals it for the `b`s whose basic values stay
    /// non-negative: a bound without a solve. O(m²) after each pivot, then free.
    pub fn dual(&mut self) -> &[f64] {
        if !self.dual_valid {
            let m = self.rows;
            // The basic costs (artificial columns cost nothing), then one dot product per column.
            for (c, &j) in self.column.iter_mut().zip(&self.basis) {
                *c = if j < self.cols { self.cost[j] } else { 0.0 };
            }
            for (y, col) in self.dual.iter_mut().zip(self.binv.chunks_exact(m)) {
                *y = col.iter().zip(&self.column).map(|(&x, &c)| x * c).sum();
            }
            self.dual_valid = true;
        }
        &self.dual
    }

    /// Solves for right-hand side `b`, warm-started from the last optimal basis.
    ///
    /// # Panics
    /// When `b` does not have one entry per row.
    pub fn solve(&mut self, b: &[f64]) -> Outcome {
        assert_eq!(b.len(), self.rows, "one right-hand side per row");
        if self.since_refresh > REFRESH {
            self.refresh();
        }
        let pivots = self.pivots;
        self.solves += 1;
        match self.run(b, false) {
            // Rounding only builds up in pivots and basic-value updates: check after pivots,
            // and every so many solves.
            Some(true)
                if (self.pivots == pivots && !self.solves.is_multiple_of(CHECK_EVERY)) || self.residual_ok(b) =>
            {
                return Outcome::Optimal(self.value());
            }
            _ => {}
        }
        // Long, drifted or infeasible: confirm from a fresh tableau with Bland's rule.
        self.refresh();
        match self.run(b, true) {
            Some(true) if self.residual_ok(b) => Outcome::Optimal(self.value()),
            Some(false) => Outcome::Infeasible,
            _ => {
                self.refresh();
                Outcome::Unknown
            }
        }
    }

    /// The basic structural variables of the last optimum with value above the tolerance, as
    /// `(column, value)` in basis order, into `out`.
    pub fn solution(&self, out: &mut Vec<(u32, f64)>) {
        out.clear();
        out.extend(
            self.basis
                .iter()
                .zip(&self.beta)
                .filter(|&(&j, &v)| j < self.cols && v > TOL)
                .map(|(&j, &v)| (u32::try_from(j).unwrap_or(u32::MAX), v)),
        );
    }

    fn value(&self) -> f64 {
        self.basis.iter().zip(&self.beta).filter(|&(&j, _)| j < self.cols).map(|(&j, &v)| self.cost[j] * v).sum()
    }

    /// Whether the basic solution satisfies `A x = b` within [`RESIDUAL`].
    fn residual_ok(&self, b: &[f64]) -> bool {
        let mut r = b.to_vec();
        for (&j, &v) in self.basis.iter().zip(&self.beta) {
            if j < self.cols {
                if v < -RESIDUAL {
                    return false;
                }
                for &(row, a) in &self.a[j] {
                    r[row] -= a * v;
                }
            } else if v.abs() > RESIDUAL {
                return false;
            }
        }
        r.iter().all(|x| x.abs() <= RESIDUAL)
    }

    /// Dual simplex from the current basis: `Some(true)` optimal, `Some(false)` infeasible,
    /// `None` when the pivot limit is reached.
    fn run(&mut self, b: &[f64], bland: bool) -> Option<bool> {
        let (m, w) = (self.rows, self.width());
        // Move the basic values by B⁻¹ times the change in `b`, a column of B⁻¹ per changed entry.
        for (k, (new, old)) in b.iter().zip(self.last_b.iter_mut()).enumerate() {
            let d = new - *old;
            if d != 0.0 {
                for (beta, &x) in self.beta.iter_mut().zip(&self.binv[k * m..(k + 1) * m]) {
                    *beta += x * d;
                }
                *old = *new;
            }
        }
        let limit = 50 * (w as u64) + 100;
        for _ in 0..limit {
            let Some(r) = self.leaving(bland) else { return Some(true) };
            let Some(j) = self.entering(r) else { return Some(false) };
            self.pivot(r, j);
        }
        None
    }

    /// The row whose basic variable is out of bounds: the largest violation, or with `bland`
    /// the smallest variable index.
    fn leaving(&self, bland: bool) -> Option<usize> {
        let mut best: Option<(usize, f64, usize)> = None;
        for (r, (&j, &v)) in self.basis.iter().zip(&self.beta).enumerate() {
            let violation = if j < self.cols { -v } else { v.abs() };
            if violation <= TOL {
                continue;
            }
            let better = match best {
                None => true,
                Some((_, bv, bj)) => {
                    if bland {
                        j < bj
                    } else {
                        violation > bv
                    }
                }
            };
            if better {
                best = Some((r, violation, j));
            }
        }
        best.map(|(r, _, _)| r)
    }

    /// The entering column for leaving row `r` by the dual ratio test (ties: smallest index).
    /// Artificial columns never enter.
    fn entering(&self, r: usize) -> Option<usize> {
        let n = self.cols;
        let row = &self.tab[r * n..(r + 1) * n];
        // Below zero: the leaving variable rises to 0 by an entering column with a negative entry;
        // an artificial above zero falls to 0 by one with a positive entry.
        let sign = if self.beta[r] < 0.0 { -1.0 } else { 1.0 };
        let mut best: Option<(usize, f64)> = None;
        for (j, &a) in row.iter().enumerate() {
            let a = a * sign;
            if self.basic[j] || a <= TOL {
                continue;
            }
            let ratio = self.reduced[j].max(0.0) / a;
            if best.is_none_or(|(_, br)| ratio < br - TOL) {
                best = Some((j, ratio));
            }
        }
        best.map(|(j, _)| j)
    }

    fn pivot(&mut self, r: usize, j: usize) {
        let (n, m) = (self.cols, self.rows);
        let p = self.tab[r * n + j];
        for x in &mut self.tab[r * n..(r + 1) * n] {
            *x /= p;
        }
        self.beta[r] /= p;
        for col in self.binv.chunks_exact_mut(m) {
            col[r] /= p;
        }
        // The entering column (0 in the pivot row, which is not eliminated from itself).
        for (i, f) in self.column.iter_mut().enumerate() {
            *f = if i == r { 0.0 } else { self.tab[i * n + j] };
        }
        let (before, rest) = self.tab.split_at_mut(r * n);
        let (pivot_row, after) = rest.split_at_mut(n);
        for (i, row) in before
            .chunks_exact_mut(n)
            .enumerate()
            .chain(after.chunks_exact_mut(n).enumerate().map(|(i, x)| (i + r + 1, x)))
        {
            let f = self.column[i];
            if f != 0.0 {
                for (x, &y) in row.iter_mut().zip(pivot_row.iter()) {
                    *x -= f * y;
                }
                self.beta[i] -= f * self.beta[r];
            }
        }
        for col in self.binv.chunks_exact_mut(m) {
            let t = col[r];
            if t != 0.0 {
                for (x, &f) in col.iter_mut().zip(&self.column) {
                    *x -= f * t;
                }
            }
        }
        let f = self.reduced[j];
        if f != 0.0 {
            for (x, &y) in self.reduced.iter_mut().zip(pivot_row.iter()) {
                *x -= f * y;
            }
        }
        let old = self.basis[r];
        self.basic[old] = false;
        self.basic[j] = true;
        self.basis[r] = j;
        self.pivots += 1;
        self.since_refresh += 1;
        self.dual_valid = false;
    }
}

#[cfg(test)]
mod tests {
    use super::{Lp, Outcome};

    /// min x0 + 2 x1 + 0 x2, x0 + x1 - x2 = b0, x1 + x2 = b1.
    fn small() -> Lp {
        Lp::new(2, vec![vec![(0, 1.0)], vec![(0, 1.0), (1, 1.0)], vec![(0, -1.0), (1, 1.0)]], vec![1.0, 2.0, 0.0])
    }

    #[test]
    fn solves_and_warm_starts_for_new_right_hand_sides() {
        let mut lp = small();
        // b = (2, 1): x2 = 1 gives x0 = 3, cost 3; x1 = 1 gives x0 = 1, cost 3; both optimal.
        assert_eq!(lp.solve(&[2.0, 1.0]), Outcome::Optimal(3.0));
        // b = (0, 2): x2 = 2 forces x0 = 2 (cost 2), x1 = 1, x2 = 1 gives cost 2; optimum 2.
        assert_eq!(lp.solve(&[0.0, 2.0]), Outcome::Optimal(2.0));
        assert_eq!(lp.solve(&[0.0, 0.0]), Outcome::Optimal(0.0));
        let Outcome::Optimal(v) = lp.solve(&[5.0, 0.0]) else { panic!() };
        assert!((v - 5.0).abs() < 1e-9);
        let mut x = Vec::new();
        lp.solution(&mut x);
        assert_eq!(x, vec![(0, 5.0)]);
    }

    #[test]
    fn reports_infeasibility() {
        let mut lp = small();
        // x1 + x2 = -1 has no non-negative solution.
        assert_eq!(lp.solve(&[0.0, -1.0]), Outcome::Infeasible);
        // And recovers for the next right-hand side.
        assert_eq!(lp.solve(&[1.0, 0.0]), Outcome::Optimal(1.0));
    }

    #[test]
    fn redundant_rows_are_fine() {
        // The same row twice: x0 + x1 = b, x0 + x1 = b.
        let mut lp = Lp::new(2, vec![vec![(0, 1.0), (1, 1.0)], vec![(0, 1.0), (1, 1.0)]], vec![3.0, 1.0]);
        assert_eq!(lp.solve(&[2.0, 2.0]), Outcome::Optimal(2.0));
        assert_eq!(lp.solve(&[2.0, 3.0]), Outcome::Infeasible);
    }
}
