//! A training run in the browser. The run lives on the page's thread: each step is recorded on the
//! GPU (or computed on the CPU), its loss and logits are read back, and the loop yields to the
//! browser before the next step so the page stays responsive. Every few steps the weights are
//! copied to the host, so a lost GPU costs at most those steps: training resumes on the CPU.
//!
//! The session (model, weights on the device, optimizer state, position in the data) is one
//! value in a thread-local. Whoever uses it (the training loop, a prediction for the drawing pad)
//! leases it for the duration of an `await` ([`lease`]); others wait their turn. The data can
//! change between a pause and the next resume.

use std::cell::{Cell, RefCell};
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use convlab_core::dataset::Split;
use convlab_core::nn::{init, Model, ParamStore};
use convlab_core::optim::{AdamConfig, SgdConfig};
use convlab_core::rng::Rng;
use convlab_core::train::{argmax_rows, Optimizer, Trainer};
use convlab_core::{arch, Backend, CpuBackend, Error, Tensor};
use convlab_gpu::GpuBackend;
use leptos::prelude::*;

use crate::compute::Compute;

/// Steps between copies of the weights to the host.
const SNAPSHOT_EVERY: usize = 20;

/// The input of every model of this page: one 28×28 grey image.
const INPUT: [usize; 3] = [1, 28, 28];

/// What the user chose.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub model: String,
    pub optimizer: Optimizer,
    pub batch: usize,
    pub epochs: usize,
    pub seed: u64,
}

impl Config {
    pub fn optimizer(name: &str, lr: f32) -> Optimizer {
        match name {
            "sgd" => Optimizer::Sgd(SgdConfig {
                lr,
                ..SgdConfig::default()
            }),
            _ => Optimizer::Adam(AdamConfig {
                lr,
                ..AdamConfig::default()
            }),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunState {
    Idle,
    Loading,
    Running,
    Paused,
    Finished,
    /// Stopped by a problem the user must act on (a diverging loss, bad data), with the explanation.
    Stopped(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EpochResult {
    pub epoch: usize,
    pub train_accuracy: f32,
    pub test_accuracy: f32,
    pub images_per_s: f32,
}

/// Everything the page draws, as signals.
#[derive(Clone, Copy)]
pub struct Progress {
    pub state: RwSignal<RunState>,
    /// The loss of every step.
    pub losses: RwSignal<Vec<f32>>,
    /// Training images per second, step by step.
    pub speed: RwSignal<Vec<f32>>,
    pub epochs: RwSignal<Vec<EpochResult>>,
    /// `(epoch, step in the epoch, steps per epoch)`.
    pub position: RwSignal<(usize, usize, usize)>,
    /// `confusion[true][predicted]` on the test set after the last epoch or pause.
    pub confusion: RwSignal<Option<Vec<[u32; 10]>>>,
    /// `(test index, predicted, label)` of the first test images.
    pub predictions: RwSignal<Vec<(usize, usize, usize)>>,
    /// The first layer's weights (host copy of the last snapshot).
    pub first_layer: RwSignal<Option<Tensor>>,
    /// Which device the run uses now.
    pub device: RwSignal<String>,
    /// Bumped whenever the model's weights change visibly (a snapshot, a load): what the
    /// drawing pad's prediction follows.
    pub weights_version: RwSignal<u64>,
}

impl Progress {
    pub fn new() -> Self {
        Progress {
            state: RwSignal::new(RunState::Idle),
            losses: RwSignal::new(vec![]),
            speed: RwSignal::new(vec![]),
            epochs: RwSignal::new(vec![]),
            position: RwSignal::new((0, 0, 0)),
            confusion: RwSignal::new(None),
            predictions: RwSignal::new(vec![]),
            first_layer: RwSignal::new(None),
            device: RwSignal::new(String::new()),
            weights_version: RwSignal::new(0),
        }
    }

    fn clear(&self) {
        self.losses.set(vec![]);
        self.speed.set(vec![]);
        self.epochs.set(vec![]);
        self.position.set((0, 0, 0));
        self.confusion.set(None);
        self.predictions.set(vec![]);
        self.first_layer.set(None);
        self.weights_version.update(|v| *v += 1);
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

/// A trainer on whichever device computes.
enum Run {
    Gpu(Rc<GpuBackend>, Trainer<GpuBackend>),
    Cpu(Trainer<CpuBackend>),
}

impl Run {
    fn new(
        compute: &Compute,
        model: &Model,
        params: &ParamStore<Tensor>,
        optimizer: Optimizer,
    ) -> convlab_core::Result<Run> {
        if let Some(gpu) = compute.gpu() {
            match Trainer::new(&*gpu, model, &INPUT, params, optimizer) {
                Ok(t) => return Ok(Run::Gpu(gpu, t)),
                Err(Error::Device(m)) => compute.gpu_failed(&m),
                Err(e) => return Err(e),
            }
        }
        Ok(Run::Cpu(Trainer::new(
            &CpuBackend,
            model,
            &INPUT,
            params,
            optimizer,
        )?))
    }

    fn device(&self) -> String {
        match self {
            Run::Gpu(gpu, _) => gpu_label(gpu),
            Run::Cpu(_) => "CPU".into(),
        }
    }

    /// One step: the loss and the logits.
    async fn step(&mut self, x: &Tensor, labels: &[usize]) -> convlab_core::Result<(f32, Tensor)> {
        match self {
            Run::Gpu(gpu, t) => {
                let (loss, logits) = t.step_with_logits(&**gpu, &gpu.upload(x)?, labels)?;
                let loss = gpu.read(&loss).await?;
                Ok((loss.data[0], gpu.read(&logits).await?))
            }
            Run::Cpu(t) => {
                let (loss, logits) = t.step_with_logits(&CpuBackend, x, labels)?;
                Ok((loss.data[0], logits))
            }
        }
    }

    /// The logits of `x` in evaluation mode (batch norm on its running statistics).
    async fn logits(&mut self, x: &Tensor) -> convlab_core::Result<Tensor> {
        match self {
            Run::Gpu(gpu, t) => {
                let y = t.logits(&**gpu, &gpu.upload(x)?)?;
                gpu.read(&y).await
            }
            Run::Cpu(t) => t.logits(&CpuBackend, x),
        }
    }

    /// The parameters and buffers, copied to the host.
    async fn params(&self) -> convlab_core::Result<ParamStore<Tensor>> {
        match self {
            Run::Gpu(gpu, t) => {
                let mut host = ParamStore::new();
                for (name, value) in t.params.iter() {
                    host.insert(name, gpu.read(value).await?);
                }
                Ok(host)
            }
            Run::Cpu(t) => Ok(t.params.clone()),
        }
    }
}

struct Session {
    config: Config,
    /// The model resolved for 28×28 inputs.
    model: Model,
    /// The data trained on (set by [`Session::attach`]).
    data: Option<Rc<Split>>,
    run: Run,
    rng: Rng,
    order: Vec<usize>,
    cursor: usize,
    epoch: usize,
    correct: usize,
    seen: usize,
    epoch_start: f64,
    /// The weights of the last snapshot (what a GPU failure falls back to).
    snapshot: ParamStore<Tensor>,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
    /// Bumped by every new session or reset: a lease of an older session does not put it back.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    /// The generation of the session lent out right now, if any.
    static LEASED: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The session, lent to one task at a time; it goes back when the lease is dropped, unless a
/// new session replaced it or a reset removed it meanwhile.
struct Lease {
    session: Option<Session>,
    generation: u64,
}

impl Deref for Lease {
    type Target = Session;
    fn deref(&self) -> &Session {
        self.session
            .as_ref()
            .expect("a lease holds its session until dropped")
    }
}

impl DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut Session {
        self.session
            .as_mut()
            .expect("a lease holds its session until dropped")
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(s) = self.session.take() {
            if GENERATION.get() == self.generation {
                SESSION.with(|c| *c.borrow_mut() = Some(s));
            }
        }
        LEASED.set(None);
    }
}

/// Waits for the session and borrows it; `None` when there is none.
async fn lease() -> Option<Lease> {
    loop {
        if LEASED.get().is_none() {
            let session = SESSION.with(|s| s.borrow_mut().take())?;
            let generation = GENERATION.get();
            LEASED.set(Some(generation));
            return Some(Lease {
                session: Some(session),
                generation,
            });
        }
        // Whoever holds it releases it within a step or an evaluation.
        yield_to_browser().await;
    }
}

fn install(session: Option<Session>) {
    GENERATION.set(GENERATION.get() + 1);
    SESSION.with(|s| *s.borrow_mut() = session);
}

/// "WebGPU · <adapter>" (browsers may hide the adapter's name).
pub fn gpu_label(gpu: &GpuBackend) -> String {
    let name = gpu.adapter().name;
    if name.is_empty() {
        "WebGPU · WebGPU adapter".into()
    } else {
        format!("WebGPU · {name}")
    }
}

/// Milliseconds from a monotonic clock.
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Lets the browser paint and handle input before the next step.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The model of `name`, resolved for 28×28 images.
pub fn resolved_model(name: &str) -> Result<Model, String> {
    let model = arch::by_name(name).map_err(|e| e.to_string())?;
    Ok(model.propagate(&INPUT).map_err(|e| e.to_string())?.0)
}

/// Sets up a new run (fresh weights) on the data and device at hand.
pub fn start(
    compute: Compute,
    progress: Progress,
    data: Rc<Split>,
    config: Config,
) -> Result<(), String> {
    let model = resolved_model(&config.model)?;
    let params = init::pytorch_default(&model, config.seed);
    let run = Run::new(&compute, &model, &params, config.optimizer).map_err(|e| e.to_string())?;
    progress.clear();
    progress.device.set(run.device());
    progress.first_layer.set(first_layer(&params));
    let mut session = Session {
        rng: Rng::new(config.seed),
        config,
        model,
        data: None,
        run,
        order: vec![],
        cursor: 0,
        epoch: 1,
        correct: 0,
        seen: 0,
        epoch_start: now_ms(),
        snapshot: params,
    };
    session.attach(data);
    install(Some(session));
    Ok(())
}

impl Session {
    /// Trains on `data` from now on: a new epoch starts unless it is the data already in use.
    fn attach(&mut self, data: Rc<Split>) {
        if self.data.as_ref().is_some_and(|d| Rc::ptr_eq(d, &data)) {
            return;
        }
        self.order = (0..data.train.len()).collect();
        self.rng.shuffle(&mut self.order);
        self.data = Some(data);
        self.cursor = 0;
        self.correct = 0;
        self.seen = 0;
        self.epoch_start = now_ms();
    }
}

/// Resumes the paused session on `data` (a new epoch if the data changed) with the batch size,
/// epochs and optimizer of `config` (a new optimizer or learning rate restarts the optimizer's
/// state from the current weights). `Ok(false)` when there is no session to resume.
pub async fn resume_on(compute: Compute, data: Rc<Split>, config: Config) -> Result<bool, String> {
    let Some(mut s) = lease().await else {
        return Ok(false);
    };
    s.attach(data);
    if s.config.optimizer != config.optimizer {
        s.snapshot = s.run.params().await.map_err(|e| e.to_string())?;
        s.run = Run::new(&compute, &s.model, &s.snapshot, config.optimizer)
            .map_err(|e| e.to_string())?;
        s.config.optimizer = config.optimizer;
    }
    s.config.batch = config.batch;
    s.config.epochs = config.epochs;
    Ok(true)
}

pub fn reset(progress: Progress) {
    install(None);
    progress.clear();
    progress.device.set(String::new());
    progress.state.set(RunState::Idle);
}

pub fn has_session() -> bool {
    SESSION.with(|s| s.borrow().is_some()) || LEASED.get() == Some(GENERATION.get())
}

fn first_layer(params: &ParamStore<Tensor>) -> Option<Tensor> {
    params.iter().next().map(|(_, t)| t.clone())
}

/// Runs steps until paused, finished or stopped. Call with the state set to `Running`. When
/// paused, the weights are copied to the host (the drawing pad and the filters follow them).
pub async fn run(compute: Compute, progress: Progress) {
    let generation = GENERATION.get();
    while progress.state.get_untracked() == RunState::Running {
        let Some(mut session) = lease().await else {
            return;
        };
        if session.generation != generation {
            // A reset and a new Start happened while this loop waited: the new loop runs it.
            return;
        }
        let outcome = step(&compute, &progress, &mut session).await;
        drop(session);
        if let Err(message) = outcome {
            progress.state.set(RunState::Stopped(message));
            return;
        }
        yield_to_browser().await;
    }
    if progress.state.get_untracked() == RunState::Paused && GENERATION.get() == generation {
        if let Some(mut s) = lease().await {
            if let Ok(p) = s.run.params().await {
                s.snapshot = p;
                progress.first_layer.set(first_layer(&s.snapshot));
                progress.weights_version.update(|v| *v += 1);
            }
        }
    }
}

async fn step(compute: &Compute, progress: &Progress, s: &mut Session) -> Result<(), String> {
    let Some(data) = s.data.clone() else {
        return Err("internal error: training without data".into());
    };
    if s.order.is_empty() {
        return Err("the training set is empty".into());
    }
    let batch = s.config.batch.min(s.order.len() - s.cursor);
    let indices = &s.order[s.cursor..s.cursor + batch];
    let (x, labels) = data.train.batch(indices);
    let started = now_ms();
    let (loss, logits) = match s.run.step(&x, &labels).await {
        Ok(r) => r,
        Err(Error::Device(message)) => {
            // The GPU is gone: continue on the CPU from the last snapshot of the weights.
            compute.gpu_failed(&message);
            s.run = Run::Cpu(
                Trainer::new(
                    &CpuBackend,
                    &s.model,
                    &INPUT,
                    &s.snapshot,
                    s.config.optimizer,
                )
                .map_err(|e| e.to_string())?,
            );
            progress.device.set(s.run.device());
            return Ok(());
        }
        Err(e) => return Err(e.to_string()),
    };
    if !loss.is_finite() {
        let lr = s.config.optimizer.learning_rate();
        return Err(format!(
            "The loss became {loss} at step {}: training diverged, so it was stopped. The learning rate {lr} is \
             probably too high: lower it (for example to {}), then press Reset and Start.",
            progress.losses.with_untracked(Vec::len) + 1,
            lr / 10.0
        ));
    }
    let seconds = ((now_ms() - started) / 1000.0).max(1e-6);
    let predictions = argmax_rows(&logits).map_err(|e| e.to_string())?;
    s.correct += predictions
        .iter()
        .zip(&labels)
        .filter(|(p, l)| p == l)
        .count();
    s.seen += batch;
    s.cursor += batch;
    progress.losses.update(|l| l.push(loss));
    progress
        .speed
        .update(|v| v.push(batch as f32 / seconds as f32));
    let steps_per_epoch = s.order.len().div_ceil(s.config.batch);
    progress
        .position
        .set((s.epoch, s.cursor.div_ceil(s.config.batch), steps_per_epoch));
    if progress
        .losses
        .with_untracked(Vec::len)
        .is_multiple_of(SNAPSHOT_EVERY)
    {
        s.snapshot = s.run.params().await.map_err(|e| e.to_string())?;
        progress.first_layer.set(first_layer(&s.snapshot));
        progress.weights_version.update(|v| *v += 1);
    }
    if s.cursor >= s.order.len() {
        finish_epoch(progress, s, &data).await?;
    }
    Ok(())
}

async fn finish_epoch(progress: &Progress, s: &mut Session, data: &Split) -> Result<(), String> {
    let seconds = (now_ms() - s.epoch_start) / 1000.0;
    let test_accuracy = evaluate(progress, s, data).await?;
    progress.epochs.update(|e| {
        e.push(EpochResult {
            epoch: s.epoch,
            train_accuracy: s.correct as f32 / s.seen.max(1) as f32,
            test_accuracy,
            images_per_s: (s.seen as f64 / seconds.max(1e-6)) as f32,
        })
    });
    s.snapshot = s.run.params().await.map_err(|e| e.to_string())?;
    progress.first_layer.set(first_layer(&s.snapshot));
    progress.weights_version.update(|v| *v += 1);
    if s.epoch >= s.config.epochs {
        progress.state.set(RunState::Finished);
    }
    s.epoch += 1;
    s.cursor = 0;
    s.correct = 0;
    s.seen = 0;
    s.rng.shuffle(&mut s.order);
    s.epoch_start = now_ms();
    Ok(())
}

/// Test accuracy, the confusion matrix and the first predictions, in evaluation mode.
async fn evaluate(progress: &Progress, s: &mut Session, data: &Split) -> Result<f32, String> {
    let test = &data.test;
    let mut confusion = vec![[0u32; 10]; 10];
    let mut shown = Vec::new();
    let indices: Vec<usize> = (0..test.len()).collect();
    for chunk in indices.chunks(250) {
        let (x, labels) = test.batch(chunk);
        let logits = s.run.logits(&x).await.map_err(|e| e.to_string())?;
        for ((&i, p), l) in chunk
            .iter()
            .zip(argmax_rows(&logits).map_err(|e| e.to_string())?)
            .zip(labels)
        {
            if l < 10 && p < 10 {
                confusion[l][p] += 1;
            }
            if shown.len() < 48 {
                shown.push((i, p, l));
            }
        }
        yield_to_browser().await;
    }
    let correct: u32 = (0..10).map(|i| confusion[i][i]).sum();
    progress.confusion.set(Some(confusion));
    progress.predictions.set(shown);
    Ok(correct as f32 / test.len().max(1) as f32)
}

/// Class probabilities of one `[1, 1, 28, 28]` image: the softmax of the model's logits, computed
/// by the engine in evaluation mode. `Ok(None)` when there is no model yet.
pub async fn predict(image: &Tensor) -> Result<Option<Vec<f32>>, String> {
    let Some(mut s) = lease().await else {
        return Ok(None);
    };
    let logits = s.run.logits(image).await.map_err(|e| e.to_string())?;
    Ok(Some(softmax(&logits.data)))
}

/// `exp(z_i - max) / Σ exp(z_j - max)`: the softmax, safe from overflow.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&z| (z - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}
