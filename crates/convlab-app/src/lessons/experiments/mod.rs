//! The Experiments lesson (issue #13): training runs side by side that test what the notes claim.
//! Each preset trains two or three networks from the same seed, on the same batches in the same
//! order, that differ in one thing (batch norm, residual connections, the optimizer, the learning
//! rate, the kernel size, pooling or a strided convolution), and overlays their loss curves.
//!
//! - `state.rs`: the URL state (`preset`, `steps`, `seed`);
//! - `runner.rs`: the data, the batches and the runs in the training worker, and the changes of
//!   their settings during a run;
//! - `results.rs`: the curves and the table;
//! - `settings.rs`: a run's learning rate and momentum, editable while it trains;
//! - `inside.rs`: inside one run while it trains (weight histograms, batch norms' statistics);
//! - `ko.rs`: the Korean of the lesson's texts.

mod inside;
pub mod ko;
mod results;
mod runner;
mod settings;
mod state;

use convlab_core::experiment::Preset;
use leptos::prelude::*;

use self::inside::InsideRun;
use self::results::Results;
use self::runner::{Phase, Progress};
use self::state::{ExperimentsState, MAX_SEED, MAX_STEPS};
use crate::components::address_note::AddressNote;
use crate::components::controls::NumberField;
use crate::i18n::use_i18n;
use crate::url::lesson::use_lesson_state;
use crate::url::History;

/// Each preset's button label.
fn label(p: Preset) -> &'static str {
    match p {
        Preset::BatchNorm => "Batch norm",
        Preset::Residual => "Residual connections",
        Preset::Optimizer => "SGD or Adam",
        Preset::LearningRate => "Learning rate",
        Preset::KernelSize => "Kernel size",
        Preset::Pooling => "Pooling or stride 2",
    }
}

#[component]
pub fn ExperimentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_lesson_state::<ExperimentsState>();
    let progress = Progress::new();
    on_cleanup(move || progress.stop());
    let preset = Memo::new(move |_| state.with(|s| s.preset));
    let (steps, set_steps) = state.field(|s| s.steps, |s, v| s.steps = v);
    let (seed, set_seed) = state.field(|s| s.seed, |s, v| s.seed = v);
    let buttons = Preset::ALL
        .into_iter()
        .map(|p| {
            view! {
                <button
                    type="button"
                    data-testid=format!("preset-{}", p.slug())
                    aria-pressed=move || (preset.get() == p).to_string()
                    on:click=move |_| {
                        progress.stop();
                        state.update(History::Push, |s| s.preset = p);
                    }
                >
                    {move || i18n.t(label(p))}
                </button>
            }
        })
        .collect_view();
    let run = move |_| {
        state.with_untracked(|s| progress.start(s.preset, s.steps, s.seed as u64));
    };
    let status = move || match progress.phase.get() {
        Phase::Idle => i18n
            .t("Press Run: every run trains on the same batches, step by step.")
            .to_string(),
        Phase::Loading => i18n.t("Loading the digits…").to_string(),
        Phase::Running | Phase::Done | Phase::Stopped => {
            let done = progress
                .curves
                .with(|c| c.iter().map(|c| c.loss.len()).max().unwrap_or(0));
            format!("{}: {done} / {}", i18n.t("Steps"), steps.get())
        }
        Phase::Failed(message) => i18n.message(&message),
    };
    view! {
        <section class="lesson" data-page="experiments">
            <h1>{move || i18n.t("Experiments")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <p class="lead">
                {move || i18n.t("Networks train side by side from the same seed, on the same batches in the same order, and differ in one thing. Pick a claim of the notes and watch it happen.")}
            </p>
            <div class="presets" role="group" aria-label=move || i18n.t("Experiments")>{buttons}</div>
            <p class="claim" data-testid="claim">{move || i18n.t(preset.get().claim())}</p>
            <div class="controls">
                <NumberField label="Steps" id="param-steps" value=steps min=1 max=MAX_STEPS set=set_steps/>
                <NumberField label="Seed" id="param-seed" value=seed min=0 max=MAX_SEED set=set_seed/>
                <button type="button" class="primary" data-testid="run-experiment" on:click=run>
                    {move || i18n.t("Run")}
                </button>
                <button type="button" data-testid="stop-experiment" disabled=move || !progress.running() on:click=move |_| progress.stop()>
                    {move || i18n.t("Stop")}
                </button>
            </div>
            <p class="status" data-testid="experiment-status" data-state=move || progress.phase.get().name() role="status">
                {status}
            </p>
            <Results progress=progress/>
            <InsideRun progress=progress/>
        </section>
    }
}
