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
    let i18n = use_i18n();
    let value = move || query.parse(key, default).clamp(min, max);
    let id = format!("param-{key}");
    let label_for = id.clone();
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
                data-testid=format!("param-{key}")
                prop:value=move || value().to_string()
                on:input=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<usize>() {
                        query.set(key, v.clamp(min, max));
                    }
                }
            />
        </label>
    }
}
