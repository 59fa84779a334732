//! A residual block's two paths, under its output's maps: `F(x)` (conv1, bn1, ReLU, conv2, bn2)
//! and the shortcut (`x` itself, or its 1×1 convolution), each channel a map on the block's
//! colour scale; the block's output is `relu(F(x) + shortcut)`. Shown on request (a block of 64
//! channels has 128 of them), a few maps per task.

use std::time::Duration;

use leptos::prelude::*;

use super::Inside;
use crate::components::heatmap::{plane_of, Heatmap, Plane};
use crate::i18n::use_i18n;

/// Maps added per task once the paths are opened.
const MAPS_PER_TASK: usize = 8;

#[component]
pub fn ResidualPaths(
    inside: Inside,
    layer: usize,
    shape: [usize; 3],
    scale: Memo<f32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let [c, h, w] = shape;
    let open = RwSignal::new(false);
    // How many of the 2·C maps (F(x)'s, then the shortcut's) are built.
    let built = RwSignal::new(0usize);
    Effect::new(move |_| {
        if open.get() && built.get() < 2 * c {
            set_timeout(
                move || {
                    built.try_update(|n| *n = (*n + MAPS_PER_TASK).min(2 * c));
                },
                Duration::ZERO,
            );
        }
    });
    // Channel `ch` of the main path (`shortcut` false) or of the shortcut.
    let plane = move |shortcut: bool, ch: usize| {
        Signal::derive(move || -> Option<Plane> {
            inside.paths.with(|paths| {
                let (_, main, short) = paths.iter().find(|(l, _, _)| *l == layer)?;
                plane_of(if shortcut { short } else { main }, ch, h, w)
            })
        })
    };
    let maps = move |shortcut: bool, testid: &'static str| {
        let first = if shortcut { c } else { 0 };
        view! {
            <div class="in-maps">
                <For
                    each=move || first..built.get().clamp(first, first + c)
                    key=|i| *i
                    children=move |i| view! {
                        <div class="in-map">
                            <Heatmap testid=testid label=Signal::derive(move || format!("{testid} {}", i - first)) plane=plane(shortcut, i - first) signed=true scale=scale/>
                        </div>
                    }
                />
            </div>
        }
    };
    view! {
        <details class="in-paths" data-testid="residual-paths" data-layer=layer>
            <summary on:click=move |_| open.update(|o| *o = !*o)>{move || i18n.t("The block's two paths: F(x) and the shortcut")}</summary>
            {move || open.get().then(|| view! {
                <p class="in-small">"F(x) = bn2(conv2(relu(bn1(conv1(x)))))"</p>
                {maps(false, "path-main")}
                <p class="in-small">{move || i18n.t("the shortcut (x, or its 1×1 convolution)")}</p>
                {maps(true, "path-shortcut")}
            })}
        </details>
    }
}
