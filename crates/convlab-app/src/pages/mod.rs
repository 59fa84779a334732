//! The lessons, one module per page.

pub mod architectures;
pub mod conv;
pub mod kernels;
pub mod output_size;
pub mod train;
