//! The experiment's runs, apart from any view: the bundled digits, the batches in the seed's
//! order, and the runs themselves in the training worker (every run steps on the same batch in
//! one message, so the page's thread only cuts batches and draws). A new start or a stop ends
//! the loop at its next step. A run's learning rate or momentum changed during the run reaches
//! the worker between two steps, and is marked at the step whose update first used it.

use convlab_core::experiment::inside::InsideRecord;
use convlab_core::experiment::{BatchOrder, Curve, Preset};
use convlab_core::train::Optimizer;
use leptos::prelude::*;

use super::state::BATCH;
use crate::browser::{now_ms, yield_to_browser};
use crate::data::bundled_mnist;
use crate::training::settings::SettingsChange;
use crate::worker::{self, Request, Response};

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Idle,
    Loading,
    Running,
    Done,
    Stopped,
    Failed(String),
}

impl Phase {
    /// Its name in `data-state`, for tests.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Loading => "loading",
            Phase::Running => "running",
            Phase::Done => "done",
            Phase::Stopped => "stopped",
            Phase::Failed(_) => "failed",
        }
    }
}

/// What the page draws, as signals.
#[derive(Clone, Copy)]
pub struct Progress {
    pub phase: RwSignal<Phase>,
    /// Each run's loss and batch accuracy per step so far.
    pub curves: RwSignal<Vec<Curve>>,
    /// Each run's network from inside: its weights before the first step and now, its batch
    /// norms' statistics at every step.
    pub inside: RwSignal<Vec<InsideRecord>>,
    /// Each run's optimizer, with its current settings.
    pub optimizers: RwSignal<Vec<Optimizer>>,
    /// The changes made during the run, in order: `(run, change)`.
    pub changes: RwSignal<Vec<(usize, SettingsChange)>>,
    /// Milliseconds since the first step, on the page's clock.
    pub elapsed_ms: RwSignal<f64>,
    /// Changes asked for and not yet sent: the loop sends them before its next step.
    pending: StoredValue<Vec<(usize, Optimizer)>>,
    /// Bumped by each start and stop: a loop of an older generation ends.
    generation: StoredValue<u64>,
}

impl Progress {
    pub fn new() -> Self {
        Progress {
            phase: RwSignal::new(Phase::Idle),
            curves: RwSignal::new(Vec::new()),
            inside: RwSignal::new(Vec::new()),
            optimizers: RwSignal::new(Vec::new()),
            changes: RwSignal::new(Vec::new()),
            elapsed_ms: RwSignal::new(0.0),
            pending: StoredValue::new(Vec::new()),
            generation: StoredValue::new(0),
        }
    }

    pub fn running(&self) -> bool {
        matches!(self.phase.get(), Phase::Loading | Phase::Running)
    }

    /// Ends the current loop at its next step. Also called when the page leaves the lesson, as
    /// its signals are disposed: hence the `try_` forms, which do nothing on a disposed one.
    pub fn stop(&self) {
        self.generation.try_update_value(|g| *g += 1);
        let phase = self.phase.try_get_untracked();
        if matches!(phase, Some(Phase::Loading | Phase::Running)) {
            self.phase.try_set(Phase::Stopped);
        }
    }

    /// Starts `steps` steps of every run of `preset` from `seed` (ending any loop before).
    pub fn start(self, preset: Preset, steps: usize, seed: u64) {
        self.stop();
        let generation = self.generation.get_value();
        self.curves.set(Curve::empty_for(preset));
        self.inside.set(Vec::new());
        self.optimizers
            .set(preset.runs().iter().map(|r| r.optimizer).collect());
        self.changes.set(Vec::new());
        self.pending.set_value(Vec::new());
        self.elapsed_ms.set(0.0);
        self.phase.set(Phase::Loading);
        leptos::task::spawn_local(async move {
            if let Err(message) = self.run(generation, preset, steps, seed).await {
                if self.current(generation) {
                    self.phase.set(Phase::Failed(message));
                }
            }
        });
    }

    /// Asks for run `run` to train with `optimizer` from its next step on (replacing a change
    /// asked for before that step).
    pub fn retune(&self, run: usize, optimizer: Optimizer) {
        self.pending.update_value(|p| {
            p.retain(|(r, _)| *r != run);
            p.push((run, optimizer));
        });
    }

    /// Run `run`'s settings as a change asked for and not yet sent would leave them.
    pub fn next_settings(&self, run: usize) -> Option<Optimizer> {
        self.pending
            .with_value(|p| p.iter().find(|(r, _)| *r == run).map(|(_, o)| *o))
    }

    /// Sends the changes asked for since the last step, before step `step`.
    async fn send_changes(&self, step: usize) -> Result<(), String> {
        let pending = self
            .pending
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        for (run, to) in pending {
            let request = Request::ExperimentRetune { run, optimizer: to };
            match worker::training().ask(request).await {
                Response::Done => {}
                other => return Err(other.unexpected()),
            }
            let from = self.optimizers.with_untracked(|o| o.get(run).copied());
            if let Some(from) = from.filter(|f| *f != to) {
                self.optimizers.update(|o| o[run] = to);
                let change = SettingsChange { step, from, to };
                self.changes.update(|c| c.push((run, change)));
            }
        }
        Ok(())
    }

    fn current(&self, generation: u64) -> bool {
        self.generation.try_get_value() == Some(generation)
    }

    async fn run(
        &self,
        generation: u64,
        preset: Preset,
        steps: usize,
        seed: u64,
    ) -> Result<(), String> {
        let data = bundled_mnist().await?;
        let begin = Request::ExperimentBegin {
            preset: preset.slug().to_string(),
            seed,
        };
        let initial = match worker::training().ask(begin).await {
            Response::Inside(inside) => inside,
            other => return Err(other.unexpected()),
        };
        let mut order =
            BatchOrder::new(data.train.len(), BATCH, seed).map_err(|e| e.to_string())?;
        if !self.current(generation) {
            return Ok(());
        }
        self.inside
            .set(initial.into_iter().map(InsideRecord::new).collect());
        self.phase.set(Phase::Running);
        let start = now_ms();
        for step in 1..=steps {
            self.send_changes(step).await?;
            let (x, labels) = data.train.batch(&order.next_batch());
            let (results, inside) = match worker::training()
                .ask(Request::ExperimentStep { x, labels })
                .await
            {
                Response::RunSteps { results, inside } => (results, inside),
                other => return Err(other.unexpected()),
            };
            // The page may have gone to another lesson, or the student started again.
            if !self.current(generation) {
                return Ok(());
            }
            self.curves.update(|curves| {
                for (curve, result) in curves.iter_mut().zip(results) {
                    curve.record(result);
                }
            });
            self.elapsed_ms.set(now_ms() - start);
            // The views inside the runs redraw in a task of their own, after the curves': one
            // task drawing all six charts could hold the page's thread too long.
            yield_to_browser().await;
            if !self.current(generation) {
                return Ok(());
            }
            self.inside.update(|records| {
                for (record, view) in records.iter_mut().zip(inside) {
                    record.record(view);
                }
            });
        }
        self.phase.set(Phase::Done);
        Ok(())
    }
}
