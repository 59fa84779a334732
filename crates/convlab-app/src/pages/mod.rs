//! The lessons, one module per page.

pub mod architectures;
pub mod batchnorm;
pub mod channels;
pub mod kernels;
pub mod residual;
