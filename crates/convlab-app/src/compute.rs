//! What computes the numbers: the browser's GPU through WebGPU when it has one, else the CPU
//! reference (the same Rust code, compiled to wasm). Pages describe a computation as an [`Op`] and
//! [`use_op`] it; a GPU failure (a lost device) moves the page to the CPU for good, and the op is
//! computed there instead, so no result is lost.

use std::cell::RefCell;
use std::rc::Rc;

use convlab_core::nn::{self, Mode, Model, ParamStore};
use convlab_core::ops::{Conv2dParams, Pool2dParams};
use convlab_core::{Backend, CpuBackend, Tensor};
use convlab_gpu::GpuBackend;
use leptos::prelude::*;

/// What the status badge shows.
#[derive(Clone, Debug, PartialEq)]
pub enum DeviceStatus {
    Probing,
    Gpu { adapter: String },
    Cpu { reason: String },
}

thread_local! {
    /// The GPU, once opened (wgpu's objects live on the page's one thread).
    static GPU: RefCell<Option<Rc<GpuBackend>>> = const { RefCell::new(None) };
}

#[derive(Clone, Copy)]
pub struct Compute {
    pub status: RwSignal<DeviceStatus>,
}

impl Compute {
    /// Starts probing for WebGPU, unless `force_cpu` (`backend=cpu` in the URL).
    pub fn install(force_cpu: bool) -> Self {
        let status = RwSignal::new(DeviceStatus::Probing);
        if force_cpu {
            status.set(DeviceStatus::Cpu {
                reason: "backend=cpu is set in the page's address".into(),
            });
        } else {
            leptos::task::spawn_local(async move {
                match open_gpu().await {
                    Ok(gpu) => {
                        let adapter = gpu.adapter();
                        let name = if adapter.name.is_empty() {
                            browser_adapter_name()
                                .await
                                .unwrap_or_else(|| "WebGPU adapter".to_string())
                        } else {
                            adapter.name.clone()
                        };
                        GPU.with(|g| *g.borrow_mut() = Some(Rc::new(gpu)));
                        status.set(DeviceStatus::Gpu { adapter: name });
                    }
                    Err(detail) => status.set(DeviceStatus::Cpu {
                        reason: why_no_gpu(detail),
                    }),
                }
            });
        }
        Compute { status }
    }

    /// Whether a device has been chosen (pages wait for it, so the badge never lies).
    pub fn ready(&self) -> bool {
        !matches!(self.status.get(), DeviceStatus::Probing)
    }

    /// The name of the GPU adapter the page computes on, as the badge shows it.
    pub fn adapter_name(&self) -> Option<String> {
        match self.status.get_untracked() {
            DeviceStatus::Gpu { adapter } => Some(adapter),
            _ => None,
        }
    }

    /// The GPU, while the page computes on it.
    pub fn gpu(&self) -> Option<Rc<GpuBackend>> {
        GPU.with(|g| g.borrow().clone())
    }

    /// Moves the page to the CPU for good after the GPU failed (e.g. its device was lost).
    pub fn gpu_failed(&self, message: &str) {
        GPU.with(|g| *g.borrow_mut() = None);
        self.status.set(DeviceStatus::Cpu {
            reason: format!("the GPU failed ({message}); continuing on the CPU"),
        });
    }

    /// Computes `op` on the chosen device and brings back every tensor it produces, in the order
    /// [`Op::apply_all`] documents (the ops with one result give a list of one).
    pub async fn run_all(&self, op: Op) -> Result<Vec<Tensor>, String> {
        let gpu = GPU.with(|g| g.borrow().clone());
        if let Some(gpu) = gpu {
            match all_on_gpu(&gpu, &op).await {
                Ok(t) => return Ok(t),
                Err(GpuFailure::Op(message)) => return Err(message),
                Err(GpuFailure::Device(message)) => self.gpu_failed(&message),
            }
        }
        op.apply_all(&CpuBackend).map_err(|e| e.to_string())
    }
}

enum GpuFailure {
    /// The op itself is invalid (the same error the CPU would give).
    Op(String),
    /// The device failed: switch to the CPU.
    Device(String),
}

async fn all_on_gpu(gpu: &GpuBackend, op: &Op) -> Result<Vec<Tensor>, GpuFailure> {
    let classify = |e: convlab_core::Error| match e {
        convlab_core::Error::Device(m) => GpuFailure::Device(m),
        other => GpuFailure::Op(other.to_string()),
    };
    let tensors = op.apply_all(gpu).map_err(classify)?;
    let mut out = Vec::with_capacity(tensors.len());
    for t in &tensors {
        out.push(gpu.read(t).await.map_err(classify)?);
    }
    Ok(out)
}

/// Why the page computes on the CPU, in a few words for the badge: wgpu's own message lists every
/// backend it was not built with, which says nothing to a student (it goes to the console).
fn why_no_gpu(detail: String) -> String {
    leptos::logging::log!("ConvLab computes on the CPU: {detail}");
    let gpu = js_sys::Reflect::get(&window().navigator(), &"gpu".into()).ok();
    if gpu.is_none_or(|g| g.is_undefined() || g.is_null()) {
        "this browser does not offer WebGPU".into()
    } else if detail.starts_with("no GPU adapter is available") {
        "WebGPU found no GPU adapter".into()
    } else {
        detail
    }
}

/// What the browser says of its WebGPU adapter, since wgpu gives no name on the web: the
/// `GPUAdapterInfo` fields that are set, e.g. "google swiftshader (fallback)" in headless
/// Chromium. Read through `Reflect` because web-sys's WebGPU bindings are unstable APIs.
async fn browser_adapter_name() -> Option<String> {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::JsCast;
    let gpu = Reflect::get(&window().navigator(), &"gpu".into()).ok()?;
    let request: Function = Reflect::get(&gpu, &"requestAdapter".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: Promise = request.call0(&gpu).ok()?.dyn_into().ok()?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let info = Reflect::get(&adapter, &"info".into()).ok()?;
    let text = |key: &str| {
        Reflect::get(&info, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .filter(|s| !s.is_empty())
    };
    let mut name = ["vendor", "architecture", "device", "description"]
        .into_iter()
        .filter_map(text)
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        return None;
    }
    if Reflect::get(&info, &"isFallbackAdapter".into())
        .ok()?
        .as_bool()
        == Some(true)
    {
        name.push_str(" (fallback)");
    }
    Some(name)
}

async fn open_gpu() -> Result<GpuBackend, String> {
    GpuBackend::new().await.map_err(|e| match e {
        convlab_core::Error::Device(m) => m,
        other => other.to_string(),
    })
}

pub fn use_compute() -> Compute {
    use_context::<Compute>().expect("Compute is provided by the App")
}

/// A computation a page asks for, on host tensors.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Conv2d {
        input: Tensor,
        weight: Tensor,
        bias: Option<Tensor>,
        params: Conv2dParams,
    },
    MaxPool2d {
        input: Tensor,
        params: Pool2dParams,
    },
    AvgPool2d {
        input: Tensor,
        params: Pool2dParams,
        count_include_pad: bool,
    },
    /// `nn.Linear`: `input · weightᵀ + bias`, input `(N, in)`, weight `(out, in)`.
    Linear {
        input: Tensor,
        weight: Tensor,
        bias: Option<Tensor>,
    },
    /// The element-wise add of two tensors of the same shape (a skip connection's `+`).
    Add {
        a: Tensor,
        b: Tensor,
    },
    /// Several independent ops, computed together: their outputs one after the other.
    Each(Vec<Op>),
    /// A convolution of one image `(1, C_in, H, W)` taken apart by input channel (groups = 1).
    /// Outputs: `[y, s_0, …, s_{C_out−1}, p_00, p_01, …]` where `y` is the convolution itself (with
    /// its bias), `p_oc` the partial map of input channel `c` correlated with kernel `weight[o, c]`
    /// (`(1, 1, H_out, W_out)`, no bias) and `s_o = p_o0 + p_o1 + …` their sum, added by the engine.
    ConvByChannel {
        input: Tensor,
        weight: Tensor,
        bias: Option<Tensor>,
        params: Conv2dParams,
    },
    /// `BatchNorm2d` on one batch, in training and in evaluation mode, after the batches of
    /// `earlier` went through it in training mode (moving the running statistics from
    /// `running_mean` / `running_var` by `momentum`). Outputs: `[y_train, mean, inv_std,
    /// var_unbiased, y_eval, y_train's mean, y_train's unbiased var, y_eval's mean, y_eval's
    /// unbiased var, running_mean, running_var]`: the batch statistics (`inv_std = 1/√(σ²_B + ε)`),
    /// those of each output per channel (measured by the engine's own batch norm), and the running
    /// statistics evaluation mode used.
    BatchNorm {
        input: Tensor,
        gamma: Tensor,
        beta: Tensor,
        earlier: Vec<Tensor>,
        running_mean: Tensor,
        running_var: Tensor,
        momentum: f32,
        eps: f32,
    },
    /// The running statistics of a `BatchNorm2d` in training mode as `batches` pass through it,
    /// from `running_mean` / `running_var`. Outputs: `[mean_1, var_1, mean_2, var_2, …]`, the
    /// running mean and variance after each batch.
    BatchNormRunning {
        batches: Vec<Tensor>,
        running_mean: Tensor,
        running_var: Tensor,
        momentum: f32,
        eps: f32,
    },
    /// `nn::forward` of a small model on `input` (in training mode the batch norms use, and
    /// update, batch statistics). Output: `[the model's output]`.
    Forward {
        input: Tensor,
        model: Model,
        params: ParamStore<Tensor>,
        mode: Mode,
    },
    /// A residual block taken apart: `main` (the residual function F) and `shortcut` (absent: the
    /// identity) run by `nn::forward` on the same parameters (`state_dict` names shared between
    /// them). Outputs: `[F(x), shortcut(x), F(x) + shortcut(x), relu(F(x) + shortcut(x))]`, then,
    /// if `whole` is given, `nn::forward` of that model (the block as one layer) on the same input.
    /// When the two paths' shapes differ, the add fails with the core's message.
    Residual {
        input: Tensor,
        main: Model,
        shortcut: Option<Model>,
        whole: Option<Model>,
        params: ParamStore<Tensor>,
        mode: Mode,
    },
}

impl Op {
    fn apply<B: Backend>(&self, b: &B) -> convlab_core::Result<B::Tensor> {
        match self {
            Op::Conv2d {
                input,
                weight,
                bias,
                params,
            } => {
                let bias = match bias {
                    Some(t) => Some(b.upload(t)?),
                    None => None,
                };
                b.conv2d(
                    &b.upload(input)?,
                    &b.upload(weight)?,
                    bias.as_ref(),
                    *params,
                )
            }
            Op::MaxPool2d { input, params } => b.max_pool2d(&b.upload(input)?, *params),
            Op::AvgPool2d {
                input,
                params,
                count_include_pad,
            } => b.avg_pool2d(&b.upload(input)?, *params, *count_include_pad),
            _ => {
                let mut all = self.apply_all(b)?;
                if all.is_empty() {
                    return Err(convlab_core::Error::Invalid(
                        "the op produced nothing".into(),
                    ));
                }
                Ok(all.swap_remove(0))
            }
        }
    }

    /// Every output of the op, in the order its variant documents.
    pub fn apply_all<B: Backend>(&self, b: &B) -> convlab_core::Result<Vec<B::Tensor>> {
        let upload_opt = |t: &Option<Tensor>| -> convlab_core::Result<Option<B::Tensor>> {
            t.as_ref().map(|t| b.upload(t)).transpose()
        };
        match self {
            Op::Conv2d { .. } | Op::MaxPool2d { .. } | Op::AvgPool2d { .. } => {
                Ok(vec![self.apply(b)?])
            }
            Op::Linear {
                input,
                weight,
                bias,
            } => {
                let bias = upload_opt(bias)?;
                Ok(vec![b.linear(
                    &b.upload(input)?,
                    &b.upload(weight)?,
                    bias.as_ref(),
                )?])
            }
            Op::Add { a, b: rhs } => Ok(vec![b.add(&b.upload(a)?, &b.upload(rhs)?)?]),
            Op::Each(ops) => {
                let mut out = Vec::new();
                for op in ops {
                    out.extend(op.apply_all(b)?);
                }
                Ok(out)
            }
            Op::ConvByChannel {
                input,
                weight,
                bias,
                params,
            } => {
                let [_, c_in, h, w] = input.dims4("the convolution's input")?;
                let [c_out, c_w, kh, kw] = weight.dims4("the convolution's weight")?;
                let bias_t = upload_opt(bias)?;
                let y = b.conv2d(
                    &b.upload(input)?,
                    &b.upload(weight)?,
                    bias_t.as_ref(),
                    *params,
                )?;
                if params.groups != 1 || c_w != c_in {
                    return Ok(vec![y]);
                }
                // The slices are copies of the data, not arithmetic: channel c of the image, and
                // the kernel weight[o, c].
                let plane = |c: usize| Tensor {
                    shape: vec![1, 1, h, w],
                    data: input.data[c * h * w..(c + 1) * h * w].to_vec(),
                };
                let kernel = |o: usize, c: usize| {
                    let k = kh * kw;
                    Tensor {
                        shape: vec![1, 1, kh, kw],
                        data: weight.data[(o * c_in + c) * k..(o * c_in + c + 1) * k].to_vec(),
                    }
                };
                let planes = (0..c_in)
                    .map(|c| b.upload(&plane(c)))
                    .collect::<convlab_core::Result<Vec<_>>>()?;
                let mut partials = Vec::with_capacity(c_out * c_in);
                let mut sums = Vec::with_capacity(c_out);
                for o in 0..c_out {
                    let mut sum: Option<B::Tensor> = None;
                    for (c, x) in planes.iter().enumerate() {
                        let p = b.conv2d(x, &b.upload(&kernel(o, c))?, None, *params)?;
                        sum = Some(match sum {
                            None => p.clone(),
                            Some(s) => b.add(&s, &p)?,
                        });
                        partials.push(p);
                    }
                    sums.extend(sum);
                }
                let mut out = vec![y];
                out.extend(sums);
                out.extend(partials);
                Ok(out)
            }
            Op::BatchNorm {
                input,
                gamma,
                beta,
                earlier,
                running_mean,
                running_var,
                momentum,
                eps,
            } => {
                let c = gamma.numel();
                let ones = b.upload(&Tensor::full(&[c], 1.0))?;
                let zeros = b.upload(&Tensor::zeros(&[c]))?;
                let (mut rm, mut rv) = (b.upload(running_mean)?, b.upload(running_var)?);
                for batch in earlier {
                    let (_, stats) = b.batch_norm_train(&b.upload(batch)?, &ones, &zeros, *eps)?;
                    b.batch_norm_update_running(&mut rm, &mut rv, &stats, *momentum)?;
                }
                let x = b.upload(input)?;
                let (g, bt) = (b.upload(gamma)?, b.upload(beta)?);
                let (y_train, stats) = b.batch_norm_train(&x, &g, &bt, *eps)?;
                let y_eval = b.batch_norm_eval(&x, &g, &bt, &rm, &rv, *eps)?;
                // The statistics of each output, measured by a batch norm of γ = 1, β = 0.
                let (_, after_train) = b.batch_norm_train(&y_train, &ones, &zeros, *eps)?;
                let (_, after_eval) = b.batch_norm_train(&y_eval, &ones, &zeros, *eps)?;
                Ok(vec![
                    y_train,
                    stats.mean,
                    stats.inv_std,
                    stats.var_unbiased,
                    y_eval,
                    after_train.mean,
                    after_train.var_unbiased,
                    after_eval.mean,
                    after_eval.var_unbiased,
                    rm,
                    rv,
                ])
            }
            Op::BatchNormRunning {
                batches,
                running_mean,
                running_var,
                momentum,
                eps,
            } => {
                let c = running_mean.numel();
                let ones = b.upload(&Tensor::full(&[c], 1.0))?;
                let zeros = b.upload(&Tensor::zeros(&[c]))?;
                let mut rm = b.upload(running_mean)?;
                let mut rv = b.upload(running_var)?;
                let mut out = Vec::with_capacity(2 * batches.len());
                for batch in batches {
                    let (_, stats) = b.batch_norm_train(&b.upload(batch)?, &ones, &zeros, *eps)?;
                    // Each step's statistics are new tensors: the earlier ones stay readable.
                    let (mut m, mut v) =
                        (b.add(&rm, &b.zeros(&[c])?)?, b.add(&rv, &b.zeros(&[c])?)?);
                    b.batch_norm_update_running(&mut m, &mut v, &stats, *momentum)?;
                    out.push(m.clone());
                    out.push(v.clone());
                    (rm, rv) = (m, v);
                }
                Ok(out)
            }
            Op::Forward {
                input,
                model,
                params,
                mode,
            } => {
                let mut store = upload_params(b, params)?;
                Ok(vec![
                    nn::forward(b, model, &mut store, &b.upload(input)?, *mode)?.0,
                ])
            }
            Op::Residual {
                input,
                main,
                shortcut,
                whole,
                params,
                mode,
            } => {
                let x = b.upload(input)?;
                let mut store = upload_params(b, params)?;
                let (f, _) = nn::forward(b, main, &mut store.clone(), &x, *mode)?;
                let s = match shortcut {
                    Some(m) => nn::forward(b, m, &mut store.clone(), &x, *mode)?.0,
                    None => x.clone(),
                };
                let sum = b.add(&f, &s)?;
                let out = b.relu(&sum)?;
                let mut all = vec![f, s, sum, out];
                if let Some(m) = whole {
                    all.push(nn::forward(b, m, &mut store, &x, *mode)?.0);
                }
                Ok(all)
            }
        }
    }
}

fn upload_params<B: Backend>(
    b: &B,
    params: &ParamStore<Tensor>,
) -> convlab_core::Result<ParamStore<B::Tensor>> {
    let mut store = ParamStore::new();
    for (name, t) in params.iter() {
        store.insert(name, b.upload(t)?);
    }
    Ok(store)
}

/// The latest result of a computation a page asked for: `None` until the device is chosen and
/// the first result has arrived; after that the previous result stays until the next one comes.
pub type Computed<T> = Signal<Option<Result<T, String>>>;

/// Every tensor of `op()` (see [`Op::apply_all`]) on the chosen device, recomputed whenever the
/// signals `op` reads change. `op` returns `None` while what it needs is not there yet (e.g.
/// another op's result): the result is then `None` too.
///
/// An effect runs the op, not a `LocalResource`: a resource whose inputs were also read by the
/// page's views sometimes missed a change (leptos 0.8: the channels lesson kept the result of the
/// first edit after the second), while an effect reruns on every change of what it read. Results
/// of superseded runs are dropped, so a slow GPU answer never overwrites a newer one.
pub fn use_op_all(op: impl Fn() -> Option<Result<Op, String>> + 'static) -> Computed<Vec<Tensor>> {
    let compute = use_compute();
    let result = RwSignal::new(None);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        if !compute.ready() {
            return;
        }
        let request = op();
        latest.update_value(|n| *n += 1);
        let mine = latest.get_value();
        match request {
            None => result.set(None),
            Some(Err(e)) => result.set(Some(Err(e))),
            Some(Ok(op)) => leptos::task::spawn_local(async move {
                let outputs = compute.run_all(op).await;
                if latest.get_value() == mine {
                    result.set(Some(outputs));
                }
            }),
        }
    });
    result.into()
}

/// Like [`use_op_all`] for an op with one result (the first of the list).
pub fn use_op(op: impl Fn() -> Result<Op, String> + 'static) -> Computed<Tensor> {
    let all = use_op_all(move || Some(op()));
    Memo::new(move |_| {
        all.get().map(|r| {
            r.and_then(|outputs| {
                outputs
                    .into_iter()
                    .next()
                    .ok_or_else(|| "the op produced nothing".to_string())
            })
        })
    })
    .into()
}
