//! The per-channel statistics table: the batch's mean and variances, the running statistics,
//! and the mean and variance of both outputs (≈ β and γ² in training mode).

use leptos::prelude::*;

use super::engine::Engine;
use super::model::{channel_css, out, C};
use crate::format;
use crate::i18n::use_i18n;

/// Per-channel values written for the table, and kept exact in `data-values` for tests.
fn stat_row(testid: &'static str, label: String, values: Option<Vec<f32>>) -> impl IntoView {
    let exact = values
        .as_ref()
        .map(|v| v.iter().map(f32::to_string).collect::<Vec<_>>().join(","))
        .unwrap_or_default();
    let cells = (0..C)
        .map(|c| {
            let text = values
                .as_ref()
                .and_then(|v| v.get(c))
                .map(|v| format::value(*v))
                .unwrap_or_else(|| "…".into());
            view! { <td class="num">{text}</td> }
        })
        .collect_view();
    view! {
        <tr data-testid=testid data-values=exact>
            <th scope="row">{label}</th>
            {cells}
        </tr>
    }
}

#[component]
pub fn Stats(engine: Engine) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |s: &'static str| i18n.t(s);
    let heads = (0..C)
        .map(|c| {
            view! {
                <th scope="col" class="num" style=format!("border-bottom: 3px solid {}", channel_css(c))>
                    {move || format!("{} {c}", t("Channel"))}
                </th>
            }
        })
        .collect_view();
    view! {
        <table class="bn-stats" data-testid="bn-stats">
            <thead>
                <tr>
                    <th scope="col">{move || t("per channel")}</th>
                    {heads}
                </tr>
            </thead>
            <tbody>
                {move || stat_row("bn-mean", format!("μ_B — {}", t("batch mean")), engine.output(out::MEAN))}
                {move || stat_row("bn-var", format!("σ²_B — {}", t("batch variance (÷M, normalizes)")), engine.biased(out::VAR_UNBIASED))}
                {move || stat_row("bn-var-unbiased", format!("s² — {}", t("unbiased variance (÷(M−1), for running_var)")), engine.output(out::VAR_UNBIASED))}
                {move || stat_row("bn-running-mean", format!("running_mean — {}", t("after the steps so far")), engine.running().map(|r| r.0))}
                {move || stat_row("bn-running-var", format!("running_var — {}", t("after the steps so far")), engine.running().map(|r| r.1))}
                {move || stat_row("bn-out-mean", format!("{} — {}", t("train-mode output: mean"), t("≈ β")), engine.output(out::TRAIN_MEAN))}
                {move || stat_row("bn-out-var", format!("{} — {}", t("train-mode output: variance"), t("≈ γ²")), engine.biased(out::TRAIN_VAR_UNBIASED))}
                {move || stat_row("bn-eval-mean", t("eval-mode output: mean").to_string(), engine.output(out::EVAL_MEAN))}
                {move || stat_row("bn-eval-var", t("eval-mode output: variance").to_string(), engine.biased(out::EVAL_VAR_UNBIASED))}
            </tbody>
        </table>
    }
}
