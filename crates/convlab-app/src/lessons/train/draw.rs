//! The Training lesson's drawing pad (`components::draw_pad`) with the current model's class
//! probabilities for the drawn digit, updated while it trains.

use convlab_core::Tensor;
use leptos::prelude::*;

use crate::components::draw_pad::DrawingPad;
use crate::i18n::use_i18n;
use crate::training::{self, Progress};

/// What the prediction area shows.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    /// Nothing drawn yet.
    Blank,
    /// A digit, waiting for a model.
    NoModel,
    Probabilities(Vec<f32>),
    Failed(String),
}

#[component]
pub fn DrawPad(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    // The preprocessed digit (what the network sees), `None` when the pad is empty.
    let digit = RwSignal::new(None::<Tensor>);
    let outcome = RwSignal::new(Outcome::Blank);
    let generation = StoredValue::new(0u64);

    // Predict whenever the digit or the weights change; only the latest answer is shown.
    Effect::new(move |_| {
        progress.weights_version.track();
        let Some(image) = digit.get() else {
            outcome.set(Outcome::Blank);
            return;
        };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        leptos::task::spawn_local(async move {
            let result = training::predict(&image).await;
            // Unless a newer digit or weights came meanwhile, or the page was left.
            if generation.try_get_value() != Some(mine) {
                return;
            }
            outcome.set(match result {
                Ok(Some(p)) => Outcome::Probabilities(p),
                Ok(None) => Outcome::NoModel,
                Err(e) => Outcome::Failed(e),
            });
        });
    });

    let hint = move || {
        match outcome.get() {
        // The core's answer for an empty canvas (`preprocess::EMPTY_CANVAS`), for the student.
        Outcome::Blank => Some(i18n.t("The canvas is empty: draw a digit first.").to_string()),
        Outcome::NoModel => Some(
            i18n.t("No model yet: press Start (a few dozen steps are enough to see it work), or load weights.")
                .to_string(),
        ),
        Outcome::Failed(e) => Some(e),
        Outcome::Probabilities(_) => None,
    }
    };
    let probabilities = move || match outcome.get() {
        Outcome::Probabilities(p) => {
            let top =
                p.iter().enumerate().fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                );
            let bars = p
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let pct = v * 100.0;
                    view! {
                        <li class:top=i == top.0 data-class=i data-p=v.to_string()>
                            <span class="class">{i}</span>
                            <span class="bar"><span style=format!("width: {pct:.1}%")></span></span>
                            <span class="pct">{format!("{pct:.1}%")}</span>
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <p class="prediction">
                    {move || i18n.t("Prediction")}": "
                    <strong data-testid="prediction">{top.0}</strong>
                    <span class="confidence">{format!(" ({:.1}%)", top.1 * 100.0)}</span>
                </p>
                <ol class="probabilities" data-testid="probabilities">{bars}</ol>
            })
        }
        _ => None,
    };

    view! {
        <section class="draw" data-testid="draw">
            <h2>{move || i18n.t("Draw a digit")}</h2>
            <div class="draw-row">
                <DrawingPad digit=digit/>
                <div class="answer" aria-live="polite">
                    {move || hint().map(|h| view! { <p class="hint" data-testid="draw-hint">{h}</p> })}
                    {probabilities}
                </div>
            </div>
        </section>
    }
}
