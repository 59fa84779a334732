//! The output-size lesson: `out = floor((in + 2p − d(k − 1) − 1) / s) + 1` on the student's
//! numbers, per axis, written big in MathML with the floor made visible, a to-scale drawing of
//! each axis (padding, input, the kernel's footprint at its positions, output), the notes' five
//! exercises and a quiz.
//!
//! - `state.rs`: the URL state and its limits; `model.rs`: the configuration, exercises, quiz
//!   problems, the floor's fraction, the taps on the padded axis;
//! - `calculator.rs`: the settings, the result and each axis; `formula.rs`: one axis's formula
//!   and floor note; `diagram.rs`: one axis to scale; `quiz.rs`: the quiz; `transposed.rs`: the
//!   transposed convolution's size on the same numbers;
//! - `ko.rs`: the Korean of the lesson's texts.

mod calculator;
mod diagram;
mod formula;
pub mod ko;
mod model;
mod quiz;
mod state;
mod transposed;

use leptos::prelude::*;

use self::calculator::Calculator;
use self::quiz::{random_seed, Quiz};
use self::state::OutputSizeState;
use self::transposed::TransposedSize;
use crate::components::address_note::AddressNote;
use crate::i18n::use_i18n;
use crate::url::lesson::use_lesson_state;
use crate::url::History;

#[component]
pub fn OutputSizePage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_lesson_state::<OutputSizeState>();
    let quiz = Memo::new(move |_| state.with(|s| s.quiz));
    let calculator = move |_| state.update(History::Push, |s| s.quiz = false);
    let quiz_me = move |_| {
        let fresh = random_seed();
        state.update(History::Push, |s| {
            s.quiz = true;
            s.seed = Some(s.seed.unwrap_or(fresh));
        })
    };
    view! {
        <section class="lesson" data-page="output-size">
            <h1>{move || i18n.t("Output size")}</h1>
            <AddressNote adjustments=state.adjustments()/>
            <div class="os-modes" role="group">
                <button class="os-mode" data-testid="mode-calculator" aria-pressed=move || (!quiz.get()).to_string() on:click=calculator>
                    {move || i18n.t("Calculator")}
                </button>
                <button class="os-mode" data-testid="quiz-toggle" aria-pressed=move || quiz.get().to_string() on:click=quiz_me>
                    {move || i18n.t("Quiz me")}
                </button>
            </div>
            {move || if quiz.get() {
                view! { <Quiz state=state/> }.into_any()
            } else {
                view! { <Calculator state=state/> <TransposedSize state=state/> }.into_any()
            }}
        </section>
    }
}
