//! A training run in the browser. The run lives on the page's thread: each step is recorded on the
//! GPU (or computed on the CPU), its loss and logits are read back, and the loop yields to the
//! browser before the next step so the page stays responsive. Every few steps the weights are
//! copied to the host, so a lost GPU costs at most those steps: training resumes on the CPU.
//!
//! The session (model, weights on the device, optimizer state, position in the data) is one
//! value in a thread-local. Whoever uses it (the training loop, a prediction for the drawing pad,
//! a save) leases it for the duration of an `await` ([`lease`]); others wait their turn. A session
//! can also start from weights loaded from a file or restored from the browser's storage, without
//! data: data is attached when training resumes.

use std::cell::{Cell, RefCell};
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use convlab_core::dataset::Split;
use convlab_core::nn::params::join;
use convlab_core::nn::{init, Layer, Model, ParamStore};
use convlab_core::ops::Conv2dParams;
use convlab_core::optim::{AdamConfig, SgdConfig};
use convlab_core::rng::Rng;
use convlab_core::train::{argmax_rows, Optimizer, Trainer};
use convlab_core::{arch, safetensors, Backend, CpuBackend, Error, Tensor};
use convlab_gpu::GpuBackend;
use leptos::prelude::*;

use crate::compute::Compute;

/// Steps between copies of the weights to the host.
const SNAPSHOT_EVERY: usize = 20;

/// A mean cross-entropy above this has exploded, even if still finite (Adam's steps are bounded
/// by the learning rate, so lr = 1e9 gives huge but finite losses): guessing at random over ten
/// classes scores ln 10 ≈ 2.3, and a network that never trained rarely exceeds 20.
const EXPLODED_LOSS: f32 = 1e3;

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
    pub first_layer: RwSignal<Option<FirstLayer>>,
    /// Which device the run uses now.
    pub device: RwSignal<String>,
    /// Bumped whenever the model's weights change visibly (a snapshot, a load): what the
    /// drawing pad's prediction follows.
    pub weights_version: RwSignal<u64>,
    /// Bytes the GPU's buffer pool holds now, and at the end of each epoch `(epoch, bytes)`
    /// (`None` / empty on the CPU).
    pub gpu_bytes: RwSignal<Option<u64>>,
    pub gpu_bytes_by_epoch: RwSignal<Vec<(usize, u64)>>,
    /// Where the weights came from, when not from this page's training ("restored weights from
    /// your last session", "loaded mnist_convnet.safetensors").
    pub weights_note: RwSignal<Option<String>>,
    /// A problem saving the weights in the browser's storage (it is full, or disabled).
    pub storage_error: RwSignal<Option<String>>,
    /// After a diverged run: a learning rate to try instead.
    pub suggested_lr: RwSignal<Option<f32>>,
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
            gpu_bytes: RwSignal::new(None),
            gpu_bytes_by_epoch: RwSignal::new(vec![]),
            weights_note: RwSignal::new(None),
            storage_error: RwSignal::new(None),
            suggested_lr: RwSignal::new(None),
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
        self.gpu_bytes_by_epoch.set(vec![]);
        self.weights_note.set(None);
        self.storage_error.set(None);
        self.suggested_lr.set(None);
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

    /// What the status line says computes the run.
    fn device(&self, compute: &Compute) -> String {
        match self {
            Run::Gpu(..) => gpu_label(compute),
            Run::Cpu(_) => "CPU".into(),
        }
    }

    fn steps(&self) -> u32 {
        match self {
            Run::Gpu(_, t) => t.steps(),
            Run::Cpu(t) => t.steps(),
        }
    }

    /// Bytes the GPU's buffer pool holds (`None` on the CPU).
    fn gpu_bytes(&self) -> Option<u64> {
        match self {
            Run::Gpu(gpu, _) => Some(gpu.engine().allocated_bytes()),
            Run::Cpu(_) => None,
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
    /// The data trained on; `None` for weights loaded or restored, until training resumes.
    data: Option<Rc<Split>>,
    run: Run,
    rng: Rng,
    order: Vec<usize>,
    cursor: usize,
    epoch: usize,
    correct: usize,
    seen: usize,
    epoch_start: f64,
    /// Training steps the weights had before this run (from the file they were loaded from).
    base_steps: u64,
    /// The weights of the last snapshot (what a GPU failure falls back to).
    snapshot: ParamStore<Tensor>,
}

impl Session {
    /// A session of `config`'s model with weights `params` (which have had `steps` training
    /// steps), on the device at hand, not yet trained; the charts start empty.
    fn begin(
        compute: &Compute,
        progress: Progress,
        config: Config,
        params: ParamStore<Tensor>,
        steps: u64,
    ) -> Result<Session, String> {
        let model = resolved_model(&config.model)?;
        let run =
            Run::new(compute, &model, &params, config.optimizer).map_err(|e| e.to_string())?;
        progress.clear();
        progress.device.set(run.device(compute));
        progress.first_layer.set(first_layer(&model, &params));
        progress.gpu_bytes.set(run.gpu_bytes());
        Ok(Session {
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
            base_steps: steps,
            snapshot: params,
        })
    }

    /// Training steps behind the current weights (batch norm's `num_batches_tracked`).
    fn total_steps(&self) -> u64 {
        self.base_steps + u64::from(self.run.steps())
    }
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

/// "WebGPU · <adapter>", the adapter named as the badge names it.
pub fn gpu_label(compute: &Compute) -> String {
    let name = compute.adapter_name();
    format!("WebGPU · {}", name.as_deref().unwrap_or("WebGPU adapter"))
}

/// Milliseconds from a monotonic clock.
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Lets the browser paint and handle input before the next step.
/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

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
    let params = init::pytorch_default(&resolved_model(&config.model)?, config.seed);
    let mut session = Session::begin(&compute, progress, config, params, 0)?;
    session.attach(data);
    install(Some(session));
    Ok(())
}

/// Makes `params` (checked against the model of `config`) the model of a new session, paused,
/// so predictions use them and Resume trains on from them. `steps` is how many training steps
/// they have had; `note` says where they come from.
pub fn adopt(
    compute: Compute,
    progress: Progress,
    config: Config,
    params: ParamStore<Tensor>,
    steps: u64,
    note: String,
) -> Result<(), String> {
    let session = Session::begin(&compute, progress, config, params, steps)?;
    progress.weights_note.set(Some(if steps > 0 {
        format!("{note} ({steps} training steps).")
    } else {
        format!("{note}.")
    }));
    install(Some(session));
    progress.state.set(RunState::Paused);
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
        s.base_steps += u64::from(s.run.steps());
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
    progress.gpu_bytes.set(None);
    progress.device.set(String::new());
    progress.state.set(RunState::Idle);
}

pub fn has_session() -> bool {
    SESSION.with(|s| s.borrow().is_some()) || LEASED.get() == Some(GENERATION.get())
}

/// The name of the model of the session, if there is one (and it is not lent out).
pub fn session_model() -> Option<String> {
    SESSION.with(|s| s.borrow().as_ref().map(|s| s.config.model.clone()))
}

/// The model's first layer, a convolution, with its weights: what the page draws as filters and
/// runs on a test image to show its feature maps.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstLayer {
    /// `[C_out, C_in, kH, kW]`.
    pub weight: Tensor,
    pub bias: Option<Tensor>,
    pub params: Conv2dParams,
}

fn first_layer(model: &Model, params: &ParamStore<Tensor>) -> Option<FirstLayer> {
    let leaf = model.leaves().into_iter().next()?;
    let Layer::Conv2d {
        params: conv, bias, ..
    } = leaf.layer
    else {
        return None;
    };
    let get = |name: &str| params.get(&join(&leaf.path, name)).ok().cloned();
    Some(FirstLayer {
        weight: get("weight")?,
        bias: if bias { get("bias") } else { None },
        params: conv,
    })
}

/// Runs steps until paused, finished or stopped. Call with the state set to `Running`. Saves the
/// weights in the browser's storage after each epoch and when paused.
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
            match s.run.params().await {
                Ok(p) => {
                    s.snapshot = p;
                    progress.first_layer.set(first_layer(&s.model, &s.snapshot));
                    progress.weights_version.update(|v| *v += 1);
                    persist(&progress, &s);
                }
                Err(e) => progress.storage_error.set(Some(e.to_string())),
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
            s.base_steps += u64::from(s.run.steps());
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
            progress.device.set(s.run.device(compute));
            progress.gpu_bytes.set(None);
            return Ok(());
        }
        Err(e) => return Err(e.to_string()),
    };
    if !loss.is_finite() || loss > EXPLODED_LOSS {
        let lr = s.config.optimizer.learning_rate();
        progress.suggested_lr.set(Some(suggested_lr(lr)));
        return Err(format!(
            "The loss became {} at step {} (guessing at random scores about 2.3): training diverged, so it \
             was stopped (the weights are now meaningless, and they were not saved). The learning rate {} is \
             probably too high: lower it (for example to {}), then press Reset and Start.",
            short(loss),
            progress.losses.with_untracked(Vec::len) + 1,
            short(lr),
            short(suggested_lr(lr))
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
    progress.gpu_bytes.set(s.run.gpu_bytes());
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
        progress.first_layer.set(first_layer(&s.model, &s.snapshot));
        progress.weights_version.update(|v| *v += 1);
    }
    if s.cursor >= s.order.len() {
        finish_epoch(progress, s, &data).await?;
    }
    Ok(())
}

/// A learning rate that should not diverge: a tenth of `lr`, but at most Adam's default.
fn suggested_lr(lr: f32) -> f32 {
    if lr.is_finite() {
        (lr / 10.0).min(1e-3)
    } else {
        1e-3
    }
}

/// `v` for a person: `1e9` rather than `1000000000`, `8.38e20` rather than 21 digits.
pub fn short(v: f32) -> String {
    let a = v.abs();
    if v.is_finite() && a != 0.0 && !(1e-4..1e5).contains(&a) {
        let s = format!("{v:.2e}");
        // 1.00e9 → 1e9
        s.replace(".00e", "e")
    } else {
        format!("{v}")
    }
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
    progress.first_layer.set(first_layer(&s.model, &s.snapshot));
    progress.weights_version.update(|v| *v += 1);
    if let Some(bytes) = s.run.gpu_bytes() {
        progress.gpu_bytes.set(Some(bytes));
        progress
            .gpu_bytes_by_epoch
            .update(|v| v.push((s.epoch, bytes)));
    }
    persist(progress, s);
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

/// The current weights as a `.safetensors` file (PyTorch `state_dict` names, with batch norm's
/// `num_batches_tracked`), read fresh from the device. `None` when there is no model.
pub async fn export() -> Result<Option<Vec<u8>>, String> {
    let Some(mut s) = lease().await else {
        return Ok(None);
    };
    s.snapshot = s.run.params().await.map_err(|e| e.to_string())?;
    Ok(Some(file_of(&s)))
}

fn file_of(s: &Session) -> Vec<u8> {
    let steps = s.total_steps();
    let counters = safetensors::batch_norm_counters(&s.model, steps as i64);
    let steps = steps.to_string();
    safetensors::serialize_with(
        &s.snapshot,
        &counters,
        &[
            ("convlab_model", s.config.model.as_str()),
            ("convlab_steps", steps.as_str()),
        ],
    )
}

/// Reads a `.safetensors` file for the model `config.model`: the weights and the training steps
/// they had (from ConvLab's metadata). The error names the first mismatch, and the page's other
/// model when the file fits it instead.
pub fn read_weights(bytes: &[u8], model_name: &str) -> Result<(ParamStore<Tensor>, u64), String> {
    let model = resolved_model(model_name)?;
    match safetensors::load_for_model(bytes, &model) {
        Ok(params) => {
            let steps = safetensors::metadata(bytes)
                .ok()
                .and_then(|m| {
                    m.into_iter()
                        .find(|(k, _)| k == "convlab_steps")
                        .and_then(|(_, v)| v.parse().ok())
                })
                .unwrap_or(0);
            Ok((params, steps))
        }
        Err(e) => {
            let fits = MODELS.iter().find(|(name, _)| {
                *name != model_name
                    && resolved_model(name)
                        .is_ok_and(|m| safetensors::load_for_model(bytes, &m).is_ok())
            });
            let e = e.to_string();
            Err(match fits {
                Some((_, label)) => {
                    let stop = if e.ends_with(['.', '?', '!']) {
                        ""
                    } else {
                        "."
                    };
                    format!("{e}{stop} These are weights of the {label}: choose it as the Model, then load the file again.")
                }
                None => e,
            })
        }
    }
}

/// The models of the training page: `(name, label)`.
pub const MODELS: [(&str, &str); 3] = [
    ("mnist_convnet", "MNIST ConvNet"),
    ("lenet", "LeNet"),
    ("small_resnet", "Small ResNet"),
];

// ---- The weights in the browser's storage ----

fn storage_key(model: &str) -> String {
    format!("convlab-weights-{model}")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Saves the session's last snapshot under its model's key, unless it holds a NaN or infinity.
fn persist(progress: &Progress, s: &Session) {
    if s.snapshot
        .iter()
        .any(|(_, t)| t.data.iter().any(|v| !v.is_finite()))
    {
        return;
    }
    let result = store_weights(&s.config.model, &file_of(s));
    progress.storage_error.set(result.err());
}

/// Stores a `.safetensors` file as base64 under the model's key.
pub fn store_weights(model: &str, bytes: &[u8]) -> Result<(), String> {
    let storage = storage().ok_or("this browser does not let the page store data")?;
    storage
        .set_item(&storage_key(model), &base64_encode(bytes))
        .map_err(|_| {
            "the browser's storage is full or disabled: the weights were not saved for the next visit \
             (use Save to download them)"
                .to_string()
        })
}

/// The weights file stored for `model`, if any.
pub fn stored_weights(model: &str) -> Option<Vec<u8>> {
    let text = storage()?.get_item(&storage_key(model)).ok().flatten()?;
    base64_decode(&text)
}

/// Whether weights are stored for `model` (without decoding them).
pub fn has_stored_weights(model: &str) -> bool {
    storage().is_some_and(|s| s.get_item(&storage_key(model)).ok().flatten().is_some())
}

pub fn forget_weights(model: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&storage_key(model));
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of standard base64 (padding optional), or `None` when it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text
        .trim_end_matches('=')
        .bytes()
        .map(|c| match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | (d << (18 - 6 * i)));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_offers_the_models_the_core_trains_on_mnist() {
        assert_eq!(
            MODELS.map(|(name, _)| name),
            convlab_core::arch::MNIST_MODELS
        );
    }
}
