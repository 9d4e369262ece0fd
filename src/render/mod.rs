//! Rendering: tables now; DOT process maps and overlays as they land.

pub mod dot;
pub mod matrix;
pub mod table;
