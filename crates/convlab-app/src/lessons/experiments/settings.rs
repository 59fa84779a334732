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
    let lr = Signal::derive(move || {
        optimizer()
            .map(|o| o.learning_rate().to_string())
            .unwrap_or_default()
    });
    view! {
        <td>
            <SettingField
                testid=format!("run-lr-{run}")
                label="Learning rate"
                value=lr
                disabled=disabled
                set=move |text| change(with_typed_learning_rate, text)
            />
        </td>
        <td>
            {move || match momentum() {
                Some(m) => view! {
                    <SettingField
                        testid=format!("run-momentum-{run}")
                        label="Momentum"
                        value=m.to_string()
                        disabled=disabled
                        set=move |text| change(with_typed_momentum, text)
                    />
                }
                .into_any(),
                None => view! { <span title="Adam">"—"</span> }.into_any(),
            }}
        </td>
    }
}

/// A number typed into a table cell, taken when the field is left (`change`).
#[component]
fn SettingField(
    testid: String,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] disabled: Signal<bool>,
    set: impl Fn(String) + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <input
            class="run-setting"
            data-testid=testid
            type="text"
            inputmode="decimal"
            aria-label=move || i18n.t(label)
            prop:value=value
            disabled=disabled
            on:change=move |ev| set(event_target_value(&ev))
        />
    }
}
