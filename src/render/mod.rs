//! Rendering: tables, our DOT writer and the designed process maps (overlays as they land).

pub mod compare;
pub mod discovered;
pub mod dot;
pub mod matrix;
pub mod overlay;
pub mod process_map;
pub mod table;
