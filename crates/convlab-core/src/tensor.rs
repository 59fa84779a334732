//! A dense, row-major `f32` tensor on the host: the unit of exchange between the CPU reference,
//! the GPU engine (which uploads and downloads these) and the golden files.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    /// A tensor of `shape` holding `data` in row-major order; the lengths must agree.
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Result<Self> {
        let numel = numel(&shape);
        if numel != data.len() {
            return Err(Error::Invalid(format!(
                "a tensor of shape {shape:?} needs {numel} values, but {} were given",
                data.len()
            )));
        }
        Ok(Tensor { shape, data })
    }

    pub fn zeros(shape: &[usize]) -> Self {
        Tensor {
            shape: shape.to_vec(),
            data: vec![0.0; numel(shape)],
        }
    }

    pub fn full(shape: &[usize], value: f32) -> Self {
        Tensor {
            shape: shape.to_vec(),
            data: vec![value; numel(shape)],
        }
    }

    pub fn scalar(value: f32) -> Self {
        Tensor {
            shape: vec![],
            data: vec![value],
        }
    }

    pub fn numel(&self) -> usize {
        self.data.len()
    }

    /// The same values under another shape with as many elements (PyTorch's `reshape`).
    pub fn reshape(mut self, shape: &[usize]) -> Result<Self> {
        if numel(shape) != self.data.len() {
            return Err(Error::Invalid(format!(
                "cannot reshape a tensor of shape {:?} ({} values) to {shape:?}",
                self.shape,
                self.data.len()
            )));
        }
        self.shape = shape.to_vec();
        Ok(self)
    }

    /// The shape as `(N, C, H, W)`, or an error naming `what` when it is not 4-D.
    pub fn dims4(&self, what: &str) -> Result<[usize; 4]> {
        match self.shape.as_slice() {
            &[n, c, h, w] => Ok([n, c, h, w]),
            other => Err(Error::bad_shape(what, "(N, C, H, W)", other)),
        }
    }

    /// The shape as `(rows, cols)`, or an error naming `what` when it is not 2-D.
    pub fn dims2(&self, what: &str) -> Result<[usize; 2]> {
        match self.shape.as_slice() {
            &[r, c] => Ok([r, c]),
            other => Err(Error::bad_shape(what, "(N, features)", other)),
        }
    }

    /// Checks that this is a vector of `len` values (a per-channel parameter).
    pub fn expect_vector(&self, what: &str, len: usize) -> Result<()> {
        expect_vector(what, &self.shape, len)
    }
}

/// Checks that `shape` is that of a vector of `len` values.
pub fn expect_vector(what: &str, shape: &[usize], len: usize) -> Result<()> {
    if shape != [len] {
        return Err(Error::bad_shape(what, format!("({len},)"), shape));
    }
    Ok(())
}

/// Checks that `got` equals `want` (e.g. an output gradient against the output it belongs to).
pub fn expect_shape(what: &str, want: &[usize], got: &[usize]) -> Result<()> {
    if want != got {
        return Err(Error::bad_shape(what, format!("{want:?}"), got));
    }
    Ok(())
}

pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// The number of values of `shape` as a `u64`, or `None` past `u64::MAX`: what every count shown
/// to a person goes through, since a `usize` is 32 bits in the browser and would wrap.
pub fn count(shape: &[usize]) -> Option<u64> {
    shape
        .iter()
        .try_fold(1u64, |n, &d| n.checked_mul(u64::try_from(d).ok()?))
}
