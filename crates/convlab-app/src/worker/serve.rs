//! The worker's side: each message is one [`Request`], computed to the end on the CPU reference
//! (this thread may block: that is what it is for), answered with one [`Response`]. The training
//! session and the experiment live here between steps.

use std::cell::RefCell;

use convlab_core::experiment::{Experiment, Preset};
use convlab_core::train::Trainer;
use convlab_core::{idx_set, safetensors, CpuBackend};
use wasm_bindgen::prelude::*;

use super::protocol::{decode, encode, Request, Response};

thread_local! {
    /// The CPU training session, between its steps.
    static TRAINER: RefCell<Option<Trainer<CpuBackend>>> = const { RefCell::new(None) };
    /// The Experiments lesson's runs, between their steps.
    static EXPERIMENT: RefCell<Option<Experiment<CpuBackend>>> = const { RefCell::new(None) };
}

/// Answers one encoded request (called by `boot.js` for each message the page sends).
#[wasm_bindgen]
pub fn convlab_worker_answer(request: &[u8]) -> Vec<u8> {
    let response = match decode::<Request>(request) {
        Ok(request) => answer(request),
        Err(message) => Response::Error(message),
    };
    encode(&response)
}

fn answer(request: Request) -> Response {
    let failed = |e: convlab_core::Error| Response::Error(e.to_string());
    match request {
        Request::Compute(op) => op
            .apply_all(&CpuBackend)
            .map_or_else(failed, Response::Tensors),
        Request::TrainBegin {
            model,
            input,
            params,
            optimizer,
        } => match Trainer::new(&CpuBackend, &model, &input, &params, optimizer) {
            Ok(t) => {
                TRAINER.with(|s| *s.borrow_mut() = Some(t));
                Response::Done
            }
            Err(e) => failed(e),
        },
        Request::TrainStep { x, labels } => with_trainer(|t| {
            let (loss, logits) = t.step_with_logits(&CpuBackend, &x, &labels)?;
            Ok(Response::Step {
                loss: loss.data[0],
                logits,
            })
        }),
        Request::TrainRetune { optimizer } => with_trainer(|t| {
            t.retune(optimizer)?;
            Ok(Response::Done)
        }),
        Request::TrainLogits { x } => {
            with_trainer(|t| Ok(Response::Tensors(vec![t.logits(&CpuBackend, &x)?])))
        }
        Request::TrainParams => with_trainer(|t| Ok(Response::Params(t.params.clone()))),
        Request::ExperimentBegin { preset, seed } => {
            let begun = Preset::from_slug(&preset)
                .and_then(|p| Experiment::new(&CpuBackend, p, seed))
                .and_then(|e| Ok((e.inside(&CpuBackend)?, e)));
            match begun {
                Ok((inside, e)) => {
                    EXPERIMENT.with(|s| *s.borrow_mut() = Some(e));
                    Response::Inside(inside)
                }
                Err(e) => failed(e),
            }
        }
        Request::ExperimentStep { x, labels } => with_experiment(|e| {
            let results = e.step(&CpuBackend, &x, &labels, &clock)?;
            let inside = e.inside(&CpuBackend)?;
            Ok(Response::RunSteps { results, inside })
        }),
        Request::ExperimentRetune { run, optimizer } => with_experiment(|e| {
            e.retune(run, optimizer)?;
            Ok(Response::Done)
        }),
        Request::ReadIdxSet { files } => {
            idx_set::assemble(files).map_or_else(Response::Error, Response::IdxSet)
        }
        Request::ReadSafetensors { bytes } => {
            match (
                safetensors::deserialize(&bytes),
                safetensors::metadata(&bytes),
            ) {
                (Ok(tensors), Ok(metadata)) => Response::Safetensors { tensors, metadata },
                (Err(e), _) | (_, Err(e)) => failed(e),
            }
        }
    }
}

/// Milliseconds on this worker's monotonic clock (`performance.now()`: the page's `now_ms`
/// needs a window, which a worker has not).
fn clock() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

fn with_trainer(
    f: impl FnOnce(&mut Trainer<CpuBackend>) -> convlab_core::Result<Response>,
) -> Response {
    TRAINER.with(|s| match s.borrow_mut().as_mut() {
        Some(t) => f(t).unwrap_or_else(|e| Response::Error(e.to_string())),
        None => Response::Error("internal error: no training session in the worker".into()),
    })
}

fn with_experiment(
    f: impl FnOnce(&mut Experiment<CpuBackend>) -> convlab_core::Result<Response>,
) -> Response {
    EXPERIMENT.with(|s| match s.borrow_mut().as_mut() {
        Some(e) => f(e).unwrap_or_else(|e| Response::Error(e.to_string())),
        None => Response::Error("internal error: no experiment in the worker".into()),
    })
}
