//! The convolution lesson (corr2d): an editable input and kernel, the output computed by the
//! engine, the window of each output cell and its arithmetic, and the kernel sliding.
//!
//! - `state.rs`: the URL state and its limits; `model.rs`: defaults, windows, products, the
//!   PyTorch line, which cells are lit, examples; `scene.rs`: what is computed and pointed at,
//!   shared by the parts; `lights.rs`: each cell's class, updated only where it changes;
//! - `controls.rs`: the settings and the examples; `stage.rs`: the grids; `arithmetic.rs`: the
//!   shown window written out; `animation.rs`: the selection and its play bar; `explain.rs`: the
//!   text beside the picture;
//! - `ko.rs`: the Korean of the lesson's texts.

mod animation;
mod arithmetic;
pub(crate) mod controls;
mod explain;
pub mod ko;
mod lights;
mod model;
mod scene;
mod stage;
pub(crate) mod state;

use leptos::prelude::*;

use self::animation::PlayBar;
use self::arithmetic::Arithmetic;
use self::controls::{Controls, Examples};
use self::explain::Explain;
use self::scene::Scene;
use self::stage::Stage;
use self::state::ConvState;
use crate::components::address_note::AddressNote;
use crate::i18n::use_i18n;
use crate::url::lesson::use_lesson_state;

#[component]
pub fn ConvolutionPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_lesson_state::<ConvState>();
    let scene = Scene::new(state);
    let Scene {
        geo, bias, error, ..
    } = scene;
    let shapes = move || {
        let g = geo.get();
        let output = match g.out() {
            Ok([h, w]) => format!("(1, 1, {}, {})", h.output, w.output),
            Err(_) => "—".to_string(),
        };
        let input = format!("(1, {}, {}, {})", g.channels, g.input[0], g.input[1]);
        (input, output)
    };
    view! {
        <section class="lesson" data-page="conv">
            <h1>{move || i18n.t("Convolution")} " " <span class="subtitle">"(corr2d)"</span></h1>
            <AddressNote adjustments=state.adjustments()/>
            <Controls state=state/>
            <Examples state=state player=scene.player/>
            <div class="conv-layout">
                <div class="conv-main">
                    <div class="conv-code">
                        <code data-testid="pytorch">{move || model::pytorch(&geo.get(), bias.get())}</code>
                        <span class="conv-shapes">
                            {move || i18n.t("input")} " "
                            <code data-testid="input-size">{move || shapes().0}</code>
                            " → " {move || i18n.t("output")} " "
                            <code data-testid="output-size">{move || shapes().1}</code>
                        </span>
                    </div>
                    {move || {
                        error.get().map(|e| view! {
                            <p class="error" role="alert" data-testid="error">
                                {i18n.t("No output:")} " " {i18n.message(&e)}
                            </p>
                        })
                    }}
                    <Stage scene=scene/>
                    <Arithmetic scene=scene/>
                    <PlayBar player=scene.player/>
                </div>
                <Explain scene=scene/>
            </div>
        </section>
    }
}
