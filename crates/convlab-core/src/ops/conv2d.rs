//! 2-D convolution (PyTorch's `Conv2d`, which is a cross-correlation) through im2col + GEMM.
//!
//! For one image and one group, im2col lays out every receptive window as a column:
//! `cols[(c·kH + i)·kW + j][oy·W_out + ox] = x[c][oy·s_h − p_h + i·d_h][ox·s_w − p_w + j·d_w]`
//! (zero outside the input: that is the zero padding). The convolution is then one matrix
//! product, `out[C_out, H_out·W_out] = weight[C_out, C_in·kH·kW] · cols`.
//! The backward passes are the two other products of the same three matrices.

use super::gemm::{matmul_acc, transpose};
use super::grads::Grads;
use crate::error::{Error, Result};
use crate::shape::{conv_output_hw, tap_position};
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

    /// The input row (or column) a kernel tap reads: `o·s − p + t·d`, or `None` in the padding.
    fn source(&self, axis: usize, out: usize, tap: usize) -> Option<usize> {
        let p = self.params;
        let pos = tap_position(out, tap, p.stride[axis], p.padding[axis], p.dilation[axis]);
        usize::try_from(pos)
            .ok()
            .filter(|&pos| pos < self.in_hw[axis])
    }

    /// im2col of group `g` of one image `x` (`[C_in, H, W]`) into `cols` (`[patch_len, out_pixels]`).
    pub(super) fn im2col(&self, x: &[f32], g: usize, cols: &mut [f32]) {
        let [h, w] = self.in_hw;
        let [kh, kw] = self.kernel;
        let [oh, ow] = self.out_hw;
        let pixels = self.out_pixels();
        for c in 0..self.in_per_group() {
            let plane = &x[(g * self.in_per_group() + c) * h * w..][..h * w];
            for i in 0..kh {
                for j in 0..kw {
                    let row = &mut cols[((c * kh + i) * kw + j) * pixels..][..pixels];
                    for oy in 0..oh {
                        let dst = &mut row[oy * ow..][..ow];
                        match self.source(0, oy, i) {
                            None => dst.fill(0.0),
                            Some(iy) => {
                                for (ox, v) in dst.iter_mut().enumerate() {
                                    *v = self.source(1, ox, j).map_or(0.0, |ix| plane[iy * w + ix]);
                                }
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
        let [oh, ow] = self.out_hw;
        let pixels = self.out_pixels();
        for c in 0..self.in_per_group() {
            let plane = &mut x[(g * self.in_per_group() + c) * h * w..][..h * w];
            for i in 0..kh {
                for j in 0..kw {
                    let row = &cols[((c * kh + i) * kw + j) * pixels..][..pixels];
                    for oy in 0..oh {
                        let Some(iy) = self.source(0, oy, i) else {
                            continue;
                        };
                        for ox in 0..ow {
                            if let Some(ix) = self.source(1, ox, j) {
                                plane[iy * w + ix] += row[oy * ow + ox];
                            }
                        }
                    }
                }
            }
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
    let (k, p, og) = (geo.patch_len(), geo.out_pixels(), geo.out_per_group());
    let in_image = geo.in_channels * geo.in_hw[0] * geo.in_hw[1];
    let out_image = geo.out_channels * p;
    let mut out = Tensor::zeros(&geo.output_shape());
    let mut cols = vec![0.0; k * p];
    for n in 0..geo.batch {
        let image = &x.data[n * in_image..][..in_image];
        let out_img = &mut out.data[n * out_image..][..out_image];
        if let Some(b) = bias {
            for (co, plane) in out_img.chunks_exact_mut(p).enumerate() {
                plane.fill(b.data[co]);
            }
        }
        for g in 0..params.groups {
            geo.im2col(image, g, &mut cols);
            let w_g = &weight.data[g * og * k..][..og * k];
            matmul_acc(og, k, p, w_g, &cols, &mut out_img[g * og * p..][..og * p]);
        }
    }
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
    let (k, p, og) = (geo.patch_len(), geo.out_pixels(), geo.out_per_group());
    let in_image = geo.in_channels * geo.in_hw[0] * geo.in_hw[1];
    let out_image = geo.out_channels * p;
    let mut grad_x = Tensor::zeros(&x.shape);
    let mut grad_w = Tensor::zeros(&weight.shape);
    // weight_t[g] = weight of group g transposed to [patch_len, out_per_group], made once.
    let weight_t: Vec<Vec<f32>> = (0..params.groups)
        .map(|g| transpose(og, k, &weight.data[g * og * k..][..og * k]))
        .collect();
    let mut cols = vec![0.0; k * p];
    let mut grad_cols = vec![0.0; k * p];
    for n in 0..geo.batch {
        let image = &x.data[n * in_image..][..in_image];
        let gy_img = &grad_out.data[n * out_image..][..out_image];
        let gx_img = &mut grad_x.data[n * in_image..][..in_image];
        for g in 0..params.groups {
            let gy_g = &gy_img[g * og * p..][..og * p];
            // dL/dW_g += dL/dY_g · colsᵀ
            geo.im2col(image, g, &mut cols);
            let cols_t = transpose(k, p, &cols);
            matmul_acc(
                og,
                p,
                k,
                gy_g,
                &cols_t,
                &mut grad_w.data[g * og * k..][..og * k],
            );
            // dL/dcols = W_gᵀ · dL/dY_g, then scattered back onto the input pixels.
            if input {
                grad_cols.fill(0.0);
                matmul_acc(k, og, p, &weight_t[g], gy_g, &mut grad_cols);
                geo.col2im(&grad_cols, g, gx_img);
            }
        }
    }
    let grad_b = with_bias.then(|| {
        let mut gb = Tensor::zeros(&[geo.out_channels]);
        for image in grad_out.data.chunks_exact(out_image) {
            for (co, plane) in image.chunks_exact(p).enumerate() {
                gb.data[co] += plane.iter().sum::<f32>();
            }
        }
        gb
    });
    Ok((input.then_some(grad_x), grad_w, grad_b))
}
