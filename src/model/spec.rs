//! The process file as written: mirror types of `docs/process-format.md`, decoded with spans.
//!
//! Owns turning one YAML tree into a [`ProcessSpec`], reporting every shape problem (unknown or
//! missing keys, wrong types, bad values, duplicate ids) at its `file:line:column`. References
//! between parts (a step's role, the flow's steps) are resolved later by `validate`. Cost: O(nodes).

use crate::model::decode::{Decoder, Fields};
use crate::model::diagnostic::{Code, Span, Spanned};
use crate::model::duration::Limit;
use crate::model::flow::{self, FlowEdge};
use crate::model::yaml::{Node, NodeKind};

/// Service processes touch the customer; management processes support them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Touches the customer (acceptance, query, verification, consultation, complaint).
    Service,
    /// Does not touch the customer (quality, knowledge, floor, system, specialist desk, KPI).
    Management,
}

/// The kinds of process a service centre runs, by class (seed 004's classification).
pub const SERVICE_KINDS: [&str; 5] = ["acceptance", "query", "verification", "consultation", "complaint"];
/// Management process kinds.
pub const MANAGEMENT_KINDS: [&str; 6] = ["quality", "knowledge", "floor", "system", "specialist-desk", "kpi"];

/// The gateway types of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayKind {
    /// One of several branches is taken (explicit form of a step with several next steps).
    ExclusiveSplit,
    /// Branches of an exclusive split meet again.
    ExclusiveJoin,
    /// All branches run, in any order or at the same time.
    ParallelSplit,
    /// Waits for every branch of its parallel split.
    ParallelJoin,
}

impl GatewayKind {
    /// The names used in process files.
    pub const NAMES: [&'static str; 4] = ["exclusive-split", "exclusive-join", "parallel-split", "parallel-join"];

    /// The name used in process files.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayKind::ExclusiveSplit => "exclusive-split",
            GatewayKind::ExclusiveJoin => "exclusive-join",
            GatewayKind::ParallelSplit => "parallel-split",
            GatewayKind::ParallelJoin => "parallel-join",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| [Self::ExclusiveSplit, Self::ExclusiveJoin, Self::ParallelSplit, Self::ParallelJoin][i])
    }
}

/// Whether a role faces the customer (front office) or works behind the frontline (back office):
/// first-reply success counts tickets closed without reaching a back-office role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Office {
    /// Faces the customer (frontline agents, self-service systems).
    Front,
    /// Works behind the frontline (experts, execution departments, support centres).
    Back,
}

/// The six process elements that are not steps and flows.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Elements {
    /// What the process consumes.
    pub inputs: Vec<String>,
    /// What it produces.
    pub outputs: Vec<String>,
    /// Whom it serves.
    pub customer: Option<String>,
    /// Why it exists.
    pub value: Option<String>,
}

/// A role or department: a swimlane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSpec {
    /// Its id.
    pub id: Spanned<String>,
    /// English name.
    pub name: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// Names a ticket system writes for it in a department column.
    pub aliases: Vec<Spanned<String>>,
    /// Front or back office, when stated.
    pub office: Option<Office>,
    /// Free text.
    pub description: Option<String>,
}

/// How a ticket counts as escalated, as written (any of the ways).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EscalationSpec {
    /// Steps whose presence marks an escalation.
    pub steps: Vec<Spanned<String>>,
    /// Channels a ticket arrives by when it is escalated.
    pub channels: Vec<String>,
}

/// A step as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSpec {
    /// Its id.
    pub id: Spanned<String>,
    /// English name.
    pub name: Option<Spanned<String>>,
    /// Chinese name.
    pub name_zh: Option<Spanned<String>>,
    /// The owning role's id.
    pub role: Option<Spanned<String>>,
    /// Its time limit.
    pub limit: Option<Limit>,
    /// Labels a ticket system writes for it.
    pub aliases: Vec<Spanned<String>>,
    /// Free text.
    pub description: Option<String>,
    /// False when the step's entry had problems of its own (a misspelt key may be its `role`).
    pub complete: bool,
}

/// A gateway as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySpec {
    /// Its id.
    pub id: Spanned<String>,
    /// Its type.
    pub kind: GatewayKind,
}

/// A designed loop as written: after `from`, the ticket may go back to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopSpec {
    /// Its id.
    pub id: Spanned<String>,
    /// The step the ticket goes back from.
    pub from: Spanned<String>,
    /// The earlier step it goes back to.
    pub to: Spanned<String>,
    /// When the loop is taken.
    pub when: Option<String>,
    /// When the loop is taken, in Chinese.
    pub when_zh: Option<String>,
}

/// One process file, decoded but not yet cross-checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessSpec {
    /// Where the document starts.
    pub span: Span,
    /// The process id (the file's stem).
    pub id: Option<Spanned<String>>,
    /// English name.
    pub name: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// Service or management.
    pub class: Option<Class>,
    /// One of [`SERVICE_KINDS`] or [`MANAGEMENT_KINDS`].
    pub kind: Option<String>,
    /// The definition's version.
    pub version: String,
    /// Who owns the process.
    pub owner: String,
    /// Free text.
    pub description: Option<String>,
    /// Inputs, outputs, customer, value.
    pub elements: Elements,
    /// Swimlanes.
    pub roles: Vec<RoleSpec>,
    /// Steps, in file order.
    pub steps: Vec<StepSpec>,
    /// Gateways, in file order.
    pub gateways: Vec<GatewaySpec>,
    /// The first step.
    pub start: Option<Spanned<String>>,
    /// The steps after which a ticket may close.
    pub ends: Vec<Spanned<String>>,
    /// The designed flows.
    pub flows: Vec<FlowEdge>,
    /// The designed loops.
    pub loops: Vec<LoopSpec>,
    /// Steps a closed loop must show: each entry is one step or alternatives (`reply | callback`).
    pub closed_loop: Vec<Vec<Spanned<String>>>,
    /// How an escalated ticket is recognised.
    pub escalation: Option<EscalationSpec>,
    /// True when `steps` or `gateways` could not be read whole, so references to them cannot be
    /// checked (they would only repeat that error).
    pub incomplete: bool,
}

const PROCESS_KEYS: [&str; 18] = [
    "id",
    "name",
    "name_zh",
    "class",
    "kind",
    "version",
    "owner",
    "description",
    "elements",
    "roles",
    "steps",
    "gateways",
    "start",
    "end",
    "flow",
    "loops",
    "closed_loop",
    "escalation",
];
const STEP_KEYS: [&str; 6] = ["name", "name_zh", "role", "limit", "aliases", "description"];
const ROLE_KEYS: [&str; 5] = ["name", "name_zh", "aliases", "office", "description"];
const ESCALATION_KEYS: [&str; 2] = ["steps", "channels"];
const LOOP_KEYS: [&str; 4] = ["from", "to", "when", "when_zh"];
const ELEMENT_KEYS: [&str; 4] = ["inputs", "outputs", "customer", "value"];

/// Decodes a process file's tree. `source` is the file's text (flow lines are located in it).
///
/// Problems are recorded in `d`; the returned spec holds whatever could be read, so that later
/// checks can still report their own problems in the same run.
pub fn decode(d: &mut Decoder<'_>, root: &Node, source: &str) -> ProcessSpec {
    let mut spec = ProcessSpec {
        span: root.span,
        id: None,
        name: String::new(),
        name_zh: None,
        class: None,
        kind: None,
        version: String::new(),
        owner: String::new(),
        description: None,
        elements: Elements::default(),
        roles: Vec::new(),
        steps: Vec::new(),
        gateways: Vec::new(),
        start: None,
        ends: Vec::new(),
        flows: Vec::new(),
        loops: Vec::new(),
        closed_loop: Vec::new(),
        escalation: None,
        incomplete: false,
    };
    let Some(f) = d.fields(root, "the process", &PROCESS_KEYS) else { return spec };
    let what = "the process";
    spec.id = d.required(&f, "id", what, "add `id: <file name without .yaml>`").and_then(|n| d.id(n, "process id"));
    let required_text = |d: &mut Decoder<'_>, key: &str, help: &str| {
        d.required(&f, key, what, help).and_then(|n| d.text(n, &format!("`{key}`"))).map(|t| t.value)
    };
    spec.name = required_text(d, "name", "add `name: <English name>`").unwrap_or_default();
    spec.version = required_text(d, "version", "add `version: \"1.0\"`").unwrap_or_default();
    spec.owner = required_text(d, "owner", "add `owner: <the department that owns the process>`").unwrap_or_default();
    spec.name_zh = d.opt_text(&f, "name_zh", what).map(|t| t.value);
    spec.description = d.opt_text(&f, "description", what).map(|t| t.value);
    spec.class = d
        .required(&f, "class", what, "add `class: service` or `class: management`")
        .and_then(|n| d.choice(n, "process class", &["service", "management"]))
        .map(|t| if t.value == "service" { Class::Service } else { Class::Management });
    if let Some(kind) = d.required(&f, "kind", what, "add `kind:` (e.g. complaint, query, quality)") {
        spec.kind = decode_kind(d, kind, spec.class);
    }
    if let Some(n) = f.get("elements") {
        spec.elements = decode_elements(d, n);
    }
    if let Some(n) = d.required(&f, "roles", what, "add `roles:` with the departments or roles that own steps") {
        spec.roles = keyed(d, n, "role").into_iter().filter_map(|(id, n)| decode_role(d, id, n)).collect();
    }
    if let Some(n) = d.required(&f, "steps", what, "add `steps:` with one entry per step") {
        spec.steps = keyed(d, n, "step").into_iter().map(|(id, n)| decode_step(d, id, n)).collect();
    }
    if let Some(n) = f.get("gateways") {
        for (id, n) in keyed(d, n, "gateway") {
            let kind = d.choice(n, "gateway type", &GatewayKind::NAMES);
            if let Some(kind) = kind.and_then(|t| GatewayKind::from_name(&t.value)) {
                spec.gateways.push(GatewaySpec { id, kind });
            }
        }
    }
    let read_whole = |key: &str, decoded: usize| {
        f.get(key).is_some_and(|n| matches!(&n.kind, NodeKind::Map(e) if e.len() == decoded))
    };
    spec.incomplete = !read_whole("steps", spec.steps.len())
        || (f.get("gateways").is_some() && !read_whole("gateways", spec.gateways.len()));
    match f.get("start") {
        Some(n) => spec.start = d.id(n, "start step"),
        None if f.was_misspelt("start") => {}
        None => d.error(
            Code::MissingStart,
            f.span,
            "the process has no `start`",
            Some("add `start: <id of the first step>`".to_owned()),
        ),
    }
    match f.get("end").filter(|n| !matches!(&n.kind, NodeKind::Seq(items) if items.is_empty())) {
        Some(n) => spec.ends = d.text_list(n, "end step"),
        None if f.was_misspelt("end") => {}
        None => d.error(
            Code::MissingEnd,
            f.span,
            "the process has no `end`",
            Some("add `end: <id of the last step>` (or a list of them)".to_owned()),
        ),
    }
    if let Some(n) = d.required(&f, "flow", what, "add `flow:` with lines like `receive -> record -> reply`") {
        for line in d.list(n, "`flow`") {
            if let Some(text) = d.text(line, "a flow line") {
                spec.flows.extend(flow::parse_line(d, &text, source));
            }
        }
    }
    if let Some(n) = f.get("loops") {
        spec.loops = keyed(d, n, "loop").into_iter().filter_map(|(id, n)| decode_loop(d, id, n)).collect();
    }
    if let Some(n) = f.get("closed_loop") {
        spec.closed_loop = d.text_list(n, "a closed-loop step").into_iter().map(|entry| alternatives(&entry)).collect();
    }
    if let Some(n) = f.get("escalation") {
        spec.escalation = decode_escalation(d, n);
    }
    spec
}

/// `reply-customer | callback` as its alternatives, each located at the entry.
fn alternatives(entry: &Spanned<String>) -> Vec<Spanned<String>> {
    entry
        .value
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| Spanned { value: s.to_owned(), span: entry.span })
        .collect()
}

fn decode_escalation(d: &mut Decoder<'_>, node: &Node) -> Option<EscalationSpec> {
    let f = d.fields(node, "`escalation`", &ESCALATION_KEYS)?;
    let list =
        |d: &mut Decoder<'_>, key: &str, what: &str| f.get(key).map(|n| d.text_list(n, what)).unwrap_or_default();
    let steps = list(d, "steps", "an escalation step");
    let channels = list(d, "channels", "an escalation channel").into_iter().map(|t| t.value).collect();
    Some(EscalationSpec { steps, channels })
}

fn decode_kind(d: &mut Decoder<'_>, node: &Node, class: Option<Class>) -> Option<String> {
    let all: Vec<&str> = SERVICE_KINDS.iter().chain(MANAGEMENT_KINDS.iter()).copied().collect();
    let t = d.choice(node, "process kind", &all)?;
    let (fits, expected) = match class {
        Some(Class::Service) => (SERVICE_KINDS.contains(&t.value.as_str()), &SERVICE_KINDS[..]),
        Some(Class::Management) => (MANAGEMENT_KINDS.contains(&t.value.as_str()), &MANAGEMENT_KINDS[..]),
        None => (true, &[][..]),
    };
    if !fits {
        d.error(
            Code::InvalidValue,
            t.span,
            format!("kind `{}` does not belong to this process's class", t.value),
            Some(format!("for this class use one of: {}; or change `class`", expected.join(", "))),
        );
    }
    Some(t.value)
}

fn decode_elements(d: &mut Decoder<'_>, node: &Node) -> Elements {
    let Some(f) = d.fields(node, "`elements`", &ELEMENT_KEYS) else { return Elements::default() };
    let list = |d: &mut Decoder<'_>, key: &str| {
        f.get(key).map(|n| d.text_list(n, key).into_iter().map(|t| t.value).collect()).unwrap_or_default()
    };
    Elements {
        inputs: list(d, "inputs"),
        outputs: list(d, "outputs"),
        customer: d.opt_text(&f, "customer", "`elements`").map(|t| t.value),
        value: d.opt_text(&f, "value", "`elements`").map(|t| t.value),
    }
}

/// The entries of an id-keyed mapping (`steps:`, `roles:`, ...), reporting repeated ids.
fn keyed<'n>(d: &mut Decoder<'_>, node: &'n Node, what: &str) -> Vec<(Spanned<String>, &'n Node)> {
    let NodeKind::Map(entries) = &node.kind else {
        d.error(
            Code::WrongType,
            node.span,
            format!("the {what}s must be a mapping from {what} id to its details, found {}", node.shape()),
            Some(format!("write one `<{what} id>:` line per {what}")),
        );
        return Vec::new();
    };
    let mut out: Vec<(Spanned<String>, &'n Node)> = Vec::new();
    for (k, v) in entries {
        let Some(id) = d.id(k, &format!("{what} id")) else { continue };
        if let Some((first, _)) = out.iter().find(|(o, _)| o.value == id.value) {
            let help = format!("the first is at line {}; rename one of them", first.span.line);
            d.error(Code::DuplicateId, id.span, format!("{what} id `{}` is defined twice", id.value), Some(help));
        } else {
            out.push((id, v));
        }
    }
    out
}

fn decode_role(d: &mut Decoder<'_>, id: Spanned<String>, node: &Node) -> Option<RoleSpec> {
    if let Some(name) = node.as_str() {
        return Some(RoleSpec {
            id,
            name: name.to_owned(),
            name_zh: None,
            aliases: Vec::new(),
            office: None,
            description: None,
        });
    }
    let what = format!("role `{}`", id.value);
    let mut f = d.fields(node, &what, &ROLE_KEYS)?;
    f.span = id.span; // a missing key is reported at the role's id
    let name = d.required(&f, "name", &what, "add `name: <English name>`").and_then(|n| d.text(n, "`name`"));
    let office = f
        .get("office")
        .and_then(|n| d.choice(n, "role office", &["front", "back"]))
        .map(|t| if t.value == "front" { Office::Front } else { Office::Back });
    Some(RoleSpec {
        name: name.map(|t| t.value).unwrap_or_default(),
        name_zh: d.opt_text(&f, "name_zh", &what).map(|t| t.value),
        aliases: f.get("aliases").map(|n| d.text_list(n, "an alias")).unwrap_or_default(),
        office,
        description: d.opt_text(&f, "description", &what).map(|t| t.value),
        id,
    })
}

fn decode_step(d: &mut Decoder<'_>, id: Spanned<String>, node: &Node) -> StepSpec {
    let mut step = StepSpec {
        id,
        name: None,
        name_zh: None,
        role: None,
        limit: None,
        aliases: Vec::new(),
        description: None,
        complete: false,
    };
    if node.is_null() {
        step.complete = true;
        return step;
    }
    let what = format!("step `{}`", step.id.value);
    let before = d.diagnostics.len();
    let Some(f) = d.fields(node, &what, &STEP_KEYS) else { return step };
    step.complete = d.diagnostics.len() == before;
    step.name = d.opt_text(&f, "name", &what);
    step.name_zh = d.opt_text(&f, "name_zh", &what);
    step.role = f.get("role").and_then(|n| d.id(n, "role id"));
    step.description = d.opt_text(&f, "description", &what).map(|t| t.value);
    step.aliases = f.get("aliases").map(|n| d.text_list(n, "an alias")).unwrap_or_default();
    if let Some(t) = d.opt_text(&f, "limit", &what) {
        match Limit::parse(&t.value) {
            Ok(l) => step.limit = Some(l),
            Err(e) => d.error(
                Code::InvalidValue,
                t.span,
                format!("time limit of {what}: {e}"),
                Some("write a duration such as `30m`, `8h`, `2d` or `1h30m`".to_owned()),
            ),
        }
    }
    step
}

fn decode_loop(d: &mut Decoder<'_>, id: Spanned<String>, node: &Node) -> Option<LoopSpec> {
    let what = format!("loop `{}`", id.value);
    let f: Fields<'_> = d.fields(node, &what, &LOOP_KEYS)?;
    let from = d.required(&f, "from", &what, "add `from: <step the ticket goes back from>`");
    let from = from.and_then(|n| d.id(n, "step id"));
    let to = d.required(&f, "to", &what, "add `to: <earlier step it goes back to>`");
    let to = to.and_then(|n| d.id(n, "step id"));
    let when = d.opt_text(&f, "when", &what).map(|t| t.value);
    let when_zh = d.opt_text(&f, "when_zh", &what).map(|t| t.value);
    Some(LoopSpec { id, from: from?, to: to?, when, when_zh })
}
