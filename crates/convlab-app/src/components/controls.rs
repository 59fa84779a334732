//! Labelled controls bound to a URL parameter: the page's state lives in the address, so these read
//! their value from [`Query`] and write it back.

use leptos::prelude::*;

use crate::i18n::use_i18n;
use crate::url::use_query;

/// A whole-number field for URL parameter `key`, clamped to `min..=max` (bad typing is ignored
/// until it parses; the URL never holds a value outside the range).
#[component]
pub fn NumberParam(
    label: &'static str,
    key: &'static str,
    default: usize,
    min: usize,
    max: usize,
) -> impl IntoView {
    let query = use_query();
    view! {
        <NumberField
            label=label
            id=format!("param-{key}")
            value=Signal::derive(move || query.parse(key, default).clamp(min, max))
            min=min
            max=max
            set=Callback::new(move |v: usize| query.set(key, v))
        />
    }
}

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
