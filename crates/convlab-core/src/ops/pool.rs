//! Max and average pooling (PyTorch's `MaxPool2d`, `AvgPool2d` with `ceil_mode=False`).
//!
//! Each output cell looks at a `kH × kW` window of its own channel: window `(oy, ox)` covers
//! input rows `oy·s_h − p_h ..` and columns `ox·s_w − p_w ..`. Max pooling treats padding as
//! −∞ (it never wins); average pooling treats it as zeros and, with `count_include_pad`,
//! divides by the full window size.

use std::ops::Range;

use rayon::prelude::*;

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

/// The input rows and columns of every window of a plane: window `(oy, ox)` covers
/// `rows[oy] × cols[ox]`.
struct Windows {
    rows: Vec<Range<usize>>,
    cols: Vec<Range<usize>>,
}

impl Windows {
    /// Calls `f(o, rows, cols)` for each window, where `o` is its output index in the plane, in
    /// row-major order. Two plain loops rather than an iterator: a 2×2 window has only four
    /// cells, and in the size-optimized wasm build a flattening iterator's `next` stayed a call
    /// per window (5% of a training step).
    fn for_each(&self, mut f: impl FnMut(usize, &Range<usize>, &Range<usize>)) {
        let ow = self.cols.len();
        for (oy, rows) in self.rows.iter().enumerate() {
            for (ox, cols) in self.cols.iter().enumerate() {
                f(oy * ow + ox, rows, cols);
            }
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
    fn window(&self, axis: usize, o: usize) -> Range<usize> {
        let p = self.params;
        let first = tap_position(o, 0, p.stride[axis], p.padding[axis], 1);
        let end = first.saturating_add(i64::try_from(p.kernel[axis]).unwrap_or(i64::MAX));
        let clip = |pos: i64| {
            usize::try_from(pos.max(0)).map_or(self.in_hw[axis], |v| v.min(self.in_hw[axis]))
        };
        clip(first)..clip(end)
    }

    /// Calls `f(plane, out_plane, windows)` for every plane (channel of an image), in parallel,
    /// where `out_plane` is that plane's `per_plane` values of `out`. Windows never cross planes,
    /// so the planes are independent.
    fn for_each_plane<T: Send>(
        &self,
        out: &mut [T],
        per_plane: usize,
        f: impl Fn(usize, &mut [T], &Windows) + Sync + Send,
    ) {
        // Every plane has the same windows: work them out once.
        let windows = Windows {
            rows: (0..self.out_hw[0]).map(|oy| self.window(0, oy)).collect(),
            cols: (0..self.out_hw[1]).map(|ox| self.window(1, ox)).collect(),
        };
        if per_plane > 0 {
            out.par_chunks_mut(per_plane)
                .enumerate()
                .for_each(|(plane, out_plane)| f(plane, out_plane, &windows));
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
    geo.for_each_plane(
        &mut argmax,
        geo.out_hw[0] * geo.out_hw[1],
        |plane, argmax, windows| {
            let base = plane * h * w;
            let x_plane = &x.data[base..][..h * w];
            windows.for_each(|o, rows, cols| {
                // Pooling's shapes (padding at most half the kernel) give every window a cell.
                let first = rows.start * w + cols.start;
                let mut best = (x_plane[first], first);
                for iy in rows.clone() {
                    // By index, not over a sub-slice of the row: in the size-optimized wasm
                    // build each sub-slice was a call, for a window row of two cells.
                    #[allow(clippy::needless_range_loop)]
                    for i in iy * w + cols.start..iy * w + cols.end {
                        let v = x_plane[i];
                        if v > best.0 || v.is_nan() {
                            best = (v, i);
                        }
                    }
                }
                argmax[o] = base + best.1;
            });
        },
    );
    // Indexing the slice, not the Vec: the Vec's `index` stayed a call per cell in the
    // size-optimized wasm build, where a slice's bounds check is inline.
    let xs = x.data.as_slice();
    for (y, &idx) in out.data.iter_mut().zip(&argmax) {
        *y = xs[idx];
    }
    Ok((out, argmax))
}

pub fn max_pool2d(x: &Tensor, params: Pool2dParams) -> Result<Tensor> {
    Ok(max_pool2d_argmax(x, params)?.0)
}

/// Routes each output gradient to the input that won its window.
pub fn max_pool2d_backward(x: &Tensor, grad_out: &Tensor, params: Pool2dParams) -> Result<Tensor> {
    let geo = PoolGeometry::new(&x.shape, params)?;
    geo.check_grad(&x.shape, &grad_out.shape)?;
    let (_, argmax) = max_pool2d_argmax(x, params)?;
    let (plane_in, plane_out) = (geo.in_hw[0] * geo.in_hw[1], geo.out_hw[0] * geo.out_hw[1]);
    let mut grad_x = Tensor::zeros(&x.shape);
    geo.for_each_plane(&mut grad_x.data, plane_in, |plane, grad_x, _| {
        let cells = plane * plane_out..(plane + 1) * plane_out;
        for (&idx, &g) in argmax[cells.clone()].iter().zip(&grad_out.data[cells]) {
            grad_x[idx - plane * plane_in] += g;
        }
    });
    Ok(grad_x)
}

/// The number an average divides by: the whole window, or only its cells inside the input.
fn divisor(
    params: Pool2dParams,
    count_include_pad: bool,
    rows: &Range<usize>,
    cols: &Range<usize>,
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
    geo.for_each_plane(
        &mut out.data,
        geo.out_hw[0] * geo.out_hw[1],
        |plane, out, windows| {
            let x_plane = &x.data[plane * h * w..][..h * w];
            windows.for_each(|o, rows, cols| {
                let sum: f32 = rows
                    .clone()
                    .flat_map(|iy| x_plane[iy * w..][cols.clone()].iter())
                    .sum();
                out[o] = sum / divisor(params, count_include_pad, rows, cols);
            });
        },
    );
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
    let plane_out = geo.out_hw[0] * geo.out_hw[1];
    let mut grad_x = Tensor::zeros(x_shape);
    geo.for_each_plane(&mut grad_x.data, h * w, |plane, grad_x, windows| {
        let grad_y = &grad_out.data[plane * plane_out..][..plane_out];
        windows.for_each(|o, rows, cols| {
            let share = grad_y[o] / divisor(params, count_include_pad, rows, cols);
            for iy in rows.clone() {
                grad_x[iy * w..][cols.clone()]
                    .iter_mut()
                    .for_each(|g| *g += share);
            }
        });
    });
    Ok(grad_x)
}
