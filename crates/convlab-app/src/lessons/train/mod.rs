//! The training lesson: the notes' MNIST ConvNet (or LeNet, or a small ResNet) trained live in the
//! browser on the bundled digits or the student's own MNIST / Fashion-MNIST files, on WebGPU or
//! in the CPU worker, with charts of the loss, the accuracy and the speed, a drawing pad the
//! model reads, the first layer's filters and feature maps, and its weights saved, loaded and
//! kept between visits as `.safetensors`. `bench=1` measures training images/s instead;
//! `demo=kernel` is d2l's kernel-learning demo. The session itself is `crate::training`.
//!
//! - `state.rs`: the URL state; `model.rs`: smoothing, the bench's JSON, the confusion's shading;
//! - `controls.rs`: the settings, Start / Pause / Reset, the status line and the run's errors;
//! - `charts.rs`: loss, accuracy, speed and the GPU's memory; `filters.rs`; `confusion.rs`;
//! - `feature_maps.rs`, `draw.rs`, `weights_panel.rs`, `data_panel.rs`: the panels;
//! - `gpu_profile/`: the kernels of one step with their times and their WGSL;
//! - `bench.rs`, `kernel_demo.rs`: the other two modes; `ko.rs`: the Korean.

mod bench;
mod charts;
mod confusion;
mod controls;
mod data_panel;
mod draw;
mod feature_maps;
mod filters;
mod gpu_profile;
mod kernel_demo;
pub mod ko;
mod model;
mod state;
mod weights_panel;

use leptos::prelude::*;

use self::bench::BenchMode;
use self::charts::Charts;
use self::confusion::Confusion;
use self::controls::Controls;
use self::data_panel::{DataPanel, OwnData};
use self::draw::DrawPad;
use self::feature_maps::FeatureMaps;
use self::filters::Filters;
use self::gpu_profile::GpuProfile;
use self::kernel_demo::KernelDemo;
use self::state::{Mode, TrainState};
use self::weights_panel::WeightsPanel;
use crate::components::address_note::AddressNote;
use crate::components::one_per_task::Turns;
use crate::compute::{use_compute, DeviceStatus};
use crate::i18n::use_i18n;
use crate::training::{self, Config, RunState};
use crate::url::lesson::{use_lesson_state, LessonUrl};
use crate::url::History;

#[component]
pub fn TrainingPage() -> impl IntoView {
    let state = use_lesson_state::<TrainState>();
    let mode = Memo::new(move |_| state.with(|s| s.mode));
    move || match mode.get() {
        Mode::Bench { batches, tiles } => {
            view! { <BenchMode state=state batches=batches tiles=tiles/> }.into_any()
        }
        Mode::KernelDemo => view! { <KernelDemo state=state/> }.into_any(),
        Mode::Train => view! { <Training state=state/> }.into_any(),
    }
}

#[component]
fn Training(state: LessonUrl<TrainState>) -> impl IntoView {
    let i18n = use_i18n();
    let compute = use_compute();
    let progress = training::use_progress();
    // A slow device gets smaller defaults, not a frozen tab: a CPU batch of 100 takes long
    // enough to make the curves stutter, 32 does not.
    let config = Memo::new(move |_| {
        let on_gpu = matches!(compute.status.get(), DeviceStatus::Gpu { .. });
        state.with(|s| Config {
            model: s.model.to_string(),
            optimizer: training::optimizer(s.sgd, s.lr, s.momentum),
            batch: s.batch.unwrap_or(if on_gpu { 100 } else { 32 }),
            epochs: s.epochs,
            seed: s.seed as u64,
        })
    });
    // A learning rate or momentum changed while the run trains reaches it at its next step
    // (while paused, Resume takes it).
    let optimizer = Memo::new(move |_| config.with(|c| c.optimizer));
    Effect::new(move |_| {
        let wanted = optimizer.get();
        if progress.state.get_untracked() == RunState::Running {
            training::retune(wanted);
        }
    });
    // The student's files, when chosen (else the bundled digits).
    let own = RwSignal::new_local(None::<OwnData>);
    let model_name = Memo::new(move |_| state.with(|s| s.model));
    // Weights kept by an earlier visit come back once the device is known; choosing another
    // model (while not training) switches to that model's kept weights, if any.
    Effect::new(move |_| {
        let model = model_name.get();
        if !compute.ready() {
            return;
        }
        if matches!(
            progress.state.get_untracked(),
            RunState::Running | RunState::Loading
        ) {
            return;
        }
        if training::has_session() {
            if training::session_model().is_none_or(|m| m == model) {
                return;
            }
            training::reset(progress);
        }
        let note = i18n
            .t("Restored weights from your last session, kept in this browser")
            .to_string();
        leptos::task::spawn_local(weights_panel::restore(
            compute,
            progress,
            config.get_untracked(),
            note,
        ));
    });
    let busy = Signal::derive(move || {
        matches!(progress.state.get(), RunState::Running | RunState::Loading)
    });
    // Built whole, the lesson holds the page's thread for about 40 ms here, past 50 ms on a
    // slower machine: its parts come in turns, the controls first.
    let turns = Turns::new(4);
    let (charts, tools, first_layer, confusion) = (
        turns.reached(1),
        turns.reached(2),
        turns.reached(3),
        turns.reached(4),
    );
    view! {
        <section class="lesson" data-page="train">
            <h1>{move || i18n.t("Training")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <Controls state=state config=config progress=progress own=own/>
            {move || charts.get().then(|| view! { <Charts progress=progress/> })}
            {move || tools.get().then(|| view! {
                <div class="train-tools">
                    <DrawPad progress=progress/>
                    <div class="panels">
                        <WeightsPanel compute=compute progress=progress config=config/>
                        <DataPanel own=own busy=busy/>
                    </div>
                </div>
                <p class="demo-link">
                    <a href="?page=train&demo=kernel" data-testid="kernel-demo-link" on:click=move |ev| {
                        ev.prevent_default();
                        state.update(History::Push, |s| *s = TrainState::of(Mode::KernelDemo));
                    }>{move || i18n.t("Learn a kernel by gradient descent (d2l 7.2) →")}</a>
                </p>
                <GpuProfile config=config busy=busy/>
            })}
            {move || first_layer.get().then(|| view! {
                <Filters progress=progress/>
                <FeatureMaps state=state progress=progress own=own/>
            })}
            {move || confusion.get().then(|| view! { <Confusion state=state progress=progress own=own/> })}
        </section>
    }
}
