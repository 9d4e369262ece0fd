//! The touchpoint matrix (process map) as a table: businesses down, channels across.
//!
//! Owns how a cell reads: `process (code)` when mapped, `BLIND SPOT (code)` when a touchpoint has
//! no process, `DUPLICATE a (code) + b (code)` when touchpoints overlap, and `-` where the business
//! is not offered on the channel. Brand-specific touchpoints show their brand. Cost: O(cells).

use crate::model::touchpoint::{Cell, CellState, Matrix, Touchpoint};
use crate::render::table::Table;

/// Marker of a cell where the business is not offered on the channel.
pub const NOT_OFFERED: &str = "-";

fn touchpoint_text(t: &Touchpoint) -> String {
    let brand = t.brand.as_deref().map_or_else(String::new, |b| format!("{b}: "));
    match &t.process {
        Some(p) => format!("{brand}{p} ({})", t.code),
        None => format!("{brand}BLIND SPOT ({})", t.code),
    }
}

/// The text of one cell.
pub fn cell_text(cell: &Cell) -> String {
    let mut parts: Vec<String> = cell.touchpoints.iter().map(touchpoint_text).collect();
    parts.extend(cell.missing_brands.iter().map(|b| format!("{b}: BLIND SPOT")));
    match cell.state {
        CellState::NotOffered => NOT_OFFERED.to_owned(),
        CellState::Duplicate => format!("DUPLICATE {}", parts.join(" + ")),
        CellState::Mapped | CellState::BlindSpot => parts.join("; "),
    }
}

/// The matrix as a table; headers show channel ids and codes, rows business ids and Chinese names.
pub fn table(m: &Matrix) -> Table {
    let mut headers = vec!["business".to_owned()];
    headers.extend(m.channels.iter().map(|c| format!("{} [{}]", c.id, c.code)));
    let rows = m
        .businesses
        .iter()
        .enumerate()
        .map(|(r, b)| {
            let label = match &b.name_zh {
                Some(zh) => format!("{} {zh} [{}]", b.id, b.code),
                None => format!("{} [{}]", b.id, b.code),
            };
            std::iter::once(label).chain((0..m.channels.len()).map(|c| cell_text(m.cell(r, c)))).collect()
        })
        .collect();
    Table { headers, rows }
}

/// The closing lines under a text matrix: totals and a legend.
pub fn summary_lines(m: &Matrix) -> Vec<String> {
    let s = m.summary;
    vec![
        format!(
            "{} touchpoints across {} businesses x {} channels: {} mapped to {} processes, {} blind spot{}, {} duplicate cell{}, {} cells not offered",
            s.touchpoints,
            m.businesses.len(),
            m.channels.len(),
            s.mapped,
            s.processes,
            s.blind_spots,
            if s.blind_spots == 1 { "" } else { "s" },
            s.duplicate_cells,
            if s.duplicate_cells == 1 { "" } else { "s" },
            s.not_offered,
        ),
        "legend: process (touchpoint code = channel-brand-business; brand 00 = all brands); BLIND SPOT = no process; DUPLICATE = more than one process; - = not offered".to_owned(),
    ]
}
