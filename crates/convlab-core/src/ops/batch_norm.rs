//! Batch normalization over `(N, H, W)` for each channel (PyTorch's `BatchNorm2d`).
//!
//! Training: `y = γ·(x − μ_B)/√(σ²_B + ε) + β` with the batch mean μ_B and the biased batch
//! variance σ²_B; the running statistics move towards the batch ones by `momentum`, the running
//! variance using the unbiased estimate `σ²_B·M/(M − 1)` (M = N·H·W values per channel).
//! Evaluation: the same formula with the running statistics in place of the batch ones.

use rayon::prelude::*;

use super::grads::Grads;
use crate::error::{Error, Result};
use crate::tensor::{expect_shape, expect_vector, Tensor};

/// Per-channel statistics a training forward pass computes, and its backward pass reuses.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchNormStats<T> {
    pub mean: T,
    /// `1/√(σ²_B + ε)`.
    pub inv_std: T,
    /// The unbiased batch variance, for the running-variance update.
    pub var_unbiased: T,
}

/// A batch-norm layer's running statistics and how far a training step moves them towards the
/// batch's: `running = (1 − momentum)·running + momentum·batch` (PyTorch's convention).
#[derive(Debug)]
pub struct RunningStats<'a, T> {
    pub mean: &'a mut T,
    pub var: &'a mut T,
    pub momentum: f32,
}

/// `(N, C, H·W)` of an input of shape `x`, after checking the per-channel vectors have C values.
pub fn dims(x: &[usize], vectors: &[(&str, &[usize])]) -> Result<(usize, usize, usize)> {
    let &[n, c, h, w] = x else {
        return Err(Error::bad_shape("the batch-norm input", "(N, C, H, W)", x));
    };
    for (what, v) in vectors {
        expect_vector(what, v, c)?;
    }
    Ok((n, c, h * w))
}

/// Training normalizes with the batch's variance: it needs at least two values per channel.
pub fn check_training_count(values_per_channel: usize) -> Result<()> {
    if values_per_channel < 2 {
        return Err(Error::Invalid(format!(
            "batch norm in training needs more than one value per channel to compute a variance, \
             but batch × height × width = {values_per_channel}: use a larger batch or input, or evaluation mode"
        )));
    }
    Ok(())
}

/// The `hw`-value planes of an NCHW buffer, for the threads to share. An empty plane (H or W = 0)
/// means an empty buffer, which planes of one value cut into nothing (planes of 0 values would
/// not cut at all).
fn planes(data: &[f32], hw: usize) -> rayon::slice::Chunks<'_, f32> {
    data.par_chunks(hw.max(1))
}

/// [`planes`], to write.
fn planes_mut(data: &mut [f32], hw: usize) -> rayon::slice::ChunksMut<'_, f32> {
    data.par_chunks_mut(hw.max(1))
}

/// Adds per-plane values (plane `i` of an NCHW buffer is channel `i mod c`) into per-channel
/// totals, plane by plane in order, so the result does not depend on how the planes were shared
/// between threads.
fn per_channel<T: Copy + Default + std::ops::AddAssign>(per_plane: &[T], c: usize) -> Vec<T> {
    let mut totals = vec![T::default(); c];
    for (i, &v) in per_plane.iter().enumerate() {
        totals[i % c] += v;
    }
    totals
}

pub fn forward_train(
    x: &Tensor,
    gamma: &Tensor,
    beta: &Tensor,
    eps: f32,
) -> Result<(Tensor, BatchNormStats<Tensor>)> {
    let (n, c, hw) = dims(
        &x.shape,
        &[
            ("the batch-norm weight", &gamma.shape),
            ("the batch-norm bias", &beta.shape),
        ],
    )?;
    let m = n * hw;
    check_training_count(m)?;
    // Two passes (mean, then squared deviations) in f64: exact enough for large batches.
    // Each plane's sum on any thread, then the channels' totals in order.
    let plane_sums: Vec<f64> = planes(&x.data, hw)
        .map(|plane| plane.iter().map(|&v| v as f64).sum())
        .collect();
    let mean: Vec<f64> = per_channel(&plane_sums, c)
        .iter()
        .map(|s| s / m as f64)
        .collect();
    let plane_squares: Vec<f64> = planes(&x.data, hw)
        .enumerate()
        .map(|(i, plane)| {
            plane
                .iter()
                .map(|&v| (v as f64 - mean[i % c]).powi(2))
                .sum()
        })
        .collect();
    let sq = per_channel(&plane_squares, c);
    let var: Vec<f64> = sq.iter().map(|s| s / m as f64).collect();
    let inv_std: Vec<f32> = var
        .iter()
        .map(|v| (1.0 / (v + eps as f64).sqrt()) as f32)
        .collect();
    let mean: Vec<f32> = mean.iter().map(|&v| v as f32).collect();
    let var_unbiased: Vec<f32> = sq.iter().map(|s| (s / (m - 1) as f64) as f32).collect();
    let y = normalize(x, c, hw, &mean, &inv_std, gamma, beta);
    let stats = BatchNormStats {
        mean: Tensor {
            shape: vec![c],
            data: mean,
        },
        inv_std: Tensor {
            shape: vec![c],
            data: inv_std,
        },
        var_unbiased: Tensor {
            shape: vec![c],
            data: var_unbiased,
        },
    };
    Ok((y, stats))
}

pub fn forward_eval(
    x: &Tensor,
    gamma: &Tensor,
    beta: &Tensor,
    running_mean: &Tensor,
    running_var: &Tensor,
    eps: f32,
) -> Result<Tensor> {
    let (_, c, hw) = dims(
        &x.shape,
        &[
            ("the batch-norm weight", &gamma.shape),
            ("the batch-norm bias", &beta.shape),
            ("the running mean", &running_mean.shape),
            ("the running variance", &running_var.shape),
        ],
    )?;
    let inv_std: Vec<f32> = running_var
        .data
        .iter()
        .map(|v| 1.0 / (v + eps).sqrt())
        .collect();
    Ok(normalize(
        x,
        c,
        hw,
        &running_mean.data,
        &inv_std,
        gamma,
        beta,
    ))
}

fn normalize(
    x: &Tensor,
    c: usize,
    hw: usize,
    mean: &[f32],
    inv_std: &[f32],
    gamma: &Tensor,
    beta: &Tensor,
) -> Tensor {
    let mut y = Tensor::zeros(&x.shape);
    let planes = planes(&x.data, hw).zip(planes_mut(&mut y.data, hw));
    planes.enumerate().for_each(|(i, (src, dst))| {
        let ch = i % c;
        let scale = gamma.data[ch] * inv_std[ch];
        let shift = beta.data[ch] - mean[ch] * scale;
        for (d, s) in dst.iter_mut().zip(src) {
            *d = s * scale + shift;
        }
    });
    y
}

/// `running ← (1 − momentum)·running + momentum·batch`, for both statistics.
pub fn update_running_stats(
    running_mean: &mut Tensor,
    running_var: &mut Tensor,
    stats: &BatchNormStats<Tensor>,
    momentum: f32,
) -> Result<()> {
    let c = stats.mean.numel();
    running_mean.expect_vector("the running mean", c)?;
    running_var.expect_vector("the running variance", c)?;
    for (r, b) in running_mean.data.iter_mut().zip(&stats.mean.data) {
        *r = (1.0 - momentum) * *r + momentum * b;
    }
    for (r, b) in running_var.data.iter_mut().zip(&stats.var_unbiased.data) {
        *r = (1.0 - momentum) * *r + momentum * b;
    }
    Ok(())
}

/// The backward pass. `mean` and `inv_std` are the statistics the forward pass normalized with:
/// the batch's in training (`training = true`: the gradient also flows through them), the
/// running ones in evaluation (then they are constants).
pub fn backward(
    x: &Tensor,
    gamma: &Tensor,
    mean: &Tensor,
    inv_std: &Tensor,
    grad_out: &Tensor,
    training: bool,
) -> Result<Grads<Tensor>> {
    let (n, c, hw) = dims(
        &x.shape,
        &[
            ("the batch-norm weight", &gamma.shape),
            ("the mean", &mean.shape),
            ("the inverse std", &inv_std.shape),
        ],
    )?;
    expect_shape("the output gradient", &x.shape, &grad_out.shape)?;
    let m = (n * hw) as f32;
    // Σ dy and Σ dy·x̂ per channel: the gradients of β and γ, and the two projections of dx.
    // Σ dy and Σ dy·x̂ of each plane on any thread, then the channels' totals in order.
    let (plane_dy, plane_dy_xhat): (Vec<f32>, Vec<f32>) = planes(&x.data, hw)
        .zip(planes(&grad_out.data, hw))
        .enumerate()
        .map(|(i, (xs, gs))| {
            let (mu, inv) = (mean.data[i % c], inv_std.data[i % c]);
            xs.iter()
                .zip(gs)
                .fold((0.0, 0.0), |(dy, dy_xhat), (&xv, &g)| {
                    (dy + g, dy_xhat + g * (xv - mu) * inv)
                })
        })
        .unzip();
    let sum_dy = per_channel(&plane_dy, c);
    let sum_dy_xhat = per_channel(&plane_dy_xhat, c);
    let mut grad_x = Tensor::zeros(&x.shape);
    let planes = planes(&x.data, hw)
        .zip(planes(&grad_out.data, hw))
        .zip(planes_mut(&mut grad_x.data, hw));
    planes.enumerate().for_each(|(i, ((xs, gs), dx))| {
        let ch = i % c;
        let k = gamma.data[ch] * inv_std.data[ch];
        for ((&xv, &g), d) in xs.iter().zip(gs).zip(dx.iter_mut()) {
            *d = if training {
                // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂))
                let xhat = (xv - mean.data[ch]) * inv_std.data[ch];
                k * (g - sum_dy[ch] / m - xhat * sum_dy_xhat[ch] / m)
            } else {
                k * g
            };
        }
    });
    Ok(Grads {
        input: grad_x,
        weight: Tensor {
            shape: vec![c],
            data: sum_dy_xhat,
        },
        bias: Some(Tensor {
            shape: vec![c],
            data: sum_dy,
        }),
    })
}
