//! The Residual blocks lesson.

use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn ResidualPage() -> impl IntoView {
    let i18n = use_i18n();
    view! { <section class="lesson"><h1>{move || i18n.t("Residual blocks")}</h1></section> }
}

/// The Korean of this page's texts (see `i18n`).
pub const KO: &[(&str, &str)] = &[];
