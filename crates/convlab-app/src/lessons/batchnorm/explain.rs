//! The formulas beside the pictures, and why evaluation mode needs running statistics.

use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn Explain() -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    view! {
        <aside class="bn-explain">
            <p class="formula"><code>"μ_B = (1/M) Σ x"</code></p>
            <p class="formula"><code>"σ²_B = (1/M) Σ (x − μ_B)²"</code></p>
            <p class="formula"><code>"y = γ · (x − μ_B) / √(σ²_B + ε) + β"</code></p>
            <p class="formula"><code>"running ← (1 − momentum) · running + momentum · batch"</code></p>
            <p class="note">{move || t("running_var follows the unbiased variance s² = σ²_B · M/(M − 1), as in PyTorch; the normalization uses σ²_B. The engine returns s² and 1/√(σ²_B + ε); σ²_B is shown as s² · (M − 1)/M.")}</p>
            <p class="note">{move || t("Each channel has its own μ and σ, so the three histograms of x sit apart; after normalization they overlap around β with spread γ.")}</p>
            <details>
                <summary>{move || t("Why does evaluation mode need running statistics?")}</summary>
                <p>{move || t("At test time there may be a single image, and its prediction must not depend on which other images share its batch. So the layer remembers an average of the training batches' statistics and uses those instead.")}</p>
            </details>
        </aside>
    }
}
