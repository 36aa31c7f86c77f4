//! Plots: heatmaps of 2-D arrays ([`heatmap`]) and line charts
//! ([`lines`]), drawn with plotters and an embedded font.

pub mod heatmap;
pub mod lines;
pub mod sweep;
pub mod ticks;
