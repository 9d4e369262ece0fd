//! Domain figures built on the read log and its alignments: the department view's walk over
//! tickets, repeat complaints, the hotline's KPIs and the complaint rate; time limits and
//! bottlenecks; customer grading.

pub mod bottleneck;
pub mod complaint_rate;
pub mod design;
pub mod grading;
pub mod grading_input;
#[cfg(test)]
mod grading_properties;
pub mod kpi;
pub mod limits;
#[cfg(test)]
mod properties;
pub mod repeat;
pub mod view;
