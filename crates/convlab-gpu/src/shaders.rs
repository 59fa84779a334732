//! The WGSL files of `shaders/` and the bindings each declares. Binding 0 of every file is its
//! `Params` uniform; the storage buffers follow in order. A file's kernels share its bindings,
//! so one bind-group layout serves all of them.

/// One WGSL file: a family of kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shader {
    Conv2d,
    Pool,
    BatchNormForward,
    BatchNormBackward,
    Elementwise,
    GlobalPool,
    Matmul,
    CrossEntropy,
    Optim,
}

/// How a kernel may use a storage binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    ReadWrite,
}

use Access::{Read as R, ReadWrite as W};

impl Shader {
    pub fn name(self) -> &'static str {
        match self {
            Shader::Conv2d => "conv2d.wgsl",
            Shader::Pool => "pool.wgsl",
            Shader::BatchNormForward => "batch_norm_forward.wgsl",
            Shader::BatchNormBackward => "batch_norm_backward.wgsl",
            Shader::Elementwise => "elementwise.wgsl",
            Shader::GlobalPool => "global_pool.wgsl",
            Shader::Matmul => "matmul.wgsl",
            Shader::CrossEntropy => "cross_entropy.wgsl",
            Shader::Optim => "optim.wgsl",
        }
    }

    /// The WGSL source, compiled into the binary (the app also shows it to students).
    pub fn source(self) -> &'static str {
        match self {
            Shader::Conv2d => include_str!("../../../shaders/conv2d.wgsl"),
            Shader::Pool => include_str!("../../../shaders/pool.wgsl"),
            Shader::BatchNormForward => include_str!("../../../shaders/batch_norm_forward.wgsl"),
            Shader::BatchNormBackward => include_str!("../../../shaders/batch_norm_backward.wgsl"),
            Shader::Elementwise => include_str!("../../../shaders/elementwise.wgsl"),
            Shader::GlobalPool => include_str!("../../../shaders/global_pool.wgsl"),
            Shader::Matmul => include_str!("../../../shaders/matmul.wgsl"),
            Shader::CrossEntropy => include_str!("../../../shaders/cross_entropy.wgsl"),
            Shader::Optim => include_str!("../../../shaders/optim.wgsl"),
        }
    }

    /// The storage bindings 1, 2, ... as the file declares them.
    pub fn storage(self) -> &'static [Access] {
        match self {
            // x, weight, bias, grad_y, out, grad_bias
            Shader::Conv2d => &[R, R, R, R, W, W],
            // x, grad_y, out
            Shader::Pool | Shader::GlobalPool => &[R, R, W],
            // x, gamma, beta, mean, inv_std, var_unbiased, out, running
            Shader::BatchNormForward => &[R, R, R, W, W, W, W, W],
            // x, grad_y, gamma, mean, inv_std, grad_beta, grad_gamma, out
            Shader::BatchNormBackward => &[R, R, R, R, R, W, W, W],
            // a, b, out
            Shader::Elementwise => &[R, R, W],
            // a, b, bias, out, row_sums
            Shader::Matmul => &[R, R, R, W, W],
            // logits, targets, grad, loss
            Shader::CrossEntropy => &[R, R, W, W],
            // param, grad, state1, state2
            Shader::Optim => &[W, R, W, W],
        }
    }

    pub const ALL: [Shader; 9] = [
        Shader::Conv2d,
        Shader::Pool,
        Shader::BatchNormForward,
        Shader::BatchNormBackward,
        Shader::Elementwise,
        Shader::GlobalPool,
        Shader::Matmul,
        Shader::CrossEntropy,
        Shader::Optim,
    ];
}
