//! Global average pooling: `AdaptiveAvgPool2d((1, 1))`, the mean of each `H × W` plane.

use crate::error::{Error, Result};
use crate::tensor::{expect_shape, Tensor};

pub fn forward(x: &Tensor) -> Result<Tensor> {
    let [n, c, h, w] = x.dims4("the global-pooling input")?;
    let hw = h * w;
    if hw == 0 {
        return Err(Error::Invalid(
            "global average pooling needs an input of at least 1×1".into(),
        ));
    }
    let data = x
        .data
        .chunks_exact(hw)
        .map(|plane| plane.iter().sum::<f32>() / hw as f32)
        .collect();
    Ok(Tensor {
        shape: vec![n, c, 1, 1],
        data,
    })
}

/// Each pixel receives `1/(H·W)` of its plane's output gradient.
pub fn backward(x_shape: &[usize], grad_out: &Tensor) -> Result<Tensor> {
    let &[n, c, h, w] = x_shape else {
        return Err(Error::bad_shape(
            "the global-pooling input",
            "(N, C, H, W)",
            x_shape,
        ));
    };
    expect_shape("the output gradient", &[n, c, 1, 1], &grad_out.shape)?;
    let hw = h * w;
    let mut grad_x = Tensor::zeros(x_shape);
    for (plane, &g) in grad_x.data.chunks_exact_mut(hw).zip(&grad_out.data) {
        plane.fill(g / hw as f32);
    }
    Ok(grad_x)
}
