//! Labelled controls shared by the lessons; each lesson binds them to its typed URL state.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A whole-number field showing `value` and calling `set` with each entry that parses, clamped
/// to `min..=max`; `id` is also its `data-testid`.
#[component]
pub fn NumberField(
    label: &'static str,
    #[prop(into)] id: String,
    #[prop(into)] value: Signal<usize>,
    min: usize,
    max: usize,
    set: Callback<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (label_for, testid) = (id.clone(), id.clone());
    view! {
        <label class="param" for=label_for>
            <span>{move || i18n.t(label)}</span>
            <input
                id=id
                type="number"
                inputmode="numeric"
                min=min.to_string()
                max=max.to_string()
                step="1"
                data-testid=testid
                prop:value=move || value.get().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                        set.run(v.clamp(min, max));
                    }
                }
            />
        </label>
    }
}
