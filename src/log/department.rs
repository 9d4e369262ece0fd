//! Departments: which of a process's roles did each event of a log.
//!
//! Owns [`Departments`], [`Dept`] and [`DeptSource`]. An event's department is read, in this
//! order, from:
//! 1. the log's department/role column, its value matched against the roles' labels (id, `name`,
//!    `name_zh`, `aliases`) after a log profile's `roles:` entries, exactly and then ignoring case
//!    and repeated spaces; a value that names no role is a department of its own, kept by its
//!    label (hand-offs between two unknown departments are still hand-offs) and listed as
//!    unmapped;
//! 2. the agent (resource column), through a profile's `resources:` entries (exact ids first,
//!    then the longest `prefix*` pattern), when the role cell is empty or the log has none;
//! 3. when the log says nothing of departments at all (no role column and no resource mapping),
//!    the owning role of the event's step: hand-offs and department returns are then those of the
//!    design, and organisational conformance cannot be measured ([`DeptSource::StepOwner`]).
//!
//! Building is O(distinct values x role labels); an event's department is two array lookups.

use serde::Serialize;

use crate::log::event_log::EventLog;
use crate::log::intern::Sym;
use crate::log::mapping::{LabelIndex, resolve_explicit};
use crate::log::profile::LabelMapping;
use crate::model::diagnostic::Diagnostic;
use crate::model::process::{Process, RoleId, StepId};

/// A department: a role of the process (`0..roles`), a department label of the log that names no
/// role (`roles..`), or none known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dept(pub u32);

impl Dept {
    /// No department is known for the event.
    pub const NONE: Dept = Dept(u32::MAX);

    /// Whether a department is known.
    pub fn is_some(self) -> bool {
        self != Dept::NONE
    }
}

/// Where departments come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeptSource {
    /// The log's department/role column (agents fill empty cells when the profile maps them).
    RoleColumn,
    /// Agent ids mapped to roles by the log profile's `resources:`.
    Resource,
    /// Not in the log: each step's owning role stands in.
    StepOwner,
}

impl DeptSource {
    /// Whether the log itself says who did each step (organisational conformance needs it).
    pub fn observed(self) -> bool {
        self != DeptSource::StepOwner
    }

    /// A few words for reports.
    pub fn describe(self) -> &'static str {
        match self {
            DeptSource::RoleColumn => "the log's department column",
            DeptSource::Resource => "agents mapped to departments by the log profile",
            DeptSource::StepOwner => "the owning role of each step (the log has no department column)",
        }
    }
}

/// A department label of the log that names no role, with its event count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmappedDept {
    /// The label as the log writes it.
    pub label: String,
    /// Events with it.
    pub events: u64,
}

/// The department of every event of one log, for one process.
#[derive(Debug, Clone)]
pub struct Departments {
    /// Where they come from.
    pub source: DeptSource,
    /// Roles of the process.
    roles: u32,
    /// Department of each value (by `Sym` index into `log.values`) seen in the role column.
    by_value: Vec<Dept>,
    /// Department of each agent (by `Sym` index) the profile maps.
    by_resource: Vec<Dept>,
    /// The labels of departments `roles..`, in order of first appearance.
    unmapped: Vec<Sym>,
}

fn u32_of(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Departments {
    /// The departments of `log`'s events for `process`, with a profile's `roles:` and
    /// `resources:` entries. An entry naming a role the process lacks is an error located in the
    /// profile.
    pub fn new(
        log: &EventLog,
        process: &Process,
        roles: &[LabelMapping],
        resources: &[LabelMapping],
        profile_file: &str,
    ) -> Result<Departments, Vec<Diagnostic>> {
        let ids: Vec<&str> = process.roles.iter().map(|r| r.id.as_str()).collect();
        let role_id = |id: &str| ids.iter().position(|x| *x == id).map(|i| RoleId(u32_of(i)));
        let fixed_roles = resolve_explicit(roles, role_id, &ids, "role", &process.id, profile_file);
        let fixed_resources = resolve_explicit(resources, role_id, &ids, "role", &process.id, profile_file);
        let (fixed_roles, fixed_resources) = match (fixed_roles, fixed_resources) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => return Err(a.err().into_iter().chain(b.err()).flatten().collect()),
        };
        let n_roles = u32_of(process.roles.len());
        let mut d = Departments {
            source: DeptSource::StepOwner,
            roles: n_roles,
            by_value: Vec::new(),
            by_resource: Vec::new(),
            unmapped: Vec::new(),
        };
        if let Some(column) = &log.events.role {
            d.source = DeptSource::RoleColumn;
            d.by_value = vec![Dept::NONE; log.values.len()];
            let labels = process
                .roles
                .iter()
                .enumerate()
                .flat_map(|(i, r)| r.labels().map(move |l| (l.to_owned(), RoleId(u32_of(i)))))
                .collect();
            let index = LabelIndex::new(fixed_roles, labels);
            for &v in column {
                if !v.is_some() || d.by_value[v.index()].is_some() || log.values.resolve(v).trim().is_empty() {
                    continue;
                }
                d.by_value[v.index()] = if let Some(r) = index.find(log.values.resolve(v)) {
                    Dept(r.0)
                } else {
                    d.unmapped.push(v);
                    Dept(n_roles + u32_of(d.unmapped.len() - 1))
                };
            }
        }
        if let Some(column) = &log.events.resource
            && !fixed_resources.is_empty()
        {
            if d.source == DeptSource::StepOwner {
                d.source = DeptSource::Resource;
            }
            d.by_resource = vec![Dept::NONE; log.values.len()];
            let (exact, mut prefixes): (Vec<_>, Vec<_>) =
                fixed_resources.into_iter().partition(|(label, _)| !label.ends_with('*'));
            // The longest pattern first, so that `expert-1*` wins over `expert-*`.
            prefixes.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
            for &v in column {
                if !v.is_some() || d.by_resource[v.index()].is_some() {
                    continue;
                }
                let agent = log.values.resolve(v).trim();
                let found = exact
                    .iter()
                    .find(|(id, _)| id == agent)
                    .or_else(|| prefixes.iter().find(|(p, _)| agent.starts_with(&p[..p.len() - 1])));
                if let Some((_, r)) = found {
                    d.by_resource[v.index()] = Dept(r.0);
                }
            }
        }
        Ok(d)
    }

    /// The department of event `e`, whose step is `step`.
    pub fn of_event(&self, log: &EventLog, e: usize, step: Option<StepId>, process: &Process) -> Dept {
        // A table is empty when its column is absent or unused (no `resources:`).
        let value = |c: &Option<Vec<Sym>>, table: &[Dept]| {
            c.as_ref().map(|c| c[e]).filter(|v| v.is_some()).and_then(|v| table.get(v.index()).copied())
        };
        match self.source {
            DeptSource::StepOwner => step.map_or(Dept::NONE, |s| Dept(process.step(s).role.0)),
            DeptSource::RoleColumn | DeptSource::Resource => {
                let d = value(&log.events.role, &self.by_value).unwrap_or(Dept::NONE);
                if d.is_some() { d } else { value(&log.events.resource, &self.by_resource).unwrap_or(Dept::NONE) }
            }
        }
    }

    /// The role behind `d`, when it is one of the process's.
    pub fn role(&self, d: Dept) -> Option<RoleId> {
        (d.0 < self.roles).then_some(RoleId(d.0))
    }

    /// Departments there can be: the process's roles, then the unmapped labels.
    pub fn count(&self) -> usize {
        self.roles as usize + self.unmapped.len()
    }

    /// The name of `d` for people: the role's name in the chosen language, or the log's label.
    pub fn name<'a>(&self, d: Dept, process: &'a Process, log: &'a EventLog, zh: bool) -> &'a str {
        match self.role(d) {
            Some(r) => process.role(r).display(zh),
            None if d.is_some() => log.values.resolve(self.unmapped[(d.0 - self.roles) as usize]),
            None => "?",
        }
    }

    /// The log's department labels that name no role, most events first, then by label.
    pub fn unmapped(&self, log: &EventLog) -> Vec<UnmappedDept> {
        let mut events = vec![0u64; self.unmapped.len()];
        if let Some(column) = &log.events.role {
            for &v in column.iter().filter(|v| v.is_some()) {
                if let Some(k) = self.by_value[v.index()].0.checked_sub(self.roles)
                    && let Some(n) = events.get_mut(k as usize)
                {
                    *n += 1;
                }
            }
        }
        let mut out: Vec<UnmappedDept> = self
            .unmapped
            .iter()
            .zip(events)
            .map(|(&s, events)| UnmappedDept { label: log.values.resolve(s).to_owned(), events })
            .collect();
        out.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.label.cmp(&b.label)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Departments, Dept, DeptSource};
    use crate::log::builder::{Extras, LogBuilder, Present};
    use crate::log::profile::LabelMapping;
    use crate::log::timestamp::Time;
    use crate::model::diagnostic::{Span, Spanned};
    use crate::model::library;
    use crate::model::process::StepId;

    fn spanned(s: &str) -> Spanned<String> {
        Spanned { value: s.to_owned(), span: Span::START }
    }

    #[test]
    fn role_column_then_agents_then_unmapped_labels() {
        let lib = library::load(&["processes/complaint-linear.yaml".into()]);
        let p = &lib.processes[0];
        let present = Present { role: true, resource: true, ..Present::default() };
        let mut b = LogBuilder::new(present);
        let c = b.case("T1");
        for (i, (role, agent)) in
            [("一线坐席", "f-1"), ("网络专家", "e-1"), ("", "x-9"), ("客服中心", "f-2"), ("", "zz")].iter().enumerate()
        {
            let extras = Extras { role: Some(role), resource: Some(agent), ..Extras::default() };
            b.event(c, "受理投诉", Time(i64::try_from(i).unwrap()), extras);
        }
        let log = b.finish();
        let resources = [LabelMapping { label: spanned("x-*"), step: spanned("maintenance") }];
        let d = Departments::new(&log, p, &[], &resources, "profile.yaml").unwrap();
        assert_eq!(d.source, DeptSource::RoleColumn);
        let depts: Vec<Dept> = (0..5).map(|e| d.of_event(&log, e, Some(StepId(0)), p)).collect();
        assert_eq!(depts[..3], [Dept(0), Dept(1), Dept(2)]);
        assert_eq!(depts[3], Dept(4), "an unknown department is one of its own, after the four roles");
        assert_eq!(depts[4], Dept::NONE);
        assert_eq!(d.name(depts[3], p, &log, true), "客服中心");
        assert_eq!(d.name(depts[1], p, &log, true), "后台网络专家");
        assert_eq!(d.unmapped(&log)[0].events, 1);
        let bad = [LabelMapping { label: spanned("x"), step: spanned("nobody") }];
        let errors = Departments::new(&log, p, &bad, &[], "profile.yaml").unwrap_err();
        assert!(errors[0].message.contains("`x` maps to role `nobody`"), "{}", errors[0].message);
    }

    #[test]
    fn without_a_department_column_the_step_owner_stands_in() {
        let lib = library::load(&["processes/complaint-linear.yaml".into()]);
        let p = &lib.processes[0];
        let mut b = LogBuilder::new(Present::default());
        let c = b.case("T1");
        b.event(c, "受理投诉", Time(0), Extras::default());
        let log = b.finish();
        let d = Departments::new(&log, p, &[], &[], "").unwrap();
        assert_eq!(d.source, DeptSource::StepOwner);
        assert!(!d.source.observed());
        let diagnose = p.step_id("diagnose").unwrap();
        assert_eq!(d.of_event(&log, 0, Some(diagnose), p), Dept(p.step(diagnose).role.0));
        assert_eq!(d.of_event(&log, 0, None, p), Dept::NONE);
    }
}
