//! Building blocks shared by the lesson pages.

pub mod address_note;
pub mod chart;
#[cfg(test)]
mod colour_vision;
pub mod controls;
pub mod curves;
pub mod draw_pad;
pub mod figure_download;
pub mod grid;
pub mod heatmap;
pub mod map_figure;
pub mod map_summary;
pub mod one_per_task;
pub mod svg_download;
pub mod update_note;
