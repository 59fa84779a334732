//! Optimizers, step for step as `torch.optim` defines them (single-tensor, non-fused).

use serde::{Deserialize, Serialize};

use crate::backend::Backend;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdamConfig {
    pub lr: f32,
    pub betas: [f32; 2],
    pub eps: f32,
    /// L2 penalty added to the gradient (`Adam`'s, not `AdamW`'s decoupled decay).
    pub weight_decay: f32,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            betas: [0.9, 0.999],
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SgdConfig {
    pub lr: f32,
    pub momentum: f32,
    pub dampening: f32,
    pub weight_decay: f32,
    pub nesterov: bool,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            lr: 0.01,
            momentum: 0.9,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
        }
    }
}

/// One parameter's part of an optimizer step: the parameter, its gradient and its state (Adam's
/// `exp_avg` and `exp_avg_sq`, or SGD's `momentum_buffer` and no second).
#[derive(Debug)]
pub struct StepSlot<'a, T> {
    pub param: &'a mut T,
    pub grad: &'a T,
    pub first: &'a mut T,
    pub second: Option<&'a mut T>,
}

/// The error of an Adam step given a slot without its second moment (a state built for SGD).
pub fn missing_second_moment() -> Error {
    Error::Invalid("internal error: Adam without its second moment".into())
}

/// One Adam step of each slot's parameter, one [`Backend::adam_step`] after another.
pub fn adam_step_each<B: Backend + ?Sized>(
    b: &B,
    slots: &mut [StepSlot<'_, B::Tensor>],
    cfg: &AdamConfig,
    step: u32,
) -> Result<()> {
    for s in slots {
        let second = s.second.as_deref_mut().ok_or_else(missing_second_moment)?;
        b.adam_step(s.param, s.grad, s.first, second, cfg, step)?;
    }
    Ok(())
}

/// One SGD step of each slot's parameter, one [`Backend::sgd_step`] after another.
pub fn sgd_step_each<B: Backend + ?Sized>(
    b: &B,
    slots: &mut [StepSlot<'_, B::Tensor>],
    cfg: &SgdConfig,
    first: bool,
) -> Result<()> {
    for s in slots {
        b.sgd_step(s.param, s.grad, s.first, cfg, first)?;
    }
    Ok(())
}

/// Checks that the gradient and the optimizer state have as many values as the parameter.
pub fn check_lengths(param: usize, others: &[(&str, usize)]) -> Result<()> {
    for (what, len) in others {
        if *len != param {
            return Err(Error::Invalid(format!(
                "{what} has {len} values but the parameter has {param}"
            )));
        }
    }
    Ok(())
}

/// Adam's `1 − β₁ᵗ` and `√(1 − β₂ᵗ)` for update number `step` (from 1): early steps are scaled
/// up because the moment estimates start at zero.
pub fn adam_bias_corrections(cfg: &AdamConfig, step: u32) -> Result<(f32, f32)> {
    if step == 0 {
        return Err(Error::Invalid("Adam's step count starts at 1".into()));
    }
    let [b1, b2] = cfg.betas;
    let t = step.min(i32::MAX as u32) as i32;
    Ok((1.0 - b1.powi(t), (1.0 - b2.powi(t)).sqrt()))
}

/// One Adam update of `param` in place; `step` counts from 1 and includes this update.
pub fn adam_step(
    param: &mut [f32],
    grad: &[f32],
    exp_avg: &mut [f32],
    exp_avg_sq: &mut [f32],
    cfg: &AdamConfig,
    step: u32,
) -> Result<()> {
    check_lengths(
        param.len(),
        &[
            ("the gradient", grad.len()),
            ("exp_avg", exp_avg.len()),
            ("exp_avg_sq", exp_avg_sq.len()),
        ],
    )?;
    let [b1, b2] = cfg.betas;
    let (bias_correction1, bias_correction2_sqrt) = adam_bias_corrections(cfg, step)?;
    let step_size = cfg.lr / bias_correction1;
    for i in 0..param.len() {
        let g = grad[i] + cfg.weight_decay * param[i];
        exp_avg[i] = b1 * exp_avg[i] + (1.0 - b1) * g;
        exp_avg_sq[i] = b2 * exp_avg_sq[i] + (1.0 - b2) * g * g;
        let denom = exp_avg_sq[i].sqrt() / bias_correction2_sqrt + cfg.eps;
        param[i] -= step_size * exp_avg[i] / denom;
    }
    Ok(())
}

/// One SGD update of `param` in place. On the first step (`first`) the momentum buffer is set
/// to the gradient itself, as PyTorch does.
pub fn sgd_step(
    param: &mut [f32],
    grad: &[f32],
    momentum_buf: &mut [f32],
    cfg: &SgdConfig,
    first: bool,
) -> Result<()> {
    check_lengths(
        param.len(),
        &[
            ("the gradient", grad.len()),
            ("the momentum buffer", momentum_buf.len()),
        ],
    )?;
    for i in 0..param.len() {
        let mut g = grad[i] + cfg.weight_decay * param[i];
        if cfg.momentum != 0.0 {
            momentum_buf[i] = if first {
                g
            } else {
                cfg.momentum * momentum_buf[i] + (1.0 - cfg.dampening) * g
            };
            g = if cfg.nesterov {
                g + cfg.momentum * momentum_buf[i]
            } else {
                momentum_buf[i]
            };
        }
        param[i] -= cfg.lr * g;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SGD with momentum 0.9, lr 0.1 on f(x) = x²/2 (gradient x), worked by hand:
    /// x0 = 1: buf = 1, x1 = 0.9; buf = 0.9·1 + 0.9 = 1.8, x2 = 0.9 − 0.18 = 0.72.
    #[test]
    fn sgd_momentum_by_hand() {
        let cfg = SgdConfig {
            lr: 0.1,
            ..SgdConfig::default()
        };
        let (mut x, mut buf) = ([1.0f32], [0.0f32]);
        for first in [true, false] {
            let g = [x[0]];
            sgd_step(&mut x, &g, &mut buf, &cfg, first).unwrap();
        }
        assert!((x[0] - 0.72).abs() < 1e-6, "{}", x[0]);
    }

    #[test]
    fn mismatched_lengths_are_errors() {
        let mut p = [0.0; 3];
        assert!(adam_step(
            &mut p,
            &[0.0; 2],
            &mut [0.0; 3],
            &mut [0.0; 3],
            &AdamConfig::default(),
            1
        )
        .is_err());
        assert!(adam_step(
            &mut p,
            &[0.0; 3],
            &mut [0.0; 3],
            &mut [0.0; 3],
            &AdamConfig::default(),
            0
        )
        .is_err());
    }
}
