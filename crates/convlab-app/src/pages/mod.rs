//! The lessons, one module per page.

pub mod batchnorm;
pub mod channels;
pub mod residual;
