//! Element-wise ops: ReLU, sigmoid, and the add of a residual connection.

use crate::error::{Error, Result};
use crate::tensor::{expect_shape, Tensor};

fn map(x: &Tensor, f: impl Fn(f32) -> f32) -> Tensor {
    Tensor {
        shape: x.shape.clone(),
        data: x.data.iter().map(|&v| f(v)).collect(),
    }
}

fn zip_map(a: &Tensor, b: &Tensor, f: impl Fn(f32, f32) -> f32) -> Tensor {
    Tensor {
        shape: a.shape.clone(),
        data: a.data.iter().zip(&b.data).map(|(&x, &y)| f(x, y)).collect(),
    }
}

/// `max(x, 0)`; NaN stays NaN, as in PyTorch.
pub fn relu(x: &Tensor) -> Tensor {
    map(x, |v| if v > 0.0 || v.is_nan() { v } else { 0.0 })
}

/// The gradient passes where the input was positive (PyTorch takes 0 at exactly 0).
pub fn relu_backward(x: &Tensor, grad_out: &Tensor) -> Result<Tensor> {
    expect_shape("the output gradient", &x.shape, &grad_out.shape)?;
    Ok(zip_map(x, grad_out, |v, g| if v > 0.0 { g } else { 0.0 }))
}

pub fn sigmoid(x: &Tensor) -> Tensor {
    map(x, |v| 1.0 / (1.0 + (-v).exp()))
}

/// From the forward's output `y`: `dσ/dx = y·(1 − y)`.
pub fn sigmoid_backward(y: &Tensor, grad_out: &Tensor) -> Result<Tensor> {
    expect_shape("the output gradient", &y.shape, &grad_out.shape)?;
    Ok(zip_map(y, grad_out, |s, g| g * s * (1.0 - s)))
}

/// An element-wise add needs equal shapes (a skip connection's two paths must match: no broadcasting).
pub fn check_add(a: &[usize], b: &[usize]) -> Result<()> {
    if a != b {
        return Err(Error::Invalid(format!(
            "cannot add tensors of shapes {:?} and {:?}: an element-wise add needs equal shapes \
             (in a residual block, a 1×1 convolution on the shortcut fixes the channels and stride)",
            a, b
        )));
    }
    Ok(())
}

/// `a + b` of equal shapes.
pub fn add(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    check_add(&a.shape, &b.shape)?;
    Ok(zip_map(a, b, |x, y| x + y))
}
