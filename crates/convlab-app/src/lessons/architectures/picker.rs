//! The model picker (the classics, then the notes' models) and what the chosen model introduced.

use leptos::prelude::*;

use super::catalogue::{display_name, story, CLASSICS, MODELS};
use super::page::Arch;
use crate::i18n::use_i18n;

#[component]
pub fn Picker(arch: Arch) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let button = move |(n, label): (&'static str, &'static str)| {
        view! {
            <button
                class="model"
                data-testid=format!("model-{n}")
                aria-pressed=move || (arch.name.get() == n).to_string()
                on:click=move |_| arch.choose_model(n)
            >
                {move || t(label)}
            </button>
        }
    };
    view! {
        <div class="arch-models" role="group" aria-label=move || t("Models")>
            <span class="group-label">{move || t("Classics")}</span>
            {MODELS[..CLASSICS].iter().copied().map(button).collect_view()}
            <span class="group-label">{move || t("The notes")}</span>
            {MODELS[CLASSICS..].iter().copied().map(button).collect_view()}
        </div>
        <p class="story" data-testid="story">
            <strong>{move || t(display_name(arch.name.get()))}</strong>
            " · "
            {move || t(story(arch.name.get()))}
        </p>
    }
}
