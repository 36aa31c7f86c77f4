//! The sweep engine: config → grid → backend → arrays → files and plots.

pub mod arrays;
pub mod checkpoint;
pub mod config;
pub mod constraint;
pub mod cpu_backend;
pub mod grid;
pub mod lines;
pub mod output;
pub mod plot;
pub mod progress;
pub mod reduce;
pub mod reduced;
pub mod results;
pub mod run;
pub mod runner;
pub mod shard;

pub use config::{ConfigError, SweepConfig, DEFAULT_CONFIG};
pub use grid::Grid;
pub use progress::Progress;
pub use results::SweepResults;
