//! The op interface every compute backend implements, so models, training and the golden
//! evaluator are written once and run on the CPU reference or the GPU engine.
//!
//! A backend owns its tensors (`Self::Tensor`: host memory here, GPU buffers in `convlab-gpu`);
//! data enters with [`Backend::upload`] and leaves with [`Backend::download`]. Each op mirrors a
//! function of [`crate::ops`], which is the CPU implementation and the definition of the others.

use crate::error::Result;
use crate::ops::{
    self, BatchNormStats, Conv2dParams, ConvTranspose2dParams, Grads, GradsInto, Pool2dParams,
    RunningStats,
};
use crate::optim::{self, AdamConfig, SgdConfig, StepSlot};
use crate::tensor::Tensor;

/// What a backend has asked of its device since it started: the kernels it dispatched, the batches
/// of work it submitted and the results it waited to read back. On a GPU a training step costs
/// mostly these, not arithmetic: each submission and read-back is a round trip to the device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeviceWork {
    pub dispatches: u64,
    pub submissions: u64,
    pub read_backs: u64,
}

impl DeviceWork {
    /// The work done between `earlier` and `self`.
    pub fn since(self, earlier: DeviceWork) -> DeviceWork {
        DeviceWork {
            dispatches: self.dispatches - earlier.dispatches,
            submissions: self.submissions - earlier.submissions,
            read_backs: self.read_backs - earlier.read_backs,
        }
    }
}

pub trait Backend {
    type Tensor: Clone;

    /// What computes, for the user: e.g. "CPU (reference)" or the GPU adapter's name and backend.
    fn device(&self) -> String;

    /// The device work so far; `None` where there is no device to ask (the CPU computes in place).
    fn device_work(&self) -> Option<DeviceWork> {
        None
    }

    fn upload(&self, t: &Tensor) -> Result<Self::Tensor>;
    /// Copies a tensor back to the host (blocking).
    fn download(&self, t: &Self::Tensor) -> Result<Tensor>;
    fn shape(&self, t: &Self::Tensor) -> Vec<usize>;
    fn reshape(&self, t: &Self::Tensor, shape: &[usize]) -> Result<Self::Tensor>;
    fn zeros(&self, shape: &[usize]) -> Result<Self::Tensor>;
    /// Uploads `tensors` as a group: on a GPU one buffer that each tensor views, so that a
    /// grouped optimizer step ([`Backend::adam_step_all`]) updates them all in one pass. By
    /// default (the CPU) each on its own.
    fn upload_group(&self, tensors: &[&Tensor]) -> Result<Vec<Self::Tensor>> {
        tensors.iter().map(|t| self.upload(t)).collect()
    }

    fn conv2d(
        &self,
        x: &Self::Tensor,
        w: &Self::Tensor,
        b: Option<&Self::Tensor>,
        p: Conv2dParams,
    ) -> Result<Self::Tensor>;
    fn conv2d_backward(
        &self,
        x: &Self::Tensor,
        w: &Self::Tensor,
        grad_out: &Self::Tensor,
        p: Conv2dParams,
        with_bias: bool,
        into: GradsInto<'_, Self::Tensor>,
    ) -> Result<Grads<Self::Tensor>>;
    /// The weight (and bias) gradients of a convolution without its input gradient, for a
    /// model's first layer (nothing needs the gradient of the image). By default the whole
    /// backward pass with the input gradient dropped; a backend may skip computing it.
    fn conv2d_param_grads(
        &self,
        x: &Self::Tensor,
        w: &Self::Tensor,
        grad_out: &Self::Tensor,
        p: Conv2dParams,
        with_bias: bool,
        into: GradsInto<'_, Self::Tensor>,
    ) -> Result<(Self::Tensor, Option<Self::Tensor>)> {
        let g = self.conv2d_backward(x, w, grad_out, p, with_bias, into)?;
        Ok((g.weight, g.bias))
    }

    /// The transposed convolution, weight `[C_in, C_out/groups, kH, kW]`: the input gradient
    /// of the convolution it transposes, plus its bias.
    fn conv_transpose2d(
        &self,
        x: &Self::Tensor,
        w: &Self::Tensor,
        b: Option<&Self::Tensor>,
        p: ConvTranspose2dParams,
    ) -> Result<Self::Tensor>;
    fn conv_transpose2d_backward(
        &self,
        x: &Self::Tensor,
        w: &Self::Tensor,
        grad_out: &Self::Tensor,
        p: ConvTranspose2dParams,
        with_bias: bool,
        into: GradsInto<'_, Self::Tensor>,
    ) -> Result<Grads<Self::Tensor>>;

    fn max_pool2d(&self, x: &Self::Tensor, p: Pool2dParams) -> Result<Self::Tensor>;
    fn max_pool2d_backward(
        &self,
        x: &Self::Tensor,
        grad_out: &Self::Tensor,
        p: Pool2dParams,
    ) -> Result<Self::Tensor>;
    /// The gradient through a ReLU and the max pooling that follows it, where `x`, the pooling's
    /// input, is the ReLU's output (positive exactly where the ReLU's input was): one pass on a
    /// GPU, the two backward ops here.
    fn relu_max_pool2d_backward(
        &self,
        x: &Self::Tensor,
        grad_out: &Self::Tensor,
        p: Pool2dParams,
    ) -> Result<Self::Tensor> {
        let g = self.max_pool2d_backward(x, grad_out, p)?;
        self.relu_backward(x, &g)
    }
    fn avg_pool2d(
        &self,
        x: &Self::Tensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<Self::Tensor>;
    fn avg_pool2d_backward(
        &self,
        x: &Self::Tensor,
        grad_out: &Self::Tensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<Self::Tensor>;
    fn global_avg_pool2d(&self, x: &Self::Tensor) -> Result<Self::Tensor>;
    fn global_avg_pool2d_backward(
        &self,
        x: &Self::Tensor,
        grad_out: &Self::Tensor,
    ) -> Result<Self::Tensor>;

    fn batch_norm_train(
        &self,
        x: &Self::Tensor,
        gamma: &Self::Tensor,
        beta: &Self::Tensor,
        eps: f32,
    ) -> Result<(Self::Tensor, BatchNormStats<Self::Tensor>)>;
    /// A batch-norm layer in training, as PyTorch's `F.batch_norm(training=True)`: normalizes with
    /// the batch's statistics and moves the running ones a step; then the ReLU that follows when
    /// `relu`. The ops one after another here; on a GPU two passes (the statistics with the
    /// running update, then the normalization with the ReLU).
    fn batch_norm_layer_train(
        &self,
        x: &Self::Tensor,
        gamma: &Self::Tensor,
        beta: &Self::Tensor,
        eps: f32,
        running: RunningStats<'_, Self::Tensor>,
        relu: bool,
    ) -> Result<(Self::Tensor, BatchNormStats<Self::Tensor>)> {
        let (y, stats) = self.batch_norm_train(x, gamma, beta, eps)?;
        self.batch_norm_update_running(running.mean, running.var, &stats, running.momentum)?;
        let y = if relu { self.relu(&y)? } else { y };
        Ok((y, stats))
    }
    fn batch_norm_eval(
        &self,
        x: &Self::Tensor,
        gamma: &Self::Tensor,
        beta: &Self::Tensor,
        running_mean: &Self::Tensor,
        running_var: &Self::Tensor,
        eps: f32,
    ) -> Result<Self::Tensor>;
    fn batch_norm_update_running(
        &self,
        running_mean: &mut Self::Tensor,
        running_var: &mut Self::Tensor,
        stats: &BatchNormStats<Self::Tensor>,
        momentum: f32,
    ) -> Result<()>;
    /// See [`ops::batch_norm::backward`]. In evaluation pass the running mean and `1/√(var + ε)`.
    // PyTorch's native_batch_norm_backward takes as many: the saved statistics, the mode and
    // where the gradients go.
    #[allow(clippy::too_many_arguments)]
    fn batch_norm_backward(
        &self,
        x: &Self::Tensor,
        gamma: &Self::Tensor,
        mean: &Self::Tensor,
        inv_std: &Self::Tensor,
        grad_out: &Self::Tensor,
        training: bool,
        into: GradsInto<'_, Self::Tensor>,
    ) -> Result<Grads<Self::Tensor>>;
    /// `1/√(var + ε)` of a variance vector (the evaluation-mode scale).
    fn inv_std(&self, var: &Self::Tensor, eps: f32) -> Result<Self::Tensor>;

    fn relu(&self, x: &Self::Tensor) -> Result<Self::Tensor>;
    fn relu_backward(&self, x: &Self::Tensor, grad_out: &Self::Tensor) -> Result<Self::Tensor>;
    fn sigmoid(&self, x: &Self::Tensor) -> Result<Self::Tensor>;
    /// Takes the forward's output `y`, not its input.
    fn sigmoid_backward(&self, y: &Self::Tensor, grad_out: &Self::Tensor) -> Result<Self::Tensor>;
    fn add(&self, a: &Self::Tensor, b: &Self::Tensor) -> Result<Self::Tensor>;

    fn linear(
        &self,
        x: &Self::Tensor,
        w: &Self::Tensor,
        b: Option<&Self::Tensor>,
    ) -> Result<Self::Tensor>;
    fn linear_backward(
        &self,
        x: &Self::Tensor,
        w: &Self::Tensor,
        grad_out: &Self::Tensor,
        with_bias: bool,
        into: GradsInto<'_, Self::Tensor>,
    ) -> Result<Grads<Self::Tensor>>;

    /// The mean cross-entropy as a 0-d tensor, and the gradient of the logits.
    fn cross_entropy(
        &self,
        logits: &Self::Tensor,
        targets: &[usize],
    ) -> Result<(Self::Tensor, Self::Tensor)>;

    fn adam_step(
        &self,
        param: &mut Self::Tensor,
        grad: &Self::Tensor,
        exp_avg: &mut Self::Tensor,
        exp_avg_sq: &mut Self::Tensor,
        cfg: &AdamConfig,
        step: u32,
    ) -> Result<()>;
    fn sgd_step(
        &self,
        param: &mut Self::Tensor,
        grad: &Self::Tensor,
        momentum_buf: &mut Self::Tensor,
        cfg: &SgdConfig,
        first: bool,
    ) -> Result<()>;

    /// One Adam step of every parameter of a model (`slot.second` is `exp_avg_sq`). By default
    /// one [`Backend::adam_step`] each; a GPU updates a group laid out by
    /// [`Backend::upload_group`] in one pass, which gives the same values.
    fn adam_step_all(
        &self,
        slots: &mut [StepSlot<'_, Self::Tensor>],
        cfg: &AdamConfig,
        step: u32,
    ) -> Result<()> {
        optim::adam_step_each(self, slots, cfg, step)
    }
    /// One SGD step of every parameter of a model; see [`Backend::adam_step_all`].
    fn sgd_step_all(
        &self,
        slots: &mut [StepSlot<'_, Self::Tensor>],
        cfg: &SgdConfig,
        first: bool,
    ) -> Result<()> {
        optim::sgd_step_each(self, slots, cfg, first)
    }
}

/// The CPU reference: the functions of [`crate::ops`] on host tensors.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuBackend;

impl Backend for CpuBackend {
    type Tensor = Tensor;

    fn device(&self) -> String {
        "CPU (reference)".into()
    }
    fn upload(&self, t: &Tensor) -> Result<Tensor> {
        Ok(t.clone())
    }
    fn download(&self, t: &Tensor) -> Result<Tensor> {
        Ok(t.clone())
    }
    fn shape(&self, t: &Tensor) -> Vec<usize> {
        t.shape.clone()
    }
    fn reshape(&self, t: &Tensor, shape: &[usize]) -> Result<Tensor> {
        t.clone().reshape(shape)
    }
    fn zeros(&self, shape: &[usize]) -> Result<Tensor> {
        Ok(Tensor::zeros(shape))
    }

    fn conv2d(
        &self,
        x: &Tensor,
        w: &Tensor,
        b: Option<&Tensor>,
        p: Conv2dParams,
    ) -> Result<Tensor> {
        ops::conv2d::forward(x, w, b, p)
    }
    fn conv2d_backward(
        &self,
        x: &Tensor,
        w: &Tensor,
        gy: &Tensor,
        p: Conv2dParams,
        with_bias: bool,
        _into: GradsInto<'_, Tensor>,
    ) -> Result<Grads<Tensor>> {
        ops::conv2d::backward(x, w, gy, p, with_bias)
    }

    fn conv2d_param_grads(
        &self,
        x: &Tensor,
        w: &Tensor,
        gy: &Tensor,
        p: Conv2dParams,
        with_bias: bool,
        _into: GradsInto<'_, Tensor>,
    ) -> Result<(Tensor, Option<Tensor>)> {
        ops::conv2d::param_grads(x, w, gy, p, with_bias)
    }

    fn conv_transpose2d(
        &self,
        x: &Tensor,
        w: &Tensor,
        b: Option<&Tensor>,
        p: ConvTranspose2dParams,
    ) -> Result<Tensor> {
        ops::conv_transpose2d::forward(x, w, b, p)
    }
    fn conv_transpose2d_backward(
        &self,
        x: &Tensor,
        w: &Tensor,
        gy: &Tensor,
        p: ConvTranspose2dParams,
        with_bias: bool,
        _into: GradsInto<'_, Tensor>,
    ) -> Result<Grads<Tensor>> {
        ops::conv_transpose2d::backward(x, w, gy, p, with_bias)
    }

    fn max_pool2d(&self, x: &Tensor, p: Pool2dParams) -> Result<Tensor> {
        ops::pool::max_pool2d(x, p)
    }
    fn max_pool2d_backward(&self, x: &Tensor, gy: &Tensor, p: Pool2dParams) -> Result<Tensor> {
        ops::pool::max_pool2d_backward(x, gy, p)
    }
    fn avg_pool2d(&self, x: &Tensor, p: Pool2dParams, count_include_pad: bool) -> Result<Tensor> {
        ops::pool::avg_pool2d(x, p, count_include_pad)
    }
    fn avg_pool2d_backward(
        &self,
        x: &Tensor,
        gy: &Tensor,
        p: Pool2dParams,
        count_include_pad: bool,
    ) -> Result<Tensor> {
        ops::pool::avg_pool2d_backward(&x.shape, gy, p, count_include_pad)
    }
    fn global_avg_pool2d(&self, x: &Tensor) -> Result<Tensor> {
        ops::global_pool::forward(x)
    }
    fn global_avg_pool2d_backward(&self, x: &Tensor, gy: &Tensor) -> Result<Tensor> {
        ops::global_pool::backward(&x.shape, gy)
    }

    fn batch_norm_train(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        eps: f32,
    ) -> Result<(Tensor, BatchNormStats<Tensor>)> {
        ops::batch_norm::forward_train(x, gamma, beta, eps)
    }
    fn batch_norm_eval(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        beta: &Tensor,
        rm: &Tensor,
        rv: &Tensor,
        eps: f32,
    ) -> Result<Tensor> {
        ops::batch_norm::forward_eval(x, gamma, beta, rm, rv, eps)
    }
    fn batch_norm_update_running(
        &self,
        rm: &mut Tensor,
        rv: &mut Tensor,
        stats: &BatchNormStats<Tensor>,
        momentum: f32,
    ) -> Result<()> {
        ops::batch_norm::update_running_stats(rm, rv, stats, momentum)
    }
    fn batch_norm_backward(
        &self,
        x: &Tensor,
        gamma: &Tensor,
        mean: &Tensor,
        inv_std: &Tensor,
        gy: &Tensor,
        training: bool,
        _into: GradsInto<'_, Tensor>,
    ) -> Result<Grads<Tensor>> {
        ops::batch_norm::backward(x, gamma, mean, inv_std, gy, training)
    }
    fn inv_std(&self, var: &Tensor, eps: f32) -> Result<Tensor> {
        Ok(Tensor {
            shape: var.shape.clone(),
            data: var.data.iter().map(|v| 1.0 / (v + eps).sqrt()).collect(),
        })
    }

    fn relu(&self, x: &Tensor) -> Result<Tensor> {
        Ok(ops::elementwise::relu(x))
    }
    fn relu_backward(&self, x: &Tensor, gy: &Tensor) -> Result<Tensor> {
        ops::elementwise::relu_backward(x, gy)
    }
    fn sigmoid(&self, x: &Tensor) -> Result<Tensor> {
        Ok(ops::elementwise::sigmoid(x))
    }
    fn sigmoid_backward(&self, y: &Tensor, gy: &Tensor) -> Result<Tensor> {
        ops::elementwise::sigmoid_backward(y, gy)
    }
    fn add(&self, a: &Tensor, b: &Tensor) -> Result<Tensor> {
        ops::elementwise::add(a, b)
    }

    fn linear(&self, x: &Tensor, w: &Tensor, b: Option<&Tensor>) -> Result<Tensor> {
        ops::linear::forward(x, w, b)
    }
    fn linear_backward(
        &self,
        x: &Tensor,
        w: &Tensor,
        gy: &Tensor,
        with_bias: bool,
        _into: GradsInto<'_, Tensor>,
    ) -> Result<Grads<Tensor>> {
        ops::linear::backward(x, w, gy, with_bias)
    }

    fn cross_entropy(&self, logits: &Tensor, targets: &[usize]) -> Result<(Tensor, Tensor)> {
        let (loss, grad) = ops::loss::cross_entropy(logits, targets)?;
        Ok((Tensor::scalar(loss), grad))
    }

    fn adam_step(
        &self,
        p: &mut Tensor,
        g: &Tensor,
        m: &mut Tensor,
        v: &mut Tensor,
        cfg: &AdamConfig,
        step: u32,
    ) -> Result<()> {
        optim::adam_step(&mut p.data, &g.data, &mut m.data, &mut v.data, cfg, step)
    }
    fn sgd_step(
        &self,
        p: &mut Tensor,
        g: &Tensor,
        buf: &mut Tensor,
        cfg: &SgdConfig,
        first: bool,
    ) -> Result<()> {
        optim::sgd_step(&mut p.data, &g.data, &mut buf.data, cfg, first)
    }
}
