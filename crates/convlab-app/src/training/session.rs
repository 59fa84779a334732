//! The one training session of the page: model, weights on the device, optimizer state, position
//! in the data. Whoever uses it (the training loop, a prediction for the drawing pad, a save)
//! leases it for the duration of an `await` ([`lease`]); others wait their turn. A session can
//! also start from weights loaded from a file or restored from the browser's storage, without
//! data: data is attached when training resumes.

use std::cell::{Cell, RefCell};
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use convlab_core::dataset::Split;
use convlab_core::nn::{init, Model, ParamStore};
use convlab_core::rng::Rng;
use convlab_core::train::{argmax_rows, count_correct, Optimizer};
use convlab_core::{safetensors, Error, Tensor};
use leptos::prelude::*;

use super::progress::{first_layer, EpochResult, Progress, RunState};
use super::run::Run;
use super::settings::SettingsChange;
use super::weights;
use super::{resolved_model, short, softmax, Config};
use crate::browser::{now_ms, yield_to_browser};
use crate::compute::Compute;

/// Steps between copies of the weights to the host.
const SNAPSHOT_EVERY: usize = 20;

/// A mean cross-entropy above this has exploded, even if still finite (Adam's steps are bounded
/// by the learning rate, so lr = 1e9 gives huge but finite losses): guessing at random over ten
/// classes scores ln 10 ≈ 2.3, and a network that never trained rarely exceeds 20.
const EXPLODED_LOSS: f32 = 1e3;

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
    async fn begin(
        compute: &Compute,
        progress: Progress,
        config: Config,
        params: ParamStore<Tensor>,
        steps: u64,
    ) -> Result<Session, String> {
        let model = resolved_model(&config.model)?;
        let run = Run::new(compute, &model, &params, config.optimizer)
            .await
            .map_err(|e| e.to_string())?;
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
    /// Optimizer settings asked for during the run, for its next step.
    static WANTED: Cell<Option<Optimizer>> = const { Cell::new(None) };
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
    // Settings asked for during the old session's run are not the new one's.
    WANTED.set(None);
    SESSION.with(|s| *s.borrow_mut() = session);
}

/// Sets up a new run (fresh weights) on the data and device at hand.
pub async fn start(
    compute: Compute,
    progress: Progress,
    data: Rc<Split>,
    config: Config,
) -> Result<(), String> {
    let params = init::pytorch_default(&resolved_model(&config.model)?, config.seed);
    let mut session = Session::begin(&compute, progress, config, params, 0).await?;
    session.attach(data);
    install(Some(session));
    Ok(())
}

/// Makes `params` (checked against the model of `config`) the model of a new session, paused,
/// so predictions use them and Resume trains on from them. `steps` is how many training steps
/// they have had; `note` says where they come from.
pub async fn adopt(
    compute: Compute,
    progress: Progress,
    config: Config,
    params: ParamStore<Tensor>,
    steps: u64,
    note: String,
) -> Result<(), String> {
    let session = Session::begin(&compute, progress, config, params, steps).await?;
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
pub async fn resume_on(
    compute: Compute,
    progress: Progress,
    data: Rc<Split>,
    config: Config,
) -> Result<bool, String> {
    let Some(mut s) = lease().await else {
        return Ok(false);
    };
    s.attach(data);
    change_optimizer(&compute, &progress, &mut s, config.optimizer).await?;
    s.config.batch = config.batch;
    s.config.epochs = config.epochs;
    Ok(true)
}

/// Asks the running session to train with `optimizer` from its next step on (a learning rate or
/// momentum changed while it trains).
pub fn retune(optimizer: Optimizer) {
    WANTED.set(Some(optimizer));
}

/// Makes the session train with `to` from its next step: new settings of the same optimizer keep
/// its state, as in PyTorch (`param_groups[0]["lr"] = ...`); another optimizer starts afresh from
/// the current weights. A change is marked at the step it first acts on.
async fn change_optimizer(
    compute: &Compute,
    progress: &Progress,
    s: &mut Session,
    to: Optimizer,
) -> Result<(), String> {
    let from = s.config.optimizer;
    if from == to {
        return Ok(());
    }
    if std::mem::discriminant(&from) == std::mem::discriminant(&to) {
        s.run.retune(to).await.map_err(|e| e.to_string())?;
        let step = progress.losses.with_untracked(Vec::len) + 1;
        progress
            .changes
            .update(|c| c.push(SettingsChange { step, from, to }));
    } else {
        s.snapshot = s.run.params().await.map_err(|e| e.to_string())?;
        s.base_steps += u64::from(s.run.steps());
        s.run = Run::new(compute, &s.model, &s.snapshot, to)
            .await
            .map_err(|e| e.to_string())?;
    }
    s.config.optimizer = to;
    Ok(())
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
    if let Some(wanted) = WANTED.take() {
        change_optimizer(compute, progress, s, wanted).await?;
    }
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
            s.run = Run::on_cpu(&s.model, &s.snapshot, s.config.optimizer)
                .await
                .map_err(|e| e.to_string())?;
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
    s.correct += count_correct(&logits, &labels).map_err(|e| e.to_string())?;
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

/// Measures the session's current weights on the test set now (the confusion matrix, the
/// predictions and the mistakes), as the end of an epoch does: what a paused student asks for.
pub async fn evaluate_now(progress: Progress) -> Result<(), String> {
    let Some(mut s) = lease().await else {
        return Err("There is no model yet: press Start first.".into());
    };
    let data = s
        .data
        .clone()
        .ok_or("There is no data yet: press Start first.")?;
    evaluate(&progress, &mut s, &data).await.map(|_| ())
}

/// Test accuracy, the confusion matrix and the first predictions, in evaluation mode.
async fn evaluate(progress: &Progress, s: &mut Session, data: &Split) -> Result<f32, String> {
    let test = &data.test;
    let mut confusion = vec![[0u32; 10]; 10];
    let mut shown = Vec::new();
    let mut mistakes = Vec::new();
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
            if p != l {
                mistakes.push((i, p, l));
            }
        }
        yield_to_browser().await;
    }
    let correct: u32 = (0..10).map(|i| confusion[i][i]).sum();
    progress.confusion.set(Some(confusion));
    progress.predictions.set(shown);
    progress.mistakes.set(mistakes);
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

/// Saves the session's last snapshot under its model's key, unless it holds a NaN or infinity.
fn persist(progress: &Progress, s: &Session) {
    if s.snapshot
        .iter()
        .any(|(_, t)| t.data.iter().any(|v| !v.is_finite()))
    {
        return;
    }
    let result = weights::store_weights(&s.config.model, &file_of(s));
    progress.storage_error.set(result.err());
}
