//! [`GpuBackend`]: the core's [`Backend`] interface on the GPU. Each op checks its shapes with the
//! same core functions as the CPU reference (so both give the same errors), then records its
//! kernels; results stay in GPU buffers until read back.

use convlab_core::backend::Backend;
use convlab_core::ops::{batch_norm, conv2d, linear, loss, pool, BatchNormGrads, BatchNormStats};
use convlab_core::ops::{Conv2dGeometry, Conv2dGrads, Conv2dParams, LinearGrads, Pool2dParams};
use convlab_core::optim::{adam_bias_corrections, check_lengths, AdamConfig, SgdConfig};
use convlab_core::tensor::{expect_shape, expect_vector};
use convlab_core::{Error, Result, Tensor};

use crate::engine::Engine;
use crate::pool::GpuTensor;
use crate::shaders::Shader;

/// What computes, for the status badge and the results files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterSummary {
    pub name: String,
    /// The graphics API: Vulkan, Metal, Dx12, Gl, BrowserWebGpu.
    pub backend: String,
    /// DiscreteGpu, IntegratedGpu, VirtualGpu, Cpu (a software rasterizer such as lavapipe), Other.
    pub device_type: String,
}

impl std::fmt::Display for AdapterSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}, {})", self.name, self.backend, self.device_type)
    }
}

pub struct GpuBackend {
    engine: Engine,
}

/// Sizes as the `u32` words of a shader's `Params`; a size beyond `u32` is refused, not truncated.
fn words(values: &[usize]) -> Result<Vec<u32>> {
    values
        .iter()
        .map(|&v| {
            u32::try_from(v)
                .map_err(|_| Error::Invalid(format!("the size {v} is too large for the GPU")))
        })
        .collect()
}

/// Workgroup counts for kernels that run one workgroup per channel or per 16×16 tile.
fn groups(x: usize, y: usize) -> Result<[u32; 3]> {
    if x > 65_535 || y > 65_535 {
        return Err(Error::Invalid(format!(
            "{x} × {y} workgroups exceed the GPU's dispatch limit of 65,535 per dimension"
        )));
    }
    Ok([x.max(1) as u32, y.max(1) as u32, 1])
}

/// Whether `navigator.gpu` exists: wgpu must not be asked for a WebGPU adapter otherwise.
#[cfg(target_arch = "wasm32")]
fn browser_has_webgpu() -> bool {
    let get = |target: &js_sys::wasm_bindgen::JsValue, key: &str| {
        js_sys::Reflect::get(target, &js_sys::JsString::from(key)).ok()
    };
    get(&js_sys::global(), "navigator")
        .and_then(|n| get(&n, "gpu"))
        .is_some_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

fn flag(b: bool) -> usize {
    usize::from(b)
}

impl GpuBackend {
    /// Opens the best GPU adapter the platform offers (on the web: WebGPU's).
    pub async fn new() -> Result<Self> {
        #[cfg(target_arch = "wasm32")]
        if !browser_has_webgpu() {
            return Err(Error::Device(
                "this browser has no WebGPU (navigator.gpu is missing): it is off or not supported here".into(),
            ));
        }
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::Device(format!("no GPU adapter is available: {e}")))?;
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("convlab"),
                required_limits: adapter.limits(),
                ..Default::default()
            })
            .await
            .map_err(|e| Error::Device(format!("the GPU adapter refused a device: {e}")))?;
        Ok(GpuBackend {
            engine: Engine::new(device, queue, adapter.get_info()),
        })
    }

    /// [`GpuBackend::new`], waiting for the adapter (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new_blocking() -> Result<Self> {
        pollster::block_on(Self::new())
    }

    pub fn adapter(&self) -> AdapterSummary {
        let info = self.engine.adapter_info();
        AdapterSummary {
            name: info.name.clone(),
            backend: info.backend.to_string(),
            device_type: format!("{:?}", info.device_type),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Reads a tensor back to the host, without blocking the browser's event loop.
    pub async fn read(&self, t: &GpuTensor) -> Result<Tensor> {
        self.engine.read(t).await
    }

    fn elementwise(
        &self,
        entry: &'static str,
        a: &GpuTensor,
        b: Option<&GpuTensor>,
        out: &GpuTensor,
        scalar: f32,
    ) -> Result<()> {
        let params = [
            u32::try_from(out.numel()).unwrap_or(u32::MAX),
            scalar.to_bits(),
        ];
        self.engine.dispatch(
            Shader::Elementwise,
            entry,
            &params,
            &[Some(a), b, Some(out)],
            Engine::linear(out.numel()),
        )
    }

    fn map(&self, entry: &'static str, a: &GpuTensor, b: Option<&GpuTensor>) -> Result<GpuTensor> {
        if let Some(b) = b {
            expect_shape("the second operand", &a.shape, &b.shape)?;
        }
        let out = self.engine.alloc(&a.shape)?;
        self.elementwise(entry, a, b, &out, 0.0)?;
        Ok(out)
    }

    fn conv_params(geo: &Conv2dGeometry, has_bias: bool) -> Result<Vec<u32>> {
        let p = geo.params;
        words(&[
            geo.batch,
            geo.in_channels,
            geo.in_hw[0],
            geo.in_hw[1],
            geo.out_channels,
            geo.kernel[0],
            geo.kernel[1],
            geo.out_hw[0],
            geo.out_hw[1],
            p.stride[0],
            p.stride[1],
            p.padding[0],
            p.padding[1],
            p.dilation[0],
            p.dilation[1],
            p.groups,
            flag(has_bias),
        ])
    }

    fn pool_params(
        x: &GpuTensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<(Vec<u32>, Vec<usize>)> {
        let geo = pool::PoolGeometry::new(&x.shape, p)?;
        let params = words(&[
            geo.planes,
            geo.in_hw[0],
            geo.in_hw[1],
            geo.out_hw[0],
            geo.out_hw[1],
            p.kernel[0],
            p.kernel[1],
            p.stride[0],
            p.stride[1],
            p.padding[0],
            p.padding[1],
            flag(count_include_pad),
        ])?;
        Ok((params, geo.output_shape(&x.shape)))
    }

    /// `out[m×n] = A·B (+ bias)` with the layouts of `matmul.wgsl`.
    #[allow(clippy::too_many_arguments)]
    fn matmul(
        &self,
        [m, k, n]: [usize; 3],
        trans_a: bool,
        trans_b: bool,
        a: &GpuTensor,
        b: &GpuTensor,
        bias: Option<&GpuTensor>,
        out: &GpuTensor,
    ) -> Result<()> {
        let params = words(&[m, k, n, flag(trans_a), flag(trans_b), flag(bias.is_some())])?;
        self.engine.dispatch(
            Shader::Matmul,
            "matmul",
            &params,
            &[Some(a), Some(b), bias, Some(out)],
            groups(n.div_ceil(16), m.div_ceil(16))?,
        )
    }
}

impl GpuBackend {
    /// The geometry and the shader's `Params` of a convolution's backward pass, once the output
    /// gradient is checked to have the output's shape.
    fn conv_backward_params(
        x: &GpuTensor,
        w: &GpuTensor,
        gy: &GpuTensor,
        p: Conv2dParams,
        with_bias: bool,
    ) -> Result<(Conv2dGeometry, Vec<u32>)> {
        let geo = Conv2dGeometry::new(&x.shape, &w.shape, p)?;
        expect_shape("the output gradient", &geo.output_shape(), &gy.shape)?;
        let params = Self::conv_params(&geo, with_bias)?;
        Ok((geo, params))
    }

    /// The input gradient of a convolution (see `backward_input` in conv2d.wgsl).
    fn conv_input_grad(
        &self,
        geo: &Conv2dGeometry,
        params: &[u32],
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
                Shader::Conv2d,
                "backward_input_tiled",
                params,
                &buffers,
                Engine::linear(tiles),
            )?;
        } else {
            e.dispatch(
                Shader::Conv2d,
                "backward_input",
                params,
                &buffers,
                Engine::linear(input.numel()),
            )?;
        }
        Ok(input)
    }

    /// The weight and bias gradients of a convolution (`backward_weight`, `backward_bias`).
    fn conv_param_grads(
        &self,
        geo: &Conv2dGeometry,
        params: &[u32],
        x: &GpuTensor,
        gy: &GpuTensor,
        with_bias: bool,
    ) -> Result<(GpuTensor, Option<GpuTensor>)> {
        let e = &self.engine;
        let groups = geo.params.groups;
        let [kh, kw] = geo.kernel;
        let weight = e.alloc(&[geo.out_channels, geo.in_channels / groups, kh, kw])?;
        let buffers = [Some(x), None, None, Some(gy), Some(&weight)];
        if (geo.out_channels / groups).is_multiple_of(4) {
            let tiles = (geo.out_channels / 4) * (geo.in_channels / groups) * kh * kw.div_ceil(4);
            e.dispatch(
                Shader::Conv2d,
                "backward_weight_tiled",
                params,
                &buffers,
                Engine::linear_in(tiles, 8),
            )?;
        } else {
            e.dispatch(
                Shader::Conv2d,
                "backward_weight",
                params,
                &buffers,
                Engine::linear(weight.numel()),
            )?;
        }
        let bias = if with_bias {
            let gb = e.alloc(&[geo.out_channels])?;
            e.dispatch(
                Shader::Conv2d,
                "backward_bias",
                params,
                &[None, None, None, Some(gy), Some(&gb)],
                Engine::linear(geo.out_channels),
            )?;
            Some(gb)
        } else {
            None
        };
        Ok((weight, bias))
    }
}

impl Backend for GpuBackend {
    type Tensor = GpuTensor;

    fn device(&self) -> String {
        self.adapter().to_string()
    }

    fn upload(&self, t: &Tensor) -> Result<GpuTensor> {
        self.engine.upload(t)
    }

    /// Blocks until the GPU is done; in the browser use [`GpuBackend::read`] instead.
    fn download(&self, t: &GpuTensor) -> Result<Tensor> {
        #[cfg(not(target_arch = "wasm32"))]
        return pollster::block_on(self.engine.read(t));
        #[cfg(target_arch = "wasm32")]
        return Err(Error::Device(format!(
            "cannot wait for the GPU in the browser: read the tensor {:?} with GpuBackend::read",
            t.shape
        )));
    }

    fn shape(&self, t: &GpuTensor) -> Vec<usize> {
        t.shape.clone()
    }

    fn reshape(&self, t: &GpuTensor, shape: &[usize]) -> Result<GpuTensor> {
        if shape.iter().product::<usize>() != t.numel() {
            return Err(Error::Invalid(format!(
                "cannot reshape a tensor of shape {:?} to {shape:?}",
                t.shape
            )));
        }
        Ok(GpuTensor {
            buf: t.buf.clone(),
            shape: shape.to_vec(),
        })
    }

    fn zeros(&self, shape: &[usize]) -> Result<GpuTensor> {
        self.engine.zeros(shape)
    }

    fn conv2d(
        &self,
        x: &GpuTensor,
        w: &GpuTensor,
        b: Option<&GpuTensor>,
        p: Conv2dParams,
    ) -> Result<GpuTensor> {
        let geo = Conv2dGeometry::new(&x.shape, &w.shape, p)?;
        conv2d::check_bias(b.map(|b| b.shape.as_slice()), geo.out_channels)?;
        let out = self.engine.alloc(&geo.output_shape())?;
        let params = Self::conv_params(&geo, b.is_some())?;
        let buffers = [Some(x), Some(w), b, None, Some(&out)];
        // The tiled kernel computes 4 output channels × 4 columns per invocation; it needs each
        // group's output channels in whole blocks of 4 (all the course's models have them).
        if (geo.out_channels / geo.params.groups).is_multiple_of(4) {
            let [oh, ow] = geo.out_hw;
            let tiles = geo.batch * (geo.out_channels / 4) * oh * ow.div_ceil(4);
            self.engine.dispatch(
                Shader::Conv2d,
                "forward_tiled",
                &params,
                &buffers,
                Engine::linear(tiles),
            )?;
        } else {
            self.engine.dispatch(
                Shader::Conv2d,
                "forward",
                &params,
                &buffers,
                Engine::linear(out.numel()),
            )?;
        }
        Ok(out)
    }

    fn conv2d_backward(
        &self,
        x: &GpuTensor,
        w: &GpuTensor,
        gy: &GpuTensor,
        p: Conv2dParams,
        with_bias: bool,
    ) -> Result<Conv2dGrads<GpuTensor>> {
        let (geo, params) = Self::conv_backward_params(x, w, gy, p, with_bias)?;
        let input = self.conv_input_grad(&geo, &params, w, gy)?;
        let (weight, bias) = self.conv_param_grads(&geo, &params, x, gy, with_bias)?;
        Ok(Conv2dGrads {
            input,
            weight,
            bias,
        })
    }

    fn conv2d_param_grads(
        &self,
        x: &GpuTensor,
        w: &GpuTensor,
        gy: &GpuTensor,
        p: Conv2dParams,
        with_bias: bool,
    ) -> Result<(GpuTensor, Option<GpuTensor>)> {
        let (geo, params) = Self::conv_backward_params(x, w, gy, p, with_bias)?;
        self.conv_param_grads(&geo, &params, x, gy, with_bias)
    }

    fn max_pool2d(&self, x: &GpuTensor, p: Pool2dParams) -> Result<GpuTensor> {
        let (params, shape) = Self::pool_params(x, p, true)?;
        let out = self.engine.alloc(&shape)?;
        self.engine.dispatch(
            Shader::Pool,
            "max_forward",
            &params,
            &[Some(x), None, Some(&out)],
            Engine::linear(out.numel()),
        )?;
        Ok(out)
    }

    fn max_pool2d_backward(
        &self,
        x: &GpuTensor,
        gy: &GpuTensor,
        p: Pool2dParams,
    ) -> Result<GpuTensor> {
        let (params, shape) = Self::pool_params(x, p, true)?;
        expect_shape("the output gradient", &shape, &gy.shape)?;
        let gx = self.engine.alloc(&x.shape)?;
        self.engine.dispatch(
            Shader::Pool,
            "max_backward",
            &params,
            &[Some(x), Some(gy), Some(&gx)],
            Engine::linear(gx.numel()),
        )?;
        Ok(gx)
    }

    fn avg_pool2d(
        &self,
        x: &GpuTensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<GpuTensor> {
        let (params, shape) = Self::pool_params(x, p, count_include_pad)?;
        let out = self.engine.alloc(&shape)?;
        self.engine.dispatch(
            Shader::Pool,
            "avg_forward",
            &params,
            &[Some(x), None, Some(&out)],
            Engine::linear(out.numel()),
        )?;
        Ok(out)
    }

    fn avg_pool2d_backward(
        &self,
        x: &GpuTensor,
        gy: &GpuTensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<GpuTensor> {
        let (params, shape) = Self::pool_params(x, p, count_include_pad)?;
        expect_shape("the output gradient", &shape, &gy.shape)?;
        let gx = self.engine.alloc(&x.shape)?;
        self.engine.dispatch(
            Shader::Pool,
            "avg_backward",
            &params,
            &[None, Some(gy), Some(&gx)],
            Engine::linear(gx.numel()),
        )?;
        Ok(gx)
    }

    fn global_avg_pool2d(&self, x: &GpuTensor) -> Result<GpuTensor> {
        let &[n, c, h, w] = x.shape.as_slice() else {
            return Err(Error::bad_shape(
                "the global-pooling input",
                "(N, C, H, W)",
                &x.shape,
            ));
        };
        if h * w == 0 {
            return Err(Error::Invalid(
                "global average pooling needs an input of at least 1×1".into(),
            ));
        }
        let out = self.engine.alloc(&[n, c, 1, 1])?;
        let params = words(&[n * c, h * w])?;
        self.engine.dispatch(
            Shader::GlobalPool,
            "forward",
            &params,
            &[Some(x), None, Some(&out)],
            Engine::linear(n * c),
        )?;
        Ok(out)
    }

    fn global_avg_pool2d_backward(&self, x: &GpuTensor, gy: &GpuTensor) -> Result<GpuTensor> {
        let &[n, c, h, w] = x.shape.as_slice() else {
            return Err(Error::bad_shape(
                "the global-pooling input",
                "(N, C, H, W)",
                &x.shape,
            ));
        };
        expect_shape("the output gradient", &[n, c, 1, 1], &gy.shape)?;
        let gx = self.engine.alloc(&x.shape)?;
        let params = words(&[n * c, h * w])?;
        self.engine.dispatch(
            Shader::GlobalPool,
            "backward",
            &params,
            &[None, Some(gy), Some(&gx)],
            Engine::linear(gx.numel()),
        )?;
        Ok(gx)
    }

    fn batch_norm_train(
        &self,
        x: &GpuTensor,
        gamma: &GpuTensor,
        beta: &GpuTensor,
        eps: f32,
    ) -> Result<(GpuTensor, BatchNormStats<GpuTensor>)> {
        let (n, c, hw) = batch_norm::dims(
            &x.shape,
            &[
                ("the batch-norm weight", &gamma.shape),
                ("the batch-norm bias", &beta.shape),
            ],
        )?;
        batch_norm::check_training_count(n * hw)?;
        let e = &self.engine;
        let (mean, inv_std, var_unbiased) = (e.alloc(&[c])?, e.alloc(&[c])?, e.alloc(&[c])?);
        let y = e.alloc(&x.shape)?;
        let mut params = words(&[n, c, hw])?;
        params.push(eps.to_bits());
        let stats_bindings = [
            Some(x),
            None,
            None,
            Some(&mean),
            Some(&inv_std),
            Some(&var_unbiased),
            None,
        ];
        e.dispatch(
            Shader::BatchNormForward,
            "batch_stats",
            &params,
            &stats_bindings,
            groups(c, 1)?,
        )?;
        let norm_bindings = [
            Some(x),
            Some(gamma),
            Some(beta),
            Some(&mean),
            Some(&inv_std),
            None,
            Some(&y),
        ];
        e.dispatch(
            Shader::BatchNormForward,
            "normalize",
            &params,
            &norm_bindings,
            Engine::linear(y.numel()),
        )?;
        Ok((
            y,
            BatchNormStats {
                mean,
                inv_std,
                var_unbiased,
            },
        ))
    }

    fn batch_norm_eval(
        &self,
        x: &GpuTensor,
        gamma: &GpuTensor,
        beta: &GpuTensor,
        rm: &GpuTensor,
        rv: &GpuTensor,
        eps: f32,
    ) -> Result<GpuTensor> {
        let (n, c, hw) = batch_norm::dims(
            &x.shape,
            &[
                ("the batch-norm weight", &gamma.shape),
                ("the batch-norm bias", &beta.shape),
                ("the running mean", &rm.shape),
                ("the running variance", &rv.shape),
            ],
        )?;
        let inv_std = self.inv_std(rv, eps)?;
        let y = self.engine.alloc(&x.shape)?;
        let mut params = words(&[n, c, hw])?;
        params.push(eps.to_bits());
        let bindings = [
            Some(x),
            Some(gamma),
            Some(beta),
            Some(rm),
            Some(&inv_std),
            None,
            Some(&y),
        ];
        self.engine.dispatch(
            Shader::BatchNormForward,
            "normalize",
            &params,
            &bindings,
            Engine::linear(y.numel()),
        )?;
        Ok(y)
    }

    fn batch_norm_update_running(
        &self,
        rm: &mut GpuTensor,
        rv: &mut GpuTensor,
        stats: &BatchNormStats<GpuTensor>,
        momentum: f32,
    ) -> Result<()> {
        let c = stats.mean.numel();
        expect_vector("the running mean", &rm.shape, c)?;
        expect_vector("the running variance", &rv.shape, c)?;
        self.elementwise("lerp", &stats.mean, None, rm, momentum)?;
        self.elementwise("lerp", &stats.var_unbiased, None, rv, momentum)
    }

    fn batch_norm_backward(
        &self,
        x: &GpuTensor,
        gamma: &GpuTensor,
        mean: &GpuTensor,
        inv_std: &GpuTensor,
        gy: &GpuTensor,
        training: bool,
    ) -> Result<BatchNormGrads<GpuTensor>> {
        let (n, c, hw) = batch_norm::dims(
            &x.shape,
            &[
                ("the batch-norm weight", &gamma.shape),
                ("the mean", &mean.shape),
                ("the inverse std", &inv_std.shape),
            ],
        )?;
        expect_shape("the output gradient", &x.shape, &gy.shape)?;
        let e = &self.engine;
        let (bias, weight, input) = (e.alloc(&[c])?, e.alloc(&[c])?, e.alloc(&x.shape)?);
        let params = words(&[n, c, hw, flag(training)])?;
        let bindings = [
            Some(x),
            Some(gy),
            Some(gamma),
            Some(mean),
            Some(inv_std),
            Some(&bias),
            Some(&weight),
            Some(&input),
        ];
        e.dispatch(
            Shader::BatchNormBackward,
            "param_grads",
            &params,
            &bindings,
            groups(c, 1)?,
        )?;
        e.dispatch(
            Shader::BatchNormBackward,
            "input_grad",
            &params,
            &bindings,
            Engine::linear(input.numel()),
        )?;
        Ok(BatchNormGrads {
            input,
            weight,
            bias,
        })
    }

    fn inv_std(&self, var: &GpuTensor, eps: f32) -> Result<GpuTensor> {
        let out = self.engine.alloc(&var.shape)?;
        self.elementwise("inv_sqrt", var, None, &out, eps)?;
        Ok(out)
    }

    fn relu(&self, x: &GpuTensor) -> Result<GpuTensor> {
        self.map("relu", x, None)
    }

    fn relu_backward(&self, x: &GpuTensor, gy: &GpuTensor) -> Result<GpuTensor> {
        self.map("relu_backward", x, Some(gy))
    }

    fn sigmoid(&self, x: &GpuTensor) -> Result<GpuTensor> {
        self.map("sigmoid", x, None)
    }

    fn sigmoid_backward(&self, y: &GpuTensor, gy: &GpuTensor) -> Result<GpuTensor> {
        self.map("sigmoid_backward", y, Some(gy))
    }

    fn add(&self, a: &GpuTensor, b: &GpuTensor) -> Result<GpuTensor> {
        convlab_core::ops::elementwise::check_add(&a.shape, &b.shape)?;
        self.map("add", a, Some(b))
    }

    fn linear(&self, x: &GpuTensor, w: &GpuTensor, b: Option<&GpuTensor>) -> Result<GpuTensor> {
        let (n, fin, fout) = linear::dims(&x.shape, &w.shape)?;
        if let Some(b) = b {
            expect_vector("the linear layer's bias", &b.shape, fout)?;
        }
        let y = self.engine.alloc(&[n, fout])?;
        // y = x · Wᵀ + b
        self.matmul([n, fin, fout], false, true, x, w, b, &y)?;
        Ok(y)
    }

    fn linear_backward(
        &self,
        x: &GpuTensor,
        w: &GpuTensor,
        gy: &GpuTensor,
        with_bias: bool,
    ) -> Result<LinearGrads<GpuTensor>> {
        let (n, fin, fout) = linear::dims(&x.shape, &w.shape)?;
        expect_shape("the output gradient", &[n, fout], &gy.shape)?;
        let e = &self.engine;
        // dx = dy · W
        let input = e.alloc(&x.shape)?;
        self.matmul([n, fout, fin], false, false, gy, w, None, &input)?;
        // dW = dyᵀ · x
        let weight = e.alloc(&w.shape)?;
        self.matmul([fout, n, fin], true, false, gy, x, None, &weight)?;
        let bias = if with_bias {
            let gb = e.alloc(&[fout])?;
            let params = words(&[n, 0, fout, 0, 0, 0])?;
            e.dispatch(
                Shader::Matmul,
                "column_sums",
                &params,
                &[Some(gy), None, None, Some(&gb)],
                groups(fout.div_ceil(64), 1)?,
            )?;
            Some(gb)
        } else {
            None
        };
        Ok(LinearGrads {
            input,
            weight,
            bias,
        })
    }

    fn cross_entropy(
        &self,
        logits: &GpuTensor,
        targets: &[usize],
    ) -> Result<(GpuTensor, GpuTensor)> {
        let (n, classes) = loss::check_targets(&logits.shape, targets)?;
        let e = &self.engine;
        let target_words = words(targets)?;
        let targets = e.upload_words(&[n], &target_words)?;
        let (grad, row_loss, mean) = (e.alloc(&logits.shape)?, e.alloc(&[n])?, e.alloc(&[])?);
        let params = words(&[n, classes])?;
        let bindings = [
            Some(logits),
            Some(&targets),
            Some(&grad),
            Some(&row_loss),
            Some(&mean),
        ];
        e.dispatch(
            Shader::CrossEntropy,
            "rows",
            &params,
            &bindings,
            groups(n.div_ceil(64), 1)?,
        )?;
        e.dispatch(Shader::CrossEntropy, "mean", &params, &bindings, [1, 1, 1])?;
        Ok((mean, grad))
    }

    fn adam_step(
        &self,
        param: &mut GpuTensor,
        grad: &GpuTensor,
        m: &mut GpuTensor,
        v: &mut GpuTensor,
        cfg: &AdamConfig,
        step: u32,
    ) -> Result<()> {
        let len = param.numel();
        check_lengths(
            len,
            &[
                ("the gradient", grad.numel()),
                ("exp_avg", m.numel()),
                ("exp_avg_sq", v.numel()),
            ],
        )?;
        let (bc1, bc2_sqrt) = adam_bias_corrections(cfg, step)?;
        let mut params = words(&[len])?;
        params.extend(
            [
                cfg.lr,
                cfg.betas[0],
                cfg.betas[1],
                cfg.eps,
                cfg.weight_decay,
                bc1,
                bc2_sqrt,
                0.0,
                0.0,
            ]
            .map(f32::to_bits),
        );
        params.extend([0, 0]);
        self.engine.dispatch(
            Shader::Optim,
            "adam",
            &params,
            &[Some(param), Some(grad), Some(m), Some(v)],
            Engine::linear(len),
        )
    }

    fn sgd_step(
        &self,
        param: &mut GpuTensor,
        grad: &GpuTensor,
        buf: &mut GpuTensor,
        cfg: &SgdConfig,
        first: bool,
    ) -> Result<()> {
        let len = param.numel();
        check_lengths(
            len,
            &[
                ("the gradient", grad.numel()),
                ("the momentum buffer", buf.numel()),
            ],
        )?;
        let mut params = words(&[len])?;
        params.extend(
            [
                cfg.lr,
                0.0,
                0.0,
                0.0,
                cfg.weight_decay,
                0.0,
                0.0,
                cfg.momentum,
                cfg.dampening,
            ]
            .map(f32::to_bits),
        );
        params.extend([u32::from(cfg.nesterov), u32::from(first)]);
        self.engine.dispatch(
            Shader::Optim,
            "sgd",
            &params,
            &[Some(param), Some(grad), Some(buf), None],
            Engine::linear(len),
        )
    }
}
