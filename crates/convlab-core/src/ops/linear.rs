//! Fully connected layer, `y = x·Wᵀ + b` (PyTorch's `Linear`, weight `[out, in]`).

use super::gemm::{matmul_acc, transpose};
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
    matmul_acc(
        n,
        fin,
        fout,
        &x.data,
        &transpose(fout, fin, &weight.data),
        &mut y.data,
    );
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
    let mut grad_x = Tensor::zeros(&x.shape);
    matmul_acc(n, fout, fin, &grad_out.data, &weight.data, &mut grad_x.data);
    let mut grad_w = Tensor::zeros(&weight.shape);
    matmul_acc(
        fout,
        n,
        fin,
        &transpose(n, fout, &grad_out.data),
        &x.data,
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
