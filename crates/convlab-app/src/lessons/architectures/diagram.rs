//! The block diagram: each feature map a block drawn to scale (height ∝ H, width ∝ C; vectors
//! after Flatten as thin bars on a log scale), lit with the rows under the pointer or selected.

use convlab_core::export;
use leptos::prelude::*;

use super::model::{blocks, Block};
use super::page::Arch;
use super::state::Selection;
use crate::components::svg_download::SvgDownload;
use crate::i18n::use_i18n;

#[component]
pub fn Diagram(arch: Arch) -> impl IntoView {
    let i18n = use_i18n();
    let t = move |en: &'static str| i18n.t(en);
    let (selection, hovered) = (arch.selection, arch.hovered);
    move || {
        let a = arch.analysis.get();
        let bs = blocks(arch.input.get(), &a.rows);
        const MAX_H: f64 = 150.0;
        const MAX_W: f64 = 96.0;
        const GAP: f64 = 14.0;
        let maps: Vec<&Block> = bs.iter().filter(|b| b.shape.len() == 3).collect();
        let max_hw = maps.iter().map(|b| b.shape[1]).max().unwrap_or(1).max(1) as f64;
        let max_c = maps.iter().map(|b| b.shape[0]).max().unwrap_or(1).max(1) as f64;
        let max_f = bs
            .iter()
            .filter(|b| b.shape.len() == 1)
            .map(|b| b.shape[0])
            .max()
            .unwrap_or(1)
            .max(2) as f64;
        let char_w = 6.6;
        let top = 18.0;
        let mut x = 8.0;
        let mut parts = Vec::new();
        for (k, b) in bs.iter().enumerate() {
            let (w, h, is_vector) = match b.shape[..] {
                [c, hh, _] => (
                    (c as f64 / max_c * MAX_W).max(2.0),
                    (hh as f64 / max_hw * MAX_H).max(1.5),
                    false,
                ),
                [f] => (
                    8.0,
                    ((f as f64 + 1.0).log10() / (max_f + 1.0).log10() * MAX_H).max(3.0),
                    true,
                ),
                _ => (4.0, 4.0, false),
            };
            let shape = export::shape_text(&b.shape);
            let label_w = shape.len().max(b.label.chars().count()) as f64 * char_w;
            let slot = w.max(label_w);
            let bx = x + (slot - w) / 2.0;
            let by = top + (MAX_H - h) / 2.0;
            let cx = x + slot / 2.0;
            let rows = b.rows.clone();
            let lit_rows = b.rows.clone();
            let on = move || {
                let lit = hovered.get().unwrap_or_default();
                let sel = selection.get();
                lit_rows
                    .iter()
                    .any(|r| lit.contains(r) || sel == Some(Selection::Row(*r)))
            };
            let first = b.rows.first().copied();
            parts.push(view! {
                <g
                    class="block"
                    class:vector=is_vector
                    class:input=b.rows.is_empty()
                    class:lit=on
                    data-testid="diagram-block"
                    on:mouseenter=move |_| hovered.set(Some(rows.clone()))
                    on:mouseleave=move |_| hovered.set(None)
                    on:click=move |_| arch.select(Some(first.map_or(Selection::Input, Selection::Row)))
                >
                    <rect x=format!("{bx:.1}") y=format!("{by:.1}") width=format!("{w:.1}") height=format!("{h:.1}") rx="1.5"></rect>
                    <text class="op" x=format!("{cx:.1}") y="12" text-anchor="middle">{if b.rows.is_empty() { t("input").to_string() } else { b.label.clone() }}</text>
                    <text class="dims" x=format!("{cx:.1}") y=format!("{:.1}", top + MAX_H + 16.0) text-anchor="middle">{shape}</text>
                </g>
            }.into_any());
            x += slot + GAP;
            // An arrow to the next block.
            if k + 1 < bs.len() || a.error.is_some() {
                let y = top + MAX_H / 2.0;
                parts.push(view! {
                    <path class="link" d=format!("M{:.1} {y:.1} h{:.1}", x - GAP + 2.0, GAP - 4.0)></path>
                }.into_any());
            }
        }
        if a.error.is_some() {
            let y = top + MAX_H / 2.0;
            parts.push(view! {
                <g class="break" data-testid="diagram-break">
                    <text x=format!("{:.1}", x + 6.0) y=format!("{:.1}", y + 6.0) text-anchor="middle">"✕"</text>
                </g>
            }.into_any());
            x += 24.0;
        }
        let width = x + 8.0;
        let height = top + MAX_H + 26.0;
        // rem, so presentation mode scales the drawing with the page.
        let style = format!("width: {:.3}rem", width / 16.0);
        let scale = format!(
            "{} H ({} px = {}) · {} C ({} px = {} {})",
            t("Drawn to scale: height ∝"),
            MAX_H as usize,
            max_hw as usize,
            t("width ∝"),
            MAX_W as usize,
            max_c as usize,
            t("channels")
        );
        view! {
            <figure class="arch-diagram">
                <div class="scroll">
                    <svg
                        data-testid="diagram"
                        role="img"
                        aria-label=move || t("Block diagram of the feature maps")
                        viewBox=format!("0 0 {width:.1} {height:.1}")
                        style=style
                    >
                        {parts}
                    </svg>
                </div>
                <figcaption>
                    <span data-testid="diagram-scale">{scale}</span>
                    " · "
                    {t("vectors (after Flatten): height on a log scale")}
                    <SvgDownload testid="diagram" svg="[data-testid=diagram]" title=Signal::derive(move || t("Block diagram of the feature maps").to_string())/>
                </figcaption>
            </figure>
        }
    }
}
