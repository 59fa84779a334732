//! A trainer on whichever device computes: on WebGPU a core `Trainer` on the page's thread
//! (recording is quick; the GPU works while the page renders), on the CPU a trainer in the
//! training worker, driven by messages, so a step never blocks the page.

use std::rc::Rc;

use convlab_core::budget;
use convlab_core::nn::{Model, ParamStore};
use convlab_core::train::{Optimizer, Trainer};
use convlab_core::{Backend, Error, Result, Tensor};
use convlab_gpu::GpuBackend;

use super::INPUT;
use crate::compute::Compute;
use crate::worker::{self, Request, Response};

pub enum Run {
    /// Boxed: a trainer holds its parameter, gradient and moment groups, far larger than `Cpu`.
    Gpu(Rc<GpuBackend>, Box<Trainer<GpuBackend>>),
    /// The trainer lives in the training worker; this side counts its steps.
    Cpu { model: Model, steps: u32 },
}

/// The worker's answer as a result: its error message becomes an error.
fn answer(response: Response) -> Result<Response> {
    match response {
        Response::Error(message) => Err(Error::Invalid(message)),
        other => Ok(other),
    }
}

fn unexpected(response: Response) -> Error {
    Error::Invalid(response.unexpected())
}

impl Run {
    /// A trainer of `model` from `params`, on the GPU when the page has one (falling back to
    /// the CPU if the GPU fails now).
    pub async fn new(
        compute: &Compute,
        model: &Model,
        params: &ParamStore<Tensor>,
        optimizer: Optimizer,
    ) -> Result<Run> {
        if let Some(gpu) = compute.gpu() {
            match Run::on_gpu(gpu, model, params, optimizer) {
                Err(Error::Device(m)) => compute.gpu_failed(&m),
                run => return run,
            }
        }
        Run::on_cpu(model, params, optimizer).await
    }

    /// A trainer on `gpu`.
    pub fn on_gpu(
        gpu: Rc<GpuBackend>,
        model: &Model,
        params: &ParamStore<Tensor>,
        optimizer: Optimizer,
    ) -> Result<Run> {
        let trainer = Trainer::new(&*gpu, model, &INPUT, params, optimizer)?;
        Ok(Run::Gpu(gpu, Box::new(trainer)))
    }

    /// A trainer in the training worker (replacing any it had).
    pub async fn on_cpu(
        model: &Model,
        params: &ParamStore<Tensor>,
        optimizer: Optimizer,
    ) -> Result<Run> {
        let request = Request::TrainBegin {
            model: model.clone(),
            input: INPUT.to_vec(),
            params: params.clone(),
            optimizer,
        };
        match answer(worker::training().ask(request).await)? {
            Response::Done => Ok(Run::Cpu {
                model: model.clone(),
                steps: 0,
            }),
            other => Err(unexpected(other)),
        }
    }

    /// What the status line says computes the run.
    pub fn device(&self, compute: &Compute) -> String {
        match self {
            Run::Gpu(..) => compute.gpu_label(),
            Run::Cpu { .. } => "CPU".into(),
        }
    }

    pub fn steps(&self) -> u32 {
        match self {
            Run::Gpu(_, t) => t.steps(),
            Run::Cpu { steps, .. } => *steps,
        }
    }

    /// Bytes the GPU's buffer pool holds (`None` on the CPU).
    pub fn gpu_bytes(&self) -> Option<u64> {
        match self {
            Run::Gpu(gpu, _) => Some(gpu.engine().allocated_bytes()),
            Run::Cpu { .. } => None,
        }
    }

    /// One step: the loss and the logits. On the CPU a batch over the budget (a training step
    /// costs about three forward passes) is refused with the limit, before it is sent.
    pub async fn step(&mut self, x: &Tensor, labels: &[usize]) -> Result<(f32, Tensor)> {
        match self {
            Run::Gpu(gpu, t) => {
                let (loss, logits) = t.step_with_logits(&**gpu, &gpu.upload(x)?, labels)?;
                // One round trip for both: the step's only read-back.
                let mut read = gpu.read_all(&[&loss, &logits]).await?.into_iter();
                let (Some(loss), Some(logits)) = (read.next(), read.next()) else {
                    return Err(Error::Device("the GPU returned too few tensors".into()));
                };
                Ok((loss.data.first().copied().unwrap_or(f32::NAN), logits))
            }
            Run::Cpu { model, steps } => {
                budget::forward(model, &INPUT, x.shape[0])?
                    .times(3)
                    .check()?;
                let request = Request::TrainStep {
                    x: x.clone(),
                    labels: labels.to_vec(),
                };
                match answer(worker::training().ask(request).await)? {
                    Response::Step { loss, logits } => {
                        *steps += 1;
                        Ok((loss, logits))
                    }
                    other => Err(unexpected(other)),
                }
            }
        }
    }

    /// New settings of the same optimizer, from the next step on ([`Trainer::retune`]).
    pub async fn retune(&mut self, optimizer: Optimizer) -> Result<()> {
        match self {
            Run::Gpu(_, t) => t.retune(optimizer),
            Run::Cpu { .. } => {
                match answer(
                    worker::training()
                        .ask(Request::TrainRetune { optimizer })
                        .await,
                )? {
                    Response::Done => Ok(()),
                    other => Err(unexpected(other)),
                }
            }
        }
    }

    /// The logits of `x` in evaluation mode (batch norm on its running statistics).
    pub async fn logits(&mut self, x: &Tensor) -> Result<Tensor> {
        match self {
            Run::Gpu(gpu, t) => {
                let y = t.logits(&**gpu, &gpu.upload(x)?)?;
                gpu.read(&y).await
            }
            Run::Cpu { .. } => {
                let request = Request::TrainLogits { x: x.clone() };
                match answer(worker::training().ask(request).await)? {
                    Response::Tensors(mut t) if t.len() == 1 => Ok(t.remove(0)),
                    other => Err(unexpected(other)),
                }
            }
        }
    }

    /// The parameters and buffers, copied to the page.
    pub async fn params(&self) -> Result<ParamStore<Tensor>> {
        match self {
            Run::Gpu(gpu, t) => {
                let mut host = ParamStore::new();
                for (name, value) in t.params.iter() {
                    host.insert(name, gpu.read(value).await?);
                }
                Ok(host)
            }
            Run::Cpu { .. } => match answer(worker::training().ask(Request::TrainParams).await)? {
                Response::Params(p) => Ok(p),
                other => Err(unexpected(other)),
            },
        }
    }
}
