//! The lessons, one module per page.

pub mod batchnorm;
pub mod channels;
pub mod conv;
pub mod output_size;
pub mod residual;
pub mod train;
