//! The touchpoint map (流程地图): businesses x channels, each touchpoint mapped to one service process.
//!
//! Owns `touchpoints.yaml`: its decoding, its cross-checks against the process library, touchpoint
//! codes (channel code, brand code, business code), and the business x channel [`Matrix`] with its
//! blind spots (a touchpoint with no process) and duplicates (a cell where one customer could be
//! served by two processes). Cost: O(touchpoints x cell size).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::decode::{Decoder, suggest};
use crate::model::diagnostic::{Code, Span, Spanned};
use crate::model::spec::Class;
use crate::model::yaml::{Node, NodeKind};

/// The file name of the touchpoint map inside a process directory.
pub const FILE_NAME: &str = "touchpoints.yaml";
/// The brand code segment of a touchpoint that applies to every brand.
pub const ALL_BRANDS_CODE: &str = "00";

/// A coded dimension entry: a channel, brand or business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coded {
    /// Its id.
    pub id: String,
    /// Its code (part of the touchpoint code).
    pub code: String,
    /// English name.
    pub name: String,
    /// Chinese name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<String>,
    /// For channels: `high` or `low` customer contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// One business offered on one channel (optionally for one brand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Touchpoint {
    /// `channel-brand-business` code, e.g. `01-00-B101`.
    pub code: String,
    /// Business id.
    pub business: String,
    /// Channel id.
    pub channel: String,
    /// Brand id; `None` for every brand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// The process that serves it; `None` is a blind spot.
    pub process: Option<String>,
    /// Where it is written.
    #[serde(skip)]
    pub span: Span,
}

/// The decoded touchpoint map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TouchpointMap {
    /// Brands, in file order.
    pub brands: Vec<Coded>,
    /// Channels (matrix columns), in file order.
    pub channels: Vec<Coded>,
    /// Businesses (matrix rows), in file order.
    pub businesses: Vec<Coded>,
    /// Touchpoints, in file order.
    pub touchpoints: Vec<Touchpoint>,
}

const TOP_KEYS: [&str; 4] = ["brands", "channels", "businesses", "touchpoints"];
const CODED_KEYS: [&str; 4] = ["code", "name", "name_zh", "contact"];
const TOUCHPOINT_KEYS: [&str; 4] = ["business", "channel", "brand", "process"];

fn decode_coded(d: &mut Decoder<'_>, node: &Node, what: &str, channel: bool) -> Vec<Coded> {
    let NodeKind::Map(entries) = &node.kind else {
        d.error(Code::WrongType, node.span, format!("`{what}s` must map each {what} id to its code and name"), None);
        return Vec::new();
    };
    let mut out: Vec<Coded> = Vec::new();
    let keys: &[&str] = if channel { &CODED_KEYS } else { &CODED_KEYS[..3] };
    for (k, v) in entries {
        let Some(id) = d.id(k, &format!("{what} id")) else { continue };
        if out.iter().any(|c| c.id == id.value) {
            d.error(Code::DuplicateId, id.span, format!("{what} `{}` is defined twice", id.value), None);
            continue;
        }
        let label = format!("{what} `{}`", id.value);
        let Some(f) = d.fields(v, &label, keys) else { continue };
        let code = d
            .required(&f, "code", &label, "add `code:`; it becomes part of touchpoint codes")
            .and_then(|n| d.text(n, "code"));
        let name = d.required(&f, "name", &label, "add `name: <English name>`").and_then(|n| d.text(n, "name"));
        let contact = f.get("contact").and_then(|n| d.choice(n, "contact degree", &["high", "low"]));
        if let Some((c, other)) = code.as_ref().and_then(|c| out.iter().find(|o| o.code == c.value).map(|o| (c, o))) {
            {
                d.error(
                    Code::DuplicateId,
                    c.span,
                    format!("{what} code `{}` is also the code of `{}`", c.value, other.id),
                    Some("codes must be unique so touchpoint codes are".to_owned()),
                );
            }
        }
        out.push(Coded {
            id: id.value,
            code: code.map(|c| c.value).unwrap_or_default(),
            name: name.map(|n| n.value).unwrap_or_default(),
            name_zh: d.opt_text(&f, "name_zh", &label).map(|t| t.value),
            contact: contact.map(|c| c.value),
        });
    }
    out
}

fn reference(d: &mut Decoder<'_>, value: Option<Spanned<String>>, known: &[&str], what: &str) -> Option<String> {
    let v = value?;
    if known.contains(&v.value.as_str()) {
        Some(v.value)
    } else {
        d.error(
            Code::UnknownReference,
            v.span,
            format!("unknown {what} `{}`", v.value),
            Some(suggest(&v.value, known)),
        );
        None
    }
}

/// Decodes `touchpoints.yaml` and checks it against `processes` (id and class of every process
/// file of the library it sits in, valid or not, so a broken process is not reported twice).
///
/// Unknown businesses, channels, brands and processes, and touchpoints mapped to management
/// processes, are errors; blind spots and duplicates are warnings (the map's purpose is to show
/// them). Returns the map as far as it could be read.
pub fn decode(d: &mut Decoder<'_>, root: &Node, processes: &[(String, Option<Class>)]) -> TouchpointMap {
    let mut map = TouchpointMap::default();
    let Some(f) = d.fields(root, "the touchpoint map", &TOP_KEYS) else { return map };
    if let Some(n) = f.get("brands") {
        map.brands = decode_coded(d, n, "brand", false);
    }
    if let Some(n) =
        d.required(&f, "channels", "the touchpoint map", "add `channels:` (phone, IVR, web, SMS, app, ...)")
    {
        map.channels = decode_coded(d, n, "channel", true);
    }
    if let Some(n) = d.required(&f, "businesses", "the touchpoint map", "add `businesses:` (the matrix rows)") {
        map.businesses = decode_coded(d, n, "business", false);
    }
    let ids = |v: &[Coded]| v.iter().map(|c| c.id.clone()).collect::<Vec<String>>();
    let (brands, channels, businesses) = (ids(&map.brands), ids(&map.channels), ids(&map.businesses));
    let process_ids: Vec<&str> = processes.iter().map(|p| p.0.as_str()).collect();
    let Some(list) =
        d.required(&f, "touchpoints", "the touchpoint map", "add `touchpoints:`, one entry per business x channel")
    else {
        return map;
    };
    for node in d.list(list, "`touchpoints`") {
        let Some(t) = d.fields(node, "a touchpoint", &TOUCHPOINT_KEYS) else { continue };
        let business = d
            .required(&t, "business", "a touchpoint", "add `business: <business id>`")
            .and_then(|n| d.text(n, "business"));
        let channel =
            d.required(&t, "channel", "a touchpoint", "add `channel: <channel id>`").and_then(|n| d.text(n, "channel"));
        let brand_node = t.get("brand").and_then(|n| d.text(n, "brand"));
        let process = t.get("process").and_then(|n| d.text(n, "process"));
        let business = reference(d, business, &as_refs(&businesses), "business");
        let channel = reference(d, channel, &as_refs(&channels), "channel");
        let brand = match brand_node {
            Some(b) => match reference(d, Some(b), &as_refs(&brands), "brand") {
                Some(b) => Some(b),
                None => continue,
            },
            None => None,
        };
        let process = match process {
            None => None,
            Some(p) => match processes.iter().find(|x| x.0 == p.value) {
                Some(x) if x.1 == Some(Class::Management) => {
                    d.error(
                        Code::InvalidValue,
                        p.span,
                        format!("`{}` is a management process; touchpoints map to service processes", p.value),
                        Some("map the touchpoint to the service process customers go through".to_owned()),
                    );
                    continue;
                }
                Some(_) => Some(p.value),
                None => {
                    d.error(
                        Code::UnknownReference,
                        p.span,
                        format!("unknown process `{}`", p.value),
                        Some(suggest(&p.value, &process_ids)),
                    );
                    continue;
                }
            },
        };
        let (Some(business), Some(channel)) = (business, channel) else { continue };
        let code_of = |v: &[Coded], id: &str| v.iter().find(|c| c.id == id).map(|c| c.code.clone()).unwrap_or_default();
        let brand_seg = brand.as_deref().map_or_else(|| ALL_BRANDS_CODE.to_owned(), |b| code_of(&map.brands, b));
        let code = format!("{}-{brand_seg}-{}", code_of(&map.channels, &channel), code_of(&map.businesses, &business));
        if process.is_none() {
            d.warning(
                Code::BlindSpot,
                node.span,
                format!("touchpoint {code} ({business} via {channel}) has no process: a management blind spot"),
                Some("add `process: <service process id>`".to_owned()),
            );
        }
        map.touchpoints.push(Touchpoint { code, business, channel, brand, process, span: node.span });
    }
    check_cells(d, &map);
    map
}

/// Warns about cells that leave a brand out and cells whose touchpoints overlap.
fn check_cells(d: &mut Decoder<'_>, map: &TouchpointMap) {
    let mut seen_cells: BTreeSet<(&str, &str)> = BTreeSet::new();
    for t in &map.touchpoints {
        if !seen_cells.insert((&t.business, &t.channel)) {
            continue;
        }
        let missing = missing_brands(map, &t.business, &t.channel);
        if !missing.is_empty() {
            d.warning(
                Code::BlindSpot,
                t.span,
                format!(
                    "{} via {} has touchpoints for some brands only: no process serves {}",
                    t.business,
                    t.channel,
                    missing.join(", ")
                ),
                Some("add a touchpoint for each missing brand, or one without `brand` for all".to_owned()),
            );
        }
    }
    for (a, b) in overlapping(&map.touchpoints) {
        let (ta, tb) = (&map.touchpoints[a], &map.touchpoints[b]);
        d.warning(
            Code::DuplicateTouchpoint,
            tb.span,
            format!(
                "{} via {} has more than one touchpoint: {} ({}) and {} ({})",
                tb.business,
                tb.channel,
                ta.code,
                ta.process.as_deref().unwrap_or("no process"),
                tb.code,
                tb.process.as_deref().unwrap_or("no process"),
            ),
            Some(format!("every touchpoint maps to exactly one process; remove one, or give them different brands (the first is at line {})", ta.span.line)),
        );
    }
}

/// The declared brands a business x channel cell leaves out, when all its touchpoints name a brand
/// (customers of a brand left out are served by no process: a blind spot too).
fn missing_brands(map: &TouchpointMap, business: &str, channel: &str) -> Vec<String> {
    let tps: Vec<&Touchpoint> =
        map.touchpoints.iter().filter(|t| t.business == business && t.channel == channel).collect();
    if tps.is_empty() || tps.iter().any(|t| t.brand.is_none()) {
        return Vec::new();
    }
    map.brands.iter().filter(|b| !tps.iter().any(|t| t.brand.as_deref() == Some(&b.id))).map(|b| b.id.clone()).collect()
}

/// Pairs (earlier, later) of touchpoints in the same cell whose brands overlap (same brand, or one
/// for every brand).
fn overlapping(tps: &[Touchpoint]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (j, b) in tps.iter().enumerate() {
        for (i, a) in tps[..j].iter().enumerate() {
            let same_cell = a.business == b.business && a.channel == b.channel;
            let brands_meet = a.brand.is_none() || b.brand.is_none() || a.brand == b.brand;
            if same_cell && brands_meet {
                out.push((i, j));
            }
        }
    }
    out
}

/// What a matrix cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellState {
    /// The business is not offered on the channel.
    NotOffered,
    /// Every touchpoint of the cell maps to one process, without overlap.
    Mapped,
    /// Some touchpoint of the cell has no process.
    BlindSpot,
    /// Touchpoints of the cell overlap.
    Duplicate,
}

/// One business x channel cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// Business id (row).
    pub business: String,
    /// Channel id (column).
    pub channel: String,
    /// Its state.
    pub state: CellState,
    /// Its touchpoints, in file order.
    pub touchpoints: Vec<Touchpoint>,
    /// Declared brands no touchpoint of the cell serves (only when all of them name a brand).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_brands: Vec<String>,
}

/// The process map: one row per business, one column per channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    /// Rows.
    pub businesses: Vec<Coded>,
    /// Columns.
    pub channels: Vec<Coded>,
    /// Cells, row-major.
    pub cells: Vec<Cell>,
    /// Counts.
    pub summary: MatrixSummary,
}

/// Totals of a [`Matrix`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MatrixSummary {
    /// Touchpoints listed.
    pub touchpoints: usize,
    /// Touchpoints with a process.
    pub mapped: usize,
    /// Touchpoints without one, plus brands left out of brand-split cells.
    pub blind_spots: usize,
    /// Cells with overlapping touchpoints.
    pub duplicate_cells: usize,
    /// Cells where the business is not offered.
    pub not_offered: usize,
    /// Distinct processes used.
    pub processes: usize,
}

impl Matrix {
    /// Builds the business x channel matrix of `map`.
    pub fn build(map: &TouchpointMap) -> Matrix {
        let dup: BTreeSet<usize> = overlapping(&map.touchpoints).into_iter().flat_map(|(a, b)| [a, b]).collect();
        let mut cells = Vec::with_capacity(map.businesses.len() * map.channels.len());
        let mut summary = MatrixSummary { touchpoints: map.touchpoints.len(), ..MatrixSummary::default() };
        for b in &map.businesses {
            for c in &map.channels {
                let idx: Vec<usize> = (0..map.touchpoints.len())
                    .filter(|&i| map.touchpoints[i].business == b.id && map.touchpoints[i].channel == c.id)
                    .collect();
                let tps: Vec<Touchpoint> = idx.iter().map(|&i| map.touchpoints[i].clone()).collect();
                let missing = missing_brands(map, &b.id, &c.id);
                let state = if tps.is_empty() {
                    CellState::NotOffered
                } else if idx.iter().any(|i| dup.contains(i)) {
                    CellState::Duplicate
                } else if tps.iter().any(|t| t.process.is_none()) || !missing.is_empty() {
                    CellState::BlindSpot
                } else {
                    CellState::Mapped
                };
                match state {
                    CellState::NotOffered => summary.not_offered += 1,
                    CellState::Duplicate => summary.duplicate_cells += 1,
                    _ => {}
                }
                summary.blind_spots += missing.len();
                cells.push(Cell {
                    business: b.id.clone(),
                    channel: c.id.clone(),
                    state,
                    touchpoints: tps,
                    missing_brands: missing,
                });
            }
        }
        summary.mapped = map.touchpoints.iter().filter(|t| t.process.is_some()).count();
        summary.blind_spots += summary.touchpoints - summary.mapped;
        summary.processes = map.touchpoints.iter().filter_map(|t| t.process.as_deref()).collect::<BTreeSet<_>>().len();
        Matrix { businesses: map.businesses.clone(), channels: map.channels.clone(), cells, summary }
    }

    /// The cell of business row `row`, channel column `col`.
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        &self.cells[row * self.channels.len() + col]
    }
}

fn as_refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}
