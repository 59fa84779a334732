//! The Channels lesson.

use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! { <section class="lesson"><h1>{move || i18n.t("Channels")}</h1></section> }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[];
