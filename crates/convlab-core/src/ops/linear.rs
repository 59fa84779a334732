//! Fully connected layer, `y = x·Wᵀ + b` (PyTorch's `Linear`, weight `[out, in]`).

use super::gemm::{gemm_acc, MatRef};
use super::grads::Grads;
use crate::error::{Error, Result};
use crate::tensor::{expect_shape, Tensor};

/// `(batch, in_features, out_features)` after checking the shapes of input and weight agree.
pub fn dims(x: &[usize], weight: &[usize]) -> Result<(usize, usize, usize)> {
    let &[n, fin] = x else {
        return Err(Error::bad_shape(
            "the linear layer's input",
            "(N, features)",
            x,
        ));
    };
    let [fout, win] = match weight {
        &[o, i] => [o, i],
        other => {
            return Err(Error::bad_shape(
                "the linear layer's weight",
                "(out_features, in_features)",
                other,
            ))
        }
    };
    if win != fin {
        return Err(Error::Invalid(format!(
            "the linear layer expects {win} input features but got {fin}: set in_features to {fin} \
             (the flattened size C×H×W of the layer before)"
        )));
    }
    Ok((n, fin, fout))
}

pub fn forward(x: &Tensor, weight: &Tensor, bias: Option<&Tensor>) -> Result<Tensor> {
    let (n, fin, fout) = dims(&x.shape, &weight.shape)?;
    let mut y = Tensor::zeros(&[n, fout]);
    if let Some(b) = bias {
        b.expect_vector("the linear layer's bias", fout)?;
        for row in y.data.chunks_exact_mut(fout) {
            row.copy_from_slice(&b.data);
        }
    }
    let w = MatRef::row_major(&weight.data, fout, fin);
    gemm_acc(MatRef::row_major(&x.data, n, fin), w.t(), &mut y.data);
    Ok(y)
}

pub fn backward(
    x: &Tensor,
    weight: &Tensor,
    grad_out: &Tensor,
    with_bias: bool,
) -> Result<Grads<Tensor>> {
    let (n, fin, fout) = dims(&x.shape, &weight.shape)?;
    expect_shape("the output gradient", &[n, fout], &grad_out.shape)?;
    // dx = dy·W, dW = dyᵀ·x, db = Σ_rows dy.
    let grad_y = MatRef::row_major(&grad_out.data, n, fout);
    let mut grad_x = Tensor::zeros(&x.shape);
    let w = MatRef::row_major(&weight.data, fout, fin);
    gemm_acc(grad_y, w, &mut grad_x.data);
    let mut grad_w = Tensor::zeros(&weight.shape);
    gemm_acc(
        grad_y.t(),
        MatRef::row_major(&x.data, n, fin),
        &mut grad_w.data,
    );
    let grad_b = with_bias.then(|| {
        let mut gb = Tensor::zeros(&[fout]);
        for row in grad_out.data.chunks_exact(fout) {
            for (acc, g) in gb.data.iter_mut().zip(row) {
                *acc += g;
            }
        }
        gb
    });
    Ok(Grads {
        input: grad_x,
        weight: grad_w,
        bias: grad_b,
    })
}
