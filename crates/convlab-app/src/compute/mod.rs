//! What computes the numbers: the browser's GPU through WebGPU when it has one (on the page's
//! thread: its work is asynchronous), else the CPU reference, the same Rust code compiled to wasm,
//! in the compute worker, so the page's thread only renders. Lessons describe a computation as an
//! [`Op`] and [`use_op`] it; a GPU failure (a lost device) moves the page to the CPU for good, and
//! the op is computed there instead, so no result is lost.
//!
//! [`adapter`] says what the badge says of the device.

pub mod adapter;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use convlab_core::Tensor;
use convlab_gpu::GpuBackend;
use leptos::prelude::*;

use self::adapter::{browser_adapter_name, why_no_gpu};
pub use crate::op::Op;
use crate::worker::{self, Request, Response, Slot};

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

    /// "WebGPU · <adapter>", the adapter named as the badge names it.
    pub fn gpu_label(&self) -> String {
        let name = self.adapter_name();
        format!("WebGPU · {}", name.as_deref().unwrap_or("WebGPU adapter"))
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
    /// [`Op::apply_all`] documents (the ops with one result give a list of one). An op over the
    /// budget is refused first, with the limit it passes. On the CPU, a newer request from the
    /// same `slot` supersedes this one: `Ok(None)` then, and the worker drops it.
    pub async fn run_all(&self, slot: Slot, op: Op) -> Result<Option<Vec<Tensor>>, String> {
        op.cost()
            .and_then(|c| c.check())
            .map_err(|e| e.to_string())?;
        let gpu = GPU.with(|g| g.borrow().clone());
        if let Some(gpu) = gpu {
            match all_on_gpu(&gpu, &op).await {
                Ok(t) => return Ok(Some(t)),
                Err(GpuFailure::Op(message)) => return Err(message),
                Err(GpuFailure::Device(message)) => self.gpu_failed(&message),
            }
        }
        match worker::compute().call(slot, Request::Compute(op)).await {
            None => Ok(None),
            Some(Response::Tensors(t)) => Ok(Some(t)),
            Some(other) => Err(other.unexpected()),
        }
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

async fn open_gpu() -> Result<GpuBackend, String> {
    GpuBackend::new().await.map_err(|e| match e {
        convlab_core::Error::Device(m) => m,
        other => other.to_string(),
    })
}

pub fn use_compute() -> Compute {
    use_context::<Compute>().expect("Compute is provided by the App")
}

thread_local! {
    static NEXT_SLOT: Cell<u64> = const { Cell::new(1) };
}

/// A slot of its own for one computation of a page: its requests supersede each other.
pub fn new_slot() -> Slot {
    let n = NEXT_SLOT.get();
    NEXT_SLOT.set(n + 1);
    Slot(n)
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
    let slot = new_slot();
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
                let outputs = compute.run_all(slot, op).await.transpose();
                // The page may have gone to another lesson meanwhile (its last state change can
                // start one more op): then there is nothing left to show the result in.
                if let Some(outputs) = outputs.filter(|_| latest.try_get_value() == Some(mine)) {
                    result.try_set(Some(outputs));
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
