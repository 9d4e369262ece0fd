//! A validated process: interned steps and roles, gateways, designed loops and the flow graph.
//!
//! Owns the types every later stage reads (conformance, loop-backs, time limits, maps): steps and
//! roles are addressed by dense `u32` ids ([`StepId`], [`RoleId`]) so hot paths index arrays
//! instead of hashing strings. Only `validate` builds a [`Process`], so one that exists is valid.

use std::path::PathBuf;

use crate::model::duration::Limit;
use crate::model::graph::ProcessGraph;
use crate::model::spec::{Class, Elements, GatewayKind, Office};

/// Index of a step in [`Process::steps`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepId(pub u32);

/// Index of a role in [`Process::roles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleId(pub u32);

/// Index of a loop in [`Process::loops`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LoopId(pub u32);

/// A role or department (swimlane).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Its id.
    pub id: String,
    /// English name.
    pub name: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// Names a ticket system writes for it in a department column.
    pub aliases: Vec<String>,
    /// Front or back office, when the process says.
    pub office: Option<Office>,
    /// Free text.
    pub description: Option<String>,
}

impl Role {
    /// Every label that names this role in a log's department column: id, English and Chinese
    /// name, aliases.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        [Some(self.id.as_str()), Some(self.name.as_str()), self.name_zh.as_deref()]
            .into_iter()
            .flatten()
            .chain(self.aliases.iter().map(String::as_str))
    }

    /// The name in `lang` (`zh` for the Chinese name where there is one).
    pub fn display(&self, zh: bool) -> &str {
        if zh { self.name_zh.as_deref().unwrap_or(&self.name) } else { &self.name }
    }
}

/// How a ticket of this process counts as escalated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Escalation {
    /// Steps whose presence marks an escalation.
    pub steps: Vec<StepId>,
    /// Channels an escalated ticket arrives by.
    pub channels: Vec<String>,
}

/// A step (activity) of the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Its id.
    pub id: String,
    /// English name (the id when none was written).
    pub name: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// The role that must perform it.
    pub role: RoleId,
    /// Its time limit.
    pub limit: Option<Limit>,
    /// Labels a ticket system writes for it.
    pub aliases: Vec<String>,
    /// Free text.
    pub description: Option<String>,
}

impl Step {
    /// The name in `lang` (`zh` for the Chinese name where there is one).
    pub fn display(&self, zh: bool) -> &str {
        if zh { self.name_zh.as_deref().unwrap_or(&self.name) } else { &self.name }
    }

    /// Every label that names this step in a log: id, English and Chinese name, aliases.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        [Some(self.id.as_str()), Some(self.name.as_str()), self.name_zh.as_deref()]
            .into_iter()
            .flatten()
            .chain(self.aliases.iter().map(String::as_str))
    }
}

/// A gateway of the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    /// Its id.
    pub id: String,
    /// Its type.
    pub kind: GatewayKind,
}

/// A designed loop: after `from`, a ticket may go back to the earlier step `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loop {
    /// Its id.
    pub id: String,
    /// The step it leaves from.
    pub from: StepId,
    /// The earlier step it returns to.
    pub to: StepId,
    /// When it is taken.
    pub when: Option<String>,
    /// When it is taken, in Chinese.
    pub when_zh: Option<String>,
}

impl Loop {
    /// When it is taken, in `lang` (`zh` for the Chinese text where there is one).
    pub fn when(&self, zh: bool) -> Option<&str> {
        if zh { self.when_zh.as_deref().or(self.when.as_deref()) } else { self.when.as_deref() }
    }
}

/// A process definition that passed validation.
#[derive(Debug, Clone)]
pub struct Process {
    /// The id (the file's stem).
    pub id: String,
    /// English name.
    pub name: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// Service or management.
    pub class: Class,
    /// Kind within the class (complaint, quality, ...).
    pub kind: String,
    /// The definition's version.
    pub version: String,
    /// Owner.
    pub owner: String,
    /// Free text.
    pub description: Option<String>,
    /// Inputs, outputs, customer, value.
    pub elements: Elements,
    /// Roles, indexed by [`RoleId`].
    pub roles: Vec<Role>,
    /// Steps, indexed by [`StepId`], in file order.
    pub steps: Vec<Step>,
    /// Gateways, in file order.
    pub gateways: Vec<Gateway>,
    /// Designed loops, indexed by [`LoopId`].
    pub loops: Vec<Loop>,
    /// Steps a closed loop must show, each entry one step or alternatives; empty when the
    /// process does not define its closed loop.
    pub closed_loop: Vec<Vec<StepId>>,
    /// How an escalated ticket is recognised, when the process says.
    pub escalation: Option<Escalation>,
    /// The flow graph.
    pub graph: ProcessGraph,
    /// The file it was read from.
    pub file: PathBuf,
}

impl Process {
    /// The name in `lang` (`zh` for the Chinese name where there is one).
    pub fn display_name(&self, zh: bool) -> &str {
        if zh { self.name_zh.as_deref().unwrap_or(&self.name) } else { &self.name }
    }

    /// The step with id `id`.
    pub fn step_id(&self, id: &str) -> Option<StepId> {
        self.steps.iter().position(|s| s.id == id).map(|i| StepId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    /// The step behind `id`.
    pub fn step(&self, id: StepId) -> &Step {
        &self.steps[id.0 as usize]
    }

    /// Whether the process is written in Chinese (its name or a step has a Chinese name): text
    /// output then names steps and departments in Chinese.
    pub fn prefers_zh(&self) -> bool {
        self.name_zh.is_some() || self.steps.iter().any(|s| s.name_zh.is_some())
    }

    /// The role behind `id`.
    pub fn role(&self, id: RoleId) -> &Role {
        &self.roles[id.0 as usize]
    }
}
