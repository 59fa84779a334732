//! What computes the numbers: the browser's GPU through WebGPU when it has one, else the CPU
//! reference (the same Rust code, compiled to wasm). Pages describe a computation as an [`Op`] and
//! [`run`] it; a GPU failure (a lost device) moves the page to the CPU for good, and the op is
//! computed there instead, so no result is lost.

use std::cell::RefCell;
use std::rc::Rc;

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
                            "WebGPU adapter".to_string()
                        } else {
                            adapter.name.clone()
                        };
                        GPU.with(|g| *g.borrow_mut() = Some(Rc::new(gpu)));
                        status.set(DeviceStatus::Gpu { adapter: name });
                    }
                    Err(reason) => status.set(DeviceStatus::Cpu { reason }),
                }
            });
        }
        Compute { status }
    }

    /// Whether a device has been chosen (pages wait for it, so the badge never lies).
    pub fn ready(&self) -> bool {
        !matches!(self.status.get(), DeviceStatus::Probing)
    }

    /// The GPU, while the page computes on it.
    pub fn gpu(&self) -> Option<Rc<GpuBackend>> {
        GPU.with(|g| g.borrow().clone())
    }

    /// Moves the page to the CPU for good after the GPU failed (e.g. its device was lost).
    pub fn gpu_failed(&self, message: &str) {
        GPU.with(|g| *g.borrow_mut() = None);
        self.status.set(DeviceStatus::Cpu { reason: format!("the GPU failed ({message}); continuing on the CPU") });
    }

    /// Computes `op` on the chosen device and brings the result back.
    pub async fn run(&self, op: Op) -> Result<Tensor, String> {
        let gpu = GPU.with(|g| g.borrow().clone());
        if let Some(gpu) = gpu {
            match on_gpu(&gpu, &op).await {
                Ok(t) => return Ok(t),
                Err(GpuFailure::Op(message)) => return Err(message),
                Err(GpuFailure::Device(message)) => self.gpu_failed(&message),
            }
        }
        op.apply(&CpuBackend).map_err(|e| e.to_string())
    }
}

enum GpuFailure {
    /// The op itself is invalid (the same error the CPU would give).
    Op(String),
    /// The device failed: switch to the CPU.
    Device(String),
}

async fn on_gpu(gpu: &GpuBackend, op: &Op) -> Result<Tensor, GpuFailure> {
    let classify = |e: convlab_core::Error| match e {
        convlab_core::Error::Device(m) => GpuFailure::Device(m),
        other => GpuFailure::Op(other.to_string()),
    };
    let t = op.apply(gpu).map_err(classify)?;
    gpu.read(&t).await.map_err(classify)
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
        }
    }
}

/// The result of `op()` on the chosen device, recomputed whenever the signals `op` reads change.
/// `None` while the device is being chosen or the result is on its way.
pub fn use_op(
    op: impl Fn() -> Result<Op, String> + 'static,
) -> LocalResource<Option<Result<Tensor, String>>> {
    let compute = use_compute();
    LocalResource::new(move || {
        let ready = compute.ready();
        let op = op();
        async move {
            if !ready {
                return None;
            }
            Some(match op {
                Ok(op) => compute.run(op).await,
                Err(e) => Err(e),
            })
        }
    })
}
