//! The sweep pipeline as one library call ([`runner`]): config → grid →
//! backend → arrays → store, which the CLI, Python, the optimizer and the
//! figures all run.

mod full;
pub mod runner;

pub use runner::{Mode, Resumed, Sweep, SweepOutput};
