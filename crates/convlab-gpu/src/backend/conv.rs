//! Convolution on the GPU (conv2d.wgsl): the shader's `Params` from a checked geometry, the
//! forward pass (tiled where channels come in blocks of 4), and the input, weight and bias
//! gradients, the last two in one pass.

use convlab_core::ops::{Conv2dGeometry, Conv2dParams, GradsInto};
use convlab_core::tensor::expect_shape;
use convlab_core::Result;

use super::GpuBackend;
use crate::engine::Engine;
use crate::pool::GpuTensor;
use crate::uniforms::{flag, size, ConvParams};

impl GpuBackend {
    pub(super) fn conv_params(geo: &Conv2dGeometry, has_bias: bool) -> Result<ConvParams> {
        let p = geo.params;
        Ok(ConvParams {
            n: size(geo.batch)?,
            c_in: size(geo.in_channels)?,
            h: size(geo.in_hw[0])?,
            w: size(geo.in_hw[1])?,
            c_out: size(geo.out_channels)?,
            kh: size(geo.kernel[0])?,
            kw: size(geo.kernel[1])?,
            oh: size(geo.out_hw[0])?,
            ow: size(geo.out_hw[1])?,
            stride_h: size(p.stride[0])?,
            stride_w: size(p.stride[1])?,
            pad_h: size(p.padding[0])?,
            pad_w: size(p.padding[1])?,
            dil_h: size(p.dilation[0])?,
            dil_w: size(p.dilation[1])?,
            groups: size(p.groups)?,
            has_bias: flag(has_bias),
        })
    }

    /// A convolution of geometry `geo` (checked by the caller).
    pub(super) fn conv_forward(
        &self,
        geo: &Conv2dGeometry,
        x: &GpuTensor,
        w: &GpuTensor,
        b: Option<&GpuTensor>,
    ) -> Result<GpuTensor> {
        let out = self.engine.alloc(&geo.output_shape())?;
        let params = Self::conv_params(geo, b.is_some())?;
        let buffers = [Some(x), Some(w), b, None, Some(&out)];
        // The tiled kernel computes 4 output channels × 4 columns per invocation; it needs each
        // group's output channels in whole blocks of 4 (all the course's models have them).
        if (geo.out_channels / geo.params.groups).is_multiple_of(4) {
            let [oh, ow] = geo.out_hw;
            let tiles = geo.batch * (geo.out_channels / 4) * oh * ow.div_ceil(4);
            let workgroups = Engine::linear_in(tiles, self.engine.tiles().tiled);
            self.engine
                .dispatch("forward_tiled", &params, &buffers, workgroups)?;
        } else {
            self.engine
                .dispatch("forward", &params, &buffers, Engine::linear(out.numel()))?;
        }
        Ok(out)
    }

    /// The geometry and the shader's `Params` of a convolution's backward pass, once the output
    /// gradient is checked to have the output's shape.
    pub(super) fn conv_backward_params(
        x: &GpuTensor,
        w: &GpuTensor,
        gy: &GpuTensor,
        p: Conv2dParams,
        with_bias: bool,
    ) -> Result<(Conv2dGeometry, ConvParams)> {
        let geo = Conv2dGeometry::new(&x.shape, &w.shape, p)?;
        expect_shape("the output gradient", &geo.output_shape(), &gy.shape)?;
        let params = Self::conv_params(&geo, with_bias)?;
        Ok((geo, params))
    }

    /// The input gradient of a convolution (see `backward_input` in conv2d.wgsl).
    pub(super) fn conv_input_grad(
        &self,
        geo: &Conv2dGeometry,
        params: &ConvParams,
        w: &GpuTensor,
        gy: &GpuTensor,
    ) -> Result<GpuTensor> {
        let e = &self.engine;
        let groups = geo.params.groups;
        let [h, w_in] = geo.in_hw;
        let input = e.alloc(&[geo.batch, geo.in_channels, h, w_in])?;
        let buffers = [None, Some(w), None, Some(gy), Some(&input)];
        // The tiled kernels (see conv2d.wgsl) need channels in whole blocks of 4 per group.
        if (geo.in_channels / groups).is_multiple_of(4) {
            let tiles = geo.batch * (geo.in_channels / 4) * h * w_in.div_ceil(4);
            e.dispatch(
                "backward_input_tiled",
                params,
                &buffers,
                Engine::linear_in(tiles, e.tiles().tiled),
            )?;
        } else {
            e.dispatch(
                "backward_input",
                params,
                &buffers,
                Engine::linear(input.numel()),
            )?;
        }
        Ok(input)
    }

    /// The weight and bias gradients of a convolution, in one pass: `backward_weight(_tiled)`'s
    /// invocations after the weight's write the bias gradient (see conv2d.wgsl).
    pub(super) fn conv_param_grads(
        &self,
        geo: &Conv2dGeometry,
        params: &ConvParams,
        x: &GpuTensor,
        gy: &GpuTensor,
        with_bias: bool,
        into: GradsInto<'_, GpuTensor>,
    ) -> Result<(GpuTensor, Option<GpuTensor>)> {
        let e = &self.engine;
        let groups = geo.params.groups;
        let [kh, kw] = geo.kernel;
        let shape = [geo.out_channels, geo.in_channels / groups, kh, kw];
        let weight = self.grad_output(into.weight, &shape)?;
        let bias = match with_bias {
            true => Some(self.grad_output(into.bias, &[geo.out_channels])?),
            false => None,
        };
        let buffers = [Some(x), None, None, Some(gy), Some(&weight), bias.as_ref()];
        let bias_items = if with_bias { geo.out_channels } else { 0 };
        if (geo.out_channels / groups).is_multiple_of(4) {
            let tiles = (geo.out_channels / 4) * (geo.in_channels / groups) * kh * kw.div_ceil(4);
            e.dispatch(
                "backward_weight_tiled",
                params,
                &buffers,
                Engine::linear_in(tiles + bias_items, e.tiles().weight_grad_tiles),
            )?;
        } else {
            e.dispatch(
                "backward_weight",
                params,
                &buffers,
                Engine::linear(weight.numel() + bias_items),
            )?;
        }
        Ok((weight, bias))
    }
}
