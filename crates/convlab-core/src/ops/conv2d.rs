//! 2-D convolution (PyTorch's `Conv2d`, which is a cross-correlation) through im2col + GEMM.
//!
//! For one image and one group, im2col lays out every receptive window as a column:
//! `cols[(c·kH + i)·kW + j][oy·W_out + ox] = x[c][oy·s_h − p_h + i·d_h][ox·s_w − p_w + j·d_w]`
//! (zero outside the input: that is the zero padding). The convolution is then one matrix
//! product, `out[C_out, H_out·W_out] = weight[C_out, C_in·kH·kW] · cols`.
//! The backward passes are the two other products of the same three matrices.

use std::ops::Range;

use super::gemm::{gemm_acc, gemm_into, MatRef};
use super::grads::Grads;
use super::over_batch::{for_each_image, sum_over_images};
use crate::error::{Error, Result};
use crate::shape::conv_output_hw;
use crate::tensor::{expect_shape, expect_vector, Tensor};

/// `Conv2d`'s hyper-parameters besides the channel counts and kernel size (those come from the
/// weight's shape). `[height, width]` pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Conv2dParams {
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
}

impl Default for Conv2dParams {
    fn default() -> Self {
        Conv2dParams {
            stride: [1, 1],
            padding: [0, 0],
            dilation: [1, 1],
            groups: 1,
        }
    }
}

/// Every size of one convolution, checked once against each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2dGeometry {
    pub batch: usize,
    pub in_channels: usize,
    pub in_hw: [usize; 2],
    pub out_channels: usize,
    pub kernel: [usize; 2],
    pub out_hw: [usize; 2],
    pub params: Conv2dParams,
}

impl Conv2dGeometry {
    /// Validates an input of shape `x_shape` against a weight of shape `w_shape`.
    pub fn new(x_shape: &[usize], w_shape: &[usize], params: Conv2dParams) -> Result<Self> {
        let &[n, c_in, h, w] = x_shape else {
            return Err(Error::bad_shape(
                "the convolution's input",
                "(N, C_in, H, W)",
                x_shape,
            ));
        };
        let &[c_out, c_in_per_group, kh, kw] = w_shape else {
            return Err(Error::bad_shape(
                "the convolution's weight",
                "(C_out, C_in/groups, kH, kW)",
                w_shape,
            ));
        };
        let g = params.groups;
        if g == 0 || c_in % g != 0 || c_out % g != 0 {
            return Err(Error::Invalid(format!(
                "groups={g} must be at least 1 and divide both the input channels ({c_in}) and the output channels ({c_out})"
            )));
        }
        if c_in_per_group != c_in / g {
            return Err(Error::Invalid(format!(
                "the weight expects {} input channels ({c_in_per_group} per group × {g} groups), but the input has {c_in}",
                c_in_per_group * g
            )));
        }
        let [oh, ow] = conv_output_hw(
            [h, w],
            [kh, kw],
            params.stride,
            params.padding,
            params.dilation,
        )?;
        Ok(Conv2dGeometry {
            batch: n,
            in_channels: c_in,
            in_hw: [h, w],
            out_channels: c_out,
            kernel: [kh, kw],
            out_hw: [oh.output, ow.output],
            params,
        })
    }

    pub fn output_shape(&self) -> [usize; 4] {
        [
            self.batch,
            self.out_channels,
            self.out_hw[0],
            self.out_hw[1],
        ]
    }

    pub(super) fn in_per_group(&self) -> usize {
        self.in_channels / self.params.groups
    }

    pub(super) fn out_per_group(&self) -> usize {
        self.out_channels / self.params.groups
    }

    /// Rows of the im2col matrix: one per (input channel of the group, kernel row, kernel column).
    pub(super) fn patch_len(&self) -> usize {
        self.in_per_group() * self.kernel[0] * self.kernel[1]
    }

    pub(super) fn out_pixels(&self) -> usize {
        self.out_hw[0] * self.out_hw[1]
    }

    /// The outputs along `axis` whose tap `tap` reads inside the input rather than the padding,
    /// and the input position the first of them reads. The position, `o·s − p + tap·d`, grows
    /// with the output `o`, so these outputs are one run: before it and after it lie zeros.
    fn inside(&self, axis: usize, tap: usize) -> (Range<usize>, usize) {
        let p = self.params;
        let (s, pad, offset) = (p.stride[axis], p.padding[axis], tap * p.dilation[axis]);
        let outputs = self.out_hw[axis];
        // o·s + offset ≥ pad  ⇔  o ≥ ⌈(pad − offset) / s⌉
        let first = pad.saturating_sub(offset).div_ceil(s).min(outputs);
        // o·s + offset − pad ≤ len − 1  ⇔  o ≤ ⌊(len − 1 + pad − offset) / s⌋
        let end = (self.in_hw[axis] + pad)
            .checked_sub(offset + 1)
            .map_or(0, |last| last / s + 1)
            .clamp(first, outputs);
        (first..end, (first * s + offset).saturating_sub(pad))
    }

    /// im2col of group `g` of one image `x` (`[C_in, H, W]`) into `cols` (`[patch_len, out_pixels]`).
    pub(super) fn im2col(&self, x: &[f32], g: usize, cols: &mut [f32]) {
        let [h, w] = self.in_hw;
        let [kh, kw] = self.kernel;
        let [oh, ow] = self.out_hw;
        let [sh, sw] = self.params.stride;
        let pixels = self.out_pixels();
        for c in 0..self.in_per_group() {
            let plane = &x[(g * self.in_per_group() + c) * h * w..][..h * w];
            for i in 0..kh {
                let (rows, first_iy) = self.inside(0, i);
                for j in 0..kw {
                    let row = &mut cols[((c * kh + i) * kw + j) * pixels..][..pixels];
                    let (columns, first_ix) = self.inside(1, j);
                    // Each output row is one sub-slice and index arithmetic, not a sub-slice per
                    // part: in the size-optimized wasm build each sub-slice is a call, and these
                    // rows are short (28 outputs or fewer in the MNIST nets).
                    for oy in 0..oh {
                        let out = oy * ow;
                        if oy < rows.start || oy >= rows.end {
                            // Window row i of these windows lies in the padding: zeros.
                            row[out..out + ow].fill(0.0);
                            continue;
                        }
                        // Columns outside `columns` read the padding's zeros; those inside read
                        // input row iy from column first_ix on, every s_w-th pixel.
                        for ox in 0..columns.start {
                            row[out + ox] = 0.0;
                        }
                        for ox in columns.end..ow {
                            row[out + ox] = 0.0;
                        }
                        let n = columns.end - columns.start;
                        if n == 0 {
                            continue;
                        }
                        let iy = first_iy + (oy - rows.start) * sh;
                        let (src, dst) = (iy * w + first_ix, out + columns.start);
                        if sw == 1 {
                            // The common case: a window row is a run of the input row.
                            row[dst..dst + n].copy_from_slice(&plane[src..src + n]);
                        } else {
                            for k in 0..n {
                                row[dst + k] = plane[src + k * sw];
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of [`Self::im2col`]: adds each column entry back onto the input pixel it came from.
    pub(super) fn col2im(&self, cols: &[f32], g: usize, x: &mut [f32]) {
        let [h, w] = self.in_hw;
        let [kh, kw] = self.kernel;
        let ow = self.out_hw[1];
        let [sh, sw] = self.params.stride;
        let pixels = self.out_pixels();
        for c in 0..self.in_per_group() {
            let plane = &mut x[(g * self.in_per_group() + c) * h * w..][..h * w];
            for i in 0..kh {
                let (rows, first_iy) = self.inside(0, i);
                for j in 0..kw {
                    let row = &cols[((c * kh + i) * kw + j) * pixels..][..pixels];
                    let (columns, first_ix) = self.inside(1, j);
                    let n = columns.end - columns.start;
                    if n == 0 {
                        continue;
                    }
                    // As in im2col: index arithmetic per output row rather than a sub-slice for
                    // each part of it (each one a call in the size-optimized wasm build). Output
                    // row oy's columns inside the input add onto input row iy from first_ix on,
                    // every s_w-th pixel.
                    for oy in rows.clone() {
                        let iy = first_iy + (oy - rows.start) * sh;
                        let (src, dst) = (oy * ow + columns.start, iy * w + first_ix);
                        if sw == 1 {
                            for (d, v) in plane[dst..dst + n].iter_mut().zip(&row[src..src + n]) {
                                *d += v;
                            }
                        } else {
                            for k in 0..n {
                                plane[dst + k * sw] += row[src + k];
                            }
                        }
                    }
                }
            }
        }
    }

    /// Weight `g`'s `[C_out/groups, patch_len]` block of the whole weight.
    fn weight_of_group<'w>(&self, weight: &'w [f32], g: usize) -> MatRef<'w> {
        let (og, k) = (self.out_per_group(), self.patch_len());
        MatRef::row_major(&weight[g * og * k..][..og * k], og, k)
    }

    /// One image's convolution: `y += W_g · im2col(x, g)` for each group, with `x` one input
    /// image `[C_in, H, W]`, `y` one output image `[C_out, H_out·W_out]` and `cols` scratch of
    /// `patch_len × out_pixels` values.
    pub(super) fn forward_image(&self, x: &[f32], weight: &[f32], cols: &mut [f32], y: &mut [f32]) {
        let (k, p, og) = (self.patch_len(), self.out_pixels(), self.out_per_group());
        for g in 0..self.params.groups {
            self.im2col(x, g, cols);
            let y_g = &mut y[g * og * p..][..og * p];
            gemm_acc(
                self.weight_of_group(weight, g),
                MatRef::row_major(cols, k, p),
                y_g,
            );
        }
    }

    /// One image's input gradient: `∂L/∂x += col2im(W_gᵀ · ∂L/∂y_g)` for each group, with
    /// `grad_y` one output image's gradient and `grad_x` one input image's.
    pub(super) fn input_grad_image(
        &self,
        grad_y: &[f32],
        weight: &[f32],
        cols: &mut [f32],
        grad_x: &mut [f32],
    ) {
        let (p, og) = (self.out_pixels(), self.out_per_group());
        for g in 0..self.params.groups {
            let grad_y_g = MatRef::row_major(&grad_y[g * og * p..][..og * p], og, p);
            gemm_into(self.weight_of_group(weight, g).t(), grad_y_g, cols);
            self.col2im(cols, g, grad_x);
        }
    }

    /// One image's share of the weight gradient: `∂L/∂W_g += ∂L/∂y_g · im2col(x, g)ᵀ` for each
    /// group, into `grad_w` (the whole weight's shape).
    pub(super) fn weight_grad_image(
        &self,
        x: &[f32],
        grad_y: &[f32],
        cols: &mut [f32],
        grad_w: &mut [f32],
    ) {
        let (k, p, og) = (self.patch_len(), self.out_pixels(), self.out_per_group());
        for g in 0..self.params.groups {
            self.im2col(x, g, cols);
            let grad_y_g = MatRef::row_major(&grad_y[g * og * p..][..og * p], og, p);
            let grad_w_g = &mut grad_w[g * og * k..][..og * k];
            gemm_acc(grad_y_g, MatRef::row_major(cols, k, p).t(), grad_w_g);
        }
    }
}

/// Checks an optional bias against the number of output channels.
pub fn check_bias(bias_shape: Option<&[usize]>, out_channels: usize) -> Result<()> {
    match bias_shape {
        Some(shape) => expect_vector("the convolution's bias", shape, out_channels),
        None => Ok(()),
    }
}

pub fn forward(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    params: Conv2dParams,
) -> Result<Tensor> {
    let geo = Conv2dGeometry::new(&x.shape, &weight.shape, params)?;
    check_bias(bias.map(|b| b.shape.as_slice()), geo.out_channels)?;
    let p = geo.out_pixels();
    let in_image = geo.in_channels * geo.in_hw[0] * geo.in_hw[1];
    let mut out = Tensor::zeros(&geo.output_shape());
    for_each_image(
        &mut out.data,
        geo.out_channels * p,
        geo.patch_len() * p,
        |n, y, cols| {
            if let Some(b) = bias {
                for (plane, &b) in y.chunks_exact_mut(p).zip(&b.data) {
                    plane.fill(b);
                }
            }
            geo.forward_image(&x.data[n * in_image..][..in_image], &weight.data, cols, y);
        },
    );
    Ok(out)
}

pub fn backward(
    x: &Tensor,
    weight: &Tensor,
    grad_out: &Tensor,
    params: Conv2dParams,
    with_bias: bool,
) -> Result<Grads<Tensor>> {
    let (input, weight, bias) = gradients(x, weight, grad_out, params, with_bias, true)?;
    Ok(Grads {
        input: input.unwrap_or_else(|| Tensor::zeros(&x.shape)),
        weight,
        bias,
    })
}

/// The weight and bias gradients only (see `Backend::conv2d_param_grads`).
pub fn param_grads(
    x: &Tensor,
    weight: &Tensor,
    grad_out: &Tensor,
    params: Conv2dParams,
    with_bias: bool,
) -> Result<(Tensor, Option<Tensor>)> {
    let (_, weight, bias) = gradients(x, weight, grad_out, params, with_bias, false)?;
    Ok((weight, bias))
}

/// The gradients of input (when `input` is asked for), weight and bias.
fn gradients(
    x: &Tensor,
    weight: &Tensor,
    grad_out: &Tensor,
    params: Conv2dParams,
    with_bias: bool,
    input: bool,
) -> Result<(Option<Tensor>, Tensor, Option<Tensor>)> {
    let geo = Conv2dGeometry::new(&x.shape, &weight.shape, params)?;
    expect_shape("the output gradient", &geo.output_shape(), &grad_out.shape)?;
    let p = geo.out_pixels();
    let cols_len = geo.patch_len() * p;
    let in_image = geo.in_channels * geo.in_hw[0] * geo.in_hw[1];
    let out_image = geo.out_channels * p;
    let x_of = |n: usize| &x.data[n * in_image..][..in_image];
    let grad_y_of = |n: usize| &grad_out.data[n * out_image..][..out_image];
    let grad_x = input.then(|| {
        let mut grad_x = Tensor::zeros(&x.shape);
        for_each_image(&mut grad_x.data, in_image, cols_len, |n, grad_x, cols| {
            geo.input_grad_image(grad_y_of(n), &weight.data, cols, grad_x);
        });
        grad_x
    });
    let grad_w = Tensor {
        shape: weight.shape.clone(),
        data: sum_over_images(geo.batch, weight.numel(), cols_len, |n, grad_w, cols| {
            geo.weight_grad_image(x_of(n), grad_y_of(n), cols, grad_w);
        }),
    };
    let grad_b = with_bias.then(|| {
        let mut gb = Tensor::zeros(&[geo.out_channels]);
        for image in grad_out.data.chunks_exact(out_image) {
            for (co, plane) in image.chunks_exact(p).enumerate() {
                gb.data[co] += plane.iter().sum::<f32>();
            }
        }
        gb
    });
    Ok((grad_x, grad_w, grad_b))
}
