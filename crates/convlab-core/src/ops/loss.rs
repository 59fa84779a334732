//! Softmax cross-entropy with mean reduction (PyTorch's `CrossEntropyLoss()` on logits).
//!
//! `loss = mean_i( log Σ_c exp(z_ic) − z_i,target_i )`, and its gradient
//! `∂loss/∂z_ic = (softmax(z_i)_c − [c = target_i]) / N`.

use crate::error::{Error, Result};
use crate::tensor::Tensor;

/// `(N, classes)` after checking there is one valid class index per row of logits.
pub fn check_targets(logits: &[usize], targets: &[usize]) -> Result<(usize, usize)> {
    let &[n, classes] = logits else {
        return Err(Error::bad_shape("the logits", "(N, classes)", logits));
    };
    if targets.len() != n {
        return Err(Error::Invalid(format!(
            "{n} rows of logits but {} targets",
            targets.len()
        )));
    }
    if n == 0 {
        return Err(Error::Invalid(
            "cross-entropy needs at least one example".into(),
        ));
    }
    if let Some(&bad) = targets.iter().find(|&&t| t >= classes) {
        return Err(Error::Invalid(format!(
            "target class {bad} is out of range: there are {classes} classes (0..{})",
            classes - 1
        )));
    }
    Ok((n, classes))
}

/// The mean loss and the gradient of the logits. `targets` are class indices.
pub fn cross_entropy(logits: &Tensor, targets: &[usize]) -> Result<(f32, Tensor)> {
    let (n, classes) = check_targets(&logits.shape, targets)?;
    let mut grad = Tensor::zeros(&logits.shape);
    let mut total = 0.0f64;
    for ((row, g), &t) in logits
        .data
        .chunks_exact(classes)
        .zip(grad.data.chunks_exact_mut(classes))
        .zip(targets)
    {
        // Subtracting the max keeps exp() finite: log-sum-exp is invariant to the shift.
        let max = row.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
        let sum_exp: f32 = row.iter().map(|&z| (z - max).exp()).sum();
        let log_sum_exp = max + sum_exp.ln();
        total += (log_sum_exp - row[t]) as f64;
        for (c, (gv, &z)) in g.iter_mut().zip(row).enumerate() {
            let p = (z - log_sum_exp).exp();
            *gv = (p - if c == t { 1.0 } else { 0.0 }) / n as f32;
        }
    }
    Ok(((total / n as f64) as f32, grad))
}
