//! The lessons, one module per page.

pub mod conv;
pub mod kernels;
pub mod output_size;
pub mod pooling;
pub mod train;
