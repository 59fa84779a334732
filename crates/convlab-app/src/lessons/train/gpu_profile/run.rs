//! Profiling one training step of the page's model on the page's GPU: a copy of the model with
//! fresh weights, so the student's training is not touched (the time of a step does not depend
//! on the values it computes with).

use convlab_core::nn::init;
use convlab_core::train::Trainer;
use convlab_core::{Backend, Error, Tensor};
use convlab_gpu::{GpuBackend, KernelTime};

use crate::browser::yield_to_browser;
use crate::training::{resolved_model, Config, INPUT};

/// The kernels of one training step of `config`'s model at its batch size, each timed alone.
/// One unprofiled step first, so that every buffer and bind group exists already.
pub async fn profile_step(gpu: &GpuBackend, config: &Config) -> Result<Vec<KernelTime>, String> {
    let err = |e: Error| e.to_string();
    let model = resolved_model(&config.model)?;
    let params = init::pytorch_default(&model, config.seed);
    let mut trainer = Trainer::new(gpu, &model, &INPUT, &params, config.optimizer).map_err(err)?;
    yield_to_browser().await;
    let mut shape = vec![config.batch];
    shape.extend(INPUT);
    let x = gpu.upload(&Tensor::zeros(&shape)).map_err(err)?;
    let labels: Vec<usize> = (0..config.batch).map(|i| i % 10).collect();
    // The page's thread between the set-up and the first step, which creates every buffer.
    yield_to_browser().await;
    let loss = trainer.step(gpu, &x, &labels).map_err(err)?;
    gpu.read(&loss).await.map_err(err)?;
    gpu.engine().begin_profile();
    let stepped = trainer.step(gpu, &x, &labels);
    // The profile ends even if the step failed half-way: the engine must not stay profiling.
    let kernels = gpu.engine().end_profile().await.map_err(err)?;
    stepped.map_err(err)?;
    Ok(kernels)
}
