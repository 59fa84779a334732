//! Max and average pooling (PyTorch's `MaxPool2d`, `AvgPool2d` with `ceil_mode=False`).
//!
//! Each output cell looks at a `kH × kW` window of its own channel: window `(oy, ox)` covers
//! input rows `oy·s_h − p_h ..` and columns `ox·s_w − p_w ..`. Max pooling treats padding as
//! −∞ (it never wins); average pooling treats it as zeros and, with `count_include_pad`,
//! divides by the full window size.

use crate::error::{Error, Result};
use crate::shape::{pool_output_hw, tap_position};
use crate::tensor::{expect_shape, Tensor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pool2dParams {
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub padding: [usize; 2],
}

impl Pool2dParams {
    /// PyTorch's default: the stride equals the kernel size (non-overlapping windows).
    pub fn new(kernel: [usize; 2]) -> Self {
        Pool2dParams {
            kernel,
            stride: kernel,
            padding: [0, 0],
        }
    }
}

/// The checked sizes of one pooling: `(N·C planes, [H, W], [H_out, W_out])`.
pub struct PoolGeometry {
    pub planes: usize,
    pub in_hw: [usize; 2],
    pub out_hw: [usize; 2],
    pub params: Pool2dParams,
}

impl PoolGeometry {
    pub fn new(x_shape: &[usize], params: Pool2dParams) -> Result<Self> {
        let &[n, c, h, w] = x_shape else {
            return Err(Error::bad_shape(
                "the pooling input",
                "(N, C, H, W)",
                x_shape,
            ));
        };
        let [oh, ow] = pool_output_hw([h, w], params.kernel, params.stride, params.padding)?;
        Ok(PoolGeometry {
            planes: n * c,
            in_hw: [h, w],
            out_hw: [oh.output, ow.output],
            params,
        })
    }

    pub fn output_shape(&self, x_shape: &[usize]) -> Vec<usize> {
        vec![x_shape[0], x_shape[1], self.out_hw[0], self.out_hw[1]]
    }

    /// The input rows (axis 0) or columns (axis 1) of window `o`, clipped to the input.
    fn window(&self, axis: usize, o: usize) -> std::ops::Range<usize> {
        let p = self.params;
        let first = tap_position(o, 0, p.stride[axis], p.padding[axis], 1);
        let end = first.saturating_add(i64::try_from(p.kernel[axis]).unwrap_or(i64::MAX));
        let clip = |pos: i64| {
            usize::try_from(pos.max(0)).map_or(self.in_hw[axis], |v| v.min(self.in_hw[axis]))
        };
        clip(first)..clip(end)
    }

    /// Calls `f(plane, out_index, rows, cols)` for every output cell.
    fn for_each_window(
        &self,
        mut f: impl FnMut(usize, usize, std::ops::Range<usize>, std::ops::Range<usize>),
    ) {
        let [oh, ow] = self.out_hw;
        for plane in 0..self.planes {
            for oy in 0..oh {
                for ox in 0..ow {
                    f(
                        plane,
                        (plane * oh + oy) * ow + ox,
                        self.window(0, oy),
                        self.window(1, ox),
                    );
                }
            }
        }
    }

    /// Checks an output gradient's shape against this pooling's output.
    pub fn check_grad(&self, x_shape: &[usize], grad_shape: &[usize]) -> Result<()> {
        expect_shape(
            "the output gradient",
            &self.output_shape(x_shape),
            grad_shape,
        )
    }
}

/// For each output cell, the flat index (in `x`) of its window's maximum: the first one in
/// row-major order on ties, and a NaN wins (as in PyTorch, so a NaN is never hidden).
pub fn max_pool2d_argmax(x: &Tensor, params: Pool2dParams) -> Result<(Tensor, Vec<usize>)> {
    let geo = PoolGeometry::new(&x.shape, params)?;
    let [h, w] = geo.in_hw;
    let mut out = Tensor::zeros(&geo.output_shape(&x.shape));
    let mut argmax = vec![0; out.numel()];
    geo.for_each_window(|plane, o, rows, cols| {
        let mut best = (f32::NEG_INFINITY, usize::MAX);
        for iy in rows {
            for ix in cols.clone() {
                let idx = (plane * h + iy) * w + ix;
                let v = x.data[idx];
                if v > best.0 || v.is_nan() || best.1 == usize::MAX {
                    best = (v, idx);
                }
            }
        }
        out.data[o] = best.0;
        argmax[o] = best.1;
    });
    Ok((out, argmax))
}

pub fn max_pool2d(x: &Tensor, params: Pool2dParams) -> Result<Tensor> {
    Ok(max_pool2d_argmax(x, params)?.0)
}

/// Routes each output gradient to the input that won its window.
pub fn max_pool2d_backward(x: &Tensor, grad_out: &Tensor, params: Pool2dParams) -> Result<Tensor> {
    PoolGeometry::new(&x.shape, params)?.check_grad(&x.shape, &grad_out.shape)?;
    let (_, argmax) = max_pool2d_argmax(x, params)?;
    let mut grad_x = Tensor::zeros(&x.shape);
    for (&idx, &g) in argmax.iter().zip(&grad_out.data) {
        grad_x.data[idx] += g;
    }
    Ok(grad_x)
}

/// The number an average divides by: the whole window, or only its cells inside the input.
fn divisor(
    params: Pool2dParams,
    count_include_pad: bool,
    rows: &std::ops::Range<usize>,
    cols: &std::ops::Range<usize>,
) -> f32 {
    if count_include_pad {
        (params.kernel[0] * params.kernel[1]) as f32
    } else {
        (rows.len() * cols.len()) as f32
    }
}

pub fn avg_pool2d(x: &Tensor, params: Pool2dParams, count_include_pad: bool) -> Result<Tensor> {
    let geo = PoolGeometry::new(&x.shape, params)?;
    let [h, w] = geo.in_hw;
    let mut out = Tensor::zeros(&geo.output_shape(&x.shape));
    geo.for_each_window(|plane, o, rows, cols| {
        let div = divisor(params, count_include_pad, &rows, &cols);
        let sum: f32 = rows
            .flat_map(|iy| cols.clone().map(move |ix| (iy, ix)))
            .map(|(iy, ix)| x.data[(plane * h + iy) * w + ix])
            .sum();
        out.data[o] = sum / div;
    });
    Ok(out)
}

/// Spreads each output gradient evenly over its window.
pub fn avg_pool2d_backward(
    x_shape: &[usize],
    grad_out: &Tensor,
    params: Pool2dParams,
    count_include_pad: bool,
) -> Result<Tensor> {
    let geo = PoolGeometry::new(x_shape, params)?;
    geo.check_grad(x_shape, &grad_out.shape)?;
    let [h, w] = geo.in_hw;
    let mut grad_x = Tensor::zeros(x_shape);
    geo.for_each_window(|plane, o, rows, cols| {
        let share = grad_out.data[o] / divisor(params, count_include_pad, &rows, &cols);
        for iy in rows {
            for ix in cols.clone() {
                grad_x.data[(plane * h + iy) * w + ix] += share;
            }
        }
    });
    Ok(grad_x)
}
