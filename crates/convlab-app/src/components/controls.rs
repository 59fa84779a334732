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

/// A `<select>` among `options` (`(value, label)`; labels already in the page's language) whose
/// current value is `value`.
#[component]
pub fn Choice(
    label: &'static str,
    testid: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    set: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="param">
            <span>{move || i18n.t(label)}</span>
            <select data-testid=testid prop:value=move || value.get() on:change=move |ev| set.run(event_target_value(&ev))>
                {move || {
                    let chosen = value.get();
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = v == chosen;
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}
