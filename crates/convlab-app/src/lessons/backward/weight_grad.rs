//! ∂L/∂W, the correlation of X with ∂L/∂Y (each tap sums the input values it met, times the
//! gradient of the output it made), and ∂L/∂b, the sum of ∂L/∂Y. Pointing at a tap writes its
//! sum out; clicking it checks it by finite differences.

use leptos::prelude::*;

use super::input_grad::{check_on_click, written_sum};
use super::model;
use super::state::Grad;
use super::Backward;
use crate::components::grid::Grid;
use crate::format;
use crate::i18n::use_i18n;

#[component]
pub fn WeightGrad(page: Backward) -> impl IntoView {
    let i18n = use_i18n();
    let geo = page.geo;
    let hovered = RwSignal::new(None::<(usize, usize)>);
    let grad_w = page.result(2);
    let grad_b = page.result(3);
    let [krows, kcols] = [0, 1].map(|a| Signal::derive(move || geo.get().kernel[a]));
    let hover = Callback::new(move |cell: Option<(i64, i64)>| {
        hovered.set(
            cell.and_then(|(y, x)| Some((usize::try_from(y).ok()?, usize::try_from(x).ok()?))),
        );
    });
    let sum = move || {
        let (a, b) = hovered.get()?;
        let out = page.out_hw.get().ok()?;
        let terms: Vec<(f32, f32)> = page.x.with(|x| {
            page.g.with(|g| {
                model::weight_terms(&geo.get(), out, x, g, (a, b))
                    .iter()
                    .map(|t| (t.x, t.g))
                    .collect()
            })
        });
        Some(format!(
            "∂L/∂K[{a}, {b}] = Σ X[o·s − p + t·d] · ∂L/∂Y[o] = {}",
            written_sum(&terms)
        ))
    };
    let bias_sum = move || {
        let g = page.g.get();
        let parts: Vec<String> = g.iter().map(|v| format::value(*v)).collect();
        let total: f32 = g.iter().sum();
        format!("{} = {}", parts.join(" + "), format::value(total))
    };
    let bias = move || grad_b.get().and_then(|b| b.first().copied());
    view! {
        <h2>{move || i18n.t("∂L/∂W and ∂L/∂b")}</h2>
        <p class="note">{move || i18n.t("Each weight met one input value in every window: its gradient sums those values, each times the gradient of the output it made. That is a correlation of X with ∂L/∂Y (spread by the stride). The bias was added to every output, so its gradient is the sum of ∂L/∂Y.")}</p>
        <div class="bw-row">
            <figure on:click=check_on_click(page, Grad::Weight)>
                <figcaption>"∂L/∂W"</figcaption>
                <Grid testid="grad-weight" label=Signal::derive(move || i18n.t("Gradient of the kernel ∂L/∂W").to_string())
                    rows=krows cols=kcols
                    values=Signal::derive(move || grad_w.get().unwrap_or_default())
                    on_hover=hover/>
            </figure>
            <figure>
                <figcaption>"∂L/∂b"</figcaption>
                <output class="bw-bias" data-testid="grad-bias" data-value=move || bias().map(|b| b.to_string())>
                    {move || bias().map(format::value)}
                </output>
                <p class="bw-sum" data-testid="grad-bias-sum">"Σ ∂L/∂Y = "{bias_sum}</p>
            </figure>
        </div>
        <p class="bw-sum" data-testid="grad-weight-sum" aria-live="polite">{sum}</p>
    }
}
