//! The batch-normalization lesson's math and data, apart from any view: the stream of batches
//! (seeded normal values, each channel its own mean and spread), the ops the engine runs and
//! where each result lies among their outputs, the per-channel values of a batch, the biased
//! variance from the engine's unbiased one, and the arithmetic of one value written out.

use convlab_core::rng::Rng;
use convlab_core::Tensor;

pub use super::shape::{C, H, M, N, W};
use super::state::BatchNormState;
use crate::compute::Op;
use crate::format;

pub const EPS: f32 = 1e-5;
/// The distribution each channel's values are drawn from: (mean, standard deviation).
const CHANNEL_DIST: [(f32, f32); C] = [(3.0, 1.0), (-2.0, 2.5), (0.5, 0.4)];
/// Each channel's colour in the histograms, charts and tables (not the maps' red and blue).
pub const CHANNEL_RGB: [(u8, u8, u8); C] = [(123, 50, 148), (224, 130, 20), (27, 158, 119)];

/// Channel `c`'s colour as CSS: `#7b3294`.
pub fn channel_css(c: usize) -> String {
    let (r, g, b) = CHANNEL_RGB[c % C];
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Where each result lies among the outputs of [`Op::BatchNorm`] (see its documentation).
pub mod out {
    pub const Y_TRAIN: usize = 0;
    pub const MEAN: usize = 1;
    pub const VAR_UNBIASED: usize = 3;
    pub const Y_EVAL: usize = 4;
    pub const TRAIN_MEAN: usize = 5;
    pub const TRAIN_VAR_UNBIASED: usize = 6;
    pub const EVAL_MEAN: usize = 7;
    pub const EVAL_VAR_UNBIASED: usize = 8;
    pub const RUNNING_MEAN: usize = 9;
    pub const RUNNING_VAR: usize = 10;
}

/// Batch `k` of the stream, `(N, C, H, W)`: normal values, channel `c` drawn from
/// `CHANNEL_DIST[c]`.
pub fn batch(seed: u64, k: usize) -> Vec<f32> {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(k as u64));
    let mut normal = move || {
        // Box–Muller.
        let u1 = rng.uniform().max(1e-7);
        let u2 = rng.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    };
    let mut out = Vec::with_capacity(N * C * H * W);
    for _ in 0..N {
        for (mean, std) in CHANNEL_DIST {
            for _ in 0..H * W {
                out.push(mean + std * normal());
            }
        }
    }
    out
}

/// The batches that `steps` training passes went through, `0..steps`, as tensors.
pub fn earlier_batches(s: &BatchNormState) -> Vec<Tensor> {
    (0..s.steps)
        .map(|k| Tensor {
            shape: vec![N, C, H, W],
            data: batch(s.seed, k),
        })
        .collect()
}

/// The batch on display: the next one to pass (batches `0..steps` already went through).
pub fn current_batch(s: &BatchNormState) -> Vec<f32> {
    batch(s.seed, s.steps)
}

/// The running statistics after each of `earlier`'s training passes, from PyTorch's start
/// (mean 0, variance 1): outputs as [`Op::BatchNormRunning`] lists them.
pub fn history_op(momentum: f32, earlier: Vec<Tensor>) -> Op {
    Op::BatchNormRunning {
        batches: earlier,
        running_mean: Tensor::zeros(&[C]),
        running_var: Tensor::full(&[C], 1.0),
        momentum,
        eps: EPS,
    }
}

/// The layer's settings: γ and β per channel, and the momentum.
#[derive(Clone, Debug, PartialEq)]
pub struct Affine {
    pub gamma: Vec<f32>,
    pub beta: Vec<f32>,
    pub momentum: f32,
}

impl Affine {
    pub fn of(s: &BatchNormState) -> Affine {
        Affine {
            gamma: s.gamma(),
            beta: s.beta(),
            momentum: s.momentum,
        }
    }
}

/// The batch on display in both modes, after `earlier` moved the running statistics: outputs as
/// [`out`] names them.
pub fn batch_norm_op(
    a: Affine,
    current: Vec<f32>,
    earlier: Vec<Tensor>,
) -> convlab_core::Result<Op> {
    Ok(Op::BatchNorm {
        input: Tensor::new(vec![N, C, H, W], current)?,
        gamma: Tensor::new(vec![C], a.gamma)?,
        beta: Tensor::new(vec![C], a.beta)?,
        earlier,
        running_mean: Tensor::zeros(&[C]),
        running_var: Tensor::full(&[C], 1.0),
        momentum: a.momentum,
        eps: EPS,
    })
}

/// The values of channel `c` of an `(N, C, H, W)` batch, every sample.
pub fn channel_values(t: &[f32], c: usize) -> Vec<f32> {
    (0..N)
        .flat_map(|n| {
            t[(n * C + c) * H * W..(n * C + c + 1) * H * W]
                .iter()
                .copied()
        })
        .collect()
}

/// The biased variance σ²_B (÷M, what normalizes) from the unbiased s² (÷(M − 1)).
pub fn biased(unbiased: &[f32]) -> Vec<f32> {
    unbiased
        .iter()
        .map(|s| s * (M - 1) as f32 / M as f32)
        .collect()
}

/// The smallest and largest of several value lists, a little widened (a histogram's axis).
pub fn span(lists: &[&[Vec<f32>]]) -> Option<(f32, f32)> {
    let (lo, hi) = lists
        .iter()
        .flat_map(|l| l.iter())
        .flat_map(|v| v.iter())
        .filter(|v| v.is_finite())
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return None;
    }
    let pad = ((hi - lo) * 0.02).max(1e-3);
    Some((lo - pad, hi + pad))
}

/// One value's normalization, as the engine did it: `(x, μ or running_mean, σ² or running_var,
/// γ, β, y)`.
pub struct Normalized {
    pub x: f32,
    pub mean: f32,
    pub var: f32,
    pub gamma: f32,
    pub beta: f32,
    pub y: f32,
}

/// `train: (4.2 − μ 3.1) / √(σ² 0.9 + ε) · γ 1 + β 0 = 1.16`: one value normalized in training
/// mode with the batch's statistics, or (`running`) in evaluation mode with the running ones.
pub fn arithmetic(mode: &str, running: bool, n: &Normalized) -> String {
    let v = format::value;
    let (mean, var) = if running {
        ("running_mean", "running_var")
    } else {
        ("μ", "σ²")
    };
    format!(
        "{mode}: ({} − {mean} {}) / √({var} {} + ε) · γ {} + β {} = {}",
        v(n.x),
        v(n.mean),
        v(n.var),
        v(n.gamma),
        v(n.beta),
        v(n.y)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use convlab_core::backend::CpuBackend;

    fn mean_var(v: &[f32]) -> (f64, f64) {
        let n = v.len() as f64;
        let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
        let var = v
            .iter()
            .map(|&x| (f64::from(x) - mean).powi(2))
            .sum::<f64>()
            / n;
        (mean, var)
    }

    /// Each channel of a batch is drawn from its own distribution: over 100 batches (25,600
    /// values a channel) the means and deviations are within a few percent of theirs.
    #[test]
    fn the_channels_have_their_own_mean_and_spread() {
        for (c, (mean, std)) in CHANNEL_DIST.into_iter().enumerate() {
            let values: Vec<f32> = (0..100)
                .flat_map(|k| channel_values(&batch(1, k), c))
                .collect();
            let (m, v) = mean_var(&values);
            assert!(
                (m - f64::from(mean)).abs() < 0.05 * f64::from(std),
                "channel {c}: mean {m}"
            );
            assert!(
                (v.sqrt() / f64::from(std) - 1.0).abs() < 0.03,
                "channel {c}: std {}",
                v.sqrt()
            );
        }
    }

    /// The engine's statistics against the definitions, computed here in f64: the batch mean,
    /// the unbiased variance, y = γ (x − μ) / √(σ² + ε) + β, and the running mean after one
    /// step from 0 with momentum 0.5, 0.5 · μ₀.
    #[test]
    fn the_engine_normalizes_as_the_formulas_say() {
        let s = BatchNormState {
            steps: 1,
            momentum: 0.5,
            gamma: Some(vec![2.0, 1.0, 0.5]),
            beta: Some(vec![1.0, 0.0, -1.0]),
            ..BatchNormState::default()
        };
        let earlier = earlier_batches(&s);
        let x = current_batch(&s);
        let outs = batch_norm_op(Affine::of(&s), x.clone(), earlier.clone())
            .unwrap()
            .apply_all(&CpuBackend)
            .unwrap();
        let close = |a: f64, b: f32, what: &str| {
            assert!(
                (a - f64::from(b)).abs() <= 1e-4 * (1.0 + a.abs()),
                "{what}: {a} against {b}"
            );
        };
        for c in 0..C {
            let values = channel_values(&x, c);
            let (mean, var) = mean_var(&values);
            close(mean, outs[out::MEAN].data[c], "mean");
            close(
                var * M as f64 / (M - 1) as f64,
                outs[out::VAR_UNBIASED].data[c],
                "s²",
            );
            close(var, biased(&outs[out::VAR_UNBIASED].data)[c], "σ²");
            let (g, b) = (s.gamma()[c], s.beta()[c]);
            let first = (c * H * W, values[0]);
            let y = f64::from(g) * (f64::from(first.1) - mean) / (var + f64::from(EPS)).sqrt()
                + f64::from(b);
            close(y, outs[out::Y_TRAIN].data[first.0], "y");
            let (mean0, _) = mean_var(&channel_values(&earlier[0].data, c));
            close(0.5 * mean0, outs[out::RUNNING_MEAN].data[c], "running_mean");
            let history = history_op(s.momentum, earlier.clone())
                .apply_all(&CpuBackend)
                .unwrap();
            close(
                0.5 * mean0,
                history[0].data[c],
                "the history's running_mean",
            );
        }
    }

    #[test]
    fn one_value_written_out() {
        let n = Normalized {
            x: 4.0,
            mean: 3.0,
            var: 0.25,
            gamma: 2.0,
            beta: 1.0,
            y: 5.0,
        };
        assert_eq!(
            arithmetic("train", false, &n),
            "train: (4 − μ 3) / √(σ² 0.25 + ε) · γ 2 + β 1 = 5"
        );
        assert_eq!(
            arithmetic("eval", true, &n),
            "eval: (4 − running_mean 3) / √(running_var 0.25 + ε) · γ 2 + β 1 = 5"
        );
        assert_eq!(channel_css(0), "#7b3294");
        assert_eq!(channel_css(2), "#1b9e77");
    }
}
