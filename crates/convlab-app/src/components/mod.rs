//! Building blocks shared by the lesson pages.

pub mod controls;
pub mod grid;
pub mod heatmap;
