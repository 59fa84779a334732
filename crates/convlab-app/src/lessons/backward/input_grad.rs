//! ∂L/∂X as the transposed convolution of ∂L/∂Y: the expanded gradient E (∂L/∂Y spread out by
//! the stride, zeros between, inside the full padding), the kernel turned 180°, and ∂L/∂X from
//! the engine. Pointing at a cell of ∂L/∂X lights its window in E and writes its sum out;
//! clicking it checks it by finite differences.

use leptos::prelude::*;

use super::model::{self, Cell};
use super::state::Grad;
use super::Backward;
use crate::components::grid::{cell_of, Grid};
use crate::format;
use crate::i18n::use_i18n;
use crate::url::History;

/// A sum written out: `a·b + c·d + … = total`.
pub fn written_sum(terms: &[(f32, f32)]) -> String {
    let total: f32 = terms.iter().map(|(a, b)| a * b).sum();
    let products: Vec<String> = terms
        .iter()
        .map(|(a, b)| format!("{}·{}", format::value(*a), format::value(*b)))
        .collect();
    format!("{} = {}", products.join(" + "), format::value(total))
}

/// Selects `cell` of the gradient `grad` for the finite-difference check.
pub fn check_on_click(page: Backward, grad: Grad) -> impl Fn(web_sys::MouseEvent) {
    move |ev: web_sys::MouseEvent| {
        if let Some((y, x)) = cell_of(&ev) {
            if let (Ok(y), Ok(x)) = (usize::try_from(y), usize::try_from(x)) {
                page.state
                    .update(History::Replace, |s| s.check = Some((grad, [y, x])));
            }
        }
    }
}

#[component]
pub fn InputGrad(page: Backward) -> impl IntoView {
    let i18n = use_i18n();
    let geo = page.geo;
    let hovered = RwSignal::new(None::<(usize, usize)>);
    let expanded = Memo::new(move |_| {
        let out = page.out_hw.get().unwrap_or([0, 0]);
        page.g.with(|g| model::expanded(&geo.get(), out, g))
    });
    let turned = Memo::new(move |_| page.k.with(|k| model::rotated(k)));
    let window = Memo::new(move |_| {
        hovered
            .get()
            .map(|cell| model::input_window(&geo.get(), cell))
            .unwrap_or_default()
    });
    let e_class = Callback::new(move |(y, x): (i64, i64)| {
        let (y, x) = (y as usize, x as usize);
        let lit = window.with(|w| w.contains(&(y, x)));
        let kind = expanded.with(|e| e.cells.get(y * e.cols + x).copied());
        match (lit, kind) {
            (true, _) => "window",
            (false, Some(Cell::Padding)) => "bw-pad",
            (false, Some(Cell::Inserted)) => "bw-inserted",
            _ => "",
        }
    });
    let grad = page.result(1);
    let [rows, cols] = [0, 1].map(|a| Signal::derive(move || geo.get().input[a]));
    let [krows, kcols] = [0, 1].map(|a| Signal::derive(move || geo.get().kernel[a]));
    let hover = Callback::new(move |cell: Option<(i64, i64)>| {
        hovered.set(
            cell.and_then(|(y, x)| Some((usize::try_from(y).ok()?, usize::try_from(x).ok()?))),
        );
    });
    let sum = move || {
        let (i, j) = hovered.get()?;
        let terms =
            expanded.with(|e| turned.with(|t| model::input_terms(&geo.get(), e, t, (i, j))));
        Some(format!(
            "∂L/∂X[{i}, {j}] = Σ E ⊙ rot180(K) = {}",
            written_sum(&terms)
        ))
    };
    let steps = move || {
        let g = geo.get();
        let [ph, pw] = [0, 1].map(|a| model::full_padding(&g, a));
        format!(
            "{} s − 1 = {} × {}; {} d·(k − 1) − p = {ph} × {pw}{}",
            i18n.t("Zeros between the rows and columns of ∂L/∂Y:"),
            g.stride[0] - 1,
            g.stride[1] - 1,
            i18n.t("full padding:"),
            if ph < 0 || pw < 0 {
                i18n.t(" (negative: rows cut)")
            } else {
                ""
            }
        )
    };
    let label = |en: &'static str| Signal::derive(move || i18n.t(en).to_string());
    view! {
        <h2>{move || i18n.t("∂L/∂X: the transposed convolution of ∂L/∂Y")}</h2>
        <p class="note">{move || i18n.t("Each output Y[o] used the input cells under its window, so each input cell's gradient collects ∂L/∂Y[o] × the tap it met, over every window it was in. That is a correlation of ∂L/∂Y, spread out by the stride and fully padded, with the kernel turned 180°.")}</p>
        <p class="note" data-testid="input-grad-steps">{steps}</p>
        <div class="bw-row">
            <figure>
                <figcaption>"E"</figcaption>
                <Grid testid="expanded-grad" label=label("∂L/∂Y spread out and padded (E)")
                    rows=Signal::derive(move || expanded.with(|e| e.rows))
                    cols=Signal::derive(move || expanded.with(|e| e.cols))
                    values=Signal::derive(move || expanded.with(|e| e.values.clone()))
                    class_of=e_class/>
            </figure>
            <figure>
                <figcaption>"rot180(K)"</figcaption>
                <Grid testid="kernel-turned" label=label("The kernel turned 180°") rows=krows cols=kcols values=turned/>
            </figure>
            <figure on:click=check_on_click(page, Grad::Input)>
                <figcaption>"∂L/∂X"</figcaption>
                <Grid testid="grad-input" label=label("Gradient of the input ∂L/∂X") rows=rows cols=cols
                    values=Signal::derive(move || grad.get().unwrap_or_default())
                    on_hover=hover/>
            </figure>
        </div>
        <p class="bw-sum" data-testid="grad-input-sum" aria-live="polite">{sum}</p>
    }
}
