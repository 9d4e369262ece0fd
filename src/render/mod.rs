//! Rendering: tables, our DOT writer, the designed process maps (overlays as they land) and SVG
//! trend charts.

pub mod chart;
pub mod compare;
pub mod discovered;
pub mod dot;
pub mod matrix;
pub mod overlay;
pub mod process_map;
pub mod table;
