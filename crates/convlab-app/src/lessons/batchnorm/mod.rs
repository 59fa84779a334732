//! The batch-normalization lesson (the notes' `nn.BatchNorm2d`): a batch of feature maps (N = 4,
//! C = 3, 8×8, drawn from a seeded generator; each channel has its own mean and spread), the
//! per-channel batch mean and variance computed by the engine, the normalized output with the
//! affine γ and β, the running statistics moving by `momentum` as batches pass in training mode
//! (one "step" = one training forward pass), training and evaluation mode side by side on the
//! same batch, and histograms of the values before and after.
//!
//! - `state.rs`: the URL state; `model.rs`: the batches, the ops and their outputs, the
//!   arithmetic written out; `engine.rs`: the engine's results as the views read them;
//! - `controls.rs`: steps, momentum, sample, γ and β; `stats.rs`: the statistics table;
//!   `maps.rs`: the maps in both modes and one value's arithmetic; `histograms.rs`, `charts.rs`:
//!   the values before and after, the running statistics over the steps; `explain.rs`: the
//!   formulas;
//! - `ko.rs`: the Korean of the lesson's texts.

mod charts;
mod controls;
mod engine;
mod explain;
mod histograms;
pub mod ko;
mod maps;
mod model;
mod shape;
mod state;
mod stats;

use convlab_core::export::shape_text;
use leptos::prelude::*;

use self::charts::Charts;
use self::controls::Controls;
use self::engine::Engine;
use self::explain::Explain;
use self::histograms::Histograms;
use self::maps::Maps;
use self::model::{C, H, M, N, W};
use self::state::BatchNormState;
use self::stats::Stats;
use crate::components::address_note::AddressNote;
use crate::components::one_per_task::Turns;
use crate::format;
use crate::i18n::use_i18n;
use crate::url::lesson::use_lesson_state;

#[component]
pub fn BatchNormPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let state = use_lesson_state::<BatchNormState>();
    let current = Memo::new(move |_| state.with(model::current_batch));
    let engine = Engine::new(state, current);
    let pytorch = move || {
        let m = state.with(|s| s.momentum);
        format!(
            "bn = nn.BatchNorm2d({C}, eps=1e-05, momentum={})",
            format::value(m)
        )
    };
    // Built whole, the lesson held the page's thread past 50 ms: the maps, then the histograms
    // and the charts, come in turns after the controls and the statistics.
    let turns = Turns::new(2);
    let (maps, charts) = (turns.reached(1), turns.reached(2));
    view! {
        <section class="lesson" data-page="batchnorm">
            <h1>{move || t("Batch normalization")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <p class="lead">
                {move || t("Batch normalization standardizes each channel over the batch (all N samples and all H×W positions), then scales and shifts it by learned γ and β. The network's next layer then sees values of a steady range, whatever the previous layers do: training is faster and more stable.")}
            </p>
            <div class="bn-layout">
                <div class="bn-main">
                    <Controls state=state/>
                    <p class="pytorch">
                        <code data-testid="pytorch">{pytorch}</code>
                        " · x "
                        <code>{shape_text(&[N, C, H, W])}</code>
                        " · "
                        {move || t("values per channel")}
                        " M = N·H·W = "
                        <code>{M}</code>
                    </p>
                    {move || engine.error().map(|e| view! { <p class="error" role="alert" data-testid="bn-error">{i18n.message(&e)}</p> })}
                    <Stats engine=engine/>
                    {move || maps.get().then(|| view! { <Maps state=state engine=engine current=current/> })}
                    {move || charts.get().then(|| view! {
                        <Histograms engine=engine current=current/>
                        <Charts engine=engine/>
                    })}
                </div>
                <Explain/>
            </div>
        </section>
    }
}
