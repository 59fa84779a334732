//! 2-D transposed convolution (PyTorch's `ConvTranspose2d`): the convolution run backwards.
//!
//! A convolution with weight `W` maps a big map to a small one; its transposed convolution, with
//! the same weight, maps the small one back to the big one's size. It is exactly the input
//! gradient of that convolution: each input pixel of the transposed convolution scatters
//! `x · W` onto the output window the convolution would have read it from. In im2col terms, for
//! one image and one group (`W_g` the group's `[C_in/groups, (C_out/groups)·kH·kW]` rows):
//! `cols = W_gᵀ · x_g`, then col2im adds each column entry onto its output pixel.
//! So the weight keeps PyTorch's layout `[C_in, C_out/groups, kH, kW]`: it is the weight of the
//! convolution from `C_out` channels to `C_in`.
//!
//! The backward passes are that convolution's other two products: the input gradient is the
//! convolution of the output gradient (`W_g · im2col(∂L/∂y)`), the weight gradient
//! `x_g · im2col(∂L/∂y)ᵀ`, and the bias gradient the sum of `∂L/∂y` per channel.

use super::conv2d::{check_bias, Conv2dGeometry, Conv2dParams};
use super::grads::Grads;
use super::over_batch::{for_each_image, sum_over_images};
use crate::error::{Error, Result};
use crate::tensor::{expect_shape, Tensor};
use crate::transposed_shape::conv_transpose_output_hw;

/// `ConvTranspose2d`'s hyper-parameters besides the channel counts and kernel size (those come
/// from the weight's shape). `[height, width]` pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConvTranspose2dParams {
    pub stride: [usize; 2],
    pub padding: [usize; 2],
    /// Rows (columns) added at the bottom (right), to pick one of the sizes a strided
    /// convolution maps to the same input size.
    pub output_padding: [usize; 2],
    pub dilation: [usize; 2],
    pub groups: usize,
}

impl Default for ConvTranspose2dParams {
    fn default() -> Self {
        ConvTranspose2dParams {
            stride: [1, 1],
            padding: [0, 0],
            output_padding: [0, 0],
            dilation: [1, 1],
            groups: 1,
        }
    }
}

impl ConvTranspose2dParams {
    /// The convolution this one transposes: the same stride, padding, dilation and groups.
    pub fn conv(&self) -> Conv2dParams {
        Conv2dParams {
            stride: self.stride,
            padding: self.padding,
            dilation: self.dilation,
            groups: self.groups,
        }
    }
}

/// The convolution a transposed convolution of input `x_shape` (`[N, C_in, H, W]`) and weight
/// `w_shape` (`[C_in, C_out/groups, kH, kW]`) transposes: it reads the transposed output
/// (`[N, C_out, H_out, W_out]`, its "input") and writes `[N, C_in, H, W]` (its "output").
pub fn transposed_geometry(
    x_shape: &[usize],
    w_shape: &[usize],
    p: ConvTranspose2dParams,
) -> Result<Conv2dGeometry> {
    let &[n, c_in, h, w] = x_shape else {
        return Err(Error::bad_shape(
            "the transposed convolution's input",
            "(N, C_in, H, W)",
            x_shape,
        ));
    };
    let &[w_in, out_per_group, kh, kw] = w_shape else {
        return Err(Error::bad_shape(
            "the transposed convolution's weight",
            "(C_in, C_out/groups, kH, kW)",
            w_shape,
        ));
    };
    let g = p.groups;
    let c_out = out_per_group.checked_mul(g);
    if g == 0 || c_in % g != 0 || c_out.is_none() {
        return Err(Error::Invalid(format!(
            "groups={g} must be at least 1 and divide the input channels ({c_in})"
        )));
    }
    if w_in != c_in {
        return Err(Error::Invalid(format!(
            "the weight expects {w_in} input channels (its first dimension), but the input has {c_in}"
        )));
    }
    let [oh, ow] = conv_transpose_output_hw(
        [h, w],
        [kh, kw],
        p.stride,
        p.padding,
        p.output_padding,
        p.dilation,
    )?;
    Ok(Conv2dGeometry {
        batch: n,
        in_channels: c_out.unwrap_or(0),
        in_hw: [oh.output, ow.output],
        out_channels: c_in,
        kernel: [kh, kw],
        out_hw: [h, w],
        params: p.conv(),
    })
}

/// The transposed convolution's output shape `[N, C_out, H_out, W_out]`.
pub fn output_shape(geo: &Conv2dGeometry) -> [usize; 4] {
    [geo.batch, geo.in_channels, geo.in_hw[0], geo.in_hw[1]]
}

pub fn forward(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    params: ConvTranspose2dParams,
) -> Result<Tensor> {
    let geo = transposed_geometry(&x.shape, &weight.shape, params)?;
    check_bias(bias.map(|b| b.shape.as_slice()), geo.in_channels)?;
    let (k, p) = (geo.patch_len(), geo.out_pixels());
    let plane = geo.in_hw[0] * geo.in_hw[1];
    let (in_image, out_image) = (geo.out_channels * p, geo.in_channels * plane);
    let mut out = Tensor::zeros(&output_shape(&geo));
    for_each_image(&mut out.data, out_image, k * p, |n, y, cols| {
        // y = Σ_g col2im(W_gᵀ · x_g): each input pixel scatters its window, which is exactly
        // the input gradient of the convolution this one transposes.
        geo.input_grad_image(&x.data[n * in_image..][..in_image], &weight.data, cols, y);
        if let Some(b) = bias {
            for (co, plane) in y.chunks_exact_mut(plane).enumerate() {
                plane.iter_mut().for_each(|v| *v += b.data[co]);
            }
        }
    });
    Ok(out)
}

pub fn backward(
    x: &Tensor,
    weight: &Tensor,
    grad_out: &Tensor,
    params: ConvTranspose2dParams,
    with_bias: bool,
) -> Result<Grads<Tensor>> {
    let geo = transposed_geometry(&x.shape, &weight.shape, params)?;
    expect_shape("the output gradient", &output_shape(&geo), &grad_out.shape)?;
    let (k, p) = (geo.patch_len(), geo.out_pixels());
    let plane = geo.in_hw[0] * geo.in_hw[1];
    let (in_image, out_image) = (geo.out_channels * p, geo.in_channels * plane);
    let x_of = |n: usize| &x.data[n * in_image..][..in_image];
    let grad_y_of = |n: usize| &grad_out.data[n * out_image..][..out_image];
    // ∂L/∂x_g = W_g · im2col(∂L/∂y): the forward pass of the convolution this one transposes.
    let mut grad_x = Tensor::zeros(&x.shape);
    for_each_image(&mut grad_x.data, in_image, k * p, |n, grad_x, cols| {
        geo.forward_image(grad_y_of(n), &weight.data, cols, grad_x);
    });
    // ∂L/∂W_g += x_g · im2col(∂L/∂y)ᵀ: that convolution's weight gradient with x in the place
    // of its output gradient.
    let grad_w = Tensor {
        shape: weight.shape.clone(),
        data: sum_over_images(geo.batch, weight.numel(), k * p, |n, grad_w, cols| {
            geo.weight_grad_image(grad_y_of(n), x_of(n), cols, grad_w);
        }),
    };
    let grad_b = with_bias.then(|| {
        let mut gb = Tensor::zeros(&[geo.in_channels]);
        for image in grad_out.data.chunks_exact(out_image) {
            for (co, plane) in image.chunks_exact(plane).enumerate() {
                gb.data[co] += plane.iter().sum::<f32>();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::dot;
    use crate::ops::conv2d;
    use crate::rng::Rng;

    /// The transposed convolution is the convolution's adjoint: ⟨conv(a), b⟩ = ⟨a, convᵀ(b)⟩
    /// for every `a` and `b` (the definition, independent of either implementation), and its
    /// input gradient is the convolution itself.
    #[test]
    fn it_is_the_adjoint_of_the_convolution() {
        let mut rng = Rng::new(7);
        let p = ConvTranspose2dParams {
            stride: [2, 1],
            padding: [1, 0],
            output_padding: [1, 0],
            dilation: [1, 2],
            groups: 2,
        };
        // Transposed: 4 → 6 channels, 5×4 → 10×8.
        let (x_shape, w_shape) = ([2, 4, 5, 4], [4, 3, 3, 3]);
        let geo = transposed_geometry(&x_shape, &w_shape, p).unwrap();
        assert_eq!(output_shape(&geo), [2, 6, 10, 8]);
        let w = rng.tensor(&w_shape);
        let b = rng.tensor(&x_shape);
        let a = rng.tensor(&output_shape(&geo));
        let conv_a = conv2d::forward(&a, &w, None, p.conv()).unwrap();
        let t_b = forward(&b, &w, None, p).unwrap();
        let (lhs, rhs) = (dot(&conv_a, &b), dot(&a, &t_b));
        assert!(
            (lhs - rhs).abs() < 1e-4 * lhs.abs().max(1.0),
            "{lhs} vs {rhs}"
        );
        let g = backward(&b, &w, &a, p, true).unwrap();
        let most = g
            .input
            .data
            .iter()
            .zip(&conv_a.data)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max);
        assert!(most < 1e-5, "{most}");
    }

    /// ∂L/∂W and ∂L/∂b of L = Σ y · G against central finite differences in f64 terms.
    #[test]
    fn parameter_gradients_match_finite_differences() {
        let mut rng = Rng::new(3);
        let p = ConvTranspose2dParams {
            stride: [2, 2],
            padding: [1, 1],
            output_padding: [1, 0],
            ..Default::default()
        };
        let (x, mut w, mut bias) = (
            rng.tensor(&[1, 2, 3, 3]),
            rng.tensor(&[2, 2, 3, 3]),
            rng.tensor(&[2]),
        );
        let y = forward(&x, &w, Some(&bias), p).unwrap();
        let gy = rng.tensor(&y.shape);
        let g = backward(&x, &w, &gy, p, true).unwrap();
        let loss = |w: &Tensor, b: &Tensor| dot(&forward(&x, w, Some(b), p).unwrap(), &gy);
        let h = 1e-2;
        for i in [0, 5, 17, 35] {
            let v = w.data[i];
            w.data[i] = v + h;
            let up = loss(&w, &bias);
            w.data[i] = v - h;
            let down = loss(&w, &bias);
            w.data[i] = v;
            let fd = (up - down) / (2.0 * f64::from(h));
            assert!(
                (fd - f64::from(g.weight.data[i])).abs() < 1e-2,
                "weight {i}: {fd} vs {}",
                g.weight.data[i]
            );
        }
        let v = bias.data[1];
        bias.data[1] = v + h;
        let up = loss(&w, &bias);
        bias.data[1] = v - h;
        let fd = (up - loss(&w, &bias)) / (2.0 * f64::from(h));
        let gb = g.bias.unwrap().data[1];
        assert!((fd - f64::from(gb)).abs() < 1e-2, "bias: {fd} vs {gb}");
    }

    #[test]
    fn mismatched_shapes_are_explained() {
        let p = ConvTranspose2dParams::default();
        let e = forward(
            &Tensor::zeros(&[1, 3, 4, 4]),
            &Tensor::zeros(&[2, 1, 3, 3]),
            None,
            p,
        )
        .unwrap_err();
        assert!(e.to_string().contains("expects 2 input channels"), "{e}");
        let e = forward(
            &Tensor::zeros(&[1, 2, 4, 4]),
            &Tensor::zeros(&[2, 1, 3, 3]),
            None,
            ConvTranspose2dParams { groups: 3, ..p },
        )
        .unwrap_err();
        assert!(e.to_string().contains("groups=3"), "{e}");
    }
}
