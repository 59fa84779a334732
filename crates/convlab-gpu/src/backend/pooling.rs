//! Pooling's shared steps (pool.wgsl): the shader's `Params`, the forward passes, and max pooling's
//! backward, with the ReLU before it when fused.

use convlab_core::ops::{pool, Pool2dParams};
use convlab_core::tensor::expect_shape;
use convlab_core::Result;

use super::GpuBackend;
use crate::engine::Engine;
use crate::pool::GpuTensor;
use crate::uniforms::{flag, size, PoolParams};

impl GpuBackend {
    /// A pooling's forward pass: `entry` is `max_forward` or `avg_forward`.
    pub(super) fn pool_forward(
        &self,
        entry: &'static str,
        x: &GpuTensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<GpuTensor> {
        let (params, shape) = Self::pool_params(x, p, count_include_pad)?;
        let out = self.engine.alloc(&shape)?;
        self.engine.dispatch(
            entry,
            &params,
            &[Some(x), None, Some(&out)],
            Engine::linear(out.numel()),
        )?;
        Ok(out)
    }

    /// The gradient of max pooling; with `relu`, also through the ReLU whose output `x` is.
    pub(super) fn max_backward(
        &self,
        x: &GpuTensor,
        gy: &GpuTensor,
        p: Pool2dParams,
        relu: bool,
    ) -> Result<GpuTensor> {
        let (params, shape) = Self::pool_params(x, p, true)?;
        let params = PoolParams {
            relu: flag(relu),
            ..params
        };
        expect_shape("the output gradient", &shape, &gy.shape)?;
        let gx = self.engine.alloc(&x.shape)?;
        self.engine.dispatch(
            "max_backward",
            &params,
            &[Some(x), Some(gy), Some(&gx)],
            Engine::linear(gx.numel()),
        )?;
        Ok(gx)
    }

    pub(super) fn pool_params(
        x: &GpuTensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<(PoolParams, Vec<usize>)> {
        let geo = pool::PoolGeometry::new(&x.shape, p)?;
        let params = PoolParams {
            planes: size(geo.planes)?,
            h: size(geo.in_hw[0])?,
            w: size(geo.in_hw[1])?,
            oh: size(geo.out_hw[0])?,
            ow: size(geo.out_hw[1])?,
            kh: size(p.kernel[0])?,
            kw: size(p.kernel[1])?,
            stride_h: size(p.stride[0])?,
            stride_w: size(p.stride[1])?,
            pad_h: size(p.padding[0])?,
            pad_w: size(p.padding[1])?,
            count_include_pad: flag(count_include_pad),
            relu: 0,
        };
        Ok((params, geo.output_shape(&x.shape)))
    }
}
