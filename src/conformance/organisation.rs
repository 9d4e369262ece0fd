//! Organisational conformance (组织符合度): whether the department that owns each step did it.
//!
//! Owns [`OrganisationFigures`]. Every event whose label maps to a step and whose department the
//! log states (see [`crate::log::department`]) is **checked**: it is **right** when that
//! department is the step's owning role, **wrong** when it is another role of the process, and
//! of **unknown department** when the log's department names no role (listed apart, never
//! counted right or wrong). Rates are right / (right + wrong), per step, per owning department
//! and per process. A few example tickets are kept for each step's wrong events. Needs a
//! department column (or agents mapped to departments): with departments inferred from the
//! steps' owners it is not measured. O(1) per event.

use crate::log::department::Dept;
use crate::log::event_log::CaseIdx;
use crate::model::process::{RoleId, StepId};

/// Example tickets kept per step.
pub const EXAMPLES: usize = 3;

/// The events of one step (or one owning department).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Done by the owning role.
    pub right: u64,
    /// Done by another role of the process.
    pub wrong: u64,
    /// Done by a department that names no role.
    pub unknown: u64,
}

impl Tally {
    /// right / (right + wrong), when any was checked.
    pub fn rate(&self) -> Option<f64> {
        let n = self.right + self.wrong;
        #[expect(clippy::cast_precision_loss, reason = "event counts are far below 2^52")]
        (n > 0).then(|| self.right as f64 / n as f64)
    }
}

/// Organisational conformance summed over a log.
#[derive(Debug, Clone, Default)]
pub struct OrganisationFigures {
    /// The whole process.
    pub total: Tally,
    /// Per step (by `StepId`).
    pub per_step: Vec<Tally>,
    /// Per owning role (by `RoleId`).
    pub per_role: Vec<Tally>,
    /// Wrong events by (step, the role that did it).
    pub wrong_by: hashbrown::HashMap<(StepId, RoleId), u64>,
    /// Up to [`EXAMPLES`] tickets with a wrong event, per step, in ticket order.
    pub examples: Vec<Vec<CaseIdx>>,
    /// Tickets with at least one wrong event.
    pub tickets_with_wrong: u64,
}

impl OrganisationFigures {
    /// Figures for a process of `steps` steps and `roles` roles.
    pub fn new(steps: usize, roles: usize) -> Self {
        OrganisationFigures {
            per_step: vec![Tally::default(); steps],
            per_role: vec![Tally::default(); roles],
            examples: vec![Vec::new(); steps],
            ..OrganisationFigures::default()
        }
    }

    /// Adds one ticket: each event's step, department, and the role of a department (`None` for
    /// a department that names no role), with the owner of each step. Returns its wrong events.
    pub fn ticket(
        &mut self,
        case: CaseIdx,
        steps: &[Option<StepId>],
        depts: &[Dept],
        role_of: impl Fn(Dept) -> Option<RoleId>,
        owner: impl Fn(StepId) -> RoleId,
    ) -> u32 {
        let mut wrong = 0;
        for (&step, &dept) in steps.iter().zip(depts) {
            let (Some(s), true) = (step, dept.is_some()) else { continue };
            let own = owner(s);
            let (st, ro) = (&mut self.per_step[s.0 as usize], &mut self.per_role[own.0 as usize]);
            match role_of(dept) {
                Some(r) if r == own => {
                    st.right += 1;
                    ro.right += 1;
                    self.total.right += 1;
                }
                Some(r) => {
                    st.wrong += 1;
                    ro.wrong += 1;
                    self.total.wrong += 1;
                    *self.wrong_by.entry((s, r)).or_insert(0) += 1;
                    let ex = &mut self.examples[s.0 as usize];
                    if ex.len() < EXAMPLES && ex.last() != Some(&case) {
                        ex.push(case);
                    }
                    wrong += 1;
                }
                None => {
                    st.unknown += 1;
                    ro.unknown += 1;
                    self.total.unknown += 1;
                }
            }
        }
        self.tickets_with_wrong += u64::from(wrong > 0);
        wrong
    }
}

#[cfg(test)]
mod tests {
    use super::OrganisationFigures;
    use crate::log::department::Dept;
    use crate::log::event_log::CaseIdx;
    use crate::model::process::{RoleId, StepId};

    #[test]
    fn right_wrong_and_unknown_departments() {
        // Steps 0 and 1 are owned by roles 0 and 1; department 2 names no role.
        let mut f = OrganisationFigures::new(2, 2);
        let role_of = |d: Dept| (d.0 < 2).then_some(RoleId(d.0));
        let owner = |s: StepId| RoleId(s.0);
        let steps = [Some(StepId(0)), Some(StepId(1)), Some(StepId(1)), None, Some(StepId(0))];
        let depts = [Dept(0), Dept(0), Dept(1), Dept(1), Dept(2)];
        assert_eq!(f.ticket(CaseIdx(7), &steps, &depts, role_of, owner), 1);
        assert_eq!((f.total.right, f.total.wrong, f.total.unknown), (2, 1, 1));
        assert_eq!(f.per_step[1].rate(), Some(0.5));
        assert_eq!(f.wrong_by[&(StepId(1), RoleId(0))], 1);
        assert_eq!(f.examples[1], [CaseIdx(7)]);
        assert_eq!(f.tickets_with_wrong, 1);
        assert_eq!(f.ticket(CaseIdx(8), &[Some(StepId(0))], &[Dept::NONE], role_of, owner), 0);
        assert_eq!(f.total.right + f.total.wrong + f.total.unknown, 4, "no department: not checked");
    }
}
