//! [`GpuBackend`]: the core's [`Backend`] interface on the GPU. Each op checks its shapes with the
//! same core functions as the CPU reference (so both give the same errors), then records its
//! kernels; results stay in GPU buffers until read back.
//!
//! The trait's methods are here; what a family of ops shares lives beside them: `conv.rs`
//! (convolution forward and backward), `norm.rs` (batch statistics and the running update),
//! `pooling.rs`, `matmul.rs` (linear layers), `optim.rs` (one pass over a parameter group).

mod conv;
mod matmul;
mod norm;
mod optim;
mod pooling;

use convlab_core::backend::{Backend, DeviceWork};
use convlab_core::ops::{
    batch_norm, conv2d, conv_transpose2d, linear, loss, BatchNormStats, Grads, GradsInto,
    RunningStats,
};
use convlab_core::ops::{Conv2dGeometry, Conv2dParams, ConvTranspose2dParams, Pool2dParams};
use convlab_core::optim::{
    adam_bias_corrections, adam_step_each, check_lengths, sgd_step_each, AdamConfig, SgdConfig,
    StepSlot,
};
use convlab_core::tensor::{expect_shape, expect_vector};
use convlab_core::{Error, Result, Tensor};

use self::optim::Wholes;
use crate::engine::Engine;
use crate::pool::GpuTensor;
use crate::tiles::Tiles;
use crate::uniforms::{
    flag, size, BatchNormBackwardParams, BatchNormForwardParams, CrossEntropyParams,
    ElementwiseParams, GlobalPoolParams, OptimParams,
};

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

impl GpuBackend {
    /// Opens the best GPU adapter the platform offers (on the web: WebGPU's).
    pub async fn new() -> Result<Self> {
        Self::with_tiles(None).await
    }

    /// [`GpuBackend::new`] with the tiled convolutions' workgroup sizes given (fitted to the
    /// device's limits), or (`None`) chosen for the adapter.
    pub async fn with_tiles(tiles: Option<Tiles>) -> Result<Self> {
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
        let info = adapter.get_info();
        let limits = device.limits();
        let tiles = match tiles {
            Some(tiles) => tiles.within(&limits),
            None => Tiles::for_adapter(info.device_type, &limits),
        };
        Ok(GpuBackend {
            engine: Engine::new(device, queue, info, tiles),
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

    /// Reads several tensors back in one round trip (see [`Engine::read_all`]).
    pub async fn read_all(&self, tensors: &[&GpuTensor]) -> Result<Vec<Tensor>> {
        self.engine.read_all(tensors).await
    }

    fn elementwise(
        &self,
        entry: &'static str,
        a: &GpuTensor,
        b: Option<&GpuTensor>,
        out: &GpuTensor,
        scalar: f32,
    ) -> Result<()> {
        let params = ElementwiseParams {
            len: size(out.numel())?,
            scalar,
        };
        self.engine.dispatch(
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

    /// Where a parameter gradient of `shape` goes: the caller's tensor when it has that shape
    /// (a slot of a gradient group, see [`GradsInto`]), else a fresh one.
    fn grad_output(&self, slot: Option<&GpuTensor>, shape: &[usize]) -> Result<GpuTensor> {
        match slot {
            Some(t) if t.shape == shape => Ok(t.clone()),
            _ => self.engine.alloc(shape),
        }
    }
}

impl Backend for GpuBackend {
    type Tensor = GpuTensor;

    fn device(&self) -> String {
        self.adapter().to_string()
    }

    fn device_work(&self) -> Option<DeviceWork> {
        Some(self.engine.work())
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
            offset: t.offset,
            shape: shape.to_vec(),
        })
    }

    fn zeros(&self, shape: &[usize]) -> Result<GpuTensor> {
        self.engine.zeros(shape)
    }

    fn upload_group(&self, tensors: &[&Tensor]) -> Result<Vec<GpuTensor>> {
        self.engine.upload_group(tensors)
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
        self.conv_forward(&geo, x, w, b)
    }

    fn conv2d_backward(
        &self,
        x: &GpuTensor,
        w: &GpuTensor,
        gy: &GpuTensor,
        p: Conv2dParams,
        with_bias: bool,
        into: GradsInto<'_, GpuTensor>,
    ) -> Result<Grads<GpuTensor>> {
        let (geo, params) = Self::conv_backward_params(x, w, gy, p, with_bias)?;
        let input = self.conv_input_grad(&geo, &params, w, gy)?;
        let (weight, bias) = self.conv_param_grads(&geo, &params, x, gy, with_bias, into)?;
        Ok(Grads {
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
        into: GradsInto<'_, GpuTensor>,
    ) -> Result<(GpuTensor, Option<GpuTensor>)> {
        let (geo, params) = Self::conv_backward_params(x, w, gy, p, with_bias)?;
        self.conv_param_grads(&geo, &params, x, gy, with_bias, into)
    }

    fn conv_transpose2d(
        &self,
        x: &GpuTensor,
        w: &GpuTensor,
        b: Option<&GpuTensor>,
        p: ConvTranspose2dParams,
    ) -> Result<GpuTensor> {
        let geo = conv_transpose2d::transposed_geometry(&x.shape, &w.shape, p)?;
        conv2d::check_bias(b.map(|b| b.shape.as_slice()), geo.in_channels)?;
        let out = self.engine.alloc(&conv_transpose2d::output_shape(&geo))?;
        let params = Self::conv_params(&geo, b.is_some())?;
        // The input gradient of the convolution it transposes (see `transposed` in conv2d.wgsl):
        // the transposed input goes where that convolution's output gradient would.
        self.engine.dispatch(
            "transposed",
            &params,
            &[None, Some(w), b, Some(x), Some(&out)],
            Engine::linear(out.numel()),
        )?;
        Ok(out)
    }

    fn conv_transpose2d_backward(
        &self,
        x: &GpuTensor,
        w: &GpuTensor,
        gy: &GpuTensor,
        p: ConvTranspose2dParams,
        with_bias: bool,
        into: GradsInto<'_, GpuTensor>,
    ) -> Result<Grads<GpuTensor>> {
        let geo = conv_transpose2d::transposed_geometry(&x.shape, &w.shape, p)?;
        expect_shape(
            "the output gradient",
            &conv_transpose2d::output_shape(&geo),
            &gy.shape,
        )?;
        // Of the convolution it transposes, whose input is `gy`'s shape and output `x`'s: the
        // input gradient is that convolution of `gy`, the weight gradient its weight gradient
        // with `gy` as the input and `x` as the output gradient.
        let input = self.conv_forward(&geo, gy, w, None)?;
        let params = Self::conv_params(&geo, false)?;
        let weight_only = GradsInto { bias: None, ..into };
        let (weight, _) = self.conv_param_grads(&geo, &params, gy, x, false, weight_only)?;
        // The bias gradient sums `gy` per channel: `backward_bias` of any convolution whose
        // output `gy` is, here the 1×1 one that keeps it.
        let bias = if with_bias {
            let [n, c, h, w_out] = conv_transpose2d::output_shape(&geo);
            let keep = Conv2dGeometry {
                batch: n,
                in_channels: c,
                in_hw: [h, w_out],
                out_channels: c,
                kernel: [1, 1],
                out_hw: [h, w_out],
                params: Conv2dParams::default(),
            };
            let gb = self.grad_output(into.bias, &[c])?;
            self.engine.dispatch(
                "backward_bias",
                &Self::conv_params(&keep, true)?,
                &[None, None, None, Some(gy), Some(&gb)],
                Engine::linear(c),
            )?;
            Some(gb)
        } else {
            None
        };
        Ok(Grads {
            input,
            weight,
            bias,
        })
    }

    fn max_pool2d(&self, x: &GpuTensor, p: Pool2dParams) -> Result<GpuTensor> {
        self.pool_forward("max_forward", x, p, true)
    }

    fn max_pool2d_backward(
        &self,
        x: &GpuTensor,
        gy: &GpuTensor,
        p: Pool2dParams,
    ) -> Result<GpuTensor> {
        self.max_backward(x, gy, p, false)
    }

    fn relu_max_pool2d_backward(
        &self,
        x: &GpuTensor,
        gy: &GpuTensor,
        p: Pool2dParams,
    ) -> Result<GpuTensor> {
        self.max_backward(x, gy, p, true)
    }

    fn avg_pool2d(
        &self,
        x: &GpuTensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<GpuTensor> {
        self.pool_forward("avg_forward", x, p, count_include_pad)
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
        let params = GlobalPoolParams {
            planes: size(n * c)?,
            hw: size(h * w)?,
        };
        self.engine.dispatch(
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
        let params = GlobalPoolParams {
            planes: size(n * c)?,
            hw: size(h * w)?,
        };
        self.engine.dispatch(
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
        self.batch_norm_batch(x, gamma, beta, eps, None, false)
    }

    fn batch_norm_layer_train(
        &self,
        x: &GpuTensor,
        gamma: &GpuTensor,
        beta: &GpuTensor,
        eps: f32,
        running: RunningStats<'_, GpuTensor>,
        relu: bool,
    ) -> Result<(GpuTensor, BatchNormStats<GpuTensor>)> {
        self.batch_norm_batch(x, gamma, beta, eps, Some(running), relu)
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
        let params = BatchNormForwardParams {
            n: size(n)?,
            c: size(c)?,
            hw: size(hw)?,
            eps,
            ..Default::default()
        };
        let bindings = [
            Some(x),
            Some(gamma),
            Some(beta),
            Some(rm),
            Some(&inv_std),
            None,
            Some(&y),
        ];
        self.engine
            .dispatch("normalize", &params, &bindings, Engine::linear(y.numel()))?;
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
        into: GradsInto<'_, GpuTensor>,
    ) -> Result<Grads<GpuTensor>> {
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
        let bias = self.grad_output(into.bias, &[c])?;
        let weight = self.grad_output(into.weight, &[c])?;
        let input = e.alloc(&x.shape)?;
        let params = BatchNormBackwardParams {
            n: size(n)?,
            c: size(c)?,
            hw: size(hw)?,
            training: flag(training),
        };
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
        e.dispatch("backward", &params, &bindings, groups(c, 1)?)?;
        Ok(Grads {
            input,
            weight,
            bias: Some(bias),
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
        self.matmul([n, fin, fout], false, true, x, w, b, &y, None)?;
        Ok(y)
    }

    fn linear_backward(
        &self,
        x: &GpuTensor,
        w: &GpuTensor,
        gy: &GpuTensor,
        with_bias: bool,
        into: GradsInto<'_, GpuTensor>,
    ) -> Result<Grads<GpuTensor>> {
        let (n, fin, fout) = linear::dims(&x.shape, &w.shape)?;
        expect_shape("the output gradient", &[n, fout], &gy.shape)?;
        let e = &self.engine;
        // dx = dy · W
        let input = e.alloc(&x.shape)?;
        self.matmul([n, fout, fin], false, false, gy, w, None, &input, None)?;
        // dW = dyᵀ · x, and in the same pass db = the rows of dyᵀ summed (dy over the batch)
        let weight = self.grad_output(into.weight, &w.shape)?;
        let bias = match with_bias {
            true => Some(self.grad_output(into.bias, &[fout])?),
            false => None,
        };
        self.matmul(
            [fout, n, fin],
            true,
            false,
            gy,
            x,
            None,
            &weight,
            bias.as_ref(),
        )?;
        Ok(Grads {
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
        let target_words = targets
            .iter()
            .map(|&t| size(t))
            .collect::<Result<Vec<u32>>>()?;
        let targets = e.upload_words(&[n], &target_words)?;
        let (grad, mean) = (e.alloc(&logits.shape)?, e.alloc(&[])?);
        let params = CrossEntropyParams {
            n: size(n)?,
            classes: size(classes)?,
        };
        let bindings = [Some(logits), Some(&targets), Some(&grad), Some(&mean)];
        e.dispatch("forward", &params, &bindings, [1, 1, 1])?;
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
        let params = OptimParams {
            len: size(len)?,
            lr: cfg.lr,
            beta1: cfg.betas[0],
            beta2: cfg.betas[1],
            eps: cfg.eps,
            weight_decay: cfg.weight_decay,
            bias_correction1: bc1,
            bias_correction2_sqrt: bc2_sqrt,
            ..Default::default()
        };
        self.engine.dispatch(
            "adam",
            &params,
            &[Some(param), Some(grad), Some(m), Some(v)],
            Engine::linear(len),
        )
    }

    /// One pass over the whole group when the parameters, gradients and moments each fill one
    /// (a trainer's): Adam treats every value alike, and the gaps between the tensors hold zeros,
    /// which an update leaves at zero. Otherwise a pass per parameter.
    fn adam_step_all(
        &self,
        slots: &mut [StepSlot<'_, GpuTensor>],
        cfg: &AdamConfig,
        step: u32,
    ) -> Result<()> {
        match self.wholes(slots) {
            Some(Wholes {
                mut param,
                grad,
                mut first,
                second: Some(mut second),
            }) => self.adam_step(&mut param, &grad, &mut first, &mut second, cfg, step),
            _ => adam_step_each(self, slots, cfg, step),
        }
    }

    /// See [`GpuBackend::adam_step_all`].
    fn sgd_step_all(
        &self,
        slots: &mut [StepSlot<'_, GpuTensor>],
        cfg: &SgdConfig,
        first: bool,
    ) -> Result<()> {
        match self.wholes(slots) {
            Some(Wholes {
                mut param,
                grad,
                first: mut buf,
                second: None,
            }) => self.sgd_step(&mut param, &grad, &mut buf, cfg, first),
            _ => sgd_step_each(self, slots, cfg, first),
        }
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
        let params = OptimParams {
            len: size(len)?,
            lr: cfg.lr,
            weight_decay: cfg.weight_decay,
            momentum: cfg.momentum,
            dampening: cfg.dampening,
            nesterov: flag(cfg.nesterov),
            first_step: flag(first),
            ..Default::default()
        };
        self.engine.dispatch(
            "sgd",
            &params,
            &[Some(param), Some(grad), Some(buf), None],
            Engine::linear(len),
        )
    }
}
