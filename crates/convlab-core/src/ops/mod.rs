//! The CPU reference ops, forward and backward, with PyTorch's semantics (NCHW, weights
//! `[C_out, C_in/groups, kH, kW]`). Each backward takes what its forward saw and the gradient of
//! the output, and returns the gradients of the inputs: plain functions, no autograd tape.

pub mod batch_norm;
pub mod conv2d;
pub mod conv_transpose2d;
pub mod elementwise;
pub mod gemm;
pub mod global_pool;
pub mod grads;
pub mod linear;
pub mod loss;
pub mod over_batch;
pub mod pool;

pub use batch_norm::{BatchNormStats, RunningStats};
pub use conv2d::{Conv2dGeometry, Conv2dParams};
pub use conv_transpose2d::ConvTranspose2dParams;
pub use grads::{Grads, GradsInto};
pub use pool::Pool2dParams;
