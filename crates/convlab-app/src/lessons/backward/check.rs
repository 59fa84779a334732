//! The finite-difference check of the chosen cell: nudge that one value of X (or K) by ±h,
//! recompute L from its definition (in f64, on the page: a few hundred products), and compare
//! (L(v + h) − L(v − h)) / 2h with the engine's gradient. L is linear in each value, so they
//! agree to rounding: the backward pass is the derivative of the forward pass.

use leptos::prelude::*;

use super::model::{self, STEP};
use super::state::Grad;
use super::Backward;
use crate::format;
use crate::i18n::use_i18n;

#[component]
pub fn Check(page: Backward) -> impl IntoView {
    let i18n = use_i18n();
    let grad_x = page.result(1);
    let grad_w = page.result(2);
    let shown = move || {
        let (grad, [y, x]) = page.state.with(|s| s.check)?;
        let geo = page.geo.get();
        let out = page.out_hw.get().ok()?;
        let (name, width, engine) = match grad {
            Grad::Input => ("∂L/∂X", geo.input[1], grad_x),
            Grad::Weight => ("∂L/∂W", geo.kernel[1], grad_w),
        };
        let index = y * width + x;
        let fd = page.x.with(|xs| {
            page.k.with(|k| {
                page.g.with(|g| {
                    model::finite_difference(&geo, out, (xs, k, g), grad == Grad::Input, index)
                })
            })
        });
        let engine = engine.get()?.get(index).copied()?;
        Some(view! {
            <p data-testid="fd-check">
                {format!("{name}[{y}, {x}]: (L(v + h) − L(v − h)) / 2h, h = {STEP} → ")}
                <strong data-testid="fd-value" data-value=fd.to_string()>{format!("{fd:.6}")}</strong>
                {format!("; {} ", i18n.t("the engine's backward pass:"))}
                <strong data-testid="fd-engine" data-value=engine.to_string()>{format::value(engine)}</strong>
                {format!("; {} {:.1e}", i18n.t("difference"), (fd - f64::from(engine)).abs())}
            </p>
        })
    };
    view! {
        <h2>{move || i18n.t("Check by finite differences")}</h2>
        {move || shown().map(IntoAny::into_any).unwrap_or_else(|| view! {
            <p class="note">{i18n.t("Click a cell of ∂L/∂X or ∂L/∂W to check it against the loss itself.")}</p>
        }.into_any())}
    }
}
