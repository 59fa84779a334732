//! The forward pass and the gradient that arrives: X and K (editable), Y = X ⋆ K from the
//! engine, and ∂L/∂Y (editable; L = Σ Y·∂L/∂Y, so all ones means L = ΣY).

use leptos::prelude::*;

use super::state::BackwardState;
use super::Backward;
use crate::components::grid::Grid;
use crate::i18n::use_i18n;
use crate::url::History;

/// An edit of one value of the list `field` of the state: the list as shown (`current`, the
/// default values when the address gives none) with that value changed.
pub fn edit_values(
    page: Backward,
    current: Memo<Vec<f32>>,
    field: fn(&mut BackwardState) -> &mut Option<Vec<f32>>,
) -> Callback<(usize, f32)> {
    Callback::new(move |(i, v): (usize, f32)| {
        let mut values = current.get_untracked();
        if let Some(slot) = values.get_mut(i) {
            *slot = crate::format::written(v);
            page.state
                .update(History::Replace, |s| *field(s) = Some(values));
        }
    })
}

#[component]
pub fn Forward(page: Backward) -> impl IntoView {
    let i18n = use_i18n();
    let geo = page.geo;
    let [rows, cols] = [0, 1].map(|a| Signal::derive(move || geo.get().input[a]));
    let [krows, kcols] = [0, 1].map(|a| Signal::derive(move || geo.get().kernel[a]));
    let out = move |a: usize| Signal::derive(move || page.out_hw.get().map_or(0, |hw| hw[a]));
    let y = page.result(0);
    let label = |en: &'static str| Signal::derive(move || i18n.t(en).to_string());
    view! {
        <h2>{move || i18n.t("Forward: Y = X ⋆ K")}</h2>
        <div class="bw-row">
            <figure>
                <figcaption>"X"</figcaption>
                <Grid testid="input" label=label("Input X") rows=rows cols=cols values=page.x
                    pad=Signal::derive(move || geo.get().padding)
                    on_edit=edit_values(page, page.x, |s| &mut s.x)/>
            </figure>
            <figure>
                <figcaption>"K"</figcaption>
                <Grid testid="kernel" label=label("Kernel K") rows=krows cols=kcols values=page.k
                    on_edit=edit_values(page, page.k, |s| &mut s.wt)/>
            </figure>
            <figure>
                <figcaption>"Y"</figcaption>
                <Grid testid="output" label=label("Output Y") rows=out(0) cols=out(1)
                    values=Signal::derive(move || y.get().unwrap_or_default())/>
            </figure>
            <figure>
                <figcaption>"∂L/∂Y"</figcaption>
                <Grid testid="grad-output" label=label("Upstream gradient ∂L/∂Y") rows=out(0) cols=out(1) values=page.g
                    on_edit=edit_values(page, page.g, |s| &mut s.g)/>
            </figure>
        </div>
        <p class="note">{move || i18n.t("L = Σ Y · ∂L/∂Y: with ∂L/∂Y all ones, L is the sum of Y. Type any value into X, K or ∂L/∂Y.")}</p>
    }
}
