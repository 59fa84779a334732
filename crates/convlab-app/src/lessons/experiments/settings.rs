//! A run's optimizer settings in its table row: the learning rate, and SGD's momentum, editable
//! while the runs train (a change reaches the run at its next step).

use convlab_core::train::Optimizer;
use leptos::prelude::*;

use super::runner::Progress;
use crate::i18n::use_i18n;
use crate::training::settings::{with_typed_learning_rate, with_typed_momentum};

#[component]
pub fn RunSettings(
    progress: Progress,
    run: usize,
    /// What was typed wrong, for the page to show.
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let optimizer = move || progress.optimizers.with(|o| o.get(run).copied());
    let disabled = move || !progress.running();
    // The settings as they will be at the next step: a pending change counts.
    let change = move |typed: fn(Optimizer, &str) -> Result<Optimizer, String>, text: String| {
        let Some(now) = progress.optimizers.with_untracked(|o| o.get(run).copied()) else {
            return;
        };
        match typed(progress.next_settings(run).unwrap_or(now), &text) {
            Ok(to) => {
                error.set(None);
                progress.retune(run, to);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let momentum = move || optimizer().and_then(|o| o.momentum());
    view! {
        <td>
            <input
                class="run-setting"
                data-testid=format!("run-lr-{run}")
                type="text"
                inputmode="decimal"
                aria-label=move || i18n.t("Learning rate")
                prop:value=move || optimizer().map(|o| o.learning_rate().to_string()).unwrap_or_default()
                disabled=disabled
                on:change=move |ev| change(with_typed_learning_rate, event_target_value(&ev))
            />
        </td>
        <td>
            {move || match momentum() {
                Some(m) => view! {
                    <input
                        class="run-setting"
                        data-testid=format!("run-momentum-{run}")
                        type="text"
                        inputmode="decimal"
                        aria-label=move || i18n.t("Momentum")
                        prop:value=m.to_string()
                        disabled=disabled
                        on:change=move |ev| change(with_typed_momentum, event_target_value(&ev))
                    />
                }
                .into_any(),
                None => view! { <span title="Adam">"—"</span> }.into_any(),
            }}
        </td>
    }
}
